"""Demo sales documents: a shipped order and a booking order, with their invoices, a shipment, refunds
and a comment, so the admin invoices, shipments, refunds, bookings and comments pages have rows to show.

  one shipped guest order first (Mia Carter, Carter Goods LLC, Dallas TX: no tax rate applies), placed
  2026-01-18 10:00 UTC, paid by money transfer, flat-rate shipping 10.00: 1 SP-AUDIO-EARBUDS (59.00)
  and 2 SP-AUDIO-CABLE (8.00), 85.00 in all. Invoiced and paid at 11:00; shipped on 2026-01-19 09:00
  from the default source by UPS (track number 1Z999AA10123456784); one cable refunded on
  2026-01-21 10:00 (8.00, no shipping). The order is completed. It is a record as the back office
  keeps it, with no stock allocation: the demo stock figures stay the catalog's.
  one guest order (John Doe, Acme Inc., Austin TX: no tax rate applies), placed 2026-01-20 10:00 UTC,
  paid by money transfer, no shipping: 2 "Standard Ticket"s of BOOK-EVENT at the special price 115.00
  (230.00); its Booking row (the event window 2031-05-01 18:00-23:00 UTC) and the ticket's two booked
  places. Invoiced and paid on 2026-01-20 12:00 (230.00, one capture transaction); one ticket refunded
  on 2026-01-22 09:00 (115.00); a comment of 2026-01-21 08:30. The order is processing.

Rows are written as placing the order and the admin's actions write them (Order, OrderItem with the
booking selection, OrderAddress, OrderPayment, the status history, Booking, BookingCapacity, Invoice,
InvoiceItem, OrderTransaction, Refund, RefundItem, OrderComment); amounts and times are fixed.
"""
import datetime
from decimal import Decimal

from storage.admin_sales_models import OrderComment, OrderTransaction, Refund, RefundItem
from storage.booking_models import Booking, BookingCapacity, BookingEventTicket, BookingProduct
from storage.db import database
from storage.models import Product, ProductTranslation
from storage.sales_models import (
    Invoice, InvoiceItem, Order, OrderAddress, OrderItem, OrderPayment, OrderStatusHistory, Shipment, ShipmentItem,
)

PLACED_AT = datetime.datetime(2026, 1, 20, 10, 0)
INVOICED_AT = datetime.datetime(2026, 1, 20, 12, 0)
COMMENTED_AT = datetime.datetime(2026, 1, 21, 8, 30)
REFUNDED_AT = datetime.datetime(2026, 1, 22, 9, 0)
CUSTOMER = {"first_name": "John", "last_name": "Doe", "email": "john.doe@example.com", "phone": "1234567890",
            "address1": "123 Main St", "address2": "Apt 4B", "city": "Austin", "state": "TX", "country": "US",
            "postcode": "73301", "company_name": "Acme Inc."}
TICKETS = 2
SHIPPED_AT = datetime.datetime(2026, 1, 18, 10, 0)
BUYER = {"first_name": "Mia", "last_name": "Carter", "email": "mia.carter@example.com", "phone": "2145550187",
         "address1": "500 Elm St", "address2": None, "city": "Dallas", "state": "TX", "country": "US",
         "postcode": "75201", "company_name": "Carter Goods LLC"}
SHIPPED_LINES = (("SP-AUDIO-EARBUDS", 1), ("SP-AUDIO-CABLE", 2))
SHIPPING = Decimal("10.00")


def unix(moment: datetime.datetime) -> int:
    return int(moment.replace(tzinfo=datetime.timezone.utc).timestamp())


def seed_sales_documents():
    seed_shipped_order()
    seed_booking_order()


def seed_shipped_order():
    with database.atomic():
        products = {product.sku: product for product in
                    Product.select().where(Product.sku.in_([sku for sku, _qty in SHIPPED_LINES]))}
        names = dict(ProductTranslation.select(ProductTranslation.product, ProductTranslation.name).where(
            ProductTranslation.product.in_([p.id for p in products.values()]), ProductTranslation.locale == "en").tuples())
        sub_total = sum((products[sku].price * qty for sku, qty in SHIPPED_LINES), Decimal(0))
        total = sub_total + SHIPPING
        qty_total = sum(qty for _sku, qty in SHIPPED_LINES)
        money = {"sub_total": sub_total, "base_sub_total": sub_total, "shipping_amount": SHIPPING,
                 "base_shipping_amount": SHIPPING, "grand_total": total, "base_grand_total": total}
        order = Order.create(
            increment_id=f"seed-{SHIPPED_AT:%Y%m%d%H%M}", status="completed", channel=1, customer=None, is_guest=True,
            customer_email=BUYER["email"], customer_first_name=BUYER["first_name"],
            customer_last_name=BUYER["last_name"], shipping_method="flatrate_flatrate",
            shipping_title="Flat Rate - Flat Rate", base_currency_code="USD", order_currency_code="USD",
            exchange_rate=Decimal(1), total_item_count=len(SHIPPED_LINES), total_qty_ordered=qty_total,
            created_at=SHIPPED_AT, updated_at=SHIPPED_AT + datetime.timedelta(days=3), **money)
        Order.update(increment_id=str(order.id)).where(Order.id == order.id).execute()
        items = [OrderItem.create(order=order, product=products[sku].id, product_type="simple", sku=sku,
                                  name=names.get(products[sku].id, sku), weight=products[sku].weight,
                                  qty_ordered=qty, qty_invoiced=qty, qty_shipped=qty, price=products[sku].price,
                                  base_price=products[sku].price, total=products[sku].price * qty,
                                  base_total=products[sku].price * qty, created_at=SHIPPED_AT)
                 for sku, qty in SHIPPED_LINES]
        for address_type in ("billing", "shipping"):
            OrderAddress.create(order=order, address_type=address_type, **BUYER)
        OrderPayment.create(order=order, method="moneytransfer", method_title="Money Transfer", created_at=SHIPPED_AT)
        OrderStatusHistory.create(order=order, status="pending", comment="Order placed", created_at=SHIPPED_AT)
        invoiced_at = SHIPPED_AT + datetime.timedelta(hours=1)
        invoice = Invoice.create(order=order, increment_id="pending", state="paid", total_qty=qty_total,
                                 created_at=invoiced_at, updated_at=invoiced_at, **money)
        number = f"INV-{invoice.id:03d}"
        Invoice.update(increment_id=number).where(Invoice.id == invoice.id).execute()
        for item in items:
            InvoiceItem.create(invoice=invoice, order_item=item, name=item.name, sku=item.sku, qty=item.qty_ordered,
                               price=item.price, base_price=item.base_price, total=item.total,
                               base_total=item.base_total)
        OrderTransaction.create(order=order, invoice=invoice, transaction_id=f"seed-{number.lower()}", status="paid",
                                type="capture", payment_method="moneytransfer", amount=total,
                                data={"gateway": "offline", "captured": True, "invoice": number},
                                created_at=invoiced_at, updated_at=invoiced_at)
        OrderStatusHistory.create(order=order, status="processing", comment=f"Invoice {number} created (paid)",
                                  created_at=invoiced_at)
        shipped_at = SHIPPED_AT + datetime.timedelta(days=1, hours=-1)
        shipment = Shipment.create(order=order, total_qty=qty_total,
                                   total_weight=sum((item.weight or 0) * item.qty_ordered for item in items),
                                   carrier_code="ups", carrier_title="UPS", track_number="1Z999AA10123456784",
                                   inventory_source=1, created_at=shipped_at, updated_at=shipped_at)
        for item in items:
            ShipmentItem.create(shipment=shipment, order_item=item, name=item.name, sku=item.sku, qty=item.qty_ordered,
                                weight=item.weight)
        OrderStatusHistory.create(order=order, status="completed", comment=f"Shipment #{shipment.id} created",
                                  created_at=shipped_at)
        cable = items[1]
        refunded_at = SHIPPED_AT + datetime.timedelta(days=3)
        refund = Refund.create(order=order, state="refunded", total_qty=1, sub_total=cable.price,
                               base_sub_total=cable.price, grand_total=cable.price, base_grand_total=cable.price,
                               created_at=refunded_at, updated_at=refunded_at)
        RefundItem.create(refund=refund, order_item=cable, name=cable.name, sku=cable.sku, qty=1, price=cable.price,
                          base_price=cable.price, total=cable.price, base_total=cable.price)
        OrderItem.update(qty_refunded=1).where(OrderItem.id == cable.id).execute()
        OrderStatusHistory.create(order=order, status="completed", comment=f"Refund #{refund.id} created",
                                  created_at=refunded_at)


def seed_booking_order():
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
        invoice_and_refund(order, item, price)


def invoice_and_refund(order: Order, item: OrderItem, price: Decimal):
    """The whole order invoiced (paid), one comment, then one ticket refunded."""
    total = price * TICKETS
    invoice = Invoice.create(order=order, increment_id="pending", state="paid", total_qty=TICKETS,
                             sub_total=total, base_sub_total=total, grand_total=total, base_grand_total=total,
                             created_at=INVOICED_AT, updated_at=INVOICED_AT)
    number = f"INV-{invoice.id:03d}"
    Invoice.update(increment_id=number).where(Invoice.id == invoice.id).execute()
    InvoiceItem.create(invoice=invoice, order_item=item, name=item.name, sku=item.sku, qty=TICKETS, price=price,
                       base_price=price, total=total, base_total=total)
    OrderTransaction.create(order=order, invoice=invoice, transaction_id=f"seed-{number.lower()}", status="paid",
                            type="capture", payment_method="moneytransfer", amount=total,
                            data={"gateway": "offline", "captured": True, "invoice": number},
                            created_at=INVOICED_AT, updated_at=INVOICED_AT)
    OrderStatusHistory.create(order=order, status="processing", comment=f"Invoice {number} created (paid)",
                              created_at=INVOICED_AT)
    OrderComment.create(order=order, comment="The customer asked for the tickets to be emailed.",
                        customer_notified=False, created_at=COMMENTED_AT, updated_at=COMMENTED_AT)
    refund = Refund.create(order=order, state="refunded", total_qty=1, sub_total=price, base_sub_total=price,
                           grand_total=price, base_grand_total=price, created_at=REFUNDED_AT, updated_at=REFUNDED_AT)
    RefundItem.create(refund=refund, order_item=item, name=item.name, sku=item.sku, qty=1, price=price,
                      base_price=price, total=price, base_total=price)
    OrderItem.update(qty_invoiced=TICKETS, qty_refunded=1).where(OrderItem.id == item.id).execute()
    OrderStatusHistory.create(order=order, status="processing", comment=f"Refund #{refund.id} created",
                              created_at=REFUNDED_AT)
    Order.update(status="processing", updated_at=REFUNDED_AT).where(Order.id == order.id).execute()
