"""The breaking-change gate (codegen/compat.py, codegen/rest_diff.py): it passes on the committed documents and
fails on a scratch copy that breaks a client, unless CHANGES.yaml accepts the change with a reason."""
import copy
import io
import json
import shutil

import pytest

from codegen import compat
from codegen.rest_diff import compare_documents


def scratch(tmp_path):
    """A baseline and a current tree, both copies of the committed documents."""
    baseline, current = tmp_path / "baseline", tmp_path / "current"
    (current / "openapi").mkdir(parents=True)
    (current / "graphql").mkdir()
    compat.refresh(baseline, compat.GENERATED)
    for name in compat.REST_DOCUMENTS:
        shutil.copyfile(compat.GENERATED / "openapi" / f"{name}.json", current / "openapi" / f"{name}.json")
    for surface in compat.GRAPHQL_SURFACES:
        shutil.copyfile(compat.GENERATED / "graphql" / f"{surface}.graphql", current / "graphql" / f"{surface}.graphql")
    return baseline, current


def run(baseline, current):
    out = io.StringIO()
    return compat.check(baseline, current, out), out.getvalue()


def edit_document(path, change):
    document = json.loads(path.read_text())
    change(document)
    path.write_text(json.dumps(document))


def test_the_committed_documents_break_nothing_against_the_baseline():
    code, output = run(compat.BASELINE, compat.GENERATED)
    assert code == 0, output
    assert "not in CHANGES.yaml" in output


def test_a_removed_response_field_fails_until_listed_with_a_reason(tmp_path):
    baseline, current = scratch(tmp_path)
    assert run(baseline, current)[0] == 0
    edit_document(current / "openapi" / "shop.json",
                  lambda document: document["components"]["schemas"]["Attribute"]["properties"].pop("code"))

    code, output = run(baseline, current)
    change = "rest/shop schema Attribute as response: field `code` removed"
    assert code == 1
    assert f"BREAKING  {change}" in output
    assert "1 breaking (1 not in CHANGES.yaml)" in output

    (baseline / "CHANGES.yaml").write_text(f'- change: "{change}"\n  reason: "renamed to `attributeCode` in 2.0"\n')
    code, output = run(baseline, current)
    assert code == 0
    assert "(accepted: renamed to `attributeCode` in 2.0)" in output

    (baseline / "CHANGES.yaml").write_text(f'- change: "{change}"\n  reason: ""\n')
    with pytest.raises(SystemExit, match="non-empty `reason`"):
        run(baseline, current)


def test_a_removed_graphql_field_fails(tmp_path):
    baseline, current = scratch(tmp_path)
    sdl = current / "graphql" / "shop.graphql"
    text = sdl.read_text()
    assert "  sku: String!\n" in text
    sdl.write_text(text.replace("  sku: String!\n", "", 1))
    code, output = run(baseline, current)
    assert code == 1
    assert "BREAKING  graphql/shop: " in output and ".sku was removed." in output


def test_a_stale_entry_is_reported_but_does_not_fail(tmp_path):
    baseline, current = scratch(tmp_path)
    (baseline / "CHANGES.yaml").write_text('- change: "rest/shop GET /nothing: operation removed"\n  reason: "old"\n')
    code, output = run(baseline, current)
    assert code == 0
    assert "stale     CHANGES.yaml lists a change that is not found: rest/shop GET /nothing" in output


OPERATION = {
    "parameters": [{"name": "page", "in": "query", "schema": {"type": "integer", "maximum": 100}}],
    "requestBody": {"required": False, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/In"}}}},
    "responses": {"200": {"description": "ok", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Out"}}}},
                  "422": {"description": "invalid"}},
}
DOCUMENT = {
    "paths": {"/things": {"post": OPERATION}},
    "components": {"schemas": {
        "In": {"type": "object", "required": ["name"], "properties": {
            "name": {"type": "string"}, "qty": {"type": "integer"}, "state": {"type": "string", "enum": ["a", "b"]}}},
        "Out": {"type": "object", "required": ["id", "total"], "properties": {
            "id": {"type": "integer"}, "total": {"type": "string"},
            "state": {"type": "string", "enum": ["open", "closed"]},
            "lines": {"type": "array", "items": {"type": "object", "properties": {"sku": {"type": "string"}}}}}},
    }},
}


def diff(change):
    new = copy.deepcopy(DOCUMENT)
    change(new)
    return compare_documents("rest/x", DOCUMENT, new)


def schemas(document):
    return document["components"]["schemas"]


@pytest.mark.parametrize("change, expected", [
    (lambda d: schemas(d)["In"]["required"].append("qty"), "rest/x schema In as request: field `qty` is now required"),
    (lambda d: schemas(d)["In"]["properties"]["state"].update(enum=["a"]),
     "rest/x schema In as request: state no longer accepts ['b']"),
    (lambda d: d["paths"]["/things"]["post"]["parameters"][0]["schema"].update(maximum=50),
     "rest/x POST /things query parameter `page`: maximum lowered to 50"),
    (lambda d: d["paths"]["/things"]["post"]["requestBody"].update(required=True),
     "rest/x POST /things: request body became required"),
    (lambda d: d["paths"]["/things"]["post"]["responses"].pop("200"), "rest/x POST /things: success status 200 removed"),
    (lambda d: schemas(d)["Out"]["properties"]["total"].update(nullable=True),
     "rest/x schema Out as response: total may now be null"),
    (lambda d: schemas(d)["Out"]["required"].remove("total"),
     "rest/x schema Out as response: field `total` is no longer always present"),
    (lambda d: schemas(d)["Out"]["properties"]["lines"]["items"]["properties"].pop("sku"),
     "rest/x schema Out as response: field `lines[].sku` removed"),
    (lambda d: schemas(d)["Out"]["properties"]["id"].update(type="string"),
     "rest/x schema Out as response: id type changed from integer to string"),
    (lambda d: d["paths"].pop("/things"), "rest/x POST /things: operation removed"),
])
def test_breaking_rest_changes(change, expected):
    assert diff(change).breaking == [expected]


@pytest.mark.parametrize("change", [
    lambda d: schemas(d)["In"]["properties"]["qty"].update(type="number"),        # a request type widened
    lambda d: schemas(d)["In"]["required"].remove("name"),                        # a request field made optional
    lambda d: schemas(d)["Out"]["properties"].update(extra={"type": "string"}),   # a response field added
    lambda d: d["paths"]["/things"]["post"]["parameters"][0]["schema"].pop("maximum"),
    lambda d: d["paths"]["/things"]["post"]["responses"].pop("422"),             # error statuses are not a contract of success
])
def test_compatible_rest_changes(change):
    assert diff(change).breaking == []


def test_a_new_response_enum_value_is_dangerous_not_breaking():
    changes = diff(lambda d: schemas(d)["Out"]["properties"]["state"]["enum"].append("archived"))
    assert changes.breaking == []
    assert changes.dangerous == ["rest/x schema Out as response: state may answer new values ['archived']"]
