"""Permission walk: every admin REST operation and admin GraphQL root field, called with a token whose
role has every other permission (403 / FORBIDDEN) and with one whose role has only that permission
(anything but 403). Operations without a permission are open to any valid token.

Requests are generated from the bundled documents: path ids point at a missing row (so nothing
real is changed), bodies are the request examples, GraphQL inputs fill their required fields.
"""
import re
from functools import lru_cache
from pathlib import Path

import pytest
import yaml
from graphql import (
    GraphQLEnumType, GraphQLInputObjectType, GraphQLList, GraphQLNonNull, build_schema, get_named_type,
    is_composite_type,
)

from generated.graphql_bindings import ROOT_FIELDS
from generated.operations import REST_OPERATIONS
from handlers.resources import hydra_error
from tests.admin_fixtures import (  # noqa: F401 (fixtures)
    FORBIDDEN, admin_client, bearer, catalog_put_back, make_admin, super_admin,
)
from tests.settings_snapshot import settings_restored  # noqa: F401 (puts the store settings back after each call)

pytestmark = pytest.mark.usefixtures("catalog_put_back")  # the categories and attributes a call creates

ROOT = Path(__file__).resolve().parent.parent
MISSING_ID = 999999
# admin operations, and those of another surface that need an admin permission (the resource paths'
# catalog writes)
ADMIN_REST = sorted(op_id for op_id, op in REST_OPERATIONS.items() if op["surface"] == "admin" or op["permission"])
SURFACE_BASE = {"admin": "/api/admin", "resources": "/api", "shop": "/api/shop"}
ADMIN_GRAPHQL = sorted(f"{field['type']}.{field['field']}" for field in ROOT_FIELDS.get("admin", []))
FIELDS = {f"{field['type']}.{field['field']}": field for field in ROOT_FIELDS.get("admin", [])}
ALL_PERMISSIONS = sorted(({op["permission"] for op in REST_OPERATIONS.values() if op["permission"]}
                          | {field["permission"] for field in FIELDS.values()}) - {None})
OWN_OPERATIONS = {
    "listAdminUsers", "createAdminUser", "getAdminUser", "updateAdminUser", "deleteAdminUser", "deleteAdminSelf",
    "listAdminRoles", "createAdminRole", "getAdminRole", "updateAdminRole", "deleteAdminRole", "getAdminProfile",
    "listIntegrationTokens", "createIntegrationToken", "getIntegrationToken", "revokeIntegrationToken",
    "deleteIntegrationToken", "listStorefrontKeys", "createStorefrontKey", "getStorefrontKey", "updateStorefrontKey",
    "rotateStorefrontKey", "activateStorefrontKey", "deactivateStorefrontKey", "deleteStorefrontKey",
}


@lru_cache(maxsize=None)
def token_without(permission: str | None) -> str:
    """A token whose role has every known permission except `permission`."""
    return make_admin(sorted(set(ALL_PERMISSIONS) - {permission}), label="lacks")[1]


@lru_cache(maxsize=None)
def token_with_only(permission: str | None) -> str:
    return make_admin([permission] if permission else [], label="only")[1]


@lru_cache(maxsize=None)
def surface_document(surface: str) -> dict:
    return yaml.safe_load((ROOT / "generated" / "openapi" / f"{surface}.yaml").read_text(encoding="utf-8"))


def operation_spec(operation_id: str) -> tuple[dict, dict]:
    """(the bundled document of the operation's surface, the operation in it)."""
    operation = REST_OPERATIONS[operation_id]
    document = surface_document(operation["surface"])
    path = operation["path"].removeprefix(SURFACE_BASE[operation["surface"]])
    return document, document["paths"][path][operation["method"].lower()]


def rest_request(operation_id: str) -> tuple[str, str, dict, dict | None]:
    """(method, url, query, json body) for an operation, from the bundled document."""
    operation = REST_OPERATIONS[operation_id]
    document, spec = operation_spec(operation_id)
    query = {}
    for parameter in spec.get("parameters", []):
        if "$ref" in parameter:
            parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] == "query" and parameter.get("required"):
            query[parameter["name"]] = parameter.get("example", parameter["schema"].get("default", 1))
    body = None
    if "requestBody" in spec:
        body = spec["requestBody"]["content"].get("application/json", {}).get("example", {})
    url = re.sub(r"\{[^}]+\}", str(MISSING_ID), operation["path"])
    return operation["method"], url, query, body


def upload_form(operation_id: str) -> tuple[dict, dict] | None:
    """For a multipart body: a small file under every binary field and a missing row's id under every
    other required field, so the request passes validation (operations that also take JSON get their
    JSON example instead)."""
    document, spec = operation_spec(operation_id)
    content = spec.get("requestBody", {}).get("content", {})
    media = content.get("multipart/form-data")
    if media is None or "application/json" in content:
        return None
    schema = media["schema"]
    if "$ref" in schema:
        schema = document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]]
    properties = schema.get("properties", {})
    files = {name: ("walk.png", b"walk", "image/png") for name, field in properties.items()
             if field.get("format") == "binary"}
    fields = {name: str(MISSING_ID) for name in schema.get("required", []) if name not in files}
    return files, fields


def call_rest(client, operation_id: str, raw_token: str):
    method, url, query, body = rest_request(operation_id)
    form = upload_form(operation_id)
    if form is not None:
        files, fields = form
        return client.request(method, url, params=query, files=files, data=fields or None, headers=bearer(raw_token))
    return client.request(method, url, params=query, json=body, headers=bearer(raw_token))


def test_the_walk_covers_this_domain():
    assert OWN_OPERATIONS <= set(ADMIN_REST)
    assert {"resourceCreateProduct", "resourceUpdateProduct", "resourceDeleteProduct", "resourceCreateProductImage",
            "resourceDeleteProductImage", "patchAdminProduct", "deleteAdminProduct"} <= set(ADMIN_REST)
    assert {"Query.adminSettingsUsers", "Query.readAdminProfile", "Mutation.createAdminSettingsUserDeleteSelf",
            "Mutation.deleteAdminSettingsStorefrontKey"} <= set(ADMIN_GRAPHQL)
    assert all(REST_OPERATIONS[op_id]["permission"] for op_id in OWN_OPERATIONS
               if op_id not in ("getAdminProfile", "deleteAdminSelf"))


@pytest.mark.parametrize("operation_id", ADMIN_REST)
def test_rest_operation_needs_its_permission(admin_client, operation_id):
    permission = REST_OPERATIONS[operation_id]["permission"]
    if permission:
        refused = call_rest(admin_client, operation_id, token_without(permission))
        assert refused.status_code == 403, refused.text
        if REST_OPERATIONS[operation_id]["surface"] == "resources":  # the same refusal as `hydra:Error`
            assert refused.json() == hydra_error(403, FORBIDDEN)
        else:
            assert refused.json() == FORBIDDEN
    allowed = call_rest(admin_client, operation_id, token_with_only(permission))
    assert allowed.status_code not in (401, 403), allowed.text


@lru_cache(maxsize=1)
def admin_schema():
    return build_schema((ROOT / "generated" / "graphql" / "admin.graphql").read_text(encoding="utf-8"))


def literal(graphql_type) -> str:
    """A literal that passes validation for a required argument or input field."""
    if isinstance(graphql_type, GraphQLNonNull):
        return literal(graphql_type.of_type)
    if isinstance(graphql_type, GraphQLList):
        return "[]"
    if isinstance(graphql_type, GraphQLInputObjectType):
        fields = [f"{name}: {literal(field.type)}" for name, field in graphql_type.fields.items()
                  if isinstance(field.type, GraphQLNonNull)]
        return "{" + ", ".join(fields) + "}"
    if isinstance(graphql_type, GraphQLEnumType):
        return next(iter(graphql_type.values))
    return {"Int": "1", "Float": "1.5", "Boolean": "true", "ID": f'"{MISSING_ID}"'}.get(graphql_type.name, '"walk"')


def graphql_document(label: str) -> str:
    type_name, field_name = label.split(".")
    field = admin_schema().get_type(type_name).fields[field_name]
    arguments = [f"{name}: {literal(argument.type)}" for name, argument in field.args.items()
                 if isinstance(argument.type, GraphQLNonNull)]
    call = field_name + (f"({', '.join(arguments)})" if arguments else "")
    selection = " { __typename }" if is_composite_type(get_named_type(field.type)) else ""
    return f"{'mutation' if type_name == 'Mutation' else 'query'} {{ {call}{selection} }}"


def call_graphql(client, label: str, raw_token: str) -> dict:
    response = client.post("/api/admin/graphql", json={"query": graphql_document(label)}, headers=bearer(raw_token))
    # A failing non-null root field nulls `data`, which ariadne answers with HTTP 400.
    assert response.status_code == (200 if response.json().get("data") is not None else 400), response.text
    return response.json()


def codes(result: dict) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in result.get("errors", [])]


@pytest.mark.parametrize("label", ADMIN_GRAPHQL)
def test_graphql_field_needs_its_permission(admin_client, label):
    permission = FIELDS[label]["permission"]
    if permission:
        refused = call_graphql(admin_client, label, token_without(permission))
        assert codes(refused) == ["FORBIDDEN"], refused
        assert refused["errors"][0]["message"] == FORBIDDEN["message"]
        assert refused["data"] is None or refused["data"][label.split(".")[1]] is None
    allowed = call_graphql(admin_client, label, token_with_only(permission))
    assert "FORBIDDEN" not in codes(allowed) and "UNAUTHENTICATED" not in codes(allowed), allowed
