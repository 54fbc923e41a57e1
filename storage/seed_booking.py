"""Demo booking products, one of each booking type, appended after the other product types.

Fixed schedules (weekdays 0 Sunday ... 6 Saturday; times in the channel's timezone), so the slots of
a date are known in advance; find the products by SKU. None manages stock: places are the capacity.
  BOOK-DEFAULT       default, "one" booking per day: Mon-Fri 12:00-18:00; 5 places; price 100.00
  BOOK-APPOINTMENT   appointment, 45 min + 15 min break, every day 10:00-13:00 and 14:00-16:00
                     (10:00, 11:00, 12:00, 14:00, 15:00); 1 place per slot; price 55.00
  BOOK-EVENT         event, 2031-05-01 18:00-23:00 UTC; tickets "Standard Ticket" 120.00 (special
                     115.00 from 2026-01-01 until 2031-04-01), 100 places, and "VIP Access Ticket" 240.00, 10 places
  BOOK-RENTAL-DAILY  rental, daily, 15.00 a day; 50 items
  BOOK-RENTAL-HOURLY rental, hourly, 20.00 an hour, every day 10:00-12:00 and 14:00-16:00; 3 items
  BOOK-TABLE         table, 45 min + 15 min break, Mon-Thu 12:00-14:00, Fri 12:00-14:00 and 19:00-21:00,
                     none within 60 minutes of now; 10 places per slot, 4 guests per table; price 195.00
Every product is bookable from 2026-01-01 to 2035-12-31 (UTC); the event takes place within that window.
"""
import datetime
from decimal import Decimal

from storage.booking_models import BookingEventTicket, BookingProduct, BookingSlotConfig
from storage.db import database
from storage.models import Product
from storage.seed_product_types import add_product, category_ids

WEEKDAYS = ("1", "2", "3", "4", "5")
LUNCH = [{"from": "12:00", "to": "14:00"}]

# sku: (English name, French name, url key, price, booking type, qty, slot config, event window)
BOOKINGS = {
    "BOOK-DEFAULT": ("Professional Photography Session", "Séance photo professionnelle",
                     "professional-photography-session", "100.00", "default", 5,
                     {"booking_type": "one", "slots": [{"id": str(index + 1), "from_day": day, "from": "12:00",
                                                        "to_day": day, "to": "18:00"}
                                                       for index, day in enumerate(WEEKDAYS)]}),
    "BOOK-APPOINTMENT": ("Men's Haircut Appointment", "Rendez-vous coupe homme", "mens-haircut-appointment",
                         "55.00", "appointment", 1,
                         {"duration": 45, "break_time": 15, "same_slot_all_days": True,
                          "slots": [{"from": "10:00", "to": "13:00"}, {"from": "14:00", "to": "16:00"}]}),
    "BOOK-EVENT": ("Live Music Concert Ticket", "Billet de concert", "live-music-concert-ticket", "120.00",
                   "event", 0, None),
    "BOOK-RENTAL-DAILY": ("Wooden Folding Chair Rental", "Location de chaise pliante", "wooden-folding-chair-rental",
                          "15.00", "rental", 50, {"renting_type": "daily", "daily_price": Decimal("15.00"),
                                                  "same_slot_all_days": True, "slots": []}),
    "BOOK-RENTAL-HOURLY": ("Kayak Rental", "Location de kayak", "kayak-rental", "20.00", "rental", 3,
                           {"renting_type": "hourly", "hourly_price": Decimal("20.00"), "same_slot_all_days": True,
                            "slots": [{"from": "10:00", "to": "12:00"}, {"from": "14:00", "to": "16:00"}]}),
    "BOOK-TABLE": ("Fine Dining Table Reservation", "Réservation de table gastronomique",
                   "fine-dining-table-reservation", "195.00", "table", 10,
                   {"price_type": "table", "guest_limit": 4, "duration": 45, "break_time": 15,
                    "prevent_scheduling_before": 60, "same_slot_all_days": False,
                    "slots": {"1": LUNCH, "2": LUNCH, "3": LUNCH, "4": LUNCH,
                              "5": LUNCH + [{"from": "19:00", "to": "21:00"}]}}),
}
WINDOW = (datetime.datetime(2026, 1, 1), datetime.datetime(2035, 12, 31, 23, 59))
EVENT_FROM = datetime.datetime(2031, 5, 1, 18, 0)
EVENT_TO = datetime.datetime(2031, 5, 1, 23, 0)
TICKETS = [("Standard Ticket", "General admission.", "120.00", 100, "115.00"),
           ("VIP Access Ticket", "Front rows and lounge.", "240.00", 10, None)]
CREATED_AT = datetime.datetime(2026, 1, 16, 12, 0)


def seed_booking():
    """Append the booking products above (ids follow the existing catalog)."""
    categories = category_ids()
    with database.atomic():
        for number, (sku, (name_en, name_fr, url_key, price, kind, qty, config)) in enumerate(BOOKINGS.items()):
            product = add_product(sku, "booking", (name_en, name_fr), url_key, categories["Electronics"], 200 + number,
                                  Decimal(price))
            Product.update(manage_stock=False, weight=None).where(Product.id == product.id).execute()
            event = kind == "event"
            booking_product = BookingProduct.create(
                product=product, type=kind, qty=qty, location="Noida, Uttar Pradesh", show_location=event,
                available_every_week=None if event else False, available_from=EVENT_FROM if event else WINDOW[0],
                available_to=EVENT_TO if event else WINDOW[1], created_at=CREATED_AT, updated_at=CREATED_AT)
            if event:
                for order, (name, description, ticket_price, places, special) in enumerate(TICKETS):
                    BookingEventTicket.create(
                        booking_product=booking_product, name=name, description=description,
                        price=Decimal(ticket_price), qty=places, special_price=special and Decimal(special),
                        special_price_from=WINDOW[0] if special else None,
                        special_price_to=datetime.datetime(2031, 4, 1) if special else None, sort_order=order)
            else:
                BookingSlotConfig.create(booking_product=booking_product, kind=kind, **config)
