"""Customers for the shop API tests: registered over REST, with their Bearer tokens."""
import uuid

import pytest

from storage.customer_models import CustomerLoginFailure
from storage.db import database

PASSWORD = "SecurePass@123"
UNAUTHENTICATED = {"message": "Unauthenticated.", "error": "unauthenticated"}
US_ADDRESS = {"firstName": "Jane", "lastName": "Doe", "companyName": "ANC Corporation", "vatId": "GB123456789",
              "email": "jane@example.com", "phone": "9876543210", "address1": "456 Oak Ave",
              "address2": "Suite 200", "city": "Los Angeles", "state": "CA", "country": "US", "postcode": "90001",
              "defaultAddress": False}


def unique_email(label: str = "customer") -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@example.com"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def register(client, label: str = "customer", **fields) -> dict:
    """A new customer; returns its id, email, password, token and Authorization header."""
    body = {"firstName": label.title(), "lastName": "Tester", "email": unique_email(label), "password": PASSWORD,
            "confirmPassword": PASSWORD, **fields}
    response = client.post("/api/shop/customers", json=body)
    assert response.status_code == 201, response.text
    document = response.json()
    return {"id": document["id"], "email": document["email"], "password": body["password"],
            "token": document["token"], "headers": bearer(document["token"])}


def login(client, email: str, password: str = PASSWORD):
    return client.post("/api/shop/customer/login", json={"email": email, "password": password})


def add_address(client, customer: dict, **fields) -> dict:
    response = client.post("/api/shop/customer-addresses", json={**US_ADDRESS, **fields}, headers=customer["headers"])
    assert response.status_code == 201, response.text
    return response.json()["data"]["address"]


def forget_login_failures(email: str):
    with database.connection_context():
        CustomerLoginFailure.delete().where(CustomerLoginFailure.email == email).execute()


@pytest.fixture
def customer(client):
    return register(client, "customer")


@pytest.fixture
def other_customer(client):
    return register(client, "other")
