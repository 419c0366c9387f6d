from django.apps import AppConfig


class TaxesConfig(AppConfig):
    name = "shop.taxes"
    label = "taxes"
    verbose_name = "Taxes"

    def ready(self):
        from . import tasks  # noqa: F401  (registers the consumers; none yet)
        from .models import TaxClass, TaxRate
        from .selectors import config

        config.watch([TaxClass, TaxRate])
