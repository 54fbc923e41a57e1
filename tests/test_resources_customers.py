"""The overview pages' customer resource paths (`/api/customers`, `/api/customers/login`,
`/api/customer_addresses`, ...): the same accounts and addresses as the shop's customer operations."""
from tests.customer_fixtures import PASSWORD, bearer, login, unique_email


def without_type(document: dict) -> dict:
    """The shop document under the JSON-LD `@context` / `@type` the resource paths add."""
    return {key: value for key, value in document.items() if key not in ("@context", "@type")}


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
    assert by_shop.status_code == 201 and by_shop.json()["id"] == by_resource.json()["id"]
    headers = bearer(by_resource.json()["token"])
    profile = client.get("/api/customer_profiles", headers=headers)
    assert profile.status_code == 200, profile.text
    shop_profile = client.get("/api/shop/customer-profile", headers=headers).json()
    assert profile.json()["@type"] == "CustomerProfile" and without_type(profile.json()) == shop_profile
    customer = profile.json()["data"]["customer"]
    assert customer["firstName"] == "John" and customer["phone"] == "1234567890"
    assert without_type(client.post("/api/customer_profiles", json={}, headers=headers).json()) == shop_profile
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
    headers = bearer(token["token"])
    updated = client.post("/api/customer_profile_updates", json={"first_name": "Jonathan", "phone": "0987654321"},
                          headers=headers)
    assert updated.status_code == 200, updated.text
    customer = client.get("/api/shop/customer-profile", headers=headers).json()["data"]["customer"]
    assert customer["firstName"] == "Jonathan" and customer["phone"] == "0987654321"


def test_addresses_through_both_paths_agree(client):
    registered = register_by_resource(client)
    headers = bearer(client.post("/api/customers/login", json={"email": registered["email"],
                                                                "password": PASSWORD}).json()["token"])
    created = client.post("/api/customer_addresses", headers=headers, json={
        "first_name": "John", "last_name": "Doe", "address": "123 Main St", "city": "New York", "state": "NY",
        "country": "US", "postcode": "10001", "phone": "1234567890", "is_default": False})
    assert created.status_code == 201, created.text
    address = created.json()["data"]["address"]
    assert address["email"] == registered["email"] and address["city"] == "New York"
    shop_list = client.get("/api/shop/customer-addresses", headers=headers).json()
    assert client.get("/api/customer-addresses-filter", headers=headers).json() == shop_list
    assert [row["id"] for row in shop_list["data"]["addresses"]] == [address["id"]]
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
    assert without_type(forgot.json()) == client.post("/api/shop/forgot-passwords",
                                                      json={"email": registered["email"]}).json()
    reset = client.post("/api/reset_passwords", json={"email": registered["email"], "token": "not-the-token",
                                                      "password": "NewPass@12345",
                                                      "password_confirmation": "NewPass@12345"})
    assert reset.status_code == 422 and "token" in reset.json()["errors"]
