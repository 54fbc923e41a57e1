"""Admin cart rules: /api/admin/marketing/cart-rules (CRUD, mass delete, copy); GraphQL adminMarketingCartRule(s).

The admin writes what the shop's cart-rule engine (`domain/sales/cart_rules.py`) reads: channels and
customer groups arrive as ids and are stored as the codes the engine compares, conditions are checked
against the attributes and operators it understands, dates are naive UTC (a date alone for `ends_till`
lasts the whole day). `coupon_code` keeps the rule's primary (first) coupon; more coupons are managed
under /cart-rules/{cartRuleId}/coupons. The cart applies a change on its next read.
"""
from decimal import Decimal

from peewee import IntegrityError, fn

from domain.common import RequestContext
from domain.errors import Unprocessable
from domain.promotions import shorthand
from domain.promotions.rules import (
    amount_errors, channel_codes, group_codes, ids_by_code, missing_ids, moment_filter, window_and_conditions,
)
from handlers.admin.crud import AdminResource, exact, flag, id_list, partial, plain_value, taken
from storage.db import database
from storage.models import Channel, CustomerGroup, utcnow
from storage.sales_models import CartRule, CartRuleCoupon

PLAIN = ("name", "coupon_type", "uses_per_customer", "action_type", "discount_quantity", "discount_step",
         "sort_order", "condition_type")
FLAGS = ("status", "apply_to_shipping", "free_shipping", "end_other_rules")


def primary_codes(rule_ids: list[int]) -> dict[int, str]:
    """{rule id: code of its first coupon}, one query."""
    first = (CartRuleCoupon.select(CartRuleCoupon.cart_rule, fn.MIN(CartRuleCoupon.id).alias("first_id"))
             .where(CartRuleCoupon.cart_rule.in_(rule_ids)).group_by(CartRuleCoupon.cart_rule))
    ids = [row.first_id for row in first]
    return {row.cart_rule_id: row.code for row in CartRuleCoupon.select().where(CartRuleCoupon.id.in_(ids))} if ids else {}


def cart_rule_documents(rows: list[CartRule], context: RequestContext | None = None) -> list[dict]:
    codes = primary_codes([row.id for row in rows]) if rows else {}
    channels, groups = ids_by_code()
    return [{
        "id": row.id, "name": row.name, "description": row.description or "", "status": int(row.status),
        "couponType": row.coupon_type, "couponCode": codes.get(row.id), "usesPerCustomer": row.uses_per_customer,
        "timesUsed": row.times_used, "startsFrom": plain_value(row.starts_from), "endsTill": plain_value(row.ends_till),
        "conditionType": row.condition_type, "conditions": list(row.conditions or []),
        "actionType": row.action_type, "discountAmount": plain_value(Decimal(row.discount_amount)),
        "discountQuantity": row.discount_quantity, "discountStep": row.discount_step,
        "applyToShipping": int(row.apply_to_shipping), "freeShipping": int(row.free_shipping),
        "endOtherRules": int(row.end_other_rules), "sortOrder": row.sort_order,
        "channels": [channels[code] for code in row.channel_codes or [] if code in channels],
        "customerGroups": [groups[code] for code in row.customer_group_codes or [] if code in groups],
        "createdAt": plain_value(row.created_at), "updatedAt": plain_value(row.updated_at),
    } for row in rows]


def cart_rule_values(body: dict, row: CartRule | None) -> dict:
    """Columns to write; every problem of the body at once (422)."""
    errors: dict = {}
    values = {key: body[key] for key in PLAIN if key in body and body[key] is not None}
    values.update({key: bool(body[key]) for key in FLAGS if key in body and body[key] is not None})
    if "description" in body:
        values["description"] = body["description"] or ""
    if body.get("discount_amount") is not None:
        values["discount_amount"] = Decimal(str(body["discount_amount"]))
    if body.get("channels") is not None:
        errors.update(missing_ids(Channel, body["channels"], "channels"))
        values["channel_codes"] = channel_codes(body["channels"])
    if body.get("customer_groups") is not None:
        errors.update(missing_ids(CustomerGroup, body["customer_groups"], "customer_groups"))
        values["customer_group_codes"] = group_codes(body["customer_groups"])
    window_and_conditions(body, row, values, errors)
    action = values.get("action_type", row.action_type if row else None)
    amount = values.get("discount_amount", row.discount_amount if row else None)
    errors.update(amount_errors(action, amount, ("by_percent",)))
    if errors:
        raise Unprocessable(errors)
    return values


def keep_primary_coupon(row: CartRule, body: dict, is_new: bool):
    """`coupon_code`: the code of the rule's first coupon (created when the rule has none)."""
    code = (body.get("coupon_code") or "").strip()
    if not code:
        return
    first = CartRuleCoupon.select().where(CartRuleCoupon.cart_rule == row.id).order_by(CartRuleCoupon.id).first()
    if first is not None and first.code == code:
        return
    clash = CartRuleCoupon.select().where(CartRuleCoupon.code == code)
    if first is not None:
        clash = clash.where(CartRuleCoupon.id != first.id)
    if clash.exists():
        raise Unprocessable({"coupon_code": [taken("coupon_code")]})
    try:
        with database.atomic():
            if first is None:
                CartRuleCoupon.create(cart_rule=row.id, code=code, usage_per_customer=row.uses_per_customer,
                                      expired_at=row.ends_till)
            else:
                CartRuleCoupon.update(code=code, updated_at=utcnow()).where(CartRuleCoupon.id == first.id).execute()
    except IntegrityError:
        raise Unprocessable({"coupon_code": [taken("coupon_code")]}) from None


def coupon_code_filter(value):
    return CartRule.id.in_(CartRuleCoupon.select(CartRuleCoupon.cart_rule).where(CartRuleCoupon.code.contains(value)))


cart_rules = AdminResource(
    model=CartRule, label="Cart rule", plural="Cart rules",
    documents=cart_rule_documents,
    filters={"id": id_list(CartRule.id), "name": partial(CartRule.name), "status": flag(CartRule.status),
             "coupon_type": exact(CartRule.coupon_type), "coupon_code": coupon_code_filter,
             "sort_order": exact(CartRule.sort_order),
             "starts_from_from": moment_filter(CartRule.starts_from, "starts_from_from"),
             "starts_from_to": moment_filter(CartRule.starts_from, "starts_from_to", upper=True),
             "ends_till_from": moment_filter(CartRule.ends_till, "ends_till_from"),
             "ends_till_to": moment_filter(CartRule.ends_till, "ends_till_to", upper=True)},
    sorts={"id": CartRule.id, "name": CartRule.name, "sort_order": CartRule.sort_order},
    values=cart_rule_values, after_save=keep_primary_coupon,
)

list_admin_cart_rules = cart_rules.list_handler()
get_admin_cart_rule = cart_rules.get_handler()
create_admin_cart_rule = cart_rules.create_handler()
update_admin_cart_rule = cart_rules.update_handler()
delete_admin_cart_rule = cart_rules.delete_handler()
mass_delete_admin_cart_rules = cart_rules.mass_delete_handler()

COPIED = ("description", "starts_from", "ends_till", "coupon_type", "uses_per_customer", "condition_type",
          "conditions", "action_type", "discount_amount", "discount_quantity", "discount_step", "apply_to_shipping",
          "free_shipping", "end_other_rules", "sort_order", "customer_group_codes", "channel_codes")


def copy_admin_cart_rule(context: RequestContext, id: int, body: dict | None = None) -> dict:
    """A new inactive rule named `Copy of <name>` with every setting of the source; no coupons, no uses."""
    with database.atomic():
        source = cart_rules.find(id)
        copy = CartRule.create(name=f"Copy of {source.name}", status=False,
                               **{name: getattr(source, name) for name in COPIED})
    return cart_rule_documents([CartRule.get_by_id(copy.id)], context)[0]


def everyone() -> dict:
    """Every channel and customer group: what a promotion named without them applies to."""
    return {"channels": [key for (key,) in Channel.select(Channel.id).order_by(Channel.id).tuples()],
            "customerGroups": [key for (key,) in CustomerGroup.select(CustomerGroup.id).order_by(CustomerGroup.id)
                               .tuples()]}


def promotion_fields(fields: dict) -> dict:
    """`createPromotion` (admin-api.md): a cart rule that applies without a coupon; its first action gives
    the discount (`{type: discount_percentage, value: "10"}`), conditions may use the short names."""
    rule_type = fields.pop("ruleType", None)
    if rule_type not in (None, "cart_rule"):
        raise Unprocessable({"ruleType": ["Only cart_rule promotions are created here (catalog rules: "
                                          "createAdminMarketingCatalogRule)."]})
    actions = fields.pop("actions", None) or []
    if len(actions) > 1:
        raise Unprocessable({"actions": ["A promotion has one action."]})
    if actions:
        fields.setdefault("actionType", shorthand.action_type(actions[0].get("type")))
        fields.setdefault("discountAmount", shorthand.number_or_text(actions[0].get("value")))
    if fields.get("conditions") is not None:
        fields["conditions"] = [shorthand.condition(item) for item in fields["conditions"]]
    return {**everyone(), "couponType": 1, **{key: value for key, value in fields.items() if value is not None}}


graphql_resolvers = {"AdminMarketingCartRule": {"ruleType": lambda _rule, _info: "cart_rule", "startDate": "startsFrom",
                                                "endDate": "endsTill", "priority": "sortOrder"}}
