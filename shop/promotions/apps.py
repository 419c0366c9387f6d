from django.apps import AppConfig


class PromotionsConfig(AppConfig):
    name = "shop.promotions"
    label = "promotions"
    verbose_name = "Promotions"

    def ready(self):
        from . import sales, tasks  # noqa: F401  (announces sales; registers the periodic task)
