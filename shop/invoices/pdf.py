"""
The PDF of an invoice or credit note, drawn with fpdf2 (pure Python) from the
document's frozen snapshot: the same document always prints the same figures.

fpdf2's built-in fonts know Latin-1 only (no €, Ł, ő, ș …), so the text is
set in DejaVu Sans, shipped in ``fonts/`` subset to the Latin scripts,
punctuation and currency signs (LICENSE there); fpdf2 embeds only the glyphs
a document uses.
"""

from decimal import Decimal
from pathlib import Path

from django_countries import countries
from fpdf import FPDF
from fpdf.enums import Align, TableBordersLayout, XPos, YPos
from fpdf.fonts import FontFace

from shop.core.money import format_money

from .models import CreditNote, Document, Invoice

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "DejaVu"
GREY = (90, 90, 90)


class _Pdf(FPDF):
    footer_text = ""

    def footer(self):
        self.set_y(-15)
        self.set_font(FAMILY, size=8)
        self.set_text_color(*GREY)
        self.cell(0, 5, self.footer_text, align=Align.L)
        self.cell(0, 5, f"Page {self.page_no()}/{{nb}}", align=Align.R)


def render(document: Document) -> bytes:
    """The PDF of ``document`` (an ``Invoice`` or a ``CreditNote``)."""
    credit = isinstance(document, CreditNote)
    title = "Credit note" if credit else "Invoice"
    seller = document.seller
    pdf = _Pdf(format="A4")
    pdf.set_margins(18, 18, 18)
    pdf.set_auto_page_break(True, margin=22)
    pdf.add_font(FAMILY, "", FONTS / "DejaVuSans.ttf")
    pdf.add_font(FAMILY, "B", FONTS / "DejaVuSans-Bold.ttf")
    pdf.set_title(f"{title} {document.number}")
    pdf.set_author(seller["name"])
    pdf.set_creator(seller["name"])
    pdf.set_creation_date(document.issued_at)
    pdf.footer_text = " · ".join(
        part for part in (seller["name"], _vat_label(seller), seller.get("email", "")) if part
    )
    pdf.add_page()

    _seller_and_heading(pdf, document, title, credit)
    _buyer(pdf, document.buyer)
    _lines(pdf, document)
    _totals(pdf, document)
    _notes(pdf, document, credit)
    return bytes(pdf.output())


def _vat_label(seller: dict) -> str:
    return f"VAT no. {seller['vat_number']}" if seller.get("vat_number") else ""


def _item(line: dict, document: Document) -> str:
    """The item's name, its SKU, and what a voucher took off it (documents before it have none)."""
    text = f"{line['name']}\nSKU {line['sku']}" if line.get("sku") else line["name"]
    if Decimal(line.get("discount") or 0):
        text += f"\nVoucher: \N{MINUS SIGN}{_money(line['discount'], document)}"
    return text


def _money(amount, document: Document) -> str:
    return format_money(Decimal(amount), document.currency)


def _day(day) -> str:
    return f"{day.day} {day:%B %Y}"


def _rate(rate) -> str:
    rate = Decimal(rate).normalize()
    return f"{rate:f} %"


def _seller_and_heading(pdf: FPDF, document: Document, title: str, credit: bool) -> None:
    seller = document.seller
    top = pdf.get_y()
    pdf.set_font(FAMILY, "B", 14)
    pdf.multi_cell(95, 7, seller["name"], new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FAMILY, size=9)
    for line in [*seller.get("address", []), _vat_label(seller), seller.get("email", "")]:
        if line:
            pdf.multi_cell(95, 4.5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    seller_bottom = pdf.get_y()

    pdf.set_xy(120, top)
    pdf.set_font(FAMILY, "B", 18)
    pdf.cell(72, 9, title, align=Align.R, new_x=XPos.LEFT, new_y=YPos.NEXT)
    facts = [("Number", document.number), ("Date", _day(document.issued_on))]
    if credit:
        facts.append(("Corrects invoice", document.invoice.number))
    else:
        facts.append(("Date of supply", _day(document.supplied_on)))
    facts.append(("Order", document.order_number))
    for label, value in facts:
        pdf.set_x(120)
        pdf.set_font(FAMILY, size=9)
        pdf.cell(32, 5, label, align=Align.L)
        pdf.set_font(FAMILY, "B", 9)
        pdf.cell(40, 5, value, align=Align.R, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_y(max(seller_bottom, pdf.get_y()) + 8)


def _buyer(pdf: FPDF, buyer: dict) -> None:
    pdf.set_font(FAMILY, "B", 9)
    pdf.set_text_color(*GREY)
    pdf.cell(0, 5, "Billed to", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_text_color(0)
    pdf.set_font(FAMILY, size=10)
    country = countries.name(buyer.get("country", "")) or buyer.get("country", "")
    place = " ".join(part for part in (buyer.get("postal_code"), buyer.get("city")) if part)
    for line in (
        buyer.get("name"),
        buyer.get("line1"),
        buyer.get("line2"),
        place,
        buyer.get("region"),
        country,
    ):
        if line:
            pdf.multi_cell(100, 5, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(6)


def _lines(pdf: FPDF, document: Document) -> None:
    unit = "Unit price (gross)" if document.prices_include_tax else "Unit price (net)"
    heading = ("Item", "Qty", unit, "VAT", "Net", "VAT amount", "Gross")
    pdf.set_font(FAMILY, size=8.5)
    with pdf.table(
        col_widths=(62, 10, 24, 14, 22, 20, 22),
        text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT", "RIGHT"),
        borders_layout=TableBordersLayout.HORIZONTAL_LINES,
        headings_style=FontFace(emphasis="BOLD", fill_color=(235, 235, 235)),
        line_height=5,
        padding=(1, 1),
        width=174,
    ) as table:
        table.row(heading)
        for line in document.lines:
            table.row(
                (
                    _item(line, document),
                    str(line["quantity"]),
                    _money(line["unit_price"], document),
                    _rate(line["rate"]),
                    _money(line["net"], document),
                    _money(line["tax"], document),
                    _money(line["gross"], document),
                )
            )
        for charge in document.charges:
            table.row(
                (
                    charge["name"],
                    "",
                    "",
                    _rate(charge["rate"]),
                    _money(charge["net"], document),
                    _money(charge["tax"], document),
                    _money(charge["gross"], document),
                )
            )
    pdf.ln(4)


def _totals(pdf: FPDF, document: Document) -> None:
    rows = [
        (f"VAT {_rate(row['rate'])} on {_money(row['net'], document)}", row["tax"])
        for row in document.rate_totals
    ]
    rows = [("Total net", document.net), *rows, ("Total VAT", document.tax)]
    pdf.set_font(FAMILY, size=9)
    for label, amount in rows:
        pdf.set_x(100)
        pdf.cell(62, 5.5, label, align=Align.L)
        pdf.cell(30, 5.5, _money(amount, document), align=Align.R)
        pdf.ln(5.5)
    pdf.set_x(100)
    pdf.set_font(FAMILY, "B", 11)
    label = "Total credited" if isinstance(document, CreditNote) else "Total"
    pdf.cell(62, 8, label, align=Align.L, border="T")
    pdf.cell(30, 8, _money(document.gross, document), align=Align.R, border="T")
    pdf.ln(12)


def _notes(pdf: FPDF, document: Document, credit: bool) -> None:
    pdf.set_font(FAMILY, size=9)
    notes = []
    if credit:
        invoice: Invoice = document.invoice
        notes.append(
            f"This credit note corrects invoice {invoice.number} of "
            f"{_day(invoice.issued_on)} (order {document.order_number}): "
            f"{_money(document.gross, document)} was refunded."
        )
        if document.reason:
            notes.append(f"Reason: {document.reason}")
    else:
        notes.append(f"Paid in full, order {document.order_number}. Thank you for your order.")
        notes.extend(
            f"Paid with {paid['method']}: {_money(Decimal(paid['amount']), document)}"
            for paid in document.payments
        )
    if document.untaxed:
        country = countries.name(document.tax_country) or document.tax_country
        notes.append(f"VAT not charged: export of goods outside the EU (delivered to {country}).")
    for note in notes:
        pdf.multi_cell(0, 5, note, align=Align.L, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
