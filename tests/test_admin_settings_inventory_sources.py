"""Admin inventory sources over REST and GraphQL: list filters and sort, the documented create fields,
unique codes, delete guards (last source, stock held), and carts following a source's status."""
import pytest

from storage.db import database
from storage.models import InventorySource
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.checkout_fixtures import guest_cart, next_plain_product, set_stock, stock
from tests.helpers import list_statement_counts

BASE = "/api/admin/settings/inventory-sources"
DEFAULT = {"id": 1, "code": "default", "name": "Default", "priority": 0, "status": 1, "country": "US",
           "city": "Detroit"}
EAST = {"code": "warehouse-east", "name": "East Coast Warehouse", "contact_name": "Ops",
        "contact_email": "east@example.com", "contact_number": "+15551112222", "country": "US", "state": "NY",
        "city": "Brooklyn", "street": "123 Front St", "postcode": "11201", "priority": 1, "status": 1,
        "latitude": 40.7, "longitude": -73.99}
ADDRESS_FIELDS = {"description": "Main warehouse", "contactName": "Detroit Warehouse",
                  "contactEmail": "warehouse@example.com", "contactNumber": "1234567899", "contactFax": None,
                  "state": "MI", "street": "12th Street", "postcode": "48127", "latitude": 42.3314,
                  "longitude": -83.0458}
EAST_ADDRESS = {"description": None, "contactName": "Ops", "contactEmail": "east@example.com",
                "contactNumber": "+15551112222", "contactFax": None, "state": "NY", "street": "123 Front St",
                "postcode": "11201", "latitude": 40.7, "longitude": -73.99}


def add_to_cart(client, headers: dict, product: int, quantity: int):
    return client.post("/api/shop/add-product-in-cart", json={"productId": product, "quantity": quantity},
                       headers=headers)


@pytest.fixture
def east(admin_client):
    response = admin_client.post(BASE, json=EAST)
    assert response.status_code == 201, response.text
    yield response.json()
    with database.connection_context():
        InventorySource.delete().where(InventorySource.code == "warehouse-east").execute()


def test_list_detail_filters_and_sort(admin_client, east):
    assert admin_client.get(BASE).json() == {
        "data": [DEFAULT, {"id": east["id"], "code": "warehouse-east", "name": "East Coast Warehouse", "priority": 1,
                           "status": 1, "country": "US", "city": "Brooklyn"}],
        "meta": {"currentPage": 1, "perPage": 10, "lastPage": 1, "total": 2, "from": 1, "to": 2}}
    assert admin_client.get(f"{BASE}/1").json() == {**DEFAULT, **ADDRESS_FIELDS}
    assert admin_client.get(BASE, params={"code": "east"}).json()["meta"]["total"] == 1
    assert admin_client.get(BASE, params={"name": "default", "status": 1}).json()["data"] == [DEFAULT]
    assert admin_client.get(BASE, params={"status": 0}).json()["data"] == []
    by_priority = admin_client.get(BASE, params={"sort": "priority", "order": "desc"}).json()["data"]
    assert [row["code"] for row in by_priority] == ["warehouse-east", "default"]
    assert admin_client.get(BASE, params={"status": 2}).status_code == 400


def test_list_statement_count_does_not_grow_with_the_page(admin_client, east):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 50))
    assert counts[0] == counts[1]


def test_create_requires_the_documented_fields_and_a_unique_code(admin_client, east):
    assert east == {"id": east["id"], "code": "warehouse-east", "name": "East Coast Warehouse", "priority": 1,
                    "status": 1, "country": "US", "city": "Brooklyn", **EAST_ADDRESS}
    missing = admin_client.post(BASE, json={"code": "north", "name": "North", "contact_email": "not-an-email"})
    assert missing.status_code == 422
    assert set(missing.json()["errors"]) == {"contact_name", "contact_number", "country", "state", "city", "street",
                                             "postcode", "contact_email"}
    taken = admin_client.post(BASE, json={**EAST, "code": "default"})
    assert taken.json()["errors"] == {"code": ["The code has already been taken."]}


def test_update_is_partial(admin_client, east):
    response = admin_client.put(f"{BASE}/{east['id']}", json={"name": "East Coast Warehouse (NY)", "priority": 5,
                                                                "status": 0, "city": "Queens"})
    assert response.json() == {**east, "name": "East Coast Warehouse (NY)", "priority": 5, "status": 0, "city": "Queens"}
    clash = admin_client.put(f"{BASE}/{east['id']}", json={"code": "default"})
    assert clash.json()["errors"] == {"code": ["The code has already been taken."]}


def test_delete_guards_and_mass_delete(admin_client, east):
    in_use = admin_client.delete(f"{BASE}/1")
    assert in_use.status_code == 400
    assert in_use.json() == {
        "message": "This inventory source holds product stock or order allocations and cannot be deleted.",
        "error": "inventory_source_in_use"}
    every = admin_client.post(f"{BASE}/mass-delete", json={"indices": [1, east["id"]]})
    assert every.status_code == 400
    assert every.json() == {"message": "The last remaining inventory source cannot be deleted.",
                            "error": "last_inventory_source"}
    deleted = admin_client.post(f"{BASE}/mass-delete", json={"indices": [east["id"], 999999]})
    assert deleted.json() == {"deleted": [east["id"]], "message": "Inventory sources deleted.",
                              "skipped": [{"id": 999999, "reason": "Inventory source not found."}]}
    assert admin_client.delete(f"{BASE}/{east['id']}").status_code == 404


def test_carts_take_stock_only_from_enabled_sources(admin_client, client, east):
    product = next_plain_product()
    before = stock(product)
    set_stock(product, {east["id"]: 5})
    try:
        headers = guest_cart()
        assert add_to_cart(client, headers, product, 2).json()["itemsQty"] == 2
        assert admin_client.put(f"{BASE}/{east['id']}", json={"status": 0}).json()["status"] == 0
        refused = add_to_cart(client, headers, product, 1)
        assert refused.status_code == 422
        assert refused.json()["error"] == "out_of_stock"
        assert "0 available" in refused.json()["message"]
        admin_client.put(f"{BASE}/{east['id']}", json={"status": 1})
        assert add_to_cart(client, headers, product, 1).json()["itemsQty"] == 3
    finally:
        set_stock(product, before)


# --- GraphQL -----------------------------------------------------------------------

def test_graphql_list_and_detail(admin_graphql):
    listed = admin_graphql("""{ adminSettingsInventorySources(first: 10, status: 1) {
        edges { cursor node { id _id code name priority status } } pageInfo { hasNextPage endCursor } totalCount } }""")
    assert listed["data"]["adminSettingsInventorySources"] == {
        "edges": [{"cursor": "MA==", "node": {"id": "/api/admin/settings/inventory-sources/1", "_id": 1,
                                             "code": "default", "name": "Default", "priority": 0, "status": 1}}],
        "pageInfo": {"hasNextPage": False, "endCursor": "MA=="}, "totalCount": 1}
    detail = admin_graphql('{ adminSettingsInventorySource(id: "/api/admin/settings/inventory-sources/1") { _id code country city } }')
    assert detail["data"]["adminSettingsInventorySource"] == {"_id": 1, "code": "default", "country": "US", "city": "Detroit"}


def test_graphql_mutations(admin_graphql):
    created = admin_graphql("""mutation($input: createAdminSettingsInventorySourceInput!) {
        createAdminSettingsInventorySource(input: $input) { adminSettingsInventorySource { id _id code name } } }""",
                            {"input": {"code": "west", "name": "West", "contactName": "Ops", "contactEmail": "w@example.com",
                                       "contactNumber": "+15550000000", "country": "US", "state": "CA",
                                       "city": "Oakland", "street": "1 Bay St", "postcode": "94607", "status": 1}})
    node = created["data"]["createAdminSettingsInventorySource"]["adminSettingsInventorySource"]
    assert node == {"id": f"/api/admin/settings/inventory-sources/{node['_id']}", "_id": node["_id"],
                    "code": "west", "name": "West"}
    updated = admin_graphql("""mutation { updateAdminSettingsInventorySource(input: {id: "%s", name: "West (CA)"}) {
        adminSettingsInventorySource { _id name } } }""" % node["id"])
    assert updated["data"]["updateAdminSettingsInventorySource"]["adminSettingsInventorySource"] == {
        "_id": node["_id"], "name": "West (CA)"}
    refused = admin_graphql("""mutation { createAdminSettingsInventorySourceMassDelete(input: {indices: [1]}) {
        adminSettingsInventorySourceMassDelete { deleted } } }""")
    assert refused["errors"][0]["extensions"]["code"] == "INVENTORY_SOURCE_IN_USE"
    deleted = admin_graphql("""mutation { deleteAdminSettingsInventorySource(input: {id: "%s"}) {
        adminSettingsInventorySource { id } } }""" % node["id"])
    assert deleted["data"]["deleteAdminSettingsInventorySource"] == {"adminSettingsInventorySource": None}
    invalid = admin_graphql("""mutation { createAdminSettingsInventorySource(input: {code: "default", name: "x",
        contactName: "x", contactNumber: "1", country: "USA", state: "x", city: "x", street: "x", postcode: "1"}) {
        adminSettingsInventorySource { id } } }""")
    assert set(invalid["errors"][0]["extensions"]["errors"]) == {"country"}
