"""Spec lint: every operation documents a success and an error response; examples match schemas.

Run with `python -m codegen.lint` (part of `make check`). Reads the bundled documents in generated/.
"""
import sys
from pathlib import Path

import jsonschema
import yaml

from codegen.bundle import HTTP_METHODS
from codegen.openapi_schema import to_json_schema

ROOT = Path(__file__).resolve().parent.parent


def resolve(document: dict, node):
    while isinstance(node, dict) and "$ref" in node:
        section, name = node["$ref"].split("/")[-2:]
        node = document["components"][section][name]
    return node


def lint_document(name: str, document: dict) -> list[str]:
    problems = []
    for route, item in document.get("paths", {}).items():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            operation = item[method]
            label = f"{name}: {method.upper()} {route} ({operation.get('operationId')})"
            codes = [str(code) for code in operation.get("responses", {})]
            if not any(code.startswith(("2", "3")) for code in codes):  # a redirect is a success too
                problems.append(f"{label}: no documented success response")
            if not any(code.startswith(("4", "5")) for code in codes):
                problems.append(f"{label}: no documented error response")
            for code, response in operation.get("responses", {}).items():
                problems += check_media_examples(document, f"{label} {code}", resolve(document, response))
            problems += check_integer_bounds(document, label, [*item.get("parameters", []),
                                                               *operation.get("parameters", [])])
    for schema_name, schema in document.get("components", {}).get("schemas", {}).items():
        problems += check_property_examples(document, f"{name}: schema {schema_name}", schema)
    return problems


def check_integer_bounds(document, label, parameters) -> list[str]:
    """An integer parameter needs a maximum (or an enum): a database column cannot hold any integer a client
    may send, and the driver's overflow would be a 500 instead of a 400."""
    problems = []
    for parameter in (resolve(document, parameter) for parameter in parameters):
        schema = resolve(document, parameter.get("schema") or {})
        if schema.get("type") == "integer" and "maximum" not in schema and "enum" not in schema:
            problems.append(f"{label}: integer parameter `{parameter['name']}` has no maximum")
    return problems


def check_media_examples(document, label, response) -> list[str]:
    problems = []
    for media in (response.get("content") or {}).values():
        if "example" in media and "schema" in media:
            problems += validate_example(document, label, media["schema"], media["example"])
    return problems


def check_property_examples(document, label, schema) -> list[str]:
    problems = []
    schema = resolve(document, schema)
    if "example" in schema:
        problems += validate_example(document, label, schema, schema["example"])
    for prop_name, prop in (schema.get("properties") or {}).items():
        if isinstance(prop, dict) and "example" in prop and "$ref" not in prop:
            problems += validate_example(document, f"{label}.{prop_name}", prop, prop["example"])
    return problems


def validate_example(document, label, schema, example) -> list[str]:
    schemas = document.get("components", {}).get("schemas", {})
    validator = jsonschema.Draft4Validator(to_json_schema(schema, schemas.__getitem__))
    return [f"{label}: example invalid: {error.message}" for error in validator.iter_errors(example)]


def main() -> int:
    problems = []
    for path in sorted((ROOT / "generated" / "openapi").glob("*.yaml")):
        problems += lint_document(path.name, yaml.safe_load(path.read_text(encoding="utf-8")))
    for problem in problems:
        print(problem)
    print(f"spec lint: {len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
