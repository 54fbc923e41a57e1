"""Transport hardening: chunked request bodies, JSON answers for every GraphQL transport error, HTTP
statuses of GraphQL results, and cursors that decode to offsets no page can start at."""
import base64
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


# --- GraphQL transport errors: JSON {"message", "error"}, never text/plain ------------------------------

@pytest.mark.parametrize("content, content_type, status, error", [
    (b"{not json", "application/json", 400, "bad_request"),
    (b'["not", "an", "object"]', "application/json", 400, "bad_request"),
    (b'{"variables": {}}', "application/json", 400, "bad_request"),
    (b'{"query": 42}', "application/json", 400, "bad_request"),
    (b'{"query": "{ __typename }", "variables": "x"}', "application/json", 400, "bad_request"),
    (b'{"query": "{ __typename }", "operationName": 7}', "application/json", 400, "bad_request"),
    (b"{ __typename }", "text/plain", 415, "unsupported_media_type"),
    (b"{ __typename }", "application/graphql", 415, "unsupported_media_type"),
    (b"operations=1", "multipart/form-data; boundary=nothing", 400, "bad_request"),
])
def test_graphql_transport_errors_are_json(client, content, content_type, status, error):
    response = client.post("/api/graphql", content=content, headers={"Content-Type": content_type})
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert set(body) == {"message", "error"} and body["error"] == error and body["message"]


def test_graphql_json_nested_too_deeply_is_a_400_not_a_server_error(client):
    nested = b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 100000 + b"]" * 100000 + b"}}"
    response = client.post("/api/graphql", content=nested, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {"message": "Request body is not a valid JSON", "error": "bad_request"}


def test_graphql_media_types_compare_case_insensitively(client):
    response = client.post("/api/graphql", content=b'{"query": "{ __typename }"}',
                           headers={"Content-Type": "Application/JSON; charset=UTF-8"})
    assert response.status_code == 200 and response.json()["data"] == {"__typename": "Query"}


def test_graphql_get_requests_are_json_errors_except_the_explorer_page(client):
    with_query = client.get("/api/graphql", params={"query": "{ __typename }"})
    assert with_query.status_code == 400 and with_query.json()["error"] == "bad_request"
    without_query = client.get("/api/graphql", headers={"Accept": "application/json"})
    assert without_query.status_code == 400 and without_query.json()["error"] == "bad_request"
    explorer = client.get("/api/graphiql", headers={"Accept": "text/html"})
    assert explorer.status_code == 200 and explorer.headers["content-type"].startswith("text/html")


def test_graphql_post_without_content_type_is_415_json(client):
    response = client.post("/api/graphql", content=b'{"query": "{ __typename }"}')
    assert response.status_code == 415 and response.json()["error"] == "unsupported_media_type"


# --- HTTP status of GraphQL results --------------------------------------------------------------------

def test_a_crashing_resolver_is_never_a_400(client, monkeypatch):
    import handlers.shop.locales

    def crash(*_args, **_kwargs):
        raise RuntimeError("boom")
    monkeypatch.setattr(handlers.shop.locales, "paginate", crash)
    response = client.post("/api/graphql", json={"query": "{ locales { totalCount } }"})
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["data"] is None
    assert body["errors"][0]["message"] == "Internal server error"
    assert body["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"


def test_client_errors_of_a_non_null_root_field_stay_400(client):
    response = client.post("/api/graphql", json={"query": '{ products(after: "not a cursor") { totalCount } }'})
    assert response.status_code == 400
    assert response.json()["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"


# --- cursors -------------------------------------------------------------------------------------------

def cursor(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


@pytest.mark.parametrize("raw", ["-1", "-5", "2147483648", "99999999999999999999", "9" * 5000, "1e3", "12abc"])
@pytest.mark.parametrize("argument", ["after", "before"])
def test_cursors_outside_the_offset_range_are_400_naming_the_argument(client, raw, argument):
    size = "last: 2" if argument == "before" else "first: 2"
    query = '{ products(%s: "%s", %s) { totalCount edges { node { id } } } }' % (argument, cursor(raw), size)
    response = client.post("/api/graphql", json={"query": query})
    assert response.status_code == 400, response.text
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert error["extensions"]["errors"] == {argument: ["Invalid cursor."]}


def test_the_largest_cursor_is_an_empty_page_not_an_error(graphql):
    result = graphql('{ products(after: "%s", first: 2) { totalCount edges { node { id } } } }'
                     % cursor(str(2**31 - 1)))
    assert "errors" not in result and result["data"]["products"]["edges"] == []


def test_nested_connection_cursors_are_bounded_too(client):
    query = '{ products(first: 1) { edges { node { images(after: "%s") { totalCount } } } } }' % cursor("-3")
    response = client.post("/api/graphql", json={"query": query})
    assert response.status_code == 200  # the nested field is nullable: the product stays, the error names it
    error = response.json()["errors"][0]
    assert error["extensions"]["errors"] == {"after": ["Invalid cursor."]} and error["path"][-1] == "images"
