"""GraphQL request limits: what one request may ask of a worker, checked before anything executes.

* document size (bytes of the query text) and lexical tokens (the parser's `max_tokens`), so a huge
  document is refused before it is parsed or kept;
* aliases and depth, counted on the parsed document with fragments followed, before validation;
* query cost, computed from the validated document and the request's variables: every field costs 1,
  a list or connection multiplies the cost of its selection by the page it asks for (`first`/`last`,
  a `perPage`/`limit`-style argument, or the default list size when absent), and every item a root
  field returns costs `root_item_cost` more;
* an execution time budget: a resolver middleware refuses every field resolved after the deadline;
* the rate limit charges a query ceil(cost / cost per request) requests, and the response reports the
  cost in `extensions.cost`.

Refusals are GraphQL errors (HTTP 200) with `extensions: {code, limit, actual}`; the codes are
`LIMIT_CODES`. Parsed documents are cached by the SHA-256 of the query text, bounded in entries and in
bytes of query text; a document that does not parse, validate or pass the size checks is never kept.
Transport errors (a body that is not a GraphQL request) are JSON `{"message", "error"}` like the REST
errors. docs/security.md ("GraphQL limits") documents all of it.
"""
from __future__ import annotations

import hashlib
import math
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from http import HTTPStatus

from ariadne.asgi.handlers import GraphQLHTTPHandler
from ariadne.constants import DATA_TYPE_JSON, DATA_TYPE_MULTIPART
from ariadne.exceptions import HttpError
from ariadne.graphql import validate_data, validate_query
from graphql import (
    DocumentNode, FieldNode, FragmentDefinitionNode, FragmentSpreadNode, GraphQLError, GraphQLSchema,
    InlineFragmentNode, IntValueNode, OperationDefinitionNode, Source, TokenKind, VariableNode, get_named_type,
    get_nullable_type, get_operation_ast, is_list_type, parse, validate,
)
from graphql.execution import MiddlewareManager, default_field_resolver
from graphql.language import Lexer
from graphql.type.introspection import SchemaMetaFieldDef, TypeMetaFieldDef, TypeNameMetaFieldDef
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.responses import JSONResponse, Response

from domain.errors import ApiError

MAX_CURSOR_OFFSET = 2**31 - 1
TOKEN_LIMIT_MESSAGE = re.compile(r"Document contains more than \d+ tokens")
PAGE_ARGUMENTS = ("first", "last")  # Relay page sizes; the server refuses more than max_page_size
SIZE_ARGUMENTS = (*PAGE_ARGUMENTS, "perPage", "per_page", "limit", "pageSize")

DOCUMENT_TOO_LARGE = "DOCUMENT_TOO_LARGE"
TOO_MANY_TOKENS = "TOO_MANY_TOKENS"
TOO_MANY_ALIASES = "TOO_MANY_ALIASES"
QUERY_TOO_DEEP = "QUERY_TOO_DEEP"
QUERY_TOO_COMPLEX = "QUERY_TOO_COMPLEX"
TIMEOUT = "TIMEOUT"
LIMIT_CODES = frozenset({DOCUMENT_TOO_LARGE, TOO_MANY_TOKENS, TOO_MANY_ALIASES, QUERY_TOO_DEEP, QUERY_TOO_COMPLEX,
                         TIMEOUT})


@dataclass(frozen=True)
class GraphQLLimits:
    """Defaults as in server.config.Settings (GRAPHQL_* environment variables)."""
    max_document_bytes: int = 32768
    max_tokens: int = 5000
    max_aliases: int = 30
    max_depth: int = 15
    max_cost: int = 50000
    default_list_size: int = 10
    root_item_cost: int = 50
    max_page_size: int = 100
    timeout_seconds: float = 10.0
    cost_per_request: int = 1000
    cache_max_bytes: int = 262144
    cache_max_entries: int = 512

    @classmethod
    def from_settings(cls, settings) -> GraphQLLimits:
        return cls(**{name: getattr(settings, f"graphql_{name}") for name in cls.__dataclass_fields__
                      if hasattr(settings, f"graphql_{name}")})

    def requests_charged(self, cost: int) -> int:
        """Rate-limit units a query of this cost uses: at least one, one more per started cost_per_request."""
        return max(1, math.ceil(cost / max(1, self.cost_per_request)))


def limit_error(code: str, message: str, limit, actual) -> GraphQLError:
    """A refusal before execution: a client error, so it carries `classification: BAD_USER_INPUT`."""
    return GraphQLError(message, extensions={"code": code, "limit": limit, "actual": actual,
                                             "classification": "BAD_USER_INPUT"})


class QueryTimeout(ApiError):
    """Raised for every field resolved after the execution deadline; the response keeps one of them."""

    def __init__(self, seconds: float):
        super().__init__(503, f"The query did not finish within {seconds:g} seconds.", "timeout")
        self.seconds = seconds


class Deadline:
    """graphql-core resolver middleware: resolving a field after the deadline raises QueryTimeout."""

    def __init__(self, seconds: float):
        self.seconds = seconds
        self.started = time.monotonic()
        self.at = self.started + seconds

    def resolve(self, next_, root, info, **args):
        if time.monotonic() > self.at:
            raise QueryTimeout(self.seconds)
        return next_(root, info, **args)


class OwnResolversOnly(MiddlewareManager):
    """The execution's middleware manager: fields with a resolver of their own go through the
    middleware (the deadline); fields graphql-core resolves by default (a key of the parent's
    document) do not, as they do no work a deadline has to stop, and a detail document has a hundred
    of them."""

    def get_field_resolver(self, field_resolver):
        if field_resolver is default_field_resolver:
            return field_resolver
        return super().get_field_resolver(field_resolver)


# -- the document cache ------------------------------------------------------------------------------

@dataclass
class CachedDocument:
    document: DocumentNode
    size: int  # bytes of query text
    depth: int
    aliases: int


class DocumentCache:
    """Parsed and validated documents, least recently used first out, keyed by the SHA-256 of the
    query text and bounded by `max_entries` and by `max_bytes` of query text. Only documents that
    parsed, validated and passed the size checks are put here."""

    def __init__(self, max_bytes: int, max_entries: int):
        self.max_bytes = max_bytes
        self.max_entries = max_entries
        self.entries: OrderedDict[bytes, CachedDocument] = OrderedDict()
        self.bytes = 0
        self.lock = threading.Lock()
        self.validated: dict[int, DocumentNode] = {}  # id -> document, for the cached ones

    @staticmethod
    def key(query: str) -> bytes:
        return hashlib.sha256(query.encode("utf-8", "surrogatepass")).digest()

    def get(self, key: bytes) -> CachedDocument | None:
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key: bytes, entry: CachedDocument):
        if entry.size > self.max_bytes or self.max_entries <= 0:
            return
        with self.lock:
            previous = self.entries.pop(key, None)
            if previous is not None:
                self.forget(previous)
            self.entries[key] = entry
            self.bytes += entry.size
            self.validated[id(entry.document)] = entry.document
            while self.bytes > self.max_bytes or len(self.entries) > self.max_entries:
                _, evicted = self.entries.popitem(last=False)
                self.forget(evicted)

    def forget(self, entry: CachedDocument):
        self.bytes -= entry.size
        self.validated.pop(id(entry.document), None)

    def is_validated(self, document: DocumentNode) -> bool:
        return self.validated.get(id(document)) is document

    def __len__(self) -> int:
        return len(self.entries)


# -- measuring a document -----------------------------------------------------------------------------

def count_tokens(query: str) -> int:
    """Lexical tokens of the query, comments included (what the parser's `max_tokens` counts)."""
    lexer = Lexer(Source(query))
    start = lexer.token
    try:
        while lexer.advance().kind is not TokenKind.EOF:
            pass
    except GraphQLError:
        pass
    count, token = 0, start.next
    while token is not None and token.kind is not TokenKind.EOF:
        count, token = count + 1, token.next
    return count


def fragment_order(document: DocumentNode) -> list[FragmentDefinitionNode]:
    """Fragment definitions, each after the fragments it spreads. Unknown spreads and cycles (which
    validation refuses) are skipped, and long chains of fragments need no recursion."""
    fragments = {definition.name.value: definition for definition in document.definitions
                 if isinstance(definition, FragmentDefinitionNode)}
    spreads = {name: [spread for spread in spread_names(definition.selection_set) if spread in fragments]
               for name, definition in fragments.items()}
    order, state = [], {}
    for name in fragments:
        if name in state:
            continue
        state[name] = "visiting"
        stack = [(name, iter(spreads[name]))]
        while stack:
            current, pending = stack[-1]
            following = next(pending, None)
            if following is None:
                stack.pop()
                state[current] = "done"
                order.append(fragments[current])
            elif following not in state:
                state[following] = "visiting"
                stack.append((following, iter(spreads[following])))
    return order


def spread_names(selection_set) -> list[str]:
    names, pending = [], [selection_set]
    while pending:
        current = pending.pop()
        for selection in current.selections if current else ():
            if isinstance(selection, FragmentSpreadNode):
                names.append(selection.name.value)
            elif selection.selection_set:
                pending.append(selection.selection_set)
    return names


def document_shape(document: DocumentNode) -> tuple[int, int]:
    """(depth, aliases) of the deepest / most aliased operation, fragments followed (a fragment spread
    three times counts its aliases three times). Root fields are depth 1."""
    shapes: dict[str, tuple[int, int]] = {}

    def measure(selection_set) -> tuple[int, int]:
        depth = aliases = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                inner_depth, inner_aliases = measure(selection.selection_set)
                depth = max(depth, 1 + inner_depth)
                aliases += inner_aliases + (1 if selection.alias else 0)
            else:
                inner_depth, inner_aliases = (shapes.get(selection.name.value, (0, 0))
                                              if isinstance(selection, FragmentSpreadNode)
                                              else measure(selection.selection_set))
                depth, aliases = max(depth, inner_depth), aliases + inner_aliases
        return depth, aliases

    for fragment in fragment_order(document):
        shapes[fragment.name.value] = measure(fragment.selection_set)
    operations = [measure(definition.selection_set) for definition in document.definitions
                  if isinstance(definition, OperationDefinitionNode)]
    return max((depth for depth, _ in operations), default=0), max((aliases for _, aliases in operations), default=0)


class CostCounter:
    """The cost of one operation: 1 per field, times the page size of every list or connection around
    it; every item a root field returns costs `root_item_cost` more (the handler reads it from the
    database, whatever is selected of it). Introspection types (`__Type`, ...) multiply nothing: the
    schema bounds them, and validation limits how deep introspection lists nest."""

    def __init__(self, schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
                 variables: dict | None, limits: GraphQLLimits):
        self.schema = schema
        self.limits = limits
        self.root_types = {root for root in (schema.query_type, schema.mutation_type) if root is not None}
        self.variables = dict(variables or {})
        for definition in operation.variable_definitions or ():
            name = definition.variable.name.value
            if name not in self.variables and isinstance(definition.default_value, IntValueNode):
                self.variables[name] = int(definition.default_value.value)
        self.fragment_costs: dict[str, int] = {}
        for fragment in fragment_order(document):
            fragment_type = schema.get_type(fragment.type_condition.name.value)
            self.fragment_costs[fragment.name.value] = self.selection_cost(fragment.selection_set, fragment_type)
        root_type = schema.get_root_type(operation.operation)
        self.cost = self.selection_cost(operation.selection_set, root_type)

    def selection_cost(self, selection_set, parent_type) -> int:
        total = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                total += self.field_cost(selection, parent_type)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                total += self.selection_cost(selection.selection_set,
                                             self.schema.get_type(condition.name.value) if condition else parent_type)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment_costs.get(selection.name.value, 0)
        return total

    def field_cost(self, node: FieldNode, parent_type) -> int:
        # A root field is a handler call: every item it returns is a document read from the database.
        is_handler = parent_type in self.root_types and not node.name.value.startswith("__")
        weight = self.limits.root_item_cost if is_handler else 0
        if not node.selection_set:
            return 1 + weight
        definition = field_definition(parent_type, node.name.value)
        child_type = get_named_type(definition.type) if definition else None
        return 1 + self.multiplier(node, definition, parent_type) * (
            weight + self.selection_cost(node.selection_set, child_type))

    def multiplier(self, node: FieldNode, definition, parent_type) -> int:
        if parent_type is not None and parent_type.name.startswith("__"):
            return 1
        sizes = {}
        for argument in node.arguments or ():
            name = argument.name.value
            if name in SIZE_ARGUMENTS:
                value = self.argument_value(argument.value)
                if value is not None:
                    value = max(0, value)
                    sizes[name] = min(value, self.limits.max_page_size) if name in PAGE_ARGUMENTS else value
        if sizes:
            return max(sizes.values())
        if definition is None:  # a field the schema lacks (only tools measure unvalidated documents)
            selects_edges = any(isinstance(child, FieldNode) and child.name.value == "edges"
                                for child in node.selection_set.selections)
            return self.limits.default_list_size if selects_edges else 1
        named = get_named_type(definition.type)
        if is_connection(named):
            return self.limits.default_list_size
        if is_list_type(get_nullable_type(definition.type)) and not is_connection(parent_type):
            return self.limits.default_list_size  # a plain list; `edges` is counted by its connection
        return 1

    def argument_value(self, value) -> int | None:
        if isinstance(value, IntValueNode):
            return int(value.value)
        if isinstance(value, VariableNode):
            found = self.variables.get(value.name.value)
            if isinstance(found, float) and found.is_integer():
                found = int(found)
            return found if isinstance(found, int) and not isinstance(found, bool) else None
        return None


def field_definition(parent_type, name: str):
    if name == "__typename":
        return TypeNameMetaFieldDef
    if name == "__schema":
        return SchemaMetaFieldDef
    if name == "__type":
        return TypeMetaFieldDef
    fields = getattr(parent_type, "fields", None)
    return fields.get(name) if fields else None


def is_connection(graphql_type) -> bool:
    fields = getattr(graphql_type, "fields", None) or {}
    return graphql_type is not None and graphql_type.name.endswith("Connection") and "edges" in fields


def query_cost(schema: GraphQLSchema, document: DocumentNode, operation_name: str | None = None,
               variables: dict | None = None, limits: GraphQLLimits = GraphQLLimits()) -> int | None:
    """The cost of the operation the request executes, or None when no operation can be selected
    (execution reports that)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    return CostCounter(schema, document, operation, variables, limits).cost


# -- the request path -----------------------------------------------------------------------------------

@dataclass
class Prepared:
    """A request checked before execution: the document to execute and its cost, or the refusal."""
    document: DocumentNode | None = None
    cost: int = 0
    errors: list = field(default_factory=list)


class QueryGuard:
    """Parses, validates, measures and caches documents for one GraphQL endpoint."""

    def __init__(self, limits: GraphQLLimits):
        self.limits = limits
        self.cache = DocumentCache(limits.cache_max_bytes, limits.cache_max_entries)

    def prepare(self, schema: GraphQLSchema, data: dict, introspection: bool = True) -> Prepared:
        limits, query = self.limits, data["query"]
        size = len(query.encode("utf-8", "surrogatepass"))
        if size > limits.max_document_bytes:
            return Prepared(errors=[limit_error(
                DOCUMENT_TOO_LARGE, f"The query document is {size} bytes; the limit is {limits.max_document_bytes}.",
                limits.max_document_bytes, size)])
        key = self.cache.key(query)
        entry = self.cache.get(key)
        if entry is None:
            try:
                document = parse(query, max_tokens=limits.max_tokens)
            except GraphQLError as error:
                if TOKEN_LIMIT_MESSAGE.search(error.message):
                    tokens = count_tokens(query)
                    return Prepared(errors=[limit_error(
                        TOO_MANY_TOKENS, f"The query document has {tokens} tokens; the limit is {limits.max_tokens}.",
                        limits.max_tokens, tokens)])
                return Prepared(errors=[error])
            depth, aliases = document_shape(document)
            refusal = self.shape_errors(depth, aliases)
            if refusal:
                return Prepared(errors=refusal)
            errors = validate_query(schema, document, enable_introspection=introspection)
            if errors:
                return Prepared(errors=list(errors))
            entry = CachedDocument(document, size, depth, aliases)
            self.cache.put(key, entry)
        else:
            refusal = self.shape_errors(entry.depth, entry.aliases)  # the limits may have changed since
            if refusal:
                return Prepared(errors=refusal)
        cost = query_cost(schema, entry.document, data.get("operationName"), data.get("variables"), limits) or 0
        if cost > limits.max_cost:
            return Prepared(errors=[limit_error(
                QUERY_TOO_COMPLEX, f"The query costs {cost}; the limit is {limits.max_cost}.", limits.max_cost, cost)])
        return Prepared(document=entry.document, cost=cost)

    def shape_errors(self, depth: int, aliases: int) -> list[GraphQLError]:
        errors = []
        if aliases > self.limits.max_aliases:
            errors.append(limit_error(TOO_MANY_ALIASES, f"The query has {aliases} aliases; the limit is "
                                      f"{self.limits.max_aliases}.", self.limits.max_aliases, aliases))
        if depth > self.limits.max_depth:
            errors.append(limit_error(QUERY_TOO_DEEP, f"The query is {depth} fields deep; the limit is "
                                      f"{self.limits.max_depth}.", self.limits.max_depth, depth))
        return errors

    # ariadne hooks: a prepared document is parsed and validated already.
    def parse(self, _context, data: dict) -> DocumentNode:
        entry = self.cache.get(self.cache.key(data["query"]))
        return entry.document if entry else parse(data["query"], max_tokens=self.limits.max_tokens)

    def validate(self, schema, document, rules=None, max_errors=None, type_info=None):
        if self.cache.is_validated(document):
            return []
        return validate(schema, document, rules, max_errors=max_errors)

    def execution_middleware(self) -> list:
        return [Deadline(self.limits.timeout_seconds)]


def keep_one_timeout(result: dict, limit: float, elapsed: float) -> dict:
    """Every field resolved after the deadline failed the same way: report it once, with the limit."""
    errors = result.get("errors") or []
    timeouts = [error for error in errors if (error.get("extensions") or {}).get("code") == TIMEOUT]
    if timeouts:
        first = timeouts[0]
        first["extensions"] = {"code": TIMEOUT, "limit": limit, "actual": round(elapsed, 3)}
        result["errors"] = [error for error in errors if (error.get("extensions") or {}).get("code") != TIMEOUT]
        result["errors"].append(first)
    return result


# -- the HTTP side -------------------------------------------------------------------------------------

def media_type(request) -> str:
    return request.headers.get("Content-Type", "").split(";")[0].strip().lower()


JSON = JSONResponse(None)  # renders JSON as every answer of the endpoint does


def transport_error(status: int, message: str, error: str) -> JSONResponse:
    """A request that is not a GraphQL request at all: the REST error envelope."""
    return JSONResponse({"message": message, "error": error}, status_code=status)


def is_client_refusal(result: dict) -> bool:
    """A result without data whose errors are all the client's (syntax, validation, a 4xx of a non-null
    root field): HTTP 400. Limits, timeouts and server failures are never a 400."""
    errors = result.get("errors") or []
    for error in errors:
        extensions = error.get("extensions") or {}
        if extensions.get("code") in LIMIT_CODES or extensions.get("code") == "INTERNAL_SERVER_ERROR":
            return False
        if isinstance(extensions.get("status"), int) and extensions["status"] >= 500:
            return False
    return bool(errors)


class GuardedHTTPHandler(GraphQLHTTPHandler):
    """ariadne's HTTP handler with the limits above, cost-based rate limiting and JSON transport errors.

    Subclasses execute with `execute_graphql_query(request, data, query_document=...)` and pass
    `self.guard.execution_middleware()` as the middleware of the execution.
    """

    def __init__(self, limits: GraphQLLimits, **kwargs):
        super().__init__(**kwargs)
        self.guard = QueryGuard(limits)

    async def handle_request(self, request):
        if request.method == "GET":
            if "query" in request.query_params:
                return transport_error(400, "GraphQL operations are sent with POST; GET only serves the "
                                       "GraphiQL explorer.", "bad_request")
            wants_page = request.url.path.endswith("graphiql") or "text/html" in request.headers.get("accept", "")
            if not wants_page:
                return transport_error(400, "Send GraphQL operations with POST as application/json.", "bad_request")
        return await super().handle_request(request)

    async def extract_data_from_request(self, request):
        """JSON or a multipart upload; media types compare case-insensitively."""
        if media_type(request) == DATA_TYPE_MULTIPART:
            return await self.extract_data_from_multipart_request(request)
        return await self.extract_data_from_json_request(request)

    async def graphql_http_server(self, request):
        if media_type(request) not in (DATA_TYPE_JSON, DATA_TYPE_MULTIPART):
            return transport_error(415, f"GraphQL requests must be {DATA_TYPE_JSON} or {DATA_TYPE_MULTIPART}.",
                                   "unsupported_media_type")
        try:
            data = await self.extract_data_from_request(request)
            validate_data(data)
        except RecursionError:  # JSON nested deeper than the decoder goes
            return transport_error(400, "Request body is not a valid JSON", "bad_request")
        except HttpError as error:
            return transport_error(400, error.message or "Bad request", "bad_request")
        except HTTPException as error:  # starlette's, for a multipart body it cannot read
            return transport_error(400, str(error.detail or "Bad request"), "bad_request")
        except GraphQLError as error:
            return transport_error(400, error.message, "bad_request")
        replay = await self.replayed(request, data)  # (cost, the `data` JSON) of an answer kept for this request
        if replay is not None:
            prepared = Prepared(cost=replay[0])
        else:
            # a document parsed and validated before only has its cost computed: not worth a worker thread
            known = isinstance(data.get("query"), str) and self.guard.cache.get(self.guard.cache.key(data["query"]))
            prepared = (self.guard.prepare(self.schema, data, self.introspection) if known else
                        await run_in_threadpool(self.guard.prepare, self.schema, data, self.introspection))
        if prepared.errors:
            result = {"errors": [self.error_formatter(error, self.debug) for error in prepared.errors]}
            return await self.create_json_response(request, result, False)
        budget = request.scope.get("state", {}).get("rate_limit")
        charged = self.guard.limits.requests_charged(prepared.cost)
        if budget is not None and charged > 1 and not await budget.charge(charged - 1):
            return JSONResponse({"message": "Rate limit exceeded", "error": "rate_limit_exceeded",
                                 "retry_after": budget.retry_after()}, status_code=429)
        cost = {"requestedQueryCost": prepared.cost, "maximumQueryCost": self.guard.limits.max_cost,
                "requestsCharged": charged, "throttleStatus": budget.throttle_status() if budget is not None else None}
        if replay is not None:
            return Response(b'{"data":' + replay[1] + b',"extensions":' + JSON.render({"cost": cost}) + b"}",
                            media_type="application/json")
        request.state.query_cost = prepared.cost
        started = time.monotonic()
        success, result = await self.execute_graphql_query(request, data, query_document=prepared.document)
        keep_one_timeout(result, self.guard.limits.timeout_seconds, time.monotonic() - started)
        result.setdefault("extensions", {})["cost"] = cost
        return await self.create_json_response(request, result, success)

    async def replayed(self, request, data: dict) -> tuple[int, bytes] | None:
        """(cost, rendered `data`) of a kept answer to this request (server/graphql.py keeps them)."""
        return None

    async def create_json_response(self, request, result: dict, success: bool):
        refused = not success and result.get("data") is None and is_client_refusal(result)
        return JSONResponse(result, status_code=HTTPStatus.BAD_REQUEST if refused else HTTPStatus.OK)
