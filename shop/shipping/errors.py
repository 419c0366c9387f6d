"""The refusals of the shipping service, each with a stable ``code``."""

from shop.core.errors import ShopError


class ShippingUnavailable(ShopError):
    """
    Nothing can be delivered there: no zone serves the country
    (``extra["reason"] == "country"``), or the country is served but none of
    its methods takes this order, a parcel heavier than every weight band
    (``"order"``). ``extra["country"]`` is the code asked for. 422: the
    request is well formed, the shop cannot fulfil it for that address.
    """

    status_code = 422
    code = "shipping_unavailable"
    default_detail = "We do not deliver to this country."
