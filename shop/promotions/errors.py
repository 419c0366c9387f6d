"""
The refusals of the promotions service, each with a stable ``code``. A code
that does not apply is 422 (the customer can change the code or the basket);
one whose uses are taken is 409 (it was fine a moment ago: someone else got it).
"""

from decimal import Decimal

from shop.core.errors import Conflict, NotFound, ShopError


class InvalidPromotionRequest(ShopError):
    """A malformed basket, key, customer or time to live (a caller's bug, not a customer's)."""

    code = "invalid_promotion_request"
    default_detail = "The promotions service was asked with invalid data."


class VoucherRefused(ShopError):
    """A code the basket cannot use; ``code`` says why (the subclasses)."""

    status_code = 422
    code = "voucher_refused"
    default_detail = "This voucher cannot be used."


class VoucherUnknown(VoucherRefused):
    code = "voucher_unknown"
    default_detail = "There is no voucher with this code."


class VoucherExpired(VoucherRefused):
    """Past its ``valid_until``, not yet at its ``valid_from``, or switched off by staff."""

    code = "voucher_expired"
    default_detail = "This voucher is not valid now."


class VoucherUsedUp(VoucherRefused):
    status_code = 409
    code = "voucher_used_up"
    default_detail = "This voucher has been used up."


class VoucherAlreadyUsed(VoucherRefused):
    status_code = 409
    code = "voucher_already_used"
    default_detail = "You have already used this voucher."


class VoucherMinimumNotReached(VoucherRefused):
    """The basket's subtotal is below the voucher's minimum (``extra["minimum"]``, a string)."""

    code = "voucher_minimum_not_reached"
    default_detail = "The basket does not reach this voucher's minimum."

    def __init__(self, minimum: Decimal, detail=None):
        super().__init__(
            detail or f"This voucher needs a subtotal of at least {minimum}.",
            minimum=str(minimum),
        )


class VoucherNotApplicable(VoucherRefused):
    code = "voucher_not_applicable"
    default_detail = "This voucher applies to nothing in the basket."


class VoucherUseNotFound(NotFound):
    code = "voucher_use_not_found"
    default_detail = "No voucher use has this key."


class VoucherUseCommitted(Conflict):
    """The use was committed (an order was placed with it): it cannot be released or moved."""

    code = "voucher_use_committed"
    default_detail = "This voucher use belongs to a placed order."


class GiftCardRefused(ShopError):
    """
    A gift card code that cannot pay; ``code`` says why (the subclasses). A
    code is a bearer's money: the reasons say no more than its holder needs.
    """

    status_code = 422
    code = "gift_card_refused"
    default_detail = "This gift card cannot be used."


class GiftCardUnknown(GiftCardRefused):
    """No card has the code, or staff switched it off: the two are not told apart."""

    code = "gift_card_unknown"
    default_detail = "This gift card code is not valid."


class GiftCardExpired(GiftCardRefused):
    code = "gift_card_expired"
    default_detail = "This gift card has expired."


class GiftCardEmpty(GiftCardRefused):
    """Nothing is left on the card (spent, or held by another checkout)."""

    status_code = 409
    code = "gift_card_empty"
    default_detail = "Nothing is left on this gift card."


class GiftCardRestTooSmall(GiftCardRefused):
    """
    What the card leaves to pay by card is below the payment provider's
    minimum charge, and holding less on the card cannot fix it (the whole
    order is below that minimum).
    """

    code = "gift_card_rest_too_small"
    default_detail = "What is left to pay after the gift card is too small to charge."


class GiftCardUseNotFound(NotFound):
    code = "gift_card_use_not_found"
    default_detail = "No gift card use has this key."


class GiftCardUseCommitted(Conflict):
    """The amount was spent on a placed order: it cannot be released or moved."""

    code = "gift_card_use_committed"
    default_detail = "This gift card use belongs to a placed order."
