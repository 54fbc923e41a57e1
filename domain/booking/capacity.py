"""Taking booked places when an order is placed, inside the placement transaction.

Every cell a booking order line holds (CartItem.additional["booking"]["cells"], copied to the order
line) gets its BookingCapacity row (created on first use with the cell's capacity; a concurrent
creation of the same row is ignored through the unique key) and then a conditional
`UPDATE … SET booked = booked + n WHERE id = ? AND booked + n <= capacity`. Cells are visited in key
order so two placements never wait on each other's rows in opposite order. When a cell cannot take
the places, the placement rolls back with 422 `booking_unavailable`: capacity is never oversold,
on SQLite (writers serialised by BEGIN IMMEDIATE) and PostgreSQL (the row lock of the UPDATE) alike.
Each booking order line is recorded as a Booking.
"""
from domain.booking import capacity_of
from domain.errors import ApiError
from storage.booking_models import Booking, BookingCapacity, BookingProduct
from storage.sales_models import OrderItem

UNAVAILABLE = "The selected booking is no longer available."


class BookingUnavailable(ApiError):
    def __init__(self, problems: list[str]):
        super().__init__(422, problems[0], "booking_unavailable", {"booking": problems})


def reserve_bookings(order, items: list[OrderItem] | None = None) -> list[Booking]:
    """`items`: the order's items in id order, when the caller has read them."""
    if items is None:
        items = OrderItem.select().where(OrderItem.order == order.id, OrderItem.parent.is_null(),
                                         OrderItem.product_type == "booking").order_by(OrderItem.id)
    lines = [item for item in items if item.parent_id is None and item.product_type == "booking"
             and (item.additional or {}).get("booking")]
    if not lines:
        return []
    products = {row.id: row for row in BookingProduct.select().where(
        BookingProduct.id.in_([line.additional["booking"]["booking_product_id"] for line in lines]))}
    needs = []
    for line in lines:
        booking = line.additional["booking"]
        for ticket, start, end in booking.get("cells") or []:
            needs.append((booking["booking_product_id"], int(ticket), int(start), int(end), line))
    problems = []
    for product_id, ticket, start, end, line in sorted(needs, key=lambda need: need[:4]):
        booking_product = products.get(product_id)
        if booking_product is None or not take(booking_product, ticket, start, end, int(line.qty_ordered)):
            problems.append(f'{UNAVAILABLE} ("{line.name}")')
    if problems:
        raise BookingUnavailable(problems)
    return [Booking.create(order=order.id, order_item=line.id, product=line.product_id,
                           booking_product=line.additional["booking"]["booking_product_id"],
                           ticket=line.additional["booking"].get("ticket_id"), qty=line.qty_ordered,
                           starts_at=line.additional["booking"].get("from"),
                           ends_at=line.additional["booking"].get("to")) for line in lines]


def take(booking_product: BookingProduct, ticket: int, start: int, end: int, places: int) -> bool:
    key = ((BookingCapacity.booking_product == booking_product.id) & (BookingCapacity.ticket == ticket)
           & (BookingCapacity.starts_at == start) & (BookingCapacity.ends_at == end))
    (BookingCapacity.insert(booking_product=booking_product.id, ticket=ticket, starts_at=start, ends_at=end,
                            capacity=capacity_of(booking_product, ticket), booked=0)
     .on_conflict_ignore().execute())
    taken = (BookingCapacity.update(booked=BookingCapacity.booked + places)
             .where(key, (BookingCapacity.booked + places) <= BookingCapacity.capacity).execute())
    return bool(taken)


def release_bookings(canceled: dict[int, int]):
    """Give back the places of canceled booking order lines ({order item id: canceled quantity}): each
    cell of the line drops by that many places (never below zero) and the Booking keeps what remains."""
    bookings = list(Booking.select().where(Booking.order_item.in_(list(canceled)), Booking.qty > 0))
    if not bookings:
        return
    items = {item.id: item for item in OrderItem.select().where(OrderItem.id.in_([b.order_item_id for b in bookings]))}
    for booking in bookings:
        places = min(canceled[booking.order_item_id], booking.qty)
        for ticket, start, end in (items[booking.order_item_id].additional or {}).get("booking", {}).get("cells", []):
            (BookingCapacity.update(booked=BookingCapacity.booked - places)
             .where(BookingCapacity.booking_product == booking.booking_product_id, BookingCapacity.ticket == ticket,
                    BookingCapacity.starts_at == start, BookingCapacity.ends_at == end,
                    BookingCapacity.booked >= places).execute())
        Booking.update(qty=Booking.qty - places).where(Booking.id == booking.id).execute()
