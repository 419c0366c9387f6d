"""
Write a ``.env`` for a production-like shop on this machine (``make stack``):
``DEBUG=0`` with a fresh secret key and JWT signing key, PostgreSQL and Redis
on localhost, mail printed by the worker. Refuses to overwrite an existing
file. Over plain HTTP on localhost it turns the HTTPS-only settings off; a
real deployment behind TLS leaves them at their defaults (see README).

With ``--split``, a ``.env.split`` for the shop with payments run as a
service of its own (``make split-stack``, ``Procfile.split``): a database
per service, a secret key each for the two deployments and the secret they
sign their calls to each other with, both ports, Redis databases 5 and 6.

    python deploy/write_env.py [--database shop] [--redis redis://127.0.0.1:6379] [--port 8000]
    python deploy/write_env.py --split [--database shop_split] [--port 8000] [--payments-port 8001]
"""

import argparse
import secrets
import sys
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

ROOT = Path(__file__).resolve().parent.parent


def jwt_private_key() -> str:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    return pem.strip().replace("\n", "\\n")  # one line; settings read it with multiline=True


def render(database: str, redis: str, port: int, *, payments_port: int | None = None) -> str:
    """The file's text; with ``payments_port``, the split topology's (deploy/split.py reads it)."""
    if payments_port is None:
        where = f"PORT={port}"
        redis_databases = (0, 1)
    else:
        where = f"""\
# The shop (every service but payments) and payments as a service of its own:
# deploy/split.py gives each process its deployment's settings from these.
SHOP_PORT={port}
PAYMENTS_PORT={payments_port}
SHOP_DATABASES=per-app
# The payments service's own key; SHOP_SERVICE_SECRET signs the calls between the two.
PAYMENTS_SECRET_KEY={secrets.token_urlsafe(50)}
SHOP_SERVICE_SECRET={secrets.token_urlsafe(50)}"""
        redis_databases = (5, 6)
    return f"""\
# A production-like shop on this machine, written by deploy/write_env.py.
# Keep it out of git (.gitignore has it).
DEBUG=0
SECRET_KEY={secrets.token_urlsafe(50)}
JWT_PRIVATE_KEY="{jwt_private_key()}"
ALLOWED_HOSTS=localhost,127.0.0.1
SHOP_URL=http://localhost:{port}
# The seller every invoice and credit note names (README, "Invoices"): put yours here.
INVOICES_SELLER_ADDRESS="Musterstraße 1;10115 Berlin;Germany"
INVOICES_SELLER_VAT_NUMBER=DE000000000
{where}
DATABASE_URL=postgres://postgres@127.0.0.1:5432/{database}
CELERY_BROKER_URL={redis}/{redis_databases[0]}
CACHE_URL={redis}/{redis_databases[1]}
EMAIL_URL=consolemail://
SERVE_MEDIA=1
# Plain HTTP on localhost. Behind TLS, delete these five lines (and set
# BEHIND_TLS_PROXY=1 if a proxy terminates TLS). Behind a proxy, set
# TRUSTED_PROXY_COUNT (README, "Behind a proxy").
SECURE_SSL_REDIRECT=0
SECURE_HSTS_SECONDS=0
SESSION_COOKIE_SECURE=0
CSRF_COOKIE_SECURE=0
PAYMENTS_TEST_GATEWAY_ENABLED=1
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--split", action="store_true", help="the split topology's .env.split (Procfile.split)"
    )
    parser.add_argument("--database", help="PostgreSQL database name (shop; shop_split)")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server URL")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--payments-port", type=int, default=8001, help="with --split")
    parser.add_argument("--output", type=Path, help="default: .env (.env.split with --split)")
    args = parser.parse_args()
    output = args.output or ROOT / (".env.split" if args.split else ".env")
    if output.exists():
        print(f"{output} exists; not overwriting it.", file=sys.stderr)
        return 0
    text = render(
        args.database or ("shop_split" if args.split else "shop"),
        args.redis.rstrip("/"),
        args.port,
        payments_port=args.payments_port if args.split else None,
    )
    output.write_text(text)
    output.chmod(0o600)
    print(f"Wrote {output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
