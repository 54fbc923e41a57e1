"""Admin draft carts (Create Order): an admin builds a cart for a customer or a guest and places it
through the storefront's own cart, totals and order placement (REST and GraphQL)."""
import threading
import uuid
from decimal import Decimal

import httpx
import pytest

from storage.db import database
from storage.models import ProductInventory
from storage.sales_models import Cart, Order, OrderItem
from tests.admin_fixtures import FORBIDDEN, admin_client, admin_graphql, bearer, make_admin, super_admin  # noqa: F401
from tests.cart_fixtures import configurable, downloadable, grouped, product
from tests.checkout_fixtures import CA_ADDRESS
from tests.customer_fixtures import register
from tests.test_oversell import start_server

BILLING = {"firstName": "Jane", "lastName": "Doe", "email": "jane@example.com", "address": ["456 Oak Ave", "Unit 2"],
           "city": "Los Angeles", "country": "US", "state": "CA", "postcode": "90001", "phone": "9876543210",
           "useForShipping": True}
CART_FIELDS = ("id _id customerId isGuest isActive itemsCount itemsQty subTotal discountAmount taxTotal shippingAmount "
               "grandTotal formattedGrandTotal baseGrandTotal couponCode shippingMethod paymentMethod orderId success "
               "message items { id productId type quantity price total child { productId } } "
               "billingAddress { address city state }")


def qty_of(product_id: int) -> int:
    with database.connection_context():
        return sum(row.qty for row in ProductInventory.select().where(ProductInventory.product == product_id))


def draft_for(admin_client, customer_id: int) -> int:  # noqa: F811
    response = admin_client.post(f"/api/admin/customers/{customer_id}/draft-carts")
    assert response.status_code == 201, response.text
    body = response.json()
    assert body == {"cartId": body["cartId"], "customerId": customer_id, "success": True,
                    "message": "Draft cart created."}
    return body["cartId"]


def ok(response, status: int = 200) -> dict:
    assert response.status_code == status, response.text
    return response.json()


def prepared_draft(admin_client, customer_id: int | None, product_id: int, quantity: int = 1) -> int:  # noqa: F811
    """A draft cart with `quantity` of the product, CA addresses, flat rate and money transfer."""
    if customer_id is None:
        cart_id = ok(admin_client.post("/api/admin/carts", json={}), 201)["id"]
    else:
        cart_id = draft_for(admin_client, customer_id)
    ok(admin_client.post(f"/api/admin/carts/{cart_id}/items", json={"productId": product_id, "quantity": quantity}))
    ok(admin_client.post(f"/api/admin/carts/{cart_id}/addresses", json={"billing": BILLING}))
    ok(admin_client.post(f"/api/admin/carts/{cart_id}/shipping-methods", json={"shippingMethod": "flatrate_flatrate"}))
    ok(admin_client.post(f"/api/admin/carts/{cart_id}/payment-methods", json={"method": "moneytransfer"}))
    return cart_id


# --- the whole flow over REST -----------------------------------------------------------------------

def test_admin_builds_and_places_an_order_for_a_customer(client, admin_client):  # noqa: F811
    customer = register(client, "phone-order")
    simple = product(price="30.00", stock=5)
    parent, (red, blue) = configurable(variant_stock=(5, 5), prices=("20.00", "22.00"))
    cart_id = draft_for(admin_client, customer["id"])

    # the storefront never sees the draft: not the customer's cart, and the customer's own cart is apart
    assert client.get("/api/shop/cart", headers=customer["headers"]).status_code == 404
    empty = ok(admin_client.get(f"/api/admin/carts/{cart_id}"))
    assert (empty["customerId"], empty["isGuest"], empty["isActive"], empty["itemsCount"], empty["grandTotal"]) == \
        (customer["id"], False, False, 0, 0)

    body = ok(admin_client.post(f"/api/admin/carts/{cart_id}/items", json={"productId": simple.id, "quantity": 2}))
    assert (body["itemsCount"], body["subTotal"], body["message"], body["success"]) == (1, 60, "Item added to cart.", True)
    body = ok(admin_client.post(f"/api/admin/carts/{cart_id}/items",
                                json={"productId": parent.id, "quantity": 1, "selectedConfigurableOption": blue.id}))
    lines = {line["productId"]: line for line in body["items"]}
    assert lines[parent.id]["child"]["productId"] == blue.id and lines[parent.id]["price"] == 22
    assert lines[parent.id]["additional"]["selected_configurable_option"] == blue.id
    assert (body["itemsCount"], body["itemsQty"], body["subTotal"]) == (2, 3, 82)

    # the storefront's line rules: more than the stock is refused, nothing changes
    refused = admin_client.put(f"/api/admin/carts/{cart_id}/items",
                               json={"qty": {str(lines[simple.id]["id"]): 6}})
    assert (refused.status_code, refused.json()["error"]) == (422, "out_of_stock")
    assert ok(admin_client.get(f"/api/admin/carts/{cart_id}"))["itemsQty"] == 3

    body = ok(admin_client.post(f"/api/admin/carts/{cart_id}/coupon", json={"code": "SAVE10"}))
    assert (body["couponCode"], body["discountAmount"], body["grandTotal"]) == ("SAVE10", 8.2, 73.8)
    again = admin_client.post(f"/api/admin/carts/{cart_id}/coupon", json={"code": "SAVE10"})
    assert (again.status_code, again.json()["error"], list(again.json()["errors"])) == \
        (422, "coupon_already_applied", ["code"])

    # steps in order: no shipping rates before the addresses
    early = admin_client.get(f"/api/admin/carts/{cart_id}/shipping-methods")
    assert (early.status_code, early.json()["error"]) == (409, "addresses_required")
    body = ok(admin_client.post(f"/api/admin/carts/{cart_id}/addresses", json={"billing": BILLING}))
    assert body["billingAddress"]["address"] == "456 Oak Ave\nUnit 2"
    assert body["shippingAddress"]["city"] == "Los Angeles"
    # CA 8.25 %: (60 - 6) -> 4.455 -> 4.46, (22 - 2.20) -> 1.6335 -> 1.63
    assert (body["taxTotal"], body["grandTotal"]) == (6.09, 79.89)

    rates = ok(admin_client.get(f"/api/admin/carts/{cart_id}/shipping-methods"))
    assert [(rate["method"], rate["price"], rate["formattedPrice"]) for rate in rates["data"]] == \
        [("flatrate_flatrate", 30, "$30.00")]
    assert rates["meta"]["total"] == 1
    no_payment_yet = admin_client.get(f"/api/admin/carts/{cart_id}/payment-methods")
    assert (no_payment_yet.status_code, no_payment_yet.json()["error"]) == (409, "shipping_required")
    body = ok(admin_client.post(f"/api/admin/carts/{cart_id}/shipping-methods",
                                json={"shippingMethod": "flatrate_flatrate"}))
    assert (body["shippingAmount"], body["grandTotal"]) == (30, 109.89)
    methods = ok(admin_client.get(f"/api/admin/carts/{cart_id}/payment-methods"))
    assert [(row["method"], row["methodTitle"], row["sort"]) for row in methods["data"]] == \
        [("cashondelivery", "Cash On Delivery", 1), ("moneytransfer", "Money Transfer", 2)]
    body = ok(admin_client.post(f"/api/admin/carts/{cart_id}/payment-methods", json={"method": "moneytransfer"}))
    assert (body["paymentMethod"], body["paymentMethodTitle"], body["grandTotal"], body["formattedGrandTotal"]) == \
        ("moneytransfer", "Money Transfer", 109.89, "$109.89")

    key = str(uuid.uuid4())
    placed = ok(admin_client.post(f"/api/admin/orders/place/{cart_id}", headers={"Idempotency-Key": key}), 201)
    assert (placed["customerId"], placed["grandTotal"], placed["success"], placed["message"]) == \
        (customer["id"], 109.89, True, "Order placed successfully.")
    with database.connection_context():
        order = Order.get_by_id(placed["orderId"])
        assert (order.customer_id, order.is_guest, order.cart_id, order.status) == \
            (customer["id"], False, cart_id, "pending")
        assert (order.sub_total, order.discount_amount, order.tax_amount, order.shipping_amount, order.grand_total) == \
            (Decimal("82"), Decimal("8.20"), Decimal("6.09"), Decimal("30"), Decimal("109.89"))
        assert (order.coupon_code, order.shipping_method, order.base_grand_total) == \
            ("SAVE10", "flatrate_flatrate", Decimal("109.89"))
        items = {row.product_id: row for row in OrderItem.select().where(OrderItem.order == order.id,
                                                                       OrderItem.parent.is_null())}
        assert (items[simple.id].qty_ordered, items[simple.id].total) == (2, Decimal("60"))
        assert (items[parent.id].qty_ordered, items[parent.id].total) == (1, Decimal("22"))
    assert (qty_of(simple.id), qty_of(blue.id), qty_of(red.id)) == (3, 4, 5)

    # the same key: the same order, nothing new; without it the ordered draft is 409
    replayed = ok(admin_client.post(f"/api/admin/orders/place/{cart_id}", headers={"Idempotency-Key": key}), 201)
    assert replayed == placed
    again = admin_client.post(f"/api/admin/orders/place/{cart_id}")
    assert (again.status_code, again.json()["error"]) == (409, "cart_ordered")
    with database.connection_context():
        assert Order.select().where(Order.customer == customer["id"]).count() == 1
    assert qty_of(simple.id) == 3
    closed = ok(admin_client.get(f"/api/admin/carts/{cart_id}"))
    assert (closed["orderId"], closed["isActive"]) == (placed["orderId"], False)
    write = admin_client.post(f"/api/admin/carts/{cart_id}/items", json={"productId": simple.id})
    assert (write.status_code, write.json()["error"]) == (409, "cart_ordered")

    # the customer sees the order in their account, and their storefront cart is still their own
    orders = client.get("/api/shop/customer-orders", headers=customer["headers"]).json()
    assert [row["id"] for row in orders] == [placed["orderId"]]
    assert client.get("/api/shop/cart", headers=customer["headers"]).status_code == 404


def test_lines_quantities_removal_and_coupon_removal(client, admin_client):  # noqa: F811
    customer = register(client, "lines")
    first, second = product(price="10.00"), product(price="4.50")
    cart_id = draft_for(admin_client, customer["id"])
    admin_client.post(f"/api/admin/carts/{cart_id}/items", json={"productId": first.id, "quantity": 1})
    body = ok(admin_client.post(f"/api/admin/carts/{cart_id}/items", json={"productId": second.id, "quantity": 2}))
    ids = {line["productId"]: line["id"] for line in body["items"]}
    body = ok(admin_client.put(f"/api/admin/carts/{cart_id}/items",
                               json={"qty": {str(ids[first.id]): 3, str(ids[second.id]): 0}}))
    assert [(line["productId"], line["quantity"]) for line in body["items"]] == [(first.id, 3)]
    assert (body["subTotal"], body["message"]) == (30, "Cart items updated.")
    unknown = admin_client.put(f"/api/admin/carts/{cart_id}/items", json={"qty": {"999999": 1}})
    assert (unknown.status_code, unknown.json()["error"], list(unknown.json()["errors"])) == (404, "item_not_found", ["qty"])
    body = ok(admin_client.post(f"/api/admin/carts/{cart_id}/coupon", json={"code": "FLAT5"}))
    assert (body["discountAmount"], body["grandTotal"]) == (15, 15)
    body = ok(admin_client.delete(f"/api/admin/carts/{cart_id}/coupon"))
    assert (body["couponCode"], body["grandTotal"]) == (None, 30)
    assert ok(admin_client.delete(f"/api/admin/carts/{cart_id}/coupon"))["couponCode"] is None  # idempotent
    body = ok(admin_client.request("DELETE", f"/api/admin/carts/{cart_id}/items", json={"cartItemId": ids[first.id]}))
    assert (body["items"], body["itemsCount"], body["message"]) == ([], 0, "Item removed from cart.")


# --- errors --------------------------------------------------------------------------------------------

def test_errors_name_the_step_or_the_field(client, admin_client):  # noqa: F811
    missing = admin_client.post("/api/admin/customers/999999/draft-carts")
    assert (missing.status_code, missing.json()) == (404, {"message": "Customer not found", "error": "not_found",
                                                           "errors": {"customerId": ["No customer has this id."]}})
    customer = register(client, "errors")
    cart_id = draft_for(admin_client, customer["id"])
    empty = admin_client.post(f"/api/admin/orders/place/{cart_id}")
    assert (empty.status_code, empty.json()["error"], empty.json()["errors"]) == \
        (409, "cart_empty", {"items": ["Add at least one item."]})
    admin_client.post(f"/api/admin/carts/{cart_id}/items", json={"productId": product(price="5.00").id})
    no_address = admin_client.post(f"/api/admin/orders/place/{cart_id}")
    assert (no_address.status_code, no_address.json()["error"], list(no_address.json()["errors"])) == \
        (409, "addresses_required", ["billingAddress"])
    early = admin_client.post(f"/api/admin/carts/{cart_id}/shipping-methods", json={"shippingMethod": "flatrate_flatrate"})
    assert (early.status_code, early.json()["error"]) == (409, "addresses_required")

    bad = admin_client.post(f"/api/admin/carts/{cart_id}/addresses",
                            json={"billing": {**BILLING, "city": "", "state": "ZZ", "useForShipping": False}})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"billing.city", "billing.state", "shipping"}
    with database.connection_context():
        assert Cart.get_by_id(cart_id).addresses.count() == 0  # nothing saved
    ok(admin_client.post(f"/api/admin/carts/{cart_id}/addresses", json={"billing": BILLING}))
    no_shipping = admin_client.post(f"/api/admin/orders/place/{cart_id}")
    assert (no_shipping.status_code, no_shipping.json()["error"]) == (409, "shipping_required")
    unknown_rate = admin_client.post(f"/api/admin/carts/{cart_id}/shipping-methods", json={"shippingMethod": "nope"})
    assert (unknown_rate.status_code, list(unknown_rate.json()["errors"])) == (422, ["shippingMethod"])
    ok(admin_client.post(f"/api/admin/carts/{cart_id}/shipping-methods", json={"shippingMethod": "flatrate_flatrate"}))
    no_payment = admin_client.post(f"/api/admin/orders/place/{cart_id}")
    assert (no_payment.status_code, no_payment.json()["error"], list(no_payment.json()["errors"])) == \
        (409, "payment_required", ["paymentMethod"])
    with database.connection_context():
        assert not Order.select().where(Order.cart_id == cart_id).exists()

    booking = product("booking", price="12.00")
    refused = admin_client.post(f"/api/admin/carts/{cart_id}/items", json={"productId": booking.id})
    assert (refused.status_code, refused.json()["error"]) == (400, "booking_not_supported")
    assert admin_client.get("/api/admin/carts/99999999").json()["error"] == "cart_not_found"


def test_storefront_carts_are_out_of_reach_and_drafts_out_of_the_storefront(client, admin_client):  # noqa: F811
    customer = register(client, "isolation")
    item = product(price="7.00")
    client.post("/api/shop/add-product-in-cart", json={"productId": item.id, "quantity": 1},
                headers=customer["headers"])
    shop_cart_id = client.get("/api/shop/cart", headers=customer["headers"]).json()["data"]["id"]
    for response in (admin_client.get(f"/api/admin/carts/{shop_cart_id}"),
                     admin_client.post(f"/api/admin/carts/{shop_cart_id}/items", json={"productId": item.id}),
                     admin_client.post(f"/api/admin/orders/place/{shop_cart_id}")):
        assert (response.status_code, response.json()["error"]) == (403, "storefront_cart")
    cart_id = draft_for(admin_client, customer["id"])
    admin_client.post(f"/api/admin/carts/{cart_id}/items", json={"productId": item.id, "quantity": 4})
    shop = client.get("/api/shop/cart", headers=customer["headers"]).json()["data"]
    assert (shop["id"], shop["itemsQty"]) == (shop_cart_id, 1)  # the draft is not the customer's cart
    guest_token = client.post("/api/shop/cart-tokens", json={}).json()["cartToken"]
    assert client.get("/api/shop/cart", headers=bearer(guest_token)).json()["data"]["id"] not in (cart_id,)


def test_permission_is_required_on_both_transports(client, app):  # noqa: F811
    from starlette.testclient import TestClient
    _admin, token = make_admin(["sales.orders.view"], label="no-create")
    customer = register(client, "perm")
    with TestClient(app, headers=bearer(token)) as narrow:
        response = narrow.post(f"/api/admin/customers/{customer['id']}/draft-carts")
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
        answer = narrow.post("/api/admin/graphql", json={"query": "mutation { createAdminDraftCart(input: "
                                                                  f"{{customerId: {customer['id']}}}) "
                                                                  "{ adminDraftCart { cartId } } }"}).json()
        assert answer["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    with database.connection_context():
        assert not Cart.select().where(Cart.customer == customer["id"], Cart.is_draft == True).exists()  # noqa: E712


# --- GraphQL ------------------------------------------------------------------------------------------

def test_guest_order_over_graphql_with_downloadable_and_grouped_lines(admin_graphql):  # noqa: F811
    group, members = grouped(member_stock=(10, 10, 10), prices=("5.00", "6.00", "7.00"))
    ebook, links = downloadable(price="15.00", link_prices=("3.00", "4.50"))
    created = admin_graphql("mutation($input: createAdminCartInput!) { createAdminCart(input: $input) "
                            "{ adminCart { _id isGuest customerId } } }", {"input": {}})
    cart = created["data"]["createAdminCart"]["adminCart"]
    assert (cart["isGuest"], cart["customerId"]) == (True, None)
    cart_id = cart["_id"]
    mutation = ("mutation($input: addItemAdminCartInput!) { addItemAdminCart(input: $input) "
                "{ adminCart { " + CART_FIELDS + " } } }")
    result = admin_graphql(mutation, {"input": {"id": f"/api/admin/carts/{cart_id}", "cartId": str(cart_id),
                                                "productId": group.id, "groupedQuantities": [
                                                    {"productId": members[0].id, "quantity": 1},
                                                    {"productId": members[1].id, "quantity": 2},
                                                    {"productId": members[2].id, "quantity": 0}]}})
    assert result["data"]["addItemAdminCart"]["adminCart"]["subTotal"] == 17
    result = admin_graphql(mutation, {"input": {"cartId": cart_id, "productId": ebook.id, "quantity": 1,
                                                "links": [link.id for link in links]}})
    document = result["data"]["addItemAdminCart"]["adminCart"]
    assert (document["id"], document["itemsCount"], document["subTotal"]) == (f"/api/admin/carts/{cart_id}", 3, 39.5)
    assert document["message"] == "Item added to cart."

    address = {**BILLING, "email": "guest@example.com", "firstName": "Gus"}
    saved = admin_graphql("mutation($input: saveAddressAdminCartInput!) { saveAddressAdminCart(input: $input) "
                          "{ adminCart { taxTotal grandTotal billingAddress { city } message } } }",
                          {"input": {"cartId": cart_id, "billing": address}})
    # CA 8.25 % on the grouped lines only (the download is not taxed): 0.4125 -> 0.41, 0.99
    assert saved["data"]["saveAddressAdminCart"]["adminCart"]["taxTotal"] == 1.4
    rates = admin_graphql("query($id: Int!) { adminCartShippingRates(cartId: $id) { totalCount edges { node "
                          "{ method price } } } }", {"id": cart_id})
    assert [edge["node"] for edge in rates["data"]["adminCartShippingRates"]["edges"]] == \
        [{"method": "flatrate_flatrate", "price": 30}]
    admin_graphql("mutation($input: setShippingMethodAdminCartInput!) { setShippingMethodAdminCart(input: $input) "
                  "{ adminCart { shippingAmount } } }", {"input": {"cartId": cart_id, "shippingMethod": "flatrate_flatrate"}})
    methods = admin_graphql("query($id: Int!) { adminCartPaymentMethods(cartId: $id) { edges { node { method } } } }",
                            {"id": cart_id})
    assert [edge["node"]["method"] for edge in methods["data"]["adminCartPaymentMethods"]["edges"]] == \
        ["cashondelivery", "moneytransfer"]
    paid = admin_graphql("mutation($input: setPaymentMethodAdminCartInput!) { setPaymentMethodAdminCart(input: $input) "
                         "{ adminCart { paymentMethod grandTotal } } }",
                         {"input": {"id": f"/api/admin/carts/{cart_id}", "method": "cashondelivery"}})
    assert paid["data"]["setPaymentMethodAdminCart"]["adminCart"] == {"paymentMethod": "cashondelivery",
                                                                      "grandTotal": 70.9}  # 39.50 + 1.40 + 30
    place = ("mutation($input: createAdminPlaceOrderInput!) { createAdminPlaceOrder(input: $input) "
             "{ adminPlaceOrder { orderId incrementId customerId grandTotal success message } } }")
    key = str(uuid.uuid4())
    first = admin_graphql(place, {"input": {"cartId": cart_id, "idempotencyKey": key}})["data"]["createAdminPlaceOrder"]
    second = admin_graphql(place, {"input": {"cartId": str(cart_id), "idempotencyKey": key}})["data"]
    assert second["createAdminPlaceOrder"] == first
    assert (first["adminPlaceOrder"]["customerId"], first["adminPlaceOrder"]["grandTotal"]) == (None, 70.9)
    with database.connection_context():
        order = Order.get_by_id(first["adminPlaceOrder"]["orderId"])
        assert (order.is_guest, order.customer_email, order.customer_first_name, order.grand_total) == \
            (True, "guest@example.com", "Gus", Decimal("70.90"))
        assert Order.select().where(Order.cart_id == cart_id).count() == 1
    assert (qty_of(members[0].id), qty_of(members[1].id), qty_of(members[2].id)) == (9, 8, 10)


def test_graphql_errors_carry_the_rest_status_and_fields(admin_graphql):  # noqa: F811
    result = admin_graphql("mutation { createAdminDraftCart(input: {customerId: 999999}) { adminDraftCart "
                           "{ cartId } } }")
    assert result["errors"][0]["extensions"]["status"] == 404
    cart_id = admin_graphql("mutation { createAdminCart(input: {}) { adminCart { _id } } }")[
        "data"]["createAdminCart"]["adminCart"]["_id"]
    result = admin_graphql("mutation($input: createAdminPlaceOrderInput!) { createAdminPlaceOrder(input: $input) "
                           "{ adminPlaceOrder { orderId } } }", {"input": {"cartId": cart_id}})
    assert result["errors"][0]["extensions"]["status"] == 409
    assert result["data"]["createAdminPlaceOrder"] is None


# --- concurrency: the last unit, two drafts; one key pressed twice ---------------------------------------

@pytest.fixture(scope="module")
def server_port(app):
    server, port = start_server()
    yield port
    server.terminate()
    server.wait()


def place_at_once(port: int, token: str, requests: list[tuple[int, str | None]]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(requests))
    responses: list = [None] * len(requests)

    def place(index: int, cart_id: int, key: str | None):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120, headers=bearer(token)) as http:
            barrier.wait()
            responses[index] = http.post(f"/api/admin/orders/place/{cart_id}",
                                         headers={"Idempotency-Key": key} if key else {})

    threads = [threading.Thread(target=place, args=(index, *request)) for index, request in enumerate(requests)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_two_drafts_for_the_last_unit_make_one_order(client, admin_client, super_admin, server_port):  # noqa: F811
    last = product(price="99.00", stock=1)
    first, second = register(client, "race-a"), register(client, "race-b")
    carts = [prepared_draft(admin_client, first["id"], last.id), prepared_draft(admin_client, second["id"], last.id)]
    responses = place_at_once(server_port, super_admin[1], [(carts[0], None), (carts[1], None)])
    assert sorted(response.status_code for response in responses) == [201, 422], [r.text for r in responses]
    loser = next(response for response in responses if response.status_code == 422)
    assert loser.json()["error"] == "insufficient_stock"
    assert qty_of(last.id) == 0
    with database.connection_context():
        assert Order.select().where(Order.cart_id.in_(carts)).count() == 1
        still_open = [Cart.get_by_id(cart_id).is_active for cart_id in carts]
    assert still_open.count(True) == 1  # the loser's draft is left as it was


def test_one_key_pressed_twice_at_once_places_one_order(client, admin_client, super_admin, server_port):  # noqa: F811
    item = product(price="12.00", stock=3)
    cart_id = prepared_draft(admin_client, None, item.id, quantity=2)
    key = str(uuid.uuid4())
    responses = place_at_once(server_port, super_admin[1], [(cart_id, key), (cart_id, key)])
    assert [response.status_code for response in responses] == [201, 201], [r.text for r in responses]
    assert responses[0].json() == responses[1].json()
    with database.connection_context():
        assert Order.select().where(Order.cart_id == cart_id).count() == 1
    assert qty_of(item.id) == 1


# --- reorder: a draft cart from an earlier order --------------------------------------------------------

def test_reorder_starts_a_draft_with_the_order_items(client, admin_client, admin_graphql):  # noqa: F811
    customer = register(client, "reorder")
    item = product(price="11.00", stock=10)
    parent, (_red, blue) = configurable(variant_stock=(5, 5), prices=("20.00", "22.00"))
    cart_id = prepared_draft(admin_client, customer["id"], item.id, quantity=2)
    admin_client.post(f"/api/admin/carts/{cart_id}/items",
                      json={"productId": parent.id, "quantity": 1, "selectedConfigurableOption": blue.id})
    admin_client.post(f"/api/admin/carts/{cart_id}/shipping-methods", json={"shippingMethod": "flatrate_flatrate"})
    admin_client.post(f"/api/admin/carts/{cart_id}/payment-methods", json={"method": "moneytransfer"})
    order_id = ok(admin_client.post(f"/api/admin/orders/place/{cart_id}"), 201)["orderId"]

    answer = ok(admin_client.post(f"/api/admin/orders/{order_id}/reorder"), 201)
    assert (answer["success"], answer["message"]) == (True, "Reorder successful. A new draft cart has been created.")
    draft = ok(admin_client.get(f"/api/admin/carts/{answer['cartId']}"))
    assert draft["customerId"] == customer["id"] and draft["orderId"] is None
    assert sorted((line["productId"], line["quantity"], (line["child"] or {}).get("productId"))
                  for line in draft["items"]) == sorted([(item.id, 2, None), (parent.id, 1, blue.id)])
    assert draft["subTotal"] == 44  # 2 x 11 + 22
    assert client.get("/api/shop/cart", headers=customer["headers"]).status_code == 404  # still not the shop's

    result = admin_graphql("mutation($input: createAdminReorderInput!) { createAdminReorder(input: $input) "
                           "{ adminReorder { success message cartId } } }",
                           {"input": {"orderId": f"/api/admin/orders/{order_id}"}})
    reordered = result["data"]["createAdminReorder"]["adminReorder"]
    assert reordered["success"] is True and reordered["cartId"] not in (cart_id, answer["cartId"])

    missing = admin_client.post("/api/admin/orders/99999999/reorder")
    assert (missing.status_code, missing.json()["error"]) == (404, "not_found")
    with database.connection_context():
        from storage.models import Product
        Product.update(status=False).where(Product.id == item.id).execute()
    gone = admin_client.post(f"/api/admin/orders/{order_id}/reorder")
    assert (gone.status_code, gone.json()["error"]) == (422, "items_unavailable")


def test_reorder_refuses_a_guest_order(admin_client):  # noqa: F811
    cart_id = prepared_draft(admin_client, None, product(price="3.00").id)
    order_id = ok(admin_client.post(f"/api/admin/orders/place/{cart_id}"), 201)["orderId"]
    refused = admin_client.post(f"/api/admin/orders/{order_id}/reorder")
    assert (refused.status_code, refused.json()) == (422, {
        "message": "Reorder is not supported for guest orders.", "error": "guest_order",
        "errors": {"orderId": ["Reorder is not supported for guest orders."]}})


def test_a_key_of_another_order_of_the_customer_is_refused(client, admin_client):  # noqa: F811
    customer = register(client, "keys")
    key = str(uuid.uuid4())
    first = prepared_draft(admin_client, customer["id"], product(price="6.00").id)
    ok(admin_client.post(f"/api/admin/orders/place/{first}", headers={"Idempotency-Key": key}), 201)
    second = prepared_draft(admin_client, customer["id"], product(price="8.00").id)
    reused = admin_client.post(f"/api/admin/orders/place/{second}", json={"idempotencyKey": key})
    assert (reused.status_code, reused.json()["error"]) == (422, "idempotency_key_reused")
    with database.connection_context():
        assert Cart.get_by_id(second).is_active  # nothing written: the draft can still be placed
    placed = ok(admin_client.post(f"/api/admin/orders/place/{second}", json={"idempotencyKey": str(uuid.uuid4())}), 201)
    assert placed["grandTotal"] == 18.66  # 8.00 + 8.25 % (0.66) + flat rate 10
