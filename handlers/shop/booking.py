"""Booking products: the booking rows, the slot configuration of each booking type and event tickets
(rest-api/shop/products/product-type-subresources.md), the slots of a date (get-booking-slots.md,
graphql-api/shop/queries/get-booking-slots.md), and the `bookingProducts` / `bookingType` of product
documents (handlers.shop.products calls `fill_booking`). Rules in domain/booking.

Sub-resources reference each other by IRI; on product documents the slot configuration and the
tickets are inlined (the GraphQL `BookingProduct` selects them as objects).
"""
import json
from datetime import date as Date

from domain.booking import channel_zone, slots_for_date
from domain.booking.cart import ticket_price
from domain.booking.schedule import label
from domain.catalog.product_reads import BOOKING_TYPES
from domain.catalog.visibility import enabled_in_channel
from domain.common import Page, RequestContext, Window, iso, json_number, paginate
from domain.errors import InvalidRequest, NotFound
from storage.booking_models import BookingEventTicket, BookingProduct, BookingSlotConfig
from storage.models import Product

SLOT_FIELDS = {"default": "defaultSlot", "appointment": "appointmentSlot", "rental": "rentalSlot",
               "table": "tableSlot"}
SLOT_PATHS = {"default": "booking_product_default_slots", "appointment": "booking_product_appointment_slots",
              "rental": "booking_product_rental_slots", "table": "booking_product_table_slots"}



def slots_in_order(value):
    """Slot rows with `from` and `to` first, whatever order the database keeps JSON keys in (jsonb sorts them)."""
    if isinstance(value, list):
        return [slots_in_order(item) for item in value]
    if isinstance(value, dict):
        keys = [key for key in ("from", "to") if key in value] + [key for key in value if key not in ("from", "to")]
        return {key: slots_in_order(value[key]) for key in keys}
    return value

def iri(kind: str, key: int) -> str:
    return f"/api/shop/{kind}/{key}"


def flag(value) -> int | None:
    return None if value is None else int(bool(value))


# --- documents -------------------------------------------------------------------------------

def slot_config_document(config: BookingSlotConfig) -> dict:
    document = {"id": config.id, "bookingProductId": config.booking_product_id, "slots": json.dumps(slots_in_order(config.slots))}
    if config.kind == "default":
        document.update(bookingType=config.booking_type or "one", duration=config.duration, breakTime=config.break_time)
    elif config.kind == "appointment":
        document.update(duration=config.duration, breakTime=config.break_time,
                        sameSlotAllDays=flag(config.same_slot_all_days))
    elif config.kind == "rental":
        document.update(rentingType=config.renting_type or "daily", dailyPrice=json_number(config.daily_price),
                        hourlyPrice=json_number(config.hourly_price), sameSlotAllDays=flag(config.same_slot_all_days))
    else:
        document.update(priceType=config.price_type or "guest", guestLimit=config.guest_limit,
                        duration=config.duration, breakTime=config.break_time,
                        preventSchedulingBefore=config.prevent_scheduling_before,
                        sameSlotAllDays=flag(config.same_slot_all_days))
    return document


def ticket_document(ticket: BookingEventTicket, context: RequestContext, inline: bool = False) -> dict:
    money = context.currency
    translation = {"locale": context.fallback_locale, "name": ticket.name, "description": ticket.description}
    if not inline:
        translation = f"/api/booking_product_event_ticket_translations/{ticket.id}"
    special = ticket_price(ticket)
    special = special if special != ticket.price else None
    return {"id": ticket.id, "bookingProductId": ticket.booking_product_id, "name": ticket.name,
            "description": ticket.description, "price": json_number(ticket.price), "qty": ticket.qty,
            "specialPrice": json_number(ticket.special_price),
            "specialPriceFrom": iso(ticket.special_price_from), "specialPriceTo": iso(ticket.special_price_to),
            "formattedPrice": money.format(ticket.price),
            "formattedSpecialPrice": money.format(special),
            "translation": translation, "translations": [translation]}


def booking_document(row: BookingProduct, config: BookingSlotConfig | None, tickets: list, context,
                     inline: bool) -> dict:
    """The booking row; `inline`: the slot configuration and tickets as objects, else as IRIs."""
    document = {
        "id": row.id, "type": row.type, "qty": row.qty, "location": row.location,
        "showLocation": int(row.show_location), "availableEveryWeek": flag(row.available_every_week),
        "availableFrom": iso(row.available_from), "availableTo": iso(row.available_to),
        "createdAt": iso(row.created_at), "updatedAt": iso(row.updated_at),
        "slots": ({"bookingType": config.booking_type, "sameSlotAllDays": flag(config.same_slot_all_days),
                   "duration": config.duration, "breakTime": config.break_time, "slots": config.slots}
                  if config else None),
        "product": iri("products", row.product_id)}
    for kind, field in SLOT_FIELDS.items():
        if config is None or config.kind != kind:
            document[field] = None
        else:
            document[field] = slot_config_document(config) if inline else iri(SLOT_PATHS[kind], config.id)
    document["eventTickets"] = [ticket_document(ticket, context, True) if inline else
                                iri("booking_product_event_tickets", ticket.id) for ticket in tickets]
    return document


def booking_documents(product_ids, context, inline: bool) -> dict[int, list[dict]]:
    """{product id: [booking documents]} in three statements."""
    rows = list(BookingProduct.select().where(BookingProduct.product.in_(list(product_ids)))
                .order_by(BookingProduct.product, BookingProduct.id))
    keys = [row.id for row in rows] or [0]
    configs = {config.booking_product_id: config
               for config in BookingSlotConfig.select().where(BookingSlotConfig.booking_product.in_(keys))}
    tickets: dict[int, list] = {}
    for ticket in (BookingEventTicket.select().where(BookingEventTicket.booking_product.in_(keys))
                   .order_by(BookingEventTicket.sort_order, BookingEventTicket.id)):
        tickets.setdefault(ticket.booking_product_id, []).append(ticket)
    documents: dict[int, list[dict]] = {}
    for row in rows:
        documents.setdefault(row.product_id, []).append(
            booking_document(row, configs.get(row.id), tickets.get(row.id, []), context, inline))
    return documents


def fill_booking(by_id: dict, context: RequestContext, fields: frozenset):
    """`bookingType` of booking products (always) and `bookingProducts` (when asked) on product documents:
    one statement per page, three with `bookingProducts`, whatever the page holds."""
    booking_ids = [pid for pid, document in by_id.items() if document.get("type") == "booking"] or [0]
    wanted = "bookingProducts" in fields
    if wanted:
        for document in by_id.values():
            document["bookingProducts"] = []
        if booking_ids == [0]:
            return  # no booking product among them: nothing to read
    if not wanted:
        types = dict(BOOKING_TYPES.tuples(booking_ids))
        for pid, kind in types.items():
            by_id[pid]["bookingType"] = kind
        return
    for pid, documents in booking_documents(booking_ids, context, inline=True).items():
        by_id[pid]["bookingProducts"] = documents
        by_id[pid]["bookingType"] = documents[0]["type"]


# --- operations ------------------------------------------------------------------------------

def visible_booking_products(context):
    return (BookingProduct.select().join(Product, on=(BookingProduct.product == Product.id))
            .where(enabled_in_channel(context)))


def product_booking_products(context, product_id: int) -> list[dict]:
    """The rows of one (visible) product, with IRIs."""
    return booking_documents([product_id], context, inline=False).get(product_id, [])


def require_booking_product(context, key: int) -> BookingProduct:
    row = visible_booking_products(context).where(BookingProduct.id == key).first()
    if row is None:
        raise NotFound("Booking product")
    return row


def get_booking_product(context: RequestContext, id: int) -> dict:
    row = require_booking_product(context, id)
    documents = booking_documents([row.product_id], context, inline=False)[row.product_id]
    return next(document for document in documents if document["id"] == id)


def list_booking_slots(context: RequestContext, id: int, date, graphql: bool = False) -> list[dict]:
    try:
        day = date if isinstance(date, Date) else Date.fromisoformat(str(date))
    except ValueError:
        raise InvalidRequest({"date": ["The date must be a date (YYYY-MM-DD)."]}) from None
    row = require_booking_product(context, id)
    groups = slots_for_date(row, day, channel_zone(context.channel_id))
    if row.type == "rental":
        return [{"slotId": None if graphql else str(number),
                 "time": f"{label(group[0].start)} - {label(group[-1].end)}",
                 "slots": [flat_slot(slot) for slot in group]} for number, group in enumerate(groups, start=1)]
    return [{"slotId": None if graphql else slot.timestamp, **flat_slot(slot)} for group in groups for slot in group]


def flat_slot(slot) -> dict:
    return {"from": label(slot.start), "to": label(slot.end), "timestamp": slot.timestamp, "qty": str(slot.remaining)}


def configs_query(context, kind: str):
    return (BookingSlotConfig.select(BookingSlotConfig)
            .join(BookingProduct, on=(BookingSlotConfig.booking_product == BookingProduct.id))
            .join(Product, on=(BookingProduct.product == Product.id))
            .where(BookingSlotConfig.kind == kind, enabled_in_channel(context)).order_by(BookingSlotConfig.id))


def config_page(kind: str):
    def handler(context: RequestContext, window: Window) -> Page:
        return paginate(configs_query(context, kind), window, slot_config_document)
    return handler


def config_single(kind: str, what: str):
    def handler(context: RequestContext, id: int) -> dict:
        config = configs_query(context, kind).where(BookingSlotConfig.id == id).first()
        if config is None:
            raise NotFound(what)
        return slot_config_document(config)
    return handler


list_booking_product_default_slots = config_page("default")
get_booking_product_default_slot = config_single("default", "Booking default slot")
list_booking_product_appointment_slots = config_page("appointment")
get_booking_product_appointment_slot = config_single("appointment", "Booking appointment slot")
list_booking_product_rental_slots = config_page("rental")
get_booking_product_rental_slot = config_single("rental", "Booking rental slot")
list_booking_product_table_slots = config_page("table")
get_booking_product_table_slot = config_single("table", "Booking table slot")


def tickets_query(context):
    return (BookingEventTicket.select(BookingEventTicket)
            .join(BookingProduct, on=(BookingEventTicket.booking_product == BookingProduct.id))
            .join(Product, on=(BookingProduct.product == Product.id))
            .where(enabled_in_channel(context)).order_by(BookingEventTicket.id))


def list_booking_product_event_tickets(context: RequestContext, window: Window) -> Page:
    return paginate(tickets_query(context), window, lambda ticket: ticket_document(ticket, context))


def get_booking_product_event_ticket(context: RequestContext, id: int) -> dict:
    ticket = tickets_query(context).where(BookingEventTicket.id == id).first()
    if ticket is None:
        raise NotFound("Booking event ticket")
    return ticket_document(ticket, context)
