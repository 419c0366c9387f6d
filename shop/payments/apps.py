from django.apps import AppConfig
from django.conf import settings

# Django's apps for the staff of payments run on its own, where accounts (their owner
# in the shop) is elsewhere: shop.payments.staff.
_STAFF_APPS = ("auth", "contenttypes", "sessions", "admin")


class PaymentsConfig(AppConfig):
    name = "shop.payments"
    label = "payments"

    @property
    def owned_apps(self) -> tuple[str, ...]:
        return _STAFF_APPS if self.label == settings.SHOP_SERVICE_NAME else ()

    def ready(self):
        from shop.core.metrics import gauges

        from . import (
            metrics,
            tasks,  # noqa: F401  (registers the consumers)
        )

        gauges.register("payments", metrics.gauges)
