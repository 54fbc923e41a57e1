"""The vendor's own back office: /api/admin/marketplace/vendor/... for an admin user acting for a vendor.
Every operation starts from the caller's vendor (`vendors.caller_vendor_id`), so another vendor's rows
answer 404 like missing ones (docs/marketplace.md)."""
from domain.common import Page, RequestContext, Window
from domain.marketplace import ledger, sub_orders, vendors
from handlers.admin.marketplace.documents import (
    ledger_page, own_product_document, performance_document, sub_order_documents, sub_order_page, vendor_document,
)
from storage.models import Product


def get_admin_marketplace_own_vendor(context: RequestContext) -> dict:
    return vendor_document(vendors.caller_vendor(context))


def get_admin_marketplace_own_performance(context: RequestContext) -> dict:
    return performance_document(vendors.caller_vendor_id(context))


def list_admin_marketplace_own_products(context: RequestContext, window: Window, sku: str | None = None,
                                        name: str | None = None) -> Page:
    vendor_id = vendors.caller_vendor_id(context)
    if "\x00" in (sku or "") + (name or ""):
        return Page([], 0)
    query = vendors.vendor_products(vendor_id, sku, name)
    rows = list(query.order_by(Product.id).offset(window.offset).limit(window.limit))
    names = vendors.product_names([row.id for row in rows], context.locales)
    return Page([own_product_document(context, row, names) for row in rows], query.count())


def get_admin_marketplace_own_product(context: RequestContext, id: int) -> dict:
    product = vendors.vendor_product(vendors.caller_vendor_id(context), id)
    return own_product_document(context, product, vendors.product_names([product.id], context.locales))


def list_admin_marketplace_own_sub_orders(context: RequestContext, window: Window, status: str | None = None) -> Page:
    return sub_order_page(window, vendor_id=vendors.caller_vendor_id(context), status=status)


def get_admin_marketplace_own_sub_order(context: RequestContext, id: int) -> dict:
    return sub_order_documents([sub_orders.find_sub_order(id, vendors.caller_vendor_id(context))])[0]


def confirm_admin_marketplace_own_sub_order(context: RequestContext, id: int) -> dict:
    return sub_order_documents([sub_orders.advance(id, vendors.caller_vendor_id(context), "confirm")])[0]


def ship_admin_marketplace_own_sub_order(context: RequestContext, id: int, body: dict | None = None) -> dict:
    moved = sub_orders.advance(id, vendors.caller_vendor_id(context), "ship", (body or {}).get("tracking_number"))
    return sub_order_documents([moved])[0]


def deliver_admin_marketplace_own_sub_order(context: RequestContext, id: int) -> dict:
    return sub_order_documents([sub_orders.advance(id, vendors.caller_vendor_id(context), "deliver")])[0]


def list_admin_marketplace_own_ledger(context: RequestContext, window: Window, type: str | None = None) -> Page:
    return ledger_page(ledger.entries(vendors.caller_vendor_id(context), type), window)
