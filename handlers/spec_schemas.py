"""The request schemas of the bundled OpenAPI documents, for inputs that do not arrive through
connexion (GraphQL mutation inputs), so both transports enforce the same rules."""
import json
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator

from codegen.openapi_schema import to_json_schema

GENERATED_OPENAPI = Path(__file__).resolve().parent.parent / "generated" / "openapi"


@cache
def component_schemas(surface: str) -> dict:
    document = json.loads((GENERATED_OPENAPI / f"{surface}.json").read_text(encoding="utf-8"))  # the YAML's twin
    return document["components"]["schemas"]


@cache
def validator(surface: str, schema_name: str) -> Draft4Validator:
    schemas = component_schemas(surface)
    return Draft4Validator(to_json_schema(schemas[schema_name], schemas.__getitem__),
                           format_checker=Draft4Validator.FORMAT_CHECKER)
