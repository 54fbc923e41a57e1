"""Checks a rule's conditions against what the rule engines understand (`domain/sales/cart_rules.py`
evaluates them for the cart, `domain/promotions/price_index.py` for catalog rules).

A condition is `{"attribute": "<scope>|<name>", "operator": ..., "value": ...}`. Cart rules accept
`cart|…` attributes (the cart's totals, methods and destination) and `product|…` attributes (sku,
type, price, attribute_family_id, category_ids or any attribute code of the catalog); catalog rules
accept the `product|…` ones. Each problem is reported under `conditions.<index>.<key>`.
"""
from domain.errors import Unprocessable
from storage.models import Attribute

CART_ATTRIBUTES = ("base_sub_total", "sub_total", "total_qty", "total_items", "total_weight", "payment_method",
                   "shipping_method", "postcode", "state", "country")
PRODUCT_ATTRIBUTES = ("sku", "type", "price", "attribute_family_id", "category_ids")
OPERATORS = ("==", "!=", ">", ">=", "<", "<=", "{}", "!{}", "()", "!()")
CONDITION_KEYS = ("attribute", "operator", "value", "attribute_type")


def condition_errors(conditions, scopes: tuple[str, ...], field: str = "conditions") -> dict:
    """{`conditions.<i>.<key>`: [message]} for every condition the engine would not understand."""
    if not isinstance(conditions, list):
        return {field: ["The conditions must be a list."]}
    errors = {}
    codes = None
    for index, condition in enumerate(conditions):
        where = f"{field}.{index}"
        if not isinstance(condition, dict):
            errors[where] = ["Each condition must be an object with attribute, operator and value."]
            continue
        unknown = sorted(set(condition) - set(CONDITION_KEYS))
        if unknown:
            errors[where] = [f"Unknown condition keys: {', '.join(unknown)}."]
        attribute = condition.get("attribute")
        scope, _, name = str(attribute or "").partition("|")
        if not isinstance(attribute, str) or not name or scope not in scopes:
            errors[f"{where}.attribute"] = [
                f"The attribute must be {' or '.join(s + '|<name>' for s in scopes)}."]
        elif scope == "cart" and name not in CART_ATTRIBUTES:
            errors[f"{where}.attribute"] = [f"Unknown cart attribute {name!r}; one of: {', '.join(CART_ATTRIBUTES)}."]
        elif scope == "product" and name not in PRODUCT_ATTRIBUTES:
            if codes is None:
                codes = {code for (code,) in Attribute.select(Attribute.code).tuples()}
            if name not in codes:
                errors[f"{where}.attribute"] = [f"Unknown product attribute {name!r}."]
        if condition.get("operator", "==") not in OPERATORS:
            errors[f"{where}.operator"] = [f"The operator must be one of: {', '.join(OPERATORS)}."]
        if "value" not in condition:
            errors[f"{where}.value"] = ["The value field is required."]
        elif not isinstance(condition["value"], (str, int, float, list)) or isinstance(condition["value"], bool):
            errors[f"{where}.value"] = ["The value must be a string, a number or a list."]
    return errors


def check_conditions(conditions, scopes: tuple[str, ...]) -> list[dict]:
    errors = condition_errors(conditions, scopes)
    if errors:
        raise Unprocessable(errors)
    return [{key: condition[key] for key in CONDITION_KEYS if key in condition} | {"operator": condition.get("operator", "==")}
            for condition in conditions]
