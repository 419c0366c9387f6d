from functools import cache

from . import selectors
from .owners import browser_owner


def cart(request):
    """
    ``cart_item_count`` for the header. Templates call it, so it is counted
    only by pages that show it, once per page; a visitor without a session has
    no cart and costs no query.
    """

    @cache
    def cart_item_count() -> int:
        if not request.user.is_authenticated and not request.COOKIES:
            return 0
        return selectors.item_count(browser_owner(request))

    return {"cart_item_count": cart_item_count}
