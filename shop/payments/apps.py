from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "shop.payments"
    label = "payments"

    def ready(self):
        from . import tasks  # noqa: F401  (registers the consumers)
