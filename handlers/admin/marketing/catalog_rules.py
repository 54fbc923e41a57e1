"""Admin catalog rules: /api/admin/marketing/catalog-rules (CRUD, mass delete); GraphQL adminMarketingCatalogRule(s).

A request only writes the rule and then queues the price-index rebuild (`domain/promotions/tasks.py`),
after its transaction has committed; the shop's prices change when the job has run
(`domain/promotions/price_index.py` computes them, `domain/sales/pricing.py` reads them).
"""
import datetime
import functools
from decimal import Decimal

from domain.errors import Unprocessable
from domain.promotions.conditions import check_conditions
from domain.promotions.price_index import ACTIONS
from domain.promotions.rules import amount_errors, day_text, missing_ids, moment_filter
from domain.promotions.tasks import queue_rebuild
from handlers.admin.crud import AdminResource, exact, flag, id_list, partial, plain_value
from storage.models import Channel, CustomerGroup
from storage.promotion_models import CatalogRule

PLAIN = ("name", "sort_order", "condition_type", "action_type")
FLAGS = ("status", "end_other_rules")


def catalog_rule_document(row: CatalogRule) -> dict:
    return {"id": row.id, "name": row.name, "description": row.description or "",
            "startsFrom": day_text(row.starts_from), "endsTill": day_text(row.ends_till), "status": int(row.status),
            "sortOrder": row.sort_order, "conditionType": row.condition_type, "conditions": list(row.conditions or []),
            "endOtherRules": int(row.end_other_rules), "actionType": row.action_type,
            "discountAmount": plain_value(Decimal(row.discount_amount)),
            "channels": list(row.channel_ids or []), "customerGroups": list(row.customer_group_ids or []),
            "createdAt": plain_value(row.created_at), "updatedAt": plain_value(row.updated_at)}


def catalog_rule_values(body: dict, row: CatalogRule | None) -> dict:
    errors: dict = {}
    values = {key: body[key] for key in PLAIN if key in body and body[key] is not None}
    values.update({key: bool(body[key]) for key in FLAGS if key in body and body[key] is not None})
    if "description" in body:
        values["description"] = body["description"] or ""
    for key in ("starts_from", "ends_till"):
        if key in body:
            try:
                values[key] = datetime.date.fromisoformat(body[key]) if body[key] else None
            except ValueError:
                errors[key] = ["The value must be a date (YYYY-MM-DD)."]
    if body.get("discount_amount") is not None:
        values["discount_amount"] = Decimal(str(body["discount_amount"]))
    if body.get("channels") is not None:
        errors.update(missing_ids(Channel, body["channels"], "channels"))
        values["channel_ids"] = list(dict.fromkeys(body["channels"]))
    if body.get("customer_groups") is not None:
        errors.update(missing_ids(CustomerGroup, body["customer_groups"], "customer_groups"))
        values["customer_group_ids"] = list(dict.fromkeys(body["customer_groups"]))
    starts = values.get("starts_from", row.starts_from if row else None)
    ends = values.get("ends_till", row.ends_till if row else None)
    if starts and ends and ends < starts and not errors.keys() & {"starts_from", "ends_till"}:
        errors["ends_till"] = ["The end must not be before the start."]
    if body.get("conditions") is not None:
        try:
            values["conditions"] = check_conditions(body["conditions"], ("product",))
        except Unprocessable as problem:
            errors.update(problem.errors)
    action = values.get("action_type", row.action_type if row else None)
    if action is not None and action not in ACTIONS:
        errors["action_type"] = [f"The action type must be one of: {', '.join(ACTIONS)}."]
    amount = values.get("discount_amount", row.discount_amount if row else None)
    errors.update(amount_errors(action, amount, ("by_percent", "to_percent")))
    if errors:
        raise Unprocessable(errors)
    return values


catalog_rules = AdminResource(
    model=CatalogRule, label="Catalog rule", plural="Catalog rules",
    document=catalog_rule_document,
    filters={"id": id_list(CatalogRule.id), "name": partial(CatalogRule.name), "status": flag(CatalogRule.status),
             "sort_order": exact(CatalogRule.sort_order),
             "starts_from_from": moment_filter(CatalogRule.starts_from, "starts_from_from", as_date=True),
             "starts_from_to": moment_filter(CatalogRule.starts_from, "starts_from_to", upper=True, as_date=True),
             "ends_till_from": moment_filter(CatalogRule.ends_till, "ends_till_from", as_date=True),
             "ends_till_to": moment_filter(CatalogRule.ends_till, "ends_till_to", upper=True, as_date=True)},
    sorts={"id": CatalogRule.id, "name": CatalogRule.name, "sort_order": CatalogRule.sort_order},
    values=catalog_rule_values,
)


def reindexed(handler):
    """The write, then (once it has committed) the price-index rebuild queued for the consumer."""
    @functools.wraps(handler)
    def write(*args, **kwargs):
        result = handler(*args, **kwargs)
        queue_rebuild()
        return result
    return write


list_admin_catalog_rules = catalog_rules.list_handler()
get_admin_catalog_rule = catalog_rules.get_handler()
create_admin_catalog_rule = reindexed(catalog_rules.create_handler())
update_admin_catalog_rule = reindexed(catalog_rules.update_handler())
delete_admin_catalog_rule = reindexed(catalog_rules.delete_handler())
mass_delete_admin_catalog_rules = reindexed(catalog_rules.mass_delete_handler())
