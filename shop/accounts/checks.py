"""
The key that signs API access tokens (``JWT_PRIVATE_KEY``), checked before
any customer meets it: a key that is empty, not PEM, not RSA or shorter
than 2048 bits would make every sign-in and every ``Bearer`` request a 500.
Reported by ``manage.py check`` (and ``--deploy``), and the web process
refuses to start with it (``shop.core.startup``).
"""

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.conf import settings
from django.core import checks

MIN_BITS = 2048


def jwt_key_problem(pem) -> str | None:
    """What is wrong with ``pem`` as the token-signing key, or ``None``."""
    if not isinstance(pem, str) or not pem.strip():
        return "is empty"
    try:
        key = serialization.load_pem_private_key(pem.encode(), password=None)
    except (ValueError, TypeError) as exc:
        return f"is not a PEM private key without a password ({exc})"
    if not isinstance(key, rsa.RSAPrivateKey):
        return f"is not an RSA key (it is {type(key).__name__})"
    if key.key_size < MIN_BITS:
        return f"has {key.key_size} bits; at least {MIN_BITS} are needed"
    return None


def check_jwt_private_key(app_configs=None, **kwargs):
    problem = jwt_key_problem(getattr(settings, "HEADLESS_JWT_PRIVATE_KEY", ""))
    if problem is None:
        return []
    return [
        checks.Error(
            f"JWT_PRIVATE_KEY {problem}: API sign-in and every Bearer request would fail.",
            hint=(
                "Set JWT_PRIVATE_KEY to an RSA private key of at least 2048 bits in PEM "
                "(deploy/write_env.py makes one)."
            ),
            id="accounts.E001",
        )
    ]
