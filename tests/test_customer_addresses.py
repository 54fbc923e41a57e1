"""Customer addresses over REST and GraphQL, the default address, and isolation between customers."""
from storage.customer_models import Customer, CustomerAddress
from storage.db import database
from tests.customer_fixtures import (  # noqa: F401 (fixtures)
    PASSWORD, UNAUTHENTICATED, US_ADDRESS, add_address, customer, other_customer,
)
from tests.helpers import count_queries

ADDRESS_FIELDS = """id _id addressType companyName name firstName lastName email address city state country postcode
                    phone vatId defaultAddress useForShipping additional createdAt updatedAt"""
SAVE_ADDRESS = """mutation save($input: createAddUpdateCustomerAddressInput!) {
  createAddUpdateCustomerAddress(input: $input) { addUpdateCustomerAddress { id addressId firstName companyName
    city state country address1 address2 postcode defaultAddress } } }"""
DELETE_ADDRESS = """mutation remove($input: createDeleteCustomerAddressInput!) {
  createDeleteCustomerAddress(input: $input) { deleteCustomerAddress { id } } }"""


def addresses(client, owner) -> list[dict]:
    response = client.get("/api/shop/customer-addresses", headers=owner["headers"])
    assert response.status_code == 200
    return response.json()["data"]["addresses"]


def test_create_address_returns_the_documented_address(client, customer):
    response = client.post("/api/shop/customer-addresses", json=US_ADDRESS, headers=customer["headers"])
    assert response.status_code == 201
    body = response.json()
    assert body["message"] == "Address created successfully"
    address = body["data"]["address"]
    assert address["createdAt"].endswith("+00:00")
    assert {key: value for key, value in address.items() if key not in ("id", "createdAt", "updatedAt")} == {
        "addressType": "customer", "firstName": "Jane", "lastName": "Doe", "name": "Jane Doe",
        "companyName": "ANC Corporation", "vatId": "GB123456789", "email": "jane@example.com",
        "phone": "9876543210", "address": "456 Oak Ave, Suite 200", "address1": "456 Oak Ave",
        "address2": "Suite 200", "city": "Los Angeles", "state": "CA", "country": "US", "postcode": "90001",
        "defaultAddress": True, "isDefault": True, "useForShipping": False}  # the first address is the default
    assert addresses(client, customer) == [address]


def test_one_default_address_at_a_time(client, customer):
    first = add_address(client, customer)
    second = add_address(client, customer, address1="1 Second St", defaultAddress=True)
    listed = addresses(client, customer)
    assert [(a["id"], a["defaultAddress"]) for a in listed] == [(second["id"], True), (first["id"], False)]
    client.put(f"/api/shop/customer-addresses/{first['id']}", json={"defaultAddress": True},
               headers=customer["headers"])
    assert [(a["id"], a["isDefault"]) for a in addresses(client, customer)] == [(first["id"], True),
                                                                                (second["id"], False)]


def test_update_address_changes_only_the_fields_sent(client, customer):
    address = add_address(client, customer)
    response = client.put(f"/api/shop/customer-addresses/{address['id']}", headers=customer["headers"],
                          json={"companyName": "Updated Corp.", "address1": "789 Pine Rd", "address2": "",
                                "country": "ca", "state": "on", "postcode": "M5V 2T6"})
    assert response.status_code == 200
    body = response.json()
    assert body["message"] == "Address updated successfully"
    updated = body["data"]["address"]
    assert (updated["companyName"], updated["address"], updated["address2"]) == ("Updated Corp.", "789 Pine Rd", None)
    assert (updated["country"], updated["state"], updated["postcode"]) == ("CA", "ON", "M5V 2T6")
    assert (updated["firstName"], updated["city"], updated["vatId"]) == ("Jane", "Los Angeles", "GB123456789")


def test_country_and_state_must_exist(client, customer):
    headers = customer["headers"]
    unknown_country = client.post("/api/shop/customer-addresses", json={**US_ADDRESS, "country": "ZZ"}, headers=headers)
    assert unknown_country.status_code == 422
    assert unknown_country.json()["errors"] == {"country": ["The selected country is invalid."]}
    wrong_state = client.post("/api/shop/customer-addresses", json={**US_ADDRESS, "state": "ON"}, headers=headers)
    assert wrong_state.json()["errors"] == {"state": ["The selected state is invalid for US."]}
    address = add_address(client, customer)
    moved = client.put(f"/api/shop/customer-addresses/{address['id']}", json={"country": "DE"}, headers=headers)
    assert moved.status_code == 422 and "state" in moved.json()["errors"]
    free_state = add_address(client, customer, country="GB", state="Greater London")
    assert (free_state["country"], free_state["state"]) == ("GB", "Greater London")


def test_address_body_validation_lists_every_field(client, customer):
    response = client.post("/api/shop/customer-addresses", headers=customer["headers"],
                           json={"firstName": "Jane", "email": "nope", "phone": "call me", "country": "USA",
                                 "extra": 1})
    assert response.status_code == 422
    errors = response.json()["errors"]
    assert {"email", "phone", "country"} <= set(errors)
    assert errors["lastName"] == ["'lastName' is a required property"]
    assert any("extra" in message for message in errors["body"])


def test_deleting_the_default_address_promotes_the_latest_one(client, customer):
    first = add_address(client, customer)
    second = add_address(client, customer, address1="2 Second St")
    third = add_address(client, customer, address1="3 Third St")
    response = client.delete(f"/api/shop/customer-addresses/{first['id']}", headers=customer["headers"])
    assert response.status_code == 200
    assert response.json() == {"message": "Address deleted successfully"}
    assert [(a["id"], a["defaultAddress"]) for a in addresses(client, customer)] == [
        (third["id"], True), (second["id"], False)]
    assert client.delete(f"/api/shop/customer-addresses/{first['id']}",
                         headers=customer["headers"]).status_code == 404


def test_at_most_ten_addresses(client, customer):
    for number in range(10):
        add_address(client, customer, address1=f"{number} Main St")
    response = client.post("/api/shop/customer-addresses", json=US_ADDRESS, headers=customer["headers"])
    assert response.status_code == 422
    assert response.json()["errors"] == {"address": ["A customer can have at most 10 addresses."]}


def test_address_list_query_count_does_not_grow_with_the_list(client, customer, graphql):
    add_address(client, customer)
    with count_queries() as one:
        client.get("/api/shop/customer-addresses", headers=customer["headers"])
    with count_queries() as one_graphql:
        graphql("{ getCustomerAddresses(first: 1) { edges { node { id city } } totalCount } }",
                headers=customer["headers"])
    for number in range(9):
        add_address(client, customer, address1=f"{number} Main St")
    with count_queries() as ten:
        assert len(addresses(client, customer)) == 10
    with count_queries() as ten_graphql:
        result = graphql("{ getCustomerAddresses(first: 10) { edges { node { id city } } totalCount } }",
                         headers=customer["headers"])
    assert len(result["data"]["getCustomerAddresses"]["edges"]) == 10
    assert len(one) == len(ten)
    assert len(one_graphql) == len(ten_graphql)


def test_graphql_addresses(graphql, customer):
    headers = customer["headers"]
    created = graphql(SAVE_ADDRESS, {"input": {**US_ADDRESS, "companyName": None}}, headers=headers)
    saved = created["data"]["createAddUpdateCustomerAddress"]["addUpdateCustomerAddress"]
    address_id = saved["addressId"]
    assert saved == {"id": str(address_id), "addressId": address_id, "firstName": "Jane", "companyName": None,
                     "city": "Los Angeles", "state": "CA", "country": "US", "address1": "456 Oak Ave",
                     "address2": "Suite 200", "postcode": "90001", "defaultAddress": True}
    updated = graphql(SAVE_ADDRESS, {"input": {"addressId": address_id, "city": "San Diego"}}, headers=headers)
    assert updated["data"]["createAddUpdateCustomerAddress"]["addUpdateCustomerAddress"]["city"] == "San Diego"
    second = graphql(SAVE_ADDRESS, {"input": {**US_ADDRESS, "state": "NY", "city": "New York"}}, headers=headers)
    second_id = second["data"]["createAddUpdateCustomerAddress"]["addUpdateCustomerAddress"]["addressId"]

    page = graphql("{ getCustomerAddresses(first: 1) { edges { cursor node { %s } } pageInfo { hasNextPage endCursor }"
                   " totalCount } }" % ADDRESS_FIELDS, headers=headers)["data"]["getCustomerAddresses"]
    assert page["totalCount"] == 2 and page["pageInfo"] == {"hasNextPage": True, "endCursor": "MA=="}
    node = page["edges"][0]["node"]
    assert node["id"] == f"/api/shop/customer-addresses/{address_id}" and node["_id"] == address_id
    assert (node["city"], node["address"], node["defaultAddress"], node["additional"]) == (
        "San Diego", "456 Oak Ave, Suite 200", True, None)
    single = graphql('{ customerAddress(id: "/api/shop/customer-addresses/%d") { _id state } }' % second_id,
                     headers=headers)
    assert single["data"]["customerAddress"] == {"_id": second_id, "state": "NY"}

    deleted = graphql(DELETE_ADDRESS, {"input": {"addressId": str(second_id)}}, headers=headers)
    assert deleted["data"]["createDeleteCustomerAddress"]["deleteCustomerAddress"] == {"id": str(second_id)}
    invalid = graphql(SAVE_ADDRESS, {"input": {"firstName": "Only"}}, headers=headers)
    assert invalid["errors"][0]["extensions"]["status"] == 422


def test_every_customer_scoped_operation_refuses_another_customers_ids(client, graphql, customer, other_customer):
    """The intruder (other_customer) aims every operation at the victim's (customer) ids: always 404."""
    victim_address = add_address(client, customer)
    intruder = other_customer["headers"]
    address_url = f"/api/shop/customer-addresses/{victim_address['id']}"
    rest_attempts = [
        client.put(address_url, json={"city": "Hacked"}, headers=intruder),
        client.delete(address_url, headers=intruder),
        client.put(f"/api/shop/customer-profile-updates/{customer['id']}", json={"firstName": "Hacked"},
                   headers=intruder),
        client.put(f"/api/shop/customer-profile-updates/{customer['id']}", headers=intruder, json={
            "currentPassword": PASSWORD, "password": "Hacked@123", "confirmPassword": "Hacked@123"}),
        client.delete(f"/api/shop/customer-profile-deletes/{customer['id']}", headers=intruder),
    ]
    assert [response.status_code for response in rest_attempts] == [404] * len(rest_attempts)
    assert rest_attempts[0].json() == {"message": "Address not found", "error": "not_found"}
    assert rest_attempts[2].json() == {"message": "Customer not found", "error": "not_found"}

    graphql_attempts = [
        graphql('{ customerAddress(id: "%d") { city } }' % victim_address["id"], headers=intruder),
        graphql(SAVE_ADDRESS, {"input": {"addressId": victim_address["id"], "city": "Hacked"}}, headers=intruder),
        graphql(DELETE_ADDRESS, {"input": {"addressId": str(victim_address["id"])}}, headers=intruder),
    ]
    assert [result["errors"][0]["extensions"]["status"] for result in graphql_attempts] == [404] * 3

    assert addresses(client, other_customer) == []
    intruder_view = graphql("{ getCustomerAddresses { totalCount } readCustomerProfile { _id } }", headers=intruder)
    assert intruder_view["data"] == {"getCustomerAddresses": {"totalCount": 0},
                                     "readCustomerProfile": {"_id": other_customer["id"]}}
    assert addresses(client, customer) == [victim_address]
    with database.connection_context():
        victim = Customer.get_by_id(customer["id"])
        assert victim.first_name == "Customer"
        assert CustomerAddress.get_by_id(victim_address["id"]).city == "Los Angeles"
    assert client.post("/api/shop/customer/login", json={"email": customer["email"], "password": PASSWORD}
                       ).status_code == 201


def test_address_operations_need_a_token(client):
    attempts = [client.get("/api/shop/customer-addresses"),
                client.post("/api/shop/customer-addresses", json=US_ADDRESS),
                client.put("/api/shop/customer-addresses/1", json={"city": "x"}),
                client.delete("/api/shop/customer-addresses/1")]
    assert [(r.status_code, r.json()) for r in attempts] == [(401, UNAUTHENTICATED)] * 4
