"""GraphQL adapter: the generated SDL and bindings, executed by ariadne.

Every root field calls the same handler as its REST twin (`@operation`) or a
GraphQL-only handler (`@handler`). Connections are built here from the
handler's `Page`; `id` becomes the IRI and `_id` the integer key. Parsed and
validated documents are cached per query string, and each request runs in one
worker thread with one pooled database connection.
"""
import importlib
import logging
from pathlib import Path

from ariadne import ObjectType
from ariadne.asgi import GraphQL
from ariadne.graphql import graphql_sync
from graphql import GraphQLError, GraphQLObjectType, GraphQLSchema, get_named_type
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from domain import replay, settings_cache
from domain.errors import ApiError, TooManyRequests
from generated.graphql_bindings import IRI_TEMPLATES, ROOT_FIELDS, SCHEMA_FILES
from server import answer_cache
from server.config import Settings
from server.context import build_context
from server.errors import INVALID_KEY, MISSING_KEY, UNAUTHENTICATED
from server.graphql_bridge import make_root_resolver, nested_connection_resolver
from server.graphql_executor import PlainFieldsExecutor
from server.graphql_limits import JSON, GraphQLLimits, GuardedHTTPHandler, OwnResolversOnly
from server.graphql_schema import build_executable_schema
from server.handler_table import load_handler
from domain.ids import iri
from server.security import (
    admin_claims, bearer_token, customer_claims, guest_cart_claims, looked_up_key, lookup_key, note_rejected,
)
from storage.db import database

ROOT = Path(__file__).resolve().parent.parent


class GraphQLRequest:
    """What the resolvers of one GraphQL request share: its headers and the caller's claims. The
    context is built once per scope (a root field may name its own `locale` / `channel`)."""

    def __init__(self, headers: dict, claims: list[dict], media_url: str, client_ip: str | None = None,
                 public_url: str = "", request_id: str | None = None):
        self.headers, self.claims, self.media_url = headers, claims, media_url
        self.client_ip, self.public_url, self.request_id = client_ip, public_url, request_id
        self.contexts: dict[tuple, object] = {}

    def context(self, locale: str | None = None, channel: str | None = None):
        key = (locale, channel)
        if key not in self.contexts:
            self.contexts[key] = build_context(self.headers, self.media_url, self.claims, locale, channel,
                                               self.client_ip, self.public_url, self.request_id)
        return self.contexts[key]


def object_types(schema: GraphQLSchema, surface: str) -> list[ObjectType]:
    """Root resolvers from the bindings, id/_id resolvers on every type of `schema` (built, not yet
    bound) that has both, and list-to-connection resolvers on nested connection fields."""
    roots = {}
    for binding in ROOT_FIELDS[surface]:
        root = roots.setdefault(binding["type"], ObjectType(binding["type"]))
        handler = load_handler(binding["handler"], planned=binding.get("planned", False))
        root.set_field(binding["field"], make_root_resolver({**binding, "surface": surface}, handler))
    types = list(roots.values())
    custom_resolvers = handler_module_resolvers(surface)
    for name, graphql_type in schema.type_map.items():
        if not isinstance(graphql_type, GraphQLObjectType) or name.startswith("__") or name in roots:
            continue
        bindable = ObjectType(name)
        if {"id", "_id"} <= set(graphql_type.fields):
            bind_iri(bindable, IRI_TEMPLATES.get(name))
        for field_name, field in graphql_type.fields.items():
            if get_named_type(field.type).name.endswith("Connection") and not name.endswith(("Connection", "Edge")):
                bindable.set_field(field_name, nested_connection_resolver(field_name))
        for field_name, resolver in custom_resolvers.get(name, {}).items():
            bindable.set_field(field_name, resolver)
        if bindable._resolvers:
            types.append(bindable)
    return types


def handler_module_resolvers(surface: str) -> dict[str, dict]:
    """Type field resolvers that handler modules export as `graphql_resolvers`, for fields whose
    GraphQL shape differs from the REST document (e.g. an option object vs its id). A string names
    the document's key the field is another name for (`{"AdminInvoice": {"status": "state"}}`)."""
    merged: dict[str, dict] = {}
    for module_name in sorted({binding["handler"].partition(":")[0] for binding in ROOT_FIELDS[surface]}):
        module = importlib.import_module(module_name)
        for type_name, resolvers in getattr(module, "graphql_resolvers", {}).items():
            merged.setdefault(type_name, {}).update(
                {name: alias_of(resolver) if isinstance(resolver, str) else resolver
                 for name, resolver in resolvers.items()})
    return merged


def alias_of(key: str):
    def resolve(document: dict, _info):
        return document.get(key)
    return resolve


def bind_iri(bindable: ObjectType, template: str | None):
    """`id` is the IRI built from the integer key; `_id` is the integer key."""
    def resolve_key(obj, _info):
        return obj.get("_id", obj.get("id"))

    def resolve_iri(obj, _info):
        return iri(template, obj.get("id"))

    bindable.set_field("_id", resolve_key)
    bindable.set_field("id", resolve_iri)


def format_error(error: GraphQLError, debug: bool = False) -> dict:
    formatted = error.formatted
    original = error.original_error
    if isinstance(original, ApiError):
        extensions = {"code": original.error.upper(), "status": original.status}
        if 400 <= original.status < 500:
            extensions["classification"] = "BAD_USER_INPUT"  # the request was wrong, not the server
        if original.errors:
            extensions["errors"] = original.errors
        if isinstance(original, TooManyRequests):
            extensions["retry_after"] = original.retry_after
        formatted["message"] = original.message
        formatted["extensions"] = extensions
    elif original is not None and error.path:  # a resolver failed: the server's fault, never detailed
        formatted["message"] = "Internal server error"
        formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
    elif original is not None:  # the request itself (e.g. a variable its type cannot hold): the client's
        formatted["extensions"] = {"code": "BAD_USER_INPUT", "classification": "BAD_USER_INPUT"}
    return formatted


class ThreadedHTTPHandler(GuardedHTTPHandler):
    """Authenticates the caller for its surface, then executes the whole operation in one worker thread.

    shop: storefront key required; an optional bearer is a customer token or a guest cart token;
    admin: integration token required. The request limits, the query cost and JSON transport errors
    come from GuardedHTTPHandler (server/graphql_limits.py).
    """

    def __init__(self, settings: Settings, surface: str, **kwargs):
        super().__init__(GraphQLLimits.from_settings(settings), **kwargs)
        self.settings = settings
        self.surface = surface

    async def handle_request_override(self, request):
        if request.method != "POST":
            return None
        # a storefront key the rate-limit middleware has looked up, and no bearer: nothing left to read
        known = (self.surface == "shop" and not request.headers.get("Authorization")
                 and looked_up_key(request.scope, request.headers.get("X-STOREFRONT-KEY"))[0])
        try:
            request.state.claims = self.authenticate(request) if known else await run_in_threadpool(
                self.authenticate, request)
        except ApiError as error:
            return JSONResponse(error.body(), status_code=error.status)
        return None

    def authenticate(self, request) -> list[dict]:
        """The caller's claims: [admin] on the admin surface; on the shop, the storefront key's and, for
        a bearer, the customer's or the guest cart's."""
        bearer = bearer_token(request.headers.get("Authorization"))
        if self.surface == "admin":
            checked = request.scope.get("state", {}).get("admin_claims")
            if checked and checked[0] == bearer:  # already authenticated by the rate-limit middleware
                admin = checked[1]
            else:
                admin = admin_claims(bearer, request.client.host if request.client else None) if bearer else None
            if admin is None:
                raise UNAUTHENTICATED
            return [admin]
        raw_key = request.headers.get("X-STOREFRONT-KEY")
        if not raw_key:
            raise MISSING_KEY
        known, key = looked_up_key(request.scope, raw_key)
        key = dict(key) if known and key else (None if known else lookup_key(raw_key))
        if key is None:
            raise INVALID_KEY
        if not bearer:
            return [key]
        claims = customer_claims(bearer) or guest_cart_claims(bearer)
        if claims is None:
            note_rejected(request, "bearer token")
            raise UNAUTHENTICATED
        return [key, claims]

    async def replayed(self, request, data: dict) -> tuple[int, bytes] | None:
        # kept only under versions read before the query runs (the rate-limit middleware's key lookup)
        known = self.settings.answer_cache and settings_cache.request_versions() is not None
        key = request.state.replay_key = answer_cache.replay_key(request.scope, await request.body()) if known else None
        return answer_cache.kept(answer_cache.GRAPHQL_ANSWERS, key)

    async def execute_graphql_query(self, request, data, *, context_value=None, query_document=None):
        """The result of `data`; a query answered from data under the versions only is kept for the same
        request until they change (server/answer_cache.py), with its cost."""
        graphql_request = GraphQLRequest(dict(request.headers), getattr(request.state, "claims", []),
                                         self.settings.media_url, request.client.host if request.client else None,
                                         self.settings.public_base(request),
                                         (request.scope.get("state") or {}).get("request_id"))
        with replay.watching() as watch:
            success, result = await run_in_threadpool(self.execute_in_thread, graphql_request, data, query_document)
        key = getattr(request.state, "replay_key", None)
        if key is not None and success and set(result) == {"data"}:
            rendered = JSON.render(result["data"])
            answer_cache.keep(answer_cache.GRAPHQL_ANSWERS, key, watch, (request.state.query_cost, rendered),
                              len(rendered))
        return success, result

    def execute_in_thread(self, graphql_request: GraphQLRequest, data, query_document=None):
        with database.connection_context():
            return graphql_sync(
                self.schema, data, context_value={"request": graphql_request},
                query_parser=self.query_parser, query_validator=self.query_validator, debug=False,
                query_document=query_document, middleware=self.guard.execution_middleware(),
                middleware_manager_class=OwnResolversOnly, execution_context_class=PlainFieldsExecutor,
                introspection=self.introspection, logger=self.logger, error_formatter=self.error_formatter)


class ExpectedErrorFilter(logging.Filter):
    """Keep client errors (bad ids, unknown fields, 404s) out of the error log; log real failures."""

    def filter(self, record):
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, GraphQLError):
            return error.original_error is not None and not isinstance(error.original_error, ApiError)
        return True


logging.getLogger("specshop.graphql").addFilter(ExpectedErrorFilter())


def create_graphql_app(surface: str, settings: Settings) -> GraphQL:
    sdl = (ROOT / SCHEMA_FILES[surface]).read_text(encoding="utf-8")
    schema = build_executable_schema(sdl, lambda built: object_types(built, surface))
    handler = ThreadedHTTPHandler(settings, surface)
    return GraphQL(
        schema,
        http_handler=handler,
        query_parser=handler.guard.parse,
        query_validator=handler.guard.validate,
        error_formatter=format_error,
        logger="specshop.graphql",
    )
