"""Admin marketplace vendors: /api/admin/marketplace/vendors (list, detail), the decisions approve, reject,
suspend and reinstate, the commission override, the vendor users, the ledger and the performance figures;
GraphQL adminMarketplaceVendor(s) and their mutations (docs/marketplace.md)."""
from domain.common import Page, RequestContext, Window
from domain.marketplace import ledger, vendors
from handlers.admin.crud import AdminResource, exact, partial
from handlers.admin.marketplace.documents import ledger_page, performance_document, vendor_document, vendor_documents
from storage.marketplace_models import MarketplaceVendor

records = AdminResource(
    model=MarketplaceVendor, label="Vendor", plural="Vendors", documents=lambda rows, context: vendor_documents(rows),
    filters={"status": exact(MarketplaceVendor.status),
             "name": lambda value: MarketplaceVendor.name.contains(value) | MarketplaceVendor.business_name.contains(value),
             "email": partial(MarketplaceVendor.email)},
    sorts={"id": MarketplaceVendor.id, "name": MarketplaceVendor.name, "status": MarketplaceVendor.status,
           "created_at": MarketplaceVendor.created_at},
)

list_admin_marketplace_vendors = records.list_handler()
get_admin_marketplace_vendor = records.get_handler()


def approve_admin_marketplace_vendor(context: RequestContext, id: int, body: dict | None = None) -> dict:
    return vendor_document(vendors.decide(id, "approve", (body or {}).get("reason")))


def reject_admin_marketplace_vendor(context: RequestContext, id: int, body: dict | None = None) -> dict:
    return vendor_document(vendors.decide(id, "reject", (body or {}).get("reason")))


def suspend_admin_marketplace_vendor(context: RequestContext, id: int, body: dict | None = None) -> dict:
    return vendor_document(vendors.decide(id, "suspend", (body or {}).get("reason")))


def reinstate_admin_marketplace_vendor(context: RequestContext, id: int, body: dict | None = None) -> dict:
    return vendor_document(vendors.decide(id, "reinstate", (body or {}).get("reason")))


def update_admin_marketplace_vendor_commission(context: RequestContext, id: int, body: dict) -> dict:
    return vendor_document(vendors.set_commission(id, body.get("commission_percent")))


def add_admin_marketplace_vendor_user(context: RequestContext, id: int, body: dict) -> dict:
    return vendor_document(vendors.link_user(id, body["admin_user_id"]))


def remove_admin_marketplace_vendor_user(context: RequestContext, id: int, admin_user_id: int) -> dict:
    return vendor_document(vendors.unlink_user(id, admin_user_id))


def list_admin_marketplace_vendor_ledger(context: RequestContext, window: Window, id: int,
                                         type: str | None = None) -> Page:
    vendors.find_vendor(id)
    return ledger_page(ledger.entries(id, type), window)


def get_admin_marketplace_vendor_performance(context: RequestContext, id: int) -> dict:
    vendors.find_vendor(id)
    return performance_document(id)
