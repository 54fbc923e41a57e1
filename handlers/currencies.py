"""Currencies (GraphQL only, no REST page): Query.currencies, Query.currency."""
from handlers.common import Page, RequestContext, Window
from handlers.errors import NotFound
from storage.models import Currency


def currency_document(currency: Currency) -> dict:
    return {"id": currency.id, "code": currency.code, "name": currency.name, "symbol": currency.symbol,
            "decimal": str(currency.decimal), "groupSeparator": currency.group_separator,
            "decimalSeparator": currency.decimal_separator, "currencyPosition": currency.currency_position or None}


def list_currencies(context: RequestContext, window: Window) -> Page:
    query = Currency.select().order_by(Currency.id)
    rows = query.offset(window.offset).limit(window.limit)
    return Page([currency_document(row) for row in rows], query.count())


def get_currency(context: RequestContext, id: int) -> dict:
    currency = Currency.get_or_none(Currency.id == id)
    if currency is None:
        raise NotFound("Currency")
    return currency_document(currency)
