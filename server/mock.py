"""Mock mode (`specshop mock`): every operation of the three OpenAPI documents and both GraphQL endpoints,
answered from the specs alone — no database, no handlers.

REST: connexion routes and validates each request against the bundled document exactly as the real server
does (same 400/422 bodies, same 401/403 for missing credentials), then answers the operation's first success
status with the documented example, or a value built from the response schema (`example_value`).
Credentials are checked for their form only (a storefront key `pk_storefront_…`, tokens `<id>|<secret>` or a
guest cart token): the mock cannot know which keys and tokens are live.
GraphQL: the generated SDL, validated and limited as the real endpoint is; every field resolves to a value of
its type (`graphql_value`), lists hold one element.
"""
from __future__ import annotations

import json
import random
import re
from datetime import date, datetime
from contextlib import asynccontextmanager

import rstr
from ariadne.asgi import GraphQL
from connexion import AsyncApp, request
from connexion.middleware import MiddlewarePosition
from connexion.lifecycle import ConnexionResponse
from connexion.options import SwaggerUIOptions
from connexion.resolver import Resolution, Resolver
from graphql import (
    GraphQLEnumType, GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLScalarType, build_schema,
    get_named_type,
)
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import JSONResponse

from generated.graphql_bindings import SCHEMA_FILES
from domain.errors import ApiError, InvalidRequest, Unprocessable
from server import errors
from server.app import add_sdl_routes, add_spec_routes, validator_map
from server.config import Settings
from server.documents import OPENAPI_DIR, add_generated_api, load_document
from server.errors import INVALID_KEY, InvalidStorefrontKey, MISSING_KEY, UNAUTHENTICATED
from server.graphql import ROOT
from server.graphql_limits import GraphQLLimits, GuardedHTTPHandler
from server.middleware import BodyLimitMiddleware, RequestIdMiddleware
from server.security import bearer_token

SURFACES = (("resources", "/api"), ("shop", "/api/shop"), ("admin", "/api/admin"))
GRAPHQL_PATHS = {"shop": "/api/graphql", "admin": "/api/admin/graphql"}
MOCK_CLAIMS = {"sub": "mock"}
FORMATS = {"date-time": "2026-01-01T00:00:00Z", "date": "2026-01-01", "time": "12:00:00", "email": "user@example.com",
           "uri": "https://example.com/", "url": "https://example.com/", "uuid": "00000000-0000-4000-8000-000000000000",
           "byte": "AA==", "binary": "", "ipv4": "127.0.0.1", "hostname": "example.com"}
MAX_DEPTH = 8


# -- values from schemas -------------------------------------------------------------------------------

def resolve(document: dict, node: dict) -> dict:
    while isinstance(node, dict) and "$ref" in node:
        target = document
        for part in node["$ref"].removeprefix("#/").split("/"):
            target = target[part]
        node = target
    return node or {}


def example_value(document: dict, schema: dict, depth: int = 0):
    """A value valid against `schema` (OpenAPI 3.0): the schema's own example where it has one, otherwise the
    smallest value its constraints allow; deterministic for one schema."""
    schema = resolve(document, schema)
    if "example" in schema:
        return schema["example"]
    if "enum" in schema:
        return schema["enum"][0]
    if "allOf" in schema:
        merged = {}
        for part in schema["allOf"]:
            value = example_value(document, part, depth)
            if not isinstance(value, dict):
                return value
            merged.update(value)
        return merged
    for keyword in ("oneOf", "anyOf"):
        if keyword in schema:
            return example_value(document, schema[keyword][0], depth)
    kind = schema.get("type") or ("object" if "properties" in schema else "array" if "items" in schema else None)
    if kind == "object":
        return object_value(document, schema, depth)
    if kind == "array":
        count = min(max(schema.get("minItems", 0), 0 if depth >= MAX_DEPTH else 1), schema.get("maxItems", 1))
        return [example_value(document, schema.get("items", {}), depth + 1) for _ in range(count)]
    if kind == "string":
        return string_value(schema)
    if kind in ("integer", "number"):
        return number_value(schema, kind)
    if kind == "boolean":
        return True
    return None if schema.get("nullable") else {}


def object_value(document: dict, schema: dict, depth: int) -> dict:
    required = set(schema.get("required", []))
    return {name: example_value(document, property_schema, depth + 1)
            for name, property_schema in schema.get("properties", {}).items()
            if name in required or depth < MAX_DEPTH}


def string_value(schema: dict) -> str:
    if schema.get("format") in FORMATS:
        return FORMATS[schema["format"]]
    if schema.get("pattern"):
        return rstr.Rstr(random.Random(schema["pattern"])).xeger(schema["pattern"])
    text = "string"
    minimum, maximum = schema.get("minLength", 0), schema.get("maxLength")
    text = text.ljust(minimum, "x")
    return text[:maximum] if maximum is not None else text


def number_value(schema: dict, kind: str):
    value = schema.get("minimum", 1)
    if schema.get("exclusiveMinimum") and "minimum" in schema:
        value += 1
    if "maximum" in schema and value > schema["maximum"]:
        value = schema["maximum"]
    return int(value) if kind == "integer" else float(value)


# -- REST ------------------------------------------------------------------------------------------------

def success_response(document: dict, operation: dict) -> tuple[int, str | None, dict]:
    """(status, media type, response object) of the operation's first documented success (a redirect is one)."""
    responses = operation.get("responses", {})
    status = min((code for code in responses if str(code).startswith(("2", "3"))), default="200")
    response = resolve(document, responses.get(status, {}))
    media_type = next(iter(response.get("content", {})), None)
    return int(status), media_type, response


def mock_answer(document: dict, operation: dict):
    status, media_type, response = success_response(document, operation)
    headers = {name: str(example_value(document, resolve(document, header).get("schema", {})))
               for name, header in response.get("headers", {}).items()}
    if media_type is None or status in (204, 304):
        return ConnexionResponse(status_code=status, headers=headers)
    content = response["content"][media_type]
    if content.get("examples"):
        body = resolve(document, next(iter(content["examples"].values()))).get("value")
    elif "example" in content:
        body = content["example"]
    else:
        body = example_value(document, content.get("schema", {}))
    text = json.dumps(body) if "json" in media_type else str(body or "")
    return ConnexionResponse(status_code=status, body=text, content_type=media_type, headers=headers)


def parses(parse):
    def check(text: str) -> bool:
        try:
            parse(text)
        except ValueError:
            return False
        return True
    return check


# The formats a schema cannot enforce by itself and the real handlers refuse (connexion validates types,
# not formats).
FORMAT_CHECKS = {"date": parses(date.fromisoformat),
                 "date-time": parses(lambda text: datetime.fromisoformat(text.replace("Z", "+00:00")))}


def format_errors(document: dict, schema: dict, value, at: str, errors: dict):
    """Strings of `value` whose schema names a checked format they do not have, keyed by their dotted path."""
    schema = resolve(document, schema)
    if isinstance(value, str) and schema.get("format") in FORMAT_CHECKS and not FORMAT_CHECKS[schema["format"]](value):
        errors.setdefault(at, []).append(f"{value!r} is not a '{schema['format']}'")
    for part in schema.get("allOf", []):
        format_errors(document, part, value, at, errors)
    alternatives = schema.get("anyOf", []) + schema.get("oneOf", [])
    if isinstance(value, str) and alternatives and not any(string_fits(document, option, value) for option in alternatives):
        errors.setdefault(at, []).append(f"{value!r} matches none of the alternatives")
    if isinstance(value, dict):
        for name, property_schema in schema.get("properties", {}).items():
            if name in value:
                format_errors(document, property_schema, value[name], f"{at}.{name}" if at else name, errors)
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            format_errors(document, schema["items"], item, f"{at}.{index}", errors)


def string_fits(document: dict, schema: dict, value: str) -> bool:
    """Whether a string can be valid against one alternative (its pattern and checked format); an alternative
    of another type is given the benefit of the doubt (query values arrive as strings)."""
    schema = resolve(document, schema)
    if schema.get("type") not in (None, "string"):
        return True
    if schema.get("pattern") and not re.search(schema["pattern"], value):
        return False
    return schema.get("format") not in FORMAT_CHECKS or FORMAT_CHECKS[schema["format"]](value)


def refused_formats(document: dict, operation: dict, query: dict, body) -> ApiError | None:
    """400 for a query parameter, 422 for a body field, as the real server answers them."""
    errors = {}
    for parameter in (resolve(document, item) for item in operation.get("parameters", [])):
        if parameter["in"] == "query" and parameter["name"] in query:
            format_errors(document, parameter.get("schema", {}), query[parameter["name"]], parameter["name"], errors)
    if errors:
        return InvalidRequest(errors)
    content = resolve(document, operation.get("requestBody", {})).get("content", {}).get("application/json")
    if content and body is not None:
        format_errors(document, content.get("schema", {}), body, "", errors)
    return Unprocessable(errors) if errors else None


class MockResolver(Resolver):
    """Every operation answers from its document."""

    def __init__(self, document: dict):
        super().__init__()
        self.document = document

    def resolve(self, operation):
        raw = operation._operation  # the operation object of the document, as written

        def endpoint(body=None, **_parameters):
            refused = refused_formats(self.document, raw, request.query_params, body)
            if refused is not None:
                return ConnexionResponse(status_code=refused.status, body=json.dumps(refused.body()),
                                         content_type="application/json")
            return mock_answer(self.document, raw)
        endpoint.__name__ = f"mock_{operation.operation_id}"
        return Resolution(endpoint, operation.operation_id)


# The forms the real credentials have (domain/storefront_keys.py, domain/customers.py, domain/access.py,
# domain/sales/cart.py): the mock checks the form, the real server checks that the credential is live.
STOREFRONT_KEY = re.compile(r"pk_storefront_[A-Za-z0-9_-]{32}")
ACCOUNT_TOKEN = re.compile(r"[0-9]+\|[^|\s]+")
GUEST_CART_TOKEN = re.compile(r"[A-Za-z0-9_-]{43}")


async def storefront_key_of_its_form(api_key: str, required_scopes=None) -> dict:
    if not STOREFRONT_KEY.fullmatch(api_key or ""):
        raise InvalidStorefrontKey()
    return MOCK_CLAIMS


async def account_token_of_its_form(token: str, required_scopes=None, request=None) -> dict | None:
    return MOCK_CLAIMS if ACCOUNT_TOKEN.fullmatch(token or "") else None


async def cart_token_of_its_form(token: str, required_scopes=None, request=None) -> dict | None:
    return MOCK_CLAIMS if ACCOUNT_TOKEN.fullmatch(token or "") or GUEST_CART_TOKEN.fullmatch(token or "") else None


FORM_CHECKS = {"server.security.check_storefront_key": "storefront_key_of_its_form",
               "server.security.check_customer_token": "account_token_of_its_form",
               "server.security.check_admin_token": "account_token_of_its_form",
               "server.security.check_cart_token": "cart_token_of_its_form"}


def mock_document(surface: str) -> dict:
    """The surface's document with its credential checks replaced by checks of the credentials' form."""
    document = load_document(surface)
    for scheme in document.get("components", {}).get("securitySchemes", {}).values():
        for key in ("x-apikeyInfoFunc", "x-bearerInfoFunc"):
            if key in scheme:
                scheme[key] = f"{__name__}.{FORM_CHECKS[scheme[key]]}"
    return document


# -- GraphQL ---------------------------------------------------------------------------------------------

SCALARS = {"String": "string", "ID": "1", "Int": 1, "Float": 1.5, "Boolean": True}


def graphql_value(field_type):
    if isinstance(field_type, GraphQLNonNull):
        return graphql_value(field_type.of_type)
    if isinstance(field_type, GraphQLList):
        return [graphql_value(field_type.of_type)]
    if isinstance(field_type, GraphQLEnumType):
        return next(iter(field_type.values.values())).value
    if isinstance(field_type, GraphQLScalarType):
        return SCALARS.get(field_type.name, "string")
    return {}  # an object, interface or union: its fields resolve themselves


def mock_field(_source, info, **_arguments):
    return graphql_value(info.return_type)


def mock_graphql_schema(surface: str):
    schema = build_schema((ROOT / SCHEMA_FILES[surface]).read_text(encoding="utf-8"))
    for named in schema.type_map.values():
        if isinstance(named, GraphQLObjectType) and not named.name.startswith("__"):
            for field in named.fields.values():
                field.resolve = mock_field
    for named in schema.type_map.values():
        if getattr(named, "resolve_type", None) is None and hasattr(named, "resolve_type"):
            named.resolve_type = first_possible_type(schema)
    return schema


def first_possible_type(schema):
    def resolve_type(_value, _info, abstract_type):
        return schema.get_possible_types(get_named_type(abstract_type))[0].name
    return resolve_type


class MockGraphQLHandler(GuardedHTTPHandler):
    """The real endpoint's limits, and its credential headers checked for their form."""

    def __init__(self, settings: Settings, surface: str, **kwargs):
        super().__init__(GraphQLLimits.from_settings(settings), **kwargs)
        self.surface = surface

    async def handle_request_override(self, request):
        if request.method != "POST":
            return None
        bearer = bearer_token(request.headers.get("Authorization"))
        refused = None
        if self.surface == "admin":
            refused = None if ACCOUNT_TOKEN.fullmatch(bearer or "") else UNAUTHENTICATED
        elif not request.headers.get("X-STOREFRONT-KEY"):
            refused = MISSING_KEY
        elif not STOREFRONT_KEY.fullmatch(request.headers["X-STOREFRONT-KEY"]):
            refused = INVALID_KEY
        elif bearer and not (ACCOUNT_TOKEN.fullmatch(bearer) or GUEST_CART_TOKEN.fullmatch(bearer)):
            refused = UNAUTHENTICATED
        return JSONResponse(refused.body(), status_code=refused.status) if refused else None


def mock_graphql_app(surface: str, settings: Settings) -> GraphQL:
    handler = MockGraphQLHandler(settings, surface)
    return GraphQL(mock_graphql_schema(surface), http_handler=handler, query_parser=handler.guard.parse,
                   query_validator=handler.guard.validate)


# -- the app ---------------------------------------------------------------------------------------------

def create_mock_app(settings: Settings | None = None) -> AsyncApp:
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(_app):
        yield

    app = AsyncApp(__name__, specification_dir=str(OPENAPI_DIR), lifespan=lifespan, validator_map=validator_map())
    for surface, base_path in SURFACES:
        document = mock_document(surface)
        add_spec_routes(app, surface, base_path, load_document(surface))
        add_generated_api(app, document, resolver=MockResolver(document), validate_responses=False,
                          swagger_ui_options=SwaggerUIOptions(serve_spec=False, swagger_ui=True))
    add_sdl_routes(app)
    for surface, path in GRAPHQL_PATHS.items():
        app.add_url_rule(path, f"mock_{surface}_graphql", mock_graphql_app(surface, settings),
                         methods=["GET", "POST", "OPTIONS"])
    app.add_middleware(BodyLimitMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(RequestIdMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(CORSMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, allow_origins=["*"],
                       allow_methods=["*"], allow_headers=["*"], expose_headers=["X-Request-Id"])
    errors.install(app)
    return app
