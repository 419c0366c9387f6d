"""Deliveries are signed per Standard Webhooks: a receiver verifies them with the library."""

import base64
import json
from datetime import UTC, datetime

import pytest
from standardwebhooks import Webhook
from standardwebhooks.webhooks import WebhookVerificationError

from shop.webhooks import signing
from shop.webhooks.services import deliveries

pytestmark = pytest.mark.django_db


def test_a_new_secret_is_whsec_and_base64_of_at_least_24_random_bytes():
    secret = signing.new_secret()

    assert secret.startswith("whsec_")
    assert len(base64.b64decode(secret.removeprefix("whsec_"))) >= 24
    assert signing.new_secret() != secret


def test_the_signature_matches_the_specifications_example():
    # The example of the Standard Webhooks specification (its README's test vector).
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    timestamp = datetime.fromtimestamp(1614265330, tz=UTC)

    headers = signing.headers(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", timestamp, body)

    assert headers["webhook-signature"] == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="
    assert headers["webhook-timestamp"] == "1614265330"


def test_a_delivery_received_verifies_with_the_endpoints_secret_and_not_another(
    receiver, endpoint, django_capture_on_commit_callbacks
):
    event_id = "7c9e6679-7425-40de-944b-e07fc1f90ae7"
    with django_capture_on_commit_callbacks(execute=True):
        deliveries.record("order.placed", event_id, datetime.now(UTC), {})

    (got,) = receiver.received
    headers = {k.lower(): v for k, v in got["headers"].items()}
    payload = Webhook(endpoint.secret).verify(got["body"], headers)
    assert payload["type"] == "order.placed"
    assert payload["id"] == headers["webhook-id"]
    assert set(json.loads(got["body"])) == {"id", "type", "version", "timestamp", "data"}
    with pytest.raises(WebhookVerificationError):
        Webhook(signing.new_secret()).verify(got["body"], headers)
