from django.apps import AppConfig


class ShippingConfig(AppConfig):
    name = "shop.shipping"
    label = "shipping"

    def ready(self):
        from . import tasks  # noqa: F401  (registers the consumers, none yet)
