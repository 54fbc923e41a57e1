"""Admin customer addresses over REST and GraphQL: create (the first is the default, `default_address` moves
it), the ownership guard (another customer's address is 403), partial update, country/state checks,
delete with the default passing on, and the shop seeing the admin's address on the next request."""
import pytest

from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.customer_fixtures import register

ADDRESS = {"first_name": "Jane", "last_name": "Doe", "address": "742 Evergreen Terrace", "city": "Springfield",
           "state": "CA", "country": "US", "postcode": "62704", "phone": "+15551234567"}


@pytest.fixture
def shopper(client):
    return register(client, "addressee")


def base(customer_id: int) -> str:
    return f"/api/admin/customers/{customer_id}/addresses"


def test_create_list_default_and_the_shop_sees_it(admin_client, client, shopper):
    first = admin_client.post(base(shopper["id"]), json=ADDRESS)
    assert first.status_code == 201, first.text
    document = first.json()
    assert (document["customerId"], document["address"], document["defaultAddress"], document["email"]) == (
        shopper["id"], "742 Evergreen Terrace", True, shopper["email"])
    second = admin_client.post(base(shopper["id"]), json={**ADDRESS, "address": ["1 Lake Shore Dr", "Floor 3"],
                                                          "city": "Chicago", "default_address": True}).json()
    assert second["address"] == "1 Lake Shore Dr\nFloor 3" and second["defaultAddress"] is True
    listed = admin_client.get(base(shopper["id"])).json()
    assert [(row["id"], row["defaultAddress"]) for row in listed["data"]] == [(second["id"], True),
                                                                              (document["id"], False)]
    assert listed["meta"]["total"] == 2
    shop = client.get("/api/shop/customer-addresses", headers=shopper["headers"])
    assert shop.status_code == 200
    assert {row["city"] for row in shop.json()["data"]["addresses"]} == {"Springfield", "Chicago"}


def test_update_is_partial_and_checks_the_region(admin_client, shopper):
    created = admin_client.post(base(shopper["id"]), json=ADDRESS).json()
    updated = admin_client.put(f"{base(shopper['id'])}/{created['id']}", json={"city": "Chicago", "postcode": "60601"})
    assert updated.status_code == 200
    assert (updated.json()["city"], updated.json()["postcode"], updated.json()["state"]) == ("Chicago", "60601", "CA")
    bad_state = admin_client.put(f"{base(shopper['id'])}/{created['id']}", json={"state": "ZZ"})
    assert bad_state.status_code == 422 and set(bad_state.json()["errors"]) == {"state"}
    bad_country = admin_client.post(base(shopper["id"]), json={**ADDRESS, "country": "QQ", "state": ""})
    assert bad_country.status_code == 422 and set(bad_country.json()["errors"]) == {"country"}
    missing = admin_client.post(base(shopper["id"]), json={"first_name": "J"})
    assert missing.status_code == 422
    assert {"last_name", "address", "city", "country", "postcode", "phone"} <= set(missing.json()["errors"])


def test_another_customers_address_is_refused(admin_client, client, shopper):
    other = register(client, "neighbour")
    theirs = admin_client.post(base(other["id"]), json=ADDRESS).json()
    path = f"{base(shopper['id'])}/{theirs['id']}"
    for response in (admin_client.get(path), admin_client.put(path, json={"city": "X"}), admin_client.delete(path)):
        assert response.status_code == 403
        assert response.json() == {"message": "This address belongs to another customer.", "error": "address_not_owned"}
    assert admin_client.get(f"{base(other['id'])}/{theirs['id']}").json()["city"] == "Springfield"
    assert admin_client.get(f"{base(shopper['id'])}/999999").status_code == 404
    assert admin_client.get(base(999999)).json() == {"message": "Customer not found", "error": "not_found"}


def test_delete_passes_the_default_on(admin_client, shopper):
    older = admin_client.post(base(shopper["id"]), json=ADDRESS).json()
    newer = admin_client.post(base(shopper["id"]), json={**ADDRESS, "default_address": True}).json()
    assert admin_client.delete(f"{base(shopper['id'])}/{newer['id']}").json() == {"message": "Address deleted."}
    [left] = admin_client.get(base(shopper["id"])).json()["data"]
    assert left["id"] == older["id"] and left["defaultAddress"] is True


def test_graphql_addresses(admin_graphql, shopper):
    created = admin_graphql("""mutation($input: createAdminCustomerAddressInput!) {
        createAdminCustomerAddress(input: $input) { adminCustomerAddress { id _id customerId address city } } }""",
                            {"input": {"customerId": shopper["id"], "firstName": "Jane", "lastName": "Doe",
                                       "address": "742 Evergreen Terrace", "city": "Springfield", "country": "US",
                                       "postcode": "62704", "phone": "+15551234567"}})["data"]
    node = created["createAdminCustomerAddress"]["adminCustomerAddress"]
    assert node["id"] == f"/api/admin/customers/{shopper['id']}/addresses/{node['_id']}"
    listed = admin_graphql("""query($customerId: Int!) { adminCustomerAddresses(customerId: $customerId) {
        totalCount edges { node { id city defaultAddress state } } } }""", {"customerId": shopper["id"]})["data"]
    assert listed["adminCustomerAddresses"]["totalCount"] == 1
    assert listed["adminCustomerAddresses"]["edges"][0]["node"] == {"id": node["id"], "city": "Springfield",
                                                                    "defaultAddress": True, "state": None}
    updated = admin_graphql("""mutation($input: updateAdminCustomerAddressInput!) {
        updateAdminCustomerAddress(input: $input) { adminCustomerAddress { _id city postcode } } }""",
                            {"input": {"id": node["id"], "customerId": shopper["id"], "city": "Chicago",
                                       "postcode": "60601"}})["data"]
    assert updated["updateAdminCustomerAddress"]["adminCustomerAddress"] == {"_id": node["_id"], "city": "Chicago",
                                                                             "postcode": "60601"}
    detail = admin_graphql("""query($customerId: Int!, $id: ID!) { adminCustomerAddress(customerId: $customerId, id: $id) {
        city country } }""", {"customerId": shopper["id"], "id": node["id"]})["data"]
    assert detail["adminCustomerAddress"] == {"city": "Chicago", "country": "US"}
    deleted = admin_graphql("""mutation($input: deleteAdminCustomerAddressInput!) {
        deleteAdminCustomerAddress(input: $input) { adminCustomerAddress { id } } }""", {"input": {"id": node["id"]}})
    assert deleted["data"]["deleteAdminCustomerAddress"]["adminCustomerAddress"] is None
