"""
The system check behind boundary rule 3: no relation crosses a service.

A foreign key, one-to-one or many-to-many from one shop app to another, or a
generic relation (which can point anywhere), makes ``manage.py check`` fail.
Another app's thing is referenced by its stable identifier instead.
"""

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.core import checks


def _shop_app(model) -> str | None:
    name = model._meta.app_config.name
    return name if name.startswith("shop.") else None


def find_cross_app_relations(models) -> list[checks.Error]:
    errors = []
    for model in models:
        owner = _shop_app(model)
        if owner is None:
            continue
        opts = model._meta
        for field in [*opts.local_fields, *opts.local_many_to_many, *opts.private_fields]:
            where = f"{opts.label}.{field.name}"
            target = field.related_model if field.is_relation else None
            if isinstance(target, str):
                # Unresolved lazy reference: Django's own checks report it (fields.E300).
                continue
            if isinstance(field, (GenericForeignKey, GenericRelation)) or (
                target is not None and target._meta.label == "contenttypes.ContentType"
            ):
                errors.append(
                    checks.Error(
                        f"{where} is a generic relation: it can point into another service.",
                        hint="Reference the other app's object by its stable identifier.",
                        obj=field,
                        id="shop.E002",
                    )
                )
                continue
            if target is None:
                continue
            target_app = _shop_app(target)
            if target_app and target_app != owner:
                errors.append(
                    checks.Error(
                        f"{where} points to {target._meta.label}, across the boundary "
                        f"between {owner} and {target_app}.",
                        hint=(
                            f"Store the identifier instead (e.g. "
                            f"{target._meta.model_name}_id = models.BigIntegerField()) and "
                            f"read it through {target_app}.public."
                        ),
                        obj=field,
                        id="shop.E001",
                    )
                )
    return errors


def check_cross_app_relations(app_configs=None, **kwargs):
    if app_configs is None:
        models = apps.get_models()
    else:
        models = [model for config in app_configs for model in config.get_models()]
    return find_cross_app_relations(models)


def check_shared_cache(app_configs=None, **kwargs):
    """
    ``check --deploy``: production needs a cache every process shares. With a
    per-process cache, a price change invalidates cached pages in one worker
    only, and sign-in rate limits count per process.
    """
    backend = settings.CACHES["default"]["BACKEND"]
    if backend.endswith(("locmem.LocMemCache", "dummy.DummyCache")):
        return [
            checks.Warning(
                f"The default cache ({backend}) is not shared between processes.",
                hint="Set CACHE_URL (or REDIS_URL) to a Redis server.",
                id="shop.W001",
            )
        ]
    return []
