"""Admin cart-rule coupons: /api/admin/marketing/cart-rules/{cartRuleId}/coupons (list, create, generate,
delete, mass delete); GraphQL adminMarketingCartRuleCoupons and its mutations.

Every coupon belongs to one rule; a coupon id of another rule is 404 (delete) or skipped (mass delete).
Codes are unique across every rule (a database constraint): a taken code is 422 `code`, generated
codes are drawn again (`domain/promotions/coupons.py`). The shop's apply-coupon accepts a new code at
once, within the coupon's and the rule's limits.
"""
import datetime

from peewee import IntegrityError

from domain.access import created
from domain.common import Page, RequestContext, Window
from domain.errors import NotFound, Unprocessable
from domain.promotions import coupons, shorthand
from handlers.admin.crud import refuse_nul, taken
from handlers.admin.marketing.cart_rules import create_admin_cart_rule, everyone
from storage.db import database
from storage.sales_models import CartRule, CartRuleCoupon

DEFAULT_LENGTH, DEFAULT_FORMAT = 12, "alphanumeric"


def coupon_document(row: CartRuleCoupon) -> dict:
    return {"id": row.id, "cartRuleId": row.cart_rule_id, "code": row.code,
            "usageLimit": row.usage_limit, "usagePerCustomer": row.usage_per_customer,
            "timesUsed": row.times_used, "expiredAt": row.expired_at.date().isoformat() if row.expired_at else None,
            "createdAt": row.created_at.strftime("%Y-%m-%dT%H:%M:%S+00:00") if row.created_at else None}


def find_rule(cart_rule_id: int) -> CartRule:
    rule = CartRule.get_or_none(CartRule.id == cart_rule_id)
    if rule is None:
        raise NotFound("Cart rule")
    return rule


def list_admin_cart_rule_coupons(context: RequestContext, cart_rule_id: int, window: Window | None = None):
    """The rule's coupons, newest first: a page (REST) or all of them (the GraphQL list)."""
    find_rule(cart_rule_id)
    query = (CartRuleCoupon.select().where(CartRuleCoupon.cart_rule == cart_rule_id)
             .order_by(CartRuleCoupon.id.desc()))
    if window is None:
        return [coupon_document(row) for row in query]
    return Page([coupon_document(row) for row in query.offset(window.offset).limit(window.limit)], query.count())


def coupon_rows(query) -> list[dict]:
    """Coupons with what their rule gives (the rule joined: one query)."""
    today = datetime.datetime.utcnow()
    rows = []
    for row in query.select_extend(CartRule).join(CartRule, on=(CartRuleCoupon.cart_rule == CartRule.id)):
        rule = row.cart_rule
        ends = row.expired_at or rule.ends_till
        usable = (rule.status and (ends is None or ends >= today)
                  and (rule.starts_from is None or rule.starts_from <= today))
        rows.append({**coupon_document(row), "description": rule.description or "",
                     "discountType": rule.action_type, "discountValue": f"{rule.discount_amount:.4f}",
                     "usageCount": row.times_used, "status": bool(usable),
                     "startDate": rule.starts_from.date().isoformat() if rule.starts_from else None,
                     "endDate": ends.date().isoformat() if ends else None})
    return rows


def list_admin_coupons(context: RequestContext, window: Window) -> Page:
    """Every coupon, newest first, with its rule."""
    query = CartRuleCoupon.select().order_by(CartRuleCoupon.id.desc()).offset(window.offset).limit(window.limit)
    return Page(coupon_rows(query), CartRuleCoupon.select().count())


# the rule's fields under the coupon's names, for the errors of createAdminCoupon
RULE_FIELDS = {"coupon_code": "code", "action_type": "discount_type", "discount_amount": "discount_value",
               "ends_till": "expired_at", "uses_per_customer": "usage_per_customer",
               "conditions.0.value": "min_order_amount"}


def create_admin_coupon(context: RequestContext, body: dict):
    """A coupon and the cart rule that gives its discount, in one transaction."""
    refuse_nul(body)
    code = body["code"].strip()
    defaults = everyone()
    rule = {"name": body.get("description") or code, "description": body.get("description"),
            "channels": body.get("channels") or defaults["channels"],
            "customer_groups": body.get("customer_groups") or defaults["customerGroups"],
            "coupon_type": 2, "coupon_code": code, "uses_per_customer": body.get("usage_per_customer") or 0,
            "action_type": shorthand.action_type(body["discount_type"]),
            "discount_amount": float(body["discount_value"]), "status": body.get("status", 1),
            "starts_from": body.get("starts_from"), "ends_till": body.get("expired_at"),
            "conditions": [{"attribute": "cart|base_sub_total", "operator": ">=",
                            "value": shorthand.number_or_text(body["min_order_amount"])}]
            if body.get("min_order_amount") else []}
    with database.atomic():
        try:
            document, _ = create_admin_cart_rule(context, rule)
        except Unprocessable as error:
            raise Unprocessable({RULE_FIELDS.get(key, key): messages for key, messages in error.errors.items()}) \
                from None
        CartRuleCoupon.update(usage_limit=body.get("usage_limit") or 0).where(
            CartRuleCoupon.cart_rule == document["id"]).execute()
    return created(coupon_rows(CartRuleCoupon.select().where(CartRuleCoupon.cart_rule == document["id"]))[0])


def create_admin_cart_rule_coupon(context: RequestContext, cart_rule_id: int, body: dict):
    refuse_nul(body)
    code = body["code"].strip()
    with database.atomic():
        rule = find_rule(cart_rule_id)
        if CartRuleCoupon.select().where(CartRuleCoupon.code == code).exists():
            raise Unprocessable({"code": [taken("code")]})
        expires = last_second(body.get("expired_at"))
        try:
            with database.atomic():
                coupon = CartRuleCoupon.create(
                    cart_rule=rule.id, code=code, usage_limit=body.get("usage_limit") or 0,
                    usage_per_customer=body.get("usage_per_customer") or 0, expired_at=expires)
        except IntegrityError:
            raise Unprocessable({"code": [taken("code")]}) from None
    return created(coupon_document(CartRuleCoupon.get_by_id(coupon.id)))


def last_second(day: str | None) -> datetime.datetime | None:
    """`expired_at` (YYYY-MM-DD): the coupon stays valid through that whole day (UTC)."""
    if not day:
        return None
    try:
        return datetime.datetime.combine(datetime.date.fromisoformat(day), datetime.time(23, 59, 59))
    except ValueError:
        raise Unprocessable({"expired_at": ["The value must be a date (YYYY-MM-DD)."]}) from None


def generate_admin_cart_rule_coupons(context: RequestContext, cart_rule_id: int, body: dict) -> dict:
    """`coupon_qty` new unique codes (`length`, `format`, `prefix`, `suffix`, or their `code_` forms)."""
    length = body.get("length", body.get("code_length"))
    code_format = body.get("format", body.get("code_format"))
    prefix = body.get("prefix", body.get("code_prefix")) or ""
    suffix = body.get("suffix", body.get("code_suffix")) or ""
    errors = {name: [f"The {name.replace('_', ' ')} field is required."]
              for name, value in (("length", length), ("format", code_format), ("coupon_qty", body.get("coupon_qty")))
              if value is None}
    if errors:
        raise Unprocessable(errors)
    rule = find_rule(cart_rule_id)
    made = coupons.generate(rule, body["coupon_qty"], length, code_format, prefix, suffix)
    return {"id": rule.id, "cartRuleId": rule.id, "generated": len(made),
            "coupons": [{"id": coupon.id, "code": coupon.code} for coupon in made],
            "success": True, "message": f"Generated {len(made)} coupons."}


def mass_delete_admin_cart_rule_coupons(context: RequestContext, cart_rule_id: int, body: dict) -> dict:
    """Deletes the listed coupons of this rule; other ids (unknown, or another rule's) are `skipped`."""
    wanted = sorted(set(body["indices"]))
    with database.atomic():
        find_rule(cart_rule_id)
        own = [row.id for row in CartRuleCoupon.select(CartRuleCoupon.id)
               .where(CartRuleCoupon.id.in_(wanted), CartRuleCoupon.cart_rule == cart_rule_id)]
        if own:
            CartRuleCoupon.delete().where(CartRuleCoupon.id.in_(own)).execute()
    return {"cartRuleId": cart_rule_id, "deleted": len(own), "skipped": [key for key in wanted if key not in own],
            "success": True, "message": f"Deleted {len(own)} coupons."}


def find_coupon(cart_rule_id: int | None, coupon_id: int) -> CartRuleCoupon:
    query = CartRuleCoupon.select().where(CartRuleCoupon.id == coupon_id)
    if cart_rule_id is not None:
        query = query.where(CartRuleCoupon.cart_rule == cart_rule_id)
    coupon = query.first()
    if coupon is None:
        raise NotFound("Coupon")
    return coupon


def delete_admin_cart_rule_coupon(context: RequestContext, cart_rule_id: int, id: int) -> dict:
    with database.atomic():
        find_rule(cart_rule_id)
        coupon = find_coupon(cart_rule_id, id)
        CartRuleCoupon.delete().where(CartRuleCoupon.id == coupon.id).execute()
    return {"message": "Coupon deleted."}


def get_admin_cart_rule_coupon(context: RequestContext, id: int) -> dict:
    return coupon_document(find_coupon(None, id))


def delete_admin_coupon(context: RequestContext, id: int) -> dict:
    with database.atomic():
        coupon = find_coupon(None, id)
        CartRuleCoupon.delete().where(CartRuleCoupon.id == coupon.id).execute()
    return {"message": "Coupon deleted."}
