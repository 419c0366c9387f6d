from django.apps import AppConfig


class InvoicesConfig(AppConfig):
    name = "shop.invoices"
    label = "invoices"
    verbose_name = "Invoices"

    def ready(self):
        from . import checks, tasks  # noqa: F401  (registers the checks; no consumers yet)
