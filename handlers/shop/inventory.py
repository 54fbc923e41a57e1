"""Stock a buyer may still take: GET /api/shop/inventory/availability; GraphQL inventoryAvailability.

Sellable = units on hand at the active sources less the units other carts hold
(domain/sales/reservations.py); a product the shop does not show is 404 like an unknown id."""
from domain.common import RequestContext
from domain.errors import ApiError, Unprocessable
from domain.sales import reservations
from domain.sales.cart import addable_product, tracked_stock
from storage.models import Product

NO_STOCK_OF_THEIR_OWN = {
    "configurable": "A configurable product has no stock of its own: ask for one of its variants.",
    "bundle": "A bundle product has no stock of its own: ask for its parts.",
    "grouped": "A grouped product has no stock of its own: ask for its products.",
    "booking": "A booking product sells places, not stock.",
}


def shown_product(context: RequestContext, product_id: int) -> Product:
    """A product the shop shows on its own, or an enabled variant of one."""
    try:
        return addable_product(context, product_id)
    except ApiError as error:
        variant = Product.get_or_none(Product.id == product_id, Product.parent.is_null(False),
                                      Product.status == True)  # noqa: E712
        if error.status != 404 or variant is None:
            raise
    addable_product(context, variant.parent_id)
    return variant


def get_inventory_availability(context: RequestContext, product_id: int, qty: int | None = None) -> dict:
    qty = qty or 1
    product = shown_product(context, product_id)
    if product.type in NO_STOCK_OF_THEIR_OWN:
        raise Unprocessable({"productId": [NO_STOCK_OF_THEIR_OWN[product.type]]})
    enabled = reservations.settings(context.channel_code).enabled
    if product.id not in tracked_stock([product.id]):
        return {"productId": product.id, "qty": qty, "isAvailable": True, "manageStock": False,
                "sellableQty": None, "reservations": enabled}
    sellable = reservations.stock_of([product.id])[product.id].sellable
    return {"productId": product.id, "qty": qty, "isAvailable": qty <= sellable, "manageStock": True,
            "sellableQty": sellable, "reservations": enabled}
