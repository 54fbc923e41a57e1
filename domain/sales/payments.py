"""Payment methods and the processors behind them.

Built in: cash on delivery and money transfer (offline: nothing to authorize, the order waits for
payment). A card processor plugs in by implementing `PaymentProcessor` and calling
`register_processor(...)` at start-up; its `authorize` may return a redirect URL for the storefront,
and its `verify_webhook(headers, raw_body)` checks a notification the provider posts to
`/api/payments/webhooks/<code>` (signature over the exact bytes received) and reads it as a
`PaymentEvent`; `domain/sales/payment_webhooks.py` applies it to the order (docs/payments.md).

`fake` is a processor for tests and development, registered only when `PAYMENTS_FAKE_PROCESSOR` is set:
its notifications are signed like our outgoing webhooks (HMAC-SHA256 of "<timestamp>.<raw body>" keyed
with `PAYMENTS_FAKE_SECRET`, headers `X-Fake-Timestamp` and `X-Fake-Signature: sha256=<hex>`).

A processor that can charge a stored payment method without the customer (subscription renewals,
domain/sales/subscription_billing.py) also has `charge(order, key) -> Charge`; `key` is the same for
every attempt at one renewal, so the provider can refuse a double charge. A processor without `charge`
(the offline ones) leaves renewal orders waiting for payment like any of its orders. The fake
processor declines every charge while `PAYMENTS_FAKE_DECLINE` is set.

Configuration (CoreConfig, per channel or global):
  sales.payment_methods.<code>.active = 1, .title, .description, .sort,
  .generate_invoice = 0|1 (invoice automatically when the order is placed), .invoice_status
"""
import json
import os
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Protocol

from domain.errors import ApiError
from domain.sales.store_config import config_values, flag
from domain.webhooks.delivery import verify_signature

PREFIX = "sales.payment_methods."


@dataclass(frozen=True)
class PaymentMethod:
    code: str
    title: str
    description: str
    sort_order: int
    settings: dict = field(default_factory=dict)
    id: int = 0  # the method's number among the store's payment methods (their registration order)


@dataclass
class Authorization:
    additional: dict = field(default_factory=dict)  # kept on the order's payment record
    redirect_url: str | None = None


@dataclass(frozen=True)
class Charge:
    """The outcome of an unattended charge: `reference` is the provider's transaction (or decline) id."""
    succeeded: bool
    reference: str
    message: str = ""


@dataclass(frozen=True)
class PaymentEvent:
    """A provider notification, verified: `type` is payment.succeeded | payment.failed | payment.refunded
    (anything else is recorded and ignored); `order_reference` is the order number (increment id);
    `amount` in the order's currency."""
    id: str
    type: str
    order_reference: str
    amount: Decimal | None
    currency: str
    transaction_id: str | None = None


class WebhookRefused(ApiError):
    pass


def signature_missing() -> WebhookRefused:
    return WebhookRefused(400, "The notification is not signed.", "signature_missing")


def signature_invalid() -> WebhookRefused:
    return WebhookRefused(401, "The notification's signature does not match.", "signature_invalid")


def invalid_event(errors: dict) -> WebhookRefused:
    return WebhookRefused(400, "The notification is not an event of this processor.", "invalid_event", errors)


def no_webhooks() -> WebhookRefused:
    return WebhookRefused(404, "Payment processor not found", "not_found")


class PaymentProcessor(Protocol):
    code: str
    default_title: str
    default_description: str

    def authorize(self, order) -> Authorization: ...

    def verify_webhook(self, headers: dict[str, str], raw_body: bytes) -> PaymentEvent:
        """The event the signed notification carries; raises WebhookRefused (400 unsigned or not an event
        of this processor, 401 a signature that does not match). `headers` have lower-case names."""
        ...


@dataclass
class OfflineProcessor:
    code: str
    default_title: str
    default_description: str
    instructions_key: str | None = None

    def authorize(self, order) -> Authorization:
        return Authorization()

    def verify_webhook(self, headers: dict[str, str], raw_body: bytes) -> PaymentEvent:
        raise no_webhooks()  # offline payments have no provider to notify us


FAKE_SETTING = "PAYMENTS_FAKE_PROCESSOR"
FAKE_SECRET_SETTING = "PAYMENTS_FAKE_SECRET"
FAKE_DECLINE_SETTING = "PAYMENTS_FAKE_DECLINE"
SIGNATURE_TOLERANCE = 300  # seconds: an older notification is refused (a captured one cannot be replayed)


def fake_enabled() -> bool:
    return os.environ.get(FAKE_SETTING, "").lower() in ("1", "true", "yes")


def decimal_amount(value) -> Decimal | None:
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None
    return amount if amount.is_finite() and amount >= 0 and amount == amount.quantize(Decimal("0.0001")) else None


@dataclass
class FakeProcessor:
    """Body: {"id": "evt_1", "type": "payment.succeeded", "data": {"orderId": "42", "amount": "40.00",
    "currency": "USD", "transactionId": "ch_1"}}."""
    code: str = "fake"
    default_title: str = "Fake Card"
    default_description: str = "A test processor (PAYMENTS_FAKE_PROCESSOR)."

    def authorize(self, order) -> Authorization:
        return Authorization()

    def charge(self, order, key: str) -> Charge:
        if os.environ.get(FAKE_DECLINE_SETTING, "").lower() in ("1", "true", "yes"):
            return Charge(False, f"decline_{key}", "The card was declined.")
        return Charge(True, f"ch_{key}")

    def verify_webhook(self, headers: dict[str, str], raw_body: bytes) -> PaymentEvent:
        if not fake_enabled():
            raise no_webhooks()
        timestamp, given = headers.get("x-fake-timestamp"), headers.get("x-fake-signature")
        if not timestamp or not given:
            raise signature_missing()
        if not verify_signature(os.environ.get(FAKE_SECRET_SETTING, ""), timestamp, raw_body, given,
                                SIGNATURE_TOLERANCE):
            raise signature_invalid()
        try:
            document = json.loads(raw_body)
        except ValueError:
            raise invalid_event({"body": ["The body is not JSON."]}) from None
        data = document.get("data") if isinstance(document, dict) else None
        if not isinstance(data, dict):
            raise invalid_event({"data": ["An object is required."]})
        errors = {}
        for name, value in (("id", document.get("id")), ("type", document.get("type")),
                            ("data.orderId", data.get("orderId")), ("data.currency", data.get("currency"))):
            if not isinstance(value, str) or not 0 < len(value) <= 255:
                errors[name] = ["A string of 1 to 255 characters is required."]
        amount = decimal_amount(data.get("amount"))
        if amount is None:
            errors["data.amount"] = ["A non-negative decimal amount with at most 4 places is required."]
        if errors:
            raise invalid_event(errors)
        transaction = data.get("transactionId")
        return PaymentEvent(document["id"], document["type"], data["orderId"], amount, data["currency"].upper(),
                            transaction if isinstance(transaction, str) and transaction else None)


PROCESSORS: dict[str, PaymentProcessor] = {}


def register_processor(processor: PaymentProcessor):
    PROCESSORS[processor.code] = processor


register_processor(OfflineProcessor("cashondelivery", "Cash On Delivery", "Pay when the order is delivered."))
register_processor(OfflineProcessor("moneytransfer", "Money Transfer", "Pay by bank transfer.", "mailing_address"))
if fake_enabled():
    register_processor(FakeProcessor())


def payment_methods(context, cart=None) -> list[PaymentMethod]:
    """Active methods for the request's channel, in their configured order."""
    values = config_values(PREFIX, context.channel_code)
    methods = []
    for position, (code, processor) in enumerate(PROCESSORS.items()):
        key = f"{PREFIX}{code}."
        if not flag(values, key + "active", True):
            continue
        settings = {name[len(key):]: value for name, value in values.items() if name.startswith(key)}
        methods.append(PaymentMethod(code, settings.get("title", processor.default_title),
                                     settings.get("description", processor.default_description),
                                     int(settings.get("sort", position + 1)), settings, position + 1))
    return sorted(methods, key=lambda method: (method.sort_order, method.code))


def get_processor(code: str) -> PaymentProcessor | None:
    return PROCESSORS.get(code)
