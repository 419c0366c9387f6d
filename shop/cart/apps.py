from django.apps import AppConfig


class CartConfig(AppConfig):
    name = "shop.cart"
    label = "cart"

    def ready(self):
        from . import (
            counts,  # noqa: F401  (the count is read with the signed-in user's row)
            signals,  # noqa: F401  (connects the login merge)
            tasks,  # noqa: F401  (registers the consumers)
        )
