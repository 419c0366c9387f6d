"""
Signatures per the Standard Webhooks specification, by its reference library
(``standardwebhooks``): the headers ``webhook-id``, ``webhook-timestamp``
(Unix seconds) and ``webhook-signature`` (``v1,<base64 HMAC-SHA256 of
"<id>.<timestamp>.<body>">``), under the endpoint's secret ``whsec_<base64>``.
"""

import base64
import secrets
from datetime import datetime

from standardwebhooks import Webhook

# The specification asks for 24 to 64 random bytes.
SECRET_BYTES = 32
PREFIX = "whsec_"


def new_secret() -> str:
    return PREFIX + base64.b64encode(secrets.token_bytes(SECRET_BYTES)).decode()


def headers(secret: str, message_id: str, timestamp: datetime, body: bytes) -> dict[str, str]:
    return {
        "webhook-id": message_id,
        "webhook-timestamp": str(int(timestamp.timestamp())),
        "webhook-signature": Webhook(secret).sign(message_id, timestamp, body),
    }
