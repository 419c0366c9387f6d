"""
Boundary rule 3: no relation crosses a service.

A foreign key, one-to-one or many-to-many from a model of one service to a
model another service owns makes ``manage.py check`` fail (``shop.E001``).
"Owns" includes the third-party apps a service declares in its
``owned_apps`` (``shop.core.registry``): allauth's ``EmailAddress`` and
Django's ``Group`` belong to accounts, so orders may not point at them either.
A generic relation in a service's model can point anywhere (``shop.E002``).
Every installed app with tables must belong to a service (``shop.E003``), so
each table has exactly one owner.
"""

from django.apps import apps
from django.contrib.contenttypes.fields import GenericForeignKey, GenericRelation
from django.core import checks

from ..registry import ownership


def find_cross_app_relations(models) -> list[checks.Error]:
    owners = ownership()
    errors = []
    for model in models:
        opts = model._meta
        shop_model = opts.app_config.name.startswith("shop.")
        owner = owners.get(opts.app_label)
        if owner is None:
            continue
        for field in [*opts.local_fields, *opts.local_many_to_many, *opts.private_fields]:
            where = f"{opts.label}.{field.name}"
            target = field.related_model if field.is_relation else None
            if isinstance(target, str):
                # Unresolved lazy reference: Django's own checks report it (fields.E300).
                continue
            generic = isinstance(field, (GenericForeignKey, GenericRelation)) or (
                target is not None and target._meta.label == "contenttypes.ContentType"
            )
            if generic and shop_model:
                errors.append(
                    checks.Error(
                        f"{where} is a generic relation: it can point into another service.",
                        hint="Reference the other app's object by its stable identifier.",
                        obj=field,
                        id="shop.E002",
                    )
                )
                continue
            if target is None or generic:
                continue
            target_owner = owners.get(target._meta.app_label)
            if target_owner is not None and target_owner != owner:
                through = (
                    "" if target_owner == target._meta.app_label else f" (owned by {target_owner})"
                )
                errors.append(
                    checks.Error(
                        f"{where} points to {target._meta.label}{through}, across the "
                        f"boundary between {owner} and {target_owner}.",
                        hint=(
                            f"Store the identifier instead (e.g. "
                            f"{target._meta.model_name}_id = models.BigIntegerField()) and "
                            f"read it through shop.{target_owner}.public."
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


def check_service_ownership(app_configs=None, **kwargs):
    """Every app with tables is a service or is owned by exactly one."""
    claims: dict[str, list[str]] = {}
    for config in apps.get_app_configs():
        if config.name.startswith("shop."):
            for label in getattr(config, "owned_apps", ()):
                claims.setdefault(label, []).append(config.label)
    errors = []
    for label, owners in claims.items():
        if len(owners) > 1:
            errors.append(
                checks.Error(
                    f"The app {label!r} is claimed by {', '.join(owners)}: a table has one owner.",
                    id="shop.E003",
                )
            )
    for config in apps.get_app_configs():
        if config.name.startswith("shop.") or config.label in claims:
            continue
        if list(config.get_models()):
            errors.append(
                checks.Error(
                    f"The app {config.label!r} has tables but no service owns it.",
                    hint=(
                        "Add its label to the owned_apps of the service whose data it holds "
                        "(see shop.core.registry)."
                    ),
                    obj=config,
                    id="shop.E003",
                )
            )
    return errors
