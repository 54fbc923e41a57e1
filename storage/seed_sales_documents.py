"""Demo sales documents: a booking order, so the admin bookings view has a row to show.

  one guest order (John Doe, Acme Inc., Austin TX: no tax rate applies), placed 2026-01-20 10:00 UTC,
  pending, paid by money transfer, no shipping: 2 "Standard Ticket"s of BOOK-EVENT at the special
  price 115.00 (230.00); its Booking row (the event window 2031-05-01 18:00-23:00 UTC) and the
  ticket's two booked places.

Rows are written as placing the order writes them (Order, OrderItem with the booking selection,
OrderAddress, OrderPayment, the status history, Booking, BookingCapacity); amounts are fixed.
"""
import datetime
from decimal import Decimal

from storage.booking_models import Booking, BookingCapacity, BookingEventTicket, BookingProduct
from storage.db import database
from storage.models import Product, ProductTranslation
from storage.sales_models import Order, OrderAddress, OrderItem, OrderPayment, OrderStatusHistory

PLACED_AT = datetime.datetime(2026, 1, 20, 10, 0)
CUSTOMER = {"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com", "phone": "1234567890",
            "address1": "123 Main St", "address2": "Apt 4B", "city": "Austin", "state": "TX", "country": "US",
            "postcode": "73301", "company_name": "Acme Inc."}
TICKETS = 2


def unix(moment: datetime.datetime) -> int:
    return int(moment.replace(tzinfo=datetime.timezone.utc).timestamp())


def seed_sales_documents():
    with database.atomic():
        product = Product.get(Product.sku == "BOOK-EVENT")
        event = BookingProduct.get(BookingProduct.product == product.id)
        ticket = (BookingEventTicket.select().where(BookingEventTicket.booking_product == event.id)
                  .order_by(BookingEventTicket.sort_order, BookingEventTicket.id).first())
        price = ticket.special_price or ticket.price
        total = price * TICKETS
        start, end = unix(event.available_from), unix(event.available_to)
        money = {"sub_total": total, "base_sub_total": total, "grand_total": total, "base_grand_total": total}
        order = Order.create(
            increment_id=f"seed-{PLACED_AT:%Y%m%d%H%M}", status="pending", channel=1, customer=None, is_guest=True,
            customer_email=CUSTOMER["email"], customer_first_name=CUSTOMER["first_name"],
            customer_last_name=CUSTOMER["last_name"], base_currency_code="USD", order_currency_code="USD",
            exchange_rate=Decimal(1), total_item_count=1, total_qty_ordered=TICKETS, created_at=PLACED_AT,
            updated_at=PLACED_AT, **money)
        Order.update(increment_id=str(order.id)).where(Order.id == order.id).execute()
        options = [{"attribute_name": "Event Ticket", "option_id": 0, "option_label": ticket.name},
                   {"attribute_name": "Event From", "option_id": 0, "option_label": "01 May, 2031"},
                   {"attribute_name": "Event Till", "option_id": 0, "option_label": "01 May, 2031"}]
        selection = {"type": "event", "booking_product_id": event.id, "ticket_id": ticket.id, "from": start,
                     "to": end, "cells": [[ticket.id, start, end]], "options": options}
        name = ProductTranslation.select(ProductTranslation.name).where(
            ProductTranslation.product == product.id, ProductTranslation.locale == "en").scalar() or product.sku
        item = OrderItem.create(order=order, product=product.id, product_type="booking", sku=product.sku,
                                name=name, qty_ordered=TICKETS, price=price,
                                base_price=price, total=total, base_total=total, created_at=PLACED_AT,
                                additional={"booking": selection, "options": options})
        for address_type in ("billing", "shipping"):
            OrderAddress.create(order=order, address_type=address_type, **CUSTOMER)
        OrderPayment.create(order=order, method="moneytransfer", method_title="Money Transfer", created_at=PLACED_AT)
        OrderStatusHistory.create(order=order, status="pending", comment="Order placed", created_at=PLACED_AT)
        Booking.create(order=order, order_item=item, product=product.id, booking_product=event.id, ticket=ticket.id,
                       qty=TICKETS, starts_at=start, ends_at=end, created_at=PLACED_AT)
        BookingCapacity.create(booking_product=event.id, ticket=ticket.id, starts_at=start, ends_at=end,
                               capacity=ticket.qty, booked=TICKETS)
