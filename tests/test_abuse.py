"""Abuse suite: hostile payloads on every implemented REST operation and GraphQL root field.

For each operation, with valid credentials (the suite's storefront key, a customer token, an
all-permissions admin token), deterministic requests put one payload kind into every place that can
carry it: NUL and a lone surrogate into string parameters and body fields, NaN and Infinity into
number parameters and body fields, a value nested 64 levels into a body field and a body nested
100,000 levels deep. Each must be refused without a 5xx: 400 (parameters, a body that is not JSON)
or 422 (body fields) with `{"message", "error", "errors": {field: [...]}}` naming only fields that
carry the payload. GraphQL root fields get the same payloads in their variables and must answer with
client errors naming the argument. The GraphQL limits (aliases, depth, size) close the file.
docs/security.md, "Abuse suite and soak test", describes what is sent and what is expected.
"""
import json
import time

import pytest
from starlette.testclient import TestClient

from generated.graphql_bindings import ROOT_FIELDS
from generated.operations import REST_OPERATIONS
from server.handler_table import load_handler
from server.rest import is_implemented
from tests.abuse_payloads import (
    MISSING_ID, NUMBER_KINDS, STRING_KINDS, VALUES, alias_document, deep_document, deep_value, flatten,
    graphql_request, minimal, openapi, operation_definition, poisoned, quote_value, raw_json,
)
from tests.conftest import TEST_KEY, get_app

REST_IDS = sorted(op_id for op_id, op in REST_OPERATIONS.items() if not op["planned"] and is_implemented(op_id))
GRAPHQL_FIELDS = sorted((surface, f["type"], f["field"]) for surface, fields in ROOT_FIELDS.items() for f in fields
                        if not f["planned"] and load_handler(f["handler"], planned=f["planned"]))
JSON_CONTENT = {"Content-Type": "application/json", "Accept": "application/json"}


@pytest.fixture(scope="module")
def abuse_client():
    with TestClient(get_app(), raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def credentials(abuse_client):
    """Authorization headers per scheme: a registered customer's token, an all-permissions admin's."""
    import uuid

    from tests.admin_fixtures import make_admin
    password = "Abuse@12345"
    response = abuse_client.post("/api/shop/customers", headers={"X-STOREFRONT-KEY": TEST_KEY}, json={
        "firstName": "Abuse", "lastName": "Tester", "email": f"abuse-{uuid.uuid4().hex[:12]}@example.com",
        "password": password, "confirmPassword": password})
    assert response.status_code == 201, response.text
    _admin, admin_token = make_admin("all", label="abuse")
    return {"customer": f"Bearer {response.json()['token']}", "admin": f"Bearer {admin_token}"}


def auth_headers(operation: dict, credentials: dict) -> dict:
    if operation["surface"] == "admin" or "adminToken" in operation["auth"]:  # also the resource paths' catalog writes
        return {"Authorization": credentials["admin"]}
    headers = {"X-STOREFRONT-KEY": TEST_KEY}
    if {"customerToken", "cartToken"} & set(operation["auth"]):
        headers["Authorization"] = credentials["customer"]
    return headers


def carries(value, payload) -> bool:
    if isinstance(value, dict):
        return any(carries(key, payload) or carries(item, payload) for key, item in value.items())
    if isinstance(value, list):
        return any(carries(item, payload) for item in value)
    if isinstance(payload, float) and isinstance(value, float):
        return value != value or value in (float("inf"), float("-inf"))
    return value == payload if isinstance(payload, float) else isinstance(value, str) and payload in value


def problems_with(response, label: str, statuses=(400, 422), named=None, strict=True) -> list[str]:
    """What is wrong with the answer to one hostile request: a 5xx always; with `strict`, any status
    outside `statuses`; for a refusal, a body that is not the documented error or that names a field
    outside `named` (None: no `errors` needed, as for a body that is not JSON)."""
    where = f"{label}: {response.status_code} {response.text[:300]!r}"
    if response.status_code >= 500:
        return [f"server error on {where}"]
    if response.status_code not in statuses:
        return [f"not refused as {statuses} on {where}"] if strict else []
    try:
        body = response.json()
    except ValueError:
        return [f"refusal is not JSON on {where}"]
    if not (isinstance(body, dict) and isinstance(body.get("message"), str) and isinstance(body.get("error"), str)):
        return [f"refusal lacks message/error on {where}"]
    if named is None or response.status_code == 404:  # a path no route matches names no field
        return []
    errors = body.get("errors")
    if not (isinstance(errors, dict) and errors and all(
            isinstance(messages, list) and messages and all(isinstance(m, str) for m in messages)
            for messages in errors.values())):
        return [f"refusal lacks errors {{field: [messages]}} on {where}"]
    if not set(errors) <= set(named):
        return [f"refusal names {sorted(set(errors) - set(named))}, not only {sorted(named)}, on {where}"]
    return []


def rest_cases(operation: dict) -> list[dict]:
    """The hostile requests for one operation: {label, path, query, headers, body (bytes) | form,
    statuses, named, strict}."""
    definition = operation_definition(operation)
    document = openapi(operation["surface"])
    path_values = {p["name"]: str(MISSING_ID) for p in definition["parameters"] if p["in"] == "path"}
    required_query = {p["name"]: minimal(document, p.get("schema") or {}) for p in definition["parameters"]
                      if p["in"] == "query" and p.get("required")}
    query_params = [p for p in definition["parameters"] if p["in"] == "query"]
    content = (definition["body"] or {}).get("content") or {}
    body_schema = (content.get("application/json") or {}).get("schema")
    form_schema = (content.get("multipart/form-data") or {}).get("schema")
    valid_body = raw_json(minimal(document, body_schema)) if body_schema else None
    cases = []

    def case(label, **fields):
        cases.append({"label": label, "path": dict(path_values), "query": dict(required_query), "headers": {},
                      "body": valid_body, "form": None, "statuses": (400,), "named": (), "strict": True,
                      **fields})

    for kind in (*STRING_KINDS, *NUMBER_KINDS):
        wanted = ("string",) if kind in STRING_KINDS else ("number", "integer")
        targets = [p["name"] for p in query_params if flatten(document, p.get("schema")).get("type") in wanted]
        if kind == "nul" and not targets:
            targets = ["abuse"]  # undeclared parameters are checked too: every operation gets one NUL request
        if targets:
            value = "NaN" if kind == "nan" else "Infinity" if kind == "infinity" else VALUES[kind]
            # a surrogate cannot be sent in a URL: its UTF-8 bytes (%ED%A0%80) decode to U+FFFD, a valid
            # character, so that request needs only be answered without a 5xx
            case(f"query {kind} in {targets}", query={**required_query, **{name: value for name in targets}},
                 named=targets, strict=kind != "surrogate")
    if path_values:
        # integer path parameters: the route does not match (404) or the parameter is refused (400)
        case(f"path nul in {sorted(path_values)}", path={name: "1" + VALUES["nul"] for name in path_values},
             statuses=(400, 404), named=sorted(path_values))
    if body_schema:
        for kind in (*STRING_KINDS, *NUMBER_KINDS):
            body = poisoned(document, body_schema, VALUES[kind])
            if body is None:
                continue
            named = sorted(key for key, value in body.items() if carries(value, VALUES[kind]))
            if kind in NUMBER_KINDS:  # NaN and Infinity are not JSON: the body is refused as a whole
                case(f"body {kind} in {named}", body=raw_json(body), statuses=(400,), named=None)
            else:
                case(f"body {kind} in {named}", body=raw_json(body), statuses=(422,), named=named)
        base = minimal(document, body_schema)
        field = next(iter(sorted((document_properties(document, body_schema)) or ["abuse"])))
        case(f"body nested 64 deep in {field}", body=raw_json({**(base or {}), field: deep_value(64)}),
             statuses=(422,), named=[field, "body"])
        case("body nested 100000 deep", body=b"[" * 100_000 + b"]" * 100_000, named=None)
    if form_schema:  # the upload: a valid form (a file in every binary field) with NUL in a text field
        form = {key: str(value) for key, value in minimal(document, form_schema).items()
                if (flatten(document, form_schema)["properties"][key].get("format") != "binary")}
        for name in (*required_query, "abuse"):
            form.pop(name, None)
        case("form nul in ['abuse']", body=None, form={**form, "abuse": VALUES["nul"]}, statuses=(422,),
             named=["abuse"])
    return cases


def document_properties(document: dict, schema) -> list[str]:
    return list((flatten(document, schema).get("properties") or {}))


def binary_fields(operation: dict) -> list[str]:
    document = openapi(operation["surface"])
    content = (operation_definition(operation)["body"] or {}).get("content") or {}
    schema = flatten(document, (content.get("multipart/form-data") or {}).get("schema") or {})
    return [name for name, field in (schema.get("properties") or {}).items()
            if flatten(document, field).get("format") == "binary"]


PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082")


BOUNDARY = "specshop-abuse-boundary"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


def multipart_fields(fields: dict) -> bytes:
    parts = [f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             for name, value in fields.items()]
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode("utf-8", "surrogatepass")


def send_rest(client, operation: dict, case: dict, credentials: dict):
    path = operation["path"]
    for name, value in case["path"].items():
        path = path.replace("{" + name + "}", quote_value(value))
    query = "&".join(f"{quote_value(name)}={quote_value(str(value))}" for name, value in case["query"].items())
    headers = {**auth_headers(operation, credentials), "Accept": "application/json"}
    headers.update({name: value.encode("latin-1") for name, value in case["headers"].items()})
    url = path + (f"?{query}" if query else "")
    if case["form"] is not None or operation["upload_only"]:
        files = {name: ("abuse.png", PNG, "image/png") for name in binary_fields(operation)}
        if not files:  # a form with no file field is still sent as multipart, as the operation reads it
            return client.request(operation["method"], url, headers={**headers, "Content-Type": MULTIPART},
                                  content=multipart_fields(case["form"] or {}))
        return client.request(operation["method"], url, headers=headers, data=case["form"] or {}, files=files)
    if case["body"] is not None:
        headers["Content-Type"] = "application/json"
        return client.request(operation["method"], url, headers=headers, content=case["body"])
    return client.request(operation["method"], url, headers=headers)


def header_cases() -> list:
    """(operation id, header) for every header parameter; the scope headers fall back to the channel's
    defaults for unknown values, so NUL there needs only be answered without a 5xx."""
    cases = []
    for operation_id in REST_IDS:
        for parameter in operation_definition(REST_OPERATIONS[operation_id])["parameters"]:
            if parameter["in"] == "header":
                cases.append(pytest.param(operation_id, parameter["name"], id=f"{operation_id}-{parameter['name']}"))
    return cases


@pytest.mark.parametrize("operation_id,header", header_cases())
def test_rest_header_parameter_with_nul_is_no_server_error(abuse_client, credentials, operation_id, header):
    """In process only: HTTP servers refuse NUL in a header before the app sees it."""
    operation = REST_OPERATIONS[operation_id]
    definition = operation_definition(operation)
    document = openapi(operation["surface"])
    content = (definition["body"] or {}).get("content") or {}
    schema = (content.get("application/json") or {}).get("schema")
    case = {"path": {p["name"]: str(MISSING_ID) for p in definition["parameters"] if p["in"] == "path"},
            "query": {p["name"]: minimal(document, p.get("schema") or {}) for p in definition["parameters"]
                      if p["in"] == "query" and p.get("required")},
            "headers": {header: VALUES["nul"]}, "form": None,
            "body": raw_json(minimal(document, schema)) if schema else None}
    response = send_rest(abuse_client, operation, case, credentials)
    assert not problems_with(response, f"{operation_id} {header} nul", (400, 422), [header], strict=False), \
        response.text


def test_graphql_currency_header_with_nul_is_no_server_error(abuse_client, credentials):
    response = abuse_client.post("/api/graphql", json={"query": "{ products(first: 1) { totalCount } }"},
                                 headers={**graphql_headers("shop", credentials), "X-Currency": b"US\x00"})
    assert response.status_code < 500
    assert all((error.get("extensions") or {}).get("code") != "INTERNAL_SERVER_ERROR"
               for error in response.json().get("errors") or []), response.text


@pytest.mark.parametrize("operation_id", REST_IDS)
def test_rest_operation_refuses_hostile_payloads(abuse_client, credentials, operation_id):
    operation = REST_OPERATIONS[operation_id]
    cases = rest_cases(operation)
    assert cases, f"{operation_id}: no hostile request could be built"
    problems = []
    for case in cases:
        response = send_rest(abuse_client, operation, case, credentials)
        problems += problems_with(response, f"{operation['method']} {operation['path']} {case['label']}",
                                  case["statuses"], case["named"], case["strict"])
    assert not problems, "\n".join(problems)


# --- GraphQL ---------------------------------------------------------------------------------------

GRAPHQL_PATHS = {"shop": "/api/graphql", "admin": "/api/admin/graphql"}


def graphql_headers(surface: str, credentials: dict) -> dict:
    if surface == "admin":
        return {**JSON_CONTENT, "Authorization": credentials["admin"]}
    return {**JSON_CONTENT, "X-STOREFRONT-KEY": TEST_KEY, "Authorization": credentials["customer"]}


def graphql_problems(response, label: str, arguments: list[str], named: bool) -> list[str]:
    """A hostile GraphQL request must get client errors (no 5xx, no INTERNAL_SERVER_ERROR); with
    `named`, one of them from the input guard naming an argument that carries the payload."""
    where = f"{label}: {response.status_code} {response.text[:400]!r}"
    if response.status_code >= 500 or response.status_code not in (200, 400):
        return [f"unexpected status on {where}"]
    try:
        errors = response.json().get("errors") or []
    except ValueError:
        return [f"answer is not JSON on {where}"]
    if not errors:
        return [f"no error on {where}"]
    if any((error.get("extensions") or {}).get("code") == "INTERNAL_SERVER_ERROR" for error in errors):
        return [f"internal error on {where}"]
    if named and not any(set(((error.get("extensions") or {}).get("errors") or {})) & set(arguments)
                         and (error.get("extensions") or {}).get("status") in (400, 422) for error in errors):
        return [f"no error naming {arguments} on {where}"]
    return []


def graphql_cases(kinds) -> list[tuple]:
    """(surface, type, field, [(kind, request)]) for the root fields where some argument takes one of `kinds`."""
    cases = []
    for surface, type_name, field_name in GRAPHQL_FIELDS:
        requests = [(kind, graphql_request(surface, type_name, field_name, kind)) for kind in kinds]
        requests = [(kind, request) for kind, request in requests if request is not None]
        if requests:
            cases.append(pytest.param(surface, type_name, field_name, requests,
                                      id=f"{surface}-{type_name}.{field_name}"))
    return cases


def send_graphql(client, credentials, surface: str, request: dict):
    body = raw_json({"query": request["query"], "variables": request["variables"]})
    return client.post(GRAPHQL_PATHS[surface], content=body, headers=graphql_headers(surface, credentials))


@pytest.mark.parametrize("surface,type_name,field_name,requests", graphql_cases((*STRING_KINDS, "deep")))
def test_graphql_root_field_refuses_hostile_strings(abuse_client, credentials, surface, type_name, field_name,
                                                    requests):
    """NUL or a lone surrogate in every String / ID argument and input field, JSON nested 64 deep in
    every `Iterable` one: the input guard refuses the field (400) naming the argument."""
    problems = []
    for kind, request in requests:
        response = send_graphql(abuse_client, credentials, surface, request)
        problems += graphql_problems(response, f"{surface} {type_name}.{field_name} {kind} in {request['poisoned']}",
                                     request["poisoned"], named=True)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("surface,type_name,field_name,requests", graphql_cases(NUMBER_KINDS))
def test_graphql_root_field_refuses_non_finite_numbers(abuse_client, credentials, surface, type_name, field_name,
                                                       requests):
    """NaN and Infinity in every Int / Float argument and input field: the GraphQL scalars refuse the
    variable before anything runs (no data, no 5xx). How the refusal is labelled is
    test_graphql_invalid_variable_values_are_client_errors's concern."""
    problems = []
    for kind, request in requests:
        response = send_graphql(abuse_client, credentials, surface, request)
        label = f"{surface} {type_name}.{field_name} {kind} in {request['poisoned']}"
        if response.status_code >= 500 or response.status_code not in (200, 400):
            problems.append(f"unexpected status on {label}: {response.status_code} {response.text[:300]!r}")
            continue
        body = response.json()
        if not body.get("errors") or (body.get("data") or {}).get(field_name) is not None:
            problems.append(f"not refused on {label}: {response.text[:300]!r}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("surface,query,variables", [
    ("shop", "query($first: Int) { locales(first: $first) { totalCount } }", b'{"first": NaN}'),
    ("shop", "query($first: Int) { locales(first: $first) { totalCount } }", b'{"first": "ten"}'),
    ("admin", "query($first: Int) { adminSettingsLocales(first: $first) { totalCount } }", b'{"first": Infinity}'),
])
def test_graphql_invalid_variable_values_are_client_errors(abuse_client, credentials, surface, query, variables):
    body = b'{"query": ' + json.dumps(query).encode() + b', "variables": ' + variables + b"}"
    response = abuse_client.post(GRAPHQL_PATHS[surface], content=body, headers=graphql_headers(surface, credentials))
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert errors and all((error.get("extensions") or {}).get("code") != "INTERNAL_SERVER_ERROR" for error in errors)
    assert "$first" in errors[0]["message"], errors


def graphql_arguments(surface, type_name, field_name) -> list[str]:
    from tests.abuse_payloads import graphql_schema
    schema = graphql_schema(surface)
    root = schema.query_type if type_name == "Query" else schema.mutation_type
    return list(root.fields[field_name].args)


@pytest.mark.parametrize("surface", ["shop", "admin"])
def test_graphql_documents_with_nul_or_surrogates_are_refused(abuse_client, credentials, surface):
    headers = graphql_headers(surface, credentials)
    for query in ('{ __typename(x: "a\x00b") }', "{ __typename }\x00", '{ a\ud800: __typename }',
                  '{ __type(name: "a\ud800") { name } }'):
        response = abuse_client.post(GRAPHQL_PATHS[surface], content=raw_json({"query": query}), headers=headers)
        assert response.status_code in (200, 400), response.text
        assert response.json()["errors"], response.text


# --- GraphQL limits --------------------------------------------------------------------------------

HOSTILE_DOCUMENTS = {
    "2,000 aliases": alias_document(2000),
    "introspection 40 levels deep": deep_document(40),
    "introspection 300 levels deep": deep_document(300),
    "10,000 tokens": "{ " + "__typename " * 10_000 + "}",
    "fragment cycle": "query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }",
}


@pytest.mark.parametrize("surface", ["shop", "admin"])
@pytest.mark.parametrize("name", sorted(HOSTILE_DOCUMENTS))
def test_graphql_limits_refuse_hostile_documents(abuse_client, credentials, surface, name):
    """Whatever the limits, a hostile document is answered quickly and without a 5xx; it must be
    refused (errors, no data) before it runs: by graphql-core (a fragment cycle; nesting deeper than
    its parser goes) or by the GraphQL limits (server/graphql_limits.py: aliases, depth, tokens)."""
    started = time.perf_counter()
    response = abuse_client.post(GRAPHQL_PATHS[surface], content=raw_json({"query": HOSTILE_DOCUMENTS[name]}),
                                 headers=graphql_headers(surface, credentials))
    elapsed = time.perf_counter() - started
    assert response.status_code < 500, response.text[:500]
    assert elapsed < 15, f"{name}: {elapsed:.1f} s"
    body = response.json()
    refused = bool(body.get("errors")) and not body.get("data")
    assert refused, str(body)[:500]
    assert all((error.get("extensions") or {}).get("code") != "INTERNAL_SERVER_ERROR" for error in body["errors"])


def test_new_large_graphql_documents_do_not_pile_up_in_memory(abuse_client, credentials):
    import gc
    import tracemalloc
    headers = graphql_headers("shop", credentials)
    gc.collect()
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for index in range(8):
            query = "{ " + " ".join(f"n{index}_{alias}: __typename" for alias in range(2000)) + " }"
            assert abuse_client.post("/api/graphql", json={"query": query}, headers=headers).status_code < 500
        gc.collect()
        grown_mb = (tracemalloc.get_traced_memory()[0] - before) / 2**20
    finally:
        tracemalloc.stop()
    assert grown_mb < 8, f"8 new documents of 2,000 aliases left {grown_mb:.1f} MB allocated"


@pytest.mark.parametrize("surface", ["shop", "admin"])
def test_graphql_body_nested_too_deep_is_a_client_error(abuse_client, credentials, surface):
    body = b'{"query": "{ __typename }", "variables": {"a": ' + b"[" * 100_000 + b"]" * 100_000 + b"}}"
    response = abuse_client.post(GRAPHQL_PATHS[surface], content=body, headers=graphql_headers(surface, credentials))
    assert 400 <= response.status_code < 500, response.text[:500]


def test_upload_with_text_in_the_file_field_is_a_client_error(abuse_client, credentials):
    response = abuse_client.post("/api/admin/catalog/products/1/images", headers={"Authorization": credentials["admin"]},
                                 data={"image": "not a file"}, files={"other": ("a.txt", b"x", "text/plain")})
    assert response.status_code == 422, response.text
    assert "image" in response.json()["errors"], response.text


def test_every_implemented_operation_gets_hostile_requests():
    assert len(REST_IDS) == sum(1 for op in REST_OPERATIONS.values() if not op["planned"])
    for surface in ("shop", "admin"):
        assert any(s == surface for s, _t, _f in GRAPHQL_FIELDS)
    assert all(rest_cases(REST_OPERATIONS[op_id]) for op_id in REST_IDS)
    assert json.dumps("\ud800") == '"\\ud800"'  # the escape goes out as ASCII, as hostile clients send it
