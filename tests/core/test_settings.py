"""Settings come from the environment, with laptop defaults and a clean --deploy check."""

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from shop.core.devkeys import development_jwt_key

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION = {
    "DEBUG": "0",
    "SECRET_KEY": "k3%v9!q2-production-like-secret-7f1e0c4b8a6d2e9f0a1b3c5d7e9f1a3b5c7d",
    "ALLOWED_HOSTS": "shop.example.com",
    "CACHE_URL": "redis://127.0.0.1:6379/2",
    "JWT_PRIVATE_KEY": development_jwt_key(Path(tempfile.mkdtemp()) / "key.pem"),
    "INVOICES_SELLER_ADDRESS": "Hafenstraße 7;20457 Hamburg;Germany",
    "INVOICES_SELLER_VAT_NUMBER": "DE123456789",
}
SHOW_SETTINGS = """
import django, json
django.setup()
from django.conf import settings as s
print(json.dumps({
    "db": s.DATABASES["default"]["ENGINE"], "db_name": s.DATABASES["default"]["NAME"],
    "cache": s.CACHES["default"]["BACKEND"], "email": s.EMAIL_BACKEND,
    "eager": s.CELERY_TASK_ALWAYS_EAGER, "debug": s.DEBUG, "hosts": s.ALLOWED_HOSTS,
}))
"""


def run(args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("CELERY_", "DATABASE_"))}
    clean.pop("CACHE_URL", None)
    return subprocess.run(
        [sys.executable, *args],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_laptop_defaults_need_no_environment():
    result = run(["-c", SHOW_SETTINGS])

    shown = json.loads(result.stdout)
    assert shown["db"] == "django.db.backends.sqlite3"
    assert shown["cache"] == "django.core.cache.backends.locmem.LocMemCache"
    assert shown["email"] == "django.core.mail.backends.console.EmailBackend"
    assert shown["eager"] is True
    assert shown["debug"] is True


def test_production_services_are_chosen_by_url_variables():
    result = run(
        ["-c", SHOW_SETTINGS],
        **PRODUCTION,
        DATABASE_URL="postgres://shop@db.internal:5432/shop",
        CELERY_BROKER_URL="redis://redis.internal:6379/0",
        REDIS_URL="redis://redis.internal:6379/1",
        EMAIL_URL="smtp+tls://mailer:secret@smtp.example.com:587",
    )

    shown = json.loads(result.stdout)
    assert shown["db"] == "django.db.backends.postgresql"
    assert shown["db_name"] == "shop"
    assert shown["cache"] == "shop.core.cache.ResilientRedisCache"
    assert shown["email"] == "django.core.mail.backends.smtp.EmailBackend"
    assert shown["eager"] is False
    assert shown["hosts"] == ["shop.example.com"]


def test_production_settings_pass_the_deployment_checklist():
    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_without_a_secret_key_refuses_to_start():
    env = {name: value for name, value in PRODUCTION.items() if name != "SECRET_KEY"}

    result = run(["manage.py", "check"], **env)

    assert result.returncode != 0
    assert "SECRET_KEY and ALLOWED_HOSTS must be set" in result.stderr


def test_production_without_a_token_signing_key_refuses_to_start():
    env = {name: value for name, value in PRODUCTION.items() if name != "JWT_PRIVATE_KEY"}

    result = run(["manage.py", "check"], **env)

    assert result.returncode != 0
    assert "JWT_PRIVATE_KEY" in result.stderr


def test_production_with_a_per_process_cache_is_flagged_by_the_deployment_check():
    env = {name: value for name, value in PRODUCTION.items() if name != "CACHE_URL"}

    result = run(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **env)

    assert result.returncode != 0
    assert "shop.W001" in result.stderr


BROKEN_KEYS = {
    "empty": "",
    "not-pem": "not a key",
    "short-rsa": "short",
    "not-rsa": "ec",
}


def _broken_key(kind: str) -> str:
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec, rsa

    if kind == "short-rsa":
        key = rsa.generate_private_key(public_exponent=65537, key_size=1024)
    elif kind == "not-rsa":
        key = ec.generate_private_key(ec.SECP256R1())
    else:
        return BROKEN_KEYS[kind]
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()


@pytest.mark.parametrize("kind", list(BROKEN_KEYS))
def test_a_broken_token_signing_key_fails_the_deployment_check(kind):
    result = run(
        ["manage.py", "check", "--deploy"], **{**PRODUCTION, "JWT_PRIVATE_KEY": _broken_key(kind)}
    )

    assert result.returncode != 0
    assert "accounts.E001" in result.stderr
    assert "JWT_PRIVATE_KEY" in result.stderr


def test_a_web_process_with_a_broken_token_signing_key_refuses_to_start():
    result = run(
        ["-c", "import config.wsgi"], **{**PRODUCTION, "JWT_PRIVATE_KEY": _broken_key("short-rsa")}
    )

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "has 1024 bits; at least 2048 are needed" in result.stderr


def test_a_web_process_with_a_sound_key_starts():
    result = run(["-c", "import config.wsgi; print('serving')"], **PRODUCTION)

    assert result.stdout.strip() == "serving", result.stderr


def test_a_proxy_address_that_is_not_one_refuses_to_start():
    result = run(["manage.py", "check"], TRUSTED_PROXY_COUNT="1", FORWARDED_ALLOW_IPS="nginx")

    assert result.returncode != 0
    assert "FORWARDED_ALLOW_IPS" in result.stderr


def test_an_api_throttle_rate_that_is_not_one_refuses_to_start():
    result = run(["manage.py", "check"], API_THROTTLE_ANON_WRITES="sixty a minute")

    assert result.returncode != 0
    assert "API_THROTTLE_ANON_WRITES" in result.stderr


SHOW_HEADERS = """
import django, json
django.setup()
from django.test import Client
response = Client(HTTP_HOST="localhost").get("/healthz")
print(json.dumps({name: response.get(name) for name in (
    "Content-Security-Policy", "Content-Security-Policy-Report-Only", "Permissions-Policy",
)}))
"""


def _policy(header: str) -> dict[str, list[str]]:
    return {name: values for name, *values in (part.split() for part in header.split("; "))}


def test_the_content_security_policy_is_enforced_by_default():
    shown = json.loads(run(["-c", SHOW_HEADERS]).stdout)

    assert _policy(shown["Content-Security-Policy"])["script-src"] == ["'self'"]
    assert shown["Content-Security-Policy-Report-Only"] is None
    assert "payment=()" in shown["Permissions-Policy"]


def test_csp_report_only_sends_the_same_policy_to_be_reported_not_enforced():
    shown = json.loads(
        run(
            ["-c", SHOW_HEADERS], CSP_REPORT_ONLY="1", CSP_REPORT_URI="https://csp.example.com/r"
        ).stdout
    )

    assert shown["Content-Security-Policy"] is None
    policy = _policy(shown["Content-Security-Policy-Report-Only"])
    assert policy["script-src"] == ["'self'"]
    assert policy["report-uri"] == ["https://csp.example.com/r"]


def test_forms_may_go_on_to_the_payments_service_and_the_storefront_where_they_run_apart():
    shown = json.loads(
        run(
            ["-c", SHOW_HEADERS],
            SHOP_URL="https://shop.example.com/",
            PAYMENTS_URL="https://pay.example.com:8443/",
            CSP_EXTRA_FORM_ACTION="https://checkout.example.com/pay,https://pay.example.com:8443",
        ).stdout
    )

    assert _policy(shown["Content-Security-Policy"])["form-action"] == [
        "'self'",
        "https://shop.example.com",
        "https://pay.example.com:8443",
        "https://checkout.stripe.com",
        "https://checkout.example.com",
    ]


@pytest.mark.parametrize(
    "hosts", ["shop.example.com", "localhost,shop.example.com", "*", "0.0.0.0", "192.168.1.20"]
)
def test_debug_left_on_with_a_public_host_refuses_to_start(hosts):
    # The operator forgot DEBUG=0: the test gateway and the development key would be public.
    result = run(["manage.py", "check"], DEBUG="1", ALLOWED_HOSTS=hosts)

    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "is not this machine" in result.stderr
    assert "set DEBUG=0" in result.stderr
    assert "DEBUG_ON_PUBLIC_HOST=1" in result.stderr


def test_debug_with_this_machines_names_starts():
    result = run(
        ["-c", SHOW_SETTINGS], DEBUG="1", ALLOWED_HOSTS="localhost,127.0.0.1,[::1],shop.localhost"
    )

    assert json.loads(result.stdout)["hosts"] == [
        "localhost",
        "127.0.0.1",
        "[::1]",
        "shop.localhost",
    ]


def test_debug_on_a_public_host_on_purpose_needs_a_secret_key_of_its_own():
    on_purpose = {"DEBUG": "1", "DEBUG_ON_PUBLIC_HOST": "1", "ALLOWED_HOSTS": "dev.example.com"}

    refused = run(["manage.py", "check"], **on_purpose)
    started = run(["-c", SHOW_SETTINGS], **on_purpose, SECRET_KEY="key-of-this-vm-5d2e8c1f0b7a")

    assert refused.returncode != 0
    assert "set a SECRET_KEY of its own" in refused.stderr
    assert json.loads(started.stdout)["hosts"] == ["dev.example.com"]
