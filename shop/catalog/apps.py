from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "shop.catalog"
    label = "catalog"

    def ready(self):
        from shop.core.metrics import gauges

        from . import (
            metrics,
            signals,  # noqa: F401  (connects the receivers)
            tasks,  # noqa: F401  (registers the periodic task)
        )

        gauges.register("catalog", metrics.gauges)
