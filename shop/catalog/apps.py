from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "shop.catalog"
    label = "catalog"

    def ready(self):
        from . import (
            signals,  # noqa: F401  (connects the receivers)
            tasks,  # noqa: F401  (registers the periodic task)
        )
