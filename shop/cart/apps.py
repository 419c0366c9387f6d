from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "shop.cart"
    label = "cart"

    def ready(self):
        from . import (
            signals,  # noqa: F401  (connects the login merge)
            tasks,  # noqa: F401  (registers the consumers)
        )
