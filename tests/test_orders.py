"""Customer orders over REST and GraphQL: lists with filters and paging, the detail with its relations,
isolation between customers, cancel (stock back to its sources), shipments and reorder."""
import datetime
import threading
from decimal import Decimal

import pytest

from domain.sales import documents as sales_documents
from storage.db import database
from storage.models import Product, ProductInventory
from storage.sales_models import CartItem, Order, OrderItem, OrderItemInventory, OrderStatusHistory
from tests.customer_fixtures import UNAUTHENTICATED, customer, other_customer  # noqa: F401 (fixtures)
from tests.helpers import count_queries
from tests.order_fixtures import (
    Line, create_order, default_source, graphql_error, make_product, payment_config, source, stock_of,
)

D = Decimal


@pytest.fixture(autouse=True)
def manual_invoices():
    """Orders stay uninvoiced unless a test invoices them."""
    with payment_config("cashondelivery", generate_invoice=False):
        yield


def order_not_found(order_id) -> dict:
    return {"message": f'Customer order with ID "{order_id}" not found.', "error": "not_found"}


def simple_order(customer, price="70.00", qty=2, **options) -> Order:
    product = make_product(price, {default_source(): 50})
    return create_order(customer["id"], [Line(product, qty, D(price))], **options)


# --- list --------------------------------------------------------------------------------------------

def test_list_is_own_orders_newest_first_with_paging_headers(client, customer, other_customer):
    day = datetime.datetime(2026, 3, 1, 12, 0, 0)
    first = simple_order(customer, "70.00", 2, created_at=day)
    second = simple_order(customer, "19.99", 3, created_at=day + datetime.timedelta(days=1))
    third = simple_order(customer, "5.00", 1, created_at=day + datetime.timedelta(days=2))
    simple_order(other_customer, "1.00", 1)

    response = client.get("/api/shop/customer-orders", params={"per_page": 2}, headers=customer["headers"])
    assert response.status_code == 200
    assert [order["id"] for order in response.json()] == [third.id, second.id]
    assert (response.headers["X-Total-Count"], response.headers["X-Total-Pages"]) == ("3", "2")
    page_two = client.get("/api/shop/customer-orders", params={"per_page": 2, "page": 2}, headers=customer["headers"])
    assert [order["id"] for order in page_two.json()] == [first.id]

    listed = {order["id"]: order for order in response.json() + page_two.json()}
    assert listed[second.id] == {
        "id": second.id, "incrementId": str(second.id), "status": "pending", "channelName": "Default Store",
        "isGuest": 0, "customerEmail": "customer@example.com", "customerFirstName": "Jane", "customerLastName": "Doe",
        "shippingMethod": "flatrate_flatrate", "shippingTitle": "Flat Rate - Flat Rate", "couponCode": None,
        "isGift": 0, "totalItemCount": 1, "itemsCount": 1, "totalQtyOrdered": 3, "baseCurrencyCode": "USD",
        "channelCurrencyCode": "USD", "orderCurrencyCode": "USD",
        "grandTotal": 69.97, "baseGrandTotal": 69.97, "grandTotalInvoiced": 0, "baseGrandTotalInvoiced": 0,
        "grandTotalRefunded": 0, "baseGrandTotalRefunded": 0, "subTotal": 59.97, "baseSubTotal": 59.97,
        "taxAmount": 0, "baseTaxAmount": 0, "discountAmount": 0, "baseDiscountAmount": 0, "shippingAmount": 10,
        "baseShippingAmount": 10, "formattedGrandTotal": "$69.97", "formattedSubTotal": "$59.97",
        "formattedTaxAmount": "$0.00", "formattedDiscountAmount": "$0.00", "formattedShippingAmount": "$10.00",
        "createdAt": "2026-03-02T12:00:00+00:00", "updatedAt": listed[second.id]["updatedAt"],
    }


def test_list_filters_by_status_dates_number_and_sorts(client, customer):
    day = datetime.datetime(2025, 6, 10, 8, 0, 0)
    cheap = simple_order(customer, "3.00", 1, created_at=day)
    dear = simple_order(customer, "300.00", 1, created_at=day + datetime.timedelta(days=5))
    middle = simple_order(customer, "30.00", 1, created_at=day + datetime.timedelta(days=10))
    with database.connection_context():
        sales_documents.cancel_order(middle)

    def ids(**params):
        response = client.get("/api/shop/customer-orders", params=params, headers=customer["headers"])
        assert response.status_code == 200, response.text
        return [order["id"] for order in response.json()]

    assert ids(status="canceled") == [middle.id]
    assert ids(date_from="2025-06-10", date_to="2025-06-15") == [dear.id, cheap.id]
    assert ids(date_from="2025-06-15", date_to="2025-06-15") == [dear.id]
    assert ids(increment_id=str(dear.id)) == [dear.id]
    assert ids(date_from="2025-06-01", date_to="2025-06-30", sort="grandTotal") == [cheap.id, middle.id, dear.id]
    assert ids(date_from="2025-06-01", date_to="2025-06-30", sort="-grandTotal") == [dear.id, middle.id, cheap.id]

    bad = client.get("/api/shop/customer-orders", params={"status": "shipped", "date_from": "June"},
                     headers=customer["headers"])
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"status", "date_from"}


def test_orders_need_a_customer_token(client, anonymous):
    assert client.get("/api/shop/customer-orders").json() == UNAUTHENTICATED
    assert client.get("/api/shop/customer-orders/1").status_code == 401
    assert anonymous.get("/api/shop/customer-orders").status_code == 401


def test_list_statements_do_not_grow_with_the_page(client, customer):
    for _ in range(3):
        simple_order(customer, "10.00", 1)
    counts = []
    client.get("/api/shop/customer-orders", headers=customer["headers"])  # the token's last use is recorded once
    for per_page in (1, 3):
        with count_queries() as statements:
            assert client.get("/api/shop/customer-orders", params={"per_page": per_page},
                              headers=customer["headers"]).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1]


# --- detail --------------------------------------------------------------------------------------------

def configurable_with_variant(price="40.00", stock=20) -> tuple[int, int]:
    parent = make_product(price, kind="configurable", name="Order Test Hoodie")
    variant = make_product(price, {default_source(): stock}, name="Order Test Hoodie Red M", parent=parent)
    return parent, variant


def test_detail_has_items_children_addresses_payment_history_in_both_currencies(client, customer):
    simple = make_product("19.99", {default_source(): 10}, name="Order Test Mug")
    parent, variant = configurable_with_variant("40.00")
    order = create_order(customer["id"], [
        Line(simple, 3, D("19.99"), tax_percent=D("8.25")),
        Line(parent, 1, D("40.00"), discount=D("4.00"), variant_id=variant,
             additional={"options": [{"attribute_name": "Color", "option_label": "Red"}]}),
    ], currency="EUR", rate="0.92", shipping="10.00")

    response = client.get(f"/api/shop/customer-orders/{order.id}", headers=customer["headers"])
    assert response.status_code == 200, response.text
    document = response.json()
    # base: 59.97 + 40.00 - 4.00 + tax 4.95 (8.25% of 59.97) + 10.00 shipping
    assert (document["baseSubTotal"], document["baseDiscountAmount"], document["baseTaxAmount"],
            document["baseShippingAmount"], document["baseGrandTotal"]) == (99.97, 4, 4.95, 10, 110.92)
    # display (EUR at 0.92): each rounded base amount converted: 55.17 + 36.80 - 3.68 + 4.55 + 9.20
    assert (document["subTotal"], document["discountAmount"], document["taxAmount"], document["shippingAmount"],
            document["grandTotal"]) == (91.97, 3.68, 4.55, 9.2, 102.04)
    assert document["orderCurrencyCode"] == "EUR" and document["baseCurrencyCode"] == "USD"
    assert document["formattedGrandTotal"] == "102,04 €"

    mug, hoodie = document["items"]
    with database.connection_context():
        mug_sku = Product.get_by_id(simple).sku
    assert (mug["sku"], mug["name"], mug["qtyOrdered"], mug["price"], mug["basePrice"], mug["total"],
            mug["baseTotal"], mug["taxAmount"], mug["children"]) == (
        mug_sku, "Order Test Mug", 3, 18.39, 19.99, 55.17, 59.97, 4.55, [])
    assert hoodie["type"] == "configurable" and hoodie["additional"]["options"][0]["option_label"] == "Red"
    assert [(child["productId"], child["qtyOrdered"]) for child in hoodie["children"]] == [(variant, 1)]

    billing, shipping = document["addresses"]
    assert (billing["addressType"], billing["name"], billing["address"], billing["useForShipping"]) == (
        "billing", "Jane Doe", "456 Oak Ave, Suite 200", True)
    assert (shipping["addressType"], shipping["city"], shipping["orderId"]) == ("shipping", "Los Angeles", order.id)
    assert document["payment"] == {"method": "cashondelivery", "methodTitle": "Cash On Delivery", "additional": {}}
    assert [(row["status"], row["comment"]) for row in document["statusHistory"]] == [("pending", "Order placed")]
    assert document["statusHistory"][0]["createdAt"].endswith("+00:00")
    assert document["invoices"] == [] and document["shipments"] == []


def test_another_customers_order_is_404_on_rest_and_graphql(client, graphql, customer, other_customer):
    theirs = simple_order(other_customer)
    response = client.get(f"/api/shop/customer-orders/{theirs.id}", headers=customer["headers"])
    assert (response.status_code, response.json()) == (404, order_not_found(theirs.id))
    missing = client.get("/api/shop/customer-orders/999999", headers=customer["headers"])
    assert missing.json() == order_not_found(999999)

    result = graphql('query($id: ID!) { customerOrder(id: $id) { incrementId } }',
                     {"id": f"/api/shop/customer-orders/{theirs.id}"}, customer["headers"])
    assert result["data"]["customerOrder"] is None
    assert result["errors"][0]["message"] == order_not_found(theirs.id)["message"]
    assert result["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    listed = graphql("{ customerOrders { totalCount } }", headers=customer["headers"])
    assert listed["data"]["customerOrders"]["totalCount"] == 0


def test_graphql_orders_with_relations(client, graphql, customer):
    parent, variant = configurable_with_variant("25.00")
    order = create_order(customer["id"], [Line(parent, 2, D("25.00"), variant_id=variant)], shipping="5.00")
    query = """query($status: String) {
      customerOrders(first: 5, status: $status) {
        totalCount
        edges { node { id _id incrementId status grandTotal formattedGrandTotal
          items { totalCount edges { node { id sku qtyOrdered total additional children { _id qtyOrdered } } } }
          addresses { edges { node { id _id addressType name address useForShipping orderId } } }
          statusHistory { status comment } payment { method methodTitle } } }
      }
    }"""
    result = graphql(query, {"status": "pending"}, customer["headers"])
    assert "errors" not in result, result
    connection = result["data"]["customerOrders"]
    assert connection["totalCount"] == 1
    node = connection["edges"][0]["node"]
    assert (node["id"], node["_id"], node["incrementId"], node["grandTotal"], node["formattedGrandTotal"]) == (
        f"/api/shop/customer-orders/{order.id}", order.id, str(order.id), 55.0, "$55.00")
    item = node["items"]["edges"][0]["node"]
    assert item["id"].startswith("/api/shop/order-items/") and item["total"] == 50.0 and item["additional"] == "{}"
    assert item["children"][0]["qtyOrdered"] == 2
    assert [edge["node"]["addressType"] for edge in node["addresses"]["edges"]] == ["billing", "shipping"]
    assert node["addresses"]["edges"][0]["node"]["id"].startswith("/api/shop/order-addresses/")
    assert node["statusHistory"] == [{"status": "pending", "comment": "Order placed"}]
    assert node["payment"] == {"method": "cashondelivery", "methodTitle": "Cash On Delivery"}

    detail = graphql('query($id: ID!) { customerOrder(id: $id) { _id subTotal baseSubTotal channelName } }',
                     {"id": str(order.id)}, customer["headers"])
    assert detail["data"]["customerOrder"] == {"_id": order.id, "subTotal": 50.0, "baseSubTotal": 50.0,
                                               "channelName": "Default Store"}
    bad = graphql_error(client, '{ customerOrders(status: "shipped") { totalCount } }', headers=customer["headers"])
    assert (bad["extensions"]["code"], list(bad["extensions"]["errors"])) == ("VALIDATION_FAILED", ["status"])


def test_graphql_order_list_statements_do_not_grow_with_the_page(client, customer):
    for _ in range(3):
        simple_order(customer, "10.00", 1)
    query = """query($first: Int) { customerOrders(first: $first) { edges { node { _id
      items { edges { node { sku children { sku } } } } addresses { edges { node { city } } }
      shipments { edges { node { trackNumber items { edges { node { sku } } } } } }
      invoices { incrementId } statusHistory { status } payment { method } } } } }"""
    counts = []
    client.get("/api/shop/customer-orders", headers=customer["headers"])  # the token's last use is recorded once
    for first in (1, 3):
        with count_queries() as statements:
            response = client.post("/api/graphql", json={"query": query, "variables": {"first": first}},
                                   headers=customer["headers"])
            assert "errors" not in response.json()
        counts.append(len(statements))
    assert counts[0] == counts[1]


# --- cancel ----------------------------------------------------------------------------------------------

CANCEL = """mutation($orderId: Int!) { createCancelOrder(input: {orderId: $orderId}) {
  cancelOrder { success message orderId status } } }"""


def test_cancel_returns_stock_to_the_sources_it_came_from(graphql, customer):
    first, second = default_source(), source("orders-east", priority=5)
    product = make_product("12.50", {first: 3, second: 5})
    order = create_order(customer["id"], [Line(product, 6, D("12.50"))])
    assert stock_of(product) == {first: 0, second: 2}

    result = graphql(CANCEL, {"orderId": order.id}, customer["headers"])
    assert result["data"]["createCancelOrder"]["cancelOrder"] == {
        "success": True, "message": "Order has been canceled successfully", "orderId": order.id,
        "status": "canceled"}
    assert stock_of(product) == {first: 3, second: 5}
    with database.connection_context():
        item = OrderItem.get(OrderItem.order == order.id)
        assert (item.qty_ordered, item.qty_canceled) == (6, 6)
        assert Order.get_by_id(order.id).status == "canceled"
        held = OrderItemInventory.select().where(OrderItemInventory.order_item == item.id)
        assert [row.qty for row in held] == [0, 0]
        history = [(row.status, row.comment) for row in
                   OrderStatusHistory.select().where(OrderStatusHistory.order == order.id)
                   .order_by(OrderStatusHistory.id)]
    assert history == [("pending", "Order placed"), ("canceled", "Canceled by the customer")]

    again = graphql(CANCEL, {"orderId": order.id}, customer["headers"])
    assert again["data"]["createCancelOrder"]["cancelOrder"] == {
        "success": False, "orderId": order.id, "status": "canceled",
        "message": "Order cannot be canceled. It may have already been processed, shipped, or canceled"}
    assert stock_of(product) == {first: 3, second: 5}


def test_concurrent_cancels_return_the_stock_once(customer):
    product = make_product("12.50", {default_source(): 10})
    order = create_order(customer["id"], [Line(product, 4, D("12.50"))])
    outcomes, start = [], threading.Barrier(8)

    def cancel():
        start.wait()
        with database.connection_context():
            try:
                sales_documents.cancel_order(Order.get_by_id(order.id), whole_order_only=True)
                outcomes.append("canceled")
            except sales_documents.CannotCancel:
                outcomes.append("refused")

    threads = [threading.Thread(target=cancel) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["canceled"] + ["refused"] * 7
    assert stock_of(product) == {default_source(): 10}


def test_cancel_returns_a_variants_stock(graphql, customer):
    parent, variant = configurable_with_variant("40.00", stock=7)
    order = create_order(customer["id"], [Line(parent, 3, D("40.00"), variant_id=variant)])
    assert stock_of(variant) == {default_source(): 4}
    assert graphql(CANCEL, {"orderId": order.id}, customer["headers"])["data"]["createCancelOrder"][
        "cancelOrder"]["success"] is True
    assert stock_of(variant) == {default_source(): 7}


def test_an_invoiced_or_shipped_order_cannot_be_canceled(graphql, customer):
    product = make_product("9.00", {default_source(): 10})
    with payment_config("cashondelivery", generate_invoice=True, invoice_status="pending"):
        invoiced = create_order(customer["id"], [Line(product, 2, D("9.00"))])
    shipped = create_order(customer["id"], [Line(product, 2, D("9.00"))])
    with database.connection_context():
        sales_documents.create_shipment(shipped, default_source(), track_number="1Z999")
    assert stock_of(product) == {default_source(): 6}

    for order, status in ((invoiced, "processing"), (shipped, "processing")):
        result = graphql(CANCEL, {"orderId": order.id}, customer["headers"])["data"]["createCancelOrder"]["cancelOrder"]
        assert (result["success"], result["status"]) == (False, status)
    assert stock_of(product) == {default_source(): 6}


def test_cancel_of_another_customers_order_is_not_found_and_changes_nothing(graphql, customer, other_customer):
    product = make_product("9.00", {default_source(): 10})
    theirs = create_order(other_customer["id"], [Line(product, 4, D("9.00"))])
    result = graphql(CANCEL, {"orderId": theirs.id}, customer["headers"])
    assert result["data"]["createCancelOrder"] is None
    assert result["errors"][0]["message"] == order_not_found(theirs.id)["message"]
    assert stock_of(product) == {default_source(): 6}
    with database.connection_context():
        assert Order.get_by_id(theirs.id).status == "pending"
    unauthenticated = graphql(CANCEL, {"orderId": theirs.id})
    assert unauthenticated["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


# --- shipments and the order's status --------------------------------------------------------------------

SHIPMENTS = """query($orderId: Int!) { customerOrderShipments(orderId: $orderId) { totalCount
  edges { node { id _id status trackNumber carrierTitle totalQty totalWeight shippingNumber createdAt
    items { edges { node { id sku name qty weight } } } } } } }"""


def test_shipments_and_status_from_pending_to_completed(client, graphql, customer, other_customer):
    product = make_product("20.00", {default_source(): 10}, weight="2.5")
    order = create_order(customer["id"], [Line(product, 3, D("20.00"))])
    with database.connection_context():
        sku = Product.get_by_id(product).sku
        shipment = sales_documents.create_shipment(order, default_source(), quantities={
            OrderItem.get(OrderItem.order == order.id).id: 2}, carrier_title="FedEx", track_number="794698949845")
        assert Order.get_by_id(order.id).status == "processing"

    result = graphql(SHIPMENTS, {"orderId": order.id}, customer["headers"])
    node = result["data"]["customerOrderShipments"]["edges"][0]["node"]
    assert {key: node[key] for key in ("id", "_id", "status", "trackNumber", "carrierTitle", "totalQty",
                                       "totalWeight", "shippingNumber")} == {
        "id": f"/api/shop/shipments/{shipment.id}", "_id": shipment.id, "status": "shipped",
        "trackNumber": "794698949845", "carrierTitle": "FedEx", "totalQty": 2, "totalWeight": 5.0,
        "shippingNumber": f"SH-{shipment.id:03d}"}
    line = node["items"]["edges"][0]["node"]
    assert (line["sku"], line["qty"], line["weight"]) == (sku, 2, 5.0)
    assert line["id"].startswith("/api/shop/shipment-items/")

    single = graphql("query($id: Int!) { customerOrderShipment(id: $id) { _id totalQty } }",
                     {"id": shipment.id}, customer["headers"])
    assert single["data"]["customerOrderShipment"] == {"_id": shipment.id, "totalQty": 2}
    hidden = graphql("query($id: Int!) { customerOrderShipment(id: $id) { _id } }", {"id": shipment.id},
                     other_customer["headers"])
    assert hidden["errors"][0]["message"] == f'Customer shipment with ID "{shipment.id}" not found.'
    foreign = graphql_error(client, SHIPMENTS, {"orderId": order.id}, other_customer["headers"])
    assert (foreign["message"], foreign["extensions"]["code"]) == (order_not_found(order.id)["message"], "NOT_FOUND")
    # without orderId: the shipments of all the customer's orders, none of another customer's
    every = "{ customerOrderShipments(first: 50) { totalCount edges { node { _id } } } }"
    mine = graphql(every, {}, customer["headers"])["data"]["customerOrderShipments"]
    assert shipment.id in [edge["node"]["_id"] for edge in mine["edges"]]
    theirs = graphql(every, {}, other_customer["headers"])["data"]["customerOrderShipments"]
    assert shipment.id not in [edge["node"]["_id"] for edge in theirs["edges"]]

    with database.connection_context():
        sales_documents.create_shipment(order, default_source())
        sales_documents.create_invoice(order, state="paid")
    detail = client.get(f"/api/shop/customer-orders/{order.id}", headers=customer["headers"]).json()
    assert detail["status"] == "completed"
    assert [shipment["totalQty"] for shipment in detail["shipments"]] == [2, 1]
    assert detail["items"][0]["qtyShipped"] == 3 and detail["items"][0]["qtyInvoiced"] == 3
    assert detail["grandTotalInvoiced"] == 70
    assert [(row["status"], row["comment"]) for row in detail["statusHistory"]] == [
        ("pending", "Order placed"), ("processing", f"Shipment SH-{shipment.id:03d} created"),
        ("processing", f"Shipment SH-{shipment.id + 1:03d} created"),
        ("completed", f"Invoice {detail['invoices'][0]['incrementId']} created (paid)")]
    with database.connection_context(), pytest.raises(sales_documents.SalesActionRefused) as refused:
        sales_documents.create_shipment(order, default_source())
    assert refused.value.error == "cannot_ship"


def test_shipment_quantities_are_checked(customer):
    product = make_product("20.00", {default_source(): 10})
    order = create_order(customer["id"], [Line(product, 2, D("20.00"))])
    with database.connection_context():
        item_id = OrderItem.get(OrderItem.order == order.id).id
        with pytest.raises(sales_documents.SalesActionRefused) as refused:
            sales_documents.create_shipment(order, default_source(), quantities={item_id: 3, 999999: 1})
        assert Order.get_by_id(order.id).status == "pending"
    assert refused.value.errors == {f"items.{item_id}": ["The quantity to ship must be between 0 and 2."],
                                    "items.999999": ["This order has no item 999999 to ship."]}


# --- reorder ---------------------------------------------------------------------------------------------

REORDER = """mutation($orderId: Int!) { createReorderOrder(input: {orderId: $orderId}) {
  reorderOrder { success message orderId itemsAddedCount
    unavailableItems { productId sku name quantity message } } } }"""


def catalog_pick():
    """A seeded simple product with stock and a seeded configurable product with one of its variants."""
    with database.connection_context():
        simple = (Product.select().join(ProductInventory, on=(ProductInventory.product == Product.id))
                  .where(Product.type == "simple", Product.parent.is_null(), Product.status == True,  # noqa: E712
                         Product.sku.startswith("SKU-"), ProductInventory.qty >= 5).order_by(Product.id.desc()).first())
        variant = (Product.select().join(ProductInventory, on=(ProductInventory.product == Product.id))
                   .where(Product.parent.is_null(False), Product.status == True,  # noqa: E712
                          ProductInventory.qty >= 5)
                   .order_by(Product.id.desc()).first())
        return simple, variant


def test_reorder_adds_what_is_available_and_lists_the_rest(graphql, customer):
    simple, variant = catalog_pick()
    sold_out = make_product("15.00", {default_source(): 1}, name="Order Test Sold Out")
    gone = make_product("15.00", {default_source(): 5}, name="Order Test Gone")
    order = create_order(customer["id"], [
        Line(simple.id, 2, simple.price), Line(variant.parent_id, 1, variant.price, variant_id=variant.id),
        Line(sold_out, 1, D("15.00")), Line(gone, 1, D("15.00"))])
    with database.connection_context():
        Product.delete().where(Product.id == gone).execute()

    result = graphql(REORDER, {"orderId": order.id}, customer["headers"])
    assert "errors" not in result, result
    reorder = result["data"]["createReorderOrder"]["reorderOrder"]
    assert (reorder["success"], reorder["orderId"], reorder["itemsAddedCount"]) == (True, order.id, 2)
    assert reorder["message"] == "Items have been added to your cart successfully (2 items)"
    unavailable = {item["name"]: item for item in reorder["unavailableItems"]}
    assert set(unavailable) == {"Order Test Sold Out", "Order Test Gone"}
    assert unavailable["Order Test Gone"]["message"] == "The product is no longer available."
    assert unavailable["Order Test Sold Out"]["quantity"] == 1 and unavailable["Order Test Sold Out"]["message"]

    with database.connection_context():
        lines = {(item.product_id, item.child_id): item.quantity for item in
                 CartItem.select().where(CartItem.cart.in_(cart_ids(customer["id"])))}
    assert lines == {(simple.id, None): 2, (variant.parent_id, variant.id): 1}


def cart_ids(customer_id: int) -> list[int]:
    from storage.sales_models import Cart
    return [cart.id for cart in Cart.select().where(Cart.customer == customer_id, Cart.is_active == True)]  # noqa: E712


def test_reorder_with_nothing_available_and_of_another_customer(graphql, customer, other_customer):
    sold_out = make_product("15.00", {default_source(): 2})
    order = create_order(customer["id"], [Line(sold_out, 2, D("15.00"))])
    result = graphql(REORDER, {"orderId": order.id}, customer["headers"])["data"]["createReorderOrder"]["reorderOrder"]
    assert (result["success"], result["itemsAddedCount"], result["message"]) == (
        False, 0, "No items were added to cart. All items are out of stock or unavailable.")
    foreign = graphql(REORDER, {"orderId": order.id}, other_customer["headers"])
    assert foreign["data"]["createReorderOrder"] is None
    assert foreign["errors"][0]["message"] == order_not_found(order.id)["message"]


def test_a_shipment_defaults_its_carrier_code_to_the_order_carrier(customer):  # noqa: F811
    product = make_product("5.00", {default_source(): 5})
    order = create_order(customer["id"], [Line(product, 1, D("5.00"))])
    with database.connection_context():
        Order.update(shipping_method="flatrate_flatrate").where(Order.id == order.id).execute()
        shipment = sales_documents.create_shipment(Order.get_by_id(order.id), default_source())
        assert shipment.carrier_code == "flatrate"
        assert sales_documents.order_carrier(Order(shipping_method=None)) is None


ORDER_BY = """query($id: String, $incrementId: String) { order(id: $id, incrementId: $incrementId) {
  _id incrementId subtotal subTotal taxTotal taxAmount shippingTotal shippingAmount paymentMethod
  billingAddress { firstName city zipCode postcode } shippingAddress { city zipCode }
  items { edges { node { name productName qtyOrdered quantity total totalPrice } } } } }"""


def test_order_by_id_or_increment_id_with_the_overview_names(graphql, customer, other_customer):  # noqa: F811
    order = simple_order(customer, "12.50", 2)
    by_id = graphql(ORDER_BY, {"id": str(order.id)}, customer["headers"])["data"]["order"]
    by_iri = graphql(ORDER_BY, {"id": f"/api/shop/customer-orders/{order.id}"}, customer["headers"])
    assert "errors" not in by_iri, by_iri["errors"]
    by_iri = by_iri["data"]["order"]
    by_number = graphql(ORDER_BY, {"incrementId": order.increment_id}, customer["headers"])["data"]["order"]
    assert by_id == by_iri == by_number and by_id["_id"] == order.id
    assert (by_id["subtotal"], by_id["taxTotal"], by_id["shippingTotal"]) == (
        by_id["subTotal"], by_id["taxAmount"], by_id["shippingAmount"])
    assert by_id["subtotal"] == 25 and by_id["paymentMethod"] is not None
    assert by_id["billingAddress"]["zipCode"] == by_id["billingAddress"]["postcode"] == "90001"
    assert by_id["shippingAddress"]["city"] == "Los Angeles"
    line = by_id["items"]["edges"][0]["node"]
    assert (line["productName"], line["quantity"]) == (line["name"], line["qtyOrdered"]) and line["quantity"] == 2
    assert line["totalPrice"] == line["total"] == 25
    hidden = graphql(ORDER_BY, {"id": str(order.id)}, other_customer["headers"])
    assert hidden["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    neither = graphql(ORDER_BY, {}, customer["headers"])
    assert neither["errors"][0]["extensions"]["status"] == 400 or neither["errors"][0]["extensions"]["code"]
