"""Marketplace (docs/marketplace.md): vendor applications and the admin's decisions, product vendors, the split
of an order into vendor sub-orders at placement, the vendors' fulfilment and the parent order following it,
the balance ledger against the orders, payouts (also concurrent ones), and the vendor's own back office
scoped to its vendor (an IDOR walk over every vendor operation)."""
import re
import threading
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal as D

import pytest
from peewee import fn
from starlette.testclient import TestClient

from domain.marketplace import ledger, sub_orders
from generated.operations import REST_OPERATIONS
from storage.db import database
from storage.marketplace_models import (
    MarketplaceLedgerEntry, MarketplaceProductVendor, MarketplaceSetting, MarketplaceSubOrder, MarketplaceSubOrderItem,
    MarketplaceVendor, MarketplaceVendorUser,
)
from storage.sales_models import Order, OrderItem
from tests.admin_fixtures import admin_client, admin_graphql, bearer, make_admin, super_admin  # noqa: F401
from tests.checkout_fixtures import customer_cart, place, product_facts, ready_for_order, stocked_product
from tests.customer_fixtures import register

ADMIN = "/api/admin/marketplace"
SHOP = "/api/shop/marketplace/vendor-application"
VENDOR_PERMISSIONS = ["marketplace.vendor.profile", "marketplace.vendor.products", "marketplace.vendor.orders",
                      "marketplace.vendor.fulfil", "marketplace.vendor.balance"]
PORTAL = sorted(op_id for op_id, op in REST_OPERATIONS.items() if (op["permission"] or "").startswith("marketplace.vendor."))


@pytest.fixture
def marketplace_put_back():
    """The vendors, sub-orders and ledger rows a test makes are deleted after it, the default commission reset."""
    with database.connection_context():
        last_vendor = MarketplaceVendor.select(fn.MAX(MarketplaceVendor.id)).scalar() or 0
    yield
    with database.connection_context(), database.atomic():
        vendors = MarketplaceVendor.select(MarketplaceVendor.id).where(MarketplaceVendor.id > last_vendor)
        sub_orders = MarketplaceSubOrder.select(MarketplaceSubOrder.id).where(MarketplaceSubOrder.vendor.in_(vendors))
        MarketplaceLedgerEntry.delete().where(MarketplaceLedgerEntry.vendor.in_(vendors)).execute()
        MarketplaceSubOrderItem.delete().where(MarketplaceSubOrderItem.sub_order.in_(sub_orders)).execute()
        MarketplaceSubOrder.delete().where(MarketplaceSubOrder.vendor.in_(vendors)).execute()
        MarketplaceProductVendor.delete().where(MarketplaceProductVendor.vendor.in_(vendors)).execute()
        MarketplaceVendorUser.delete().where(MarketplaceVendorUser.vendor.in_(vendors)).execute()
        MarketplaceVendor.delete().where(MarketplaceVendor.id > last_vendor).execute()
        MarketplaceSetting.delete().execute()


def apply(client, customer: dict, name: str, expected: int = 201, **fields) -> dict:
    body = {"name": name, "businessName": f"{name} LLC", "taxNumber": "US-1", "address": "1 Main St",
            "documents": [{"name": "Incorporation", "url": f"https://files.example.com/{len(name)}.pdf"}], **fields}
    response = client.post(SHOP, json=body, headers=customer["headers"])
    assert response.status_code == expected, response.text
    return response.json()


def approved_vendor(client, admin_client, label: str) -> dict:
    customer = register(client, label)
    application = apply(client, customer, f"{label} shop")
    response = admin_client.post(f"{ADMIN}/vendors/{application['id']}/approve", json={})
    assert response.status_code == 200, response.text
    return {**response.json(), "customer": customer}


def vendor_user(admin_client, vendor_id: int, label: str) -> TestClient:
    admin, token = make_admin(VENDOR_PERMISSIONS, label=label)
    response = admin_client.post(f"{ADMIN}/vendors/{vendor_id}/users", json={"admin_user_id": admin.id})
    assert response.status_code == 200, response.text
    return token


def placed_order(client, customer: dict, *lines) -> Order:
    headers = customer_cart(customer, *lines)
    ready_for_order(client, headers)
    response = place(client, headers)
    assert response.status_code in (200, 201), response.text
    with database.connection_context():
        return Order.select().where(Order.customer == customer["id"]).order_by(Order.id.desc()).first()


def order_status(order_id: int) -> str:
    with database.connection_context():
        return Order.select(Order.status).where(Order.id == order_id).scalar()


def test_an_application_is_decided_by_the_state_machine(client, admin_client, marketplace_put_back):
    customer = register(client, "applicant")
    application = apply(client, customer, "Acme Outfitters", phone="+1 555 0100")
    assert (application["status"], application["slug"], application["email"]) == (
        "pending", "acme-outfitters", customer["email"])
    assert application["documents"] == [{"name": "Incorporation", "url": "https://files.example.com/15.pdf"}]
    assert client.get(SHOP, headers=customer["headers"]).json()["id"] == application["id"]
    again = apply(client, customer, "Acme Two", expected=409)
    assert again == {"message": "You already have a pending vendor application.", "error": "vendor_exists"}
    taken = apply(client, register(client, "copycat"), "ACME outfitters!", expected=422)
    assert taken["errors"] == {"name": ["A shop with this name already exists."]}
    bad_url = client.post(SHOP, json={"name": "X", "businessName": "X", "documents": [{"name": "a", "url": "ftp://x"}]},
                          headers=customer["headers"])
    assert bad_url.status_code in (400, 422)

    vendor = f"{ADMIN}/vendors/{application['id']}"
    no_reason = admin_client.post(f"{vendor}/reject", json={"reason": "  "})
    assert no_reason.status_code == 422 and list(no_reason.json()["errors"]) == ["reason"]
    rejected = admin_client.post(f"{vendor}/reject", json={"reason": "Tax number unreadable"}).json()
    assert (rejected["status"], rejected["statusReason"]) == ("rejected", "Tax number unreadable")
    refused = admin_client.post(f"{vendor}/approve", json={})
    assert refused.status_code == 409
    assert refused.json() == {"message": "A rejected vendor cannot be approved.", "error": "invalid_transition"}
    assert client.get(SHOP, headers=customer["headers"]).json()["statusReason"] == "Tax number unreadable"

    resent = apply(client, customer, "Acme Outfitters", expected=200, taxNumber="US-42")
    assert (resent["id"], resent["status"], resent["taxNumber"], resent["statusReason"]) == (
        application["id"], "pending", "US-42", "")
    approved = admin_client.post(f"{vendor}/approve", json={"reason": "Papers checked"}).json()
    assert approved["status"] == "approved" and approved["approvedAt"] is not None
    assert admin_client.post(f"{vendor}/reinstate", json={}).status_code == 409
    assert admin_client.post(f"{vendor}/suspend", json={}).status_code == 422
    suspended = admin_client.post(f"{vendor}/suspend", json={"reason": "Late shipments"}).json()
    assert (suspended["status"], suspended["statusReason"]) == ("suspended", "Late shipments")
    assert admin_client.post(f"{vendor}/suspend", json={"reason": "again"}).status_code == 409
    assert admin_client.post(f"{vendor}/reinstate", json={}).json()["status"] == "approved"

    listed = admin_client.get(f"{ADMIN}/vendors", params={"status": "approved", "name": "acme out"}).json()
    assert [row["id"] for row in listed["data"]] == [application["id"]] and listed["meta"]["total"] == 1
    assert admin_client.get(f"{ADMIN}/vendors", params={"status": "pending", "name": "acme out"}).json()["data"] == []
    assert admin_client.post(f"{ADMIN}/vendors/999999/approve", json={}).status_code == 404
    assert client.get(SHOP, headers=register(client, "nobody")["headers"]).status_code == 404


def test_a_two_vendor_order_splits_and_the_ledger_sums_to_it(client, admin_client, admin_graphql,
                                                           marketplace_put_back):
    acme, zeta = approved_vendor(client, admin_client, "acme"), approved_vendor(client, admin_client, "zeta")
    assert admin_client.put(f"{ADMIN}/settings", json={"default_commission_percent": 10}).json() == {
        "defaultCommissionPercent": 10}
    zeta = admin_client.put(f"{ADMIN}/vendors/{zeta['id']}/commission", json={"commission_percent": 12.5}).json()
    assert (zeta["commissionPercent"], zeta["effectiveCommissionPercent"]) == (12.5, 12.5)
    tent, lamp, own = stocked_product(), stocked_product(), stocked_product()
    for product, vendor in ((tent, acme), (lamp, zeta)):
        assigned = admin_client.put(f"{ADMIN}/products/{product}/vendor", json={"vendor_id": vendor["id"]})
        assert assigned.json()["vendorId"] == vendor["id"], assigned.text
    assert admin_client.put(f"{ADMIN}/products/{own}/vendor", json={"vendor_id": 999999}).status_code == 422
    tent_price, lamp_price = product_facts(tent)[2], product_facts(lamp)[2]

    buyer = register(client, "buyer")
    order = placed_order(client, buyer, (tent, 2), (lamp, 3))
    rows = admin_client.get(f"{ADMIN}/sub-orders", params={"order_id": order.id}).json()
    assert rows["meta"]["total"] == 2
    parts = {row["vendorId"]: row for row in rows["data"]}
    acme_part, zeta_part = parts[acme["id"]], parts[zeta["id"]]
    assert (acme_part["subTotal"], acme_part["qtyOrdered"], acme_part["status"]) == (
        float(tent_price * 2), 2, "pending")
    assert [item["sku"] for item in acme_part["items"]] == [product_facts(tent)[1]]
    assert {key: acme_part["shippingAddress"][key] for key in ("firstName", "address1", "city", "postcode")} == {
        "firstName": "Jane", "address1": "456 Oak Ave", "city": "Los Angeles", "postcode": "90001"}
    assert zeta_part["subTotal"] == float(lamp_price * 3)
    with database.connection_context():
        order = Order.get_by_id(order.id)
        lines = list(OrderItem.select().where(OrderItem.order == order.id, OrderItem.parent.is_null()))
    net = {line.product_id: line.base_total - line.base_discount_amount for line in lines}
    # the sub-orders add up to the order
    assert D(str(acme_part["subTotal"])) + D(str(zeta_part["subTotal"])) == order.base_sub_total
    assert D(str(acme_part["taxAmount"])) + D(str(zeta_part["taxAmount"])) == sum(l.base_tax_amount for l in lines)
    # money rounds half up (domain/sales/pricing.py): 12.5 % of an amount can end in a half cent
    acme_commission = (net[tent] * D("0.10")).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    zeta_commission = (net[lamp] * D("0.125")).quantize(D("0.01"), rounding=ROUND_HALF_UP)
    assert (D(str(acme_part["commissionAmount"])), D(str(zeta_part["commissionAmount"]))) == (
        acme_commission, zeta_commission)
    assert (acme_part["commissionPercent"], zeta_part["commissionPercent"]) == (10, 12.5)
    # the ledgers add up to the order minus the commissions
    with database.connection_context():
        credited = sum(entry.amount for entry in MarketplaceLedgerEntry.select().where(
            MarketplaceLedgerEntry.vendor.in_([acme["id"], zeta["id"]])))
    assert credited == sum(net.values()) - acme_commission - zeta_commission
    acme_now = admin_client.get(f"{ADMIN}/vendors/{acme['id']}").json()["balance"]
    assert acme_now == {"balance": float(net[tent] - acme_commission), "pending": float(net[tent] - acme_commission),
                        "available": 0, "paidOut": 0}

    # vendors fulfil their own part; the parent order follows
    acme_token, zeta_token = vendor_user(admin_client, acme["id"], "acme-user"), vendor_user(admin_client, zeta["id"], "zeta-user")
    with TestClient(client.app, headers=bearer(acme_token)) as acme_client, \
            TestClient(client.app, headers=bearer(zeta_token)) as zeta_client:
        own = f"{ADMIN}/vendor/sub-orders"
        assert acme_client.post(f"{own}/{acme_part['id']}/ship", json={}).json()["error"] == "invalid_transition"
        confirmed = acme_client.post(f"{own}/{acme_part['id']}/confirm")
        assert confirmed.json()["status"] == "confirmed" and confirmed.json()["confirmedAt"]
        assert order_status(order.id) == "processing"
        shipped = acme_client.post(f"{own}/{acme_part['id']}/ship", json={"tracking_number": "1Z999"}).json()
        assert (shipped["status"], shipped["trackingNumber"]) == ("shipped", "1Z999")
        assert acme_client.post(f"{own}/{acme_part['id']}/deliver").json()["status"] == "delivered"
        assert acme_client.post(f"{own}/{acme_part['id']}/deliver").status_code == 409
        assert order_status(order.id) == "processing"
        for action in ("confirm", "ship", "deliver"):
            assert zeta_client.post(f"{own}/{zeta_part['id']}/{action}", json={}).status_code == 200
        assert order_status(order.id) == "completed"
        acme_own = acme_client.get(f"{ADMIN}/vendor").json()
        assert acme_own["balance"]["available"] == float(net[tent] - acme_commission)
        performance = acme_client.get(f"{ADMIN}/vendor/performance").json()
        assert (performance["subOrders"], performance["deliveredSubOrders"], performance["itemsSold"],
                performance["revenue"], performance["commission"]) == (1, 1, 2, float(net[tent]), float(acme_commission))
        assert performance["averageFulfilmentHours"] is not None and performance["averageFulfilmentHours"] >= 0

    # payouts: never more than available, the ledger keeps summing
    available = net[tent] - acme_commission
    too_much = admin_client.post(f"{ADMIN}/payouts", json={"vendor_id": acme["id"], "amount": float(available + 1)})
    assert too_much.status_code == 409 and too_much.json()["error"] == "insufficient_balance"
    first = admin_client.post(f"{ADMIN}/payouts", json={"vendor_id": acme["id"], "amount": 5, "reference": "T1"})
    assert first.status_code == 201 and (first.json()["amount"], first.json()["type"]) == (-5, "payout")
    rest = admin_client.post(f"{ADMIN}/payouts", json={"vendor_id": acme["id"]}).json()
    assert D(str(rest["amount"])) == -(available - 5)
    assert admin_client.post(f"{ADMIN}/payouts", json={"vendor_id": acme["id"]}).status_code == 409
    assert admin_client.post(f"{ADMIN}/payouts", json={"vendor_id": 999999}).status_code == 422
    after = admin_client.get(f"{ADMIN}/vendors/{acme['id']}").json()["balance"]
    assert after == {"balance": 0, "pending": 0, "available": 0, "paidOut": float(available)}
    ledger_rows = admin_client.get(f"{ADMIN}/vendors/{acme['id']}/ledger").json()
    assert [row["type"] for row in ledger_rows["data"]] == ["payout", "payout", "sale"]
    assert ledger_rows["data"][2]["orderId"] == order.id
    payouts = admin_client.get(f"{ADMIN}/payouts", params={"vendor_id": acme["id"]}).json()
    assert [row["reference"] for row in payouts["data"]] == ["payout", "T1"]

    # the GraphQL twins answer the same
    answer = admin_graphql("""query($id: ID!) { adminMarketplaceVendor(id: $id) { _id status balance { paidOut } }
        adminMarketplaceSubOrders(orderId: %d) { totalCount edges { node { vendorId subTotal status } } } }""" % order.id,
                           {"id": f"/api/admin/marketplace/vendors/{acme['id']}"})
    assert answer["data"]["adminMarketplaceVendor"] == {"_id": acme["id"], "status": "approved",
                                                        "balance": {"paidOut": float(available)}}
    assert answer["data"]["adminMarketplaceSubOrders"]["totalCount"] == 2
    entries = admin_graphql("query($vendor: Int!) { adminMarketplaceVendorLedger(vendorId: $vendor, type: \"payout\") "
                            "{ totalCount edges { node { amount reference } } } }", {"vendor": acme["id"]})
    assert entries["data"]["adminMarketplaceVendorLedger"]["edges"] == [
        {"node": {"amount": -float(available - 5), "reference": "payout"}}, {"node": {"amount": -5, "reference": "T1"}}]
    assert {edge["node"]["status"] for edge in answer["data"]["adminMarketplaceSubOrders"]["edges"]} == {"delivered"}


def test_concurrent_payouts_never_take_more_than_is_available(client, admin_client, marketplace_put_back):
    vendor = approved_vendor(client, admin_client, "payday")
    tent = stocked_product()
    admin_client.put(f"{ADMIN}/products/{tent}/vendor", json={"vendor_id": vendor["id"]})
    order = placed_order(client, register(client, "payday-buyer"), (tent, 1))
    with database.connection_context():
        part = MarketplaceSubOrder.get(MarketplaceSubOrder.order == order.id)
        for action in ("confirm", "ship", "deliver"):
            sub_orders.advance(part.id, vendor["id"], action)
    available = part.vendor_amount
    share = (available / 4).quantize(D("0.0001"), rounding=ROUND_DOWN)
    outcomes = []

    def pay():
        with database.connection_context():
            try:
                ledger.pay_out(vendor["id"], share)
                outcomes.append("paid")
            except Exception as error:  # noqa: BLE001 (the refusal is the outcome)
                outcomes.append(getattr(error, "error", repr(error)))

    threads = [threading.Thread(target=pay) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["insufficient_balance"] * 4 + ["paid"] * 4
    balance = admin_client.get(f"{ADMIN}/vendors/{vendor['id']}").json()["balance"]
    left = available - 4 * share
    assert balance == {"balance": float(left), "pending": 0, "available": float(left), "paidOut": float(4 * share)}
    with database.connection_context():
        assert MarketplaceVendor.get_by_id(vendor["id"]).available_balance == left >= 0


def test_a_vendor_user_never_reaches_another_vendors_data(client, admin_client, marketplace_put_back):
    """The IDOR walk: vendor B's user calls every vendor operation with vendor A's ids (404, nothing changes)
    and reads only its own rows where the operation takes no id."""
    acme, zeta = approved_vendor(client, admin_client, "idor-a"), approved_vendor(client, admin_client, "idor-b")
    tent = stocked_product()
    admin_client.put(f"{ADMIN}/products/{tent}/vendor", json={"vendor_id": acme["id"]})
    order = placed_order(client, register(client, "idor-buyer"), (tent, 1))
    with database.connection_context():
        part = MarketplaceSubOrder.get(MarketplaceSubOrder.order == order.id)
    zeta_token = vendor_user(admin_client, zeta["id"], "idor-b-user")
    ids = {"sub-orders": part.id, "products": tent}
    seen = set()
    with TestClient(client.app, headers=bearer(zeta_token)) as zeta_client:
        for op_id in PORTAL:
            operation = REST_OPERATIONS[op_id]
            path = operation["path"]
            if "{id}" in path:
                resource = re.search(r"/vendor/([a-z-]+)/\{id\}", path).group(1)
                url = path.replace("{id}", str(ids[resource]))
                response = zeta_client.request(operation["method"], url, json={} if operation["method"] == "POST" else None)
                assert response.status_code == 404, (op_id, response.text)
                assert response.json()["error"] == "not_found"
            else:
                response = zeta_client.get(path)
                assert response.status_code == 200, (op_id, response.text)
                body = response.json()
                rows = body["data"] if "data" in body else [body]
                assert all(row.get("vendorId", row.get("id")) != acme["id"] for row in rows), op_id
                assert str(tent) not in [str(row.get("id")) for row in rows if "sku" in row], op_id
            seen.add(op_id)
    assert seen == set(PORTAL) and len(PORTAL) == 10
    graphql_twins = {"adminMarketplaceOwnSubOrder": f"query {{ adminMarketplaceOwnSubOrder(id: \"{part.id}\") {{ _id }} }}",
                     "adminMarketplaceOwnProduct": f"query {{ adminMarketplaceOwnProduct(id: \"{tent}\") {{ _id }} }}"}
    for field in ("confirmAdminMarketplaceOwnSubOrder", "shipAdminMarketplaceOwnSubOrder",
                  "deliverAdminMarketplaceOwnSubOrder"):
        graphql_twins[field] = f"mutation {{ {field}(input: {{id: \"{part.id}\"}}) {{ clientMutationId }} }}"
    for field, query in graphql_twins.items():
        answer = client.post("/api/admin/graphql", json={"query": query}, headers=bearer(zeta_token)).json()
        assert answer["errors"][0]["extensions"]["status"] == 404, (field, answer)
        assert answer["data"][field] is None
    with database.connection_context():
        assert MarketplaceSubOrder.get_by_id(part.id).status == "pending"
    # A user who acts for no vendor sees no vendor at all
    _admin, stranger = make_admin(VENDOR_PERMISSIONS, label="no-vendor")
    with TestClient(client.app, headers=bearer(stranger)) as stranger_client:
        assert stranger_client.get(f"{ADMIN}/vendor").json() == {"message": "Vendor not found", "error": "not_found"}
        assert stranger_client.get(f"{ADMIN}/vendor/sub-orders").status_code == 404
    # and the owner reaches its own
    acme_token = vendor_user(admin_client, acme["id"], "idor-a-user")
    with TestClient(client.app, headers=bearer(acme_token)) as acme_client:
        assert acme_client.get(f"{ADMIN}/vendor/sub-orders/{part.id}").json()["vendorId"] == acme["id"]
        assert acme_client.get(f"{ADMIN}/vendor/products/{tent}").json()["id"] == tent
        assert acme_client.get(f"{ADMIN}/vendor/products").json()["meta"]["total"] == 1
        assert acme_client.post(f"{ADMIN}/vendor/sub-orders/{part.id}/confirm").json()["status"] == "confirmed"
    # a user linked to one vendor cannot be linked to another; unlinking ends its access
    with database.connection_context():
        zeta_admin = MarketplaceVendorUser.get(MarketplaceVendorUser.vendor == zeta["id"]).admin_user_id
    clash = admin_client.post(f"{ADMIN}/vendors/{acme['id']}/users", json={"admin_user_id": zeta_admin})
    assert clash.status_code == 422 and list(clash.json()["errors"]) == ["admin_user_id"]
    unlinked = admin_client.delete(f"{ADMIN}/vendors/{zeta['id']}/users/{zeta_admin}").json()
    assert unlinked["users"] == []
    with TestClient(client.app, headers=bearer(zeta_token)) as zeta_client:
        assert zeta_client.get(f"{ADMIN}/vendor").status_code == 404


def test_an_order_with_the_stores_own_lines_is_not_completed_by_its_vendors(client, admin_client,
                                                                            marketplace_put_back):
    acme = approved_vendor(client, admin_client, "mixed")
    tent, own = stocked_product(), stocked_product()
    admin_client.put(f"{ADMIN}/products/{tent}/vendor", json={"vendor_id": acme["id"]})
    order = placed_order(client, register(client, "mixed-buyer"), (tent, 1), (own, 1))
    parts = admin_client.get(f"{ADMIN}/sub-orders", params={"order_id": order.id}).json()["data"]
    assert len(parts) == 1 and parts[0]["subTotal"] == float(product_facts(tent)[2])
    token = vendor_user(admin_client, acme["id"], "mixed-user")
    with TestClient(client.app, headers=bearer(token)) as vendor_client:
        for action in ("confirm", "ship", "deliver"):
            assert vendor_client.post(f"{ADMIN}/vendor/sub-orders/{parts[0]['id']}/{action}", json={}).status_code == 200
    assert order_status(order.id) == "processing"


def test_the_graphql_twins_apply_decide_assign_fulfil_and_pay(client, graphql, admin_client, admin_graphql,
                                                              marketplace_put_back):
    customer = register(client, "gql-vendor")
    applied = graphql("""mutation { applyMarketplaceVendor(input: {name: "Gql Goods", businessName: "Gql Goods Ltd",
        documents: [{name: "Licence", url: "https://files.example.com/licence.pdf"}]}) {
        marketplaceVendorApplication { id status slug documents { url } } } }""", headers=customer["headers"])
    application = applied["data"]["applyMarketplaceVendor"]["marketplaceVendorApplication"]
    assert (application["status"], application["slug"], application["documents"]) == (
        "pending", "gql-goods", [{"url": "https://files.example.com/licence.pdf"}])
    vendor_id = application["id"]
    rejected = admin_graphql("""mutation($id: ID!) { rejectAdminMarketplaceVendor(input: {id: $id, reason: "Blurry licence"})
        { adminMarketplaceVendor { status statusReason } } }""", {"id": str(vendor_id)})
    assert rejected["data"]["rejectAdminMarketplaceVendor"]["adminMarketplaceVendor"] == {
        "status": "rejected", "statusReason": "Blurry licence"}
    refused = admin_graphql("""mutation($id: ID!) { suspendAdminMarketplaceVendor(input: {id: $id, reason: "x"})
        { adminMarketplaceVendor { status } } }""", {"id": str(vendor_id)})
    assert refused["errors"][0]["message"] == "A rejected vendor cannot be suspended."
    assert refused["errors"][0]["extensions"]["code"] == "INVALID_TRANSITION"
    seen = graphql("{ marketplaceVendorApplication { status statusReason } }", headers=customer["headers"])
    assert seen["data"]["marketplaceVendorApplication"] == {"status": "rejected", "statusReason": "Blurry licence"}
    apply(client, customer, "Gql Goods", expected=200)
    admin_graphql("""mutation($id: ID!) { approveAdminMarketplaceVendor(input: {id: $id}) { clientMutationId } }""",
                  {"id": str(vendor_id)})
    settings = admin_graphql("""mutation { updateAdminMarketplaceSettings(input: {defaultCommissionPercent: 20})
        { adminMarketplaceSettings { defaultCommissionPercent } } }""")
    assert settings["data"]["updateAdminMarketplaceSettings"]["adminMarketplaceSettings"] == {"defaultCommissionPercent": 20}
    tent = stocked_product()
    assigned = admin_graphql("""mutation($id: ID!, $vendor: Int) { assignAdminMarketplaceProductVendor(
        input: {id: $id, vendorId: $vendor}) { adminMarketplaceProductVendor { productId vendorId } } }""",
                             {"id": str(tent), "vendor": vendor_id})
    assert assigned["data"]["assignAdminMarketplaceProductVendor"]["adminMarketplaceProductVendor"] == {
        "productId": tent, "vendorId": vendor_id}
    order = placed_order(client, register(client, "gql-buyer"), (tent, 2))
    with database.connection_context():
        part = MarketplaceSubOrder.get(MarketplaceSubOrder.order == order.id)
    assert part.commission_percent == 20 and part.commission_amount == (part.sub_total * D("0.2")).quantize(D("0.01"))
    admin, token = make_admin(VENDOR_PERMISSIONS, label="gql-vendor-user")
    linked = admin_graphql("""mutation($id: ID!, $user: Int!) { addAdminMarketplaceVendorUser(input: {id: $id,
        adminUserId: $user}) { adminMarketplaceVendor { users { adminUserId } } } }""",
                           {"id": str(vendor_id), "user": admin.id})
    assert linked["data"]["addAdminMarketplaceVendorUser"]["adminMarketplaceVendor"]["users"] == [{"adminUserId": admin.id}]
    moves = {"confirmAdminMarketplaceOwnSubOrder": "", "shipAdminMarketplaceOwnSubOrder": ', trackingNumber: "TRK-9"',
             "deliverAdminMarketplaceOwnSubOrder": ""}
    for field, extra in moves.items():
        answer = admin_graphql("""mutation($id: ID!) { %s(input: {id: $id%s}) { adminMarketplaceSubOrder {
            status trackingNumber } } }""" % (field, extra), {"id": str(part.id)}, headers=bearer(token))
        assert "errors" not in answer, answer
    assert answer["data"]["deliverAdminMarketplaceOwnSubOrder"]["adminMarketplaceSubOrder"] == {
        "status": "delivered", "trackingNumber": "TRK-9"}
    own = admin_graphql("{ adminMarketplaceOwnVendor { _id balance { available } } "
                        "adminMarketplaceOwnLedger { totalCount edges { node { type amount } } } }", headers=bearer(token))
    assert own["data"]["adminMarketplaceOwnVendor"] == {"_id": vendor_id, "balance": {"available": float(part.vendor_amount)}}
    assert own["data"]["adminMarketplaceOwnLedger"]["edges"] == [{"node": {"type": "sale", "amount": float(part.vendor_amount)}}]
    paid = admin_graphql("""mutation($vendor: Int!) { createAdminMarketplacePayout(input: {vendorId: $vendor, amount: 1.5,
        reference: "GQL-1"}) { adminMarketplaceLedgerEntry { type amount reference } } }""", {"vendor": vendor_id})
    assert paid["data"]["createAdminMarketplacePayout"]["adminMarketplaceLedgerEntry"] == {
        "type": "payout", "amount": -1.5, "reference": "GQL-1"}
    unlinked = admin_graphql("""mutation($id: ID!, $user: Int!) { removeAdminMarketplaceVendorUser(input: {id: $id,
        adminUserId: $user}) { adminMarketplaceVendor { users { adminUserId } } } }""",
                             {"id": str(vendor_id), "user": admin.id})
    assert unlinked["data"]["removeAdminMarketplaceVendorUser"]["adminMarketplaceVendor"]["users"] == []


def test_two_vendors_delivering_at_once_complete_the_order(client, admin_client, marketplace_put_back):
    first, second = approved_vendor(client, admin_client, "race-a"), approved_vendor(client, admin_client, "race-b")
    tent, lamp = stocked_product(), stocked_product()
    admin_client.put(f"{ADMIN}/products/{tent}/vendor", json={"vendor_id": first["id"]})
    admin_client.put(f"{ADMIN}/products/{lamp}/vendor", json={"vendor_id": second["id"]})
    order = placed_order(client, register(client, "race-buyer"), (tent, 1), (lamp, 1))
    with database.connection_context():
        parts = list(MarketplaceSubOrder.select().where(MarketplaceSubOrder.order == order.id))
        for part in parts:
            for action in ("confirm", "ship"):
                sub_orders.advance(part.id, part.vendor_id, action)
    barrier, failures = threading.Barrier(len(parts)), []

    def deliver(part):
        barrier.wait()
        with database.connection_context():
            try:
                sub_orders.advance(part.id, part.vendor_id, "deliver")
            except Exception as error:  # noqa: BLE001
                failures.append(repr(error))

    threads = [threading.Thread(target=deliver, args=(part,)) for part in parts]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(parts) == 2
    assert order_status(order.id) == "completed"
    with database.connection_context():
        balances = dict(MarketplaceVendor.select(MarketplaceVendor.id, MarketplaceVendor.available_balance)
                        .where(MarketplaceVendor.id.in_([first["id"], second["id"]])).tuples())
    assert balances == {part.vendor_id: part.vendor_amount for part in parts}
