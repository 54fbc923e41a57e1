"""The admin GraphQL overview page's forms (graphql-api/admin-api.md, graphql-api/admin/products.md): each
root field is another name of an admin REST operation, declared in the admin SDL; driven here over the
API with real values, as the page writes them."""
from datetime import datetime
from decimal import Decimal

import pytest

from domain.customers import hasher
from storage.customer_models import Customer
from storage.models import Channel, CoreConfig, CustomerGroup, Product
from storage.db import database
from storage.sales_models import CartRule, Order, OrderItem
from tests.admin_fixtures import admin_client, admin_graphql, catalog_put_back, super_admin  # noqa: F401 (fixtures)
from tests.order_fixtures import Line, create_order, default_source, make_product
from tests.product_fixtures import media_root  # noqa: F401 (fixture)
from tests.settings_snapshot import settings_restored  # noqa: F401 (promotions, sources: put back after each test)
from tests.test_admin_catalog_product_media import png


pytestmark = pytest.mark.usefixtures("catalog_put_back")


def placed(qty=3, price="20.00") -> tuple[Order, int, int]:
    product = make_product(price, stock={default_source(): 50})
    order = create_order(None, [Line(product, qty, Decimal(price))], payment="moneytransfer",
                         email="overview@example.com")
    with database.connection_context():
        item_id = OrderItem.select(OrderItem.id).where(OrderItem.order == order.id).scalar()
    return order, item_id, product


def only(response: dict) -> dict:
    assert "errors" not in response, response
    return response["data"]


def test_create_invoice_invoices_the_quantities_named(admin_graphql, admin_client):
    order, item_id, _ = placed(qty=3)
    data = only(admin_graphql(f'''mutation {{ createInvoice(input: {{ orderId: "{order.id}"
        items: [{{ orderItemId: "{item_id}" quantity: 2 }}] }}) {{
        invoice {{ id incrementId status grandTotal createdAt }} }} }}'''))
    invoice = data["createInvoice"]["invoice"]
    assert invoice["status"] == "paid" and invoice["grandTotal"] == 50.0  # 2 × 20 + 10 shipping
    assert invoice["id"].startswith("/api/admin/invoices/") and invoice["incrementId"]
    detail = admin_client.get(f"/api/admin/orders/{order.id}").json()
    assert (detail["items"][0]["qtyInvoiced"], detail["items"][0]["qtyToInvoice"]) == (2, 1)
    too_many = admin_graphql(f'''mutation {{ createInvoice(input: {{ orderId: "{order.id}"
        items: [{{ orderItemId: "{item_id}" quantity: 5 }}] }}) {{ invoice {{ id }} }} }}''')
    assert too_many["errors"][0]["extensions"]["status"] == 422
    assert too_many["data"]["createInvoice"] is None


def test_create_shipment_refund_comment_and_the_order_filters(admin_graphql, admin_client):
    order, item_id, _ = placed(qty=2)
    only(admin_graphql(f'''mutation {{ createInvoice(input: {{ orderId: "{order.id}"
        items: [{{ orderItemId: "{item_id}" quantity: 2 }}] }}) {{ invoice {{ id }} }} }}'''))
    unsourced = admin_graphql(f'''mutation {{ createShipment(input: {{ orderId: "{order.id}"
        items: [{{ orderItemId: "{item_id}" quantity: 1 }}] carrier: "fedex" }}) {{ shipment {{ id }} }} }}''')
    assert unsourced["errors"][0]["message"] == "Inventory source is required."  # as the detail page's twin
    shipment = only(admin_graphql(f'''mutation {{ createShipment(input: {{ orderId: "{order.id}"
        source: {default_source()} items: [{{ orderItemId: "{item_id}" quantity: 1 }}] carrier: "fedex"
        trackNumber: "123456789" }}) {{
        shipment {{ id incrementId status carrierTitle trackNumber createdAt }} }} }}'''))["createShipment"]["shipment"]
    assert shipment["trackNumber"] == "123456789"
    assert shipment["incrementId"] == shipment["id"].rsplit("/", 1)[1]
    refund = only(admin_graphql(f'''mutation {{ createRefund(input: {{ orderId: "{order.id}"
        items: [{{ orderItemId: "{item_id}" quantity: 1 }}] adjustmentFee: 0 adjustmentNegativeFee: 0 }}) {{
        refund {{ id status grandTotal createdAt }} }} }}'''))["createRefund"]["refund"]
    assert refund["grandTotal"] == 20.0 and refund["status"] == "refunded"
    comment = only(admin_graphql(f'''mutation {{ addOrderComment(input: {{ orderId: "{order.id}"
        comment: "Order is being processed" notifyCustomer: false }}) {{ comment {{ id comment createdAt }} }} }}'''))
    assert comment["addOrderComment"]["comment"]["comment"] == "Order is being processed"
    detail = admin_client.get(f"/api/admin/orders/{order.id}").json()
    assert (detail["items"][0]["qtyShipped"], detail["items"][0]["qtyRefunded"]) == (1, 1)
    listed = only(admin_graphql('''{ adminOrders(first: 100, filters: {status: ["processing", "closed"]}) {
        edges { node { id incrementId status itemsCount } } } }'''))["adminOrders"]["edges"]
    assert {edge["node"]["status"] for edge in listed} <= {"processing", "closed"}
    mine = [edge["node"] for edge in listed if edge["node"]["incrementId"] == order.increment_id]
    assert mine and mine[0]["itemsCount"] == 1
    customer = only(admin_graphql('{ adminCustomers(first: 1) { edges { node { _id firstName lastName email } } } }'
                                  ))["adminCustomers"]["edges"][0]["node"]
    owned = create_order(customer["_id"], [Line(make_product("15.00", stock={default_source(): 3}), 1, Decimal("15.00"))])
    rows = only(admin_graphql(f'''{{ adminOrders(first: 5, order_id: "{owned.increment_id}") {{ edges {{ node {{
        incrementId customer {{ id firstName lastName email }} }} }} }} }}'''))["adminOrders"]["edges"]
    mine = [edge["node"]["customer"] for edge in rows if edge["node"]["incrementId"] == owned.increment_id]
    assert mine == [{"id": str(customer["_id"]), "firstName": customer["firstName"], "lastName": customer["lastName"],
                     "email": customer["email"]}]
    none = only(admin_graphql('{ adminOrders(first: 5, filters: {status: ["no-such-status"]}) { totalCount } }'))
    assert none["adminOrders"]["totalCount"] == 0


def test_update_inventory_then_read_the_stock(admin_graphql):
    product = make_product("12.00", stock={default_source(): 4})
    source = default_source()
    updated = only(admin_graphql(f'''mutation {{ updateInventory(input: {{ productId: "{product}"
        warehouseId: "{source}" quantity: 100 }}) {{ inventory {{ id quantity availableQuantity }} totalQty }} }}'''))
    assert updated["updateInventory"]["totalQty"] == 100
    assert [row["quantity"] for row in updated["updateInventory"]["inventory"]] == [100]
    rows = only(admin_graphql(f'''{{ inventory(productId: "{product}") {{ id productId warehouseId quantity
        reservedQuantity availableQuantity warehouse {{ id name code }} }} }}'''))["inventory"]
    assert len(rows) == 1
    row = rows[0]
    assert (row["productId"], row["warehouseId"], row["quantity"], row["reservedQuantity"],
            row["availableQuantity"]) == (product, source, 100, 0, 100)
    assert row["warehouse"] == {"id": str(source), "name": row["warehouse"]["name"], "code": "default"}
    unknown = admin_graphql(f'''mutation {{ updateInventory(input: {{ productId: "{product}" warehouseId: "999999"
        quantity: 5 }}) {{ totalQty }} }}''')
    assert unknown["errors"][0]["extensions"]["status"] == 422
    still = only(admin_graphql(f'{{ inventory(productId: "{product}") {{ quantity }} }}'))["inventory"]
    assert still == [{"quantity": 100}]


def test_warehouses_under_the_overview_names(admin_graphql):
    created = only(admin_graphql('''mutation { createWarehouse(input: { name: "Chicago Warehouse" code: "wh-overview-1"
        contactName: "Dock Office" address: "456 Warehouse Ave" city: "Chicago" state: "IL" country: "US"
        zipCode: "60601" phoneNumber: "3125551234" }) { warehouse { id name code address zipCode phoneNumber } } }'''))
    warehouse = created["createWarehouse"]["warehouse"]
    assert (warehouse["address"], warehouse["zipCode"], warehouse["phoneNumber"]) == (
        "456 Warehouse Ave", "60601", "3125551234")
    listed = only(admin_graphql('{ warehouses(first: 20, code: "wh-overview-1") { edges { node { id name code city country } } } }'))
    assert [edge["node"]["name"] for edge in listed["warehouses"]["edges"]] == ["Chicago Warehouse"]
    assert listed["warehouses"]["edges"][0]["node"]["country"] == "US"
    missing = admin_graphql('''mutation { createWarehouse(input: { name: "No Contact" code: "wh-overview-2"
        address: "1 Main St" city: "Chicago" state: "IL" country: "US" zipCode: "60601" phoneNumber: "1" }) {
        warehouse { id } } }''')
    assert "contactName" in missing["errors"][0]["extensions"]["errors"]


def test_update_list_and_delete_a_product_under_the_overview_names(admin_graphql, admin_client):
    product = make_product("10.00", stock={default_source(): 7}, name="Overview Lamp")
    updated = only(admin_graphql(f'''mutation {{ updateProduct(input: {{ id: "{product}" name: "Overview Desk Lamp"
        description: "Brass" price: 119.99 cost: 60.00 status: true weight: 2.0
        attributes: [{{ code: "meta_title", value: "Desk lamp" }}] }}) {{ product {{ id name price cost updatedAt }} }} }}'''))
    assert updated["updateProduct"]["product"]["name"] == "Overview Desk Lamp"
    assert (updated["updateProduct"]["product"]["price"], updated["updateProduct"]["product"]["cost"]) == (
        "119.9900", "60.0000")
    detail = admin_client.get(f"/api/admin/catalog/products/{product}").json()
    assert (detail["description"], detail["metaTitle"], detail["weight"]) == ("Brass", "Desk lamp", 2.0)
    listed = only(admin_graphql(f'''{{ products(first: 50, sku: "{detail['sku']}", filters: {{status: [1]}}) {{
        pageInfo {{ hasNextPage }} edges {{ node {{ id name sku type status description price cost weight quantity
        createdAt updatedAt }} }} }} }}'''))["products"]["edges"]
    assert [(edge["node"]["name"], edge["node"]["quantity"], edge["node"]["cost"]) for edge in listed] == [
        ("Overview Desk Lamp", 7, "60.0000")]
    disabled = only(admin_graphql(f'''{{ products(first: 5, sku: "{detail['sku']}", filters: {{status: [0]}}) {{
        totalCount }} }}'''))
    assert disabled["products"]["totalCount"] == 0
    deleted = only(admin_graphql(f'mutation {{ deleteProduct(input: {{ id: "{product}" }}) {{ status message }} }}'))
    assert deleted["deleteProduct"] == {"status": "success", "message": "Product deleted successfully."}
    assert admin_client.get(f"/api/admin/catalog/products/{product}").status_code == 404
    again = admin_graphql(f'mutation {{ deleteProduct(input: {{ id: "{product}" }}) {{ status message }} }}')
    assert again["errors"][0]["extensions"]["status"] == 404


def test_delete_product_image_names_the_product_and_the_image(admin_graphql, admin_client, media_root):
    product = make_product("10.00")
    uploaded = admin_client.post(f"/api/admin/catalog/products/{product}/images",
                                 files={"image": ("photo.png", png(), "image/png")})
    assert uploaded.status_code == 201, uploaded.text
    image = uploaded.json()["id"]
    other = make_product("10.00")
    wrong_product = admin_graphql(f'''mutation {{ deleteProductImage(input: {{ productId: "{other}"
        imageId: "{image}" }}) {{ status message }} }}''')
    assert wrong_product["errors"][0]["extensions"]["status"] == 404
    deleted = only(admin_graphql(f'''mutation {{ deleteProductImage(input: {{ productId: "{product}"
        imageId: "{image}" }}) {{ status message }} }}'''))
    assert deleted["deleteProductImage"] == {"status": "success", "message": "Product image deleted successfully."}
    assert admin_client.get(f"/api/admin/catalog/products/{product}").json()["images"] == []


def test_customers_under_the_overview_names(admin_graphql, admin_client):
    created = only(admin_graphql('''mutation { adminCreateCustomer(input: { firstName: "John" lastName: "Doe"
        email: "john.overview@example.com" password: "SecurePassword123!" gender: "Male" dateOfBirth: "1990-05-15"
        status: true }) { customer { id firstName email createdAt } } }'''))["adminCreateCustomer"]["customer"]
    customer = int(created["id"].rsplit("/", 1)[1])
    stored = admin_client.get(f"/api/admin/customers/{customer}").json()
    assert (stored["customerGroupId"], stored["status"], stored["gender"]) == (2, 1, "Male")
    with database.connection_context():  # the password given is the account's, none was generated
        assert hasher.verify(Customer.get_by_id(customer).password, "SecurePassword123!")
    only(admin_graphql(f'''mutation {{ adminUpdateCustomer(input: {{ id: "{customer}" firstName: "Jane"
        status: false }}) {{ customer {{ id firstName email updatedAt }} }} }}'''))
    address = only(admin_graphql(f'''mutation {{ adminAddCustomerAddress(input: {{ customerId: "{customer}"
        firstName: "Jane" lastName: "Doe" address: "123 Main St" city: "New York" state: "NY" country: "US"
        zipCode: "10001" phoneNumber: "2125551234" defaultBilling: true defaultShipping: false }}) {{
        address {{ id firstName address city defaultBilling }} }} }}'''))["adminAddCustomerAddress"]["address"]
    assert (address["city"], address["defaultBilling"]) == ("New York", True)
    order = create_order(customer, [Line(make_product("30.00", stock={default_source(): 5}), 1, Decimal("30.00"))])
    detail = only(admin_graphql(f'''{{ adminCustomer(id: "{customer}") {{ firstName status totalOrders totalSpent
        addresses {{ edges {{ node {{ id address city zipCode phoneNumber defaultBilling defaultShipping }} }} }}
        orders {{ edges {{ node {{ id incrementId status grandTotal createdAt }} }} }} }} }}'''))["adminCustomer"]
    assert (detail["firstName"], detail["status"], detail["totalOrders"], detail["totalSpent"]) == ("Jane", 0, 1, 40.0)
    assert [edge["node"]["zipCode"] for edge in detail["addresses"]["edges"]] == ["10001"]
    assert detail["addresses"]["edges"][0]["node"]["defaultShipping"] is True  # one default serves both
    assert [(edge["node"]["incrementId"], edge["node"]["grandTotal"]) for edge in detail["orders"]["edges"]] == [
        (order.increment_id, 40.0)]
    refused = admin_graphql(f'mutation {{ adminDeleteCustomer(input: {{ id: "{customer}" }}) {{ status message }} }}')
    assert refused["errors"][0]["message"] == "Customer has active orders"  # the pending order
    with database.connection_context():
        Order.update(status="completed").where(Order.id == order.id).execute()
    deleted = only(admin_graphql(f'mutation {{ adminDeleteCustomer(input: {{ id: "{customer}" }}) {{ status message }} }}'))
    assert deleted["adminDeleteCustomer"] == {"status": "success", "message": "Customer deleted."}
    assert admin_client.get(f"/api/admin/customers/{customer}").status_code == 404
    no_password = admin_graphql('''mutation { adminCreateCustomer(input: { firstName: "A" lastName: "B"
        email: "nopass.overview@example.com" password: "" }) { customer { id } } }''')
    assert "password" in no_password["errors"][0]["extensions"]["errors"]


def test_delete_category_under_the_overview_name(admin_graphql, admin_client):
    created = admin_client.post("/api/admin/catalog/categories", json={
        "slug": "overview-delete-me", "name": "Overview Delete Me", "position": 9, "attributes": [23]})
    assert created.status_code == 201, created.text
    category = created.json()["id"]
    deleted = only(admin_graphql(f'mutation {{ deleteCategory(input: {{ id: "{category}" }}) {{ status message }} }}'))
    assert deleted["deleteCategory"]["status"] == "success" and deleted["deleteCategory"]["message"]
    assert admin_client.get(f"/api/admin/catalog/categories/{category}").status_code == 404
    root = admin_graphql('mutation { deleteCategory(input: { id: "1" }) { status message } }')
    assert root["errors"][0]["extensions"]["status"] == 400


def test_create_attribute_with_labelled_options(admin_graphql, admin_client):
    created = only(admin_graphql('''mutation { createAttribute(input: { code: "overview_maker" label: "Maker"
        type: "select" required: false filterable: true configurable: false
        options: [{ label: "Brand A", value: "brand-a" } { label: "Brand B", value: "brand-b" }] }) {
        attribute { id code label type filterable createdAt } } }'''))["createAttribute"]["attribute"]
    assert (created["code"], created["label"], created["type"], created["filterable"]) == (
        "overview_maker", "Maker", "select", True)
    detail = admin_client.get(f"/api/admin/catalog/attributes/{created['id'].rsplit('/', 1)[1]}").json()
    assert [(option["adminName"], option["translations"][0]["label"]) for option in detail["options"]] == [
        ("brand-a", "Brand A"), ("brand-b", "Brand B")]
    taken = admin_graphql('''mutation { createAttribute(input: { code: "overview_maker" label: "Again" type: "text" }) {
        attribute { id } } }''')
    assert "code" in taken["errors"][0]["extensions"]["errors"]


def test_promotions_and_admin_users_under_the_overview_names(admin_graphql, admin_client):
    rule = admin_client.post("/api/admin/marketing/cart-rules", json={
        "name": "Overview Summer Sale", "channels": [1], "customer_groups": [1, 2], "coupon_type": 1,
        "action_type": "by_percent", "discount_amount": 10, "starts_from": "2026-06-01", "ends_till": "2026-08-31",
        "sort_order": 3, "status": 1})
    assert rule.status_code == 201, rule.text
    listed = only(admin_graphql('''{ adminPromotions(first: 50, name: "Overview Summer Sale") { edges { node {
        id name description ruleType status startDate endDate priority } } } }'''))["adminPromotions"]["edges"]
    node = listed[0]["node"]
    assert (node["ruleType"], node["priority"], node["status"]) == ("cart_rule", 3, 1)
    assert node["startDate"].startswith("2026-06-01") and node["endDate"].startswith("2026-08-31")
    admin = only(admin_graphql('''mutation { createAdminUser(input: { name: "Product Manager"
        email: "pm.overview@example.com" password: "SecurePassword123!" roleId: "1" status: true }) {
        admin { id name email role { name } createdAt } } }'''))["createAdminUser"]["admin"]
    role = admin_client.get("/api/admin/settings/roles/1").json()["name"]
    assert admin["role"]["name"] == role and admin["createdAt"]
    mine, after = [], None
    while not mine:  # other tests make admins too: page through the list
        page = only(admin_graphql('''query($after: String) { adminUsers(first: 100, after: $after) {
            pageInfo { hasNextPage endCursor } edges { node { id name email role { name } status createdAt } } } }''',
                                  {"after": after}))["adminUsers"]
        mine = [edge["node"] for edge in page["edges"] if edge["node"]["email"] == "pm.overview@example.com"]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert mine and (mine[0]["status"], mine[0]["role"]["name"]) == (1, role)


def test_order_amount_filters_outside_the_rest_range_are_refused(admin_client):
    response = admin_client.post("/api/admin/graphql",
                                 json={"query": '{ adminOrders(first: 2, grand_total_to: -6.8e16) { totalCount } }'})
    refused = response.json()
    assert refused["errors"][0]["extensions"]["status"] == 400
    assert "grand_total_to" in refused["errors"][0]["extensions"]["errors"]


def test_order_rows_carry_items_count_and_customer(admin_graphql):
    order, _, _ = placed(qty=3)
    data = only(admin_graphql('''query { adminOrders(first: 50 filters: { status: ["pending", "processing"] }) {
        edges { node { id incrementId status grandTotal itemsCount customer { id firstName lastName email }
        createdAt } } } }'''))
    rows = {edge["node"]["id"]: edge["node"] for edge in data["adminOrders"]["edges"]}
    row = rows[order.id]
    assert row["itemsCount"] == 1 and row["status"] == "pending" and row["grandTotal"] == 70.0  # 3 × 20 + 10
    assert row["customer"] is None  # a guest order
    assert all(node["status"] in ("pending", "processing") for node in rows.values())


def test_update_order_status_cancels_and_refuses_other_statuses(admin_graphql):
    order, _, _ = placed(qty=2)
    refused = admin_graphql(f'''mutation {{ updateOrderStatus(input: {{ orderId: "{order.id}" status: "processing" }})
        {{ order {{ id status updatedAt }} }} }}''')
    assert refused["errors"][0]["extensions"]["status"] == 422
    assert refused["errors"][0]["extensions"]["code"] == "STATUS_NOT_REQUESTABLE"
    with database.connection_context():
        assert Order.get_by_id(order.id).status == "pending"
    canceled = only(admin_graphql(f'''mutation {{ updateOrderStatus(input: {{ orderId: "{order.id}"
        status: "canceled" }}) {{ order {{ id status updatedAt }} }} }}'''))["updateOrderStatus"]["order"]
    assert canceled["status"] == "canceled" and canceled["updatedAt"]
    again = admin_graphql(f'''mutation {{ updateOrderStatus(input: {{ orderId: "{order.id}" status: "canceled" }})
        {{ order {{ id }} }} }}''')
    assert again["errors"][0]["extensions"]["status"] == 422  # nothing left to cancel


def test_admin_coupons_lists_every_rule_s_coupons_with_the_rule_s_discount(admin_graphql, admin_client):
    rule = admin_client.post("/api/admin/marketing/cart-rules", json={
        "name": "Overview coupons", "description": "Twelve off", "channels": [1], "customer_groups": [1, 2, 3],
        "coupon_type": 1, "action_type": "by_percent", "discount_amount": 12, "status": 1})
    assert rule.status_code == 201, rule.text
    coupon = admin_client.post(f"/api/admin/marketing/cart-rules/{rule.json()['id']}/coupons",
                               json={"code": "OVERVIEW12", "usage_limit": 5, "expired_at": "2099-12-31"})
    assert coupon.status_code == 201, coupon.text
    data = only(admin_graphql('''query { adminCoupons(first: 50) { totalCount edges { node { id code description
        discountType discountValue usageLimit usageCount status startDate endDate } } } }'''))["adminCoupons"]
    node = next(edge["node"] for edge in data["edges"] if edge["node"]["code"] == "OVERVIEW12")
    assert node == {"id": f"/api/admin/marketing/cart-rule-coupons/{coupon.json()['id']}", "code": "OVERVIEW12",
                    "description": "Twelve off", "discountType": "by_percent", "discountValue": "12.0000",
                    "usageLimit": 5, "usageCount": 0, "status": True, "startDate": None, "endDate": "2099-12-31"}


def old_customer(email: str, created: datetime) -> int:
    with database.connection_context():
        return Customer.create(first_name="Report", last_name="Customer", email=email, password="x",
                               api_token=email, created_at=created, updated_at=created).id


def test_reports_sum_the_orders_of_the_window(admin_graphql):
    # a year no other test writes in: 2007
    returning = old_customer("returning.report@example.com", datetime(2006, 6, 1))
    newcomer = old_customer("new.report@example.com", datetime(2007, 3, 1))
    shirt = make_product("20.00", stock={default_source(): 50}, name="Report Shirt")
    mug = make_product("7.50", stock={default_source(): 50}, name="Report Mug")
    create_order(returning, [Line(shirt, 1, Decimal("20.00"))], created_at=datetime(2006, 12, 1))  # before the window
    create_order(returning, [Line(shirt, 2, Decimal("20.00"))], created_at=datetime(2007, 3, 5))  # 50.00
    create_order(newcomer, [Line(mug, 4, Decimal("7.50"))], created_at=datetime(2007, 3, 20))  # 40.00
    create_order(None, [Line(shirt, 1, Decimal("20.00")), Line(mug, 2, Decimal("7.50"))],
                 created_at=datetime(2007, 7, 2))  # 45.00, a guest
    sales = only(admin_graphql('''query { salesReport(startDate: "2007-01-01" endDate: "2007-12-31"
        granularity: "monthly") { periods { date orders totalRevenue avgOrderValue itemsSold } } }'''))["salesReport"]
    periods = {row["date"]: row for row in sales["periods"]}
    assert len(periods) == 12
    assert periods["2007-03"] == {"date": "2007-03", "orders": 2, "totalRevenue": 90, "avgOrderValue": 45,
                                  "itemsSold": 6}
    assert periods["2007-07"] == {"date": "2007-07", "orders": 1, "totalRevenue": 45, "avgOrderValue": 45,
                                  "itemsSold": 3}
    assert sum(row["orders"] for row in periods.values()) == 3
    customers = only(admin_graphql('''query { customerReport(startDate: "2007-01-01" endDate: "2007-12-31") {
        newCustomers returningCustomers totalRevenue avgCustomerValue } }'''))["customerReport"]
    assert customers == {"newCustomers": 1, "returningCustomers": 1, "totalRevenue": 90, "avgCustomerValue": 45}
    products = only(admin_graphql('''query { productReport(startDate: "2007-01-01" endDate: "2007-12-31" limit: 10) {
        products { productId productName unitsSold totalRevenue rating } } }'''))["productReport"]["products"]
    assert products == [
        {"productId": shirt, "productName": "Report Shirt", "unitsSold": 3, "totalRevenue": 60, "rating": None},
        {"productId": mug, "productName": "Report Mug", "unitsSold": 6, "totalRevenue": 45, "rating": None}]
    bad = admin_graphql('query { salesReport(granularity: "hourly") { periods { date } } }')
    assert bad["errors"][0]["extensions"]["status"] in (400, 422)


def test_configuration_written_and_read_back_under_the_short_names(admin_graphql):
    with database.connection_context():
        saved = list(CoreConfig.select().dicts())
    try:
        before = only(admin_graphql('''query { configuration { general { storeName storeEmail taxIdentifier }
            catalog { productsPerPage defaultSort } checkout { guestCheckout reviewCheckout }
            shipping { origin freeShippingThreshold } } }'''))["configuration"]
        assert before["catalog"] == {"productsPerPage": 12, "defaultSort": "name-asc"}  # the tree's defaults
        assert before["checkout"] == {"guestCheckout": None, "reviewCheckout": None}
        written = only(admin_graphql('''mutation { updateConfiguration(input: { general: { storeName: "My Store"
            storeEmail: "store@example.com" } catalog: { productsPerPage: 20 defaultSort: "name" }
            shipping: { freeShippingThreshold: 150 } }) { status message configuration { general { storeName } } } }'''))
        assert written["updateConfiguration"]["status"] == "success"
        assert written["updateConfiguration"]["configuration"]["general"]["storeName"] == "My Store"
        after = only(admin_graphql('''query { configuration { general { storeName storeEmail }
            catalog { productsPerPage defaultSort } shipping { freeShippingThreshold } } }'''))["configuration"]
        assert after == {"general": {"storeName": "My Store", "storeEmail": "store@example.com"},
                         "catalog": {"productsPerPage": 20, "defaultSort": "name-asc"},
                         "shipping": {"freeShippingThreshold": 150}}
        with database.connection_context():
            assert CoreConfig.get(CoreConfig.code == "catalog.products.storefront.products_per_page").value == "20"
        refused = admin_graphql('''mutation { updateConfiguration(input: { general: { storeName: "Other"
            storeEmail: "not-an-email" } }) { status } }''')
        assert refused["errors"][0]["extensions"]["status"] == 422
        assert set(refused["errors"][0]["extensions"]["errors"]) == {"general.storeEmail"}
        unknown = admin_graphql('''mutation { updateConfiguration(input: { checkout: { guestCheckout: true } }) {
            status } }''')
        assert unknown["errors"][0]["extensions"]["errors"] == {
            "checkout.guestCheckout": ["The store has no such setting."]}
        unchanged = only(admin_graphql('query { configuration { general { storeName } } }'))["configuration"]
        assert unchanged["general"]["storeName"] == "My Store"  # nothing of the refused write
    finally:
        with database.connection_context():
            CoreConfig.delete().execute()
            if saved:
                CoreConfig.insert_many(saved).execute()


def test_create_promotion_is_a_cart_rule_with_the_action_s_discount(admin_graphql, admin_client):
    data = only(admin_graphql('''mutation { createPromotion(input: { name: "Summer Sale 2024"
        description: "Summer discount promotion" ruleType: "cart_rule" status: true startDate: "2024-06-01"
        endDate: "2024-08-31" conditions: [{ attribute: "subtotal" operator: "gt" value: "100" }]
        actions: [{ type: "discount_percentage" value: "10" }] priority: 1 }) {
        promotion { id name status createdAt } } }'''))["createPromotion"]["promotion"]
    assert data["name"] == "Summer Sale 2024" and data["status"] == 1 and data["createdAt"]
    rule = admin_client.get(data["id"]).json()
    assert (rule["actionType"], rule["discountAmount"], rule["couponType"], rule["sortOrder"]) == ("by_percent", 10, 1, 1)
    assert rule["conditions"] == [{"attribute": "cart|base_sub_total", "operator": ">", "value": 100}]
    assert rule["startsFrom"].startswith("2024-06-01") and rule["endsTill"].startswith("2024-08-31")
    with database.connection_context():
        assert sorted(rule["channels"]) == sorted(c.id for c in Channel.select())
        assert sorted(rule["customerGroups"]) == sorted(g.id for g in CustomerGroup.select())
    refused = admin_graphql('''mutation { createPromotion(input: { name: "Bad" ruleType: "catalog_rule"
        actions: [{ type: "discount_percentage" value: "10" }] }) { promotion { id } } }''')
    assert refused["errors"][0]["extensions"]["errors"] == {
        "ruleType": ["Only cart_rule promotions are created here (catalog rules: createAdminMarketingCatalogRule)."]}
    too_much = admin_graphql('''mutation { createPromotion(input: { name: "Too much"
        actions: [{ type: "discount_percentage" value: "150" }] }) { promotion { id } } }''')
    assert too_much["errors"][0]["extensions"]["status"] == 422


def test_create_coupon_makes_the_rule_that_gives_its_discount(admin_graphql, admin_client):
    coupon = only(admin_graphql('''mutation { createCoupon(input: { code: "SAVE20OVERVIEW"
        description: "Save 20% on your purchase" discountType: "percentage" discountValue: "20" usageLimit: 100
        usageLimitPerCustomer: 1 status: true startDate: "2024-01-01" endDate: "2099-12-31" minOrderAmount: "50" }) {
        coupon { id code discountValue status createdAt usageLimit usagePerCustomer endDate } } }'''))
    coupon = coupon["createCoupon"]["coupon"]
    assert coupon["code"] == "SAVE20OVERVIEW" and coupon["discountValue"] == "20.0000" and coupon["status"] is True
    assert (coupon["usageLimit"], coupon["usagePerCustomer"], coupon["endDate"]) == (100, 1, "2099-12-31")
    stored = admin_client.get(coupon["id"]).json()
    rule = admin_client.get(f"/api/admin/marketing/cart-rules/{stored['cartRuleId']}").json()
    assert (rule["couponType"], rule["couponCode"], rule["actionType"], rule["discountAmount"]) == (
        2, "SAVE20OVERVIEW", "by_percent", 20)
    assert rule["conditions"] == [{"attribute": "cart|base_sub_total", "operator": ">=", "value": 50}]
    taken = admin_graphql('''mutation { createCoupon(input: { code: "SAVE20OVERVIEW" discountType: "fixed"
        discountValue: "5" }) { coupon { id } } }''')
    assert set(taken["errors"][0]["extensions"]["errors"]) == {"code"}
    with database.connection_context():
        assert CartRule.select().where(CartRule.name == "SAVE20OVERVIEW").count() == 0  # nothing of the refused one


def test_create_and_update_category_under_the_overview_names(admin_graphql, admin_client):
    created = only(admin_graphql('''mutation { createCategory(input: { parentId: 1 name: "Overview Category"
        slug: "overview-category" description: "Category description" imageUrl: "https://example.com/image.jpg"
        bannerUrl: "https://example.com/banner.jpg" metaTitle: "Overview - Meta Title" metaDescription: "Meta"
        metaKeywords: "keywords" status: true displayMode: "products_only" position: 1 }) {
        category { id name slug status createdAt } } }'''))["createCategory"]["category"]
    assert (created["name"], created["slug"], created["status"]) == ("Overview Category", "overview-category", 1)
    detail = admin_client.get(created["id"]).json()
    parent = admin_client.get("/api/admin/catalog/categories/1").json()
    assert detail["filterableAttributeIds"] == parent["filterableAttributeIds"] and detail["filterableAttributeIds"]
    assert (detail["displayMode"], detail["parentId"], detail["logoUrl"]) == ("products_only", 1, None)
    updated = only(admin_graphql(f'''mutation {{ updateCategory(input: {{ id: "{created['id']}"
        name: "Updated Category" description: "Updated description" status: false position: 2 }}) {{
        category {{ id name status updatedAt }} }} }}'''))["updateCategory"]["category"]
    assert (updated["name"], updated["status"]) == ("Updated Category", 0)
    after = admin_client.get(created["id"]).json()
    english = next(row for row in after["translations"] if row["locale"] == "en")
    assert (english["slug"], english["description"], english["metaTitle"]) == (
        "overview-category", "Updated description", "Overview - Meta Title")  # the others kept
    assert after["position"] == 2 and after["filterableAttributeIds"] == detail["filterableAttributeIds"]
    taken = admin_graphql(f'''mutation {{ updateCategory(input: {{ id: "{created['id']}" slug: "{parent['slug']}" }})
        {{ category {{ id }} }} }}''')
    assert taken["errors"][0]["extensions"]["status"] == 422
    missing = admin_graphql('mutation { updateCategory(input: { id: "999999" name: "x" }) { category { id } } }')
    assert missing["errors"][0]["extensions"]["status"] == 404


def test_create_product_in_one_call_and_its_prices(admin_graphql, admin_client):
    data = only(admin_graphql('''mutation { createProduct(input: { name: "Overview Product" sku: "OVERVIEW-123"
        type: "simple" attributeFamily: "default" description: "Product description" shortDescription: "Short desc"
        weight: 1.5 status: true channel: "default" prices: [{ channel: "default" price: 99.99 cost: 50.00
        specialPrice: 79.99 specialPriceFrom: "2024-01-01" specialPriceTo: "2024-12-31" }]
        images: [{ type: "image" path: "/path/to/image.jpg" }] }) {
        product { id name sku status createdAt price cost specialPrice _warnings } } }'''))["createProduct"]["product"]
    assert (data["name"], data["sku"], data["status"]) == ("Overview Product", "OVERVIEW-123", 1)
    assert (data["price"], data["cost"], data["specialPrice"]) == ("99.9900", "50.0000", "79.9900")
    assert any("images" in warning for warning in data["_warnings"])
    detail = admin_client.get(data["id"]).json()
    assert detail["weight"] in ("1.5000", 1.5, "1.5") and detail["shortDescription"] == "Short desc"
    product_id = data["id"].rsplit("/", 1)[1]
    prices = only(admin_graphql(f'''mutation {{ updateProductPrices(input: {{ productId: "{product_id}"
        prices: [{{ channel: "default" price: 129.99 cost: 70.00 specialPrice: 99.99 specialPriceFrom: "2024-02-01"
        specialPriceTo: "2024-02-28" }}] }}) {{ product {{ id prices {{ edges {{ node {{ channel price specialPrice }} }} }}
        }} }} }}'''))["updateProductPrices"]["product"]
    assert [edge["node"] for edge in prices["prices"]["edges"]] == [
        {"channel": "default", "price": "129.9900", "specialPrice": "99.9900"}]
    disagreeing = admin_graphql(f'''mutation {{ updateProductPrices(input: {{ productId: "{product_id}"
        prices: [{{ channel: "default" price: 1 }}, {{ channel: "other" price: 2 }}] }}) {{ product {{ id }} }} }}''')
    assert disagreeing["errors"][0]["extensions"]["status"] == 422
    taken = admin_graphql('''mutation { createProduct(input: { name: "Again" sku: "OVERVIEW-123" type: "simple"
        prices: [{ price: 5 }] }) { product { id } } }''')
    assert taken["errors"][0]["extensions"]["status"] == 422
    bad_value = admin_graphql('''mutation { createProduct(input: { name: "" sku: "OVERVIEW-124" type: "simple" }) {
        product { id } } }''')
    assert bad_value["errors"][0]["extensions"]["status"] == 422
    with database.connection_context():
        assert not Product.select().where(Product.sku == "OVERVIEW-124").exists()  # the create rolled back


def test_bulk_update_products_all_or_nothing(admin_graphql, admin_client):
    first, second = (make_product("10.00", stock={default_source(): 1}) for _ in range(2))
    data = only(admin_graphql(f'''mutation {{ bulkUpdateProducts(input: {{ productIds: ["{first}", "{second}"]
        updates: {{ status: true weight: 2.25 }} }}) {{ status message updatedCount }} }}'''))["bulkUpdateProducts"]
    assert data == {"status": "success", "message": "Products updated successfully.", "updatedCount": 2}
    for key in (first, second):
        detail = admin_client.get(f"/api/admin/catalog/products/{key}").json()
        assert detail["status"] == 1 and Decimal(str(detail["weight"])) == Decimal("2.25")
    refused = admin_graphql(f'''mutation {{ bulkUpdateProducts(input: {{ productIds: ["{first}", "999999"]
        updates: {{ weight: 9 }} }}) {{ updatedCount }} }}''')
    assert refused["errors"][0]["extensions"]["status"] == 422
    assert Decimal(str(admin_client.get(f"/api/admin/catalog/products/{first}").json()["weight"])) == Decimal("2.25")


def test_add_product_image_names_the_upload_operation(admin_graphql):
    answer = admin_graphql('''mutation { addProductImage(input: { productId: "1" type: "image"
        path: "/path/to/new-image.jpg" altText: "Product alt text" }) { image { id type url path } } }''')
    assert answer["errors"][0]["extensions"]["status"] == 400
    assert "/api/admin/catalog/products/{productId}/images" in answer["errors"][0]["message"]
