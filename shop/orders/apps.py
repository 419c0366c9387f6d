from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "shop.orders"
    label = "orders"

    def ready(self):
        from shop.core.metrics import gauges

        from . import (
            metrics,
            tasks,  # noqa: F401  (the order's consumers)
        )
        from .checkout import tasks as checkout_tasks  # noqa: F401  (the saga's consumers)

        gauges.register("orders", metrics.gauges)
