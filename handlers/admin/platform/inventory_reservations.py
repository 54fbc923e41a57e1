"""Admin inventory reservations: /api/admin/platform/inventory-reservations (list, detail, release);
GraphQL adminPlatformInventoryReservation(s), releaseAdminPlatformInventoryReservation.

The reservations themselves are kept by domain/sales/reservations.py; the list marks those past their
time `expired` first, so the states it shows are current without a job queue."""
from domain.common import Page, RequestContext, Window, iso
from domain.sales import reservations
from handlers.admin.crud import AdminResource, exact
from storage.models import Product
from storage.reservation_models import InventoryReservation


def reservation_documents(rows: list, context: RequestContext | None = None) -> list[dict]:
    skus = dict(Product.select(Product.id, Product.sku)
                .where(Product.id.in_({row.product_id for row in rows})).tuples()) if rows else {}
    return [{"id": row.id, "cartId": row.cart_id, "productId": row.product_id, "sku": skus.get(row.product_id, ""),
             "qty": row.qty, "state": row.state, "expiresAt": iso(row.expires_at), "endedAt": iso(row.ended_at),
             "orderId": row.order_id, "createdAt": iso(row.created_at), "updatedAt": iso(row.updated_at)}
            for row in rows]


resource = AdminResource(
    model=InventoryReservation, label="Inventory reservation", plural="Inventory reservations",
    documents=reservation_documents,
    filters={"product_id": exact(InventoryReservation.product), "cart_id": exact(InventoryReservation.cart),
             "state": exact(InventoryReservation.state)},
    sorts={"id": InventoryReservation.id, "expires_at": InventoryReservation.expires_at,
           "qty": InventoryReservation.qty},
    default_order="desc",
)

listed = resource.list_handler()
get_admin_inventory_reservation = resource.get_handler()


def list_admin_inventory_reservations(context: RequestContext, window: Window, sort: str | None = None,
                                      order: str | None = None, **filters) -> Page:
    reservations.expire_due()
    return listed(context, window, sort, order, **filters)


def release_admin_inventory_reservation(context: RequestContext, id: int) -> dict:
    resource.find(id)
    return reservation_documents([reservations.release(id)])[0]
