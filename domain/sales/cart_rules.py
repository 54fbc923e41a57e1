"""Cart rules: which promotions apply to a cart, how much they take off, and coupon bookkeeping.

A rule applies when it is active, inside its date window, offered in the channel and to the
customer's group, not used up by this customer, and (rules with a coupon) its coupon is the cart's.
Conditions: `cart|…` attributes test the whole cart (base_sub_total, total_qty, total_items,
total_weight, payment_method, shipping_method, postcode, state, country); `product|…` attributes
(sku, type, price, category_ids, attribute_family_id, or any attribute code) pick the lines the
discount applies to. condition_type 1 = every condition must hold, 0 = any one is enough.
Actions, on the eligible lines (base currency, each line's discount rounded half-up and never more
than the line):
  by_percent   discount_amount % of the line (only the first discount_quantity units when set)
  by_fixed     discount_amount off each unit (same unit cap)
  cart_fixed   discount_amount off the eligible lines together, shared in proportion to their totals;
               the last line takes the rounding remainder so the shares add up exactly
  buy_x_get_y  for every discount_step (X) units bought, discount_amount (Y) more units are free:
               free = (qty // (X + Y)) * Y units at the line's unit price
Rules run by sort_order then id; `end_other_rules` stops the ones after it.
"""
from dataclasses import dataclass, field
from decimal import Decimal

from domain.errors import ApiError
from domain.sales.pricing import HUNDRED, round_money
from storage.compiled import Compiled
from storage.db import database
from storage.models import utcnow
from storage.sales_models import CartRule, CartRuleCoupon, CartRuleCouponUsage, CartRuleCustomer

AUTOMATIC, WITH_COUPON = 1, 2  # CartRule.coupon_type, as the cart-rule pages define it
ALL_CONDITIONS = 1
CONDITIONS_NOT_MET = "The cart does not meet the conditions of this coupon."
USED_UP = "The coupon code has reached its usage limit."
NO_LONGER_EXISTS = "The coupon code does not exist."
# The automatic rules and the given ones (the cart's coupon's), in the order they run.
RULES = Compiled(lambda rule_ids: CartRule.select().where((CartRule.coupon_type == AUTOMATIC) | (CartRule.id.in_(rule_ids)))
                 .order_by(CartRule.sort_order, CartRule.id), "ints")


@dataclass
class RuleLine:
    """What rules look at for one cart line."""
    base_unit_price: Decimal
    quantity: int
    base_total: Decimal
    attributes: dict  # product|… attribute (without the prefix) -> value or list of values


@dataclass
class CartFacts:
    attributes: dict  # cart|… attribute (without the prefix) -> value
    channel_code: str
    customer_group_code: str
    customer_id: int | None


@dataclass
class RuleOutcome:
    line_discounts: list[Decimal]
    applied_rule_ids: list[int] = field(default_factory=list)
    coupon_code: str | None = None
    free_shipping: bool = False
    shipping_discount_percent: Decimal = Decimal(0)


def candidate_rules(facts: CartFacts, coupon_code: str | None) -> tuple[list[CartRule], CartRuleCoupon | None]:
    """Automatic rules plus the coupon's rule, each valid for this customer, channel and date."""
    coupon = find_coupon(coupon_code) if coupon_code else None
    rule_ids = {coupon.cart_rule_id} if coupon and coupon_problem(coupon, facts) is None else set()
    rules = [rule for rule in RULES.models(sorted(rule_ids)) if rule_problem(rule, facts) is None]
    return rules, coupon


def apply_rules(rules: list[CartRule], coupon: CartRuleCoupon | None, facts: CartFacts,
                lines: list[RuleLine], decimals: int) -> RuleOutcome:
    outcome = RuleOutcome([Decimal(0)] * len(lines))
    for rule in rules:
        eligible = eligible_lines(rule, facts, lines)
        if eligible is None:
            continue
        for index, amount in rule_discounts(rule, lines, eligible, decimals).items():
            room = lines[index].base_total - outcome.line_discounts[index]
            outcome.line_discounts[index] += min(amount, room)
        outcome.applied_rule_ids.append(rule.id)
        if coupon is not None and rule.id == coupon.cart_rule_id:
            outcome.coupon_code = coupon.code
        outcome.free_shipping = outcome.free_shipping or rule.free_shipping
        if rule.apply_to_shipping and rule.action_type == "by_percent":
            outcome.shipping_discount_percent = min(HUNDRED, outcome.shipping_discount_percent + rule.discount_amount)
        if rule.end_other_rules:
            break
    return outcome


def eligible_lines(rule: CartRule, facts: CartFacts, lines: list[RuleLine]) -> list[int] | None:
    """Indexes of the lines the rule discounts, or None when the rule does not apply."""
    cart_conditions = [c for c in rule.conditions or [] if str(c.get("attribute", "")).startswith("cart|")]
    product_conditions = [c for c in rule.conditions or [] if str(c.get("attribute", "")).startswith("product|")]
    require_all = rule.condition_type == ALL_CONDITIONS
    cart_results = [holds(facts.attributes.get(c["attribute"][5:]), c) for c in cart_conditions]

    def line_matches(line: RuleLine) -> bool:
        results = [holds(line.attributes.get(c["attribute"][8:]), c) for c in product_conditions]
        return all(results) if require_all else any(results)

    matching = [i for i, line in enumerate(lines) if not product_conditions or line_matches(line)]
    if not rule.conditions:
        return list(range(len(lines)))
    if require_all:
        return matching if all(cart_results) and matching else None
    if any(cart_results):
        return matching if product_conditions and matching else list(range(len(lines)))
    return matching if product_conditions and matching else None


def rule_discounts(rule: CartRule, lines: list[RuleLine], eligible: list[int], decimals: int) -> dict[int, Decimal]:
    amount = Decimal(rule.discount_amount)
    discounts = {}
    if rule.action_type == "cart_fixed":
        return share(amount, {i: lines[i].base_total for i in eligible}, decimals)
    for i in eligible:
        line = lines[i]
        units = min(line.quantity, rule.discount_quantity) if rule.discount_quantity else line.quantity
        if rule.action_type == "by_percent":
            value = line.base_unit_price * units * min(amount, HUNDRED) / HUNDRED
        elif rule.action_type == "by_fixed":
            value = min(amount, line.base_unit_price) * units
        elif rule.action_type == "buy_x_get_y":
            step, free = max(rule.discount_step, 1), int(amount)
            value = line.base_unit_price * ((line.quantity // (step + free)) * free if free > 0 else 0)
        else:
            value = Decimal(0)
        discounts[i] = round_money(value, decimals)
    return discounts


def share(amount: Decimal, totals: dict[int, Decimal], decimals: int) -> dict[int, Decimal]:
    """Split `amount` (capped at the sum) over the lines in proportion; the shares add up exactly."""
    whole = sum(totals.values(), Decimal(0))
    if whole <= 0:
        return {}
    amount = min(amount, whole)
    shares, given = {}, Decimal(0)
    indexes = list(totals)
    for i in indexes[:-1]:
        shares[i] = round_money(amount * totals[i] / whole, decimals)
        given += shares[i]
    shares[indexes[-1]] = amount - given
    return shares


def holds(actual, condition: dict) -> bool:
    operator, expected = condition.get("operator", "=="), condition.get("value")
    if isinstance(actual, (list, tuple, set)):
        matches = any(compare(value, operator.lstrip("!"), expected) for value in actual)
        return not matches if operator.startswith("!") else matches
    return compare(actual, operator, expected)


def compare(actual, operator: str, expected) -> bool:
    if operator in ("()", "!()"):
        options = expected if isinstance(expected, list) else str(expected).split(",")
        found = any(same(actual, option) for option in options)
        return found if operator == "()" else not found
    if operator in ("{}", "!{}"):
        found = str(expected).strip().lower() in str(actual if actual is not None else "").lower()
        return found if operator == "{}" else not found
    if operator in ("==", "!="):
        return same(actual, expected) == (operator == "==")
    try:
        left, right = Decimal(str(actual)), Decimal(str(expected))
    except Exception:
        return False
    return {">": left > right, ">=": left >= right, "<": left < right, "<=": left <= right}.get(operator, False)


def same(actual, expected) -> bool:
    try:
        return Decimal(str(actual)) == Decimal(str(expected))
    except Exception:
        return str(actual if actual is not None else "").strip().lower() == str(expected).strip().lower()


# --- validity -------------------------------------------------------------

def rule_problem(rule: CartRule, facts: CartFacts) -> str | None:
    now = utcnow()
    if not rule.status or (rule.starts_from and rule.starts_from > now) or (rule.ends_till and rule.ends_till < now):
        return "The coupon code has expired."
    if rule.channel_codes and facts.channel_code not in rule.channel_codes:
        return "The coupon code is not valid in this channel."
    if rule.customer_group_codes and facts.customer_group_code not in rule.customer_group_codes:
        return "The coupon code is not valid for your customer group."
    if rule.uses_per_customer and facts.customer_id:
        used = (CartRuleCustomer.select(CartRuleCustomer.times_used)
                .where(CartRuleCustomer.cart_rule == rule.id, CartRuleCustomer.customer == facts.customer_id)
                .scalar() or 0)
        if used >= rule.uses_per_customer:
            return "You have already used this promotion the maximum number of times."
    return None


def coupon_problem(coupon: CartRuleCoupon, facts: CartFacts) -> str | None:
    if coupon.expired_at and coupon.expired_at < utcnow():
        return "The coupon code has expired."
    if coupon.usage_limit and coupon.times_used >= coupon.usage_limit:
        return USED_UP
    if coupon.usage_per_customer and facts.customer_id:
        used = (CartRuleCouponUsage.select(CartRuleCouponUsage.times_used)
                .where(CartRuleCouponUsage.coupon == coupon.id, CartRuleCouponUsage.customer == facts.customer_id)
                .scalar() or 0)
        if used >= coupon.usage_per_customer:
            return "You have already used this coupon the maximum number of times."
    return rule_problem(coupon.cart_rule, facts)


def find_coupon(code: str) -> CartRuleCoupon | None:
    return (CartRuleCoupon.select(CartRuleCoupon, CartRule).join(CartRule)
            .where(CartRuleCoupon.code == code.strip(), CartRule.coupon_type == WITH_COUPON).first())


def coupon_or_error(code: str, facts: CartFacts) -> CartRuleCoupon:
    """The coupon when it exists and may be used now; else the documented 404 / 422."""
    coupon = find_coupon(code or "")
    if coupon is None:
        raise ApiError(404, f'The coupon code "{(code or "").strip()}" does not exist.', "coupon_not_found")
    problem = coupon_problem(coupon, facts)
    if problem:
        raise ApiError(422, "The coupon code cannot be applied.", "coupon_invalid", {"couponCode": [problem]})
    return coupon


def conditions_not_met() -> ApiError:
    return ApiError(400, CONDITIONS_NOT_MET, "coupon_conditions_not_met")


class CouponUnavailable(ApiError):
    """Place-order: the cart's coupon can no longer be used. The order is refused (nothing is written)
    rather than placed without the discount the cart showed."""
    def __init__(self, code: str, reason: str):
        super().__init__(422, f'The coupon code "{code}" can no longer be used.', "coupon_invalid",
                         {"couponCode": [reason]})


def coupon_refusal(coupon: CartRuleCoupon | None, facts: CartFacts) -> str:
    """Why a cart's coupon is not applied to the cart as it is now."""
    if coupon is None:
        return NO_LONGER_EXISTS
    return coupon_problem(coupon, facts) or CONDITIONS_NOT_MET


def consume_usage(applied_rule_ids: list[int], coupon_code: str | None, customer_id: int | None):
    """Count the uses of an order's rules and coupon; inside the place-order transaction.
    A coupon used up meanwhile by another order (the conditional UPDATE takes no use beyond the limit)
    fails the placement with 422 CouponUnavailable, and the transaction rolls back."""
    if not applied_rule_ids and not coupon_code:
        return
    with database.atomic():
        if applied_rule_ids:
            CartRule.update(times_used=CartRule.times_used + 1).where(CartRule.id.in_(applied_rule_ids)).execute()
            if customer_id:
                for rule_id in applied_rule_ids:
                    increment_usage(CartRuleCustomer, {"cart_rule": rule_id, "customer": customer_id})
        if coupon_code:
            coupon = find_coupon(coupon_code)
            if coupon is None:
                raise CouponUnavailable(coupon_code, NO_LONGER_EXISTS)
            taken = (CartRuleCoupon.update(times_used=CartRuleCoupon.times_used + 1)
                     .where(CartRuleCoupon.id == coupon.id,
                            (CartRuleCoupon.usage_limit == 0) | (CartRuleCoupon.times_used < CartRuleCoupon.usage_limit))
                     .execute())
            if not taken:
                raise CouponUnavailable(coupon_code, USED_UP)
            if customer_id:
                increment_usage(CartRuleCouponUsage, {"coupon": coupon.id, "customer": customer_id})


def increment_usage(model, key: dict):
    conditions = [getattr(model, name) == value for name, value in key.items()]
    if not model.update(times_used=model.times_used + 1).where(*conditions).execute():
        model.create(**key, times_used=1)
