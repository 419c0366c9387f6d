"""
OpenAPI documentation of the webhooks staff API (one ``extend_schema`` per
view method), and the payloads of the deliveries themselves, added to the
schema as ``x-webhooks`` (``add_webhook_payloads``: the schema is OpenAPI
3.0, whose validator refuses 3.1's ``webhooks`` key).
"""

from drf_spectacular.utils import OpenApiResponse, extend_schema

from shop.core.api.docs import error, error_example, example

from ..payloads import EVENT_TYPES, VERSION
from .serializers import EndpointSerializer, EndpointWithSecretSerializer

TAGS = ["webhooks"]
ENDPOINT = {
    "id": 1,
    "url": "https://erp.example.com/hooks/shop",
    "description": "ERP",
    "enabled": True,
    "event_types": ["order.placed", "stock.low"],
    "created_at": "2026-12-05T10:00:00Z",
    "updated_at": "2026-12-05T10:00:00Z",
    "disabled_at": None,
    "disabled_reason": "",
}
WITH_SECRET = {**ENDPOINT, "secret": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
FORBIDDEN = error("Not staff with the webhooks permission for this.")
UNSIGNED = error("Not signed in (no or an expired token).")
NOT_FOUND = error(
    "No endpoint has this id.",
    error_example("Not found", "No webhook endpoint has this id.", "webhook_endpoint_not_found"),
)
REFUSED = error(
    "A value is invalid (DRF's messages by field, code invalid), an event type is unknown "
    "(unknown_event_type), or the URL is refused: webhook_url_invalid, webhook_url_not_https, "
    "webhook_url_unresolvable, webhook_url_forbidden_address (loopback, private, link-local, "
    "CGNAT, multicast, reserved addresses are refused unless WEBHOOKS_ALLOW_PRIVATE_ADDRESSES).",
    error_example(
        "Private address",
        "The host intranet.example is or resolves to 10.0.0.5, which is not a public address.",
        "webhook_url_forbidden_address",
        host="intranet.example",
    ),
)

list_endpoints = extend_schema(
    tags=TAGS,
    summary="List webhook endpoints",
    description="Every endpoint, without secrets. Staff with webhooks.view_endpoint.",
    responses={200: EndpointSerializer(many=True), 401: UNSIGNED, 403: FORBIDDEN},
)
create_endpoint = extend_schema(
    tags=TAGS,
    summary="Register a webhook endpoint",
    description=(
        "The URL is resolved and checked; the answer carries the endpoint's new secret, "
        "which is never shown again. Staff with webhooks.add_endpoint."
    ),
    request=EndpointSerializer,
    examples=[
        example(
            "ERP",
            {"url": ENDPOINT["url"], "description": "ERP", "event_types": ["order.placed"]},
            request_only=True,
        )
    ],
    responses={
        201: OpenApiResponse(EndpointWithSecretSerializer, examples=[example("Made", WITH_SECRET)]),
        400: REFUSED,
        401: UNSIGNED,
        403: FORBIDDEN,
    },
)
get_endpoint = extend_schema(
    tags=TAGS,
    summary="Read a webhook endpoint",
    responses={200: EndpointSerializer, 401: UNSIGNED, 403: FORBIDDEN, 404: NOT_FOUND},
)
# What changing an endpoint answers, whether by PATCH or PUT.
CHANGED = {200: EndpointSerializer, 400: REFUSED, 401: UNSIGNED, 403: FORBIDDEN, 404: NOT_FOUND}
update_endpoint = extend_schema(
    tags=TAGS,
    summary="Change a webhook endpoint",
    description=(
        "Any of url, description, enabled and event_types. Enabling an endpoint the shop "
        "disabled starts its count of failures afresh. Staff with webhooks.change_endpoint."
    ),
    request=EndpointSerializer,
    responses=CHANGED,
)
replace_endpoint = extend_schema(
    tags=TAGS,
    summary="Replace a webhook endpoint's settings",
    request=EndpointSerializer,
    responses=CHANGED,
)
delete_endpoint = extend_schema(
    tags=TAGS,
    summary="Delete a webhook endpoint",
    description="With its deliveries and their log. Staff with webhooks.delete_endpoint.",
    responses={204: None, 401: UNSIGNED, 403: FORBIDDEN, 404: NOT_FOUND},
)
rotate_secret = extend_schema(
    tags=TAGS,
    summary="Rotate a webhook endpoint's secret",
    description=(
        "A new secret, in this answer only; deliveries from now on are signed with it. "
        "Staff with webhooks.change_endpoint."
    ),
    request=None,
    responses={
        200: OpenApiResponse(EndpointWithSecretSerializer, examples=[example("New", WITH_SECRET)]),
        401: UNSIGNED,
        403: FORBIDDEN,
        404: NOT_FOUND,
    },
)

# Fields that may be null, by name, in every payload.
_NULLABLE = {"customer_id": "integer", "compare_at_price": "string", "category_id": "integer"}


def _schema_of(value, name: str = "") -> dict:
    if name in _NULLABLE:
        return {"type": _NULLABLE[name], "nullable": True}
    if isinstance(value, bool):
        return {"type": "boolean"}
    if isinstance(value, int):
        return {"type": "integer"}
    if isinstance(value, str):
        return {"type": "string"}
    if isinstance(value, list):
        return {"type": "array", "items": _schema_of(value[0]) if value else {}}
    return {
        "type": "object",
        "properties": {key: _schema_of(item, key) for key, item in value.items()},
        "required": list(value),
    }


def payload_schema(event_type) -> dict:
    return {
        "type": "object",
        "required": ["id", "type", "version", "timestamp", "data"],
        "properties": {
            "id": {
                "type": "string",
                "format": "uuid",
                "description": "The message id, as in the webhook-id header; the same on retries.",
            },
            "type": {"type": "string", "enum": [event_type.name]},
            "version": {"type": "integer", "enum": [VERSION]},
            "timestamp": {
                "type": "string",
                "format": "date-time",
                "description": "When the event happened.",
            },
            "data": _schema_of(event_type.example),
        },
    }


def add_webhook_payloads(result, generator, request, public):
    """drf-spectacular post-processing hook: each event type's delivery, as ``x-webhooks``."""
    result["x-webhooks"] = {
        name: {
            "post": {
                "summary": name,
                "description": (
                    f"{entry.description} Sent as a POST signed per Standard Webhooks "
                    "(headers webhook-id, webhook-timestamp, webhook-signature); answer 2xx."
                ),
                "operationId": f"webhook_{name.replace('.', '_')}",
                "tags": TAGS,
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": payload_schema(entry),
                            "example": {
                                "id": "0b9d6f7e-3c5a-5d2e-9f1b-2a4c6e8d0f12",
                                "type": name,
                                "version": VERSION,
                                "timestamp": "2026-12-05T10:00:00Z",
                                "data": entry.example,
                            },
                        }
                    },
                },
                "responses": {"2XX": {"description": "Received: not sent again."}},
            }
        }
        for name, entry in EVENT_TYPES.items()
    }
    return result
