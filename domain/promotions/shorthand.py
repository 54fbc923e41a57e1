"""The short names the GraphQL overview (graphql-api/admin-api.md) gives promotions and coupons, turned
into what the cart-rule engine reads: discount types (`discount_percentage`, `percentage` ->
`by_percent`), condition attributes without a scope (`subtotal` -> `cart|base_sub_total`) and
operators by name (`gt` -> `>`). Anything else passes as it is, for the rule's own checks to judge."""
from decimal import Decimal, InvalidOperation

from domain.promotions.conditions import CART_ATTRIBUTES

ACTIONS = {"discount_percentage": "by_percent", "percentage": "by_percent", "percent": "by_percent",
           "discount_fixed": "by_fixed", "fixed": "by_fixed", "fixed_amount": "by_fixed",
           "cart_fixed_amount": "cart_fixed"}
ATTRIBUTES = {"subtotal": "base_sub_total", "quantity": "total_qty", "items": "total_items", "weight": "total_weight"}
OPERATORS = {"eq": "==", "neq": "!=", "gt": ">", "gte": ">=", "lt": "<", "lte": "<=", "contains": "{}",
             "not_contains": "!{}", "in": "()", "not_in": "!()"}


def action_type(name):
    return ACTIONS.get(name, name)


def number_or_text(value):
    """`"100"` compares as the number 100."""
    if not isinstance(value, str):
        return value
    try:
        number = Decimal(value)
    except InvalidOperation:
        return value
    return int(number) if number == number.to_integral_value() else float(number)


def condition(item):
    if not isinstance(item, dict):
        return item
    attribute = item.get("attribute")
    if isinstance(attribute, str) and "|" not in attribute:
        name = ATTRIBUTES.get(attribute, attribute)
        attribute = f"cart|{name}" if name in CART_ATTRIBUTES else f"product|{name}"
    converted = {**item, "attribute": attribute}
    if "operator" in item:
        converted["operator"] = OPERATORS.get(item["operator"], item["operator"])
    if "value" in item:
        converted["value"] = number_or_text(item["value"])
    return converted
