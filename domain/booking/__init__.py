"""Booking products: their rows, the channel's timezone, the places booked, the slots of a date.

A cell is one bookable unit of capacity: (ticket, starts_at, ends_at), ticket 0 for time slots and
rental days/hours, the ticket id for event tickets. Capacity is BookingProduct.qty per slot, rental
hour or rental day, and the ticket's qty per event ticket. BookingCapacity counts the places booked
per cell (domain.booking.capacity takes them when an order is placed).
"""
from datetime import date as Date, datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.booking.schedule import day_bounds, offered
from storage.booking_models import BookingCapacity, BookingEventTicket, BookingProduct, BookingSlotConfig
from storage.models import Channel, utcnow

TYPES = ("default", "appointment", "rental", "event", "table")


def channel_zone(channel_id: int) -> ZoneInfo:
    name = Channel.select(Channel.timezone).where(Channel.id == channel_id).scalar() or "UTC"
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def aware_now(now: datetime | None = None) -> datetime:
    """`now` as an aware UTC datetime (the stored clock is naive UTC)."""
    moment = now or utcnow()
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("UTC"))


def booking_product_of(product_id: int) -> BookingProduct | None:
    return BookingProduct.select().where(BookingProduct.product == product_id).order_by(BookingProduct.id).first()


def slot_config(booking_product: BookingProduct) -> BookingSlotConfig | None:
    return BookingSlotConfig.select().where(BookingSlotConfig.booking_product == booking_product.id).first()


def tickets_of(booking_product_ids) -> list[BookingEventTicket]:
    return list(BookingEventTicket.select().where(BookingEventTicket.booking_product.in_(list(booking_product_ids)))
                .order_by(BookingEventTicket.booking_product, BookingEventTicket.sort_order, BookingEventTicket.id))


def booked_places(booking_product_id: int, low: int, high: int, ticket: int = 0) -> dict[tuple[int, int], int]:
    """{(starts_at, ends_at): places booked} of the cells starting in [low, high)."""
    rows = (BookingCapacity.select(BookingCapacity.starts_at, BookingCapacity.ends_at, BookingCapacity.booked)
            .where(BookingCapacity.booking_product == booking_product_id, BookingCapacity.ticket == ticket,
                   BookingCapacity.starts_at >= low, BookingCapacity.starts_at < high).tuples())
    return {(start, end): booked for start, end, booked in rows}


def ticket_booked(ticket_ids) -> dict[int, int]:
    """{ticket id: places booked} over every cell of the tickets."""
    booked: dict[int, int] = {}
    if ticket_ids:
        rows = (BookingCapacity.select(BookingCapacity.ticket, BookingCapacity.booked)
                .where(BookingCapacity.ticket.in_(list(ticket_ids))).tuples())
        for ticket, count in rows:
            booked[ticket] = booked.get(ticket, 0) + count
    return booked


def slots_for_date(booking_product: BookingProduct, day: Date, zone: ZoneInfo, now: datetime | None = None,
                   config: BookingSlotConfig | None = None):
    """Offered slot groups of the date (domain.booking.schedule.offered) with the places booked."""
    if booking_product.type == "event":
        return []
    config = config or slot_config(booking_product)
    low, high = day_bounds(day, zone)
    return offered(booking_product, config, day, zone, aware_now(now),
                   booked_places(booking_product.id, low, high))


def capacity_of(booking_product: BookingProduct, ticket: int) -> int:
    if ticket:
        return BookingEventTicket.select(BookingEventTicket.qty).where(BookingEventTicket.id == ticket).scalar() or 0
    return booking_product.qty
