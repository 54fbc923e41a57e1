"""recipes/build-a-storefront.md end to end, over REST and over GraphQL, through the public API only:
browse → cart → coupon → checkout → order → invoice, with the totals checked to the cent."""
import uuid
from decimal import ROUND_HALF_UP, Decimal

from tests.customer_fixtures import register

ADDRESS = {"firstName": "Jane", "lastName": "Doe", "email": "jane@example.com", "address": "456 Oak Ave",
           "city": "Los Angeles", "state": "CA", "country": "US", "postcode": "90001", "phone": "9876543210"}
CENT = Decimal("0.01")


def cents(value) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def expected_totals(price: Decimal, quantity: int) -> dict:
    """SAVE10 (10 %), California tax 8.25 % on the discounted line, flat rate 10 per unit."""
    subtotal = price * quantity
    discount = cents(subtotal * Decimal("0.10"))
    tax = cents((subtotal - discount) * Decimal("0.0825"))
    shipping = Decimal(10 * quantity)
    return {"subtotal": subtotal, "discount": discount, "tax": tax, "shipping": shipping,
            "grand": subtotal - discount + tax + shipping}


def pick_product(client, category_id: int | None = None) -> dict:
    """A simple product in stock without a special price, found by browsing like a storefront."""
    params = {"per_page": 50, "type": "simple", "sort": "price", "order": "asc"}
    if category_id:
        params["category_id"] = category_id
    products = client.get("/api/shop/products", params=params).json()
    return next(p for p in products if not p.get("specialPrice") and Decimal(str(p["price"])) >= 20
                and client.get(f"/api/shop/products/{p['id']}").json()["isSaleable"])


def test_recipe_over_rest(client):
    categories = client.get("/api/shop/categories").json()
    assert categories, "navigation needs categories"
    product = pick_product(client)
    detail = client.get(f"/api/shop/products/{product['id']}").json()
    price = Decimal(str(detail["price"]))
    customer = register(client, "rest-recipe")
    headers = customer["headers"]
    expected = expected_totals(price, 3)

    assert client.post("/api/shop/cart", json={}, headers=headers).status_code in (200, 201)
    cart = client.post("/api/shop/add-product-in-cart", json={"productId": product["id"], "quantity": 3},
                       headers=headers).json()
    assert (cart["itemsQty"], cents(cart["subtotal"])) == (3, expected["subtotal"])
    cart = client.post("/api/shop/apply-coupon", json={"couponCode": "SAVE10"}, headers=headers).json()
    assert cents(cart["discountAmount"]) == expected["discount"]

    addresses = client.post("/api/shop/checkout-addresses", json={"addressType": "billing", "useForShipping": True,
                                                                  **ADDRESS}, headers=headers)
    assert addresses.status_code == 200, addresses.text
    rates = client.get("/api/shop/checkout-shipping-methods", headers=headers).json()["data"]
    assert {rate["code"]: cents(rate["price"]) for rate in rates}["flatrate_flatrate"] == expected["shipping"]
    assert client.post("/api/shop/checkout-shipping-methods", json={"shippingMethodCode": "flatrate_flatrate"},
                       headers=headers).status_code == 200
    methods = [m["code"] for m in client.get("/api/shop/checkout-payment-methods", headers=headers).json()["data"]]
    assert methods == ["cashondelivery", "moneytransfer"]
    assert client.post("/api/shop/checkout-payment-methods", json={"payment": {"method": "cashondelivery"}},
                       headers=headers).status_code == 200
    cart = client.get("/api/shop/cart", headers=headers).json()["data"]
    assert (cents(cart["taxAmount"]), cents(cart["grandTotal"])) == (expected["tax"], expected["grand"])

    key = {"Idempotency-Key": uuid.uuid4().hex}
    body = {"shippingMethodCode": "flatrate_flatrate", "paymentMethod": "cashondelivery"}
    placed = client.post("/api/shop/checkout-orders", json=body, headers={**headers, **key})
    assert placed.status_code == 201, placed.text
    order = placed.json()["data"]["order"]
    assert cents(order["grandTotal"]) == expected["grand"]
    retried = client.post("/api/shop/checkout-orders", json=body, headers={**headers, **key})
    assert retried.json()["data"]["order"]["id"] == order["id"]

    orders = client.get("/api/shop/customer-orders", headers=headers).json()
    assert [o["id"] for o in orders] == [order["id"]]
    detail = client.get(f"/api/shop/customer-orders/{order['id']}", headers=headers).json()
    detail = detail.get("data", detail)
    assert (cents(detail["subTotal"]), cents(detail["grandTotal"]), detail["couponCode"]) == (
        expected["subtotal"], expected["grand"], "SAVE10")
    invoices = client.get("/api/shop/customer-invoices", headers=headers).json()
    assert len(invoices) == 1
    invoice = invoices[0]
    assert (cents(invoice["grandTotal"]), cents(invoice["taxAmount"]), cents(invoice["discountAmount"])) == (
        expected["grand"], expected["tax"], expected["discount"])
    pdf = client.get(f"/api/shop/customer-invoices/{invoice['id']}/pdf", headers=headers)
    assert (pdf.status_code, pdf.headers["content-type"], pdf.content[:5]) == (200, "application/pdf", b"%PDF-")
    emptied = client.get("/api/shop/cart", headers=headers)  # the ordered cart is closed
    assert (emptied.status_code, emptied.json()["error"]) == (404, "cart_not_found")


def test_recipe_over_graphql(client, graphql):
    product = pick_product(client)
    found = graphql("query($id: ID!) { product(id: $id) { _id sku price } }",
                    {"id": f"/api/shop/products/{product['id']}"})["data"]["product"]
    price = Decimal(str(found["price"]))
    expected = expected_totals(price, 2)
    customer = register(client, "graphql-recipe")
    auth = customer["headers"]

    def run(query, variables=None):
        result = graphql(query, variables, headers=auth)
        assert "errors" not in result, result
        return result["data"]

    run("mutation { createCartToken(input: {}) { cartToken { _id } } }")
    cart = run("mutation($id: Int!) { createAddProductInCart(input: {productId: $id, quantity: 2}) "
               "{ addProductInCart { itemsQty subtotal } } }", {"id": found["_id"]})["createAddProductInCart"]
    assert cents(cart["addProductInCart"]["subtotal"]) == expected["subtotal"]
    cart = run('mutation { createApplyCoupon(input: {couponCode: "SAVE10"}) { applyCoupon { couponCode discountAmount } } }')
    assert cents(cart["createApplyCoupon"]["applyCoupon"]["discountAmount"]) == expected["discount"]
    run("""mutation { createCheckoutAddress(input: {billingFirstName: "Jane", billingLastName: "Doe",
           billingEmail: "jane@example.com", billingAddress: "456 Oak Ave", billingCity: "Los Angeles",
           billingCountry: "US", billingState: "CA", billingPostcode: "90001", billingPhoneNumber: "9876543210",
           useForShipping: true}) { checkoutAddress { success } } }""")
    rates = run("{ collectionShippingRates { method price } }")["collectionShippingRates"]
    assert {rate["method"]: cents(rate["price"]) for rate in rates}["flatrate_flatrate"] == expected["shipping"]
    run('mutation { createCheckoutShippingMethod(input: {shippingMethod: "flatrate_flatrate"}) { checkoutShippingMethod { success } } }')
    assert "cashondelivery" in [m["method"] for m in run("{ collectionPaymentMethods { method } }")["collectionPaymentMethods"]]
    run('mutation { createCheckoutPaymentMethod(input: {paymentMethod: "cashondelivery"}) { checkoutPaymentMethod { success } } }')
    key = uuid.uuid4().hex
    place = "mutation($key: String) { createCheckoutOrder(input: {idempotencyKey: $key}) { checkoutOrder { orderId grandTotal success } } }"
    order = run(place, {"key": key})["createCheckoutOrder"]["checkoutOrder"]
    assert (order["success"], cents(order["grandTotal"])) == (True, expected["grand"])
    assert run(place, {"key": key})["createCheckoutOrder"]["checkoutOrder"]["orderId"] == order["orderId"]

    orders = run("{ customerOrders(first: 10) { totalCount edges { node { _id grandTotal couponCode } } } }")["customerOrders"]
    assert orders["totalCount"] == 1
    node = orders["edges"][0]["node"]
    assert (str(node["_id"]), cents(node["grandTotal"]), node["couponCode"]) == (order["orderId"], expected["grand"], "SAVE10")
    invoices = run("{ customerInvoices(first: 10) { totalCount edges { node { incrementId grandTotal taxAmount } } } }")
    invoice = invoices["customerInvoices"]["edges"][0]["node"]
    assert (cents(invoice["grandTotal"]), cents(invoice["taxAmount"])) == (expected["grand"], expected["tax"])


CREATE_ORDER = """mutation($input: createOrderInput!) { createOrder(input: $input) {
    success message order { id orderNumber status total items { productName quantity price } } } }"""
BILLING = {"firstName": "Ada", "lastName": "Guest", "address": "1 Market St", "city": "San Francisco", "state": "CA",
           "postalCode": "94105", "country": "US", "email": "ada@example.com", "phone": "5550100"}


def test_guest_create_order_in_one_mutation(client, graphql):
    product = pick_product(client)
    price = Decimal(str(product["price"]))
    token = graphql("mutation { createCartToken(input: {}) { cartToken { cartToken } } }")
    guest = {"Authorization": f"Bearer {token['data']['createCartToken']['cartToken']['cartToken']}"}
    added = graphql("mutation($id: Int!) { createAddProductInCart(input: {productId: $id, quantity: 2}) "
                    "{ addProductInCart { itemsQty } } }", {"id": product["id"]}, headers=guest)
    assert added["data"]["createAddProductInCart"]["addProductInCart"]["itemsQty"] == 2

    bad = graphql(CREATE_ORDER, {"input": {"billingAddress": {**BILLING, "state": "ZZ"},
                                           "shippingMethod": "flat_rate", "paymentMethod": "cashondelivery"}},
                  headers=guest)
    assert bad["errors"][0]["extensions"]["errors"] == {"billingAddress.state": ["The selected state is invalid for US."]}
    untouched = graphql("mutation { createReadCart(input: {}) { readCart { billingAddress { city } shippingMethod } } }",
                        headers=guest)["data"]["createReadCart"]["readCart"]
    assert untouched == {"billingAddress": None, "shippingMethod": None}

    placed = graphql(CREATE_ORDER, {"input": {"billingAddress": BILLING, "shippingMethod": "flat_rate",
                                              "paymentMethod": "cashondelivery", "idempotencyKey": uuid.uuid4().hex}},
                     headers=guest)["data"]["createOrder"]
    subtotal = price * 2
    tax = cents(subtotal * Decimal("0.0825"))
    assert placed["success"] is True
    assert cents(placed["order"]["total"]) == subtotal + tax + Decimal(20)
    assert placed["order"]["items"] == [{"productName": product["name"], "quantity": 2, "price": float(price)}]
