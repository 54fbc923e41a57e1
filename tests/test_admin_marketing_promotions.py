"""Admin cart rules and their coupons (REST and GraphQL): what the admin writes is what the shop's cart
applies, to the cent; generated coupons are unique, in the requested format, usable, and deletable."""
import re

import pytest

from domain.promotions import coupons as coupon_codes
from storage.db import database
from storage.sales_models import CartRule, CartRuleCoupon
from tests.admin_fixtures import (  # noqa: F401 (fixtures)
    FORBIDDEN, admin_client, admin_graphql, bearer, make_admin, super_admin,
)
from tests.cart_fixtures import add, new_guest_cart, product

RULES = "/api/admin/marketing/cart-rules"
GQL_RULE = "id _id name status couponType couponCode actionType discountAmount channels customerGroups conditions"


@pytest.fixture
def made_rules():
    """Ids of the rules a test creates; deleted afterwards (an automatic rule would reach other carts)."""
    ids = []
    yield ids
    with database.connection_context():
        CartRule.delete().where(CartRule.id.in_(ids) | CartRule.name.startswith("Test rule")).execute()


def create_rule(admin_client, made_rules, **fields) -> dict:
    body = {"name": "Test rule", "channels": [1], "customer_groups": [1, 2, 3], "coupon_type": 1,
            "action_type": "by_percent", "discount_amount": 15, "status": 1, **fields}
    response = admin_client.post(RULES, json=body)
    assert response.status_code == 201, response.text
    made_rules.append(response.json()["id"])
    return response.json()


def cart(client, headers) -> dict:
    response = client.get("/api/shop/cart", headers=headers)
    assert response.status_code == 200, response.text
    return response.json()["data"]


def test_cart_rule_written_by_the_admin_applies_in_the_shop_cart(client, admin_client, admin_graphql, made_rules):
    shirt, cap = product(price="19.99"), product(price="10.00")
    rule = create_rule(admin_client, made_rules, conditions=[
        {"attribute": "product|sku", "operator": "==", "value": shirt.sku}])
    assert rule["actionType"] == "by_percent" and rule["discountAmount"] == 15 and rule["couponCode"] is None
    assert (rule["channels"], rule["customerGroups"], rule["status"]) == ([1], [1, 2, 3], 1)
    assert rule["conditions"] == [{"attribute": "product|sku", "operator": "==", "value": shirt.sku}]
    shopper = new_guest_cart(client)
    assert add(client, shopper["headers"], productId=shirt.id, quantity=2).status_code == 200
    assert add(client, shopper["headers"], productId=cap.id, quantity=1).status_code == 200
    totals = cart(client, shopper["headers"])
    # 15 % of 39.98 = 5.997 -> 6.00 on the shirt line only; the cap has no discount
    assert (totals["subtotal"], totals["discountAmount"], totals["grandTotal"]) == (49.98, 6, 43.98)

    result = admin_graphql("""mutation($input: updateAdminMarketingCartRuleInput!) {
        updateAdminMarketingCartRule(input: $input) { adminMarketingCartRule { id _id name discountAmount } } }""",
                           {"input": {"id": f"{RULES}/{rule['id']}", "name": "Test rule 20", "discountAmount": 20}})
    assert result["data"]["updateAdminMarketingCartRule"]["adminMarketingCartRule"] == {
        "id": f"{RULES}/{rule['id']}", "_id": rule["id"], "name": "Test rule 20", "discountAmount": 20}
    assert cart(client, shopper["headers"])["discountAmount"] == 8  # 20 % of 39.98 = 7.996

    assert admin_client.put(f"{RULES}/{rule['id']}", json={"status": 0}).json()["status"] == 0
    assert cart(client, shopper["headers"])["discountAmount"] == 0
    assert admin_client.put(f"{RULES}/{rule['id']}", json={"status": 1, "customer_groups": [2]}).status_code == 200
    assert cart(client, shopper["headers"])["discountAmount"] == 0  # a guest is not in group 2
    response = admin_client.delete(f"{RULES}/{rule['id']}")
    assert response.json() == {"message": "Cart rule deleted."}
    assert admin_client.get(f"{RULES}/{rule['id']}").status_code == 404


def test_rule_input_is_checked_against_what_the_engine_understands(admin_client, made_rules):
    body = {"name": "Test rule bad", "channels": [1, 999], "customer_groups": [1], "coupon_type": 1,
            "action_type": "by_percent", "discount_amount": 150, "starts_from": "2026-08-01",
            "ends_till": "2026-07-01", "conditions": [
                {"attribute": "cart|base_sub_total", "operator": ">=", "value": 50},
                {"attribute": "cart|moon_phase", "operator": "==", "value": "full"},
                {"attribute": "product|no_such_code", "operator": "~", "value": 1},
                {"attribute": "sku", "operator": "=="}]}
    response = admin_client.post(RULES, json=body)
    assert response.status_code == 422, response.text
    assert set(response.json()["errors"]) == {
        "channels.1", "discount_amount", "ends_till", "conditions.1.attribute", "conditions.2.attribute",
        "conditions.2.operator", "conditions.3.attribute", "conditions.3.value"}
    with database.connection_context():
        assert not CartRule.select().where(CartRule.name == "Test rule bad").exists()
    response = admin_client.post(RULES, json={**body, "action_type": "free_lunch"})
    assert response.status_code == 422 and "action_type" in response.json()["errors"]


def test_coupon_rule_copy_list_and_mass_delete(admin_client, admin_graphql, made_rules):
    rule = create_rule(admin_client, made_rules, name="Test rule coupon", coupon_type=2, coupon_code="TESTPRIMARY1",
                       discount_amount=5, action_type="by_fixed", sort_order=7)
    assert rule["couponCode"] == "TESTPRIMARY1" and rule["couponType"] == 2
    listed = admin_client.get(RULES, params={"coupon_code": "TESTPRIMARY", "sort_order": 7}).json()
    assert [row["id"] for row in listed["data"]] == [rule["id"]] and listed["meta"]["total"] == 1
    taken = admin_client.post(RULES, json={"name": "Test rule clash", "channels": [1], "customer_groups": [1],
                                           "coupon_type": 2, "coupon_code": "TESTPRIMARY1", "action_type": "by_fixed",
                                           "discount_amount": 1})
    assert taken.status_code == 422 and list(taken.json()["errors"]) == ["coupon_code"]

    copy = admin_client.post(f"{RULES}/{rule['id']}/copy", json={})
    assert copy.status_code == 200, copy.text
    made_rules.append(copy.json()["id"])
    assert {key: copy.json()[key] for key in ("name", "status", "couponCode", "actionType", "discountAmount",
                                               "sortOrder", "channels", "customerGroups")} == {
        "name": "Copy of Test rule coupon", "status": 0, "couponCode": None, "actionType": "by_fixed",
        "discountAmount": 5, "sortOrder": 7, "channels": [1], "customerGroups": [1, 2, 3]}
    result = admin_graphql("""mutation($input: copyAdminMarketingCartRuleInput!) {
        copyAdminMarketingCartRule(input: $input) { adminMarketingCartRule { _id name status channels } } }""",
                           {"input": {"id": f"{RULES}/{rule['id']}"}})
    node = result["data"]["copyAdminMarketingCartRule"]["adminMarketingCartRule"]
    made_rules.append(node["_id"])
    assert (node["name"], node["status"], node["channels"]) == ("Copy of Test rule coupon", 0, [1])

    result = admin_graphql(f"""{{ adminMarketingCartRule(id: "{RULES}/{rule['id']}") {{ {GQL_RULE} }} }}""")
    assert result["data"]["adminMarketingCartRule"]["couponCode"] == "TESTPRIMARY1"
    response = admin_client.post(f"{RULES}/mass-delete", json={"indices": [copy.json()["id"], node["_id"], 99999999]})
    assert response.json() == {"deleted": sorted([copy.json()["id"], node["_id"]]), "message": "Cart rules deleted."}


def test_generated_coupons_are_unique_formatted_usable_and_mass_deleted(client, admin_client, admin_graphql,
                                                                         made_rules):
    rule = create_rule(admin_client, made_rules, name="Test rule generated", coupon_type=2, discount_amount=10,
                       uses_per_customer=0)
    response = admin_client.post(f"{RULES}/{rule['id']}/coupons/generate", json={
        "length": 8, "format": "alphanumeric", "prefix": "SUM-", "suffix": "-26", "coupon_qty": 20})
    assert response.status_code == 200, response.text
    result = response.json()
    codes = [coupon["code"] for coupon in result["coupons"]]
    assert (result["generated"], result["cartRuleId"], result["message"]) == (20, rule["id"], "Generated 20 coupons.")
    assert len(set(codes)) == 20 and all(re.fullmatch(r"SUM-[A-Z0-9]{8}-26", code) for code in codes)
    numeric = admin_client.post(f"{RULES}/{rule['id']}/coupons/generate", json={
        "code_length": 6, "code_format": "numeric", "coupon_qty": 3}).json()
    assert all(re.fullmatch(r"\d{6}", coupon["code"]) for coupon in numeric["coupons"])
    result = admin_graphql("""mutation($input: createAdminMarketingCartRuleCouponGenerateInput!) {
        createAdminMarketingCartRuleCouponGenerate(input: $input) {
          adminMarketingCartRuleCouponGenerate { cartRuleId generated success message } } }""",
                           {"input": {"cartRuleId": rule["id"], "length": 5, "format": "alphabetical", "couponQty": 2}})
    assert result["data"]["createAdminMarketingCartRuleCouponGenerate"]["adminMarketingCartRuleCouponGenerate"] == {
        "cartRuleId": rule["id"], "generated": 2, "success": True, "message": "Generated 2 coupons."}
    with database.connection_context():
        stored = [row.code for row in CartRuleCoupon.select().where(CartRuleCoupon.cart_rule == rule["id"])]
    assert len(stored) == len(set(stored)) == 25

    shirt = product(price="30.00")
    shopper = new_guest_cart(client)
    add(client, shopper["headers"], productId=shirt.id, quantity=1)
    applied = client.post("/api/shop/apply-coupon", json={"couponCode": codes[0]}, headers=shopper["headers"])
    assert applied.status_code == 200, applied.text
    assert (applied.json()["couponCode"], applied.json()["discountAmount"], applied.json()["grandTotal"]) == (
        codes[0], 3, 27)

    listed = admin_client.get(f"{RULES}/{rule['id']}/coupons", params={"per_page": 50}).json()
    assert listed["meta"]["total"] == 25 and [row["code"] for row in listed["data"][-20:]] == codes[::-1]
    first = listed["data"][0]
    assert first["cartRuleId"] == rule["id"] and first["usageLimit"] == 0 and first["timesUsed"] == 0
    other = create_rule(admin_client, made_rules, name="Test rule other", coupon_type=2, coupon_code="TESTOTHER1")
    other_coupon = admin_client.get(f"{RULES}/{other['id']}/coupons").json()["data"][0]["id"]
    doomed = [row["id"] for row in listed["data"] if row["code"] in codes[:3]]
    response = admin_client.post(f"{RULES}/{rule['id']}/coupons/mass-delete", json={"indices": [*doomed, other_coupon]})
    assert response.json() == {"cartRuleId": rule["id"], "deleted": 3, "skipped": [other_coupon], "success": True,
                               "message": "Deleted 3 coupons."}
    assert admin_client.get(f"{RULES}/{rule['id']}/coupons").json()["meta"]["total"] == 22
    assert admin_client.delete(f"{RULES}/{rule['id']}/coupons/{other_coupon}").status_code == 404
    gone = client.post("/api/shop/apply-coupon", json={"couponCode": codes[0]}, headers=new_guest_cart(client)["headers"])
    assert gone.status_code == 404

    result = admin_graphql("""mutation($input: createAdminMarketingCartRuleCouponMassDeleteInput!) {
        createAdminMarketingCartRuleCouponMassDelete(input: $input) {
          adminMarketingCartRuleCouponMassDelete { cartRuleId deleted skipped success message } } }""",
                           {"input": {"cartRuleId": rule["id"], "indices": [listed["data"][0]["id"]]}})
    assert result["data"]["createAdminMarketingCartRuleCouponMassDelete"][
        "adminMarketingCartRuleCouponMassDelete"]["deleted"] == 1


def test_a_code_drawn_twice_is_drawn_again(admin_client, made_rules, monkeypatch):
    rule = create_rule(admin_client, made_rules, name="Test rule collisions", coupon_type=2, coupon_code="TESTDUP0001")
    draws = iter(["TESTDUP0001", "TESTDUP0002", "TESTDUP0002", "TESTDUP0003"])
    monkeypatch.setattr(coupon_codes, "draw", lambda *args: next(draws))
    response = admin_client.post(f"{RULES}/{rule['id']}/coupons/generate",
                                 json={"length": 4, "format": "numeric", "coupon_qty": 2})
    assert sorted(coupon["code"] for coupon in response.json()["coupons"]) == ["TESTDUP0002", "TESTDUP0003"]


def test_single_coupon_create_and_delete(admin_client, admin_graphql, made_rules):
    rule = create_rule(admin_client, made_rules, name="Test rule single", coupon_type=2)
    path = f"{RULES}/{rule['id']}/coupons"
    response = admin_client.post(path, json={"code": "TESTWELCOME10", "usage_limit": 100, "usage_per_customer": 1,
                                             "expired_at": "2027-12-31"})
    assert response.status_code == 201, response.text
    coupon = response.json()
    assert {key: coupon[key] for key in ("cartRuleId", "code", "usageLimit", "usagePerCustomer", "expiredAt")} == {
        "cartRuleId": rule["id"], "code": "TESTWELCOME10", "usageLimit": 100, "usagePerCustomer": 1,
        "expiredAt": "2027-12-31"}
    assert admin_client.post(path, json={"code": "TESTWELCOME10"}).json()["errors"] == {
        "code": ["The code has already been taken."]}
    assert admin_client.post(f"{RULES}/99999999/coupons", json={"code": "TESTX1"}).status_code == 404
    result = admin_graphql(f"""{{ adminMarketingCartRuleCoupons(cartRuleId: {rule['id']}) {{ id _id code usageLimit }} }}""")
    assert result["data"]["adminMarketingCartRuleCoupons"] == [{
        "id": f"/api/admin/marketing/cart-rule-coupons/{coupon['id']}", "_id": coupon["id"], "code": "TESTWELCOME10",
        "usageLimit": 100}]
    flat = f"/api/admin/marketing/cart-rule-coupons/{coupon['id']}"
    assert admin_client.get(flat).json()["code"] == "TESTWELCOME10"
    result = admin_graphql("""mutation($input: deleteAdminMarketingCartRuleCouponInput!) {
        deleteAdminMarketingCartRuleCoupon(input: $input) { adminMarketingCartRuleCoupon { id _id code } } }""",
                           {"input": {"id": f"/api/admin/marketing/cart-rule-coupons/{coupon['id']}"}})
    assert result["data"]["deleteAdminMarketingCartRuleCoupon"]["adminMarketingCartRuleCoupon"]["code"] == "TESTWELCOME10"
    assert admin_client.get(path).json()["meta"]["total"] == 0
    assert admin_client.get(flat).status_code == 404
    assert admin_client.delete(flat).json()["message"] == "Coupon not found"


def test_permissions_are_enforced_on_both_transports(app):
    from starlette.testclient import TestClient
    _admin, token = make_admin(["marketing.promotions.cart_rules.view"], label="promo-viewer")
    with TestClient(app, headers=bearer(token)) as viewer:
        assert viewer.get(RULES).status_code == 200
        response = viewer.post(RULES, json={"name": "Test rule x", "channels": [1], "customer_groups": [1],
                                            "coupon_type": 1, "action_type": "by_percent", "discount_amount": 1})
        assert (response.status_code, response.json()) == (403, FORBIDDEN)
        response = viewer.post("/api/admin/graphql", json={"query": "mutation { createAdminMarketingCartRuleMassDelete("
                                                                    "input: {indices: [1]}) { clientMutationId } }"})
        assert response.json()["errors"][0]["extensions"]["code"] in ("FORBIDDEN", "forbidden")
