"""Documents of the admin sales API: order rows and details, invoices, shipments, refunds,
transactions, and the list filters they share (rest-api/admin/sales/*).

Every document of a page is built from rows loaded once per relation (orders, addresses, payments,
lines), so the query count does not grow with the page size. Amounts are JSON numbers in the order
currency (`grandTotal`) and the base currency (`baseGrandTotal`), with `formatted*` strings.
"""
import csv
import io
from collections import defaultdict
from datetime import date, datetime, timedelta
from decimal import Decimal

from starlette.responses import Response

from domain.common import iso, json_number
from domain.errors import InvalidRequest
from domain.sales.documents import SalesActionRefused
from handlers.shop.orders import SalesContext, sales_context
from storage.models import Channel, InventorySource, Locale, ProductImage
from storage.sales_models import Order, OrderAddress, OrderPayment

STATUS_LABELS = {"pending": "Pending", "pending_payment": "Pending Payment", "processing": "Processing",
                 "completed": "Completed", "canceled": "Canceled", "closed": "Closed", "fraud": "Fraud"}
DATE_PRESETS = ("today", "yesterday", "this_week", "this_month", "last_month", "last_three_months",
                "last_six_months", "this_year")


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.replace("_", " ").title())


def money(document: dict, sales: SalesContext, code: str, base_code: str, name: str, amount, base_amount):
    """`name`, `formattedName`, `baseName`, `formattedBaseName`."""
    title = name[0].upper() + name[1:]
    document[name] = json_number(amount)
    document[f"formatted{title}"] = sales.format(code, amount)
    document[f"base{title}"] = json_number(base_amount)
    document[f"formattedBase{title}"] = sales.format(base_code, base_amount)


def address_document(address: OrderAddress | None) -> dict | None:
    if address is None:
        return None
    return {"id": address.id, "addressType": f"order_{address.address_type}", "firstName": address.first_name,
            "lastName": address.last_name, "companyName": address.company_name,
            "address": "\n".join(part for part in (address.address1, address.address2) if part),
            "city": address.city, "state": address.state or None, "country": address.country,
            "postcode": address.postcode, "email": address.email, "phone": address.phone, "vatId": None}


class OrderContext:
    """The orders behind a page of documents, with their addresses, payments, formats and the default
    locales of their channels (5 queries)."""

    def __init__(self, context, order_ids):
        ids = sorted(set(order_ids))
        self.orders = {order.id: order for order in Order.select().where(Order.id.in_(ids))} if ids else {}
        self.addresses = defaultdict(dict)
        self.payments = {}
        if ids:
            for address in OrderAddress.select().where(OrderAddress.order.in_(ids)).order_by(OrderAddress.id):
                self.addresses[address.order_id][address.address_type] = address
            for payment in OrderPayment.select().where(OrderPayment.order.in_(ids)).order_by(OrderPayment.id.desc()):
                self.payments[payment.order_id] = payment
        self.sales = sales_context(context, list(self.orders.values()))
        channel_ids = {order.channel_id for order in self.orders.values()}
        self.locales = dict(Channel.select(Channel.id, Locale.code).join(Locale, on=(Channel.default_locale == Locale.id))
                            .where(Channel.id.in_(channel_ids)).tuples()) if channel_ids else {}

    def locale(self, order_id: int) -> str | None:
        """The locale an order's lines were sold in: its channel's default (a line may say otherwise)."""
        return self.locales.get(self.orders[order_id].channel_id)

    def fields(self, order_id: int) -> dict:
        """The order and customer context every document of the order carries."""
        order = self.orders[order_id]
        payment = self.payments.get(order_id)
        return {
            "orderId": order.id, "orderIncrementId": order.increment_id, "orderStatus": order.status,
            "orderStatusLabel": status_label(order.status), "orderDate": iso(order.created_at),
            "channelName": self.sales.channel(order.channel_id).name,
            "customerName": f"{order.customer_first_name} {order.customer_last_name}".strip(),
            "customerEmail": order.customer_email,
            "paymentMethod": payment.method if payment else None,
            "paymentTitle": payment.method_title if payment else None,
            "shippingMethod": order.shipping_method, "shippingTitle": order.shipping_title,
            "orderCurrencyCode": order.order_currency_code, "baseCurrencyCode": order.base_currency_code,
            "channelCurrencyCode": self.sales.channel(order.channel_id).base_currency_code or order.base_currency_code,
            "billingAddress": address_document(self.addresses[order_id].get("billing")),
            "shippingAddress": address_document(self.addresses[order_id].get("shipping")),
        }

    def full_name(self, order_id: int, address_type: str) -> str | None:
        address = self.addresses[order_id].get(address_type)
        return f"{address.first_name} {address.last_name}".strip() if address else None


def line_document(line, order_item, info: OrderContext, code: str, images: dict | None = None) -> dict:
    """An invoice, shipment or refund line (`order_item` is the OrderItem it comes from)."""
    sales = info.sales
    product_id = order_item.product_id if order_item else None
    document = {"id": line.id, "orderItemId": line.order_item_id, "sku": line.sku, "name": line.name,
                "qty": line.qty, "productId": product_id,
                "productType": order_item.product_type if order_item else None,
                "baseImageUrl": (images or {}).get(product_id),
                "additional": {"locale": info.locale(order_item.order_id), "quantity": order_item.qty_ordered,
                               "product_id": str(order_item.product_id) if order_item.product_id else None,
                               **(order_item.additional or {})} if order_item else {}}
    if hasattr(line, "price"):
        qty = Decimal(line.qty or 1)
        document.update({
            "price": json_number(line.price), "formattedPrice": sales.format(code, line.price),
            "basePrice": json_number(line.base_price),
            "basePriceInclTax": json_number(line.base_price + (line.base_tax_amount / qty).quantize(Decimal("0.01"))),
            "total": json_number(line.total), "formattedTotal": sales.format(code, line.total),
            "baseTotal": json_number(line.base_total), "baseTotalInclTax": json_number(line.base_total + line.base_tax_amount),
            "taxAmount": json_number(line.tax_amount), "formattedTaxAmount": sales.format(code, line.tax_amount),
            "discountAmount": json_number(line.discount_amount),
            "formattedDiscountAmount": sales.format(code, line.discount_amount)})
    return document


def image_urls(context, product_ids) -> dict[int, str]:
    """The first image of each product (by position), as a URL under MEDIA_URL; one query."""
    ids = {product_id for product_id in product_ids if product_id}
    urls = {}
    if ids:
        for image in (ProductImage.select(ProductImage.product, ProductImage.path)
                      .where(ProductImage.product.in_(ids)).order_by(ProductImage.position.desc(), ProductImage.id.desc())):
            urls[image.product_id] = context.media(image.path)
    return urls


def source_names(source_ids) -> dict[int, str]:
    ids = {source_id for source_id in source_ids if source_id}
    if not ids:
        return {}
    return {source.id: source.name for source in InventorySource.select(InventorySource.id, InventorySource.name)
            .where(InventorySource.id.in_(ids))}


# --- filters shared by the lists --------------------------------------------------------------

def day(value, name: str) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise InvalidRequest({name: ["Must be a date as YYYY-MM-DD."]}) from None


def date_bounds(query, column, start, end, start_name: str, end_name: str):
    """`column` within the days [start, end] (either may be missing)."""
    first, last = day(start, start_name), day(end, end_name)
    if first:
        query = query.where(column >= datetime.combine(first, datetime.min.time()))
    if last:
        query = query.where(column < datetime.combine(last + timedelta(days=1), datetime.min.time()))
    return query


def preset_days(preset: str, today: date) -> tuple[date, date]:
    """First and last day of a `date_range` preset."""
    def months_back(count):
        month = today.month - count
        year = today.year + (month - 1) // 12
        return date(year, (month - 1) % 12 + 1, 1)

    if preset == "today":
        return today, today
    if preset == "yesterday":
        return today - timedelta(days=1), today - timedelta(days=1)
    if preset == "this_week":
        return today - timedelta(days=today.weekday()), today
    if preset == "this_month":
        return today.replace(day=1), today
    if preset == "last_month":
        first = months_back(1)
        return first, today.replace(day=1) - timedelta(days=1)
    if preset == "last_three_months":
        return months_back(3), today
    if preset == "last_six_months":
        return months_back(6), today
    return date(today.year, 1, 1), today


def id_list(value, name: str = "id") -> list[int]:
    parts = [part.strip() for part in str(value).split(",")]
    if not all(part.isdigit() and len(part) <= 10 for part in parts):
        raise InvalidRequest({name: ["Must be an integer or a comma-separated list of integers."]})
    return [int(part) for part in parts]


def sort_column(sorts: dict, sort: str | None, default: str):
    """The column a `sort` names (GraphQL passes any string: an unknown one is a 400 naming `sort`)."""
    if (sort or default) not in sorts:
        raise InvalidRequest({"sort": [f"Sort by one of: {', '.join(sorts)}."]})
    return sorts[sort or default]


def ordering(sorts: dict, sort: str | None, order: str | None, default: str, default_order: str = "desc"):
    column = sort_column(sorts, sort, default)
    descending = (order or default_order) == "desc"
    return (column.desc(), ) if descending else (column.asc(), )


def csv_export(format: str | None, filename: str, header: list[str], rows) -> Response:
    """A `text/csv` attachment; only the `csv` format exists (422 otherwise)."""
    if (format or "csv").lower() != "csv":
        raise SalesActionRefused("Only the csv export format is supported.", "validation_failed",
                                 {"format": ["Only csv is supported."]})
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return Response(buffer.getvalue(), media_type="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"'})
