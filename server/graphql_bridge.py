"""The GraphQL bridge: every root field calls a handler through this one path.

Queries: Relay arguments become the same `Window` REST builds from `page`/`per_page`, IRI arguments
become integer keys, a `Page` becomes a connection. Mutations bound to a REST operation
(`@operation(id:)`) turn their `input` into the REST call: path parameters from `id` (or the other
`*Id` fields, or a nested IRI), the body from the remaining fields, mapped to the body schema's names
(camelCase or snake_case, at any depth) and validated against it with errors named as the input names
them; the result goes into the payload beside `clientMutationId`. A field may declare more of that
mapping (`input:` renames, `with:` constants, `guestCart:`, `payload:`; see `declared_input` and
`shaped`). GraphQL-only mutations (`@handler`) get the same input checks when they name a body schema,
and the same payload envelope.
"""
import base64
import binascii
import inspect
from contextlib import nullcontext
from functools import cache

from graphql import FieldNode, FragmentSpreadNode, InlineFragmentNode

from domain.access import has_permission
from domain.audit import recording
from domain.common import Page, Window, camel_case, snake_case
from domain.customers import current_customer
from domain.errors import ApiError, Forbidden, InvalidRequest, NotImplementedOperation, Unprocessable
from generated.graphql_bindings import IRI_TEMPLATES
from generated.input_schemas import definitions, validation_errors
from generated.operations import REST_OPERATIONS
from server.documents import load_document
from server.errors import UNAUTHENTICATED
from domain.ids import MAX_ID, keys_of_iri, parse_id
from domain.sales.cart import authenticate_guest_cart_token, cart_not_found
from server.handler_table import load_handler
from server.input_guard import guard
from storage.db import database

PAGING_ARGS = ("first", "after", "last", "before")
MAX_PAGE_SIZE = 100
SCOPE_ARGS = ("locale", "channel")


# --- paging ---------------------------------------------------------------------------------------

def encode_cursor(offset: int) -> str:
    return base64.b64encode(str(offset).encode()).decode()


def decode_cursor(cursor: str, name: str) -> int:
    try:
        offset = int(base64.b64decode(cursor.encode(), validate=True).decode())
    except (binascii.Error, ValueError, UnicodeDecodeError):
        offset = -1
    if not 0 <= offset <= MAX_ID:  # an offset no page can start at
        raise InvalidRequest({name: ["Invalid cursor."]})
    return offset


def window_from_args(args: dict, default_size: int) -> Window:
    """Relay arguments -> offset/limit. `after`/`before` are exclusive offsets; a page size above the
    maximum is clamped to it."""
    first, last = args.get("first"), args.get("last")
    for name in ("first", "last"):
        if args.get(name) is not None and args[name] < 0:
            raise InvalidRequest({name: ["Must be 0 or more."]})
    first = min(first, MAX_PAGE_SIZE) if first is not None else None
    last = min(last, MAX_PAGE_SIZE) if last is not None else None
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
            "totalCount": page.total,
        },
        "totalCount": page.total,
    }


def paged(fetch, args: dict, default_size: int) -> dict:
    """A connection over `fetch(window) -> Page`; `last` without `before` counts back from the end."""
    window = window_from_args(args, default_size)
    page = fetch(window)
    if args.get("last") is not None and not args.get("before"):
        window = Window(max(0, page.total - window.limit), window.limit)
        page = fetch(window)
    return connection(page, window)


SELECTIONS: dict = {}  # (ids of the field nodes, connection) -> (the nodes, names); see selected_fields
MAX_SELECTIONS = 4096


def selected_fields(info, connection: bool) -> frozenset:
    """Names selected on the returned object (on `edges.node` for connections), fragments included.
    Parsed documents are cached (server/graphql_limits.py), so the same query brings the same field
    nodes: their names are worked out once (not for selections with named fragments, which live in
    each execution's own table)."""
    key = (tuple(map(id, info.field_nodes)), connection)
    found = SELECTIONS.get(key)
    if found is not None and all(kept is node for kept, node in zip(found[0], info.field_nodes)):
        return found[1]
    spreads = []

    def names(selection_set):
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                yield selection.name.value, selection.selection_set
            elif isinstance(selection, InlineFragmentNode):
                yield from names(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                spreads.append(selection)
                yield from names(info.fragments[selection.name.value].selection_set)

    def node_level(level: dict, steps) -> dict:
        for step in steps:
            level = dict(names(level[step])) if level.get(step) else {}
        return level

    top = node_level({name: sub for node in info.field_nodes for name, sub in names(node.selection_set)},
                     ("edges", "node") if connection else ())
    nested = {f"{name}.{child}" for name, sub in top.items() if sub
              for child in node_level(dict(names(sub)), ("edges", "node"))}
    selected = frozenset(top) | nested
    if not spreads:
        if len(SELECTIONS) >= MAX_SELECTIONS:
            SELECTIONS.clear()
        SELECTIONS[key] = (tuple(info.field_nodes), selected)  # the nodes are kept: their ids stay theirs
    return selected


# --- mutation inputs ------------------------------------------------------------------------------

def resolve_ref(schema: dict, surface: str) -> dict:
    while isinstance(schema, dict) and "$ref" in schema:
        schema = definitions(surface)[schema["$ref"].rsplit("/", 1)[1]]
    return schema if isinstance(schema, dict) else {}


def object_schema(schema: dict, surface: str) -> dict:
    """The alternative of a (nullable) schema that describes objects or arrays, if any."""
    schema = resolve_ref(schema, surface)
    for alternative in schema.get("anyOf") or schema.get("oneOf") or ():
        alternative = resolve_ref(alternative, surface)
        if alternative.get("type") in ("object", "array") or "properties" in alternative:
            return alternative
    return schema


def to_body(value, schema: dict, surface: str):
    """An input value with each key renamed to the body property it names: the same name, else its
    snake_case form (`metaTitle` -> `meta_title`), following the schema into nested objects and lists."""
    schema = object_schema(schema, surface)
    if isinstance(value, list):
        return [to_body(item, schema.get("items") or {}, surface) for item in value]
    if not isinstance(value, dict):
        return scalar_for(value, schema)
    properties = schema.get("properties") or {}
    extra = schema.get("additionalProperties")
    body = {}
    for key, item in value.items():
        name = key if key in properties or not properties else snake_case(key)
        if properties and name not in properties:
            name = key
        body[name] = to_body(item, properties.get(name) or (extra if isinstance(extra, dict) else {}), surface)
    return body


def scalar_for(value, schema: dict):
    """A GraphQL scalar as the integer a body field declares, when nothing is lost: an `ID` ("12") or
    a `Boolean` flag (true -> 1) sent where the REST body holds an integer. Anything else is left for
    the body's validation to judge."""
    kinds = schema.get("type")
    if not (kinds == "integer" or isinstance(kinds, list) and "integer" in kinds):
        return value
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, str) and value.isdigit() and len(value) <= 18:
        return int(value)
    return value


def input_errors(errors: dict) -> dict:
    """Error keys as the input names them (`meta_title` -> `metaTitle`, at every level)."""
    return {".".join(camel_case(part) for part in key.split(".")): messages for key, messages in errors.items()}


# What a `with:` declaration may read from the caller: the signed-in customer, for the REST paths and
# bodies that name the caller's own account.
CALLER_VALUES = {"$customerId": lambda context: context.customer_id,
                 "$customerEmail": lambda context: current_customer(context).email}


def declared_input(fields: dict, renames: dict | None, constants: dict | None) -> dict:
    """The input under the names the REST operation reads: `input: {zipCode: "postcode", deviceToken: null}`
    renames a field (a dotted name sets a nested body field: `"payment.method"`; an object reads the
    fields of an input object: `filters: {status: "status"}`) or drops it (null);
    a value sent under the target name itself wins, a null is not carried, and errors name the REST
    fields. `with:` fills the fields the input leaves out (constants, or `CALLER_VALUES`)."""
    renames = dotted(renames or {})
    parents = {source.partition(".")[0] for source in renames}  # "filters.status" reads inside `filters`
    data = {key: value for key, value in fields.items() if key not in renames and key not in parents}
    for source, target in renames.items():
        value = fields
        for step in source.split("."):
            value = value.get(step) if isinstance(value, dict) else None
        if target is None or value is None:
            continue
        *parents, last = target.split(".")
        level = data
        for parent in parents:
            level = level.setdefault(parent, {})
        if level.get(last) in (None, False):  # several flags named alike: any true one sets it
            level[last] = value
    for name, value in (constants or {}).items():
        if data.get(name) is None:
            data[name] = value
    return data


def dotted(renames: dict, prefix: str = "") -> dict:
    """`{filters: {status: "status"}}` as `{"filters.status": "status"}`."""
    flat = {}
    for source, target in renames.items():
        if isinstance(target, dict):
            flat.update(dotted(target, f"{prefix}{source}."))
        else:
            flat[f"{prefix}{source}"] = target
    return flat


def use_guest_cart(context, token):
    """`guestCart:` names an input field that, when the request sends no bearer, names a guest cart by
    its token (an unknown token: 404 Cart not found)."""
    if not token or context.customer_id is not None or context.cart_id is not None:
        return
    claims = authenticate_guest_cart_token(token)
    if claims is None:
        raise cart_not_found()
    context.cart_id, context.cart_token = claims["cart_id"], claims["cart_token"]


def shaped(declaration, answer, arguments: dict):
    """A `payload:` declaration filled from one REST answer: an object maps each field to its source;
    `"$"` is the whole answer, `"$.data.address"` a path in it, `"$args.productId"` a parameter of the
    REST call (path parameters as integers); any other value is a constant. In an object, `_: "$"`
    takes every field of that source and the object's other fields replace theirs."""
    if isinstance(declaration, dict):
        fields = {name: shaped(source, answer, arguments) for name, source in declaration.items() if name != "_"}
        if "_" in declaration:  # `_: "$"`: the fields of that object, the declared ones replacing theirs
            base = shaped(declaration["_"], answer, arguments)
            return {**base, **fields} if isinstance(base, dict) else base
        return fields
    if not (isinstance(declaration, str) and declaration.startswith("$")):
        return declaration
    root, _, path = declaration.partition(".")
    value = answer if root == "$" else {camel_case(name): item for name, item in arguments.items()}
    for step in path.split(".") if path else ():
        value = value.get(step) if isinstance(value, dict) else None
    return value


def body_from_input(data: dict, schema_name: str, surface: str) -> dict:
    """The REST body for a GraphQL input: renamed to the schema's names and validated against it."""
    body = to_body(data, {"$ref": f"#/definitions/{schema_name}"}, surface)
    errors = validation_errors(surface, schema_name, body)
    if errors:
        raise Unprocessable(input_errors(errors))
    return body


def rest_arguments(operation: dict, data: dict) -> dict:
    """The REST parameters from the input (or the field's other arguments), each under its own name or
    its camelCase form: path parameters are keys (`id` as an IRI or key, `productId`), and an IRI of
    the operation's own path (`/api/admin/catalog/products/12/images/47`) gives them all at once;
    query parameters pass as they are."""
    path_names = operation["path_parameters"]
    nested = keys_of_iri(data.get("id"), operation["path"]) if len(path_names) > 1 else None
    arguments = {}
    for name in operation["parameters"]:
        value = nested[name] if nested and name in path_names else data.get(name, data.get(camel_case(name)))
        if name in path_names:
            arguments[snake_case(name)] = parse_id(value, camel_case(name))
        elif value is not None:
            arguments[snake_case(name)] = value
    return arguments


def accepts_null(schema: dict, surface: str) -> bool:
    schema = resolve_ref(schema, surface)
    kinds = schema.get("type")
    return (isinstance(kinds, list) and "null" in kinds) or any(
        accepts_null(alternative, surface) for alternative in schema.get("anyOf") or schema.get("oneOf") or ())


def declared_fields(data: dict, schema_name: str, surface: str) -> dict:
    """The input with the fields its body schema declares renamed and validated; the others (ids the
    handler reads itself) pass as they are. A null the SDL allows where the body schema holds none
    means the field was left out."""
    declared = object_schema({"$ref": f"#/definitions/{schema_name}"}, surface).get("properties") or {}
    mine, others = {}, {}
    for key, value in data.items():
        property_schema = declared.get(key) or declared.get(snake_case(key))
        if property_schema is None:
            others[key] = value
        elif value is not None or accepts_null(property_schema, surface):
            mine[key] = value
    return {**others, **body_from_input(mine, schema_name, surface)}


def run_mutation(binding: dict, handler, prepare, context, data: dict, arguments: dict, graphql: bool = False):
    """Call the handler of a mutation: REST-bound ones with (path parameters, body), GraphQL-only ones
    with the input (checked against their body schema when they name one) and their other arguments.
    A REST handler that takes `graphql` is told it answers GraphQL. Returns the answer and the
    parameters of the call."""
    mutation = binding["mutation"]
    fields = {key: value for key, value in data.items() if key != "clientMutationId"}
    if binding["operation_id"] is None:
        if mutation["body"]:
            fields = declared_fields(fields, mutation["body"], binding["surface"])
        parameters = query_parameters(binding, arguments)
        return handler(context, input=fields, **parameters), parameters
    operation = REST_OPERATIONS[binding["operation_id"]]
    if mutation.get("guest_cart"):
        use_guest_cart(context, fields.pop(mutation["guest_cart"], None))
    constants = {name: CALLER_VALUES[value](context) if value in CALLER_VALUES else value
                 for name, value in (mutation.get("with") or {}).items()}
    fields = declared_input(fields, mutation.get("input"), constants)
    if operation["upload_only"]:
        raise ApiError(400, f"File uploads are not available over GraphQL: send the file to {operation['method']} "
                            f"{operation['path']} as multipart/form-data.", "upload_not_supported")
    if prepare:  # a prepare that takes the context reads what the input leaves out (the stored record)
        fields = prepare(fields, context) if "context" in inspect.signature(prepare).parameters else prepare(fields)
    arguments = rest_arguments(operation, {**arguments, **fields})
    if mutation["body"]:
        taken = {"id"} | set(operation["parameters"]) | {camel_case(name) for name in operation["parameters"]}
        arguments["body"] = body_from_input({key: value for key, value in fields.items() if key not in taken},
                                            mutation["body"], binding["surface"])
    parameters = {name: value for name, value in arguments.items() if name != "body"}
    if graphql:
        arguments["graphql"] = True
    before = None
    if mutation.get("read_before"):  # a delete whose payload is the resource as it was
        with database.atomic():
            read = load_handler(mutation["read_before"])
            shape = {"graphql": True} if "graphql" in inspect.signature(read).parameters else {}
            before = read(context, **parameters, **shape)
            result = handler(context, **arguments)
    else:
        result = handler(context, **arguments)
    result = result[0] if isinstance(result, tuple) else result
    if before is not None and (result is None or isinstance(result, dict) and set(result) <= {"message"}):
        return before, parameters
    if (mutation.get("node_has_id") and "{" not in operation["path"] and isinstance(result, dict)
            and "id" not in result and set(result) - {"message"}):
        result = {"id": operation["path"], **result}  # an action's result (a mass action): the action's IRI
    return result, parameters


def payload(binding: dict, result, data: dict, parameters: dict) -> dict:
    """The payload: the result under the payload's field, beside the client's `clientMutationId`. A REST
    answer that only says it is done (`{"message"}`) becomes `{success, message}` where the payload's
    type has those fields, else no node (deletes). A `payload:` declaration shapes it instead."""
    mutation = binding["mutation"]
    if binding.get("shape") is not None:
        return {**shaped(binding["shape"], result, parameters), "clientMutationId": data.get("clientMutationId")}
    if mutation["payload"] is None:  # the handler filled a payload of several fields itself
        return {**result, "clientMutationId": data.get("clientMutationId")}
    node = result
    if isinstance(result, dict) and set(result) <= {"message"}:
        node = {"success": True, **result} if mutation["acknowledges"] else None
    return {mutation["payload"]: node, "clientMutationId": data.get("clientMutationId")}


# --- root fields ----------------------------------------------------------------------------------

def query_parameters(binding: dict, args: dict) -> dict:
    """Arguments as handler parameters: snake_case, IRIs and `*Id` keys as integers. On a collection,
    `id` is a filter ("1" or "1,2"), not the IRI of one item."""
    parameters = {}
    for name, value in args.items():
        if name in PAGING_ARGS or name in SCOPE_ARGS:
            continue
        is_key = value is not None and ((name == "id" and not binding["connection"]) or name.endswith("Id"))
        if is_key and name == "id":
            parameters["id"] = item_key(binding, value)
            continue
        parameters[snake_case(name)] = parse_id(value, name) if is_key else value
    return parameters


@cache
def rest_document(surface: str) -> dict:
    return load_document(surface)


@cache
def parameter_ranges(operation_id: str) -> dict[str, tuple]:
    """{parameter: (minimum, maximum)} of the REST operation's numeric parameters: a GraphQL Int or Float has no
    range of its own, the REST document states it (a money filter of 1e300 would reach the database)."""
    operation = REST_OPERATIONS[operation_id]
    document = rest_document(operation["surface"])
    path = operation["path"].removeprefix(document["servers"][0]["url"].rstrip("/"))
    ranges = {}
    for parameter in document["paths"].get(path, {}).get(operation["method"].lower(), {}).get("parameters", []):
        if "$ref" in parameter:
            parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        schema = parameter.get("schema", {})
        if schema.get("type") in ("integer", "number") and ("minimum" in schema or "maximum" in schema):
            ranges[parameter["name"]] = (schema.get("minimum"), schema.get("maximum"))
    return ranges


def check_ranges(operation_id: str, parameters: dict):
    """400 naming every numeric argument outside the range of the REST parameter it stands for."""
    errors = {}
    for name, (low, high) in parameter_ranges(operation_id).items():
        value = parameters.get(name)
        if isinstance(value, (int, float)) and not isinstance(value, bool) and (
                low is not None and value < low or high is not None and value > high):
            errors[name] = [f"Must be between {low if low is not None else '-∞'} and {high if high is not None else '∞'}."]
    if errors:
        raise InvalidRequest(errors)


def item_key(binding: dict, value) -> int:
    """The key of the item an `id` argument names: its IRI under the node type's own template (a
    sub-resource IRI such as /api/admin/settings/data-transfer/imports/12/stats), else the id codec's."""
    keys = keys_of_iri(value, IRI_TEMPLATES.get(binding.get("node_type")) or "")
    if keys and len(keys) == 1:
        return next(iter(keys.values()))
    return parse_id(value, "id")


def make_root_resolver(binding: dict, handler):
    """The resolver of one root field. `handler` is None only for fields on the not-yet list (501)."""
    label = f"{binding['type']}.{binding['field']}"
    signature = inspect.signature(handler).parameters if handler else {}
    wants_fields, wants_graphql = "fields" in signature, "graphql" in signature
    mutation = binding.get("mutation") or {}
    # `prepare` lives beside the handler's operations: the module the spec's handler reference names
    prepare = (load_handler(f"{binding['handler'].partition(':')[0]}:{mutation['prepare']}")
               if mutation.get("prepare") and handler else None)
    needs_customer = "customerToken" in (binding.get("auth") or ()) and not binding.get("auth_optional")
    permission = binding.get("permission")

    def resolve(_, info, **args):
        if handler is None and not permission:
            raise NotImplementedOperation(label)
        guard(args)
        request = info.context["request"]
        context = request.context(args.get("locale"), args.get("channel"))
        if needs_customer and context.customer_id is None:
            raise UNAUTHENTICATED
        if permission and not has_permission(context.admin, permission):
            raise Forbidden()
        if handler is None:  # planned: refused as it will be, then 501
            raise NotImplementedOperation(label)
        try:
            if binding.get("mutation"):
                others = {name: value for name, value in args.items() if name not in ("input", *SCOPE_ARGS)}
                data = args.get("input") or {}
                if "input" not in binding["args"] and binding["operation_id"]:  # arguments instead of an input
                    data, others = others, {}
                with recording(context, binding["field"]) if binding["surface"] == "admin" else nullcontext():
                    result, parameters = run_mutation(binding, handler, prepare, context, data, others,
                                                      graphql=wants_graphql and bool(binding["operation_id"]))
                return payload(binding, result, data, parameters)
            declared = binding.get("arguments")
            if declared:  # arguments named differently from the REST parameters
                args = declared_input(args, declared.get("input"), declared.get("with"))
            parameters = query_parameters(binding, args)
            if binding["operation_id"]:
                check_ranges(binding["operation_id"], parameters)
            if wants_fields:
                parameters["fields"] = selected_fields(info, binding["connection"])
            if wants_graphql:
                parameters["graphql"] = True
            if binding["connection"]:
                return paged(lambda window: handler(context, window=window, **parameters), args, default_size=10)
            result = handler(context, **parameters)
            if binding.get("shape") is not None:
                return shaped(binding["shape"], result, parameters)
            if binding.get("list") and isinstance(result, dict) and isinstance(result.get("data"), list):
                return result["data"]  # a REST collection envelope ({data, meta}) answering a list field
            return result
        except ApiError as error:
            if error.errors and binding.get("mutation"):
                error.errors = input_errors(error.errors)
            raise

    return resolve


def nested_connection_resolver(field_name: str):
    """Page a plain list the handler put under `field_name` into a connection."""
    def resolve(obj, _info, **args):
        items = obj.get(field_name) or []
        if isinstance(items, dict):  # already a connection
            return items
        return paged(lambda window: Page(items[window.offset:window.offset + window.limit], len(items)),
                     args, default_size=len(items) or 1)
    return resolve
