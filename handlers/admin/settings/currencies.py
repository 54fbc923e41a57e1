"""Admin currencies: /api/admin/settings/currencies (CRUD, mass delete); GraphQL adminSettingsCurrency(ies).

The shop formats every price with the currency row (symbol, separators, position) on each request,
so an edit shows in the shop at once. The last currency and a channel's base currency cannot be
deleted; a mass delete that includes one is refused as a whole.
"""
from handlers.admin.crud import AdminResource, Refusal, partial, plain_document
from storage.models import Channel, Currency

LAST_CURRENCY = Refusal("The last remaining currency cannot be deleted.", "last_currency")
BASE_CURRENCY = Refusal("This currency is the base currency of a channel and cannot be deleted.", "channel_base_currency")


def currency_values(body: dict, row) -> dict:
    """Columns to write: the code upper-cased; a new currency without a symbol shows its code."""
    values = {key: body[key] for key in ("name", "symbol", "decimal", "group_separator", "decimal_separator",
                                         "currency_position") if key in body}
    if "decimal" in values:
        values["decimal"] = int(values["decimal"])
    if "code" in body:
        values["code"] = body["code"].upper()
    if row is None:
        values.setdefault("symbol", values["code"])
    return values


def refuse_currency_delete(rows: list[Currency]) -> dict:
    ids = [row.id for row in rows]
    if Currency.select().where(Currency.id.not_in(ids)).count() == 0:
        return {ids[-1]: LAST_CURRENCY}
    base = {channel.base_currency_id for channel in Channel.select(Channel.base_currency).where(Channel.base_currency.in_(ids))}
    return {key: BASE_CURRENCY for key in sorted(base)}


plain_currency = plain_document("id", "code", "name", "symbol", "decimal", "group_separator", "decimal_separator",
                                "currency_position", "created_at")


def currency_document(row: Currency) -> dict:
    """`decimal` as a string of digits, as the shop's currency documents show it."""
    return {**plain_currency(row), "decimal": str(row.decimal)}


currencies = AdminResource(
    model=Currency, label="Currency", plural="Currencies",
    document=currency_document,
    filters={"code": partial(Currency.code), "name": partial(Currency.name), "symbol": partial(Currency.symbol)},
    sorts={"id": Currency.id, "code": Currency.code, "name": Currency.name},
    unique=("code",), immutable=("code",), values=currency_values,
    refuse_delete=refuse_currency_delete,
)

list_admin_currencies = currencies.list_handler()
get_admin_currency = currencies.get_handler()
create_admin_currency = currencies.create_handler()
update_admin_currency = currencies.update_handler()
delete_admin_currency = currencies.delete_handler()
mass_delete_admin_currencies = currencies.mass_delete_handler()


