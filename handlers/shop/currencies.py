"""Currencies (GraphQL only, no REST page): Query.currencies, Query.currency."""
from domain.common import Page, RequestContext, Window, get_or_not_found, paginate
from storage.models import Currency


def currency_document(currency: Currency) -> dict:
    return {"id": currency.id, "code": currency.code, "name": currency.name, "symbol": currency.symbol,
            "decimal": str(currency.decimal), "groupSeparator": currency.group_separator,
            "decimalSeparator": currency.decimal_separator, "currencyPosition": currency.currency_position or None}


def list_currencies(context: RequestContext, window: Window) -> Page:
    return paginate(Currency.select().order_by(Currency.id), window, currency_document)


def get_currency(context: RequestContext, id: int) -> dict:
    return currency_document(get_or_not_found(Currency, id, "Currency"))
