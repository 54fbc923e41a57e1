"""GraphQL adapter: the generated SDL and bindings, executed by ariadne.

Every root field calls the same handler as its REST twin (`@operation`) or a
GraphQL-only handler (`@handler`). Connections are built here from the
handler's `Page`; `id` becomes the IRI and `_id` the integer key. Request limits,
query cost and the cache of parsed and validated documents live in
server/graphql_limits.py; each request runs in one worker thread with one pooled
database connection.
"""
import base64
import dataclasses
import importlib
import inspect
import logging
import binascii
import re
from pathlib import Path

from ariadne import ObjectType, make_executable_schema
from ariadne.asgi import GraphQL
from ariadne.graphql import graphql_sync
from graphql import (
    FieldNode, FragmentSpreadNode, GraphQLError, GraphQLObjectType, InlineFragmentNode, get_named_type,
)
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse

from generated.graphql_bindings import IRI_TEMPLATES, ROOT_FIELDS, SCHEMA_FILES
from handlers.common import Page, Window, build_context, snake_case
from handlers.errors import ApiError, InvalidRequest, NotImplementedOperation, TooManyRequests
from server.config import Settings
from server.errors import INVALID_KEY, MISSING_KEY, UNAUTHENTICATED
from server.graphql_limits import MAX_CURSOR_OFFSET, GraphQLLimits, GuardedHTTPHandler
from server.rest import Forbidden, has_permission, load_handler
from server.security import admin_claims, bearer_token, customer_claims, guest_cart_claims, lookup_key
from storage.db import database

ROOT = Path(__file__).resolve().parent.parent
PAGING_ARGS = ("first", "after", "last", "before")
MAX_PAGE_SIZE = 100


def encode_cursor(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode()


def decode_cursor(cursor: str, name: str) -> int:
    try:
        offset = int(base64.b64decode(cursor.encode(), validate=True).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        offset = None
    if offset is None or not 0 <= offset <= MAX_CURSOR_OFFSET:  # an offset no page can start at
        raise InvalidRequest({name: ["Invalid cursor."]})
    return offset


def window_from_args(args: dict, default_size: int) -> Window:
    """Relay arguments -> offset/limit. `after`/`before` are exclusive offsets."""
    first, last = args.get("first"), args.get("last")
    for name in ("first", "last"):
        if args.get(name) is not None and not 0 <= args[name] <= MAX_PAGE_SIZE:
            raise InvalidRequest({name: [f"Must be between 0 and {MAX_PAGE_SIZE}."]})
    start = decode_cursor(args["after"], "after") + 1 if args.get("after") else 0
    if last is not None or args.get("before"):
        end = decode_cursor(args["before"], "before") if args.get("before") else None
        size = last if last is not None else default_size
        if end is None:
            return Window(start, size)  # resolved against the total in connection()
        begin = max(start, end - size)
        return Window(begin, max(0, end - begin))
    return Window(start, first if first is not None else default_size)


def connection(page: Page, window: Window) -> dict:
    edges = [{"cursor": encode_cursor(window.offset + index), "node": node} for index, node in enumerate(page.items)]
    return {
        "edges": edges,
        "pageInfo": {
            "hasNextPage": window.offset + len(page.items) < page.total,
            "hasPreviousPage": window.offset > 0,
            "startCursor": edges[0]["cursor"] if edges else None,
            "endCursor": edges[-1]["cursor"] if edges else None,
        },
        "totalCount": page.total,
    }


def integer_id(value, name: str = "id") -> int:
    """Accept the IRI ("/api/shop/locales/1") or the bare integer as a string."""
    match = re.fullmatch(r"(?:/api/[\w/-]+/)?(\d+)", str(value))
    if not match or int(match.group(1)) > 2**31 - 1:
        raise InvalidRequest({name: ["Must be an IRI such as /api/shop/products/1 or an integer id."]})
    return int(match.group(1))


def selected_fields(info, connection: bool) -> frozenset:
    """Names selected on the returned object (on `edges.node` for connections), fragments included."""
    def names(selection_set):
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                yield selection.name.value, selection.selection_set
            elif isinstance(selection, InlineFragmentNode):
                yield from names(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                yield from names(info.fragments[selection.name.value].selection_set)

    def node_level(level: dict, steps) -> dict:
        for step in steps:
            level = dict(names(level[step])) if level.get(step) else {}
        return level

    top = node_level({name: sub for node in info.field_nodes for name, sub in names(node.selection_set)},
                     ("edges", "node") if connection else ())
    nested = {f"{name}.{child}" for name, sub in top.items() if sub
              for child in node_level(dict(names(sub)), ("edges", "node"))}
    return frozenset(top) | nested


def make_root_resolver(binding: dict):
    handler = load_handler(binding["handler"])
    label = f"{binding['type']}.{binding['field']}"
    wants_fields = handler is not None and "fields" in inspect.signature(handler).parameters

    needs_customer = "customerToken" in (binding.get("auth") or ())
    permission = binding.get("permission")

    def resolve(_, info, **args):
        if handler is None:
            raise NotImplementedOperation(label)
        context = info.context["context"]
        if needs_customer and context.customer_id is None:
            raise UNAUTHENTICATED
        if permission and not has_permission(context.admin, permission):
            raise Forbidden()
        refuse_nul_characters(args)
        parameters = {}
        for name, value in args.items():
            if name in PAGING_ARGS:
                continue
            # On a collection, `id` is a filter ("1" or "1,2"), not the IRI of one item.
            is_key = value is not None and ((name == "id" and not binding["connection"]) or name.endswith("Id"))
            parameters[snake_case(name)] = integer_id(value, name) if is_key else value
        if "locale" in parameters or "channel" in parameters:
            context = scoped_context(context, info.context["headers"], parameters.pop("locale", None),
                                     parameters.pop("channel", None))
        if wants_fields:
            parameters["fields"] = selected_fields(info, binding["connection"])
        if binding["connection"]:
            window = window_from_args(args, default_size=10)
            page = handler(context, window=window, **parameters)
            if args.get("last") is not None and not args.get("before"):
                window = Window(max(0, page.total - window.limit), window.limit)
                page = handler(context, window=window, **parameters)
            return connection(page, window)
        return handler(context, **parameters)

    return resolve


def refuse_nul_characters(args: dict):
    """A NUL character cannot be stored or compared by PostgreSQL: any string argument holding one
    is a client error (400 naming the argument), never a server error."""
    def holds_nul(value) -> bool:
        if isinstance(value, str):
            return "\x00" in value
        if isinstance(value, dict):
            return any(holds_nul(item) for item in value.values())
        if isinstance(value, (list, tuple)):
            return any(holds_nul(item) for item in value)
        return False

    errors = {name: ["Must not contain NUL characters."] for name, value in args.items() if holds_nul(value)}
    if errors:
        raise InvalidRequest(errors)


def scoped_context(context, headers: dict, locale: str | None, channel: str | None):
    """`locale` / `channel` arguments scope the request, as the REST query parameters of the same
    names do (admin lists): unknown or unassigned values fall back to the channel default."""
    scoped = build_context(headers, context.media_url, locale=locale, channel=channel)
    return dataclasses.replace(context, **{name: getattr(scoped, name) for name in (
        "channel_id", "channel_code", "root_category_id", "locale", "fallback_locale", "currency")})


def nested_connection_resolver(field_name: str):
    """Page a plain list the handler put under `field_name` into a connection."""
    def resolve(obj, _info, **args):
        items = obj.get(field_name) or []
        if isinstance(items, dict):  # already a connection
            return items
        window = window_from_args(args, default_size=len(items) or 1)
        if args.get("last") is not None and not args.get("before"):
            window = Window(max(0, len(items) - window.limit), window.limit)
        return connection(Page(items[window.offset:window.offset + window.limit], len(items)), window)
    return resolve


def object_types(schema_sdl: str, surface: str) -> list[ObjectType]:
    """Root resolvers from the bindings, id/_id resolvers on every type that has both,
    and list-to-connection resolvers on nested connection fields."""
    roots = {}
    for binding in ROOT_FIELDS[surface]:
        root = roots.setdefault(binding["type"], ObjectType(binding["type"]))
        root.set_field(binding["field"], make_root_resolver(binding))
    types = list(roots.values())
    custom_resolvers = handler_module_resolvers(surface)
    schema = make_executable_schema(schema_sdl)
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
    GraphQL shape differs from the REST document (e.g. an option object vs its id)."""
    merged: dict[str, dict] = {}
    for module_name in sorted({binding["handler"].partition(":")[0] for binding in ROOT_FIELDS[surface]}):
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        for type_name, resolvers in getattr(module, "graphql_resolvers", {}).items():
            merged.setdefault(type_name, {}).update(resolvers)
    return merged


def bind_iri(bindable: ObjectType, template: str | None):
    """`id` is the IRI built from the integer key; `_id` is the integer key."""
    def resolve_key(obj, _info):
        return obj.get("_id", obj.get("id"))

    def resolve_iri(obj, _info):
        key = obj.get("id")
        if template and isinstance(key, int):
            return template.replace("{id}", str(key))
        return key

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
    elif original is not None:
        formatted["message"] = "Internal server error"
        formatted["extensions"] = {"code": "INTERNAL_SERVER_ERROR"}
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
        try:
            request.state.claims = await run_in_threadpool(self.authenticate, request)
        except ApiError as error:
            return JSONResponse(error.body(), status_code=error.status)
        return None

    def authenticate(self, request) -> dict:
        bearer = bearer_token(request.headers.get("Authorization"))
        client_ip = request.client.host if request.client else None
        if self.surface == "admin":
            admin = admin_claims(bearer, client_ip) if bearer else None
            if admin is None:
                raise UNAUTHENTICATED
            return {"admin": admin}
        raw_key = request.headers.get("X-STOREFRONT-KEY")
        if not raw_key:
            raise MISSING_KEY
        if lookup_key(raw_key) is None:
            raise INVALID_KEY
        customer = customer_claims(bearer) if bearer else None
        guest_cart = guest_cart_claims(bearer) if bearer and customer is None else None
        if bearer and customer is None and guest_cart is None:
            raise UNAUTHENTICATED
        return {"customer": customer, "guest_cart": guest_cart}

    async def execute_graphql_query(self, request, data, *, context_value=None, query_document=None):
        headers = dict(request.headers)
        claims = getattr(request.state, "claims", {})
        return await run_in_threadpool(self.execute_in_thread, headers, claims, data, query_document)

    def execute_in_thread(self, headers: dict, claims: dict, data, query_document=None):
        with database.connection_context():
            context = build_context(headers, self.settings.media_url)
            customer = claims.get("customer") or {}
            context.customer_id, context.customer_token_id = customer.get("customer_id"), customer.get("token_id")
            context.admin = claims.get("admin")
            guest_cart = claims.get("guest_cart") or {}
            context.cart_id, context.cart_token = guest_cart.get("cart_id"), guest_cart.get("cart_token")
            return graphql_sync(
                self.schema, data, context_value={"context": context, "headers": headers},
                query_parser=self.query_parser, query_validator=self.query_validator, debug=False,
                query_document=query_document, middleware=self.guard.execution_middleware(),
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
    schema = make_executable_schema(sdl, *object_types(sdl, surface))
    handler = ThreadedHTTPHandler(settings, surface)
    return GraphQL(
        schema,
        http_handler=handler,
        query_parser=handler.guard.parse,
        query_validator=handler.guard.validate,
        error_formatter=format_error,
        logger="specshop.graphql",
    )
