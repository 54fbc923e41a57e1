"""The invoice as a PDF (fpdf2): store, numbers and date, addresses, lines, totals.

Built-in PDF fonts only, so the document needs no font files: text is written in Windows-1252 and
characters outside it print as "?". Content streams are left uncompressed (invoices are a few KB),
which keeps the invoice and order numbers searchable in the raw file.
"""
from typing import TYPE_CHECKING

from storage.sales_models import Invoice, InvoiceItem, Order, OrderAddress

ENCODING = "windows-1252"
COLUMNS = (("SKU", 34), ("Product", 66), ("Qty", 14), ("Price", 26), ("Total", 30))

if TYPE_CHECKING:
    from fpdf import FPDF


def pdf_text(value) -> str:
    return str(value if value is not None else "").encode(ENCODING, "replace").decode(ENCODING)


def render_invoice_pdf(invoice: Invoice, order: Order, items: list[InvoiceItem], addresses: list[OrderAddress],
                       sales) -> bytes:
    """`sales` is the SalesContext of the order (channel name, currency formats)."""
    from fpdf import FPDF  # on first use: importing fpdf2 (fonts, images) costs start-up a second
    code = order.order_currency_code

    def amount(value):
        return pdf_text(sales.format(code, value))

    pdf = FPDF(format="A4")
    pdf.core_fonts_encoding = ENCODING
    pdf.set_compression(False)
    pdf.set_title(pdf_text(f"Invoice {invoice.increment_id}"))
    pdf.add_page()
    pdf.set_font("helvetica", "B", 16)
    pdf.cell(0, 10, pdf_text(sales.channel(order.channel_id).name or "Invoice"), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("helvetica", "", 10)
    for label, value in (("Invoice", invoice.increment_id), ("Order", f"#{order.increment_id}"),
                         ("Date", invoice.created_at.strftime("%Y-%m-%d")), ("State", invoice.state)):
        pdf.cell(0, 6, pdf_text(f"{label}: {value}"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    write_addresses(pdf, addresses)
    pdf.ln(4)
    write_lines(pdf, items, amount)
    pdf.ln(4)
    summary = (("Subtotal", invoice.sub_total), ("Shipping", invoice.shipping_amount), ("Tax", invoice.tax_amount),
               ("Discount", -invoice.discount_amount), ("Grand total", invoice.grand_total))
    for label, value in summary:
        pdf.set_font("helvetica", "B" if label == "Grand total" else "", 10)
        pdf.cell(140, 6, pdf_text(label), align="R")
        pdf.cell(30, 6, amount(value), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def write_addresses(pdf: "FPDF", addresses: list[OrderAddress]):
    for title, kind in (("Bill to", "billing"), ("Ship to", "shipping")):
        address = next((a for a in addresses if a.address_type == kind), None)
        if address is None:
            continue
        pdf.set_font("helvetica", "B", 10)
        pdf.cell(0, 6, title, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("helvetica", "", 10)
        lines = [f"{address.first_name} {address.last_name}", address.company_name, address.address1,
                 address.address2, f"{address.postcode} {address.city} {address.state}".strip(), address.country,
                 address.phone]
        for line in filter(None, lines):
            pdf.cell(0, 5, pdf_text(line), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(2)


def write_lines(pdf: "FPDF", items: list[InvoiceItem], amount):
    pdf.set_font("helvetica", "B", 10)
    for title, width in COLUMNS:
        pdf.cell(width, 7, title, border="B", align="L" if title in ("SKU", "Product") else "R")
    pdf.ln()
    pdf.set_font("helvetica", "", 10)
    for item in items:
        values = (item.sku, item.name, item.qty, amount(item.price), amount(item.total))
        for (title, width), value in zip(COLUMNS, values):
            text = pdf_text(value)
            while pdf.get_string_width(text) > width - 2 and len(text) > 3:
                text = text[:-4] + "..."
            pdf.cell(width, 6, text, align="L" if title in ("SKU", "Product") else "R")
        pdf.ln()
