from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "shop.reports"
    label = "reports"
    verbose_name = "Reports"

    def ready(self):
        from . import tasks  # noqa: F401  (no consumers yet)
