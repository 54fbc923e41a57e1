"""`?fields=` on REST reads: the answer (each element of a list, of `data` in an envelope) trimmed to the
fields named, the fields the schema requires always kept, `a.b` trimming a nested object or list, and a name
the answer does not have refused with the validation body naming it. One place does it (server/rest.py),
codegen declares the parameter on every JSON read of the shop and admin documents."""
import json
from pathlib import Path

import jsonschema
import pytest
from connexion.json_schema import Draft4ResponseValidator

from generated.operations import REST_OPERATIONS
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)

ROOT = Path(__file__).resolve().parent.parent


def document(surface: str) -> dict:
    return json.loads((ROOT / "generated" / "openapi" / f"{surface}.json").read_text(encoding="utf-8"))


def fields_parameter(surface: str, path: str) -> dict:
    spec = document(surface)
    [parameter] = [p for p in spec["paths"][path]["get"]["parameters"] if p.get("name") == "fields"]
    return parameter


def optional_and_required(surface: str, schema_name: str) -> tuple[set, set]:
    spec = document(surface)
    schemas = spec["components"]["schemas"]

    def walk(schema):
        schema = schemas[schema["$ref"].rsplit("/", 1)[1]] if "$ref" in schema else schema
        names, required = set(schema.get("properties") or ()), set(schema.get("required") or ())
        for part in schema.get("allOf") or ():
            more, needed = walk(part)
            names |= more
            required |= needed
        return names, required
    names, required = walk({"$ref": f"#/components/schemas/{schema_name}"})
    return names - required, required


def validator(surface: str, path: str, code: str = "200"):
    """A validator of the operation's answer against its documented schema."""
    spec = document(surface)
    schema = spec["paths"][path]["get"]["responses"][code]
    if "$ref" in schema:
        schema = spec["components"]["responses"][schema["$ref"].rsplit("/", 1)[1]]
    schema = schema["content"]["application/json"]["schema"]
    resolver = jsonschema.RefResolver.from_schema(spec)
    return lambda instance: Draft4ResponseValidator(schema, resolver=resolver).validate(instance)


def test_every_json_read_declares_fields_and_no_handler_receives_it():
    reads = [op for op in REST_OPERATIONS.values() if op["method"] == "GET" and op["surface"] in ("shop", "admin")]
    with_fields = [op for op in reads if op["fields"]]
    assert len(with_fields) > 200
    assert all("fields" not in op["parameters"] for op in with_fields)
    parameter = fields_parameter("shop", "/products/{id}")
    assert (parameter["style"], parameter["explode"], parameter["schema"]["type"]) == ("form", False, "array")
    assert REST_OPERATIONS["getProduct"]["fields"]["root"] is None
    assert REST_OPERATIONS["listAdminJobs"]["fields"]["root"] == "data"
    # the resource paths at /api answer API Platform's JSON-LD and are not trimmed
    assert not any(op["fields"] for op in REST_OPERATIONS.values() if op["surface"] == "resources")


def test_an_admin_list_is_trimmed_in_its_envelope_keeping_required_fields(admin_client):
    optional, required = optional_and_required("admin", "AdminOrderRow")
    assert {"customerEmail", "baseGrandTotal"} <= optional
    full = admin_client.get("/api/admin/orders", params={"per_page": 3})
    assert full.status_code == 200 and full.json()["data"]
    response = admin_client.get("/api/admin/orders", params={"per_page": 3, "fields": "id,customerEmail"})
    assert response.status_code == 200, response.text
    assert response.json()["meta"] == full.json()["meta"]
    validator("admin", "/orders")(response.json())
    for element, original in zip(response.json()["data"], full.json()["data"]):
        assert element == {key: value for key, value in original.items() if key in required | {"id", "customerEmail"}}
        assert element["customerEmail"] == original["customerEmail"] and "baseGrandTotal" not in element


def test_shop_product_trimmed_with_a_nested_name(client):
    full = client.get("/api/shop/products/1")
    assert full.status_code == 200
    response = client.get("/api/shop/products/1", params={"fields": "id,categories.id"})
    assert response.status_code == 200, response.text
    validator("shop", "/products/{id}")(response.json())
    optional, required = optional_and_required("shop", "Product")
    assert set(response.json()) == required | ({"id"} & set(full.json()))
    nested_required = set(document("shop")["components"]["schemas"]["ProductCategoryRef"].get("required") or ()) \
        if "ProductCategoryRef" in document("shop")["components"]["schemas"] else None
    for category, original in zip(response.json()["categories"], full.json()["categories"]):
        assert category["id"] == original["id"]
        if nested_required is not None:
            assert set(category) <= nested_required | {"id"}
    listed = client.get("/api/shop/products", params={"per_page": 3, "fields": "id"})
    assert listed.status_code == 200 and listed.headers["X-Total-Count"]
    assert all(set(element) == required & set(element) | {"id"} for element in listed.json())


@pytest.mark.parametrize("fields,unknown", [("id,nosuch", ["nosuch"]), ("id,x.y,name;DROP", ["x.y", "name;DROP"])])
def test_unknown_fields_are_a_400_naming_them(client, fields, unknown):
    response = client.get("/api/shop/products/1", params={"fields": fields})
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "validation_failed"
    assert body["errors"] == {"fields": [f"Unknown field: {name}." for name in unknown]}


def test_without_fields_nothing_changes(admin_client, client):
    assert client.get("/api/shop/products/1").json() == client.get("/api/shop/products/1").json()
    jobs = admin_client.get("/api/admin/platform/jobs", params={"fields": "id,state", "per_page": 1})
    assert jobs.status_code == 200 and set(jobs.json()) == {"data", "meta"}
