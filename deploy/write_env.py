"""
Write a ``.env`` for a production-like shop on this machine (``make stack``):
``DEBUG=0`` with a fresh secret key and JWT signing key, PostgreSQL and Redis
on localhost, mail printed by the worker. Refuses to overwrite an existing
file. Over plain HTTP on localhost it turns the HTTPS-only settings off; a
real deployment behind TLS leaves them at their defaults (see README).

    python deploy/write_env.py [--database shop] [--redis redis://127.0.0.1:6379] [--port 8000]
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


def render(database: str, redis: str, port: int) -> str:
    return f"""\
# A production-like shop on this machine, written by deploy/write_env.py.
# Keep it out of git (.gitignore has .env).
DEBUG=0
SECRET_KEY={secrets.token_urlsafe(50)}
JWT_PRIVATE_KEY="{jwt_private_key()}"
ALLOWED_HOSTS=localhost,127.0.0.1
SHOP_URL=http://localhost:{port}
PORT={port}
DATABASE_URL=postgres://postgres@127.0.0.1:5432/{database}
CELERY_BROKER_URL={redis}/0
CACHE_URL={redis}/1
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
    parser.add_argument("--database", default="shop", help="PostgreSQL database name")
    parser.add_argument("--redis", default="redis://127.0.0.1:6379", help="Redis server URL")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--output", type=Path, default=ROOT / ".env")
    args = parser.parse_args()
    if args.output.exists():
        print(f"{args.output} exists; not overwriting it.", file=sys.stderr)
        return 0
    args.output.write_text(render(args.database, args.redis.rstrip("/"), args.port))
    args.output.chmod(0o600)
    print(f"Wrote {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
