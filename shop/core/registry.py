"""
Which service owns what: the shop's apps, and the third-party apps each one
owns. A service owns its own tables and those of the libraries it is built
on: accounts owns Django's ``auth``, ``sessions``, ``admin`` and
``contenttypes`` and allauth's apps, so a model of another service that
points at allauth's ``EmailAddress`` crosses a boundary just as one pointing
at ``accounts.User`` does.

A service's ``AppConfig`` declares what it owns in ``owned_apps`` (app
labels). The relation check, the boundary scan, the admin's sections and,
later, the database router all read it from here.
"""

from django.apps import AppConfig, apps

CORE = "core"


def shop_app_configs() -> list[AppConfig]:
    """Every installed app under ``shop.``, the core included, in INSTALLED_APPS order."""
    return [config for config in apps.get_app_configs() if config.name.startswith("shop.")]


def shop_app_labels() -> list[str]:
    return [config.label for config in shop_app_configs()]


def service_labels() -> list[str]:
    """The services: every shop app but the shared kernel."""
    return [label for label in shop_app_labels() if label != CORE]


def ownership() -> dict[str, str]:
    """``{app label: owning service}`` for every shop app and every app a service owns."""
    owners = {}
    for config in shop_app_configs():
        owners[config.label] = config.label
        for label in getattr(config, "owned_apps", ()):
            owners.setdefault(label, config.label)
    return owners


def owner_of(app_label: str) -> str | None:
    """The service owning ``app_label``, or ``None`` for an app no service claims."""
    return ownership().get(app_label)
