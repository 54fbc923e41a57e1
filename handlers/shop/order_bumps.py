"""Order bumps offered with the bearer's cart: GET /api/shop/cart/order-bumps, POST
/cart/order-bumps/{id}/accept; GraphQL cartOrderBumps, acceptCartOrderBump (`domain/order_bumps.py`)."""
from domain import order_bumps
from domain.common import RequestContext, json_number
from domain.errors import ApiError
from domain.sales.cart import current_cart, product_name
from handlers.shop.cart import cart_document


def offer_document(context: RequestContext, offer: dict) -> dict:
    bump, money = offer["bump"], context.currency
    return {"id": bump.id, "name": bump.name, "description": bump.description or "", "productId": bump.product_id,
            "productName": product_name(context, bump.product_id), "productType": bump.product.type,
            "priceType": bump.price_type, "offerPrice": json_number(money.convert(offer["offer"])),
            "baseOfferPrice": json_number(offer["offer"]), "regularPrice": json_number(money.convert(offer["regular"])),
            "baseRegularPrice": json_number(offer["regular"]), "formattedOfferPrice": money.format(offer["offer"]),
            "accepted": offer["cart_item_id"] is not None, "cartItemId": offer["cart_item_id"]}


def list_cart_order_bumps(context: RequestContext) -> dict:
    try:
        cart = current_cart(context)
    except ApiError as error:
        if error.status != 404:
            raise
        cart = None
    return {"data": [offer_document(context, offer) for offer in order_bumps.offers(context, cart)]}


def accept_cart_order_bump(context: RequestContext, id: int) -> dict:
    cart = order_bumps.accept(context, id)
    return cart_document(context, cart, "Offer added to cart successfully.")
graphql_resolvers = {"CartOrderBump": {"bumpId": "id"}}
