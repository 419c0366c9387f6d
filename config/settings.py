"""
The one settings module. Every value comes from the environment, with a
default that works on a laptop (SQLite, tasks in-process, console email,
local-memory cache). Production sets the variables listed in README.md.
"""

import ipaddress
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Exchange, Queue

from shop.core.loopback import is_loopback_host

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.smart_cast = False

DEBUG = env.bool("DEBUG", default=True)
# Published with the code: it signs nothing anyone else can reach (below).
_development_secret_key = "dev-only-not-secret-6b0c3f5e2d1a4e8f9c7b"

if DEBUG:
    SECRET_KEY = env("SECRET_KEY", default=_development_secret_key)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
else:
    try:
        SECRET_KEY = env("SECRET_KEY")
        ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
    except ImproperlyConfigured as exc:
        raise ImproperlyConfigured(
            f"{exc}: with DEBUG=0, SECRET_KEY and ALLOWED_HOSTS must be set."
        ) from None

# DEBUG=1 is a developer's shop: the test gateway takes "payments" for free,
# errors show tracebacks, and SECRET_KEY may be the development key above, so
# anyone could sign what it signs (payment page links, email confirmations).
# It serves this machine only: ALLOWED_HOSTS may name loopback hosts only, and
# requests from another machine are refused (shop.core.middleware), unless
# DEBUG_ON_PUBLIC_HOST=1 says others reach it on purpose (a VM, a container),
# which needs a SECRET_KEY of its own. docs/decisions/0020.
DEBUG_ON_PUBLIC_HOST = env.bool("DEBUG_ON_PUBLIC_HOST", default=False)
if DEBUG and not DEBUG_ON_PUBLIC_HOST:
    _public_hosts = [host for host in ALLOWED_HOSTS if not is_loopback_host(host)]
    if _public_hosts:
        raise ImproperlyConfigured(
            "DEBUG is on (DEBUG=1, or not set) and ALLOWED_HOSTS names "
            f"{', '.join(_public_hosts)}, which is not this machine: development settings "
            "(the test payment gateway, tracebacks, the development SECRET_KEY) serve "
            "localhost only. On a public host set DEBUG=0 (with SECRET_KEY and "
            "JWT_PRIVATE_KEY); to let other machines reach a development server on "
            "purpose, set DEBUG_ON_PUBLIC_HOST=1 and a SECRET_KEY of its own."
        )
if DEBUG and DEBUG_ON_PUBLIC_HOST and _development_secret_key == SECRET_KEY:
    raise ImproperlyConfigured(
        "DEBUG_ON_PUBLIC_HOST=1 lets other machines reach this development server: "
        "set a SECRET_KEY of its own (the development key is published with the code)."
    )

CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

SHOP_NAME = env("SHOP_NAME", default="Shop")
SHOP_CURRENCY = env("SHOP_CURRENCY", default="EUR")
# The storefront's public address, for links in emails sent outside a request.
SHOP_URL = env("SHOP_URL", default="http://localhost:8000")
# "Only 3 left" at or below this many units; the admin's low-stock filter too.
CATALOG_LOW_STOCK_THRESHOLD = env.int("CATALOG_LOW_STOCK_THRESHOLD", default=5)
# Seconds a cached catalog page fragment lives (any catalog change invalidates it sooner).
CATALOG_CACHE_TIMEOUT = env.int("CATALOG_CACHE_TIMEOUT", default=300)

# Cart: the most units of one SKU a line may hold, and how long an anonymous
# cart nobody touched is kept before the periodic clean-up deletes it.
CART_MAX_LINE_QUANTITY = env.int("CART_MAX_LINE_QUANTITY", default=99)
CART_MAX_LINES = env.int("CART_MAX_LINES", default=100)
CART_ANONYMOUS_MAX_AGE_DAYS = env.int("CART_ANONYMOUS_MAX_AGE_DAYS", default=30)

# Payments: Stripe when a secret key is set, otherwise the built-in test gateway
# (which refuses to run with DEBUG off unless PAYMENTS_TEST_GATEWAY_ENABLED=1).
STRIPE_SECRET_KEY = env("STRIPE_SECRET_KEY", default="")
STRIPE_PUBLISHABLE_KEY = env("STRIPE_PUBLISHABLE_KEY", default="")
STRIPE_WEBHOOK_SECRET = env("STRIPE_WEBHOOK_SECRET", default="")
# Seconds a signed webhook stays acceptable (Stripe's own default is 300).
STRIPE_WEBHOOK_TOLERANCE = env.int("STRIPE_WEBHOOK_TOLERANCE", default=300)
# Only for tests and local fakes: where the stripe library sends API calls.
STRIPE_API_BASE = env("STRIPE_API_BASE", default="")
PAYMENTS_TEST_GATEWAY_ENABLED = env.bool("PAYMENTS_TEST_GATEWAY_ENABLED", default=DEBUG)
# Where customers reach the payments service ("http://127.0.0.1:8001") when it
# runs apart from the storefront; empty: at the storefront's own address.
PAYMENTS_URL = env("PAYMENTS_URL", default="")
# Seconds after which a stored gateway event nobody processed is processed by
# the periodic sweep (its task message was lost).
PAYMENTS_EVENT_OVERDUE_AFTER = env.int("PAYMENTS_EVENT_OVERDUE_AFTER", default=120)
# Failed attempts of that sweep (one a minute) after which an event is given up
# and left for staff (the admin's "failed" filter, reconcile_payments).
PAYMENTS_EVENT_MAX_ATTEMPTS = env.int("PAYMENTS_EVENT_MAX_ATTEMPTS", default=10)

# Orders: how long a checkout holds its stock while the customer pays, and the
# carrier that books the parcels of a shipping method that names none.
ORDERS_CHECKOUT_TTL_MINUTES = env.int("ORDERS_CHECKOUT_TTL_MINUTES", default=15)
ORDERS_CARRIER = env("ORDERS_CARRIER", default="shop.orders.carriers.DemoCarrier")
# Guest checkout (decision 0023): guest checkouts awaiting payment per email
# address, and how often one client address may start one (allauth's rate
# notation: attempts per period, "10/m" ten a minute), storefront and API alike.
ORDERS_GUEST_OPEN_CHECKOUTS_PER_EMAIL = env.int("ORDERS_GUEST_OPEN_CHECKOUTS_PER_EMAIL", default=3)
ORDERS_GUEST_CHECKOUT_RATE = env("ORDERS_GUEST_CHECKOUT_RATE", default="10/m,30/h")
# The order confirmation attaches the invoice's PDF (drawing it costs the worker
# about 60 ms an order: docs/benchmarks.md); off, it links the invoice's page.
ORDERS_ATTACH_INVOICE = env.bool("ORDERS_ATTACH_INVOICE", default=False)
# Gift cards (decision 0030): the smallest amount the payment provider charges;
# a card that would leave less to pay by card holds less so the rest is this.
# Entering a gift card code (balance page, API, checkout) is limited per client
# address like guest checkouts: a code is a bearer's money.
ORDERS_MINIMUM_CHARGE = env("ORDERS_MINIMUM_CHARGE", default="0.50")
PROMOTIONS_GIFT_CARD_RATE = env("PROMOTIONS_GIFT_CARD_RATE", default="10/m,50/h")
# Taxes: whether catalog prices include tax (EU shops: gross prices) or not
# (US style: net prices, tax added at checkout), and the shop's own country,
# whose rates give a gross price's net when an order ships outside the tax zone.
TAXES_PRICES_INCLUDE_TAX = env.bool("TAXES_PRICES_INCLUDE_TAX", default=True)
TAXES_HOME_COUNTRY = env("TAXES_HOME_COUNTRY", default="DE").strip().upper()
# Shipping: zones, methods and rates are data (the admin); these are the carriers
# a method may name ("name=dotted.path.to.Carrier,..."; shop/orders/carriers.py).
SHIPPING_CARRIERS = env.dict(
    "SHIPPING_CARRIERS",
    default={
        "demo-parcel": "shop.orders.carriers.DemoCarrier",
        "demo-courier": "shop.orders.carriers.DemoCourier",
    },
)
# Invoices: the seller every invoice and credit note names, copied into each
# document when it is issued. The address is lines separated by ";"; with
# DEBUG=0 and taxes installed, `manage.py check` warns while the VAT number or
# the address is empty (invoices.W001, W002). With DEBUG on (make demo) they
# default to a demo seller's, so the demo's invoices look like real ones.
INVOICES_SELLER_NAME = env("INVOICES_SELLER_NAME", default=SHOP_NAME)
INVOICES_SELLER_ADDRESS = [
    line.strip()
    for line in env(
        "INVOICES_SELLER_ADDRESS", default="Demo Street 1;10115 Berlin;Germany" if DEBUG else ""
    ).split(";")
    if line.strip()
]
INVOICES_SELLER_VAT_NUMBER = env(
    "INVOICES_SELLER_VAT_NUMBER", default="DE000000000 (demo)" if DEBUG else ""
)
INVOICES_SELLER_EMAIL = env("INVOICES_SELLER_EMAIL", default="")
# PostgreSQL text search configuration for product search (stemming, stop words).
SEARCH_CONFIG = env("SEARCH_CONFIG", default="english")

# The apps that are services. Order matters only for readability.
ALL_SHOP_APPS = [
    "shop.core",
    "shop.catalog",
    "shop.accounts",
    "shop.cart",
    "shop.payments",
    "shop.taxes",
    "shop.shipping",
    "shop.invoices",
    "shop.promotions",
    "shop.orders",
    "shop.reports",
    "shop.webhooks",
]
# This deployment's name: "shop", the monolith, runs every app not named in
# SHOP_REMOTE_APPS; an app's name runs that app alone as a service of its own
# (config/payments_settings.py; docs/architecture.md "Running an app as its own service").
SHOP_SERVICE_NAME = env("SHOP_SERVICE_NAME", default="shop")
# Apps that run as services of their own elsewhere ("payments=http://127.0.0.1:8001"):
# not installed here; their public functions are called over HTTP (shop.core.remote).
SHOP_REMOTE_APPS = env.dict("SHOP_REMOTE_APPS", default={})
if SHOP_SERVICE_NAME == "shop":
    SHOP_APPS = [app for app in ALL_SHOP_APPS if app.rpartition(".")[2] not in SHOP_REMOTE_APPS]
elif f"shop.{SHOP_SERVICE_NAME}" in ALL_SHOP_APPS:
    SHOP_APPS = ["shop.core", f"shop.{SHOP_SERVICE_NAME}"]
else:
    raise ImproperlyConfigured(f"SHOP_SERVICE_NAME={SHOP_SERVICE_NAME!r} names no app of the shop.")
# accounts owns Django's users and allauth: installed with it, or not at all.
WITH_ACCOUNTS = "shop.accounts" in SHOP_APPS
# Signs and checks calls between services (every service of one shop shares it).
SHOP_SERVICE_SECRET = env("SHOP_SERVICE_SECRET", default=SECRET_KEY)
SHOP_REMOTE_TIMEOUT = env.float("SHOP_REMOTE_TIMEOUT", default=5.0)
SHOP_REMOTE_RETRIES = env.int("SHOP_REMOTE_RETRIES", default=2)

# The RSA key (PEM) that signs API access tokens. A laptop gets one generated
# into a git-ignored file, shared by every local process; production sets it.
if not WITH_ACCOUNTS:
    pass
elif "JWT_PRIVATE_KEY" in env.ENVIRON:
    HEADLESS_JWT_PRIVATE_KEY = env.str("JWT_PRIVATE_KEY", multiline=True)
elif DEBUG:
    from shop.core.devkeys import development_jwt_key

    HEADLESS_JWT_PRIVATE_KEY = development_jwt_key(BASE_DIR / ".jwt-dev-key.pem")
else:
    raise ImproperlyConfigured("With DEBUG=0, JWT_PRIVATE_KEY (an RSA key in PEM) must be set.")

INSTALLED_APPS = [
    "shop.core.adminsite.ShopAdminConfig",  # django.contrib.admin, sections by service
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "imagekit",
    "django_countries",
    "csp",  # its system checks (csp.E001, csp.E002)
    *SHOP_APPS,  # before allauth: the shop's templates override allauth's
    *(["allauth", "allauth.account", "allauth.headless"] if WITH_ACCOUNTS else []),
]

MIDDLEWARE = [
    "shop.core.middleware.RequestIdMiddleware",  # first: every record of a request has its id
    "shop.core.middleware.DebugServesThisMachineOnlyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "shop.core.middleware.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    *(["shop.accounts.signed_in.CachedUserMiddleware"] if WITH_ACCOUNTS else []),
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    *(["allauth.account.middleware.AccountMiddleware"] if WITH_ACCOUNTS else []),
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shop" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shop.core.context_processors.shop",
                *(["shop.cart.context_processors.cart"] if "shop.cart" in SHOP_APPS else []),
                *(["shop.taxes.context_processors.taxes"] if "shop.taxes" in SHOP_APPS else []),
            ],
        },
    },
]

# --- Data -------------------------------------------------------------------


def _database(config: dict) -> dict:
    config["ATOMIC_REQUESTS"] = False
    config["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    config["CONN_HEALTH_CHECKS"] = True
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # Take the write lock when a transaction starts, so read-check-write
        # sequences (stock reservations) cannot interleave; wait for it, don't fail.
        config.setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    return config


def _own_database_url(url: str, service: str) -> str:
    """DATABASE_URL with the service's name appended to the database's: shop -> shop_catalog."""
    base, _, query = url.partition("?")
    head, _, name = base.rpartition("/")
    stem, dot, suffix = name.rpartition(".") if name.endswith(".sqlite3") else (name, "", "")
    renamed = f"{stem}_{service}{dot}{suffix}"
    return f"{head}/{renamed}" + (f"?{query}" if query else "")


_database_url = env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")
DATABASES = {"default": _database(env.db_url_config(_database_url))}
# "shared": every service's tables in DATABASE_URL's database. "per-app": each
# service on a database of its own (shop.core.db), as it would be once
# extracted: <SERVICE>_DATABASE_URL, by default DATABASE_URL's database with
# "_<service>" appended; accounts keeps "default" with Django's and allauth's
# tables. `manage.py migrate_services` migrates them all.
SHOP_DATABASES = env("SHOP_DATABASES", default="shared")
if SHOP_DATABASES not in ("shared", "per-app"):
    raise ImproperlyConfigured('SHOP_DATABASES must be "shared" or "per-app".')
if SHOP_DATABASES == "per-app" and SHOP_SERVICE_NAME == "shop":
    # accounts stays on "default" with the Django and allauth tables it owns.
    for _service in (app.rpartition(".")[2] for app in SHOP_APPS[1:] if app != "shop.accounts"):
        _url = env(
            f"{_service.upper()}_DATABASE_URL", default=_own_database_url(_database_url, _service)
        )
        DATABASES[_service] = _database(env.db_url_config(_url))
DATABASE_ROUTERS = ["shop.core.db.ServiceRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

_cache_url = env("CACHE_URL", default=env("REDIS_URL", default="locmemcache://shop"))
CACHES = {"default": env.cache_url_config(_cache_url)}
if CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache":
    # Django's, except that an unreachable Redis is a miss, not a 500.
    CACHES["default"]["BACKEND"] = "shop.core.cache.ResilientRedisCache"

SESSION_ENGINE = env(
    "SESSION_ENGINE",
    default="django.contrib.sessions.backends.cached_db",
)

# A deployment without accounts keeps Django's own user model for its staff
# (config/payments_settings.py).
if WITH_ACCOUNTS:
    AUTH_USER_MODEL = "accounts.User"
    AUTHENTICATION_BACKENDS = [
        "django.contrib.auth.backends.ModelBackend",
        "allauth.account.auth_backends.AuthenticationBackend",
    ]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# --- Accounts (django-allauth, browser pages and the headless app API) -------

# Most addresses one customer's address book holds.
ACCOUNTS_MAX_ADDRESSES = env.int("ACCOUNTS_MAX_ADDRESSES", default=20)
ACCOUNT_ADAPTER = "shop.accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
# Sign-in works before the address is confirmed; checkout requires it.
ACCOUNT_EMAIL_VERIFICATION = "optional"
# Sign-in, password reset and adding an address never say whether an address
# has an account (the owner hears of it by mail); sign-up does (email_taken),
# held to the sign-up limit: docs/decisions/0018. Never "strict": it signs a
# second account up under a taken address, which the unique email refuses (500).
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = f"[{SHOP_NAME}] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http" if DEBUG else "https"
# Counted in the cache, so they hold across processes when the cache is Redis.
ACCOUNT_RATE_LIMITS = {
    "login": "30/m/ip",
    "login_failed": "10/m/ip,5/5m/key",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

HEADLESS_ONLY = False
HEADLESS_CLIENTS = ("app",)
HEADLESS_TOKEN_STRATEGY = "allauth.headless.tokens.strategies.jwt.JWTTokenStrategy"
HEADLESS_JWT_ALGORITHM = "RS256"
HEADLESS_JWT_ACCESS_TOKEN_EXPIRES_IN = env.int("JWT_ACCESS_TOKEN_EXPIRES_IN", default=300)
HEADLESS_JWT_REFRESH_TOKEN_EXPIRES_IN = env.int("JWT_REFRESH_TOKEN_EXPIRES_IN", default=86400)
HEADLESS_JWT_ROTATE_REFRESH_TOKEN = True
HEADLESS_JWT_STATEFUL_VALIDATION_ENABLED = True
# allauth builds its OpenAPI spec only when it serves it (/_allauth/openapi.json);
# shop.core.api.schema merges it into /api/schema/. No HTML page: it loads Redoc from a CDN.
HEADLESS_SERVE_SPECIFICATION = True
HEADLESS_SPECIFICATION_TEMPLATE_NAME = None
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = env("LANGUAGE_CODE", default="en-us")
TIME_ZONE = env("TIME_ZONE", default="UTC")
USE_I18N = True
USE_TZ = True

# --- Static files (served by the app through whitenoise, no CDN) ------------

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "shop" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
# Product images are uploads. In production a web server or object storage
# serves them; SERVE_MEDIA=1 lets the app do it (demo, single-box deployments).
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Email ------------------------------------------------------------------

vars().update(env.email_url("EMAIL_URL", default="consolemail://"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default=f"{SHOP_NAME} <shop@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security (`manage.py check --deploy` is clean with DEBUG=0) -------------

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Who the client is, for every limit (shop.core.ratelimit.client_address): the
# number of proxies of ours in front of the app, each appending the address it
# was reached from to X-Forwarded-For, and the addresses the nearest one
# connects from (gunicorn reads the same FORWARDED_ALLOW_IPS for
# X-Forwarded-Proto). 0: X-Forwarded-For is ignored, the client is REMOTE_ADDR.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
FORWARDED_ALLOW_IPS = env.list("FORWARDED_ALLOW_IPS", default=["127.0.0.1", "::1"])
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
for _entry in (entry for entry in FORWARDED_ALLOW_IPS if entry != "*"):
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"FORWARDED_ALLOW_IPS: {_error}") from None


def _origin(url: str) -> str | None:
    """``scheme://host[:port]`` of an absolute URL; None for a path or nothing."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# Content-Security-Policy (django-csp; docs/decisions/0020): scripts, styles,
# images and fetches only from this site, and no inline <script>, event
# handler, <style> or style="" anywhere (the storefront, the admin, the test
# gateway, Swagger UI). Forms post here; the checkout's POST is redirected on to
# the payment page, which Chromium checks against form-action too: Stripe
# Checkout, PAYMENTS_URL when payments runs apart, and the storefront (SHOP_URL),
# where that service's test gateway sends the customer back after paying.
# CSP_REPORT_ONLY=1 sends the same policy as Content-Security-Policy-Report-Only.
_csp_form_targets = [
    SHOP_URL,
    PAYMENTS_URL,
    "https://checkout.stripe.com",
    *env.list("CSP_EXTRA_FORM_ACTION", default=[]),
]
_csp = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": [
            "'self'",
            *dict.fromkeys(origin for origin in map(_origin, _csp_form_targets) if origin),
        ],
    }
}
if env("CSP_REPORT_URI", default=""):
    _csp["DIRECTIVES"]["report-uri"] = [env("CSP_REPORT_URI")]
if env.bool("CSP_REPORT_ONLY", default=False):
    CONTENT_SECURITY_POLICY_REPORT_ONLY = _csp
else:
    CONTENT_SECURITY_POLICY = _csp
# Browser features no page of the shop uses, refused to it and to anything it
# might embed (shop.core.middleware). Payment too: Stripe Checkout is a page of
# Stripe's own, not the Payment Request API or Stripe.js in ours.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "camera",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "payment",
        "usb",
    )
}

# --- Celery -----------------------------------------------------------------
# Without a broker, tasks run in-process: the outbox relay calls them right
# after the transaction commits, so the laptop runs the same code paths.

CELERY_BROKER_URL = env("CELERY_BROKER_URL", default="")
if CELERY_BROKER_URL.startswith("redis://"):
    # kombu's, with a Redis client per pool instead of one per command (shop.core.broker).
    CELERY_BROKER_TRANSPORT = "shop.core.broker:Transport"
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = env.bool("CELERY_TASK_EAGER_PROPAGATES", default=False)
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # Unacknowledged tasks (worker killed) come back after this many seconds.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=300),
}
CELERY_TASK_ROUTES = ("shop.core.messaging.route_task",)
# Every task named "<app>.<verb>" goes to the queue "<app>" (route_task); a
# worker started without -Q consumes all of these, so none is forgotten.
# The shared kernel's tasks (the outbox relay, pruning) work on this
# deployment's databases, so a service of its own runs them on its own queue.
SHOP_CORE_QUEUE = "core" if SHOP_SERVICE_NAME == "shop" else SHOP_SERVICE_NAME
CELERY_TASK_QUEUES = [
    Queue(name, Exchange(name), routing_key=name)
    for name in dict.fromkeys(
        [
            *(["celery"] if SHOP_SERVICE_NAME == "shop" else []),
            *(
                SHOP_CORE_QUEUE if app == "shop.core" else app.rpartition(".")[2]
                for app in SHOP_APPS
            ),
        ]
    )
]
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    "relay-outbox": {
        "task": "core.relay_outbox",
        "schedule": env.float("OUTBOX_RELAY_INTERVAL", default=15.0),
    },
    "prune-messages": {"task": "core.prune_messages", "schedule": 24 * 60 * 60},
    "release-expired-reservations": {
        "task": "catalog.release_expired_reservations",
        "schedule": 60.0,
    },
    "refresh-listing": {"task": "catalog.refresh_listing", "schedule": 60.0},
    "release-expired-voucher-uses": {
        "task": "promotions.release_expired_voucher_uses",
        "schedule": 60.0,
    },
    "delete-abandoned-carts": {"task": "cart.delete_abandoned_carts", "schedule": 60 * 60},
    "expire-checkouts": {"task": "orders.expire_checkouts", "schedule": 60.0},
    "process-overdue-gateway-events": {
        "task": "payments.process_overdue_gateway_events",
        "schedule": 60.0,
    },
    # Webhooks: the deliveries due (the table is the schedule, not countdowns), and
    # which events the endpoints want, told to the relay again before it forgets.
    "send-due-webhooks": {
        "task": "webhooks.send_due",
        "schedule": env.float("WEBHOOKS_SEND_INTERVAL", default=5.0),
    },
    "announce-webhook-demand": {"task": "webhooks.announce_demand", "schedule": 60.0},
}
# Each deployment schedules the periodic tasks of the apps it runs.
CELERY_BEAT_SCHEDULE = {
    name: entry
    for name, entry in CELERY_BEAT_SCHEDULE.items()
    if f"shop.{entry['task'].partition('.')[0]}" in SHOP_APPS
}
# Which consumers receive each event (shop.core.eventcatalog).
SHOP_EVENT_CATALOG = BASE_DIR / "config" / "events.toml"
# An outbox row not handed to the broker this many seconds after commit is
# re-sent by the periodic relay (the on-commit relay failed or never ran).
OUTBOX_RESEND_AFTER = env.float("OUTBOX_RESEND_AFTER", default=30.0)
# Relay tries that fail because of the event itself (its consumer raises
# in-process, the catalog no longer declares it) after which the event is
# parked for staff. A broker outage never counts.
OUTBOX_MAX_FAILURES = env.int("OUTBOX_MAX_FAILURES", default=10)

# --- Webhooks (issue 19) ----------------------------------------------------
# Outgoing webhooks to the endpoints staff register (shop/webhooks/README.md).
# Seconds to connect and between reads of one attempt.
WEBHOOKS_TIMEOUT = env.float("WEBHOOKS_TIMEOUT", default=10.0)
# Off in production: endpoints on loopback, private, link-local (cloud metadata),
# CGNAT, multicast or reserved addresses are refused. The tests' receiver is on loopback.
WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = env.bool("WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", default=False)
# Off in production: endpoints must be https.
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=False)
# An endpoint whose attempts have failed this long without a success is disabled
# and staff with the webhooks permissions are emailed.
WEBHOOKS_DISABLE_AFTER_HOURS = env.float("WEBHOOKS_DISABLE_AFTER_HOURS", default=24.0)

# --- API --------------------------------------------------------------------

# Throttles (shop.core.api.throttling): requests a minute per signed-in user or,
# anonymous, per client address, and a tighter allowance for changes (cart,
# checkout, addresses). "" lifts a limit (the benchmarks lift the anonymous
# ones: all their clients share 127.0.0.1).
_THROTTLES = {  # scope: (variable, default)
    "anon": ("API_THROTTLE_ANON", "300/min"),
    "user": ("API_THROTTLE_USER", "600/min"),
    "anon_write": ("API_THROTTLE_ANON_WRITES", "60/min"),
    "user_write": ("API_THROTTLE_USER_WRITES", "60/min"),
}
API_THROTTLE_RATES = {}
for _scope, (_variable, _default) in _THROTTLES.items():
    _rate = API_THROTTLE_RATES[_scope] = env(_variable, default=_default)
    _count, _, _period = _rate.partition("/")
    if _rate and not (_count.isdigit() and _period[:1] in ("s", "m", "h", "d")):
        raise ImproperlyConfigured(
            f'{_variable}={_rate!r}: requests per period, as "60/min" (s, min, hour, day), or "".'
        )

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        *(["shop.accounts.api.authentication.CachedJWTAuthentication"] if WITH_ACCOUNTS else []),
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": [
        "shop.core.api.throttling.ClientRateThrottle",
        "shop.core.api.throttling.WriteRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": API_THROTTLE_RATES,
    "DEFAULT_RENDERER_CLASSES": (
        ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"]
        if DEBUG
        else ["rest_framework.renderers.JSONRenderer"]
    ),
    "DEFAULT_PAGINATION_CLASS": "shop.core.api.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "shop.core.api.schema.AutoSchema",
    "EXCEPTION_HANDLER": "shop.core.api.exceptions.exception_handler",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}

SPECTACULAR_SETTINGS = {
    "TITLE": f"{SHOP_NAME} API",
    "DESCRIPTION": "Catalog, cart, checkout, orders and accounts of the shop.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        *(["shop.core.api.schema.add_headless_endpoints"] if WITH_ACCOUNTS else []),
        *(
            ["shop.webhooks.api.schema.add_webhook_payloads"]
            if "shop.webhooks" in SHOP_APPS
            else []
        ),
    ],
    # Choice sets that share a field name ("status") across apps get their own names.
    "ENUM_NAME_OVERRIDES": {
        "OrderStatusEnum": "shop.orders.models.Order.Status",
    },
}

# --- Metrics (issue 19) ------------------------------------------------------
# /metrics in Prometheus' text format (shop.core.metrics; docs/operations.md,
# "Metrics"), for the scraper only: it sends METRICS_TOKEN as a bearer token,
# or comes from METRICS_ALLOWED_NETWORKS (CIDRs), or both when both are set.
# Neither set: 404, except that DEBUG=1 lets this machine (loopback) look.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
if METRICS_TOKEN and len(METRICS_TOKEN) < 16:
    raise ImproperlyConfigured(
        "METRICS_TOKEN must be at least 16 characters: "
        "python -c 'import secrets; print(secrets.token_urlsafe(32))'"
    )
METRICS_ALLOWED_NETWORKS = env.list(
    "METRICS_ALLOWED_NETWORKS",
    default=["127.0.0.0/8", "::1/128"] if DEBUG and not METRICS_TOKEN else [],
)
for _entry in METRICS_ALLOWED_NETWORKS:
    try:
        ipaddress.ip_network(_entry, strict=False)
    except ValueError as _error:
        raise ImproperlyConfigured(f"METRICS_ALLOWED_NETWORKS: {_error}") from None
# Requests by view, method and status with their latencies, measured around
# every other middleware (shop.core.metrics.requests: prometheus-client directly,
# as django-prometheus's middleware cost ten times as much per request).
MIDDLEWARE = ["shop.core.metrics.requests.RequestMetricsMiddleware", *MIDDLEWARE]
# Any process counts into PROMETHEUS_MULTIPROC_DIR once it is set (a manage.py
# command too, before gunicorn's or Celery's hooks ever run): it must exist
# before the first metric is made.
if env("PROMETHEUS_MULTIPROC_DIR", default=""):
    Path(env("PROMETHEUS_MULTIPROC_DIR")).mkdir(parents=True, exist_ok=True)
# Scrapers reach gunicorn directly, over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [*SECURE_REDIRECT_EXEMPT, r"^metrics$"]
# --- end of metrics (issue 19) ---

# --- Logging ----------------------------------------------------------------

# --- Logs (issue 19) ---
# LOG_FORMAT=json: one JSON object a line, for a log collector; "plain": a
# readable line. Either way each record carries the request id, the trace and
# span ids, the user's id and, in a task, the task and its event (ids only:
# shop.core.logcontext; email addresses are blanked, shop.core.logformat).
# Celery's worker and beat log through this too, at their --loglevel
# (shop.core.tasklogs), and gunicorn through config/gunicorn.py.
LOG_FORMAT = env("LOG_FORMAT", default="plain").strip().lower()
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured(f'LOG_FORMAT={LOG_FORMAT!r}: "plain" or "json".')
LOG_LEVEL = env("LOG_LEVEL", default="INFO").strip().upper()
# One line per request (method, path with keys blanked, route, status,
# duration) from shop.access; with JSON logs it replaces gunicorn's access log.
LOG_REQUESTS = env.bool("LOG_REQUESTS", default=LOG_FORMAT == "json")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"context": {"()": "shop.core.logcontext.ContextFilter"}},
    "formatters": {
        "plain": {"()": "shop.core.logformat.PlainFormatter"},
        "json": {"()": "shop.core.logformat.JsonFormatter", "service": SHOP_SERVICE_NAME},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["context"],
        }
    },
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # Without handlers of its own (Django's default prints its records a
        # second time while DEBUG is on): they reach the root's.
        "django": {"level": LOG_LEVEL},
        **(
            {"django.server": {"handlers": ["console"], "level": "INFO", "propagate": False}}
            if LOG_FORMAT == "json"
            else {}
        ),
        "django.db.backends": {"level": "INFO"},
        "shop.access": {"level": "INFO" if LOG_REQUESTS else "WARNING"},
        # fpdf2 subsets the invoices' font with fontTools, which logs every step at INFO.
        "fontTools": {"level": "WARNING"},
    },
}

# Last: from here on, importing a remote app's public module gives its remote stand-in.
from shop.core.remote import install as _install_remote_apps  # noqa: E402

_install_remote_apps(SHOP_REMOTE_APPS)
