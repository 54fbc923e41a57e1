"""Payment provider notifications (`POST /api/payments/webhooks/{processor}`): verified by the processor,
recorded once, applied to the order.

1. The processor checks the signature over the exact bytes received and reads the event
   (`PaymentProcessor.verify_webhook`): 400 unsigned or malformed, 401 a signature that does not match.
2. The event is recorded (`PaymentEvent`, unique per processor and provider event id) in the same
   transaction that applies it. A duplicate, sequential or concurrent, finds the row (or loses the race
   on the unique key) and answers `{"duplicate": true}` without changing anything.
3. Applied: the order is the one whose number is the event's order reference and whose payment method
   is this processor; the amount and currency must be the order's (its grand total, or what a full
   refund gives back). Anything else is recorded as `refused` with its reason and answered 422;
   the order is left as it was.

- `payment.succeeded` (refused when a capture was recorded already, e.g. an invoice the back office
  created paid): the order's unpaid invoices are marked paid (each records its capture
  transaction, as `generate_invoice` with a pending invoice state leaves them); an order without an
  invoice gets one capture transaction of its grand total. The payment is `paid`; the status is
  derived again (`pending_payment` becomes `pending`, a paid invoice makes it `processing`).
- `payment.failed`: the payment is `failed` (an open, unpaid order only); the history says so and the
  order stays open for another attempt.
- `payment.refunded`: a full refund through the refund rules (every invoiced unit and the shipping
  left, `domain/sales/refunds.py`); the order becomes `closed`. A partial amount is refused: partial
  refunds are made from the back office.
- any other type is recorded as `ignored`.
"""
from dataclasses import dataclass

from peewee import IntegrityError

from domain.errors import ApiError
from domain.sales import documents, payments, refunds
from storage.admin_sales_models import OrderTransaction
from storage.db import database
from storage.job_models import PaymentEvent
from storage.models import utcnow
from storage.sales_models import Invoice, Order, OrderPayment

PAYABLE_STATUSES = ("pending", "pending_payment", "processing")


class PaymentRefused(ApiError):
    def __init__(self, message: str, error: str):
        super().__init__(422, message, error)


@dataclass
class Outcome:
    row: PaymentEvent
    duplicate: bool

    def document(self) -> dict:
        return {"received": True, "duplicate": self.duplicate, "eventId": self.row.event_id, "type": self.row.type,
                "status": self.row.status, "orderId": self.row.order_id}


def receive(processor_code: str, headers: dict[str, str], raw_body: bytes) -> Outcome:
    """Verify, record and apply one notification (see the module docstring); a refusal is recorded,
    then raised."""
    processor = payments.get_processor(processor_code)
    if processor is None:
        raise payments.no_webhooks()
    event = processor.verify_webhook(headers, raw_body)
    known = recorded(processor_code, event.id)
    if known is not None:
        return Outcome(known, True)
    refusal = None
    try:
        with database.atomic():
            order = Order.get_or_none(Order.increment_id == event.order_reference)
            row = PaymentEvent.create(processor=processor_code, event_id=event.id, type=event.type, order=order,
                                      order_reference=event.order_reference, amount=event.amount,
                                      currency=event.currency, status="received", created_at=utcnow())
            try:
                with database.atomic():
                    status = apply(processor_code, event, order)
            except ApiError as refused:
                refusal, status = refused, "refused"
            (PaymentEvent.update(status=status, error=refusal.error if refusal else "",
                                 message=refusal.message if refusal else "")
             .where(PaymentEvent.id == row.id).execute())
    except IntegrityError:
        known = recorded(processor_code, event.id)  # a concurrent duplicate committed first
        if known is None:
            raise
        return Outcome(known, True)
    if refusal is not None:
        raise refusal
    return Outcome(PaymentEvent.get_by_id(row.id), False)


def recorded(processor_code: str, event_id: str) -> PaymentEvent | None:
    return PaymentEvent.get_or_none(PaymentEvent.processor == processor_code, PaymentEvent.event_id == event_id)


def apply(processor_code: str, event: payments.PaymentEvent, order: Order | None) -> str:
    handler = HANDLERS.get(event.type)
    if handler is None:
        return "ignored"
    if order is None:
        raise PaymentRefused("No order matches the event's order reference.", "order_not_found")
    payment = OrderPayment.select().where(OrderPayment.order == order.id).order_by(OrderPayment.id).first()
    if payment is None or payment.method != processor_code:
        raise PaymentRefused("The order is not paid through this processor.", "processor_mismatch")
    if not documents.claim(order, (*PAYABLE_STATUSES, "completed")):
        raise PaymentRefused(f"The order is {order.status}; its payment cannot change.", "order_frozen")
    order = Order.get_by_id(order.id)  # read after the claim
    handler(order, payment, event)
    return "applied"


def payment_status(payment: OrderPayment) -> str:
    return (payment.additional or {}).get("status") or "pending"


def set_payment(payment: OrderPayment, event: payments.PaymentEvent, status: str, **extra):
    additional = {**(payment.additional or {}), "status": status, "event_id": event.id, **extra}
    OrderPayment.update(additional=additional).where(OrderPayment.id == payment.id).execute()


def check_amount(order: Order, event: payments.PaymentEvent, expected):
    if event.currency != order.order_currency_code or event.amount != expected:
        raise PaymentRefused(f"The event's amount ({event.amount} {event.currency}) does not match the order's "
                             f"({expected:.2f} {order.order_currency_code}).", "amount_mismatch")


def captured(order: Order) -> bool:
    """Whether a payment of the order was captured already (by a notification or a paid invoice)."""
    return OrderTransaction.select().where(OrderTransaction.order == order.id, OrderTransaction.type == "capture",
                                           OrderTransaction.status == "paid").exists()


def succeeded(order: Order, payment: OrderPayment, event: payments.PaymentEvent):
    if payment_status(payment) in ("paid", "refunded") or captured(order):
        raise PaymentRefused("The order is already paid.", "already_paid")
    if order.status not in PAYABLE_STATUSES:
        raise PaymentRefused(f"The order is {order.status}; it cannot be paid.", "order_not_payable")
    check_amount(order, event, order.grand_total)
    set_payment(payment, event, "paid", transaction_id=event.transaction_id or event.id)
    payment = OrderPayment.get_by_id(payment.id)
    unpaid = list(Invoice.select().where(Invoice.order == order.id, Invoice.state.in_(("pending", "pending_payment",
                                                                                       "overdue"))))
    for invoice in unpaid:
        documents.mark_invoice_paid(invoice)  # records the invoice's capture transaction
    if not unpaid:
        OrderTransaction.create(
            order=order.id, invoice=None, transaction_id=event.transaction_id or event.id, status="paid",
            type="capture", payment_method=payment.method, amount=order.base_grand_total,
            data={"gateway": payment.method, "captured": True, "event": event.id})
        documents.refresh_status(order, f"Payment received ({event.id})")


def failed(order: Order, payment: OrderPayment, event: payments.PaymentEvent):
    if payment_status(payment) in ("paid", "refunded"):
        raise PaymentRefused("The order is already paid.", "already_paid")
    check_amount(order, event, order.grand_total)
    set_payment(payment, event, "failed")
    documents.record_status(order, order.status, f"Payment failed ({event.id})")


def refunded(order: Order, payment: OrderPayment, event: payments.PaymentEvent):
    if payment_status(payment) != "paid":
        raise PaymentRefused("Only a paid order can be refunded.", "not_paid")
    items = documents.top_level(documents.order_items(order.id))
    request = refunds.RefundRequest(
        quantities={item.id: item.qty_invoiced - item.qty_refunded for item in items
                    if item.qty_invoiced > item.qty_refunded},
        shipping=refunds.paid_and_refunded(order)["base_shipping"])
    figures = refunds.preview(order, request)
    check_amount(order, event, figures.amounts["grand_total"])
    refunds.create_refund(order, request)
    set_payment(OrderPayment.get_by_id(payment.id), event, "refunded")


HANDLERS = {"payment.succeeded": succeeded, "payment.failed": failed, "payment.refunded": refunded}
