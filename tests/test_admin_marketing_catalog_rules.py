"""Admin catalog rules (REST and GraphQL): a rule reaches the shop's prices only through the price index,
rebuilt by a background job. Each test enqueues for real, checks the price is unchanged while the job
waits in the queue, runs the queued jobs (`domain.jobs.run_queued`, as a consumer would) and checks the
new price for the right customer group and days only."""
import datetime

import pytest

from domain.jobs import huey, run_queued
from domain.promotions import price_index
from storage.db import database
from storage.models import utcnow
from storage.promotion_models import CatalogRule, CatalogRuleProductPrice
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.cart_fixtures import add, new_guest_cart, product
from tests.customer_fixtures import register

RULES = "/api/admin/marketing/catalog-rules"
GUEST, GENERAL = 1, 2


@pytest.fixture
def clean_rules():
    """Queue empty before; the test's rules and the index gone after (other tests see base prices)."""
    run_queued()
    with database.connection_context():
        seeded = CatalogRule.select(CatalogRule.id).order_by(CatalogRule.id.desc()).scalar() or 0
    yield
    with database.connection_context():
        CatalogRule.delete().where(CatalogRule.id > seeded).execute()
        CatalogRuleProductPrice.delete().execute()
    huey.flush()


def today() -> datetime.date:
    return utcnow().date()


def shop_price(client, product_id: int) -> tuple:
    document = client.get(f"/api/shop/products/{product_id}").json()
    return document["price"], document["specialPrice"]


def cart_unit_price(client, product_id: int, headers: dict | None = None) -> float:
    headers = headers or new_guest_cart(client)["headers"]
    response = add(client, headers, productId=product_id, quantity=1)
    assert response.status_code == 200, response.text
    items = client.get("/api/shop/cart", headers=headers).json()["data"]["items"]
    line = next(line for line in items if line["productId"] == product_id)
    return line["price"]


def test_a_rule_lowers_the_shop_price_for_its_group_only_after_its_job_runs(client, admin_client, clean_rules):
    item = product(price="80.00")
    response = admin_client.post(RULES, json={
        "name": "Guests 25% off", "status": 1, "action_type": "by_percent", "discount_amount": 25,
        "channels": [1], "customer_groups": [GUEST], "starts_from": str(today() - datetime.timedelta(days=1)),
        "ends_till": str(today() + datetime.timedelta(days=1)), "condition_type": 1,
        "conditions": [{"attribute": "product|sku", "operator": "==", "value": item.sku}]})
    assert response.status_code == 201, response.text
    rule = response.json()
    assert (rule["actionType"], rule["discountAmount"], rule["customerGroups"]) == ("by_percent", 25, [GUEST])
    assert len(huey) >= 1  # queued, not run inside the request
    assert shop_price(client, item.id) == (80, None)
    assert cart_unit_price(client, item.id) == 80

    assert run_queued() >= 1
    assert shop_price(client, item.id) == (80, 60)
    assert cart_unit_price(client, item.id) == 60
    member = register(client, "catalog-rule")  # the general group: no discount
    assert cart_unit_price(client, item.id, member["headers"]) == 80
    with database.connection_context():
        days = {row.rule_date for row in CatalogRuleProductPrice.select().where(
            CatalogRuleProductPrice.product == item.id)}
        groups = {row.customer_group_id for row in CatalogRuleProductPrice.select().where(
            CatalogRuleProductPrice.product == item.id)}
    assert days == {today() + datetime.timedelta(days=offset) for offset in (-1, 0, 1)} and groups == {GUEST}

    response = admin_client.put(f"{RULES}/{rule['id']}", json={"customer_groups": [GUEST, GENERAL],
                                                                "action_type": "to_fixed", "discount_amount": 50})
    assert response.json()["customerGroups"] == [GUEST, GENERAL]
    assert shop_price(client, item.id) == (80, 60)  # the index still holds the old rule
    run_queued()
    assert shop_price(client, item.id) == (80, 50)
    assert cart_unit_price(client, item.id, member["headers"]) == 50

    assert admin_client.delete(f"{RULES}/{rule['id']}").json() == {"message": "Catalog rule deleted."}
    assert shop_price(client, item.id) == (80, 50)
    run_queued()
    assert shop_price(client, item.id) == (80, None)
    assert cart_unit_price(client, item.id) == 80


def test_a_rule_outside_its_dates_leaves_todays_price(client, admin_client, admin_graphql, clean_rules):
    item = product(price="40.00")
    starts = today() + datetime.timedelta(days=2)
    result = admin_graphql("""mutation($input: createAdminMarketingCatalogRuleInput!) {
        createAdminMarketingCatalogRule(input: $input) {
          adminMarketingCatalogRule { id _id name startsFrom actionType discountAmount channels customerGroups } } }""",
                           {"input": {"name": "Later", "channels": [1], "customerGroups": [GUEST, GENERAL],
                                      "actionType": "by_fixed", "discountAmount": 5, "startsFrom": str(starts),
                                      "conditions": [{"attribute": "product|sku", "operator": "==",
                                                      "value": item.sku}]}})
    node = result["data"]["createAdminMarketingCatalogRule"]["adminMarketingCatalogRule"]
    assert node["id"] == f"{RULES}/{node['_id']}" and node["startsFrom"] == str(starts)
    run_queued()
    assert shop_price(client, item.id) == (40, None)
    with database.connection_context():
        assert price_index.compute(starts) and CatalogRuleProductPrice.select().where(
            CatalogRuleProductPrice.product == item.id, CatalogRuleProductPrice.rule_date == starts,
            CatalogRuleProductPrice.rule_price == 35).count() == 2  # two groups on the first day

    result = admin_graphql("""mutation($input: updateAdminMarketingCatalogRuleInput!) {
        updateAdminMarketingCatalogRule(input: $input) { adminMarketingCatalogRule { _id discountAmount } } }""",
                           {"input": {"id": node["id"], "startsFrom": str(today()), "discountAmount": 7.5}})
    assert result["data"]["updateAdminMarketingCatalogRule"]["adminMarketingCatalogRule"]["discountAmount"] == 7.5
    run_queued()
    assert shop_price(client, item.id) == (40, 32.5)
    result = admin_graphql("""mutation($input: deleteAdminMarketingCatalogRuleInput!) {
        deleteAdminMarketingCatalogRule(input: $input) { adminMarketingCatalogRule { id _id name } } }""",
                           {"input": {"id": node["id"]}})
    assert result["data"]["deleteAdminMarketingCatalogRule"]["adminMarketingCatalogRule"]["name"] == "Later"
    assert shop_price(client, item.id) == (40, 32.5)
    run_queued()
    assert shop_price(client, item.id) == (40, None)


def test_rules_run_in_order_and_end_other_rules_stops_the_rest(clean_rules):
    item = product(price="100.00")
    with database.connection_context():
        condition = [{"attribute": "product|sku", "operator": "==", "value": item.sku}]
        for order, action, amount, stop in ((1, "by_percent", 10, False), (2, "by_fixed", 5, True),
                                             (3, "to_fixed", 1, False)):
            CatalogRule.create(name=f"r{order}", sort_order=order, action_type=action, discount_amount=amount,
                               end_other_rules=stop, channel_ids=[1], customer_group_ids=[GUEST], conditions=condition)
        assert price_index.rebuild() == price_index.rebuild()  # idempotent: the same rows again
        price = CatalogRuleProductPrice.get(product=item.id, customer_group=GUEST, rule_date=today()).rule_price
    assert str(price) == "85.0000"  # 100 − 10 % − 5, and the third rule never runs


def test_list_filters_validation_and_mass_delete(admin_client, admin_graphql, clean_rules):
    made = []
    for name, starts in (("Spring sale", "2026-03-01"), ("Summer sale", "2026-06-01"), ("Winter", "2026-12-01")):
        response = admin_client.post(RULES, json={"name": name, "starts_from": starts, "action_type": "by_percent",
                                                  "discount_amount": 10, "channels": [1], "customer_groups": [1]})
        made.append(response.json()["id"])
    listed = admin_client.get(RULES, params={"name": "sale", "starts_from_from": "2026-05-01"}).json()
    assert [row["name"] for row in listed["data"]] == ["Summer sale"] and listed["meta"]["total"] == 1
    assert admin_client.get(RULES, params={"starts_from_from": "soon"}).status_code == 400
    result = admin_graphql("{ adminMarketingCatalogRules(first: 2, sort: \"name\", order: \"desc\") "
                           "{ totalCount edges { node { name } } } }")
    assert [edge["node"]["name"] for edge in result["data"]["adminMarketingCatalogRules"]["edges"]] == [
        "Winter", "Summer sale"]
    response = admin_client.post(RULES, json={
        "name": "Bad", "action_type": "by_percent", "discount_amount": 120, "channels": [42], "customer_groups": [1],
        "starts_from": "2026-05-02", "ends_till": "2026-05-01",
        "conditions": [{"attribute": "cart|base_sub_total", "operator": ">", "value": 1}]})
    assert response.status_code == 422
    assert set(response.json()["errors"]) == {"discount_amount", "channels.0", "ends_till", "conditions.0.attribute"}
    response = admin_client.post(f"{RULES}/mass-delete", json={"indices": [made[0], made[1], 99999999]})
    assert response.json() == {"deleted": [made[0], made[1]], "message": "Catalog rules deleted."}
    assert admin_client.get(f"{RULES}/{made[0]}").status_code == 404
    assert admin_client.get(f"{RULES}/{made[2]}").json()["startsFrom"] == "2026-12-01"
