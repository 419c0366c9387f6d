"""
Settings of payments run as a service of its own: the shop's settings with
``SHOP_SERVICE_NAME=payments``, so only ``shop.core`` and ``shop.payments``
are installed, on one database of its own (``DATABASE_URL``), with a Celery
queue of its own (``payments``, where its worker also runs the shared
kernel's outbox relay). docs/architecture.md, "Running an app as its own
service".

    DJANGO_SETTINGS_MODULE=config.payments_settings \\
    DATABASE_URL=postgres://127.0.0.1/shop_payments \\
    SHOP_REMOTE_APPS=accounts=http://127.0.0.1:8000 \\
    PAYMENTS_URL=http://127.0.0.1:8001  gunicorn config.wsgi -b 127.0.0.1:8001

What payments needs from accounts (a customer's email for Stripe, staff
signing in to this admin) it asks accounts' public interface, at the
address ``SHOP_REMOTE_APPS`` gives (the storefront's, ``SHOP_URL``, unless
set). Its own tables hold its payments, its outbox and inbox, and Django's
users, sessions and admin log for its staff (``shop.payments.staff``).
"""

import os

os.environ.setdefault("SHOP_SERVICE_NAME", "payments")

from config.settings import *  # noqa: F403
from config.settings import SHOP_REMOTE_APPS, SHOP_SERVICE_NAME, SHOP_URL, env
from shop.core.remote import install as _install_remote_apps

if SHOP_SERVICE_NAME != "payments":
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("config.payments_settings needs SHOP_SERVICE_NAME=payments.")

SHOP_REMOTE_APPS.setdefault("accounts", SHOP_URL)
_install_remote_apps(SHOP_REMOTE_APPS)

ROOT_URLCONF = "config.payments_urls"
# Its own "not found" page first: the storefront's extends the shop's navigation.
TEMPLATES[0]["DIRS"] = [  # noqa: F405
    BASE_DIR / "shop" / "payments" / "templates" / "service",  # noqa: F405
    *TEMPLATES[0]["DIRS"],  # noqa: F405
]

# Staff sign in with their shop account, checked by accounts (shop.payments.staff).
AUTHENTICATION_BACKENDS = ["shop.payments.staff.AccountsStaffBackend"]
LOGIN_URL = "admin:login"
SESSION_ENGINE = env("SESSION_ENGINE", default="django.contrib.sessions.backends.db")
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 60 * 60)
# Browsers send a host's cookies to every port of it: names of its own keep
# this admin's sign-in apart from the storefront's.
SESSION_COOKIE_NAME = "payments_sessionid"
CSRF_COOKIE_NAME = "payments_csrftoken"

STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles-payments")  # noqa: F405

SPECTACULAR_SETTINGS = {
    **SPECTACULAR_SETTINGS,  # noqa: F405
    "TITLE": f"{SHOP_NAME} payments API",  # noqa: F405
    "DESCRIPTION": "Stripe's webhook and the test gateway, served by the payments service.",
    "ENUM_NAME_OVERRIDES": {},
}
