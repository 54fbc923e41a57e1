"""Booking products in the cart: the `booking` input of add-to-cart, the line it makes and its price
(graphql-api/shop/mutations/add-to-cart.md, "Booking Input Reference").

`booking` is a JSON object, or a string holding one:
  default, appointment, table  {"date": "YYYY-MM-DD", "slot": "12:00 PM - 01:00 PM"}  (table: `bookingNote`
                               required beside it); `slot` may also be the slot's timestamp "from-to"
  rental, hourly               {"renting_type": "hourly", "date", "slot"}: the slot may span consecutive
                               hours of one range
  rental, daily                {"renting_type": "daily", "date_from", "date_to"}: both days included
  event                        {"qty": {"<ticket id>": n, ...}}: one line per ticket with n > 0
`type` may be given; it must be the product's booking type. The slot must be one the product offers
now (domain.booking.slots_for_date) with enough places left for the quantity.

A booking line keeps in CartItem.additional["booking"]: type, booking_product_id, from/to (Unix),
`cells` ([ticket, starts_at, ends_at] per place-bearing unit: the slot, each rental hour or day, the
ticket), renting_type / ticket_id / note, and `options` (the labels the cart and the order show).
Prices: default, appointment and table lines cost the product's price per place; hourly rentals the
hourly price × hours, daily rentals the daily price × days; event lines the ticket's price (its
special price while its window is open).
"""
import json
from datetime import date as Date, datetime, timedelta
from decimal import Decimal

from domain.booking import (
    aware_now, booked_places, booking_product_of, capacity_of, channel_zone, slot_config, slots_for_date, ticket_booked,
    tickets_of,
)
from domain.booking.schedule import day_bounds, in_window, label
from domain.errors import ApiError
from domain.sales.pricing import round_money
from storage.booking_models import BookingCapacity, BookingEventTicket, BookingProduct, BookingSlotConfig
from storage.models import utcnow

SLOT_NOT_AVAILABLE = "The selected slot is not available."


def refuse(message: str, code: str = "invalid_booking", field: str = "booking") -> ApiError:
    return ApiError(422, message, code, {field: [message]})


def booking_input(body: dict) -> dict:
    raw = body.get("booking")
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise refuse("The booking must be a JSON object.") from None
    if not isinstance(raw, dict):
        raise refuse("The booking details are required for a booking product.")
    return raw


def parse_day(value, field: str) -> Date:
    try:
        return Date.fromisoformat(str(value))
    except ValueError:
        raise refuse(f"The {field} must be a date (YYYY-MM-DD).") from None


def booking_lines(context, product, quantity: int, body: dict, now: datetime | None = None) -> list[tuple[int, dict]]:
    """[(quantity, additional)] of the lines a booking add-to-cart makes, or 422."""
    booking = booking_input(body)
    booking_product = booking_product_of(product.id)
    if booking_product is None:
        raise refuse("This product has no booking configuration.")
    if booking.get("type") not in (None, "", booking_product.type):
        raise refuse(f'This product is booked as "{booking_product.type}".')
    zone = channel_zone(context.channel_id)
    now = aware_now(now)
    base = {"type": booking_product.type, "booking_product_id": booking_product.id}
    if booking_product.type == "event":
        return event_lines(booking_product, booking, base, zone, now)
    config = slot_config(booking_product)
    if booking_product.type == "rental":
        renting = rental_type(config, booking)
        if renting == "daily":
            return [(quantity, daily_rental(booking_product, config, booking, quantity, base, zone, now))]
    note = str(body.get("bookingNote") or booking.get("note") or "").strip()
    if booking_product.type == "table" and not note:
        raise refuse("A note is required for a table booking.", field="bookingNote")
    additional = slot_booking(booking_product, config, booking, quantity, base, zone, now)
    if note:
        additional["note"] = note[:1000]
        additional["options"].append(option("Special Request/Notes", additional["note"]))
    return [(quantity, {"booking": additional})]


def option(name: str, value: str) -> dict:
    return {"attribute_name": name, "option_id": 0, "option_label": value}


def rental_type(config: BookingSlotConfig, booking: dict) -> str:
    offered = (config.renting_type if config else None) or "daily"
    wanted = booking.get("renting_type") or (offered if offered != "daily_hourly" else None)
    if wanted not in ("daily", "hourly") or offered not in (wanted, "daily_hourly"):
        raise refuse("Choose a renting type this product offers: "
                     + (" or ".join(("daily", "hourly")) if offered == "daily_hourly" else offered) + ".")
    return wanted


def slot_booking(booking_product, config, booking: dict, quantity: int, base: dict, zone, now) -> dict:
    day = parse_day(booking.get("date"), "date")
    wanted = str(booking.get("slot") or booking.get("timestamp") or "").strip()
    if not wanted:
        raise refuse("Choose a slot.")
    chosen = match_slot(slots_for_date(booking_product, day, zone, now, config), wanted)
    if not chosen:
        raise refuse(SLOT_NOT_AVAILABLE, "slot_not_available")
    left = min(slot.remaining for slot in chosen)
    if left < quantity:
        raise refuse(f"Only {left} place(s) left in the selected slot.", "slot_not_available")
    start, end = chosen[0], chosen[-1]
    renting = booking_product.type == "rental"
    names = ("Rent From", "Rent Till") if renting else ("Booking From", "Booking Till")
    options = ([option("Rent Type", "Hourly Basis")] if renting else []) + [
        option(names[0], start.start.strftime("%d %B, %Y %I:%M %p")),
        option(names[1], end.end.strftime("%d %B, %Y %I:%M %p"))]
    return {**base, "date": day.isoformat(), "from": start.starts_at, "to": end.ends_at,
            **({"renting_type": "hourly"} if renting else {}),
            "cells": [[0, slot.starts_at, slot.ends_at] for slot in chosen], "options": options}


def normalized(text: str) -> str:
    return " ".join(text.upper().replace("-", " - ").split())


def match_slot(groups, wanted: str) -> list:
    """The offered slots a `slot` value names: one slot (by "from - to" or by timestamp), or for
    rentals the consecutive hours of one range from the first's start to the last's end."""
    for group in groups:
        for index, slot in enumerate(group):
            if wanted == slot.timestamp:
                return [slot]
            text = normalized(wanted)
            if normalized(f"{label(slot.start)} - {label(slot.end)}") == text:
                return [slot]
            if not text.startswith(normalized(label(slot.start)) + " - "):
                continue
            run = [slot]
            for following in group[index + 1:]:
                if following.starts_at != run[-1].ends_at:
                    break
                run.append(following)
                if normalized(f"{label(slot.start)} - {label(following.end)}") == text:
                    return run
    return []


def daily_rental(booking_product, config, booking: dict, quantity: int, base: dict, zone, now) -> dict:
    first = parse_day(booking.get("date_from"), "date_from")
    last = parse_day(booking.get("date_to"), "date_to")
    today = now.astimezone(zone).date()
    if last < first or first < today:
        raise refuse("The rental must start today or later and end on or after its first day.", "invalid_date_range")
    if not (in_window(booking_product, first, zone) and in_window(booking_product, last, zone)):
        raise refuse("The product cannot be rented on these days.", "invalid_date_range")
    days = [first + timedelta(days=offset) for offset in range((last - first).days + 1)]
    if len(days) > 366:
        raise refuse("A rental lasts at most 366 days.", "invalid_date_range")
    cells = [[0, *day_bounds(day, zone)] for day in days]
    booked = booked_places(booking_product.id, cells[0][1], cells[-1][2])
    for _ticket, start, end in cells:
        if booking_product.qty - booked.get((start, end), 0) < quantity:
            raise refuse("Not enough items left to rent on these days.", "slot_not_available")
    options = [option("Rent Type", "Daily Basis"), option("Rent From", first.strftime("%d %B, %Y")),
               option("Rent Till", last.strftime("%d %B, %Y"))]
    return {"booking": {**base, "renting_type": "daily", "date_from": first.isoformat(), "date_to": last.isoformat(),
                        "from": cells[0][1], "to": cells[-1][2], "cells": cells, "options": options}}


def event_lines(booking_product, booking: dict, base: dict, zone, now) -> list[tuple[int, dict]]:
    wanted = booking.get("qty")
    if not isinstance(wanted, dict):
        raise refuse('Give the tickets as {"qty": {"<ticket id>": <quantity>}}.', "invalid_ticket_qty")
    tickets = {ticket.id: ticket for ticket in tickets_of([booking_product.id])}
    if booking_product.available_to and booking_product.available_to.replace(tzinfo=now.tzinfo) <= now:
        raise refuse("This event is over.", "tickets_sold_out")
    start = unix_of(booking_product.available_from) or 0
    end = unix_of(booking_product.available_to) or 0
    booked = ticket_booked(list(tickets))
    lines = []
    for key, value in sorted(wanted.items(), key=lambda pair: str(pair[0])):
        ticket = tickets.get(int(key)) if str(key).isdigit() else None
        if ticket is None:
            raise refuse(f"Ticket {key} is not a ticket of this event.", "invalid_ticket_qty")
        count = int(value) if isinstance(value, int) or (isinstance(value, str) and value.isdigit()) else -1
        if isinstance(value, bool) or count < 0 or count > 1000:
            raise refuse("Ticket quantities must be whole numbers from 0 to 1000.", "invalid_ticket_qty")
        if count == 0:
            continue
        if ticket.qty - booked.get(ticket.id, 0) < count:
            raise refuse(f'Only {max(ticket.qty - booked.get(ticket.id, 0), 0)} "{ticket.name}" ticket(s) left.',
                         "tickets_sold_out")
        options = [option("Event Ticket", ticket.name)]
        if booking_product.available_from and booking_product.available_to:
            options += [option("Event From", local_day(booking_product.available_from, zone)),
                        option("Event Till", local_day(booking_product.available_to, zone))]
        lines.append((count, {"booking": {**base, "ticket_id": ticket.id, "from": start, "to": end,
                                          "cells": [[ticket.id, start, end]], "options": options}}))
    if not lines:
        raise refuse("Choose at least one ticket.", "invalid_ticket_qty")
    return lines


def unix_of(moment) -> int | None:
    return int(aware_now(moment).timestamp()) if moment else None


def local_day(moment, zone) -> str:
    return aware_now(moment).astimezone(zone).strftime("%d %B, %Y")


# --- prices --------------------------------------------------------------------------------------

def booking_unit_price(item, book) -> tuple[Decimal, list]:
    """(unit price in the base currency, display options) of a booking cart line."""
    booking = (item.additional or {}).get("booking") or {}
    options = list(booking.get("options") or [])
    if booking.get("ticket_id"):
        ticket = BookingEventTicket.get_or_none(BookingEventTicket.id == booking["ticket_id"])
        return (round_money(ticket_price(ticket)) if ticket else Decimal(0)), options
    if booking.get("type") == "rental":
        config = BookingSlotConfig.get_or_none(BookingSlotConfig.booking_product == booking["booking_product_id"])
        units = len(booking.get("cells") or [])
        if config is None:
            return Decimal(0), options
        rate = config.daily_price if booking.get("renting_type") == "daily" else config.hourly_price
        return round_money((rate or Decimal(0)) * units), options
    return book.unit_price(item.product_id, item.quantity), options


def ticket_price(ticket: BookingEventTicket) -> Decimal:
    now = utcnow()
    special = ticket.special_price
    if special is not None and (ticket.special_price_from is None or ticket.special_price_from <= now) and (
            ticket.special_price_to is None or ticket.special_price_to >= now):
        return min(special, ticket.price)
    return ticket.price


def ensure_places(lines, changed):
    """422 when the cart's booking lines would need more places of a cell than remain: the places of
    every line on the cell count, for the cells of the `changed` lines (adding, raising a quantity)."""
    demand: dict[tuple, int] = {}
    for line in lines:
        booking = (line.additional or {}).get("booking") if line.type == "booking" else None
        for ticket, start, end in (booking or {}).get("cells", []):
            key = (booking["booking_product_id"], int(ticket), int(start), int(end))
            demand[key] = demand.get(key, 0) + line.quantity
    checked = {(line.additional["booking"]["booking_product_id"], int(ticket), int(start), int(end))
               for line in changed if line.type == "booking" and (line.additional or {}).get("booking")
               for ticket, start, end in line.additional["booking"].get("cells", [])}
    products = {row.id: row for row in BookingProduct.select().where(
        BookingProduct.id.in_(list({key[0] for key in checked})))} if checked else {}
    for key in sorted(checked):
        product_id, ticket, start, end = key
        booked = (BookingCapacity.select(BookingCapacity.booked)
                  .where(BookingCapacity.booking_product == product_id, BookingCapacity.ticket == ticket,
                         BookingCapacity.starts_at == start, BookingCapacity.ends_at == end).scalar() or 0)
        left = (capacity_of(products[product_id], ticket) if product_id in products else 0) - booked
        if demand[key] > left:
            raise refuse(f"Only {max(left, 0)} place(s) left for this booking; the cart asks for {demand[key]}.",
                         "slot_not_available", "quantity")
