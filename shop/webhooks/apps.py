from django.apps import AppConfig


class WebhooksConfig(AppConfig):
    name = "shop.webhooks"
    label = "webhooks"
    verbose_name = "Webhooks"

    def ready(self):
        from shop.core.metrics import gauges

        from . import (
            metrics,
            signals,  # noqa: F401  (tells the relay what the endpoints want, on every change)
            tasks,  # noqa: F401  (registers the consumers)
        )

        gauges.register("webhooks", metrics.gauges)
