"""Admin vendor sub-orders: /api/admin/marketplace/sub-orders (list, detail); GraphQL
adminMarketplaceSubOrder(s) (docs/marketplace.md)."""
from domain.common import Page, RequestContext, Window
from domain.marketplace import sub_orders
from handlers.admin.marketplace.documents import sub_order_documents, sub_order_page


def list_admin_marketplace_sub_orders(context: RequestContext, window: Window, vendor_id: int | None = None,
                                      order_id: int | None = None, status: str | None = None) -> Page:
    return sub_order_page(window, vendor_id=vendor_id, order_id=order_id, status=status)


def get_admin_marketplace_sub_order(context: RequestContext, id: int) -> dict:
    return sub_order_documents([sub_orders.find_sub_order(id)])[0]
