"""Errors a client can act on. The API turns them into a 4xx with a stable code."""


class ShopError(Exception):
    """
    A refusal with a machine-readable ``code`` and an HTTP status.

    Apps subclass it in their ``public`` module (``OutOfStock``, ``CartEmpty``)
    so callers can catch it and the API can answer with
    ``{"detail": ..., "code": ..., **extra}``.
    """

    status_code = 400
    code = "invalid"
    default_detail = "The request cannot be processed."

    def __init__(self, detail=None, *, code=None, **extra):
        self.detail = detail or self.default_detail
        if code:
            self.code = code
        self.extra = extra
        super().__init__(self.detail)

    @classmethod
    def from_remote(cls, detail: str, code: str, extra: dict) -> "ShopError":
        """
        The same refusal again in this process, from what a remote service
        answered (``shop.core.remote``). A subclass whose constructor takes
        more than a detail rebuilds what it holds from ``extra``.
        """
        error = cls.__new__(cls)
        ShopError.__init__(error, detail, code=code, **extra)
        return error


class NotFound(ShopError):
    status_code = 404
    code = "not_found"
    default_detail = "Not found."


class Conflict(ShopError):
    status_code = 409
    code = "conflict"
    default_detail = "The request conflicts with the current state."


class InvalidIdempotencyKey(ShopError):
    """An ``Idempotency-Key`` that is too long or holds control characters."""

    code = "invalid_idempotency_key"
    default_detail = "The Idempotency-Key must be 1 to 255 printable characters."


class IdempotencyKeyReused(Conflict):
    """The key was used before for a different request (another body, delta or count)."""

    code = "idempotency_key_reused"
    default_detail = "This Idempotency-Key was used for a different request; send a new key."


class InvalidPeriod(ShopError):
    """A period of days that ends before it starts, or is longer than a report may read."""

    code = "invalid_period"
    default_detail = "The period must end on or after its first day and last at most a year."


class ServiceUnavailable(ShopError):
    """
    Another service did not answer in time (or at all) a call that had to go
    to it; ``code`` names it: ``payments_unavailable``. Nothing is known to
    have happened there, so the caller's request may be sent again.
    """

    status_code = 503
    code = "service_unavailable"
    default_detail = "A part of the shop is not reachable right now. Please try again."
