"""
Data the purchase benchmarks set up before the timed part, written through
the ORM in the benchmark's own database (run with the benchmark's settings in
the environment; ``bench.buyers`` does that):

    python bench/purchase_data.py stock --skus STORM-1 --stock 20
    python bench/purchase_data.py buyers --prefix storm-1 --count 200

``buyers`` prints a JSON list of customers with a confirmed email and an API
access token each, signed in the way allauth's headless login would sign
them in (a session, and a JWT that names it). Minting them here skips 200
password hashes and allauth's sign-in rate limit (30 a minute per address),
neither of which is what is measured.
"""

import argparse
import json
import os
import sys
from decimal import Decimal
from importlib import import_module
from pathlib import Path

sys.path.insert(0, os.environ.get("BENCH_SHOP_ROOT") or str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")


def stock(skus: list[str], on_hand: int, price: str) -> None:
    """A new product per SKU, with one variant that has ``on_hand`` units."""
    from shop.catalog.models import Product, Variant

    for sku in skus:
        product = Product.objects.create(name=f"Bench {sku}", slug=f"bench-{sku.lower()}")
        Variant.objects.create(
            product=product, sku=sku, price=Decimal(price), stock_on_hand=on_hand
        )


def buyers(prefix: str, count: int) -> list[dict]:
    from allauth.account.models import EmailAddress
    from allauth.headless.tokens.strategies.jwt.internal import create_access_token
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )

    store = import_module(settings.SESSION_ENGINE).SessionStore
    made = []
    for number in range(count):
        email = f"{prefix}-{number}@bench.example.com"
        user = get_user_model().objects.create_user(email=email, password=None)
        EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
        session = store()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.save()
        made.append(
            {"id": user.pk, "email": email, "token": create_access_token(user, session, {})}
        )
    return made


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    stock_command = commands.add_parser("stock")
    stock_command.add_argument("--skus", nargs="+", required=True)
    stock_command.add_argument("--stock", type=int, required=True)
    stock_command.add_argument("--price", default="20.00")
    buyers_command = commands.add_parser("buyers")
    buyers_command.add_argument("--prefix", required=True)
    buyers_command.add_argument("--count", type=int, required=True)
    args = parser.parse_args()

    import django

    django.setup()
    if args.command == "stock":
        stock(args.skus, args.stock, args.price)
    else:
        json.dump(buyers(args.prefix, args.count), sys.stdout)


if __name__ == "__main__":
    main()
