"""The booking settings of a booking product, replaced by the update's `booking` object and read back
as the detail's `bookingProduct` (product_documents.booking_block). The rows are the ones the shop
computes slots from (storage/booking_models.py, domain/booking/schedule.py).

`booking.type` names the booking type. Slot types (default, appointment, rental, table) keep one
schedule template: `slots` is a list of `{from, to}` ranges (every day) or, with `same_slot_all_days`
0, a map of weekday (0 Sunday ... 6 Saturday) to such lists; a default booking of `booking_type`
"one" takes `{from_day, from, to_day, to}` entries. Events keep tickets: `tickets` is keyed by an
existing ticket id (updated) or any other key (added); tickets left out are removed, unless places
of them are booked. Places already booked keep their cells, so a schedule change never cancels them.
"""
from domain.booking import TYPES, booking_product_of, ticket_booked, tickets_of
from domain.booking.schedule import clock
from handlers.admin.catalog.product_values import as_count, as_datetime, as_flag, as_money, localized
from storage.booking_models import BookingEventTicket, BookingProduct, BookingSlotConfig
from storage.models import Product, utcnow

RENTING_TYPES = ("daily", "hourly", "daily_hourly")
PRICE_TYPES = ("guest", "table")
BOOKING_TYPES = ("one", "many")
COUNTS = ("duration", "break_time", "guest_limit", "prevent_scheduling_before")


# --- checking ---------------------------------------------------------------------------------

class BookingInput:
    """The checked `booking` object of one update; problems go to `fail(field, message)`."""

    def __init__(self, product: Product, body: dict, fail, locale: str):
        self.product, self.fail, self.locale = product, fail, locale
        self.kind = body.get("type")
        self.row: dict = {}
        self.config: dict = {}
        self.tickets: list[tuple[int | None, dict]] = []
        self.current = booking_product_of(product.id)
        if self.kind not in TYPES:
            fail("booking.type", f"The type must be one of: {', '.join(TYPES)}.")
            return
        self.check_row(body)
        if self.kind == "event":
            self.check_tickets(body.get("tickets") or {})
        else:
            self.check_config(body)
            if self.current is not None:
                self.refuse_booked_tickets(set(), "booking.type")

    def number(self, body: dict, key: str, parse, field: str | None = None):
        try:
            return parse(body[key])
        except ValueError as error:
            self.fail(field or f"booking.{key}", f"The {key.replace('_', ' ')} {error}.")
            return None

    def check_row(self, body: dict):
        row = {"type": self.kind}
        if "qty" in body:
            row["qty"] = self.number(body, "qty", count)
        if "location" in body:
            row["location"] = str(body["location"] or "")
        for key in ("show_location", "available_every_week"):
            if key in body:
                row[key] = as_flag(body[key])
        for key in ("available_from", "available_to"):
            if key in body:
                row[key] = self.number(body, key, as_datetime)
        starts = row.get("available_from", self.current.available_from if self.current else None)
        ends = row.get("available_to", self.current.available_to if self.current else None)
        if starts and ends and starts > ends:
            self.fail("booking.available_to", "The available to date must be after the available from date.")
        if self.kind == "event" and not (starts and ends):
            self.fail("booking.available_from", "An event needs available_from and available_to.")
        self.row = row

    def check_config(self, body: dict):
        config = {"kind": self.kind}
        for key in COUNTS:
            if key in body:
                config[key] = self.number(body, key, count)
        if "same_slot_all_days" in body:
            config["same_slot_all_days"] = as_flag(body["same_slot_all_days"])
        for key, allowed in (("booking_type", BOOKING_TYPES), ("renting_type", RENTING_TYPES),
                             ("price_type", PRICE_TYPES)):
            if key in body:
                if body[key] not in allowed:
                    self.fail(f"booking.{key}", f"The {key.replace('_', ' ')} must be one of: {', '.join(allowed)}.")
                config[key] = body[key]
        for key in ("daily_price", "hourly_price"):
            if key in body:
                config[key] = self.number(body, key, as_money)
        if self.kind == "default":
            config.setdefault("booking_type", "one")
        if self.kind == "rental":
            renting = config.setdefault("renting_type", "daily")
            for key, needed in (("daily_price", ("daily", "daily_hourly")), ("hourly_price", ("hourly", "daily_hourly"))):
                if renting in needed and key not in body:
                    self.fail(f"booking.{key}", f"A {renting.replace('_', ' and ')} rental needs its {key.replace('_', ' ')}.")
        if self.kind in ("appointment", "table") or config.get("booking_type") == "many":
            if not config.get("duration"):
                self.fail("booking.duration", "The duration (minutes) is required and must be more than 0.")
        config["slots"], every_day = self.check_slots(body.get("slots") or [], config)
        if every_day is not None:
            config.setdefault("same_slot_all_days", every_day)
        self.config = config

    def check_slots(self, slots, config: dict) -> tuple[object, bool | None]:
        """(slots as stored, whether the same ranges hold every day, or None when the input says)."""
        one_per_entry = self.kind == "default" and config.get("booking_type") == "one"
        if isinstance(slots, dict):
            stored = {}
            for day, ranges in slots.items():
                if str(day) not in "0123456" or len(str(day)) != 1 or not isinstance(ranges, list):
                    self.fail(f"booking.slots.{day}", "Keys are weekdays 0 (Sunday) to 6 (Saturday), each a list.")
                    continue
                stored[str(day)] = [self.check_range(entry, f"booking.slots.{day}.{index}")
                                    for index, entry in enumerate(ranges)]
            return stored, False
        if not isinstance(slots, list):
            self.fail("booking.slots", "The slots must be a list of ranges or a map of weekdays.")
            return [], None
        stored = [self.check_range(entry, f"booking.slots.{index}", with_days=one_per_entry)
                  for index, entry in enumerate(slots)]
        return stored, None if one_per_entry else True

    def check_range(self, entry, field: str, with_days: bool = False) -> dict:
        if not isinstance(entry, dict):
            self.fail(field, "A slot is an object with from and to.")
            return {}
        try:
            starts, ends = clock(entry.get("from", "")), clock(entry.get("to", ""))
        except ValueError:
            self.fail(field, "A slot needs from and to as times of day (HH:MM).")
            return {}
        stored = {"from": starts.strftime("%H:%M"), "to": ends.strftime("%H:%M")}
        if with_days:
            days = [str(entry.get(key, "")) for key in ("from_day", "to_day")]
            if not all(len(day) == 1 and day in "0123456" for day in days):
                self.fail(field, "A slot of a one-booking schedule needs from_day and to_day (0 Sunday to 6 Saturday).")
            return {"from_day": days[0], "from": stored["from"], "to_day": days[1], "to": stored["to"]}
        if ends <= starts:
            self.fail(field, "A slot must end after it starts.")
        return stored

    def check_tickets(self, entries: dict):
        if not isinstance(entries, dict) or not entries:
            self.fail("booking.tickets", "An event needs at least one ticket.")
            return
        existing = {ticket.id for ticket in tickets_of([self.current.id])} if self.current else set()
        for position, (key, entry) in enumerate(entries.items()):
            field = f"booking.tickets.{key}"
            if not isinstance(entry, dict):
                self.fail(field, "A ticket is an object.")
                continue
            name = localized(entry, "name", self.locale)
            if not name:
                self.fail(f"{field}.name", "The ticket name is required.")
            ticket = {"name": name or "", "description": localized(entry, "description", self.locale) or "",
                      "sort_order": position}
            for column, parse in (("price", as_money), ("qty", count), ("special_price", as_money),
                                  ("special_price_from", as_datetime), ("special_price_to", as_datetime)):
                if column in entry:
                    ticket[column] = self.number(entry, column, parse, f"{field}.{column}")
            if ticket.get("price") is None and "price" not in entry:
                self.fail(f"{field}.price", "The ticket price is required.")
            special, price = ticket.get("special_price"), ticket.get("price")
            if special is not None and price is not None and special >= price:
                self.fail(f"{field}.special_price", "The special price must be less than the price.")
            ticket_id = int(key) if str(key).isdigit() and int(key) in existing else None
            self.tickets.append((ticket_id, ticket))
        self.refuse_booked_tickets({ticket_id for ticket_id, _ in self.tickets}, "booking.tickets")

    def refuse_booked_tickets(self, kept: set, field: str):
        """Tickets the write removes (all of them when the product stops being an event) must have no places booked."""
        existing = {ticket.id for ticket in tickets_of([self.current.id])} if self.current else set()
        for ticket_id, places in sorted(ticket_booked(existing - kept).items()):
            if places:
                self.fail(field, f"Ticket {ticket_id} has {places} places booked and cannot be removed.")

    # --- writing ---

    def write(self):
        row, current = self.row, self.current
        if current is None:
            current = BookingProduct.create(product=self.product.id, **row)
        else:
            BookingProduct.update({**row, "updated_at": utcnow()}).where(BookingProduct.id == current.id).execute()
        if self.kind == "event":
            BookingSlotConfig.delete().where(BookingSlotConfig.booking_product == current.id).execute()
            kept = [ticket_id for ticket_id, _ in self.tickets if ticket_id]
            BookingEventTicket.delete().where(BookingEventTicket.booking_product == current.id,
                                              BookingEventTicket.id.not_in(kept or [0])).execute()
            for ticket_id, ticket in self.tickets:
                if ticket_id:
                    BookingEventTicket.update(ticket).where(BookingEventTicket.id == ticket_id).execute()
                else:
                    BookingEventTicket.create(booking_product=current.id, **ticket)
            return
        BookingEventTicket.delete().where(BookingEventTicket.booking_product == current.id).execute()
        BookingSlotConfig.delete().where(BookingSlotConfig.booking_product == current.id).execute()
        BookingSlotConfig.create(booking_product=current.id, **self.config)


def count(value) -> int:
    try:
        number = as_count(value)
    except (TypeError, ValueError):
        raise ValueError("must be a whole number") from None
    if number < 0:
        raise ValueError("must be zero or more")
    return number
