"""The references a client generator or a schema browser reads, at stable URLs: the OpenAPI documents and the
GraphQL SDL of both surfaces, exactly as generated."""
import json

from graphql import build_schema
from starlette.testclient import TestClient

from generated.graphql_bindings import SCHEMA_FILES
from server.graphql import ROOT
from tests.conftest import get_app


def test_the_sdl_of_each_surface_is_served_as_generated():
    with TestClient(get_app()) as client:
        for surface, path in (("shop", "/api/schema.graphql"), ("admin", "/api/admin/schema.graphql")):
            response = client.get(path)
            assert response.status_code == 200
            assert response.headers["content-type"].startswith("text/plain")
            assert response.text == (ROOT / SCHEMA_FILES[surface]).read_text(encoding="utf-8")
            schema = build_schema(response.text)
            assert ("products" if surface == "shop" else "adminOrders") in schema.query_type.fields


def test_the_openapi_documents_are_served_as_generated():
    with TestClient(get_app()) as client:
        for surface, path in (("shop", "/api/shop/openapi.json"), ("admin", "/api/admin/openapi.json"),
                              ("resources", "/api/openapi.json")):
            served = client.get(path).json()
            assert served == json.loads((ROOT / "generated" / "openapi" / f"{surface}.json").read_text())
