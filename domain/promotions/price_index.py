"""The catalog-rule price index: what the active catalog rules make of each product's price, per
channel, customer group and day (UTC), from yesterday to a week ahead.

A rule applies to a product on a day when it is active, the day lies in its `starts_from`..`ends_till`
window (both inclusive), and its conditions hold for the product (`product|…` attributes, as cart
rules test them; condition_type 1 = all, 0 = any; no conditions = every product). The rules that
apply run in `sort_order` then id, each on the price the previous one left:

  by_percent  price − discount_amount %        to_percent  discount_amount % of the price
  by_fixed    price − discount_amount (≥ 0)    to_fixed    discount_amount (never above the price)

and `end_other_rules` stops the ones after it. The result, rounded half-up to 2 decimals, is stored
only where a rule applies. `rebuild` replaces the whole index in one transaction, so running it twice
gives the same rows (it is the body of the background job; requests never call it). Configurable,
grouped and bundle parents are priced by their parts, so only their parts are indexed.
"""
import datetime
from decimal import Decimal

from domain.sales.cart_rules import holds
from domain.sales.cart_totals import product_attribute_values, product_categories
from domain.sales.pricing import HUNDRED, round_money
from storage.db import database
from storage.models import Channel, CustomerGroup, Product, utcnow
from storage.promotion_models import CatalogRule, CatalogRuleProductPrice

ACTIONS = ("by_percent", "by_fixed", "to_percent", "to_fixed")
DAYS_BEFORE, DAYS_AFTER = 1, 7
PRICED_BY_PARTS = ("configurable", "grouped", "bundle")
ALL_CONDITIONS = 1
ZERO = Decimal(0)


def index_days(today: datetime.date | None = None) -> list[datetime.date]:
    today = today or utcnow().date()
    return [today + datetime.timedelta(days=offset) for offset in range(-DAYS_BEFORE, DAYS_AFTER + 1)]


def runs_on(rule: CatalogRule, day: datetime.date) -> bool:
    return bool(rule.status) and (rule.starts_from is None or rule.starts_from <= day) and (
        rule.ends_till is None or rule.ends_till >= day)


def apply_action(rule: CatalogRule, price: Decimal) -> Decimal:
    amount = Decimal(rule.discount_amount)
    if rule.action_type == "by_percent":
        return price * (HUNDRED - min(amount, HUNDRED)) / HUNDRED
    if rule.action_type == "by_fixed":
        return max(ZERO, price - amount)
    if rule.action_type == "to_percent":
        return price * min(amount, HUNDRED) / HUNDRED
    if rule.action_type == "to_fixed":
        return min(amount, price)
    return price


def rule_price(rules: list[CatalogRule], price: Decimal) -> Decimal:
    for rule in rules:
        price = apply_action(rule, price)
        if rule.end_other_rules:
            break
    return round_money(price)


def matching_products(rules: list[CatalogRule], products: list[Product]) -> dict[int, set[int]]:
    """{rule id: ids of the products its conditions select}."""
    needs_attributes = any(rule.conditions for rule in rules)
    ids = [product.id for product in products]
    categories = product_categories(ids) if needs_attributes else {}
    values = product_attribute_values(ids) if needs_attributes else {}
    matches = {}
    for rule in rules:
        if not rule.conditions:
            matches[rule.id] = set(ids)
            continue
        combine = all if rule.condition_type == ALL_CONDITIONS else any
        selected = set()
        for product in products:
            attributes = {"sku": product.sku, "type": product.type, "price": product.price,
                          "attribute_family_id": product.attribute_family_id,
                          "category_ids": sorted(categories.get(product.id, ())),
                          **values.get(product.id, {})}
            if combine(holds(attributes.get(c["attribute"].partition("|")[2]), c) for c in rule.conditions):
                selected.add(product.id)
        matches[rule.id] = selected
    return matches


def compute(today: datetime.date | None = None) -> list[dict]:
    """The index rows for the days around `today` (see the module text)."""
    days = index_days(today)
    rules = [rule for rule in CatalogRule.select().where(CatalogRule.status == True)  # noqa: E712
             .order_by(CatalogRule.sort_order, CatalogRule.id) if any(runs_on(rule, day) for day in days)]
    if not rules:
        return []
    products = list(Product.select(Product.id, Product.sku, Product.type, Product.price, Product.attribute_family)
                    .where(Product.type.not_in(PRICED_BY_PARTS)))
    matches = matching_products(rules, products)
    channel_ids = [channel.id for channel in Channel.select(Channel.id)]
    group_ids = [group.id for group in CustomerGroup.select(CustomerGroup.id)]
    prices_by_rules: dict[tuple, dict[int, Decimal]] = {}
    rows = []
    for channel_id in channel_ids:
        for group_id in group_ids:
            for day in days:
                applying = tuple(rule for rule in rules if runs_on(rule, day)
                                 and (not rule.channel_ids or channel_id in rule.channel_ids)
                                 and (not rule.customer_group_ids or group_id in rule.customer_group_ids))
                if not applying:
                    continue
                key = tuple(rule.id for rule in applying)
                if key not in prices_by_rules:
                    prices_by_rules[key] = prices_for(applying, products, matches)
                rows.extend({"product": product_id, "channel": channel_id, "customer_group": group_id,
                             "rule_date": day, "rule_price": price}
                            for product_id, price in prices_by_rules[key].items())
    return rows


def prices_for(rules: tuple, products: list[Product], matches: dict[int, set[int]]) -> dict[int, Decimal]:
    prices = {}
    for product in products:
        selected = [rule for rule in rules if product.id in matches[rule.id]]
        if selected:
            prices[product.id] = rule_price(selected, product.price)
    return prices


def rebuild(today: datetime.date | None = None) -> int:
    """Replace the whole index with the rows of today's window, in one transaction; returns the row count.
    The rules are read inside it (on SQLite it begins by taking the write lock, so a rule change still
    being committed is seen)."""
    with database.atomic():
        rows = compute(today)
        CatalogRuleProductPrice.delete().execute()
        for start in range(0, len(rows), 500):
            CatalogRuleProductPrice.insert_many(rows[start:start + 500]).execute()
    return len(rows)

