"""
The ``Idempotency-Key`` every endpoint that changes something may take: the
same key again returns what the first request did instead of doing it twice,
and the same key with a different request is refused
(``IdempotencyKeyReused``, 409) rather than silently ignored.

One rule for every endpoint: at most ``MAX_LENGTH`` characters (Stripe's
limit), no control characters, surrounding whitespace ignored. A UUID per
attempt is what clients are told to send.
"""

import hashlib
import json
import unicodedata

from .errors import InvalidIdempotencyKey

HEADER = "Idempotency-Key"
MAX_LENGTH = 255


def clean_idempotency_key(value) -> str:
    """
    ``value`` stripped, or "" when there is none; raises
    ``InvalidIdempotencyKey`` for a key that is not a string, too long or
    holds control characters (NUL bytes included).
    """
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InvalidIdempotencyKey()
    key = value.strip()
    if len(key) > MAX_LENGTH:
        raise InvalidIdempotencyKey(
            f"The Idempotency-Key is longer than {MAX_LENGTH} characters.", max_length=MAX_LENGTH
        )
    if any(unicodedata.category(char) == "Cc" for char in key):
        raise InvalidIdempotencyKey("The Idempotency-Key holds control characters.")
    return key


def idempotency_key(request) -> str:
    """The request's ``Idempotency-Key`` header, checked (``""`` when absent)."""
    return clean_idempotency_key(request.headers.get(HEADER))


def request_fingerprint(**request) -> str:
    """
    A digest of what a keyed request asked for, stored with the key: a
    repeat with another body has another fingerprint and is refused.
    """
    canonical = json.dumps(request, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
