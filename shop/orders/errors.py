"""
The refusals of the orders service, each with a stable ``code``: of an order
(``shop.orders.public`` re-exports those other apps may meet) and of a
checkout (answers of the checkout pages and API).
"""

from shop.core.errors import Conflict, NotFound, ShopError


class OrderNotFound(NotFound):
    """Also the answer for another customer's order: its existence is not revealed."""

    code = "order_not_found"
    default_detail = "No such order."


class InvalidTransition(Conflict):
    """
    The order's status does not allow this change (cancelling a shipped
    order, delivering an unshipped one); ``extra`` names the current status.
    """

    code = "invalid_transition"
    default_detail = "The order cannot change to that status now."


class InvalidRefund(ShopError):
    """A refund amount that is not positive, or more than is left to refund."""

    code = "invalid_refund"
    default_detail = "The refund amount must be positive and at most what is left to refund."


class CheckoutNotFound(NotFound):
    """Also the answer for somebody else's checkout."""

    code = "checkout_not_found"
    default_detail = "No such checkout."


class CartEmpty(ShopError):
    code = "cart_empty"
    default_detail = "Your cart is empty."


class EmailUnverified(ShopError):
    status_code = 403
    code = "email_unverified"
    default_detail = "Confirm your email address before checking out."


class AddressRequired(ShopError):
    code = "address_required"
    default_detail = "Choose a shipping address or type one in."


class InvalidShippingMethod(ShopError):
    code = "invalid_shipping_method"
    default_detail = "Choose one of the shipping methods offered."


class PaymentUnderWay(Conflict):
    """
    The customer's earlier checkout has been paid and its order is being
    placed: a new checkout now would hold the stock a second time.
    ``extra["checkout_id"]`` names the earlier one.
    """

    code = "checkout_payment_under_way"
    default_detail = (
        "Your earlier checkout has just been paid and its order is being placed. "
        "Wait a moment before starting another."
    )


class CheckoutStarting(Conflict):
    """Another checkout of the same customer is being started at this very moment."""

    code = "checkout_in_progress"
    default_detail = "Another checkout of yours is being started. Try again in a moment."


class GuestEmailRequired(ShopError):
    """A guest's checkout needs the email address the confirmation goes to."""

    code = "email_required"
    default_detail = "Give the email address your order confirmation should go to."


class TooManyOpenCheckouts(Conflict):
    """
    Guest checkouts awaiting payment for this email address are at
    ``ORDERS_GUEST_OPEN_CHECKOUTS_PER_EMAIL``: one must be paid or expire
    first (decision 0023). ``extra["limit"]`` says how many.
    """

    code = "too_many_open_checkouts"
    default_detail = (
        "There are already checkouts waiting for payment for this email address. "
        "Pay one of them, or wait until they expire, before starting another."
    )


class GiftCardForGiftCard(ShopError):
    """
    A gift card cannot pay for a gift card (decision 0030): that would turn
    one card into another, past the refunds and voids the bought card's
    line answers for. Refused before anything is held.
    """

    status_code = 422
    code = "gift_card_for_gift_card"
    default_detail = (
        "A gift card cannot be paid for with a gift card. Remove the gift card code, "
        "or buy the gift card on its own order."
    )


class GiftCardSpent(Conflict):
    """
    The gift cards bought on the line (or order) have been used: what was
    spent cannot be voided, so it cannot be refunded (decision 0030).
    """

    code = "gift_card_spent"
    default_detail = (
        "The gift cards bought on this line have been spent: nothing is left to refund."
    )
