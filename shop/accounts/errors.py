"""
The refusals of the accounts service, each with a stable ``code``.
``shop.accounts.public`` re-exports those other apps meet; the rest are
answers of the account pages and the accounts API.
"""

from django.core.exceptions import ValidationError

from shop.core.errors import Conflict, NotFound, ShopError


class UserNotFound(NotFound):
    code = "user_not_found"
    default_detail = "No such user."


class AddressNotFound(NotFound):
    """Also the answer for another user's address: its existence is not revealed."""

    code = "address_not_found"
    default_detail = "No such address in your address book."


class InvalidAddress(ShopError):
    """``extra["errors"]`` maps each bad field to its messages."""

    code = "invalid_address"
    default_detail = "The address is incomplete or invalid."


class AddressBookFull(Conflict):
    """The book holds ``ACCOUNTS_MAX_ADDRESSES`` already; ``extra["limit"]`` says how many."""

    code = "address_book_full"
    default_detail = "Your address book is full: delete an address you no longer use first."


class InvalidProfile(ShopError):
    """``extra["errors"]`` maps each bad field to its messages."""

    code = "invalid_profile"
    default_detail = "The profile details are invalid."


class StaffAccountNotDeletable(Conflict):
    """Staff accounts are closed by a superuser in the admin, not by their owner."""

    code = "staff_account_not_deletable"
    default_detail = "A staff account cannot be deleted here; ask an administrator."


class InvalidCredentials(ShopError):
    """Not the password of an active member of staff (which of the two is not said)."""

    status_code = 401
    code = "invalid_credentials"
    default_detail = "Please enter the email and password of a staff account."


class InvalidToken(ShopError):
    """A malformed, forged or expired access token, or one whose session has ended."""

    status_code = 401
    code = "invalid_token"
    default_detail = "The access token is invalid or has expired."


def field_errors(error: ValidationError) -> dict[str, list[str]]:
    """The ``errors`` of ``InvalidAddress`` and ``InvalidProfile``: Django's messages by field."""
    return {field: [str(message) for message in messages] for field, messages in error}
