"""What happens to an order after it is placed: invoices, shipments, cancellation, downloads, history.

These services are shared by the storefront (customer orders) and the admin sales API:
- `after_order_placed(order)`: called by place-order inside its transaction, after it recorded
  the "Order placed" status. Records the downloadable links bought, and creates the invoice when
  the payment method's `sales.payment_methods.<code>.generate_invoice` is on (state from
  `.invoice_status`, default paid).
- `create_invoice`, `mark_invoice_paid`, `create_shipment`, `cancel_order`.
- `record_status(order, status, comment)`: every status change of an order, and every invoice or
  shipment event, is an OrderStatusHistory row with its time.

The order status is derived from its items, never chosen by the caller:
  pending     nothing invoiced or shipped yet
  processing  something is invoiced or shipped
  completed   every item not canceled is invoiced and, when physical, shipped
  canceled    every item is canceled
  closed      every item is refunded or canceled, and something was refunded
closed and fraud freeze the order (fraud is set by the admin). An invoice's own state (pending until
paid) decides when downloads become available, not the order status.

Every write starts by claiming the order row: an UPDATE of its `updated_at` limited to the statuses
the action allows. Writes to one order therefore run one after another on PostgreSQL and SQLite
alike, and item quantities are read only after the claim. A claim that matches no row means the
order is not (or no longer) in a state that allows the action.

Amounts of a partial invoice are cumulative shares of each item's amounts
(round(amount × invoiced so far / ordered) minus what earlier invoices took), so the invoices of an
item always add up to the item exactly. The first invoice carries the shipping and the order-level
tax and discount that are not on items (shipping tax, shipping discount).

Order numbers are the order id ("1", "2", ...) as the order pages show; invoice numbers INV-001,
shipment numbers SH-001 (the invoice and shipment pages' examples).
"""
import uuid
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from domain import settings_cache
from domain.scope import channel_code
from domain.booking.capacity import release_bookings
from domain.errors import ApiError
from domain.sales.store_config import config_values, flag
from domain.webhooks import outbox
from storage.compiled import Compiled
from storage.db import database
from storage.models import Currency, InventorySource, ProductDownloadableLink, ProductInventory, utcnow
from storage.admin_sales_models import OrderTransaction
from storage.sales_models import (
    DownloadableLinkPurchased, Invoice, InvoiceItem, Order, OrderItem, OrderItemInventory, OrderPayment,
    OrderStatusHistory, Shipment, ShipmentItem,
)

OPEN_STATUSES = ("pending", "pending_payment", "processing")
ORDER_STATUSES = ("pending", "pending_payment", "processing", "completed", "canceled", "closed", "fraud")
INVOICE_STATES = ("pending", "pending_payment", "paid", "overdue", "refunded")
NON_PHYSICAL_TYPES = frozenset({"virtual", "downloadable", "booking"})
PAYMENT_CONFIG = "sales.payment_methods."
ZERO = Decimal(0)
ORDER_ITEMS = Compiled(lambda order_id: OrderItem.select().where(OrderItem.order == order_id).order_by(OrderItem.id),
                       "int")
ORDER_STATUS = Compiled(lambda order_id: Order.select(Order.status).where(Order.id == order_id), "int")
ORDER_BY_ID = Compiled(lambda order_id: Order.select().where(Order.id == order_id).limit(1), "int")
INVOICE_BY_ID = Compiled(lambda invoice_id: Invoice.select().where(Invoice.id == invoice_id).limit(1), "int")


class SalesActionRefused(ApiError):
    """The order's state does not allow the action (422, as the admin sales pages answer)."""

    def __init__(self, message: str, error: str, errors: dict | None = None):
        super().__init__(422, message, error, errors)


class CannotCancel(SalesActionRefused):
    def __init__(self):
        super().__init__("Order cannot be canceled. It may have already been processed, shipped, or canceled",
                         "cannot_cancel")


# --- numbers and history ---------------------------------------------------------------------------

def order_number(order_id: int) -> str:
    return str(order_id)


def invoice_number(invoice_id: int) -> str:
    return f"INV-{invoice_id:03d}"


def shipment_number(shipment_id: int) -> str:
    return f"SH-{shipment_id:03d}"


def placeholder_number() -> str:
    """A unique stand-in until the row's id (and so its number) is known."""
    return f"new-{uuid.uuid4().hex}"


def record_status(order: Order, status: str, comment: str = ""):
    """Every status change goes through here: the order's status and a timed history entry."""
    now = utcnow()
    if order.status != status:
        previous = order.status
        Order.update(status=status, updated_at=now).where(Order.id == order.id).execute()
        order.status = status
        order.updated_at = now
        changed = ORDER_BY_ID.models(order.id)[0]
        outbox.emit_order("order.status_changed", changed, previousStatus=previous)
        if status == "canceled":
            outbox.emit_order("order.canceled", changed)
    OrderStatusHistory.create(order=order.id, status=status, comment=comment, created_at=now)


def claim(order: Order, statuses=OPEN_STATUSES) -> bool:
    """Lock the order row for this transaction if its status is one of `statuses`."""
    return Order.update(updated_at=utcnow()).where(Order.id == order.id, Order.status.in_(statuses)).execute() == 1


def is_physical(item: OrderItem) -> bool:
    return item.product_type not in NON_PHYSICAL_TYPES


def order_items(order_id: int) -> list[OrderItem]:
    return ORDER_ITEMS.models(order_id)


def top_level(items: list[OrderItem]) -> list[OrderItem]:
    return [item for item in items if item.parent_id is None]


def next_status(items: list[OrderItem]) -> str:
    top = top_level(items)
    if not top:
        return "pending"
    if all(item.qty_canceled >= item.qty_ordered for item in top):
        return "canceled"
    if any(item.qty_refunded for item in top) and all(
            item.qty_refunded + item.qty_canceled >= item.qty_ordered for item in top):
        return "closed"

    def settled(item):
        open_qty = item.qty_ordered - item.qty_canceled
        return item.qty_invoiced >= open_qty and (not is_physical(item) or item.qty_shipped >= open_qty)

    if all(settled(item) for item in top):
        return "completed"
    if any(item.qty_invoiced or item.qty_shipped for item in top):
        return "processing"
    return "pending"


def refresh_status(order: Order, comment: str):
    """Derive the status again after a change (the order row is claimed, so this read is current)."""
    rows = ORDER_STATUS.tuples(order.id)
    order.status = rows[0][0] if rows else None
    record_status(order, next_status(order_items(order.id)), comment)


# --- after place-order -------------------------------------------------------------------------------

def after_order_placed(order: Order, items: list[OrderItem] | None = None, payment: OrderPayment | None = None):
    """Inside the place-order transaction: downloadable purchases, automatic invoice. `items` (in id
    order) and `payment`: the order's, when the caller has them."""
    record_downloadable_purchases(order, order_items(order.id) if items is None else items)
    if payment is None:
        payment = OrderPayment.select().where(OrderPayment.order == order.id).order_by(OrderPayment.id).first()
    if payment is None:
        return
    settings = payment_settings(order, payment.method)
    if flag(settings, "generate_invoice"):
        create_invoice(order, state=settings.get("invoice_status") or "paid")


def payment_settings(order: Order, method: str) -> dict[str, str]:
    prefix = f"{PAYMENT_CONFIG}{method}."
    return {code[len(prefix):]: value for code, value in config_values(prefix, channel_code(order.channel_id)).items()}


def selected_link_ids(item: OrderItem) -> set[int]:
    links = (item.additional or {}).get("links") or []
    return {int(link) for link in links if str(link).isdigit()}


def record_downloadable_purchases(order: Order, items: list[OrderItem]):
    """One DownloadableLinkPurchased per link bought: pending until a paid invoice covers the item."""
    downloadable = [item for item in items if item.product_type == "downloadable" and item.product_id]
    if not downloadable:
        return
    links_by_product = defaultdict(list)
    for link in (ProductDownloadableLink.select()
                 .where(ProductDownloadableLink.product.in_({item.product_id for item in downloadable}))
                 .order_by(ProductDownloadableLink.sort_order, ProductDownloadableLink.id)):
        links_by_product[link.product_id].append(link)
    now = utcnow()
    rows = []
    for item in downloadable:
        chosen = selected_link_ids(item)
        for link in links_by_product[item.product_id]:
            if chosen and link.id not in chosen:
                continue
            rows.append({
                "customer": order.customer_id, "order": order.id, "order_item": item.id, "link": link.id,
                "product_name": item.name, "name": link.title, "type": link.type, "url": link.url,
                "file": link.file, "download_bought": link.downloads * item.qty_ordered, "download_used": 0,
                "download_canceled": 0, "status": "pending", "created_at": now, "updated_at": now,
            })
    if rows:
        DownloadableLinkPurchased.insert_many(rows).execute()


def release_downloads(order_item_ids):
    """Downloads become available once a paid invoice covers their item."""
    (DownloadableLinkPurchased.update(status="available", updated_at=utcnow())
     .where(DownloadableLinkPurchased.order_item.in_(list(order_item_ids)),
            DownloadableLinkPurchased.status == "pending")
     .execute())


# --- quantities ----------------------------------------------------------------------------------------

def chosen_quantities(candidates: dict[int, int], quantities: dict | None, action: str,
                      skus: dict[int, str] | None = None) -> dict[int, int]:
    """{order item id: qty} to act on: everything open when `quantities` is None, else the request,
    checked against what is open (422 listing every bad item; with `skus`, the admin pages' message
    naming the first item's SKU)."""
    if skus is not None and not any(qty > 0 for qty in candidates.values()):
        raise SalesActionRefused(f"There is nothing to {action} on this order.", f"nothing_to_{action}")
    if quantities is None:
        chosen = {item_id: qty for item_id, qty in candidates.items() if qty > 0}
    else:
        errors = {}
        chosen = {}
        for raw_id, raw_qty in quantities.items():
            item_id, qty = int(raw_id), int(raw_qty)
            if item_id not in candidates:
                errors[f"items.{item_id}"] = [f"This order has no item {item_id} to {action}."]
            elif not 0 <= qty <= candidates[item_id]:
                errors[f"items.{item_id}"] = [f"The quantity to {action} must be between 0 and {candidates[item_id]}."]
            elif qty:
                chosen[item_id] = qty
        if errors and skus is not None:
            raise quantity_exceeds(candidates, quantities, skus, errors)
        if errors:
            raise SalesActionRefused("The given data was invalid.", "validation_failed", errors)
    if not chosen:
        raise SalesActionRefused(f"There is nothing to {action} on this order.", f"nothing_to_{action}")
    return chosen


def quantity_exceeds(candidates: dict, quantities: dict, skus: dict, errors: dict) -> SalesActionRefused:
    """`Requested quantity (5) exceeds available quantity (3) for SKU WS-12-S.`, the first bad item."""
    messages = {}
    for raw_id, raw_qty in quantities.items():
        item_id = int(raw_id)
        if f"items.{item_id}" in errors:
            messages[f"items.{item_id}"] = [
                f"Requested quantity ({int(raw_qty)}) exceeds available quantity ({candidates.get(item_id, 0)}) "
                f"for SKU {skus.get(item_id, item_id)}."]
    return SalesActionRefused(next(iter(messages.values()))[0], "quantity_exceeds", messages)


def add_to_children(items: list[OrderItem], parent_qty: dict[int, int], column: str):
    """Children (configurable variant, bundle selections) follow their parent in proportion."""
    for child in items:
        if child.parent_id in parent_qty:
            parent = next(item for item in items if item.id == child.parent_id)
            qty = parent_qty[child.parent_id] * child.qty_ordered // max(parent.qty_ordered, 1)
            if qty:
                OrderItem.update({column: getattr(OrderItem, column) + qty}).where(OrderItem.id == child.id).execute()


# --- invoices ------------------------------------------------------------------------------------------

def share(amount: Decimal, before: int, qty: int, ordered: int, places: Decimal) -> Decimal:
    """This invoice's part of an item amount: cumulative share after minus before."""
    def upto(count):
        return (amount * count / ordered).quantize(places, rounding=ROUND_HALF_UP)
    return upto(before + qty) - upto(before)


def currency_places(code: str) -> Decimal:
    decimals = settings_cache.cached("currency_decimals", code, lambda: (
        Currency.select(Currency.decimal).where(Currency.code == code).scalar()))
    return Decimal(1).scaleb(-(2 if decimals is None else decimals))


def create_invoice(order: Order, quantities: dict | None = None, state: str | None = None,
                   skus: bool = False) -> Invoice:
    """Invoice `quantities` ({order item id: qty} of top-level items; None = everything not yet
    invoiced or canceled). A paid invoice makes the items' downloads available."""
    state = state or "paid"
    if state not in INVOICE_STATES:
        raise SalesActionRefused("The given data was invalid.", "validation_failed",
                                 {"state": [f"Must be one of {', '.join(INVOICE_STATES)}."]})
    with database.atomic():
        if not claim(order):
            raise SalesActionRefused("This order cannot be invoiced.", "cannot_invoice")
        items = order_items(order.id)
        top = {item.id: item for item in top_level(items)}
        chosen = chosen_quantities(
            {item.id: item.qty_ordered - item.qty_invoiced - item.qty_canceled for item in top.values()},
            quantities, "invoice", {item.id: item.sku for item in top.values()} if skus else None)
        invoice = Invoice.create(order=order.id, increment_id=placeholder_number(), state=state)
        totals = invoice_lines(invoice, [(top[item_id], qty) for item_id, qty in chosen.items()],
                               currency_places(order.order_currency_code), currency_places(order.base_currency_code))
        add_order_level_amounts(order, invoice, items, totals)
        number = invoice_number(invoice.id)
        Invoice.update(increment_id=number, total_qty=sum(chosen.values()), **totals).where(
            Invoice.id == invoice.id).execute()
        for item_id, qty in chosen.items():
            OrderItem.update(qty_invoiced=OrderItem.qty_invoiced + qty).where(OrderItem.id == item_id).execute()
        add_to_children(items, chosen, "qty_invoiced")
        if state == "paid":
            release_downloads(chosen)
            record_transaction(order, INVOICE_BY_ID.models(invoice.id)[0])
        invoice = INVOICE_BY_ID.models(invoice.id)[0]
        outbox.emit_document("invoice.created", invoice, order.id, incrementId=number, state=state,
                             totalQty=invoice.total_qty, grandTotal=invoice.grand_total)
        refresh_status(order, f"Invoice {number} created ({state})")
        return invoice


AMOUNT_COLUMNS = ("total", "tax_amount", "discount_amount")


def invoice_lines(invoice: Invoice, lines: list, places: Decimal, base_places: Decimal) -> dict:
    totals = defaultdict(lambda: ZERO)
    rows = []
    for item, qty in lines:
        row = {"invoice": invoice.id, "order_item": item.id, "name": item.name, "sku": item.sku, "qty": qty,
               "price": item.price, "base_price": item.base_price}
        for column in AMOUNT_COLUMNS:
            row[column] = share(getattr(item, column), item.qty_invoiced, qty, item.qty_ordered, places)
            row[f"base_{column}"] = share(getattr(item, f"base_{column}"), item.qty_invoiced, qty, item.qty_ordered,
                                          base_places)
        rows.append(row)
        for prefix in ("", "base_"):
            totals[f"{prefix}sub_total"] += row[f"{prefix}total"]
            totals[f"{prefix}tax_amount"] += row[f"{prefix}tax_amount"]
            totals[f"{prefix}discount_amount"] += row[f"{prefix}discount_amount"]
    InvoiceItem.insert_many(rows).execute()
    return totals


def add_order_level_amounts(order: Order, invoice: Invoice, items: list[OrderItem], totals: dict):
    """Shipping, and the tax and discount that are not on items, go on the first invoice."""
    first = not Invoice.select().where(Invoice.order == order.id, Invoice.id != invoice.id).exists()
    top = top_level(items)
    for prefix in ("", "base_"):
        totals[f"{prefix}shipping_amount"] = getattr(order, f"{prefix}shipping_amount") if first else ZERO
        if first:
            for column in ("tax_amount", "discount_amount"):
                on_items = sum((getattr(item, f"{prefix}{column}") for item in top), ZERO)
                totals[f"{prefix}{column}"] += getattr(order, f"{prefix}{column}") - on_items
        totals[f"{prefix}grand_total"] = (totals[f"{prefix}sub_total"] + totals[f"{prefix}shipping_amount"]
                                          + totals[f"{prefix}tax_amount"] - totals[f"{prefix}discount_amount"])


def mark_invoice_paid(invoice: Invoice) -> Invoice:
    """Payment received: the invoice is paid, its downloads become available, the order moves on."""
    with database.atomic():
        order = Order.get_by_id(invoice.order_id)
        if not claim(order, (*OPEN_STATUSES, "completed")):
            raise SalesActionRefused("This order cannot be changed.", "order_frozen")
        changed = (Invoice.update(state="paid", updated_at=utcnow())
                   .where(Invoice.id == invoice.id, Invoice.state != "paid").execute())
        if changed:
            release_downloads(row.order_item_id for row in InvoiceItem.select(InvoiceItem.order_item)
                              .where(InvoiceItem.invoice == invoice.id))
            record_transaction(order, invoice)
            refresh_status(order, f"Invoice {invoice.increment_id} paid")
        return Invoice.get_by_id(invoice.id)


def record_transaction(order: Order, invoice: Invoice):
    """A paid invoice is a captured payment: one transaction of the invoice's amount (base currency)."""
    payment = OrderPayment.select().where(OrderPayment.order == order.id).order_by(OrderPayment.id).first()
    additional = (payment.additional or {}) if payment else {}
    OrderTransaction.create(
        order=order.id, invoice=invoice.id, transaction_id=additional.get("transaction_id") or uuid.uuid4().hex,
        status="paid", type="capture", payment_method=payment.method if payment else "",
        amount=invoice.base_grand_total, data={"gateway": "offline" if payment else None, "captured": True,
                                              "invoice": invoice.increment_id})


# --- shipments -----------------------------------------------------------------------------------------

def order_carrier(order: Order) -> str | None:
    """The carrier of the order's shipping method (`flatrate` of `flatrate_flatrate`): a shipment's
    default carrier code, as the order's shipping title is its default carrier title."""
    return order.shipping_method.split("_", 1)[0] if order.shipping_method else None


def create_shipment(order: Order, source=None, quantities: dict | None = None, carrier_title: str | None = None,
                    track_number: str | None = None, carrier_code: str | None = None,
                    skus: bool = False) -> Shipment:
    """Ship `quantities` ({order item id: qty} of physical top-level items; None = everything not yet
    shipped or canceled) from `source` (an InventorySource or its id). Stock was taken when the
    order was placed; units shipped from another source than the one they were taken from move
    there (`domain.sales.fulfilment.ship_from_source`, called by the admin API in the same transaction)."""
    source_id = source.id if isinstance(source, InventorySource) else source
    with database.atomic():
        if not claim(order):
            raise SalesActionRefused("This order cannot be shipped.", "cannot_ship")
        items = order_items(order.id)
        top = {item.id: item for item in top_level(items) if is_physical(item)}
        chosen = chosen_quantities(
            {item.id: item.qty_ordered - item.qty_shipped - item.qty_canceled for item in top.values()},
            quantities, "ship", {item.id: item.sku for item in top.values()} if skus else None)
        rows = [{"order_item": item_id, "name": top[item_id].name, "sku": top[item_id].sku, "qty": qty,
                 "weight": (top[item_id].weight or ZERO) * qty} for item_id, qty in chosen.items()]
        shipment = Shipment.create(order=order.id, status="shipped", total_qty=sum(chosen.values()),
                                   total_weight=sum((row["weight"] for row in rows), ZERO),
                                   carrier_code=carrier_code or order_carrier(order),
                                   carrier_title=carrier_title or order.shipping_title,
                                   track_number=track_number, inventory_source=source_id)
        ShipmentItem.insert_many([{**row, "shipment": shipment.id} for row in rows]).execute()
        for item_id, qty in chosen.items():
            OrderItem.update(qty_shipped=OrderItem.qty_shipped + qty).where(OrderItem.id == item_id).execute()
        add_to_children(items, chosen, "qty_shipped")
        outbox.emit_document("shipment.created", shipment, order.id, incrementId=shipment_number(shipment.id),
                             totalQty=shipment.total_qty, sourceId=source_id, trackNumber=track_number)
        refresh_status(order, f"Shipment {shipment_number(shipment.id)} created")
        return shipment


# --- cancel --------------------------------------------------------------------------------------------

def cancel_order(order: Order, comment: str = "Order canceled", whole_order_only: bool = False):
    """Cancel every quantity not yet invoiced or shipped, give its stock back to the inventory
    sources it was taken from (and booked places back to their slots), and expire the canceled
    downloads. `whole_order_only` refuses when anything was invoiced or shipped (the storefront's rule)."""
    with database.atomic():
        if not claim(order):
            raise CannotCancel()
        items = order_items(order.id)
        if whole_order_only and any(item.qty_invoiced or item.qty_shipped for item in items):
            raise CannotCancel()
        to_cancel = {item.id: item.qty_ordered - item.qty_canceled - max(item.qty_invoiced, item.qty_shipped)
                     for item in items}
        to_cancel = {item_id: qty for item_id, qty in to_cancel.items() if qty > 0}
        if not any(item.id in to_cancel for item in top_level(items)):
            raise CannotCancel()
        for item_id, qty in to_cancel.items():
            OrderItem.update(qty_canceled=OrderItem.qty_canceled + qty).where(OrderItem.id == item_id).execute()
        return_stock(to_cancel)
        release_bookings(to_cancel)
        expire_downloads(items, to_cancel)
        refresh_status(order, comment)


def return_stock(quantities: dict[int, int]):
    """Put canceled units back where they were taken from (OrderItemInventory keeps what each item
    still holds per source, so a later cancel never returns a unit twice)."""
    allocations = (OrderItemInventory.select()
                   .where(OrderItemInventory.order_item.in_(list(quantities)), OrderItemInventory.qty > 0)
                   .order_by(OrderItemInventory.id.desc()))
    remaining = dict(quantities)
    for allocation in allocations:
        qty = min(allocation.qty, remaining.get(allocation.order_item_id, 0))
        if not qty:
            continue
        remaining[allocation.order_item_id] -= qty
        restored = (ProductInventory.update(qty=ProductInventory.qty + qty)
                    .where(ProductInventory.product == allocation.product_id,
                           ProductInventory.inventory_source == allocation.inventory_source_id).execute())
        if not restored:
            ProductInventory.create(product=allocation.product_id, inventory_source=allocation.inventory_source_id,
                                    qty=qty)
        outbox.emit_stock(allocation.product_id, allocation.inventory_source_id, qty, "returned")
        (OrderItemInventory.update(qty=OrderItemInventory.qty - qty)
         .where(OrderItemInventory.id == allocation.id).execute())


def expire_downloads(items: list[OrderItem], canceled: dict[int, int]):
    by_id = {item.id: item for item in items}
    purchases = DownloadableLinkPurchased.select().where(DownloadableLinkPurchased.order_item.in_(list(canceled)))
    for purchase in purchases:
        item = by_id[purchase.order_item_id]
        fully = item.qty_canceled + canceled[item.id] >= item.qty_ordered
        lost = (purchase.download_bought * canceled[item.id]) // max(item.qty_ordered, 1)
        if fully:
            lost = max(purchase.download_bought - purchase.download_used, 0)
        (DownloadableLinkPurchased.update(download_canceled=lost, updated_at=utcnow(),
                                          status="expired" if fully else purchase.status)
         .where(DownloadableLinkPurchased.id == purchase.id).execute())
