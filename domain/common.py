"""What every handler shares: the request context, paging windows, money formatting."""
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from domain.errors import NotFound



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
    customer_token: str | None = None  # the customer's bearer token (a customer's cart shows it as its cartToken)
    client_ip: str | None = None  # the client address (after trusted proxies): login throttling
    # The guest cart of a cart-token bearer (cart operations); a customer's cart follows customer_id.
    cart_id: int | None = None
    cart_token: str | None = None
    cart_row: object | None = None  # the guest cart as its token check read it (the first current_cart uses it)
    storefront_key_id: int | None = None  # the storefront key of a shop request
    admin: dict | None = None  # claims of the admin integration token, on the admin surface
    # Raw query string parameters (REST only): products read attribute filters from here.
    query_params: dict = field(default_factory=dict)
    # The channel the caller named (parameter, argument or X-Channel), before any fallback; None when unnamed.
    requested_channel: str | None = None
    request_id: str | None = None  # the X-Request-Id of the request (server/middleware.py)

    def media(self, path: str | None) -> str | None:
        return f"{self.media_url.rstrip('/')}/{path}" if path else None

    @property
    def locales(self) -> tuple[str, ...]:
        """Locales to read translations from, preferred first."""
        return (self.locale,) if self.locale == self.fallback_locale else (self.locale, self.fallback_locale)


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
