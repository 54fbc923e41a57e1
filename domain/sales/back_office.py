"""The admin's actions on an order (rest-api/admin/sales/orders/*.md): invoice, ship, cancel,
comment, and the invoice's duplicate mail and status override, with the pages' refusals.

Each action first refuses what the order's status forbids (`Closed orders cannot be invoiced.`,
`Fraud orders cannot be shipped.`), then runs the shared service of `documents` (which claims the
order row and checks the quantities again inside its transaction, so a concurrent action that got
there first turns this one into the same 422), all as one transaction.
"""
from domain.errors import ApiError
from domain.mail import send_mail
from domain.sales import documents, fulfilment
from domain.sales.documents import SalesActionRefused
from storage.admin_sales_models import OrderComment
from storage.db import database
from storage.models import InventorySource, utcnow
from storage.sales_models import Invoice, Order, OrderPayment

VERBS = {"invoice": ("invoiced", "invoice"), "ship": ("shipped", "ship"), "cancel": ("canceled", "cancel")}
BLOCKED_INVOICE_METHODS = ("paypal_standard",)
INVOICE_OVERRIDE_STATES = ("pending", "paid", "overdue")


class ItemsRequired(SalesActionRefused):
    def __init__(self):
        super().__init__("At least one item with a positive quantity is required.", "items_required",
                         {"items": ["At least one item with a positive quantity is required."]})


def refuse_frozen(order: Order, action: str):
    """422 for a closed or fraud order, in the words of the action's page."""
    participle = VERBS[action][0]
    if order.status == "closed":
        raise SalesActionRefused(f"Closed orders cannot be {participle}.", "order_closed")
    if order.status == "fraud":
        raise SalesActionRefused(f"Fraud orders cannot be {participle}.", "order_fraud")


def nothing_to(action: str) -> SalesActionRefused:
    return SalesActionRefused(f"There is nothing to {VERBS[action][1]} on this order.", f"nothing_to_{action}")


def requested(items: list[dict] | None) -> dict[int, int]:
    """{order item id: quantity} of the body's `items`, quantities of one item added up; 422 when none is positive."""
    quantities = {}
    for entry in items or []:
        item_id, qty = int(entry["orderItemId"]), int(entry.get("quantity") or 0)
        quantities[item_id] = quantities.get(item_id, 0) + qty
    if not any(qty > 0 for qty in quantities.values()):
        raise ItemsRequired()
    return quantities


def reread(order: Order) -> Order:
    return Order.get_by_id(order.id)


def create_invoice(order: Order, items: list[dict] | None) -> Invoice:
    refuse_frozen(order, "invoice")
    payment = OrderPayment.select(OrderPayment.method).where(OrderPayment.order == order.id).first()
    if payment is not None and payment.method in BLOCKED_INVOICE_METHODS:
        raise SalesActionRefused("Invoices cannot be created for orders paid through PayPal Standard.",
                                 "paypal_standard_blocked")
    if order.status not in documents.OPEN_STATUSES:
        raise nothing_to("invoice")
    quantities = requested(items)
    try:
        return documents.create_invoice(order, quantities, state="paid", skus=True)
    except SalesActionRefused as refused:
        raise translated(refused, order, "invoice") from None


def create_shipment(order: Order, source_id: int | None, items: list[dict] | None, carrier_title: str | None,
                    track_number: str | None):
    refuse_frozen(order, "ship")
    if order.status not in documents.OPEN_STATUSES:
        raise nothing_to("ship")
    if not source_id or source_id < 1:
        raise SalesActionRefused("Inventory source is required.", "source_required",
                                 {"source": ["Inventory source is required."]})
    if InventorySource.get_or_none(InventorySource.id == source_id) is None:
        raise SalesActionRefused("Inventory source is required.", "source_required",
                                 {"source": [f"Inventory source {source_id} does not exist."]})
    quantities = requested(items)
    try:
        with database.atomic():
            shipment = documents.create_shipment(order, source_id, quantities, carrier_title=carrier_title,
                                                 track_number=track_number, skus=True)
            chosen = {row.order_item_id: row.qty for row in shipment.items}
            fulfilment.ship_from_source(documents.order_items(order.id), chosen, source_id, shipment.id)
            return shipment
    except SalesActionRefused as refused:
        raise translated(refused, order, "ship") from None


def translated(refused: SalesActionRefused, order: Order, action: str) -> ApiError:
    """The services' generic refusals in the words of the admin pages."""
    if refused.error in (f"cannot_{action}", f"nothing_to_{action}"):
        current = reread(order)
        try:
            refuse_frozen(current, action)
        except SalesActionRefused as frozen:
            return frozen
        return nothing_to(action)
    return refused


def cancel(order: Order) -> Order:
    refuse_frozen(order, "cancel")
    try:
        documents.cancel_order(order, "Order canceled by the admin")
    except documents.CannotCancel:
        current = reread(order)
        refuse_frozen(current, "cancel")
        raise nothing_to("cancel") from None
    return reread(order)


def add_comment(order: Order, comment: str, customer_notified: bool) -> OrderComment:
    if not (comment or "").strip():
        raise SalesActionRefused("Comment is required.", "comment_required", {"comment": ["Comment is required."]})
    with database.atomic():
        row = OrderComment.create(order=order.id, comment=comment.strip(), customer_notified=bool(customer_notified))
    if customer_notified and order.customer_email:
        send_mail(order.customer_email, f"A note about your order #{order.increment_id}",
                  f"Hello {order.customer_first_name},\n\n{row.comment}\n")
    return row


def send_invoice_copy(invoice: Invoice, email: str | None) -> str:
    """Mail a copy of the invoice to `email`, or to the order's customer; returns the recipient."""
    order = Order.get_by_id(invoice.order_id)
    recipient = (email or "").strip() or order.customer_email
    if not recipient or "@" not in recipient:
        raise SalesActionRefused("The email must be a valid email address.", "validation_failed",
                                 {"email": ["The email must be a valid email address."]})
    send_mail(recipient, f"Invoice {invoice.increment_id} for your order #{order.increment_id}",
              f"Invoice {invoice.increment_id}\nOrder #{order.increment_id}\n"
              f"Grand total: {invoice.grand_total} {order.order_currency_code}\nState: {invoice.state}\n")
    Invoice.update(email_sent=True, updated_at=utcnow()).where(Invoice.id == invoice.id).execute()
    return recipient


def override_invoice_states(indices: list[int], value: str) -> list[int]:
    """Set the stored state of the invoices that exist among `indices` (no payment is captured or reversed)."""
    if value not in INVOICE_OVERRIDE_STATES:
        raise SalesActionRefused("The given data was invalid.", "validation_failed",
                                 {"value": [f"Must be one of {', '.join(INVOICE_OVERRIDE_STATES)}."]})
    with database.atomic():
        existing = [row.id for row in Invoice.select(Invoice.id).where(Invoice.id.in_(indices)).order_by(Invoice.id)]
        if existing:
            Invoice.update(state=value, updated_at=utcnow()).where(Invoice.id.in_(existing)).execute()
    return existing
