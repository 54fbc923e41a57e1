"""Which channel, locale and display currency a request runs in: the requested ones when the
channel offers them, else the channel's defaults (transport-free: the adapters pass the header values)."""
from decimal import Decimal

from peewee import JOIN

from domain import settings_cache
from domain.common import CurrencyFormat, RequestContext
from storage.compiled import Compiled
from storage.models import Channel, ChannelCurrency, ChannelLocale, Currency, ExchangeRate, Locale


def channel_query():
    return (Channel.select(Channel, Locale.code.alias("default_locale_code"))
            .join(Locale, on=(Channel.default_locale == Locale.id)))


def currency_query():
    return (Currency.select(Currency, ExchangeRate.rate.alias("rate"))
            .join(ExchangeRate, JOIN.LEFT_OUTER, on=(ExchangeRate.target_currency == Currency.id)))


# Every request reads its scope: these selects are compiled once (storage/compiled.py).
CHANNEL_BY_CODE = Compiled(lambda code: channel_query().where(Channel.code == code).limit(1), "text")
FIRST_CHANNEL = Compiled(lambda: channel_query().order_by(Channel.id).limit(1))
CHANNEL_LOCALE = Compiled(lambda channel_id, code: Locale.select(Locale.code).join(ChannelLocale).where(
    ChannelLocale.channel == channel_id, Locale.code == code).limit(1), "int", "text")
CHANNEL_CURRENCY = Compiled(lambda channel_id, code: currency_query().join_from(
    Currency, ChannelCurrency, on=(ChannelCurrency.currency == Currency.id)).where(
    ChannelCurrency.channel == channel_id, Currency.code == code).limit(1), "int", "text")
CURRENCY_BY_ID = Compiled(lambda currency_id: currency_query().where(Currency.id == currency_id).limit(1), "int")


def scoped_context(media_url: str, channel: str | None = None, locale: str | None = None,
                   currency: str | None = None) -> RequestContext:
    """The context for the requested channel, locale and currency codes; unknown or unassigned values
    fall back to the channel default. Resolved once per worker and settings version
    (`domain/settings_cache.py`), so a request reads no settings row here."""
    scope = settings_cache.cached("scope", (channel, locale, currency), lambda: resolve_scope(channel, locale, currency))
    channel_id, channel_code, root_category_id, chosen_locale, default_locale, money = scope
    return RequestContext(
        channel_id=channel_id, channel_code=channel_code, root_category_id=root_category_id,
        locale=chosen_locale, fallback_locale=default_locale, currency=money, media_url=media_url)


def resolve_scope(channel: str | None, locale: str | None, currency: str | None) -> tuple:
    """(channel id, channel code, root category id, locale, fallback locale, currency format)."""
    channel = find_channel(channel)
    default_locale = channel.default_locale_code
    chosen_locale = default_locale
    if locale and "\x00" not in locale:  # PostgreSQL cannot compare NUL: never a locale
        chosen_locale = locale if CHANNEL_LOCALE.first(channel.id, locale) is not None else default_locale
    return (channel.id, channel.code, channel.root_category_id, chosen_locale, default_locale,
            find_currency(channel, currency))


def channel_code(channel_id: int | None) -> str:
    """The code of a channel ("" for none), kept per worker under the settings version."""
    return settings_cache.cached("channel_code", channel_id, lambda: (
        Channel.select(Channel.code).where(Channel.id == channel_id).scalar() or ""))


def find_channel(code: str | None) -> Channel:
    """The channel with `code` (else the first one), with its default locale's code."""
    channel = CHANNEL_BY_CODE.first(code) if code and "\x00" not in code else None
    return channel or FIRST_CHANNEL.first()


def find_currency(channel: Channel, code: str | None) -> CurrencyFormat:
    """The requested currency if the channel offers it, else the channel's base currency."""
    currency = None
    if code and "\x00" not in code:  # PostgreSQL cannot compare NUL: never a currency code
        currency = CHANNEL_CURRENCY.first(channel.id, code.upper())
    if currency is None:
        currency = CURRENCY_BY_ID.first(channel.base_currency_id)
    rate = ExchangeRate.rate.python_value(currency.rate)
    rate = Decimal(rate) if rate is not None else Decimal(1)
    return CurrencyFormat(code=currency.code, symbol=currency.symbol, decimals=currency.decimal,
                          group_separator=currency.group_separator, decimal_separator=currency.decimal_separator,
                          position=currency.currency_position, rate=rate)
