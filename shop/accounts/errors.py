"""
The refusals of the accounts service, each with a stable ``code``.
``shop.accounts.public`` re-exports them; other apps import them from there.
"""

from shop.core.errors import NotFound, ShopError


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


class AddressBookFull(ShopError):
    """The book holds ``ACCOUNTS_MAX_ADDRESSES`` already; ``extra["limit"]`` says how many."""

    status_code = 409
    code = "address_book_full"
    default_detail = "Your address book is full: delete an address you no longer use first."


class InvalidProfile(ShopError):
    """``extra["errors"]`` maps each bad field to its messages."""

    code = "invalid_profile"
    default_detail = "The profile details are invalid."


class StaffAccountNotDeletable(ShopError):
    """Staff accounts are closed by a superuser in the admin, not by their owner."""

    status_code = 409
    code = "staff_account_not_deletable"
    default_detail = "A staff account cannot be deleted here; ask an administrator."
