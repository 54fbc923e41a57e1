"""Admin bookings (specs: sales_bookings): the read-only view of booked slots
(rest-api/admin/sales/bookings/*.md, graphql-api/admin/sales/bookings/*.md).

One row per Booking (written for every booking line of an order when it is placed), with the
booked product, its booking type, the window as unix seconds and as `d M, Y H:iA` strings in the
order channel's timezone, and the order and order-line summaries. The detail adds the order's
addresses, payment, shipping and documents. Every relation is loaded once per page.
"""
from datetime import datetime, timedelta, timezone

from domain.booking import channel_zone
from domain.common import Page, RequestContext, Window, iso, json_number
from domain.errors import NotFound
from handlers.admin.sales.documents import OrderContext, csv_export, date_bounds, day, id_list, sort_column
from storage.admin_sales_models import Refund
from storage.booking_models import Booking, BookingProduct
from storage.sales_models import Invoice, Order, OrderItem, Shipment

SORTS = {"id": Booking.id, "order_id": Booking.order, "qty": Booking.qty, "from": Booking.starts_at,
         "to": Booking.ends_at, "created_at": Order.created_at}


def day_start(value, name: str) -> int | None:
    """Unix seconds at 00:00 UTC of the day `value` (YYYY-MM-DD)."""
    first = day(value, name)
    return int(datetime(first.year, first.month, first.day, tzinfo=timezone.utc).timestamp()) if first else None


def unix_between(query, column, start, end, start_name: str, end_name: str):
    """`column` (unix seconds) within the days [start, end] (UTC; either may be missing)."""
    low, high = day_start(start, start_name), day_start(end, end_name)
    if low is not None:
        query = query.where(column >= low)
    if high is not None:
        query = query.where(column < high + int(timedelta(days=1).total_seconds()))
    return query


def filtered_bookings(id=None, order_id=None, qty=None, product_id=None, from_from=None, from_to=None,
                      to_from=None, to_to=None, created_at_from=None, created_at_to=None):
    query = Booking.select().join(Order, on=(Booking.order == Order.id))
    if id not in (None, ""):
        query = query.where(Booking.id.in_(id_list(id)))
    if order_id:
        query = query.where(Order.increment_id.contains(str(order_id).strip().lstrip("#")))
    if qty is not None:
        query = query.where(Booking.qty == qty)
    if product_id is not None:
        query = query.where(Booking.product == product_id)
    query = unix_between(query, Booking.starts_at, from_from, from_to, "from_from", "from_to")
    query = unix_between(query, Booking.ends_at, to_from, to_to, "to_from", "to_to")
    if created_at_from or created_at_to:
        query = date_bounds(query, Order.created_at, created_at_from, created_at_to, "created_at_from", "created_at_to")
    return query


def formatted(moment: int | None, zone) -> str | None:
    """`d M, Y H:iA` as the admin grid shows it (e.g. "20 May, 2026 13:00PM")."""
    if moment is None:
        return None
    local = datetime.fromtimestamp(moment, zone)
    return f"{local:%d %b, %Y %H:%M}{'PM' if local.hour >= 12 else 'AM'}"


class BookingContext:
    """The orders, order lines and booking products behind a page of bookings (5 queries)."""

    def __init__(self, context: RequestContext, bookings: list[Booking]):
        self.orders = OrderContext(context, [booking.order_id for booking in bookings])
        item_ids = sorted({booking.order_item_id for booking in bookings})
        self.items = {item.id: item for item in OrderItem.select().where(OrderItem.id.in_(item_ids))} if item_ids else {}
        product_ids = sorted({booking.booking_product_id for booking in bookings})
        self.types = dict(BookingProduct.select(BookingProduct.id, BookingProduct.type)
                          .where(BookingProduct.id.in_(product_ids)).tuples()) if product_ids else {}
        self.zones = {}

    def zone(self, channel_id: int):
        if channel_id not in self.zones:
            self.zones[channel_id] = channel_zone(channel_id)
        return self.zones[channel_id]

    def row(self, booking: Booking) -> dict:
        order = self.orders.orders[booking.order_id]
        fields = self.orders.fields(order.id)
        item = self.items.get(booking.order_item_id)
        zone = self.zone(order.channel_id)
        return {
            "id": booking.id, "orderId": order.id, "orderIncrementId": order.increment_id,
            "orderItemId": booking.order_item_id, "productId": booking.product_id,
            "productSku": item.sku if item else None, "productName": item.name if item else None,
            "bookingType": self.types.get(booking.booking_product_id), "qty": booking.qty,
            "from": booking.starts_at, "to": booking.ends_at,
            "fromFormatted": formatted(booking.starts_at, zone), "toFormatted": formatted(booking.ends_at, zone),
            "bookingProductEventTicketId": booking.ticket or None,
            "order": {"id": order.id, "incrementId": order.increment_id, "status": order.status,
                      "customerName": fields["customerName"], "customerEmail": order.customer_email,
                      "grandTotal": json_number(order.grand_total), "orderCurrencyCode": order.order_currency_code},
            "orderItem": {"id": item.id, "sku": item.sku, "name": item.name, "qtyOrdered": item.qty_ordered}
            if item else None,
            "createdAt": iso(order.created_at)}


def list_admin_bookings(context: RequestContext, window: Window, sort: str | None = None, order: str | None = None,
                        **filters) -> Page:
    query = filtered_bookings(**filters)
    column = sort_column(SORTS, sort, "id")
    ordering = (column.asc(), Booking.id.asc()) if order == "asc" else (column.desc(), Booking.id.desc())
    bookings = list(query.order_by(*ordering).offset(window.offset).limit(window.limit))
    info = BookingContext(context, bookings)
    return Page([info.row(booking) for booking in bookings], query.count())


def export_admin_bookings(context: RequestContext, format: str | None = None, **filters):
    bookings = list(filtered_bookings(**filters).order_by(Booking.id.desc()))
    info = BookingContext(context, bookings)
    rows = []
    for booking in bookings:
        row = info.row(booking)
        created = info.orders.orders[booking.order_id].created_at
        rows.append([booking.id, row["orderIncrementId"], booking.qty, row["fromFormatted"] or "",
                     row["toFormatted"] or "", created.strftime("%Y-%m-%d %H:%M:%S")])
    return csv_export(format, "bookings.csv", ["ID", "Order ID", "Qty", "From", "To", "Booking Date"], rows)


def get_admin_booking(context: RequestContext, id: int) -> dict:
    booking = Booking.get_or_none(Booking.id == id)
    if booking is None:
        raise NotFound("Booking")
    info = BookingContext(context, [booking])
    document = info.row(booking)
    order = info.orders.orders[booking.order_id]
    fields = info.orders.fields(order.id)
    sales, base = info.orders.sales, order.base_currency_code
    document.update({name: fields[name] for name in ("paymentMethod", "paymentTitle", "shippingMethod",
                                                     "shippingTitle", "billingAddress", "shippingAddress")})
    document["invoices"] = [
        {"id": i.id, "incrementId": i.increment_id, "state": i.state, "baseGrandTotal": json_number(i.base_grand_total),
         "formattedBaseGrandTotal": sales.format(base, i.base_grand_total), "createdAt": iso(i.created_at)}
        for i in Invoice.select().where(Invoice.order == order.id).order_by(Invoice.id)]
    document["shipments"] = [
        {"id": s.id, "totalQty": s.total_qty, "carrierTitle": s.carrier_title, "trackNumber": s.track_number,
         "createdAt": iso(s.created_at)} for s in Shipment.select().where(Shipment.order == order.id).order_by(Shipment.id)]
    document["refunds"] = [
        {"id": r.id, "state": r.state, "baseGrandTotal": json_number(r.base_grand_total),
         "formattedBaseGrandTotal": sales.format(base, r.base_grand_total), "createdAt": iso(r.created_at)}
        for r in Refund.select().where(Refund.order == order.id).order_by(Refund.id)]
    return document
