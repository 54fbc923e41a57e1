"""POST /api/payments/webhooks/{processor}: a payment provider's notification, verified over its raw body
by the processor, recorded once and applied to the order (`domain/sales/payment_webhooks.py`)."""
from domain.common import RequestContext
from domain.sales import payment_webhooks


def receive_payment_webhook(context: RequestContext, processor: str, body: dict, raw_body: bytes,
                            headers: dict[str, str]) -> dict:
    return payment_webhooks.receive(processor, headers, raw_body).document()


receive_payment_webhook.raw_body = True
