"""Admin tax categories over REST and GraphQL: rate ids per category, re-synced rate links, unique codes,
the delete guard, and the shop's cart tax following a category's rates.

Seed: taxable-goods (id 1, rates 1-6: US-CA 8.25 %, US-NY-NYC, US-NY, DE, FR, IN), digital-goods
(id 2, rates DE and FR) and exempt-goods (id 3, no rates)."""
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.checkout_fixtures import CA_ADDRESS, guest_cart, product_facts, set_address, stocked_product
from tests.helpers import list_statement_counts
from tests.settings_snapshot import SettingsSnapshot

BASE = "/api/admin/settings/tax-categories"
GOODS = {"id": 1, "code": "taxable-goods", "name": "Taxable Goods", "description": "Physical goods",
         "taxRates": [1, 2, 3, 4, 5, 6]}
DIGITAL = {"id": 2, "code": "digital-goods", "name": "Digital Goods", "description": "Downloads and services",
           "taxRates": [4, 5]}
EXEMPT = {"id": 3, "code": "exempt-goods", "name": "Exempt Goods", "description": "Zero-rated goods: no tax rates",
          "taxRates": []}


@pytest.fixture
def restored(app):
    snapshot = SettingsSnapshot()
    yield
    snapshot.restore()


def cart_total_in_california(client, product: int) -> Decimal:
    headers = guest_cart((product, 1))
    return Decimal(str(set_address(client, headers, useForShipping=True, **CA_ADDRESS)["data"]["cartTotal"]))


def test_list_detail_filters_and_sort(admin_client):
    assert admin_client.get(BASE).json() == {
        "data": [GOODS, DIGITAL, EXEMPT],
        "meta": {"currentPage": 1, "perPage": 10, "lastPage": 1, "total": 3, "from": 1, "to": 3}}
    assert admin_client.get(f"{BASE}/2").json() == DIGITAL
    assert admin_client.get(BASE, params={"code": "digital"}).json()["data"] == [DIGITAL]
    assert admin_client.get(BASE, params={"sort": "name"}).json()["data"] == [DIGITAL, EXEMPT, GOODS]
    assert admin_client.get(f"{BASE}/99").json() == {"message": "Tax category not found", "error": "not_found"}


def test_list_statement_count_does_not_grow_with_the_page(admin_client):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 50))
    assert counts[0] == counts[1]


def test_create_update_and_delete_guard(admin_client, restored):
    created = admin_client.post(BASE, json={"code": "us-tax", "name": "US Tax", "description": "Standard US sales tax",
                                            "taxrates": [2, 1, 2]})
    assert created.status_code == 201
    category = created.json()
    assert category == {"id": category["id"], "code": "us-tax", "name": "US Tax",
                        "description": "Standard US sales tax", "taxRates": [1, 2]}
    updated = admin_client.put(f"{BASE}/{category['id']}", json={"code": "us-tax", "name": "US Sales Tax",
                                                                   "taxrates": [3]})
    assert updated.json() == {**category, "name": "US Sales Tax", "taxRates": [3]}
    refused = admin_client.delete(f"{BASE}/{category['id']}")
    assert refused.status_code == 400
    assert refused.json() == {"message": "This tax category still has tax rates and cannot be deleted.",
                              "error": "tax_category_has_rates"}
    admin_client.put(f"{BASE}/{category['id']}", json={"taxrates": []})
    assert admin_client.delete(f"{BASE}/{category['id']}").json() == {"message": "Tax category deleted."}


def test_validation_names_the_fields(admin_client):
    unknown = admin_client.post(BASE, json={"code": "x", "name": "X", "description": "", "taxrates": [1, 999]})
    assert unknown.status_code == 422
    assert unknown.json()["errors"] == {"taxrates": ["The selected taxrates are invalid."]}
    taken = admin_client.post(BASE, json={"code": "digital-goods", "name": "X", "description": "", "taxrates": []})
    assert taken.json()["errors"] == {"code": ["The code has already been taken."]}
    missing = admin_client.post(BASE, json={"code": "x"})
    assert set(missing.json()["errors"]) == {"name", "description", "taxrates"}
    clash = admin_client.put(f"{BASE}/2", json={"code": "taxable-goods"})
    assert clash.json()["errors"] == {"code": ["The code has already been taken."]}
    assert admin_client.get(BASE).json()["meta"]["total"] == 3


def test_the_cart_charges_the_categorys_rates_on_the_next_request(admin_client, client, restored):
    product = stocked_product()
    price = product_facts(product)[2]
    tax = (price * Decimal("0.0825")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert cart_total_in_california(client, product) == price + tax
    without_california = admin_client.put(f"{BASE}/1", json={"taxrates": [2, 3, 4, 5, 6]})
    assert without_california.json()["taxRates"] == [2, 3, 4, 5, 6]
    assert cart_total_in_california(client, product) == price


# --- GraphQL -----------------------------------------------------------------------

def test_graphql_list_and_detail(admin_graphql):
    listed = admin_graphql("""{ adminSettingsTaxCategories(first: 1) { edges { cursor node { id _id code name description } }
        pageInfo { hasNextPage endCursor } totalCount } }""")
    assert listed["data"]["adminSettingsTaxCategories"] == {
        "edges": [{"cursor": "MA==", "node": {"id": "/api/admin/settings/tax-categories/1", "_id": 1,
                                             "code": "taxable-goods", "name": "Taxable Goods",
                                             "description": "Physical goods"}}],
        "pageInfo": {"hasNextPage": True, "endCursor": "MA=="}, "totalCount": 3}
    detail = admin_graphql('{ adminSettingsTaxCategory(id: "/api/admin/settings/tax-categories/2") { _id code taxRates } }')
    assert detail["data"]["adminSettingsTaxCategory"] == {"_id": 2, "code": "digital-goods", "taxRates": [4, 5]}


def test_graphql_mutations(admin_graphql, restored):
    created = admin_graphql("""mutation($input: createAdminSettingsTaxCategoryInput!) {
        createAdminSettingsTaxCategory(input: $input) { adminSettingsTaxCategory { id _id code name taxRates } } }""",
                            {"input": {"code": "us-tax", "name": "US Tax", "description": "Standard", "taxrates": [1, 2]}})
    node = created["data"]["createAdminSettingsTaxCategory"]["adminSettingsTaxCategory"]
    assert node == {"id": f"/api/admin/settings/tax-categories/{node['_id']}", "_id": node["_id"], "code": "us-tax",
                    "name": "US Tax", "taxRates": [1, 2]}
    updated = admin_graphql("""mutation($input: updateAdminSettingsTaxCategoryInput!) {
        updateAdminSettingsTaxCategory(input: $input) { adminSettingsTaxCategory { _id name taxRates } } }""",
                            {"input": {"id": node["id"], "name": "US Sales Tax", "taxrates": []}})
    assert updated["data"]["updateAdminSettingsTaxCategory"]["adminSettingsTaxCategory"] == {
        "_id": node["_id"], "name": "US Sales Tax", "taxRates": []}
    refused = admin_graphql("""mutation { deleteAdminSettingsTaxCategory(input: {id: "/api/admin/settings/tax-categories/1"}) {
        adminSettingsTaxCategory { id } } }""")
    assert refused["errors"][0]["extensions"]["code"] == "TAX_CATEGORY_HAS_RATES"
    deleted = admin_graphql("""mutation { deleteAdminSettingsTaxCategory(input: {id: "%s"}) {
        adminSettingsTaxCategory { id } } }""" % node["id"])
    assert deleted["data"]["deleteAdminSettingsTaxCategory"] == {"adminSettingsTaxCategory": None}
    invalid = admin_graphql("""mutation { createAdminSettingsTaxCategory(input: {code: "x", name: "X", description: "",
        taxrates: [999]}) { adminSettingsTaxCategory { id } } }""")
    assert invalid["errors"][0]["extensions"]["errors"] == {"taxrates": ["The selected taxrates are invalid."]}
