"""Admin subscriptions and plans (docs/subscriptions.md): plans per product over REST and GraphQL, the
subscription list with its filters, the detail with renewal orders, the state machine's moves (409 for
the others) and the renewal run."""
import datetime
from decimal import Decimal

from domain.sales import subscription_billing
from domain.sales.subscriptions import billing_date
from storage.db import database
from storage.models import Product
from storage.subscription_models import SubscriptionPlan
from tests.customer_fixtures import register
from tests.order_fixtures import make_product
from tests import admin_fixtures, subscription_fixtures
from tests.subscription_fixtures import JAN_31, MINUTE, anchored, fresh, plan_product, subscribe

fake, cleanup = subscription_fixtures.fake, subscription_fixtures.cleanup  # fixtures
admin_client, admin_graphql = admin_fixtures.admin_client, admin_fixtures.admin_graphql
super_admin = admin_fixtures.super_admin

PLANS = "/api/admin/subscription-plans"
SUBSCRIPTIONS = "/api/admin/subscriptions"


def test_plan_crud(admin_client):
    product_id = make_product("30.00", kind="virtual")
    body = {"product_id": product_id, "name": "Weekly", "interval_unit": "week", "interval_count": 2, "price": 7.5}
    created = admin_client.post(PLANS, json=body)
    assert created.status_code == 201, created.text
    plan = created.json()
    assert {key: plan[key] for key in ("productId", "name", "intervalUnit", "intervalCount", "trialDays",
                                       "billingCycles", "price", "status")} == {
        "productId": product_id, "name": "Weekly", "intervalUnit": "week", "intervalCount": 2, "trialDays": 0,
        "billingCycles": 0, "price": 7.5, "status": True}
    assert plan["productSku"].startswith("ORD-") and plan["productName"].startswith("Order Test")
    with database.connection_context():
        assert SubscriptionPlan.get_by_id(plan["id"]).price == Decimal("7.5000")
    duplicate = admin_client.post(PLANS, json=body)
    assert duplicate.status_code == 422
    assert duplicate.json()["errors"] == {"product_id": ["The product already has a subscription plan."]}
    missing = admin_client.post(PLANS, json={**body, "product_id": 2147483647})
    assert missing.json()["errors"] == {"product_id": ["The selected product id is invalid."]}
    with database.connection_context():
        bundle = Product.get(Product.type == "bundle").id
    refused = admin_client.post(PLANS, json={**body, "product_id": bundle})
    assert refused.json()["errors"] == {"product_id": ["A bundle product cannot be sold by subscription."]}
    listed = admin_client.get(PLANS, params={"product_id": product_id}).json()
    assert [row["id"] for row in listed["data"]] == [plan["id"]] and listed["meta"]["total"] == 1
    updated = admin_client.put(f"{PLANS}/{plan['id']}", json={"price": 8, "trial_days": 14}).json()
    assert (updated["price"], updated["trialDays"], updated["productId"]) == (8, 14, product_id)
    assert admin_client.delete(f"{PLANS}/{plan['id']}").json() == {"message": "Subscription plan deleted."}
    assert admin_client.get(f"{PLANS}/{plan['id']}").status_code == 404


def test_the_demo_plan_is_seeded(admin_client):
    with database.connection_context():
        product = Product.get(Product.sku == "VIRT-STREAMING-1M")
    [plan] = admin_client.get(PLANS, params={"product_id": product.id}).json()["data"]
    assert (plan["name"], plan["intervalUnit"], plan["intervalCount"], plan["price"], plan["billingCycles"]) == (
        "Monthly", "month", 1, 59, 0)


def test_plan_graphql(admin_graphql):
    product_id = make_product("30.00", kind="virtual")
    created = admin_graphql("""mutation($product: Int!) { createAdminSubscriptionPlan(input: {productId: $product,
        name: "Yearly", intervalUnit: "year", price: 99.5, billingCycles: 3}) { adminSubscriptionPlan {
        id _id productId intervalUnit price billingCycles } } }""", {"product": product_id})
    plan = created["data"]["createAdminSubscriptionPlan"]["adminSubscriptionPlan"]
    assert plan == {"id": f"/api/admin/subscription-plans/{plan['_id']}", "_id": plan["_id"], "productId": product_id,
                    "intervalUnit": "year", "price": 99.5, "billingCycles": 3}
    listed = admin_graphql("query($p: ID) { adminSubscriptionPlans(productId: $p) { totalCount } }",
                           {"p": str(product_id)})
    assert listed["data"]["adminSubscriptionPlans"]["totalCount"] == 1


def test_admin_list_detail_and_moves(client, admin_client, fake, cleanup):
    customer, other = register(client, "adminlist"), register(client, "adminother")
    product_id = plan_product(price="20.00")
    subscription = anchored(subscribe(client, customer, product_id))
    second = subscribe(client, other, product_id)
    listed = admin_client.get(SUBSCRIPTIONS, params={"customer_id": customer["id"]}).json()
    assert [row["id"] for row in listed["data"]] == [subscription.id]
    row = listed["data"][0]
    assert (row["customerEmail"], row["status"], row["price"], row["nextBillingAt"], row["paymentMethod"]) == (
        customer["email"], "active", 20, "2031-01-31T09:00:00+00:00", "fake")
    by_product = admin_client.get(SUBSCRIPTIONS, params={"product_id": product_id, "sort": "id"}).json()
    assert [row["id"] for row in by_product["data"]] == [second.id, subscription.id]  # newest first
    with database.connection_context():
        subscription_billing.run_renewals(JAN_31 + MINUTE)
    detail = admin_client.get(f"{SUBSCRIPTIONS}/{subscription.id}").json()
    [renewal] = detail["renewals"]
    assert (detail["currentPeriod"], detail["nextBillingAt"]) == (2, "2031-02-28T09:00:00+00:00")
    assert (renewal["period"], renewal["amount"], renewal["state"], renewal["attempts"], renewal["dueAt"]) == (
        2, 20, "paid", 1, "2031-01-31T09:00:00+00:00")
    assert renewal["incrementId"] == str(renewal["orderId"])
    moved = admin_client.put(f"{SUBSCRIPTIONS}/{subscription.id}", json={"next_billing_at": "2031-03-15T10:30:00Z"})
    assert moved.json()["nextBillingAt"] == "2031-03-15T10:30:00+00:00"
    with database.connection_context():
        current = fresh(subscription)
        assert billing_date(current, 4) == datetime.datetime(2031, 4, 15, 10, 30)
    paused = admin_client.put(f"{SUBSCRIPTIONS}/{subscription.id}", json={"status": "paused"}).json()
    assert paused["status"] == "paused"
    assert admin_client.get(SUBSCRIPTIONS, params={"status": "paused", "customer_id": customer["id"]}).json()[
        "meta"]["total"] == 1
    canceled = admin_client.post(f"{SUBSCRIPTIONS}/{subscription.id}/cancel", json={}).json()
    assert canceled["status"] == "canceled"
    refused = admin_client.put(f"{SUBSCRIPTIONS}/{subscription.id}", json={"status": "paused"})
    assert refused.status_code == 409
    assert refused.json() == {"message": "A canceled subscription cannot become paused.", "error": "invalid_transition"}
    assert admin_client.post(f"{SUBSCRIPTIONS}/{subscription.id}/cancel").status_code == 409
    reactivated = admin_client.post(f"{SUBSCRIPTIONS}/{subscription.id}/reactivate").json()
    assert (reactivated["status"], reactivated["nextBillingAt"]) == ("active", "2031-03-15T10:30:00+00:00")
    ending = admin_client.post(f"{SUBSCRIPTIONS}/{subscription.id}/cancel", json={"at_period_end": True}).json()
    assert (ending["status"], ending["cancelAtPeriodEnd"]) == ("active", True)
    invalid = admin_client.put(f"{SUBSCRIPTIONS}/{subscription.id}", json={"next_billing_at": "soon"})
    assert invalid.status_code in (400, 422)
    assert admin_client.get(f"{SUBSCRIPTIONS}/2147483647").status_code == 404


def test_admin_run_bills_a_due_period(client, admin_client, fake, cleanup):
    customer = register(client, "adminrun")
    subscription = subscribe(client, customer, plan_product(price="9.99"))
    past = (datetime.datetime.utcnow() - datetime.timedelta(hours=1)).replace(microsecond=0)
    admin_client.put(f"{SUBSCRIPTIONS}/{subscription.id}", json={"next_billing_at": past.isoformat() + "+00:00"})
    result = admin_client.post("/api/admin/subscription-renewals/run")
    assert result.status_code == 200, result.text
    assert result.json()["renewed"] >= 1
    detail = admin_client.get(f"{SUBSCRIPTIONS}/{subscription.id}").json()
    assert ([r["amount"] for r in detail["renewals"]], detail["status"]) == ([9.99], "active")
    assert admin_client.post("/api/admin/subscription-renewals/run").json()["renewed"] == 0  # nothing due now
    assert len(admin_client.get(f"{SUBSCRIPTIONS}/{subscription.id}").json()["renewals"]) == 1


def test_admin_graphql(client, admin_graphql, fake, cleanup):
    customer = register(client, "admingraph")
    subscription = subscribe(client, customer, plan_product())
    listed = admin_graphql("query($c: ID) { adminSubscriptions(customerId: $c) { totalCount "
                           "edges { node { _id status } } } }",
                           {"c": str(customer["id"])})
    assert listed["data"]["adminSubscriptions"] == {"totalCount": 1,
                                                    "edges": [{"node": {"_id": subscription.id, "status": "active"}}]}
    paused = admin_graphql("""mutation($id: ID!) { updateAdminSubscription(input: {id: $id, status: "paused"}) {
        adminSubscription { status renewals { period } } } }""", {"id": f"/api/admin/subscriptions/{subscription.id}"})
    assert paused["data"]["updateAdminSubscription"]["adminSubscription"] == {"status": "paused", "renewals": []}
    canceled = admin_graphql("""mutation($id: ID!) { cancelAdminSubscription(input: {id: $id, atPeriodEnd: false}) {
        adminSubscription { status } } }""", {"id": str(subscription.id)})
    assert canceled["data"]["cancelAdminSubscription"]["adminSubscription"]["status"] == "canceled"
    ran = admin_graphql("mutation { runAdminSubscriptionRenewals(input: {}) "
                        "{ adminSubscriptionRenewalRun { skipped } } }")
    assert ran["data"]["runAdminSubscriptionRenewals"]["adminSubscriptionRenewalRun"]["skipped"] == 0
