"""The overview pages' customer resource paths (`/api/customers`, `/api/customers/login`,
`/api/customer_addresses`, ...): the same accounts and addresses as the shop's customer operations."""
from tests.customer_fixtures import PASSWORD, bearer, login, unique_email


def register_by_resource(client, **fields) -> dict:
    email = unique_email("resource")
    body = {"first_name": "John", "last_name": "Doe", "email": email, "password": PASSWORD,
            "password_confirmation": PASSWORD, "phone": "1234567890", **fields}
    response = client.post("/api/customers", json=body)
    assert response.status_code == 201, response.text
    return {"email": email, "document": response.json()}


def test_customer_registered_by_resource_logs_in_both_ways(client):
    registered = register_by_resource(client, is_subscribed_to_newsletter=True)
    assert registered["document"]["email"] == registered["email"]
    by_resource = client.post("/api/customers/login", json={"email": registered["email"], "password": PASSWORD})
    assert by_resource.status_code == 201, by_resource.text
    by_shop = login(client, registered["email"])
    signed_in = by_resource.json()
    assert by_shop.status_code == 201 and by_shop.json()["id"] == signed_in["customer"]["id"]
    assert signed_in["token_type"] == "Bearer" and signed_in["expires_in"] == 7 * 24 * 3600
    headers = bearer(signed_in["access_token"])
    profile = client.get("/api/customer_profiles", headers=headers)
    assert profile.status_code == 200, profile.text
    shop_profile = client.get("/api/shop/customer-profile", headers=headers).json()["data"]["customer"]
    customer = profile.json()
    assert customer["@type"] == "CustomerProfile" and customer["@id"] == f"/api/customer_profiles/{shop_profile['id']}"
    assert customer["first_name"] == "John" and customer["phone"] == "1234567890" and customer["id"] == shop_profile["id"]
    assert customer["is_subscribed_to_newsletter"] is True
    assert client.post("/api/customer_profiles", json={}, headers=headers).json() == customer
    wrong = client.post("/api/customers/login", json={"email": registered["email"], "password": "Wrong@12345"})
    assert wrong.status_code == 401
    out = client.post("/api/customers/logout", headers=headers)
    assert out.json() == {"@context": "/api/contexts/Message", "@type": "Message", "message": "Successfully logged out"}
    assert out.status_code == 200 and client.get("/api/customer_profiles", headers=headers).status_code == 401


def test_registration_rules_are_the_shop_rules(client):
    registered = register_by_resource(client)
    again = client.post("/api/customers", json={"first_name": "A", "last_name": "B", "email": registered["email"],
                                                 "password": PASSWORD, "password_confirmation": PASSWORD})
    shop = client.post("/api/shop/customers", json={"firstName": "A", "lastName": "B", "email": registered["email"],
                                                      "password": PASSWORD, "confirmPassword": PASSWORD})
    assert again.status_code == shop.status_code and again.json()["error"] == shop.json()["error"]
    mismatch = client.post("/api/customers", json={"first_name": "A", "last_name": "B", "email": unique_email(),
                                                    "password": PASSWORD, "password_confirmation": "Other@12345"})
    assert mismatch.status_code == 422, mismatch.text
    missing = client.post("/api/customers", json={"first_name": "A"})
    assert missing.status_code in (400, 422) and "last_name" in str(missing.json()["errors"])


def test_profile_update_by_resource(client):
    registered = register_by_resource(client)
    token = client.post("/api/customers/login", json={"email": registered["email"], "password": PASSWORD}).json()
    headers = bearer(token["access_token"])
    updated = client.post("/api/customer_profile_updates", json={"first_name": "Jonathan", "phone": "0987654321"},
                          headers=headers)
    assert updated.status_code == 200, updated.text
    assert updated.json()["customer"]["first_name"] == "Jonathan" and updated.json()["@type"] == "CustomerProfileUpdate"
    customer = client.get("/api/shop/customer-profile", headers=headers).json()["data"]["customer"]
    assert customer["firstName"] == "Jonathan" and customer["phone"] == "0987654321"


def test_addresses_through_both_paths_agree(client):
    registered = register_by_resource(client)
    headers = bearer(client.post("/api/customers/login", json={"email": registered["email"],
                                                                "password": PASSWORD}).json()["access_token"])
    created = client.post("/api/customer_addresses", headers=headers, json={
        "first_name": "John", "last_name": "Doe", "address": "123 Main St", "city": "New York", "state": "NY",
        "country": "US", "postcode": "10001", "phone": "1234567890", "is_default": False})
    assert created.status_code == 201, created.text
    address = created.json()
    assert address["email"] == registered["email"] and address["city"] == "New York" and address["is_default"] is True
    assert address["@id"] == f"/api/customer_addresses/{address['id']}" and address["address"] == "123 Main St"
    shop_list = client.get("/api/shop/customer-addresses", headers=headers).json()
    listed = client.get("/api/customer-addresses-filter", headers=headers).json()
    assert listed["hydra:totalItems"] == 1 and [row["id"] for row in listed["hydra:member"]] == [address["id"]]
    assert [row["id"] for row in shop_list["data"]["addresses"]] == [address["id"]]
    assert client.get(f"/api/customer_addresses/{address['id']}", headers=headers).json()["city"] == "New York"
    changed = client.patch(f"/api/customer_addresses/{address['id']}", headers=headers,
                           json={"city": "Albany", "state": "NY"})
    assert changed.status_code == 200, changed.text
    shop_row = client.get("/api/shop/customer-addresses", headers=headers).json()["data"]["addresses"][0]
    assert shop_row["city"] == "Albany" and shop_row["state"] == "NY"
    assert client.delete(f"/api/customer_addresses/{address['id']}", headers=headers).status_code == 200
    assert client.get("/api/shop/customer-addresses", headers=headers).json()["data"]["addresses"] == []
    assert client.delete(f"/api/customer_addresses/{address['id']}", headers=headers).status_code == 404


def test_forgot_and_reset_password(client):
    registered = register_by_resource(client)
    forgot = client.post("/api/forgot_passwords", json={"email": registered["email"]})
    assert forgot.status_code == 200, forgot.text
    assert forgot.json()["@type"] == "Message"
    assert forgot.json()["message"] == client.post("/api/shop/forgot-passwords",
                                                   json={"email": registered["email"]}).json()["message"]
    reset = client.post("/api/reset_passwords", json={"email": registered["email"], "token": "not-the-token",
                                                      "password": "NewPass@12345",
                                                      "password_confirmation": "NewPass@12345"})
    assert reset.status_code == 422 and "token" in reset.json()["errors"]


def test_profile_delete_needs_the_password(client):
    registered = register_by_resource(client)
    headers = bearer(client.post("/api/customers/login", json={"email": registered["email"],
                                                                "password": PASSWORD}).json()["access_token"])
    wrong = client.post("/api/customer_profile_deletes", json={"password": "Wrong@12345"}, headers=headers)
    assert wrong.status_code == 422 and wrong.json()["errors"] == {"password": ["The password is incorrect."]}
    assert client.get("/api/customer_profiles", headers=headers).status_code == 200
    deleted = client.post("/api/customer_profile_deletes", json={"password": PASSWORD}, headers=headers)
    assert deleted.status_code == 200, deleted.text
    assert deleted.json() == {"@context": "/api/contexts/CustomerProfileDelete", "@type": "CustomerProfileDelete",
                              "message": "Customer account deleted successfully"}
    assert login(client, registered["email"]).status_code == 401


def test_refresh_token_replaces_the_bearer(client):
    registered = register_by_resource(client)
    old = bearer(login(client, registered["email"]).json()["token"])
    refreshed = client.post("/api/shop/refresh-token", headers=old)
    assert refreshed.status_code == 200, refreshed.text
    body = refreshed.json()
    assert body["tokenType"] == "Bearer" and body["expiresIn"] == 7 * 24 * 3600 and body["token"] != old
    assert client.get("/api/shop/customer-profile", headers=old).status_code == 401
    profile = client.get("/api/shop/customer-profile", headers=bearer(body["token"]))
    assert profile.status_code == 200 and profile.json()["data"]["customer"]["email"] == registered["email"]
