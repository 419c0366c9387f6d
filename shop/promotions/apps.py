from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "shop.promotions"
    label = "promotions"
    verbose_name = "Promotions"

    def ready(self):
        from . import tasks  # noqa: F401  (registers the periodic task; no consumers yet)
