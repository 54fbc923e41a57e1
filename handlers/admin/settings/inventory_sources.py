"""Admin inventory sources: /api/admin/settings/inventory-sources (CRUD, mass delete);
GraphQL adminSettingsInventorySource(s) and mutations.

A source holds stock (product inventories); carts and orders take stock from active sources only. The last
source and a source that still holds stock or order allocations cannot be deleted; a mass delete
containing one is refused as a whole, and one naming ids that do not exist lists them in `skipped`.
"""
from handlers.admin.crud import AdminResource, Refusal, flag, partial, plain_document
from domain.common import camel_case, json_number
from storage.models import InventorySource, ProductInventory
from storage.sales_models import OrderItemInventory

DETAILS = ("description", "contact_name", "contact_email", "contact_number", "contact_fax", "country", "state",
           "city", "street", "postcode", "latitude", "longitude")
LAST_SOURCE = Refusal("The last remaining inventory source cannot be deleted.", "last_inventory_source")
IN_USE = Refusal("This inventory source holds product stock or order allocations and cannot be deleted.",
                 "inventory_source_in_use")

stored_fields = plain_document("id", "code", "name", "priority", "status")


def source_summary(row: InventorySource) -> dict:
    return {**stored_fields(row), "country": row.country, "city": row.city}


def source_detail(row: InventorySource, context) -> dict:
    details = {camel_case(key): getattr(row, key) for key in DETAILS}
    details["latitude"], details["longitude"] = json_number(row.latitude), json_number(row.longitude)
    return {**stored_fields(row), **details}


def source_values(body: dict, row) -> dict:
    values = {key: body[key] for key in ("code", "name", "priority", *DETAILS) if key in body}
    if values.get("country"):
        values["country"] = values["country"].upper()
    if "status" in body:
        values["status"] = bool(body["status"])
    return values


def refuse_source_delete(rows: list[InventorySource]) -> dict:
    ids = [row.id for row in rows]
    if not InventorySource.select().where(InventorySource.id.not_in(ids)).exists():
        return {ids[-1]: LAST_SOURCE}
    refusals = {}
    for link_model in (ProductInventory, OrderItemInventory):
        for link in link_model.select(link_model.inventory_source).where(link_model.inventory_source.in_(ids)).distinct():
            refusals.setdefault(link.inventory_source_id, IN_USE)
    return refusals


inventory_sources = AdminResource(
    model=InventorySource, label="Inventory source", plural="Inventory sources",
    document=source_summary, detail=source_detail,
    filters={"code": partial(InventorySource.code), "name": partial(InventorySource.name),
             "status": flag(InventorySource.status)},
    sorts={"id": InventorySource.id, "code": InventorySource.code, "name": InventorySource.name,
           "priority": InventorySource.priority, "status": InventorySource.status},
    unique=("code",), values=source_values, refuse_delete=refuse_source_delete,
)

list_admin_inventory_sources = inventory_sources.list_handler()
get_admin_inventory_source = inventory_sources.get_handler()
create_admin_inventory_source = inventory_sources.create_handler()
update_admin_inventory_source = inventory_sources.update_handler()
delete_admin_inventory_source = inventory_sources.delete_handler()
generic_mass_delete = inventory_sources.mass_delete_handler()


def mass_delete_admin_inventory_sources(context, body: dict) -> dict:
    """The whole batch is refused (400) when a guard refuses one id; ids that do not exist are
    left out and listed in `skipped` with their reason (the page shows `skipped`)."""
    result = generic_mass_delete(context, body)
    deleted = set(result["deleted"])
    return {**result, "skipped": [{"id": key, "reason": "Inventory source not found."}
                                  for key in dict.fromkeys(body["indices"]) if key not in deleted]}


graphql_resolvers = {"AdminSettingsInventorySource": {"address": "street", "zipCode": "postcode",
                                                      "phoneNumber": "contactNumber"}}
