"""Start-up works from what generation prepared: the JSON twins of the bundled documents (fresh, and
identical to the YAML), no YAML parsing and no spec validation when the app is created, one GraphQL
schema build per surface that equals ariadne's, and no PDF library until an invoice is rendered."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from ariadne import make_executable_schema
from graphql import GraphQLObjectType, print_schema
from starlette.testclient import TestClient

from codegen.__main__ import write_json_twin
from codegen.bundle import SpecError, bundle_openapi
from server.config import Settings
from server.documents import OPENAPI_DIR, load_document
from tests.conftest import TEST_KEY

ROOT = Path(__file__).resolve().parent.parent
SURFACES = ("shop", "admin")


@pytest.mark.parametrize("surface", SURFACES)
def test_runtime_document_is_a_fresh_bundle_of_the_specs(surface):
    document, _modules = bundle_openapi(ROOT / "specs" / "openapi" / surface)
    assert load_document(surface) == json.loads(json.dumps(document))


@pytest.mark.parametrize("surface", SURFACES)
def test_runtime_document_is_the_committed_yaml(surface):
    from_yaml = yaml.safe_load((OPENAPI_DIR / f"{surface}.yaml").read_text(encoding="utf-8"))
    assert json.dumps(load_document(surface)) == json.dumps(from_yaml)


def test_generation_validates_the_document_as_connexion_would(tmp_path):
    broken = {"openapi": "3.0.3", "info": {"title": "t"}, "paths": {}}  # info.version is required
    with pytest.raises(SpecError, match="not a valid OpenAPI document"):
        write_json_twin(broken, tmp_path / "broken.json")
    assert not (tmp_path / "broken.json").exists()


def test_creating_the_app_neither_parses_yaml_nor_validates_the_specs(app, monkeypatch):
    from connexion.spec import OpenAPISpecification, Specification
    from server.app import create_app
    sdl_validation = sys.modules["graphql.validation.validate"]  # `graphql.validation.validate` is the function

    def forbidden(*_args, **_kwargs):
        raise AssertionError("start-up must use what codegen generated and validated")

    for target, name in ((yaml, "safe_load"), (yaml, "load"), (Specification, "_validate_spec"),
                         (OpenAPISpecification, "_validate_spec"), (sdl_validation, "assert_valid_sdl")):
        monkeypatch.setattr(target, name, forbidden)
    fresh = create_app(Settings())
    with TestClient(fresh, headers={"X-STOREFRONT-KEY": TEST_KEY}) as client:  # builds connexion's routes
        assert client.get("/api/shop/locales").status_code == 200
        assert client.get("/api/shop/locales", params={"per_page": "x"}).status_code == 400  # still validated
        graphql = client.post("/api/graphql", json={"query": "{ locales(first: 1) { edges { node { code } } } }"})
        assert graphql.status_code == 200 and "errors" not in graphql.json()
        served = client.get("/api/shop/openapi.json")
    monkeypatch.undo()
    expected = yaml.safe_load((OPENAPI_DIR / "shop.yaml").read_text(encoding="utf-8"))
    assert served.content == json.dumps(expected).encode()  # byte for byte what was served before


@pytest.mark.parametrize("surface", SURFACES)
def test_graphql_schema_is_what_make_executable_schema_builds(surface, app):
    from generated.graphql_bindings import SCHEMA_FILES
    from server.graphql import object_types
    from server.graphql_schema import build_executable_schema

    sdl = (ROOT / SCHEMA_FILES[surface]).read_text(encoding="utf-8")
    built = build_executable_schema(sdl, lambda schema: object_types(schema, surface))
    reference = make_executable_schema(sdl, *object_types(make_executable_schema(sdl), surface))
    assert print_schema(built) == print_schema(reference)

    def resolvers(schema):
        return {(name, field_name): getattr(field.resolve, "__qualname__", None)
                for name, graphql_type in schema.type_map.items() if isinstance(graphql_type, GraphQLObjectType)
                for field_name, field in graphql_type.fields.items()}
    assert resolvers(built) == resolvers(reference)
    assert sum(resolver is not None for resolver in resolvers(built).values()) > 100


def test_creating_the_app_does_not_import_the_pdf_library(tmp_path):
    script = ("import sys; from server.app import create_app; create_app(); "
              "print('fpdf' in sys.modules)")
    environment = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/startup.db"}
    result = subprocess.run([sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True,
                            text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_the_parsed_sdl_is_read_back_from_the_cache_folder(tmp_path, monkeypatch):
    from graphql import print_ast
    from generated.graphql_bindings import SCHEMA_FILES
    from server import graphql_schema
    monkeypatch.setenv("SPECSHOP_CACHE_DIR", str(tmp_path))
    sdl = (ROOT / SCHEMA_FILES["shop"]).read_text(encoding="utf-8")
    first = graphql_schema.parsed_sdl(sdl)
    assert len(list(tmp_path.glob("sdl-*.pickle"))) == 1

    def forbidden(*_args, **_kwargs):
        raise AssertionError("the cached document must be read, not parsed again")

    monkeypatch.setattr(graphql_schema, "parse", forbidden)
    assert print_ast(graphql_schema.parsed_sdl(sdl)) == print_ast(first)
    monkeypatch.undo()
    monkeypatch.setenv("SPECSHOP_CACHE_DIR", str(tmp_path))
    next(tmp_path.glob("sdl-*.pickle")).write_bytes(b"not a pickle")  # unreadable: parsed and written again
    assert print_ast(graphql_schema.parsed_sdl(sdl)) == print_ast(first)
    assert print_ast(graphql_schema.parsed_sdl(sdl + "\n")) == print_ast(first)  # other text, other file
    assert len(list(tmp_path.glob("sdl-*.pickle"))) == 2


def test_start_up_builds_the_app_with_the_collector_paused_and_frozen():
    code = ("import gc; import server.asgi; "
            "print(gc.isenabled(), gc.get_freeze_count() > 100000)")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                            env={**os.environ, "PYTHONWARNINGS": "ignore"}, timeout=300)
    assert result.stdout.split() == ["True", "True"], result.stderr[-2000:]
