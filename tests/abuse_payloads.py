"""Hostile payloads for the abuse suite (tests/test_abuse.py) and the soak test (bench/soak.py).

Deterministic walkers over the bundled OpenAPI documents and the merged SDL: for one operation or
root field they build the smallest request the schema accepts, then put one payload kind into every
place that can carry it (string parameters and body fields, number fields, free-form JSON). Bodies
are sent as raw JSON text: `json.dumps` writes a lone surrogate as the escape `\\ud800` and NaN or
Infinity as the bare words, which no JSON encoder of an HTTP client would produce.
"""
import json
import re
from functools import cache
from pathlib import Path
from urllib.parse import quote

import graphql
import yaml

from generated.graphql_bindings import SCHEMA_FILES

ROOT = Path(__file__).resolve().parent.parent
NUL = "a\x00b"
SURROGATE = "a\ud800b"
# Kinds every string place gets, and kinds for number places.
STRING_KINDS = ("nul", "surrogate")
NUMBER_KINDS = ("nan", "infinity")
VALUES = {"nul": NUL, "surrogate": SURROGATE, "nan": float("nan"), "infinity": float("inf")}
MISSING_ID = 2147483000  # a path id no seeded row has: a request that got through would find nothing


# --- OpenAPI ---------------------------------------------------------------------------------------

@cache
def openapi(surface: str) -> dict:
    return yaml.safe_load((ROOT / "generated" / "openapi" / f"{surface}.yaml").read_text(encoding="utf-8"))


def resolve(document: dict, node):
    while isinstance(node, dict) and "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = document["components"][section][name]
    return node


def operation_definition(operation: dict) -> dict:
    document = openapi(operation["surface"])
    base = document["servers"][0]["url"]
    item = document["paths"][operation["path"].removeprefix(base)]
    definition = item[operation["method"].lower()]
    parameters = [resolve(document, p) for p in item.get("parameters", []) + definition.get("parameters", [])]
    body = resolve(document, definition.get("requestBody")) if definition.get("requestBody") else None
    return {"parameters": parameters, "body": body}


def flatten(document: dict, schema) -> dict:
    """One schema out of $ref / allOf (merged) / anyOf / oneOf (the first alternative)."""
    schema = resolve(document, schema) or {}
    if "allOf" in schema:
        merged = {"type": "object", "properties": {}, "required": []}
        for part in schema["allOf"]:
            part = flatten(document, part)
            merged["properties"].update(part.get("properties") or {})
            merged["required"] += part.get("required") or []
            for key in ("type", "additionalProperties"):
                if key in part:
                    merged[key] = part[key]
        return merged
    for key in ("anyOf", "oneOf"):
        if schema.get(key):
            return {**flatten(document, schema[key][0]), "nullable": schema.get("nullable", False)}
    return schema


def schema_type(schema: dict) -> str | None:
    kind = schema.get("type")
    if kind is None and "properties" in schema:
        return "object"
    return kind


def minimal(document: dict, schema, depth: int = 0):
    """The smallest value the schema accepts (required properties only), as far as a walker can tell."""
    schema = flatten(document, schema)
    if "default" in schema:
        return schema["default"]
    if schema.get("enum"):
        return schema["enum"][0]
    kind = schema_type(schema)
    if kind == "object":
        if depth > 6:
            return {}
        value = {name: minimal(document, schema["properties"][name], depth + 1)
                 for name in schema.get("required") or () if name in (schema.get("properties") or {})}
        extra = schema.get("additionalProperties")
        if len(value) < schema.get("minProperties", 0) and isinstance(extra, dict):
            value["1"] = minimal(document, extra, depth + 1)  # maps keyed by id (`inventories`)
        for name, property_schema in (schema.get("properties") or {}).items():
            if len(value) >= schema.get("minProperties", 0):
                break
            value.setdefault(name, minimal(document, property_schema, depth + 1))  # "at least one of these"
        return value
    if kind == "array":
        count = schema.get("minItems", 0)
        return [minimal(document, schema.get("items") or {}, depth + 1) for _ in range(count)]
    if kind in ("integer", "number"):
        return max(1, schema.get("minimum", 1))
    if kind == "boolean":
        return True
    if kind == "string":
        return minimal_string(schema)
    return None


# Candidates for string patterns the documents use (codes, countries, phones, passwords, dates, lists).
PATTERN_CANDIDATES = ("abuse", "US", "EUR", "5550100", "Abuse@12345", "2024-01-01", "1", "1.5", "id", "a.b")


def minimal_string(schema: dict) -> str:
    formats = {"date": "2024-01-01", "date-time": "2024-01-01T00:00:00Z", "email": "abuse@example.com",
               "uri": "https://example.com/a", "binary": "a"}
    if schema.get("format") in formats:
        return formats[schema["format"]]
    candidates = ([schema["example"]] if isinstance(schema.get("example"), str) else []) + list(PATTERN_CANDIDATES)
    for candidate in candidates:
        if schema.get("minLength", 0) <= len(candidate) <= schema.get("maxLength", 10**6) and (
                "pattern" not in schema or re.search(schema["pattern"], candidate)):
            return candidate
    return "a" * max(1, schema.get("minLength", 1))


def poisoned(document: dict, schema, value, depth: int = 0):
    """`schema`'s value with `value` in every place of the payload's type (every property, required or
    not), or None when the schema has no such place. Strings take a string payload, numbers and
    integers a float one."""
    schema = flatten(document, schema)
    kind = schema_type(schema)
    wants = "string" if isinstance(value, str) else "number"
    if kind == "string" or (kind in ("number", "integer") and wants == "number"):
        return value if (kind == "string") == (wants == "string") else None
    if kind == "array" and depth < 6:
        item = poisoned(document, schema.get("items") or {}, value, depth + 1)
        return None if item is None else [item]
    if kind == "object" and depth < 6:
        properties = schema.get("properties") or {}
        base = minimal(document, schema, depth)
        found = {}
        for name, child in properties.items():
            child_value = poisoned(document, child, value, depth + 1)
            if child_value is not None:
                found[name] = child_value
        if not found and not properties and schema.get("additionalProperties", True) is not False:
            found = {"abuse": value}  # a free-form object (`attributes`, `additional`) holds anything
        return {**base, **found} if found else None
    return None


def deep_value(levels: int):
    value: object = "x"
    for _ in range(levels):
        value = {"a": value}
    return value


def raw_json(value) -> bytes:
    """JSON text with lone surrogates as escapes and NaN / Infinity as bare words."""
    return json.dumps(value, ensure_ascii=True, allow_nan=True).encode("ascii")


def quote_value(value: str) -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


# --- GraphQL ---------------------------------------------------------------------------------------

@cache
def graphql_schema(surface: str) -> graphql.GraphQLSchema:
    return graphql.build_schema((ROOT / SCHEMA_FILES[surface]).read_text(encoding="utf-8"))


STRINGISH = ("String", "ID")
NUMERIC = ("Float", "Int")


def graphql_value(type_, kind: str | None, depth: int = 0):
    """A variable value for `type_`: required parts filled, and with `kind`, the payload in every
    optional or required place that can carry it. Returns (value, carries payload)."""
    if graphql.is_non_null_type(type_):
        value, hit = graphql_value(type_.of_type, kind, depth)
        return value, hit
    if graphql.is_list_type(type_):
        value, hit = graphql_value(type_.of_type, kind, depth + 1)
        return [value], hit
    named = type_
    if graphql.is_input_object_type(named):
        result, hit = {}, False
        if depth > 5:
            return result, False
        for name, field in named.fields.items():
            value, field_hit = graphql_value(field.type, kind, depth + 1)
            if field_hit or graphql.is_non_null_type(field.type):
                result[name] = value
                hit = hit or field_hit
        return result, hit
    if graphql.is_enum_type(named):
        return next(iter(named.values)), False
    name = named.name
    if kind in STRING_KINDS and name in STRINGISH:
        return VALUES[kind], True
    if kind in NUMBER_KINDS and name in NUMERIC:
        return VALUES[kind], True
    if kind == "deep" and name == "Iterable":
        return [deep_value(64)], True
    return {"String": "a", "ID": "1", "Int": 1, "Float": 1.0, "Boolean": True, "Iterable": []}.get(name), False


def graphql_request(surface: str, type_name: str, field_name: str, kind: str) -> dict | None:
    """A document calling one root field with every argument as a variable, and the variables with
    `kind` in every place that takes it; None when no argument can carry it. `poisoned` lists the
    arguments that carry the payload."""
    schema = graphql_schema(surface)
    root = schema.query_type if type_name == "Query" else schema.mutation_type
    field = root.fields[field_name]
    variables, poisoned_args, declarations, arguments = {}, [], [], []
    for name, argument in field.args.items():
        value, hit = graphql_value(argument.type, kind)
        if not hit and not graphql.is_non_null_type(argument.type):
            continue
        variables[name] = value
        declarations.append(f"${name}: {argument.type}")
        arguments.append(f"{name}: ${name}")
        if hit:
            poisoned_args.append(name)
    if not poisoned_args:
        return None
    operation = "query" if type_name == "Query" else "mutation"
    selection = "" if graphql.is_leaf_type(graphql.get_named_type(field.type)) else " { __typename }"
    query = f"{operation} Abuse({', '.join(declarations)}) {{ {field_name}({', '.join(arguments)}){selection} }}"
    return {"query": query, "variables": variables, "poisoned": poisoned_args}


# --- hostile GraphQL documents ---------------------------------------------------------------------

def alias_document(count: int) -> str:
    return "{ " + " ".join(f"a{index}: __typename" for index in range(count)) + " }"


def deep_document(levels: int) -> str:
    """An introspection query nested `levels` deep (`ofType` is a __Type again)."""
    return '{ __type(name: "Query") { ' + "ofType { " * levels + "name" + " }" * levels + " } }"
