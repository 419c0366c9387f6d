from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "shop.shipping"
    label = "shipping"

    def ready(self):
        from . import tasks  # noqa: F401  (registers the consumers, none yet)
        from .models import ShippingMethod, ShippingRate, ShippingZone
        from .selectors import config

        config.watch([ShippingZone, ShippingMethod, ShippingRate])
