"""Order bumps: offered only to carts that meet their conditions, accepted in one call as a cart line at the
offer's price, totals exact, repriced when the cart stops qualifying, removed with the line, carried into
the order; the admin CRUD over REST and GraphQL."""
from decimal import Decimal

import pytest
from peewee import fn

from storage.db import database
from storage.license_models import OrderBump
from storage.models import Product
from storage.sales_models import CartItem, OrderItem
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.cart_fixtures import add, assert_totals_match, downloadable, new_guest_cart, product
from tests.checkout_fixtures import place, ready_for_order, new_key


@pytest.fixture
def bumps_put_back():
    """Order bumps a test creates are deleted after it."""
    with database.connection_context():
        last = OrderBump.select(fn.MAX(OrderBump.id)).scalar() or 0
    yield
    with database.connection_context():
        OrderBump.delete().where(OrderBump.id > last).execute()


def create_bump(admin_client, **fields) -> dict:  # noqa: F811
    response = admin_client.post("/api/admin/marketing/order-bumps", json={"name": "Add-on", "status": 1, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def offers(client, headers: dict) -> list[dict]:
    response = client.get("/api/shop/cart/order-bumps", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def cart(client, headers: dict) -> dict:
    return client.get("/api/shop/cart", headers=headers).json()["data"]


def test_offered_to_matching_carts_accepted_at_the_offer_price(client, admin_client, bumps_put_back):  # noqa: F811
    main = product("simple", price="30.00", stock=50)
    extra = product("virtual", price="20.00", stock=50, name="Extended warranty")
    other = product("simple", price="99.00", stock=50)
    bump = create_bump(admin_client, product_id=extra.id, offer_price=12.5, priority=5, conditions=[
        {"attribute": "product|sku", "operator": "==", "value": main.sku},
        {"attribute": "cart|base_sub_total", "operator": ">=", "value": 50}])
    percent = create_bump(admin_client, name="Quarter off", product_id=extra.id, price_type="percent",
                          offer_price=25, priority=1, conditions=[
                              {"attribute": "product|sku", "operator": "==", "value": main.sku}])
    create_bump(admin_client, name="Over", product_id=extra.id, offer_price=1, ends_till="2020-01-01",
                conditions=[{"attribute": "product|sku", "operator": "==", "value": main.sku}])
    create_bump(admin_client, name="Off", product_id=extra.id, offer_price=1, status=0,
                conditions=[{"attribute": "product|sku", "operator": "==", "value": main.sku}])

    guest = new_guest_cart(client)
    headers = guest["headers"]
    assert offers(client, headers) == []  # an empty cart meets no condition
    assert add(client, headers, productId=other.id, quantity=1).status_code == 200
    assert offers(client, headers) == []  # 99.00 but not the product the offers ask for
    assert add(client, headers, productId=main.id, quantity=1).status_code == 200
    assert [(o["id"], o["offerPrice"], o["regularPrice"]) for o in offers(client, headers)] == [
        (bump["id"], 12.5, 20), (percent["id"], 15, 20)]  # 129.00: both, by priority

    client.post("/api/shop/remove-cart-item", json={"cartItemId": cart(client, headers)["items"][0]["id"]},
                headers=headers)
    assert [o["id"] for o in offers(client, headers)] == [percent["id"]]  # 30.00 < 50
    missing = client.post(f"/api/shop/cart/order-bumps/{bump['id']}/accept", headers=headers)
    assert (missing.status_code, missing.json()["error"]) == (422, "order_bump_conditions_not_met")
    main_line = cart(client, headers)["items"][0]
    client.put(f"/api/shop/update-cart-item/{main_line['id']}", json={"quantity": 2}, headers=headers)

    accepted = client.post(f"/api/shop/cart/order-bumps/{bump['id']}/accept", headers=headers)
    assert accepted.status_code == 200, accepted.text
    document = accepted.json()
    bump_line = next(line for line in document["items"] if line["productId"] == extra.id)
    assert (bump_line["price"], bump_line["quantity"], bump_line["total"]) == (12.5, 1, 12.5)
    assert document["subtotal"] == 72.5 and document["grandTotal"] == 72.5
    assert_totals_match(document)
    again = client.post(f"/api/shop/cart/order-bumps/{bump['id']}/accept", headers=headers).json()
    assert len(again["items"]) == 2 and again["subtotal"] == 72.5  # accepting twice changes nothing
    listed = offers(client, headers)
    assert (listed[0]["accepted"], listed[0]["cartItemId"], listed[1]["accepted"]) == (True, bump_line["id"], False)
    assert client.post("/api/shop/cart/order-bumps/999999/accept", headers=headers).status_code == 404

    # the cart stops qualifying: the line stays, at the product's own price; qualifying again restores the offer
    client.put(f"/api/shop/update-cart-item/{main_line['id']}", json={"quantity": 1}, headers=headers)
    repriced = cart(client, headers)
    assert next(line for line in repriced["items"] if line["productId"] == extra.id)["price"] == 20
    assert repriced["subtotal"] == 50
    assert_totals_match(repriced)
    client.put(f"/api/shop/update-cart-item/{main_line['id']}", json={"quantity": 2}, headers=headers)
    assert cart(client, headers)["subtotal"] == 72.5

    # removing the line removes the bump
    client.post("/api/shop/remove-cart-item", json={"cartItemId": bump_line["id"]}, headers=headers)
    assert [(o["id"], o["accepted"]) for o in offers(client, headers)] == [(bump["id"], False), (percent["id"], False)]
    assert cart(client, headers)["subtotal"] == 60


def test_an_accepted_bump_is_ordered_at_the_offer_with_exact_totals(client, admin_client, bumps_put_back):  # noqa: F811
    main = product("simple", price="30.00", stock=50)
    extra = product("virtual", price="20.00", stock=50)
    bump = create_bump(admin_client, product_id=extra.id, price_type="percent", offer_price=12.5,
                       conditions=[{"attribute": "product|sku", "operator": "==", "value": main.sku}])
    headers = new_guest_cart(client)["headers"]
    add(client, headers, productId=main.id, quantity=2)
    accepted = client.post(f"/api/shop/cart/order-bumps/{bump['id']}/accept", headers=headers).json()
    assert next(line for line in accepted["items"] if line["productId"] == extra.id)["price"] == 17.5  # 20 less 12.5%
    ready_for_order(client, headers)
    before = cart(client, headers)
    assert_totals_match(before)
    assert before["subtotal"] == 77.5
    response = place(client, headers, new_key())
    assert response.status_code == 201, response.text
    order = response.json()["data"]["order"]
    with database.connection_context():
        item = OrderItem.get(OrderItem.order == order["id"], OrderItem.product == extra.id)
        assert (item.price, item.total, item.qty_ordered) == (Decimal("17.5000"), Decimal("17.5000"), 1)
    assert order["grandTotal"] == before["grandTotal"]


def test_graphql_offers_and_accept(client, admin_client, bumps_put_back):  # noqa: F811
    main = product("simple", price="10.00", stock=50)
    extra = product("virtual", price="8.00", stock=50, name="Gift wrap")
    bump = create_bump(admin_client, product_id=extra.id, offer_price=3,
                       conditions=[{"attribute": "product|sku", "operator": "==", "value": main.sku}])
    guest = new_guest_cart(client)
    add(client, guest["headers"], productId=main.id, quantity=1)
    query = "{ cartOrderBumps { bumpId name productName offerPrice regularPrice formattedOfferPrice accepted } }"
    answer = client.post("/api/graphql", json={"query": query}, headers=guest["headers"]).json()
    assert answer["data"]["cartOrderBumps"] == [{"bumpId": bump["id"], "name": "Add-on", "productName": "Gift wrap",
                                                 "offerPrice": 3, "regularPrice": 8, "formattedOfferPrice": "$3.00",
                                                 "accepted": False}]
    mutation = """mutation($id: ID!, $cartId: String) { acceptCartOrderBump(input: {id: $id, cartId: $cartId}) {
        cart { subtotal itemsCount } } }"""
    answer = client.post("/api/graphql", json={"query": mutation, "variables": {"id": str(bump["id"]),
                                                                                 "cartId": guest["token"]}}).json()
    assert answer["data"]["acceptCartOrderBump"]["cart"] == {"subtotal": 13, "itemsCount": 2}


def test_admin_crud(admin_client, admin_graphql, bumps_put_back):  # noqa: F811
    extra = product("downloadable", price="9.00", stock=None)
    bump = create_bump(admin_client, product_id=extra.id, offer_price=4.25, channels=[1], starts_from="2026-01-01",
                       conditions=[{"attribute": "cart|total_qty", "operator": ">", "value": 1}])
    assert bump | {"createdAt": None, "updatedAt": None} == {
        "id": bump["id"], "name": "Add-on", "description": "", "productId": extra.id, "priceType": "fixed",
        "offerPrice": 4.25, "status": 1, "priority": 0, "conditionType": 1,
        "conditions": [{"attribute": "cart|total_qty", "operator": ">", "value": 1}], "channels": [1],
        "startsFrom": "2026-01-01T00:00:00+00:00", "endsTill": None, "createdAt": None, "updatedAt": None}
    configurable = product("configurable", price="0", stock=None)
    wrong = admin_client.post("/api/admin/marketing/order-bumps", json={
        "name": "x", "product_id": configurable.id, "price_type": "percent", "offer_price": 150,
        "conditions": [{"attribute": "cart|colour", "value": 1}], "channels": [999]})
    assert wrong.status_code == 422
    assert set(wrong.json()["errors"]) == {"product_id", "offer_price", "conditions.0.attribute", "channels.0"}
    updated = admin_client.put(f"/api/admin/marketing/order-bumps/{bump['id']}", json={"offer_price": 5, "priority": 3})
    assert (updated.json()["offerPrice"], updated.json()["priority"], updated.json()["name"]) == (5, 3, "Add-on")
    listed = admin_client.get("/api/admin/marketing/order-bumps", params={"product_id": extra.id}).json()
    assert [row["id"] for row in listed["data"]] == [bump["id"]]

    created = admin_graphql("""mutation($product: Int!) { createAdminMarketingOrderBump(input: {name: "Graph",
        productId: $product, offerPrice: 2.5, priceType: "fixed"}) { adminMarketingOrderBump { id _id offerPrice } } }""",
                            {"product": extra.id})["data"]["createAdminMarketingOrderBump"]["adminMarketingOrderBump"]
    assert created["id"] == f"/api/admin/marketing/order-bumps/{created['_id']}" and created["offerPrice"] == 2.5
    deleted = admin_graphql("""mutation($id: ID!) { deleteAdminMarketingOrderBump(input: {id: $id}) {
        adminMarketingOrderBump { _id name } } }""", {"id": created["id"]})
    assert deleted["data"]["deleteAdminMarketingOrderBump"]["adminMarketingOrderBump"] == {"_id": created["_id"],
                                                                                          "name": "Graph"}
    assert admin_client.delete(f"/api/admin/marketing/order-bumps/{bump['id']}").json() == {
        "message": "Order bump deleted."}
    assert admin_client.get(f"/api/admin/marketing/order-bumps/{bump['id']}").status_code == 404


def test_a_downloadable_bump_comes_with_every_link(client, admin_client, bumps_put_back):  # noqa: F811
    main = product("simple", price="10.00", stock=50)
    book, links = downloadable(price="15.00", link_prices=("3.00", "4.50"))
    bump = create_bump(admin_client, product_id=book.id, price_type="percent", offer_price=20,
                       conditions=[{"attribute": "product|sku", "operator": "==", "value": main.sku}])
    headers = new_guest_cart(client)["headers"]
    add(client, headers, productId=main.id, quantity=1)
    assert [(o["regularPrice"], o["offerPrice"], o["productType"]) for o in offers(client, headers)] == [
        (22.5, 18, "downloadable")]  # 15 + 3 + 4.50, less 20%
    document = client.post(f"/api/shop/cart/order-bumps/{bump['id']}/accept", headers=headers).json()
    line = next(line for line in document["items"] if line["productId"] == book.id)
    assert line["price"] == 18 and document["subtotal"] == 28
    with database.connection_context():
        item = CartItem.get_by_id(line["id"])
    assert item.additional == {"links": [link.id for link in links], "order_bump": bump["id"]}
    assert_totals_match(document)


def test_the_demo_offer(client):
    with database.connection_context():
        headphones, warranty = (Product.get(Product.sku == sku).id for sku in ("SP-AUDIO-HEADPHONES", "VIRT-WARRANTY-2Y"))
    headers = new_guest_cart(client)["headers"]
    add(client, headers, productId=headphones, quantity=1)
    assert [(o["name"], o["productId"], o["offerPrice"], o["regularPrice"]) for o in offers(client, headers)] == [
        ("Add a 2-year warranty for 29.99", warranty, 29.99, 49.99)]
