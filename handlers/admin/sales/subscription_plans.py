"""Admin subscription plans: /api/admin/subscription-plans (CRUD); GraphQL adminSubscriptionPlan(s),
createAdminSubscriptionPlan, updateAdminSubscriptionPlan, deleteAdminSubscriptionPlan.

A plan makes a product (or a configurable product's variant) sold by subscription: a checkout line of it
starts one (domain/sales/subscriptions.py). One plan per product; subscriptions copy the plan's terms.
"""
from decimal import Decimal

from domain.common import iso, json_number
from domain.errors import Unprocessable
from handlers.admin.crud import AdminResource, exact, partial
from storage.models import Product, ProductTranslation
from storage.subscription_models import SubscriptionPlan

SELLABLE_TYPES = ("simple", "virtual", "downloadable", "configurable")
COLUMNS = ("name", "interval_unit", "interval_count", "trial_days", "billing_cycles", "status")


def plan_documents(rows: list[SubscriptionPlan], context) -> list[dict]:
    products = {product.id: product for product in Product.select(Product.id, Product.sku, Product.type)
                .where(Product.id.in_([row.product_id for row in rows]))} if rows else {}
    names = product_names(list(products))
    return [{"id": row.id, "productId": row.product_id, "productName": names.get(row.product_id, ""),
             "productSku": products[row.product_id].sku if row.product_id in products else "",
             "name": row.name, "intervalUnit": row.interval_unit, "intervalCount": row.interval_count,
             "trialDays": row.trial_days, "billingCycles": row.billing_cycles, "price": json_number(row.price),
             "status": bool(row.status), "createdAt": iso(row.created_at), "updatedAt": iso(row.updated_at)}
            for row in rows]


def product_names(product_ids: list[int]) -> dict[int, str]:
    names = {}
    for row in (ProductTranslation.select(ProductTranslation.product, ProductTranslation.name)
                .where(ProductTranslation.product.in_(product_ids)).order_by(ProductTranslation.id)):
        names.setdefault(row.product_id, row.name or "")
    return names


def plan_values(body: dict, row) -> dict:
    values = {key: body[key] for key in COLUMNS if key in body}
    if "price" in body:
        values["price"] = Decimal(str(body["price"])).quantize(Decimal("0.0001"))
    if row is None:
        values["product"] = body["product_id"]
        values.setdefault("interval_count", 1)
    return values


def refuse_unsellable(changes: dict, body: dict):
    if "product_id" not in body:
        return
    product = Product.get_or_none(Product.id == body["product_id"])
    if product is None:
        raise Unprocessable({"product_id": ["The selected product id is invalid."]})
    if product.type not in SELLABLE_TYPES:
        raise Unprocessable({"product_id": [f"A {product.type} product cannot be sold by subscription."]})
    if SubscriptionPlan.select().where(SubscriptionPlan.product == product.id).exists():
        raise Unprocessable({"product_id": ["The product already has a subscription plan."]})


class PlanResource(AdminResource):
    def check(self, changes: dict, body: dict, row):
        if row is None:
            refuse_unsellable(changes, body)
        super().check(changes, body, row)


plans = PlanResource(
    model=SubscriptionPlan, label="Subscription plan", plural="Subscription plans", documents=plan_documents,
    filters={"product_id": exact(SubscriptionPlan.product), "interval_unit": exact(SubscriptionPlan.interval_unit),
             "name": partial(SubscriptionPlan.name)},
    sorts={"id": SubscriptionPlan.id, "name": SubscriptionPlan.name, "price": SubscriptionPlan.price,
           "product_id": SubscriptionPlan.product},
    unique=("product_id",), immutable=("product_id",), values=plan_values,
)

list_admin_subscription_plans = plans.list_handler()
get_admin_subscription_plan = plans.get_handler()
create_admin_subscription_plan = plans.create_handler()
update_admin_subscription_plan = plans.update_handler()
delete_admin_subscription_plan = plans.delete_handler()
