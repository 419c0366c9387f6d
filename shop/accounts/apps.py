from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "shop.accounts"
    label = "accounts"
    verbose_name = "Accounts"
    # The libraries whose tables belong to this service (shop.core.registry).
    owned_apps = ("auth", "contenttypes", "sessions", "admin", "account", "headless")

    def ready(self):
        # allauth 65.21's JWT strategy uses this module without importing it
        # (a lazy-import bug); importing it here makes token signing work.
        import cryptography.hazmat.primitives.serialization  # noqa: F401
        from django.core import checks

        from shop.core.startup import STARTUP

        from . import signals, signed_in  # noqa: F401  (staff roles after migrate; cached users)
        from .checks import check_jwt_private_key

        checks.register(check_jwt_private_key, checks.Tags.security, STARTUP)
