"""
The checks on what other apps pass to the stock functions: a key naming a
reservation or a return, and ``(sku, quantity)`` lines.
"""

from ..data import StockLine
from ..errors import InvalidKey, InvalidLines, InvalidQuantity

KEY_MAX_LENGTH = 100


def check_key(key) -> str:
    """``key`` if it is a non-empty string of at most ``KEY_MAX_LENGTH``; else ``InvalidKey``."""
    if not isinstance(key, str) or not key.strip() or len(key) > KEY_MAX_LENGTH:
        raise InvalidKey(
            f"A key must be a non-empty string of at most {KEY_MAX_LENGTH} characters."
        )
    return key


def merge_lines(lines) -> dict[str, int]:
    """``(sku, quantity)`` pairs or ``StockLine``s as ``{sku: total quantity}``, by SKU."""
    merged: dict[str, int] = {}
    for line in lines:
        try:
            sku, quantity = (line.sku, line.quantity) if isinstance(line, StockLine) else line
        except (TypeError, ValueError):
            raise InvalidLines(f"A line must be a (sku, quantity) pair, not {line!r}.") from None
        if not isinstance(sku, str) or not sku:
            raise InvalidLines(f"A line's SKU must be a non-empty string, not {sku!r}.")
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
            raise InvalidQuantity(
                f"The quantity of {sku} must be a whole number of at least 1, not {quantity!r}.",
                sku=sku,
            )
        merged[sku] = merged.get(sku, 0) + quantity
    if not merged:
        raise InvalidLines("At least one line is needed.")
    return dict(sorted(merged.items()))
