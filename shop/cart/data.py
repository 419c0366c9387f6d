"""
The plain data of the cart service's public interface: what
``shop.cart.public`` takes and returns. Standard library only, so a client
of the cart in another process can use it without Django.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class CartLineInfo:
    """A line of a cart: a catalog SKU and how many of it."""

    sku: str
    quantity: int


@dataclass(frozen=True)
class CartInfo:
    """A cart's lines in the order they were added, and its voucher code ("" for none)."""

    lines: tuple[CartLineInfo, ...]
    voucher_code: str
