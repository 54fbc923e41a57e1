"""The cart operations of the overview pages (cart.md, shop-api.md, playground.md): createCart,
addProductsToCart, updateCart, removeCartItem, applyCoupon, removeCoupon and the `cart` query work on
the bearer's cart with the same rules as the operation pages' mutations."""
from tests.cart_fixtures import configurable, gql, product  # noqa: F401 (fixtures)
from tests.customer_fixtures import customer, other_customer  # noqa: F401

CART = "id _id itemsCount itemsQty subtotal grandTotal shippingTotal shippingAmount couponCode discountAmount " \
       "items { edges { node { _id productId quantity price total totalPrice product { id name sku price } } } }"
CREATE = "mutation { createCart(input: {}) { cart { %s cartToken } } }" % CART
ADD = """mutation($cartId: String, $items: [CartItemInput!]!) {
  addProductsToCart(input: {cartId: $cartId, items: $items}) { cart { %s } } }""" % CART
UPDATE = """mutation($cartItemId: String!, $quantity: Int!) {
  updateCart(input: {items: [{cartItemId: $cartItemId, quantity: $quantity}]}) { cart { %s } } }""" % CART
REMOVE = """mutation($cartItemId: String!) { removeCartItem(input: {cartItemId: $cartItemId}) { cart { %s } } }""" % CART
READ = "query($id: String) { cart(id: $id) { %s } }" % CART
APPLY = """mutation($code: String!) { applyCoupon(input: {couponCode: $code}) { cart { couponCode discountAmount
  grandTotal } } }"""
REMOVE_COUPON = "mutation { removeCoupon(input: {}) { cart { couponCode discountAmount grandTotal } } }"


def ok(result: dict, *path):
    assert "errors" not in result, result
    for step in path:
        result = result[step]
    return result


def code(result: dict) -> str:
    return result["errors"][0]["extensions"]["code"]


def nodes(cart: dict) -> list[dict]:
    return [edge["node"] for edge in cart["items"]["edges"]]


def test_a_guest_cart_through_the_overview_operations(gql):
    cart = ok(gql(CREATE), "data", "createCart", "cart")
    token = cart["cartToken"]
    assert cart["itemsCount"] == 0 and token
    tea, cup = product(price="4.00", name="Tea"), product(price="2.50", name="Cup")
    cart = ok(gql(ADD, {"items": [{"productId": str(tea.id), "quantity": 2}, {"productId": str(cup.id)}]}, token),
              "data", "addProductsToCart", "cart")
    assert (cart["itemsCount"], cart["itemsQty"], cart["subtotal"]) == (2, 3, 10.5)
    line = nodes(cart)[0]
    assert line["product"] == {"id": str(tea.id), "name": "Tea", "sku": tea.sku, "price": 4}
    assert cart["shippingTotal"] == cart["shippingAmount"] and line["totalPrice"] == line["total"] == 8
    # all or none: an unknown product leaves the cart as it was
    failed = gql(ADD, {"items": [{"productId": str(tea.id)}, {"productId": "999999999"}]}, token)
    assert code(failed) == "PRODUCT_NOT_FOUND"
    assert ok(gql(READ, {}, token), "data", "cart", "itemsQty") == 3
    cart = ok(gql(UPDATE, {"cartItemId": str(line["_id"]), "quantity": 5}, token), "data", "updateCart", "cart")
    assert nodes(cart)[0]["quantity"] == 5 and cart["subtotal"] == 22.5
    cart = ok(gql(REMOVE, {"cartItemId": str(line["_id"])}, token), "data", "removeCartItem", "cart")
    assert [node["productId"] for node in nodes(cart)] == [cup.id]
    assert code(gql(REMOVE, {"cartItemId": "abc"}, token)) == "VALIDATION_FAILED"
    # the cart query: the bearer's cart; an id that is not its own is not found
    assert ok(gql(READ, {"id": str(cart["_id"])}, token), "data", "cart", "_id") == cart["_id"]
    assert code(gql(READ, {"id": str(cart["_id"] + 1)}, token)) == "CART_NOT_FOUND"
    assert code(gql(READ, {})) == "UNAUTHENTICATED"
    # without a bearer, cartId names the guest cart by its token (never by its id)
    cart = ok(gql(ADD, {"cartId": token, "items": [{"productId": str(tea.id)}]}), "data", "addProductsToCart", "cart")
    assert cart["itemsQty"] == 2
    assert code(gql(ADD, {"cartId": str(cart["_id"]), "items": [{"productId": str(tea.id)}]})) == "CART_NOT_FOUND"


def test_coupons_and_a_customer_cart(gql, customer):  # noqa: F811
    item = product(price="100.00")
    cart = ok(gql(CREATE, token=customer["token"]), "data", "createCart", "cart")
    assert cart["cartToken"] == str(cart["_id"]) and customer["token"] not in str(cart)
    ok(gql(ADD, {"items": [{"productId": str(item.id)}]}, customer["token"]), "data", "addProductsToCart", "cart")
    assert code(gql(APPLY, {"code": "NOPE"}, customer["token"])) == "COUPON_NOT_FOUND"
    assert code(gql(REMOVE_COUPON, token=customer["token"])) == "COUPON_NOT_APPLIED"


def test_a_variant_chosen_by_attribute_codes_and_option_labels(gql):
    token = ok(gql(CREATE), "data", "createCart", "cart", "cartToken")
    parent, (red_s, blue_m) = configurable()
    items = [{"productId": str(parent.id), "superAttributeSelection": {"color": "blue", "size": "M"}}]
    cart = ok(gql(ADD, {"items": items}, token), "data", "addProductsToCart", "cart")
    assert nodes(cart)[0]["productId"] == parent.id and cart["subtotal"] == 22
    wrong = [{"productId": str(parent.id), "superAttributeSelection": {"color": "Red", "size": "M"}}]
    assert code(gql(ADD, {"items": wrong}, token)) == "INVALID_CONFIGURATION"


def test_one_product_guest_tokens_and_the_shipping_address(client, gql):
    token = ok(gql("mutation { generateGuestToken { token } }"), "data", "generateGuestToken", "token")
    item = product(price="3.00")
    added = ok(gql("""mutation($p: Int) { addProductsToCart(input: {productId: $p, quantity: 2}) {
      addProductInCart { itemsQty } cart { itemsQty items { edges { node { product { images { totalCount } } } } } }
    } }""", {"p": item.id}, token), "data", "addProductsToCart")
    assert added["addProductInCart"]["itemsQty"] == added["cart"]["itemsQty"] == 2
    assert code(gql(ADD, {"items": []}, token)) == "VALIDATION_FAILED"
    client.post("/api/shop/checkout-addresses", headers={"Authorization": f"Bearer {token}"},
                json={"addressType": "billing", "useForShipping": True, "firstName": "Jane", "lastName": "Doe",
                      "email": "jane@example.com", "address": "456 Oak Ave", "city": "Los Angeles", "state": "CA",
                      "country": "US", "postcode": "90001", "phone": "9876543210"})
    cart = ok(gql("{ cart { address { city zipCode postcode } shippingAddress { city } } }", {}, token), "data", "cart")
    assert cart["address"] == {"city": "Los Angeles", "zipCode": "90001", "postcode": "90001"}
    assert cart["shippingAddress"]["city"] == "Los Angeles"


def test_add_to_cart_adds_one_product(gql):
    token = ok(gql(CREATE), "data", "createCart", "cart", "cartToken")
    item = product(price="6.00")
    added = ok(gql("""mutation($p: Int!) { addToCart(input: {productId: $p, quantity: 2}) { success message
      cart { itemsQty subtotal } } }""", {"p": item.id}, token), "data", "addToCart")
    assert added["success"] is True and added["cart"] == {"itemsQty": 2, "subtotal": 12}
    assert code(gql("mutation { addToCart(input: {productId: 999999999}) { success } }", {}, token)) == (
        "PRODUCT_NOT_FOUND")
