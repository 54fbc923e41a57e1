"""Transport hardening: chunked request bodies."""
import json

import pytest

from tests.customer_fixtures import unique_email

PAYLOAD_TOO_LARGE = {"message": "The request body is larger than 1 MB.", "error": "payload_too_large"}


def chunked(body: bytes, size: int = 4096):
    """A body httpx sends with Transfer-Encoding: chunked and no Content-Length."""
    def chunks():
        for start in range(0, len(body), size):
            yield body[start:start + size]
    return chunks()


def registration(email: str) -> dict:
    return {"firstName": "Chunky", "lastName": "Body", "email": email, "password": "Chunked@12345",
            "confirmPassword": "Chunked@12345"}


# --- chunked bodies ----------------------------------------------------------------------------------

def test_a_chunked_json_body_is_accepted_like_one_with_content_length(client):
    email = unique_email()
    response = client.post("/api/shop/customers", content=chunked(json.dumps(registration(email)).encode(), 16),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 201, response.text
    assert response.json()["email"] == email.lower() and response.json()["firstName"] == "Chunky"

    # The same request with Content-Length gets the same answer (a second, distinct customer).
    plain = client.post("/api/shop/customers", json=registration(unique_email()))
    assert plain.status_code == 201


def test_a_chunked_body_is_validated_like_any_other(client):
    invalid = {**registration(unique_email()), "email": "not an email"}
    streamed = client.post("/api/shop/customers", content=chunked(json.dumps(invalid).encode(), 7),
                           headers={"Content-Type": "application/json"})
    declared = client.post("/api/shop/customers", json=invalid)
    assert streamed.status_code == declared.status_code and streamed.status_code in (400, 422)
    assert streamed.json() == declared.json()


def test_an_empty_chunked_body_is_a_missing_body(client):
    response = client.post("/api/shop/customer/login", content=chunked(b""),
                           headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json()["message"] == "RequestBody is required"


@pytest.mark.parametrize("path", ["/api/shop/customers", "/api/shop/customer/login", "/api/graphql"])
def test_a_chunked_body_over_one_megabyte_gets_413(client, path):
    big = json.dumps({"email": "a" * (1200 * 1024)}).encode()
    response = client.post(path, content=chunked(big, 65536), headers={"Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == PAYLOAD_TOO_LARGE


def test_a_chunked_graphql_request_executes(client):
    body = json.dumps({"query": "{ locales(first: 1) { totalCount } }"}).encode()
    response = client.post("/api/graphql", content=chunked(body, 5), headers={"Content-Type": "application/json"})
    assert response.status_code == 200
    assert response.json()["data"]["locales"]["totalCount"] >= 1
