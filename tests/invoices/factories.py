"""Requests to the invoices service as orders makes them: German VAT at 19 % and 7 %."""

import itertools
from datetime import UTC, datetime
from decimal import Decimal

from shop.invoices.public import (
    BuyerAddress,
    ChargeLine,
    CreditNoteRequest,
    DocumentLine,
    InvoiceRequest,
    RateTotal,
)

D = Decimal
_orders = itertools.count(1)

BUYER = BuyerAddress(
    name="Łucja Kőváry-Nørgaard",
    line1="Schönhauser Allee 12",
    line2="",
    postal_code="10119",
    city="Berlin",
    region="",
    country="DE",
)
# Gross prices, VAT inside: two at 59.50 (19 %), one at 10.70 (7 %), shipping 4.90 (19 %).
JACKET = DocumentLine(
    sku="JACKET-M",
    name="Rain jacket — M / Blue",
    quantity=2,
    unit_price=D("59.50"),
    rate=D("19.00"),
    net=D("100.00"),
    tax=D("19.00"),
    gross=D("119.00"),
)
BOOK = DocumentLine(
    sku="BOOK",
    name="Field guide",
    quantity=1,
    unit_price=D("10.70"),
    rate=D("7.00"),
    net=D("10.00"),
    tax=D("0.70"),
    gross=D("10.70"),
)
SHIPPING = ChargeLine(
    name="Shipping: Standard", rate=D("19.00"), net=D("4.12"), tax=D("0.78"), gross=D("4.90")
)
TOTALS = (
    RateTotal(rate=D("19.00"), net=D("104.12"), tax=D("19.78"), gross=D("123.90")),
    RateTotal(rate=D("7.00"), net=D("10.00"), tax=D("0.70"), gross=D("10.70")),
)


def order_number() -> str:
    return f"ORD-{next(_orders):05d}"


def invoice_request(number: str | None = None, **changes) -> InvoiceRequest:
    fields = {
        "order_number": number or order_number(),
        "currency": "EUR",
        "tax_country": "DE",
        "prices_include_tax": True,
        "buyer": BUYER,
        "buyer_email": "lucja@example.com",
        "lines": (JACKET, BOOK),
        "shipping": SHIPPING,
        "totals": TOTALS,
        "net": D("114.12"),
        "tax": D("20.48"),
        "gross": D("134.60"),
        "paid_at": datetime(2026, 11, 20, 14, 3, tzinfo=UTC),
        **changes,
    }
    return InvoiceRequest(**fields)


def untaxed_request(number: str | None = None) -> InvoiceRequest:
    """Shipped to the United States: the jacket at its net price, no VAT."""
    jacket = DocumentLine(
        sku="JACKET-M",
        name="Rain jacket — M / Blue",
        quantity=2,
        unit_price=D("50.00"),
        rate=D("0"),
        net=D("100.00"),
        tax=D("0.00"),
        gross=D("100.00"),
    )
    return invoice_request(
        number,
        tax_country="US",
        buyer=BuyerAddress("Ada Lovelace", "1 Beacon St", "", "02108", "Boston", "MA", "US"),
        lines=(jacket,),
        shipping=None,
        totals=(RateTotal(rate=D("0"), net=D("100.00"), tax=D("0.00"), gross=D("100.00")),),
        net=D("100.00"),
        tax=D("0.00"),
        gross=D("100.00"),
    )


def credit_request(order_number: str, refund_ref: str, gross="23.80", tax="3.80", **changes):
    gross, tax = D(gross), D(tax)
    charge = ChargeLine(
        name=f"Refund for order {order_number}",
        rate=D("19.00"),
        net=gross - tax,
        tax=tax,
        gross=gross,
    )
    fields = {
        "order_number": order_number,
        "refund_ref": refund_ref,
        "currency": "EUR",
        "lines": (),
        "charges": (charge,),
        "totals": (RateTotal(rate=D("19.00"), net=gross - tax, tax=tax, gross=gross),),
        "net": gross - tax,
        "tax": tax,
        "gross": gross,
        "refunded_at": datetime(2026, 11, 24, 9, 0, tzinfo=UTC),
        "reason": "Returned one jacket",
        **changes,
    }
    return CreditNoteRequest(**fields)
