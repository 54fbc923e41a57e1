"""Admin exchange rates: /api/admin/settings/exchange-rates (CRUD, mass delete, update-rates);
GraphQL adminSettingsExchangeRate(s) and mutations.

A rate converts the base currency of the store into `target_currency`; the shop reads it on every
request, so a new or changed rate changes the shop's converted prices at once.

update-rates recomputes every non-base currency's rate from the configured rate provider. This
server makes no outside network calls: the default provider, `LocalRateTable`, reads reference rates
(units of each currency per 1 USD) from the JSON file named by `EXCHANGE_RATES_FILE`, or from
`REFERENCE_RATES` below, and converts them to the store's base currency. `EXCHANGE_RATE_PROVIDER`
may name another provider class (`package.module:Class`, constructed without arguments, with a
`rates(base, targets) -> {code: Decimal}` method that raises `RateProviderError`), e.g. one that
calls a rate service where the network allows it.
"""
import importlib
import json
import os
from decimal import Decimal, InvalidOperation

from handlers.admin.crud import AdminResource, at_least, at_most, exact
from domain.common import RequestContext, json_number
from domain.scope import find_channel
from domain.errors import ApiError
from storage.db import database
from storage.models import Currency, ExchangeRate, utcnow

REFERENCE_RATES = {  # units per 1 USD
    "USD": "1", "EUR": "0.92", "GBP": "0.79", "JPY": "151.40", "CHF": "0.90", "CAD": "1.36", "AUD": "1.52",
    "INR": "83.30", "CNY": "7.23", "SEK": "10.70", "NOK": "10.80", "DKK": "6.87", "PLN": "3.98", "BRL": "5.05",
    "MXN": "16.90", "AED": "3.6725", "SAR": "3.75", "SGD": "1.35", "HKD": "7.82", "NZD": "1.66",
}
RATE_DIGITS = Decimal("0.000000000001")


class RateProviderError(Exception):
    """The provider cannot give rates; the message is shown to the caller (422)."""


class LocalRateTable:
    """Reference rates from a local JSON file ({"USD": 1, "EUR": 0.92, ...}) or the built-in table;
    nothing is fetched."""
    name = "local rate table"

    def __init__(self, path: str | None = None):
        self.path = path if path is not None else os.environ.get("EXCHANGE_RATES_FILE")

    def table(self) -> dict[str, Decimal]:
        raw = REFERENCE_RATES
        if self.path:
            try:
                with open(self.path, encoding="utf-8") as handle:
                    raw = json.load(handle)
            except (OSError, ValueError) as error:
                raise RateProviderError(f"The rate table {self.path} cannot be read: {error}") from None
        try:
            return {str(code).upper(): Decimal(str(value)) for code, value in raw.items()}
        except (InvalidOperation, AttributeError):
            raise RateProviderError(f"The rate table {self.path} must map currency codes to numbers.") from None

    def rates(self, base: str, targets: list[str]) -> dict[str, Decimal]:
        table = self.table()
        missing = [code for code in [base, *targets] if not table.get(code, 0) > 0]
        if missing:
            raise RateProviderError(f"The {self.name} has no rate for {', '.join(missing)}.")
        return {code: (table[code] / table[base]).quantize(RATE_DIGITS) for code in targets}


def rate_provider():
    reference = os.environ.get("EXCHANGE_RATE_PROVIDER", "").strip()
    if not reference or reference == "local":
        return LocalRateTable()
    module_name, _, class_name = reference.partition(":")
    try:
        return getattr(importlib.import_module(module_name), class_name)()
    except (ImportError, AttributeError, TypeError) as error:
        raise RateProviderError(f"The rate provider {reference} cannot be loaded: {error}") from None


def exchange_rate_document(row: ExchangeRate) -> dict:
    currency = row.target_currency
    return {"id": row.id, "targetCurrency": currency.id, "targetCurrencyCode": currency.code,
            "targetCurrencyName": currency.name, "rate": json_number(row.rate)}


def exchange_rate_values(body: dict, row) -> dict:
    values = {}
    if "target_currency" in body:
        values["target_currency"] = body["target_currency"]
    if "rate" in body:
        values["rate"] = Decimal(str(body["rate"]))
    return values


exchange_rates = AdminResource(
    model=ExchangeRate, label="Exchange rate", plural="Exchange rates",
    query=lambda: ExchangeRate.select(ExchangeRate, Currency).join(Currency),
    document=exchange_rate_document,
    filters={"target_currency": exact(ExchangeRate.target_currency), "rate_from": at_least(ExchangeRate.rate),
             "rate_to": at_most(ExchangeRate.rate)},
    sorts={"id": ExchangeRate.id, "target_currency": ExchangeRate.target_currency, "rate": ExchangeRate.rate},
    unique=("target_currency",), values=exchange_rate_values,
)

list_admin_exchange_rates = exchange_rates.list_handler()
get_admin_exchange_rate = exchange_rates.get_handler()
create_admin_exchange_rate = exchange_rates.create_handler()
update_admin_exchange_rate = exchange_rates.update_handler()
delete_admin_exchange_rate = exchange_rates.delete_handler()
mass_delete_admin_exchange_rates = exchange_rates.mass_delete_handler()


def sync_admin_exchange_rates(context: RequestContext) -> dict:
    """Every non-base currency gets the provider's rate (created when missing), all or nothing."""
    base = Currency.get_by_id(find_channel(None).base_currency_id)
    targets = {currency.code: currency for currency in Currency.select().where(Currency.id != base.id)}
    try:
        rates = rate_provider().rates(base.code, sorted(targets))
    except RateProviderError as error:
        raise ApiError(422, str(error), "rate_provider_failed") from None
    with database.atomic():
        for code, rate in rates.items():
            updated = (ExchangeRate.update(rate=rate, updated_at=utcnow())
                       .where(ExchangeRate.target_currency == targets[code].id).execute())
            if not updated:
                ExchangeRate.create(target_currency=targets[code], rate=rate)
    return {"success": True, "updated": ExchangeRate.select().count(),
            "message": "Exchange rates updated successfully."}


