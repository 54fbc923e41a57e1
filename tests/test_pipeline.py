"""The spec-first pipeline: bundling rules, drift check, spec lint, 501 stubs, coverage report."""
import copy
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from codegen.bundle import SpecError, bundle_openapi
from codegen.lint import lint_document
from codegen.tables import rest_operations
from generated.operations import REST_OPERATIONS

ROOT = Path(__file__).resolve().parent.parent
BASE = {"openapi": "3.0.3", "info": {"title": "t", "version": "1"}, "servers": [{"url": "/api/t"}], "paths": {}}
OPERATION = {"operationId": "listThings", "responses": {"200": {"description": "ok"}, "404": {"description": "no"}}}


def write_surface(folder: Path, *fragments: dict, names=None) -> Path:
    folder.mkdir(exist_ok=True)
    (folder / "_document.yaml").write_text(yaml.safe_dump(BASE))
    for index, fragment in enumerate(fragments):
        name = names[index] if names else f"domain{index}"
        (folder / f"{name}.yaml").write_text(yaml.safe_dump(fragment))
    return folder


def test_bundle_merges_fragments_and_names_handlers_after_them(tmp_path):
    shop = write_surface(tmp_path / "shop", {"paths": {"/things": {"get": OPERATION}}}, names=["things"])
    operations = rest_operations(*bundle_openapi(shop))
    assert operations[0]["handler"] == "handlers.shop.things:list_things"
    assert operations[0]["path"] == "/api/t/things"
    admin = write_surface(tmp_path / "admin", {"paths": {"/a": {"get": OPERATION}}},
                          {"paths": {"/b": {"get": {**OPERATION, "operationId": "getB"}}}},
                          names=["settings_tax_rates", "profile"])
    handlers = {op["path"]: op["handler"] for op in rest_operations(*bundle_openapi(admin))}
    assert handlers == {"/api/t/a": "handlers.admin.settings.tax_rates:list_things",
                        "/api/t/b": "handlers.admin.profile:get_b"}


@pytest.mark.parametrize("fragments, message", [
    (({"paths": {"/a": {"get": OPERATION}}}, {"paths": {"/a": {"get": OPERATION}}}), "GET /a is already defined"),
    (({"components": {"schemas": {"A": {}}}}, {"components": {"schemas": {"A": {}}}}),
     "components.schemas.A is already defined"),
])
def test_bundle_rejects_ambiguous_specs(tmp_path, fragments, message):
    write_surface(tmp_path, *fragments)
    with pytest.raises(SpecError, match=message):
        bundle_openapi(tmp_path)


def test_duplicate_operation_ids_are_rejected(tmp_path):
    write_surface(tmp_path, {"paths": {"/a": {"get": OPERATION}, "/b": {"get": OPERATION}}})
    with pytest.raises(SpecError, match="duplicate operationIds: listThings"):
        rest_operations(*bundle_openapi(tmp_path))


def test_lint_reports_missing_responses_and_bad_examples():
    document = copy.deepcopy(BASE)
    document["paths"]["/a"] = {"get": {"operationId": "a", "responses": {"200": {"description": "ok"}}}}
    document["components"] = {"schemas": {"Thing": {"type": "object", "properties": {
        "price": {"type": "number", "example": "cheap"}}}}}
    problems = lint_document("t.yaml", document)
    assert any("no documented error response" in problem for problem in problems)
    assert any("Thing.price: example invalid" in problem for problem in problems)


def test_committed_specs_pass_lint():
    for path in (ROOT / "generated" / "openapi").glob("*.yaml"):
        assert lint_document(path.name, yaml.safe_load(path.read_text())) == []


def test_generated_code_matches_specs():
    result = subprocess.run([sys.executable, "-m", "codegen", "--check"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def test_planned_operation_without_handler_answers_501(client, monkeypatch):
    from server.rest import OperationResolver
    from server.config import Settings

    class FakeOperation:
        operation_id = "getLocale"

    monkeypatch.setitem(REST_OPERATIONS, "getLocale", {**REST_OPERATIONS["getLocale"], "planned": True,
                                                       "handler": "handlers.shop.locales:not_written_yet"})
    endpoint = OperationResolver(Settings()).resolve(FakeOperation()).function
    with pytest.raises(Exception) as raised:
        endpoint(id=1)
    assert raised.value.status == 501
    assert raised.value.body() == {"message": "getLocale is not implemented yet", "error": "not_implemented"}


@pytest.mark.parametrize("reference", ["handlers.shop.locales:not_written_yet", "handlers.shop.renamed:list_locales"])
def test_operation_naming_a_missing_handler_fails_at_start_up(monkeypatch, reference):
    from server.app import create_app
    from server.config import Settings
    from server.handler_table import HandlerMissing

    monkeypatch.setitem(REST_OPERATIONS, "getLocale", {**REST_OPERATIONS["getLocale"], "handler": reference})
    with pytest.raises(HandlerMissing, match=reference.replace(".", r"\.")):
        create_app(Settings())


def test_planned_mark_on_an_implemented_operation_fails_at_start_up():
    from server.handler_table import HandlerMissing, load_handler
    with pytest.raises(HandlerMissing, match="drop the planned mark"):
        load_handler("handlers.shop.locales:list_locales", planned=True)


def test_planned_graphql_field_without_handler_reports_not_implemented():
    from server.graphql_bridge import make_root_resolver
    resolver = make_root_resolver({"type": "Query", "field": "wishlists", "handler": "handlers.nowhere:wishlists",
                                   "connection": True, "planned": True}, None)
    with pytest.raises(Exception) as raised:
        resolver(None, None)
    assert raised.value.status == 501 and raised.value.error == "not_implemented"


def test_coverage_report_counts_every_spec_operation():
    from server.coverage import implementation_rows, report
    rows = implementation_rows()
    assert len([row for row in rows if row[0] == "rest"]) == len(REST_OPERATIONS)
    text = report()
    assert f"all: {sum(row[4] for row in rows)} / {len(rows)} implemented" in text
