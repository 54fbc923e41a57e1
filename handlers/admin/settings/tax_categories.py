"""Admin tax categories: /api/admin/settings/tax-categories (CRUD); GraphQL adminSettingsTaxCategory(ies).

A category groups tax rates (`taxrates`, re-synced on every write that sends it); products name a
category, and the shop's cart and checkout charge the matching rate of the product's category, so a
change shows in the next cart total. A category that still has rates cannot be deleted.
"""
from handlers.admin.crud import AdminResource, Refusal, partial
from domain.errors import Unprocessable
from storage.models import TaxCategory, TaxCategoryRate, TaxRate

HAS_RATES = Refusal("This tax category still has tax rates and cannot be deleted.", "tax_category_has_rates")


def rate_ids_by_category(category_ids: list[int]) -> dict[int, list[int]]:
    found = {key: [] for key in category_ids}
    for link in (TaxCategoryRate.select().where(TaxCategoryRate.tax_category.in_(category_ids))
                 .order_by(TaxCategoryRate.tax_rate)):
        found[link.tax_category_id].append(link.tax_rate_id)
    return found


def category_documents(rows: list[TaxCategory], context) -> list[dict]:
    rates = rate_ids_by_category([row.id for row in rows])
    return [{"id": row.id, "code": row.code, "name": row.name, "description": row.description,
             "taxRates": rates[row.id]} for row in rows]


def category_values(body: dict, row) -> dict:
    if "taxrates" in body:
        wanted = set(body["taxrates"])
        if TaxRate.select().where(TaxRate.id.in_(sorted(wanted))).count() != len(wanted):
            raise Unprocessable({"taxrates": ["The selected taxrates are invalid."]})
    return {key: body[key] for key in ("code", "name", "description") if key in body}


def sync_rates(row: TaxCategory, body: dict, is_new: bool):
    if "taxrates" in body:
        TaxCategoryRate.delete().where(TaxCategoryRate.tax_category == row.id).execute()
        TaxCategoryRate.insert_many([{"tax_category": row.id, "tax_rate": key}
                                     for key in sorted(set(body["taxrates"]))]).execute()


def refuse_category_delete(rows: list[TaxCategory]) -> dict:
    linked = TaxCategoryRate.select(TaxCategoryRate.tax_category).where(
        TaxCategoryRate.tax_category.in_([row.id for row in rows])).distinct()
    return {link.tax_category_id: HAS_RATES for link in linked}


tax_categories = AdminResource(
    model=TaxCategory, label="Tax category", plural="Tax categories",
    documents=category_documents,
    filters={"code": partial(TaxCategory.code), "name": partial(TaxCategory.name)},
    sorts={"id": TaxCategory.id, "code": TaxCategory.code, "name": TaxCategory.name},
    unique=("code",), values=category_values, after_save=sync_rates, refuse_delete=refuse_category_delete,
)

list_admin_tax_categories = tax_categories.list_handler()
get_admin_tax_category = tax_categories.get_handler()
create_admin_tax_category = tax_categories.create_handler()
update_admin_tax_category = tax_categories.update_handler()
delete_admin_tax_category = tax_categories.delete_handler()
