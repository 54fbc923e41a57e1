"""What every handler shares: the request context, paging windows, money formatting."""
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from peewee import JOIN

from handlers.errors import NotFound

from storage.models import Channel, ChannelCurrency, ChannelLocale, Currency, ExchangeRate, Locale


@dataclass(frozen=True)
class Window:
    """Which slice of a collection to return, whatever the transport's paging style."""
    offset: int
    limit: int


@dataclass
class Page:
    """One slice of a collection plus the size of the whole collection."""
    items: list
    total: int


@dataclass(frozen=True)
class CurrencyFormat:
    code: str
    symbol: str
    decimals: int
    group_separator: str
    decimal_separator: str
    position: str
    rate: Decimal

    def convert(self, amount: Decimal) -> Decimal:
        return (amount * self.rate).quantize(Decimal(1).scaleb(-self.decimals), rounding=ROUND_HALF_UP)

    def format(self, amount: Decimal | None) -> str | None:
        """Convert a base-currency amount and render it, e.g. "$3,000.00" or "2 760,00 €"."""
        if amount is None:
            return None
        converted = self.convert(amount)
        whole, _, fraction = f"{abs(converted):.{self.decimals}f}".partition(".")
        grouped = f"{int(whole):,}".replace(",", self.group_separator)
        number = grouped + (self.decimal_separator + fraction if fraction else "")
        sign = "-" if converted < 0 else ""
        if self.position == "right":
            return f"{sign}{number}{self.symbol}"
        if self.position == "right_with_space":
            return f"{sign}{number} {self.symbol}"
        if self.position == "left_with_space":
            return f"{sign}{self.symbol} {number}"
        return f"{sign}{self.symbol}{number}"


@dataclass
class RequestContext:
    """Scope of one request: channel, locale (with fallback) and display currency."""
    channel_id: int
    channel_code: str
    root_category_id: int | None
    locale: str
    fallback_locale: str
    currency: CurrencyFormat
    media_url: str
    public_url: str = ""  # where clients reach this API (server.config.Settings.public_base), no trailing /
    customer_id: int | None = None
    customer_token_id: int | None = None
    # The guest cart of a cart-token bearer (cart operations); a customer's cart follows customer_id.
    cart_id: int | None = None
    cart_token: str | None = None
    admin: dict | None = None  # claims of the admin integration token, on the admin surface
    # Raw query string parameters (REST only): products read attribute filters from here.
    query_params: dict = field(default_factory=dict)

    def media(self, path: str | None) -> str | None:
        return f"{self.media_url.rstrip('/')}/{path}" if path else None

    @property
    def locales(self) -> tuple[str, ...]:
        """Locales to read translations from, preferred first."""
        return (self.locale,) if self.locale == self.fallback_locale else (self.locale, self.fallback_locale)


def build_context(headers, media_url: str, locale: str | None = None, channel: str | None = None,
                  public_url: str = "") -> RequestContext:
    """Resolve X-Channel / X-Locale / X-Currency (or explicit `locale` / `channel` overrides);
    unknown or unassigned values fall back to the channel default."""
    channel = find_channel(channel or header(headers, "X-Channel"))
    default_locale = channel.default_locale_code
    requested_locale = locale or header(headers, "X-Locale")
    locale = default_locale
    if requested_locale and "\x00" not in requested_locale:  # PostgreSQL cannot compare NUL: never a locale
        allowed = (Locale.select(Locale.code).join(ChannelLocale)
                   .where(ChannelLocale.channel == channel.id, Locale.code == requested_locale))
        locale = requested_locale if allowed.exists() else default_locale
    return RequestContext(
        channel_id=channel.id, channel_code=channel.code, root_category_id=channel.root_category_id,
        locale=locale, fallback_locale=default_locale,
        currency=find_currency(channel, header(headers, "X-Currency")), media_url=media_url, public_url=public_url)


def header(headers, name: str) -> str | None:
    value = headers.get(name) or headers.get(name.lower())
    return value.strip() if value and value.strip() else None


def find_channel(code: str | None) -> Channel:
    """The channel with `code` (else the first one), with its default locale's code."""
    query = (Channel.select(Channel, Locale.code.alias("default_locale_code"))
             .join(Locale, on=(Channel.default_locale == Locale.id)).objects())
    channel = query.where(Channel.code == code).first() if code and "\x00" not in code else None
    return channel or query.order_by(Channel.id).first()


def find_currency(channel: Channel, code: str | None) -> CurrencyFormat:
    """The requested currency if the channel offers it, else the channel's base currency."""
    query = (Currency.select(Currency, ExchangeRate.rate.alias("rate"))
             .join(ExchangeRate, JOIN.LEFT_OUTER, on=(ExchangeRate.target_currency == Currency.id)))
    currency = None
    if code:
        currency = (query.join_from(Currency, ChannelCurrency, on=(ChannelCurrency.currency == Currency.id))
                    .where(ChannelCurrency.channel == channel.id, Currency.code == code.upper()).objects().first())
    if currency is None:
        currency = query.where(Currency.id == channel.base_currency_id).objects().first()
    rate = Decimal(currency.rate) if currency.rate is not None else Decimal(1)
    return CurrencyFormat(code=currency.code, symbol=currency.symbol, decimals=currency.decimal,
                          group_separator=currency.group_separator, decimal_separator=currency.decimal_separator,
                          position=currency.currency_position, rate=rate)


def paginate(query, window: Window, present) -> Page:
    """One page of `query` (already ordered) as documents, with the size of the whole query."""
    rows = query.offset(window.offset).limit(window.limit)
    return Page([present(row) for row in rows], query.count())


def get_or_not_found(model, key: int, what: str):
    row = model.get_or_none(model.id == key)
    if row is None:
        raise NotFound(what)
    return row


def snake_case(name: str) -> str:
    """camelCase -> snake_case (REST/GraphQL names -> handler parameters)."""
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.title() for part in rest)


def json_number(amount: Decimal | None):
    """Decimal -> JSON number without binary noise (int when whole)."""
    if amount is None:
        return None
    normalized = amount.normalize()
    return int(normalized) if normalized == normalized.to_integral_value() else float(normalized)


def iso(timestamp) -> str | None:
    return timestamp.strftime("%Y-%m-%dT%H:%M:%S+00:00") if timestamp else None


def translated(rows_by_locale: dict, context: RequestContext):
    """Pick the row for the request locale, else the channel default locale, else any."""
    for locale in context.locales:
        if locale in rows_by_locale:
            return rows_by_locale[locale]
    return next(iter(rows_by_locale.values()), None)
