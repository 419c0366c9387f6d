from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shop.core"
    label = "core"
    verbose_name = "Shop core"

    def ready(self):
        from django.core import checks
        from django.urls import register_converter
        from django.utils.module_loading import autodiscover_modules

        from .checks import check_cross_app_relations, check_shared_cache
        from .converters import KeyConverter

        register_converter(KeyConverter, "key")

        checks.register(check_cross_app_relations, checks.Tags.models)
        checks.register(check_shared_cache, checks.Tags.caches, deploy=True)
        # Consumers register their subscriptions when their tasks module is
        # imported; the relay in this (web) process must know all of them.
        autodiscover_modules("tasks")
