"""Payment methods and the processors behind them.

Built in: cash on delivery and money transfer (offline: nothing to authorize, the order waits for
payment). A card processor plugs in by implementing `PaymentProcessor` and calling
`register_processor(...)` at start-up; its `authorize` may return a redirect URL for the storefront.

Configuration (CoreConfig, per channel or global):
  sales.payment_methods.<code>.active = 1, .title, .description, .sort,
  .generate_invoice = 0|1 (invoice automatically when the order is placed), .invoice_status
"""
from dataclasses import dataclass, field
from typing import Protocol

from domain.sales.store_config import config_values, flag

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


class PaymentProcessor(Protocol):
    code: str
    default_title: str
    default_description: str

    def authorize(self, order) -> Authorization: ...


@dataclass
class OfflineProcessor:
    code: str
    default_title: str
    default_description: str
    instructions_key: str | None = None

    def authorize(self, order) -> Authorization:
        return Authorization()


PROCESSORS: dict[str, PaymentProcessor] = {}


def register_processor(processor: PaymentProcessor):
    PROCESSORS[processor.code] = processor


register_processor(OfflineProcessor("cashondelivery", "Cash On Delivery", "Pay when the order is delivered."))
register_processor(OfflineProcessor("moneytransfer", "Money Transfer", "Pay by bank transfer.", "mailing_address"))


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
