"""Cart and checkout under the resource paths of rest-api/shop/cart-checkout.md, create-cart.md and
add-to-cart.md: aliases of the shop's cart and checkout operations. `cart_id` in a body is the guest
cart token; without a bearer it names the cart, checked as the shop checks `cartId`
(handlers.shop.checkout.use_cart_id)."""
from domain.common import RequestContext
from domain.errors import Unprocessable
from handlers.resources import shop_body, typed
from handlers.shop import cart as shop_cart
from handlers.shop import checkout as shop_checkout
from storage.db import database
from storage.models import Country

LINE = {"product_id": "productId", "quantity": "quantity"}


def with_cart(context: RequestContext, body: dict | None):
    shop_checkout.use_cart_id(context, (body or {}).get("cart_id"))


def create_cart_body(body: dict | None) -> dict:
    items = [shop_body(item, LINE) for item in (body or {}).get("items") or []]
    return shop_body({"items": items} if items else {}, {"items": "items"}, "CreateCartInput")


@typed("CartToken")
def resource_create_cart_token(context: RequestContext, body: dict | None = None):
    return shop_cart.create_cart_token(context, create_cart_body(body))


@typed("CartToken")
def resource_create_cart(context: RequestContext, body: dict | None = None):
    return shop_cart.create_cart(context, create_cart_body(body))


@typed("CartToken")
def resource_get_cart_token(context: RequestContext, token: str) -> dict:
    if context.customer_id is None and context.cart_id is None:
        shop_checkout.use_cart_id(context, token)
    return shop_cart.get_cart(context)


@typed("ReadCart")
def resource_read_cart(context: RequestContext, body: dict | None = None) -> dict:
    with_cart(context, body)
    return shop_cart.get_cart(context)


@typed("AddProductInCart")
def resource_add_cart_item(context: RequestContext, body: dict) -> dict:
    with_cart(context, body)
    return shop_cart.add_product_in_cart(context, shop_body(body, LINE, "AddProductInCartInput"))


@typed("UpdateCartItem")
def resource_update_cart_item(context: RequestContext, body: dict) -> dict:
    with_cart(context, body)
    return shop_cart.update_cart_item(
        context, shop_body(body, {"item_id": "cartItemId", "quantity": "quantity"}, "UpdateCartItemInput"))


@typed("UpdateCartItem")
def resource_patch_cart_item(context: RequestContext, body: dict) -> dict:
    return resource_update_cart_item(context, body)


@typed("RemoveCartItem")
def resource_remove_cart_items(context: RequestContext, body: dict) -> dict:
    with_cart(context, body)
    with database.atomic():
        document = None
        for item_id in dict.fromkeys(body["item_ids"]):
            document = shop_cart.remove_cart_item(context, cart_item_id=item_id)
    return document


@typed("RemoveCartItem")
def resource_remove_cart_item(context: RequestContext, id: int) -> dict:
    return shop_cart.remove_cart_item_by_id(context, id)


@typed("RemoveCoupon")
def resource_remove_coupon(context: RequestContext, body: dict | None = None) -> dict:
    with_cart(context, body)
    return shop_cart.remove_coupon(context)


@typed("MergeCart")
def resource_merge_cart(context: RequestContext, body: dict) -> dict:
    return shop_cart.merge_cart(context, shop_body(body, {"guest_cart_token": "guestCartToken"}, "MergeCartInput"))


ADDRESS = {"address_type": "addressType", "first_name": "firstName", "last_name": "lastName", "email": "email",
           "phone": "phone", "address": "address", "city": "city", "state": "state", "country": "country",
           "postcode": "postcode", "company": "companyName"}


@typed("CheckoutAddress")
def resource_set_checkout_address(context: RequestContext, body: dict) -> dict:
    with_cart(context, body)
    return shop_checkout.set_checkout_address(context, shop_body(body, ADDRESS, "CheckoutAddressInput"))


@typed("CheckoutShippingMethod")
def resource_set_checkout_shipping_method(context: RequestContext, body: dict) -> dict:
    with_cart(context, body)
    return shop_checkout.set_checkout_shipping_method(
        context, shop_body(body, {"shipping_method_code": "shippingMethodCode"}, "CheckoutShippingMethodInput"))


@typed("CheckoutOrder")
def resource_place_order(context: RequestContext, body: dict | None = None):
    with_cart(context, body)
    return shop_checkout.place_checkout_order(context, shop_body(
        body, {"payment_method": "paymentMethod", "shipping_method": "shippingMethodCode"}, "CheckoutOrderInput"))


@typed("EstimateShipping")
def resource_estimate_shipping(context: RequestContext, body: dict) -> dict:
    """The pages name the country by id (`country_id`); the shop's estimate takes its code."""
    address = body.get("address") or {}
    country = address.get("country")
    if country is None and address.get("country_id") is not None:
        row = Country.get_or_none(Country.id == address["country_id"])
        if row is None:
            raise Unprocessable({"address.country_id": ["Unknown country."]})
        country = row.code
    if country is None:
        raise Unprocessable({"address.country_id": ["The country (country_id or country) is required."]})
    with_cart(context, body)
    return {"shipping_methods": shop_checkout.graphql_estimate_shipping(context, {"country": country})}
