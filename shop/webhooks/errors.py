"""
The refusals of the webhooks service, each with a stable code (the staff
API answers 400 with it, the admin's form shows its message).
"""

from shop.core.errors import NotFound, ShopError

__all__ = ["EndpointNotFound", "UnsafeURL"]


class UnsafeURL(ShopError):
    """
    An endpoint URL the shop will not send to. ``code`` says why:
    ``webhook_url_invalid`` (not an absolute http(s) URL with a host),
    ``webhook_url_not_https`` (plain http while ``WEBHOOKS_ALLOW_HTTP`` is off),
    ``webhook_url_unresolvable`` (its host has no address),
    ``webhook_url_forbidden_address`` (its host is, or resolves to, an address
    that is not public: loopback, private, link-local and cloud metadata,
    CGNAT, multicast, reserved, unspecified, IPv6 ULA or site-local, or one of
    those inside an IPv6 form; allowed by ``WEBHOOKS_ALLOW_PRIVATE_ADDRESSES``).
    """

    code = "webhook_url_invalid"
    default_detail = "The shop does not send webhooks to this URL."


class EndpointNotFound(NotFound):
    code = "webhook_endpoint_not_found"
    default_detail = "No webhook endpoint has this id."
