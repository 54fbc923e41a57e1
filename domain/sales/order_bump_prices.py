"""The price of an accepted order bump's cart line, computed by the cart's totals on every read
(`domain/sales/cart_totals.py`), so the cart, the checkout and the placed order show the same amounts.

An accepted bump is a cart line whose `additional` holds `{"order_bump": <id>}`. The line is priced at
the offer while the bump is active, in its dates and channel, offers that product, and its conditions
hold for the cart without its bump lines (the cart rules' evaluation, `cart_rules.eligible_lines`): the
fixed `offer_price` per unit, or the line's own unit price less `offer_price` percent (rounded half-up).
Otherwise the line stays in the cart at the product's own price: a bump that no longer applies is
repriced, never dropped, so nothing disappears from a cart behind the buyer's back.
"""
from decimal import Decimal

from domain.sales import cart_rules
from domain.sales.pricing import HUNDRED, round_money
from storage.license_models import OrderBump
from storage.models import utcnow

BUMP_KEY = "order_bump"


def bump_of(item) -> int | None:
    value = (item.additional or {}).get(BUMP_KEY)
    return int(value) if isinstance(value, int) and not isinstance(value, bool) else None


def live_bumps(channel_code: str, ids: list[int] | None = None) -> list[OrderBump]:
    """Active bumps inside their dates and offered in the channel, highest priority first."""
    now = utcnow()
    query = OrderBump.select().where(OrderBump.status == True,  # noqa: E712
                                     OrderBump.starts_from.is_null() | (OrderBump.starts_from <= now),
                                     OrderBump.ends_till.is_null() | (OrderBump.ends_till >= now))
    if ids is not None:
        query = query.where(OrderBump.id.in_(ids))
    rows = query.order_by(OrderBump.priority.desc(), OrderBump.id)
    return [row for row in rows if not row.channel_codes or channel_code in row.channel_codes]


def conditions_hold(bump: OrderBump, facts: cart_rules.CartFacts, lines: list[cart_rules.RuleLine]) -> bool:
    return cart_rules.eligible_lines(bump, facts, lines) is not None


def offer_unit_price(bump: OrderBump, regular: Decimal, decimals: int = 2) -> Decimal:
    if bump.price_type == "percent":
        return round_money(regular * (HUNDRED - min(Decimal(bump.offer_price), HUNDRED)) / HUNDRED, decimals)
    return round_money(Decimal(bump.offer_price), decimals)


def reprice(lines: list, channel_code: str, view, decimals: int = 2):
    """Set the unit price and total of every bump line whose offer applies. `view(bumps)` gives the cart
    facts and rule lines of the cart without its bump lines."""
    bump_lines = [line for line in lines if bump_of(line.item) is not None]
    if not bump_lines:
        return
    bumps = {row.id: row for row in live_bumps(channel_code, [bump_of(line.item) for line in bump_lines])}
    facts, rule_lines = view(list(bumps.values()))
    for line in bump_lines:
        bump = bumps.get(bump_of(line.item))
        if bump is None or bump.product_id != line.item.product_id or not conditions_hold(bump, facts, rule_lines):
            continue
        line.base_unit_price = offer_unit_price(bump, line.base_unit_price, decimals)
        line.base_total = line.base_unit_price * line.quantity
        line.options.append({"attribute_name": "Offer", "option_id": bump.id, "option_label": bump.name})
