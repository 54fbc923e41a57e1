"""Cart and checkout under the resource paths of rest-api/shop/cart-checkout.md, create-cart.md and
add-to-cart.md: aliases of the shop's cart and checkout operations, answered as JSON-LD. `cart_id` in a
body is the guest cart token; without a bearer it names the cart, checked as the shop checks `cartId`
(handlers.shop.checkout.use_cart_id). A cart's address is its token (`/api/cart_tokens/<token>`), or
its id for a customer's cart, which has no token of its own."""
from domain.common import RequestContext
from domain.errors import ApiError, NotFound, Unprocessable
from domain.sales.cart import authenticate_guest_cart_token
from handlers.resources import collection, item, jsonld, member, money, shop_body
from handlers.shop import cart as shop_cart
from handlers.shop import checkout as shop_checkout
from storage.db import database
from storage.models import Attribute, AttributeOption, Country, Product, ProductAttributeValue
from storage.sales_models import CartItem

LINE = {"product_id": "productId", "quantity": "quantity"}


def with_cart(context: RequestContext, body: dict | None):
    shop_checkout.use_cart_id(context, (body or {}).get("cart_id"))


def create_cart_body(body: dict | None) -> dict:
    items = [shop_body(item, LINE) for item in (body or {}).get("items") or []]
    return shop_body({"items": items} if items else {}, {"items": "items"}, "CreateCartInput")


# --- documents ------------------------------------------------------------------------------------

def cart_key(data: dict) -> str:
    """The cart's name in IRIs and `id`/`token` fields: a guest cart's token (what a guest presents), a
    customer's cart's id (never the customer's bearer token, a credential)."""
    return data["cartToken"] if data["isGuest"] and data.get("cartToken") else str(data["id"])


def line_summary(line: dict) -> dict:
    return {"id": line["id"], "product": {"@id": f"/api/products/{line['productId']}", "id": line["productId"],
                                          "name": line["name"], "price": money(line["price"])},
            "product_id": line["productId"], "name": line["name"], "sku": line["sku"],
            "quantity": line["quantity"], "price": money(line["price"]), "total": money(line["total"])}


def cart_summary(data: dict) -> dict:
    """The cart as the cart-checkout page shows it: amounts as two-decimal strings."""
    key = cart_key(data)
    return {"@id": f"/api/cart_tokens/{key}", "id": key, "items": [line_summary(line) for line in data["items"]],
            "items_count": data["itemsCount"], "items_qty": data["itemsQty"],
            "subtotal": money(data["subtotal"]), "tax": money(data["taxAmount"]),
            "shipping": money(data["shippingAmount"]), "discount": money(data["discountAmount"]),
            "total": money(data["grandTotal"]), "coupon_code": data["couponCode"], "is_guest": data["isGuest"]}


def cart_token_fields(data: dict) -> dict:
    key = cart_key(data)
    return {"id": key, "token": key, "is_active": True, "is_guest": data["isGuest"],
            "customer_id": data["customerId"], "items_count": data["itemsCount"], "created_at": data["createdAt"],
            "updated_at": data["updatedAt"]}


def cart_token_item(data: dict, **extra) -> dict:
    return item("CartToken", f"/api/cart_tokens/{cart_key(data)}", {**cart_token_fields(data), **extra})


def cart_data(context: RequestContext) -> dict:
    return shop_cart.get_cart(context)["data"]


# --- carts ----------------------------------------------------------------------------------------

@jsonld
def resource_create_cart_token(context: RequestContext, body: dict | None = None):
    document, status = shop_cart.create_cart_token(context, create_cart_body(body))
    return cart_token_item(document["data"], message=document["message"]), status


@jsonld
def resource_list_cart_tokens(context: RequestContext) -> dict:
    """The bearer's active cart (a guest's cart token or a customer's cart), as a one-member collection."""
    try:
        carts = [cart_data(context)]
    except ApiError as error:
        if error.status != 404:
            raise
        carts = []
    members = [member("CartToken", f"/api/cart_tokens/{cart_key(data)}", cart_token_fields(data)) for data in carts]
    return collection("CartToken", "/api/cart_tokens", members, len(members))


@jsonld
def resource_create_cart(context: RequestContext, body: dict | None = None):
    document, status = shop_cart.create_cart(context, create_cart_body(body))
    data = document["data"]
    key = cart_key(data)
    return item("Cart", f"/api/carts/{key}", {
        "id": key, "token": key, "customer_id": data["customerId"], "is_guest": data["isGuest"],
        "items": [line_summary(line) for line in data["items"]], "total": data["grandTotal"],
        "item_count": data["itemsQty"], "created_at": data["createdAt"], "message": document["message"]}), status


@jsonld
def resource_get_cart_token(context: RequestContext, token: str) -> dict:
    if context.customer_id is None and context.cart_id is None:
        shop_checkout.use_cart_id(context, token)
    data = cart_data(context)
    if token != cart_key(data):  # with a bearer the path must name the bearer's own cart
        raise NotFound("Cart")
    return cart_token_item(data, cart=cart_summary(data))


@jsonld
def resource_read_cart(context: RequestContext, body: dict | None = None) -> dict:
    with_cart(context, body)
    return read_cart_item(cart_data(context))


@jsonld
def resource_get_read_cart(context: RequestContext, id: str) -> dict:
    """Without a bearer `id` is the guest cart token; with one it must name the bearer's cart (its
    address key, or its id)."""
    shop_checkout.use_cart_id(context, id)
    data = cart_data(context)
    if id != cart_key(data):
        raise NotFound("Cart")
    return read_cart_item(data)


def read_cart_item(data: dict) -> dict:
    summary = cart_summary(data)
    return item("ReadCart", f"/api/read_carts/{summary['id']}", {k: v for k, v in summary.items() if k != "@id"})


def variant_named(product_id: int, variants: dict) -> tuple[int, dict]:
    """The variant of a configurable product whose options carry the given labels (`{"color": "Blue"}`,
    matched without regard to case) and its own labels; 422 `variants` when no enabled variant has them all."""
    wanted = {str(code).lower(): str(label).lower() for code, label in variants.items()}
    rows = (ProductAttributeValue.select(ProductAttributeValue.product, Attribute.code, AttributeOption.admin_name)
            .join(Attribute).switch(ProductAttributeValue)
            .join(AttributeOption, on=(AttributeOption.id == ProductAttributeValue.integer_value))
            .join(Product, on=(Product.id == ProductAttributeValue.product))
            .where(Product.parent == product_id, Product.status == True,  # noqa: E712
                   Attribute.is_configurable == True)  # noqa: E712
            .tuples())
    found: dict[int, dict] = {}
    for variant_id, code, label in rows:
        found.setdefault(variant_id, {})[code] = label
    matching = sorted(variant_id for variant_id, labels in found.items()
                      if all({key.lower(): value.lower() for key, value in labels.items()}.get(code) == label
                             for code, label in wanted.items()))
    if not matching:
        named = ", ".join(f"{code} {label}" for code, label in variants.items())
        raise Unprocessable({"variants": [f"No variant of this product has {named}."]})
    return matching[0], found[matching[0]]


@jsonld
def resource_add_cart_item(context: RequestContext, body: dict) -> dict:
    """The line the product went to, with the cart after it. `variants` names a configurable product's
    variant by its option labels (the shop's `selectedConfigurableOption`)."""
    with_cart(context, body)
    added, labels = shop_body(body, LINE), None
    if body.get("variants"):
        added["selectedConfigurableOption"], labels = variant_named(body["product_id"], body["variants"])
    data = shop_cart.add_product_in_cart(context, shop_body(added, {name: name for name in added},
                                                            "AddProductInCartInput"))
    lines = [line for line in data["items"] if line["productId"] == body["product_id"]] or data["items"]
    line = max(lines, key=lambda candidate: candidate["id"])
    return item("CartItem", f"/api/cart_items/{line['id']}", {
        "id": line["id"], "cart_token": cart_key(data), "product_id": line["productId"],
        "product_name": line["name"], "sku": line["sku"], "quantity": line["quantity"], "price": line["price"],
        "subtotal": line["total"], "options": line.get("options") or [],
        **({"variants": labels} if labels is not None else {}), "created_at": data["updatedAt"],
        "message": data["message"], "cart": cart_summary(data)})


def updated_cart_item(context: RequestContext, body: dict) -> dict:
    with_cart(context, body)
    document = shop_cart.update_cart_item(
        context, shop_body(body, {"item_id": "cartItemId", "quantity": "quantity"}, "UpdateCartItemInput"))
    line = document["data"]
    return item("UpdateCartItem", None, {"message": document["message"], "item": {
        "id": line["id"], "product_id": line["productId"], "quantity": line["quantity"],
        "price": money(line["price"]), "total": money(line["total"])}, "cart": cart_summary(document)})


@jsonld
def resource_update_cart_item(context: RequestContext, body: dict) -> dict:
    return updated_cart_item(context, body)


@jsonld
def resource_patch_cart_item(context: RequestContext, body: dict) -> dict:
    return updated_cart_item(context, body)


@jsonld
def resource_remove_cart_items(context: RequestContext, body: dict) -> dict:
    with_cart(context, body)
    with database.atomic():
        document = None
        for item_id in dict.fromkeys(body["item_ids"]):
            document = shop_cart.remove_cart_item(context, cart_item_id=item_id)
    return item("RemoveCartItem", None, {"message": document["message"], "cart": cart_summary(document)})


@jsonld
def resource_remove_cart_item(context: RequestContext, id: int) -> dict:
    document = shop_cart.remove_cart_item_by_id(context, id)
    return item("RemoveCartItem", None, {"message": document["message"], "cart": cart_summary(document)})


@jsonld
def resource_remove_coupon(context: RequestContext, body: dict | None = None) -> dict:
    with_cart(context, body)
    document = shop_cart.remove_coupon(context)
    return item("RemoveCoupon", None, {"message": document["message"], "cart": cart_summary(document)})


@jsonld
def resource_merge_cart(context: RequestContext, body: dict) -> dict:
    guest = shop_body(body, {"guest_cart_token": "guestCartToken"}, "MergeCartInput")
    claims = authenticate_guest_cart_token(guest["guestCartToken"])
    merged_items = CartItem.select().where(CartItem.cart == claims["cart_id"]).count() if claims else 0
    document = shop_cart.merge_cart(context, guest)
    return item("MergeCart", None, {"message": document["message"], "merged_items": merged_items,
                                    "customer_cart": {"id": cart_key(document), "items_count": document["itemsCount"],
                                                      "total": money(document["grandTotal"])},
                                    "cart": cart_summary(document)})


# --- checkout -------------------------------------------------------------------------------------

ADDRESS = {"address_type": "addressType", "first_name": "firstName", "last_name": "lastName", "email": "email",
           "phone": "phone", "address": "address", "city": "city", "state": "state", "country": "country",
           "postcode": "postcode", "company": "companyName"}


@jsonld
def resource_set_checkout_address(context: RequestContext, body: dict) -> dict:
    with_cart(context, body)
    return checkout_address_item(context, body)


@jsonld
def resource_patch_checkout_address(context: RequestContext, id: int, body: dict) -> dict:
    """One of the cart's checkout addresses again, the fields not sent kept as they are."""
    with_cart(context, body)
    data = shop_checkout.get_checkout_addresses(context)["data"]
    saved = next((address for address in (data["billingAddress"], data["shippingAddress"])
                  if address is not None and address["id"] == id), None)
    if saved is None:
        raise NotFound("Checkout address")
    kept = {ours: saved[theirs] for ours, theirs in ADDRESS.items() if theirs in saved and saved[theirs] is not None}
    return checkout_address_item(context, {**kept, "address_type": saved["addressType"], **body})


def checkout_address_item(context: RequestContext, body: dict) -> dict:
    document = shop_checkout.set_checkout_address(context, shop_body(body, ADDRESS, "CheckoutAddressInput"))
    saved = document["data"][f"{body['address_type']}Address"]
    return item("CheckoutAddress", f"/api/checkout_addresses/{saved['id']}", {
        "id": saved["id"], "cart_id": cart_key(cart_data(context)), "address_type": saved["addressType"],
        "first_name": saved["firstName"], "last_name": saved["lastName"], "email": saved["email"],
        "phone": saved["phone"], "address": saved["address"], "city": saved["city"], "state": saved["state"],
        "country": saved["country"], "postcode": saved["postcode"], "company": saved["companyName"],
        "cart_total": money(document["data"]["cartTotal"]), "message": document["message"]})


def rate_code(context: RequestContext, code: str | None) -> str | None:
    """The pages name a carrier (`flatrate`) where the shop names its rate (`flatrate_flatrate`): a
    carrier with exactly one rate for the cart stands for that rate; anything else is left as sent."""
    if not code:
        return code
    try:
        rates = shop_checkout.list_checkout_shipping_methods(context)["data"]
    except ApiError:
        return code
    if any(rate["code"] == code for rate in rates):
        return code
    of_carrier = [rate["code"] for rate in rates if rate["carrier"] == code]
    return of_carrier[0] if len(of_carrier) == 1 else code


@jsonld
def resource_set_checkout_shipping_method(context: RequestContext, body: dict) -> dict:
    with_cart(context, body)
    return shipping_method_item(context, body)


@jsonld
def resource_patch_checkout_shipping_method(context: RequestContext, id: int, body: dict) -> dict:
    """The shipping method again; `id` must be the cart's (the POST answered it)."""
    with_cart(context, body)
    if cart_data(context)["id"] != id:
        raise NotFound("Checkout shipping method")
    return shipping_method_item(context, body)


def shipping_method_item(context: RequestContext, body: dict) -> dict:
    chosen = shop_body(body, {"shipping_method_code": "shippingMethodCode"}, "CheckoutShippingMethodInput")
    chosen["shippingMethodCode"] = rate_code(context, chosen["shippingMethodCode"])
    document = shop_checkout.set_checkout_shipping_method(context, chosen)
    method, data = document["data"]["shippingMethod"], cart_data(context)
    return item("CheckoutShippingMethod", f"/api/checkout_shipping_methods/{data['id']}", {
        "id": data["id"], "cart_id": cart_key(data), "shipping_method_code": method["code"],
        "shipping_method_title": method["title"], "shipping_price": money(method["price"]),
        "cart_total": money(document["data"]["cartTotal"]), "message": document["message"]})


@jsonld
def resource_place_order(context: RequestContext, body: dict | None = None):
    with_cart(context, body)
    sent = shop_body(body, {"payment_method": "paymentMethod", "shipping_method": "shippingMethodCode"},
                     "CheckoutOrderInput")
    if sent.get("shippingMethodCode"):
        sent["shippingMethodCode"] = rate_code(context, sent["shippingMethodCode"])
    data = cart_data(context)
    document, status = shop_checkout.place_checkout_order(context, sent)
    order = document["data"]["order"]
    return item("CheckoutOrder", f"/api/checkout_orders/{order['id']}", {
        "id": order["id"], "order_number": order["incrementId"], "cart_id": cart_key(data),
        "status": order["status"], "subtotal": money(data["subtotal"]), "tax": money(data["taxAmount"]),
        "shipping": money(data["shippingAmount"]), "discount": money(data["discountAmount"]),
        "total": money(order["grandTotal"]), "payment_method": data["paymentMethod"],
        "items": [{"id": line["id"], "product_id": line["productId"], "quantity": line["quantity"],
                   "price": money(line["price"]), "total": money(line["total"])} for line in data["items"]],
        "created_at": order["createdAt"], "redirect": document["data"]["redirect"],
        "message": document["message"]}), status


@jsonld
def resource_estimate_shipping(context: RequestContext, body: dict) -> dict:
    """The pages name the country by id (`country_id`); the shop's estimate takes its code. Each rate is
    numbered in the order the cart offers them; `total_with_shipping` is the cart's total with the first."""
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
    rates = shop_checkout.graphql_estimate_shipping(context, {"country": country})
    data = cart_data(context)
    before_shipping = float(data["grandTotal"]) - float(data["shippingAmount"])
    methods = [{"id": position, "code": rate["code"], "title": rate["title"], "price": money(rate["price"]),
                "description": rate["description"]} for position, rate in enumerate(rates, start=1)]
    total = before_shipping + float(rates[0]["price"]) if rates else before_shipping
    return item("EstimateShipping", None, {"shipping_methods": methods, "tax": money(data["taxAmount"]),
                                           "total_with_shipping": money(total)})

