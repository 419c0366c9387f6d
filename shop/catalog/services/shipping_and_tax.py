"""
What a variant is taxed as and what it weighs: the two values other services
price it by (taxes by the class, shipping by the grams). A tax class is one
of the taxes service's codes (``shop.taxes.public.tax_classes``); catalog
stores the code and checks it here for the staff API and the CSV import, as
the admin's choices do.
"""

from shop.taxes import public as taxes

from ..cache import catalog_changed
from ..db import db
from ..errors import InvalidWeight, UnknownTaxClass
from .locks import locked_variant

UNSET = object()
MAX_GRAMS = 2_147_483_647


def tax_class_codes() -> tuple[str, ...]:
    """The codes of the taxes service's classes (one query)."""
    return tuple(info.code for info in taxes.tax_classes())


def unknown_tax_class(code: str, known: tuple[str, ...]) -> UnknownTaxClass:
    choices = ", ".join(known)
    return UnknownTaxClass(
        f"No tax class has the code {code!r}; the classes are: {choices} "
        "(staff add classes under Taxes in the admin).",
        tax_class=code,
        choices=choices,
    )


def check_tax_class(code, known: tuple[str, ...] | None = None) -> str:
    """``code`` when the taxes service knows it; else ``UnknownTaxClass`` (400)."""
    known = tax_class_codes() if known is None else known
    if not isinstance(code, str) or code not in known:
        raise unknown_tax_class(code if isinstance(code, str) else repr(code), known)
    return code


def check_weight(grams) -> int:
    if isinstance(grams, bool) or not isinstance(grams, int) or not 0 <= grams <= MAX_GRAMS:
        raise InvalidWeight(f"The weight must be whole grams from 0 (1250), not {grams!r}.")
    return grams


def set_tax_class_and_weight(sku: str, *, tax_class=UNSET, weight_grams=UNSET):
    """
    Set what ``sku`` is taxed as and what one unit weighs (either may be left
    as it is). Checkouts started afterwards use them; a checkout or an order
    keeps what it froze.
    """
    fields = {}
    if tax_class is not UNSET:
        fields["tax_class"] = check_tax_class(tax_class)
    if weight_grams is not UNSET:
        fields["weight_grams"] = check_weight(weight_grams)
    with db.atomic():
        variant = locked_variant(sku)
        for name, value in fields.items():
            setattr(variant, name, value)
        if fields:
            variant.save(update_fields=list(fields))
            catalog_changed()
        return variant
