from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "shop.core"
    label = "core"
    verbose_name = "Shop core"

    def ready(self):
        from django.core import checks
        from django.urls import register_converter

        from . import tasks  # noqa: F401  (the relay and the clean-up)
        from .checks import (
            check_cross_app_relations,
            check_event_catalog,
            check_service_ownership,
            check_shared_cache,
            check_source_boundaries,
        )
        from .converters import KeyConverter

        register_converter(KeyConverter, "key")
        _metrics()

        checks.register(check_cross_app_relations, checks.Tags.models)
        checks.register(check_service_ownership, checks.Tags.models)
        checks.register(check_event_catalog)
        checks.register(check_source_boundaries)
        checks.register(check_shared_cache, checks.Tags.caches, deploy=True)


def _metrics() -> None:
    """
    The kernel's part of /metrics: Celery's tasks and the outboxes' gauges.
    The directory of multiprocess mode first, before any process counts in it.
    """
    from .metrics import processes

    if (path := processes.directory()) is not None:
        path.mkdir(parents=True, exist_ok=True)

    from .metrics import celerytasks, gauges, outbox

    celerytasks.connect()
    gauges.register("outbox", outbox.gauges)
