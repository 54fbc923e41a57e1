"""Mock mode (`specshop mock`, server/mock.py): every operation answers from the specs alone, with the real
server's validation and credential errors, and Schemathesis finds its answers conform to the documents."""
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from starlette.testclient import TestClient

from generated.operations import REST_OPERATIONS
from server.documents import load_document
from server.mock import create_mock_app, example_value
from tests.conftest import get_app, TEST_KEY
from tests.test_contract import drops_authorization

mock_app = create_mock_app()
KEY = {"X-STOREFRONT-KEY": "pk_storefront_" + "k" * 32}  # the form of a key; the mock cannot know live ones
ADMIN = {"Authorization": "Bearer 1|any-token"}


@pytest.fixture(scope="module")
def client():
    with TestClient(mock_app) as client:
        yield client


def test_a_documented_example_is_the_answer(client):
    document = load_document("shop")
    example = document["paths"]["/products"]["get"]["responses"]["200"]["content"]["application/json"]
    response = client.get("/api/shop/products", headers=KEY)
    assert response.status_code == 200
    expected = (next(iter(example["examples"].values()))["value"] if "examples" in example
                else example.get("example", example_value(document, example["schema"])))
    assert response.json() == expected


def test_errors_are_the_real_servers(client):
    with TestClient(get_app()) as real:
        for method, path, headers in (("get", "/api/shop/products", {}),
                                      ("get", "/api/shop/products?per_page=abc", {"X-STOREFRONT-KEY": TEST_KEY}),
                                      ("get", "/api/admin/catalog/products", {})):
            mocked = getattr(client, method)(path, headers={**KEY, **headers} if headers else {})
            answered = getattr(real, method)(path, headers=headers)
            assert (mocked.status_code, mocked.json()) == (answered.status_code, answered.json()), path


def test_a_body_that_breaks_the_schema_is_refused_with_the_field_named(client):
    response = client.post("/api/shop/customers", headers=KEY, json={"firstName": "A", "email": 5})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_failed" and "email" in body["errors"]


def test_graphql_answers_values_of_the_selected_types(client):
    response = client.post("/api/graphql", headers=KEY, json={
        "query": "{ products(first: 2) { totalCount edges { node { id name } } pageInfo { hasNextPage } } }"})
    assert response.status_code == 200
    products = response.json()["data"]["products"]
    assert products == {"totalCount": 1, "edges": [{"node": {"id": "1", "name": "string"}}],
                        "pageInfo": {"hasNextPage": True}}
    assert client.post("/api/admin/graphql", json={"query": "{ __typename }"}).json()["error"] == "unauthenticated"
    invalid = client.post("/api/graphql", headers=KEY, json={"query": "{ products { nothing } }"})
    assert invalid.status_code == 400 and "nothing" in invalid.json()["errors"][0]["message"]


def test_every_json_schema_of_every_success_answer_gets_a_value_that_validates():
    import jsonschema
    from codegen.openapi_schema import json_schema_definitions, to_json_schema
    checked = 0
    for surface in ("shop", "admin", "resources"):
        document = load_document(surface)
        definitions = json_schema_definitions(document)
        for item in document["paths"].values():
            for operation in item.values():
                if not isinstance(operation, dict) or "responses" not in operation:
                    continue
                for status, response in operation["responses"].items():
                    content = response.get("content", {}).get("application/json") if str(status).startswith("2") else None
                    if content and "schema" in content:
                        value = example_value(document, content["schema"])
                        validator = jsonschema.Draft4Validator({**definitions, **to_json_schema(content["schema"])})
                        assert not list(validator.iter_errors(value)), (surface, operation.get("operationId"))
                        checked += 1
    assert checked > 400


FEW = settings(max_examples=2, deadline=None, suppress_health_check=list(HealthCheck))
rest_documents = {surface: schemathesis.openapi.from_asgi(path, mock_app) for surface, path in
                  (("shop", "/api/shop/openapi.json"), ("admin", "/api/admin/openapi.json"), ("resources", "/api/openapi.json"))}
shop_graphql = schemathesis.graphql.from_asgi("/api/graphql", mock_app, headers=KEY)
admin_graphql = schemathesis.graphql.from_asgi("/api/admin/graphql", mock_app, headers=ADMIN)


def credentials(case) -> dict | None:
    """A token of the right form for operations behind a bearer scheme (the storefront key comes from
    schemathesis.toml); a negative case that drops its Authorization header goes out without one."""
    operation = REST_OPERATIONS[case.operation.definition.raw["operationId"]]
    if drops_authorization(case) or not {"customerToken", "cartToken", "adminToken"} & set(operation["auth"]):
        return None
    return ADMIN


@rest_documents["shop"].parametrize()
@FEW
def test_shop_rest_against_the_mock(case):
    case.call_and_validate(headers=credentials(case))


@rest_documents["resources"].parametrize()
@FEW
def test_resources_rest_against_the_mock(case):
    case.call_and_validate(headers=credentials(case))


@rest_documents["admin"].parametrize()
@FEW
def test_admin_rest_against_the_mock(case):
    case.call_and_validate(headers=credentials(case))


@shop_graphql.parametrize()
@FEW
def test_shop_graphql_against_the_mock(case):
    case.call_and_validate(headers=KEY)


@admin_graphql.parametrize()
@FEW
def test_admin_graphql_against_the_mock(case):
    case.call_and_validate(headers=ADMIN)


def test_the_mock_serves_the_documents_it_mocks(client):
    assert client.get("/api/shop/openapi.json").json() == load_document("shop")
    assert client.get("/api/admin/openapi.json").json() == load_document("admin")
