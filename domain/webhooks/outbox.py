"""The webhook outbox: `emit(event, payload)` records an event in the caller's transaction.

The row commits or rolls back with the change it describes: a rolled-back order leaves no event, a
committed one always has its event. After the write a dispatch job is queued (a moment later when
still inside a transaction, so it runs after the commit; once per transaction, since one dispatch
takes every event not yet dispatched: placing an order emits several); a periodic sweep dispatches
whatever a queued job missed (`tasks.py`)."""
import logging
import uuid
from decimal import Decimal

from domain.webhooks import tasks
from storage.db import database
from storage.models import ProductInventory, utcnow
from storage.webhook_models import WebhookEvent

EVENTS = (
    "order.created", "order.status_changed", "order.canceled",
    "invoice.created", "shipment.created", "refund.created",
    "product.created", "product.updated", "product.deleted",
    "stock.changed", "customer.created",
    "subscription.created", "subscription.renewed", "subscription.past_due", "subscription.cancelled",
)
logger = logging.getLogger("specshop.webhooks")
COMMIT_GRACE = 2  # seconds: a dispatch queued inside a transaction waits for its commit


def emit(event: str, payload: dict) -> WebhookEvent:
    """Record `event` with its JSON `payload` in the current transaction and queue its dispatch."""
    if event not in EVENTS:
        raise ValueError(f"unknown webhook event {event!r}")
    row = WebhookEvent.create(uuid=str(uuid.uuid4()), event=event, payload=payload, created_at=utcnow())
    try:
        if database.in_transaction():
            outermost = database.obj._state.transactions[0]  # savepoints are pushed after it
            if not getattr(outermost, "webhook_dispatch_scheduled", False):
                tasks.dispatch_events.schedule(delay=COMMIT_GRACE)
                outermost.webhook_dispatch_scheduled = True
        else:
            tasks.dispatch_events()
    except Exception:  # the queue is unreachable: the change still commits, the sweep dispatches the event
        logger.exception("could not queue the dispatch of webhook event %s", row.uuid)
    return row


# --- payloads: what each event carries (ids and the figures receivers act on) -------------------

def money(value) -> str | None:
    """A decimal string with at least two places (exact: no float on the way), e.g. "259.02"."""
    if value is None:
        return None
    text = f"{Decimal(value).quantize(Decimal('0.0001')):f}"
    while text.endswith("0") and len(text.split(".")[1]) > 2:
        text = text[:-1]
    return text


def emit_order(event: str, order, **extra) -> WebhookEvent:
    """order.created / order.status_changed / order.canceled."""
    return emit(event, {"id": order.id, "incrementId": order.increment_id, "status": order.status,
                        "customerId": order.customer_id, "customerEmail": order.customer_email,
                        "grandTotal": money(order.grand_total), "baseGrandTotal": money(order.base_grand_total),
                        "currency": order.order_currency_code, "channelId": order.channel_id, **extra})


def emit_document(event: str, document, order_id: int, **figures) -> WebhookEvent:
    """invoice.created / shipment.created / refund.created."""
    return emit(event, {"id": document.id, "orderId": order_id,
                        **{key: money(value) if key.endswith("Total") else value for key, value in figures.items()}})


def emit_product(event: str, product_id: int, sku: str | None = None, type: str | None = None) -> WebhookEvent:
    return emit(event, {"id": product_id, "sku": sku, "type": type})


def emit_stock(product_id: int, source_id: int, change: int, reason: str, qty: int | None = None) -> WebhookEvent:
    """stock.changed with the source's quantity after the change: `qty` when the change returned it,
    else read in the same transaction."""
    if qty is None:
        qty = (ProductInventory.select(ProductInventory.qty)
               .where(ProductInventory.product == product_id, ProductInventory.inventory_source == source_id).scalar())
    return emit("stock.changed", {"productId": product_id, "inventorySourceId": source_id, "change": change,
                                  "qty": qty, "reason": reason})


def emit_customer(customer) -> WebhookEvent:
    return emit("customer.created", {"id": customer.id, "email": customer.email,
                                     "firstName": customer.first_name, "lastName": customer.last_name})
