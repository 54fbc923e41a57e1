"""Extract the operation table (REST) and root-field bindings (GraphQL) from bundled specs."""
import re

from graphql import build_schema, get_named_type, get_nullable_type, is_list_type, value_from_ast_untyped
from graphql.language import parse

from codegen.bundle import HTTP_METHODS, SpecError, resolve, trimmable



def upload_only(operation: dict) -> bool:
    """The body can only be a multipart upload (no JSON form GraphQL could send)."""
    content = (operation.get("requestBody") or {}).get("content") or {}
    return "multipart/form-data" in content and "application/json" not in content

def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def rest_operations(document: dict, handler_modules: dict[str, str]) -> list[dict]:
    base = document["servers"][0]["url"].rstrip("/")
    default_security = document.get("security", [])
    operations = []
    for route, item in document["paths"].items():
        for method in HTTP_METHODS:
            if method not in item:
                continue
            operation = item[method]
            operation_id = operation["operationId"]
            security = operation.get("security", default_security)
            trims = fields_table(document, operation) if method == "get" else None
            operations.append({
                "operation_id": operation_id,
                "method": method.upper(),
                "path": base + route,
                "handler": f"{handler_modules[operation_id]}:{snake_case(operation_id)}",
                "auth": sorted({name for requirement in security for name in requirement}),
                # a customer token taken when sent: another requirement of the operation goes without it
                "auth_optional": any("customerToken" in requirement for requirement in security)
                and any("customerToken" not in requirement for requirement in security),
                "pagination": operation.get("x-pagination"),
                "permission": operation.get("x-permission"),
                "area": (operation.get("tags") or ["other"])[0],
                # `fields` (codegen/bundle.py) is the REST adapter's, never a handler's
                "parameters": [name for name in parameter_names(document, item.get("parameters", [])
                                                                + operation.get("parameters", []))
                               if name != "fields" or not trims],
                "path_parameters": parameter_names(document, item.get("parameters", []) + operation.get("parameters", []),
                                                   where=("path",)),
                "body_schema": body_schema_name(operation),
                "upload": "multipart/form-data" in ((operation.get("requestBody") or {}).get("content") or {}),
                "upload_only": upload_only(operation),
                "planned": bool(operation.get("x-planned")),
                "fields": trims,
            })
    ids = [op["operation_id"] for op in operations]
    duplicates = sorted({op_id for op_id in ids if ids.count(op_id) > 1})
    if duplicates:
        raise SpecError(f"duplicate operationIds: {', '.join(duplicates)}")
    return sorted(operations, key=lambda op: (op["path"], op["method"]))


def fields_table(document: dict, operation: dict) -> dict | None:
    """How the REST adapter trims the answer of an operation that takes `fields` (codegen/bundle.py)."""
    if not any(resolve(document, p).get("name") == "fields" and resolve(document, p).get("style") == "form"
               for p in operation.get("parameters", [])):
        return None
    trim = trimmable(document, operation)
    return {key: trim[key] for key in ("root", "required", "nested")}


def parameter_names(document: dict, parameters: list, where=("path", "query")) -> list[str]:
    """Names of the path and query parameters (handlers receive these, in snake_case)."""
    names = []
    for parameter in parameters:
        if "$ref" in parameter:
            parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] in where:
            names.append(parameter["name"])
    return names


def body_schema_name(operation: dict) -> str | None:
    """The named schema of the request body (JSON or multipart), which GraphQL inputs are checked against."""
    content = (operation.get("requestBody") or {}).get("content") or {}
    for media_type in ("application/json", "multipart/form-data"):
        reference = (content.get(media_type) or {}).get("schema", {}).get("$ref")
        if reference:
            return reference.rsplit("/", 1)[1]
    return None


def graphql_fields(sdl: str, rest_by_id: dict[str, dict], areas: dict | None = None) -> list[dict]:
    schema = build_schema(sdl)  # validates the merged SDL
    fields = []
    for definition in parse(sdl).definitions:
        type_name = getattr(getattr(definition, "name", None), "value", None)
        if type_name not in ("Query", "Mutation") or not getattr(definition, "fields", None):
            continue
        for field in definition.fields:
            binding = bind_field(schema, type_name, field, rest_by_id)
            binding["area"] = (areas or {}).get((type_name, binding["field"]), "other")
            fields.append(binding)
    return sorted(fields, key=lambda item: (item["type"], item["field"]))


def iri_templates(sdl: str, fields: list[dict], rest_by_id: dict[str, dict]) -> dict[str, str]:
    """GraphQL type -> IRI path template: `@iri(path:)` on the type, else the REST `.../{id}`
    operation bound to a single-item root field returning that type."""
    templates = {}
    for definition in parse(sdl).definitions:
        for directive in getattr(definition, "directives", None) or []:
            if directive.name.value == "iri":
                templates[definition.name.value] = directive.arguments[0].value.value
    for field in fields:
        operation = rest_by_id.get(field["operation_id"] or "")
        if operation and not field["connection"] and operation["path"].endswith("/{id}"):
            templates.setdefault(field["node_type"], operation["path"])
    return dict(sorted(templates.items()))


def bind_field(schema, type_name, field, rest_by_id):
    name = field.name.value
    directives = {d.name.value: {a.name.value: value_from_ast_untyped(a.value) for a in d.arguments}
                  for d in field.directives}
    mutation, shape, arguments = None, None, None
    field_type = schema.get_type(type_name).fields[name].type
    return_type = get_named_type(field_type)
    if "operation" in directives:
        operation_id = directives["operation"]["id"]
        if operation_id not in rest_by_id:
            raise SpecError(f"{type_name}.{name}: @operation(id: {operation_id!r}) names no REST operation")
        operation = rest_by_id[operation_id]
        handler, auth, permission = operation["handler"], operation["auth"], operation["permission"]
        planned = operation["planned"]
        shape = directives["operation"].get("payload")
        check_declarations(schema, type_name, name, directives["operation"], return_type)
        if type_name == "Mutation":
            mutation = {"payload": None if shape is not None else payload_field(type_name, name, return_type),
                        "body": operation["body_schema"],
                        "acknowledges": acknowledges(return_type),
                        "prepare": directives["operation"].get("prepare"),
                        "read_before": read_before(operation, rest_by_id) if directives["operation"].get("showsDeleted")
                        else None,
                        "node_has_id": "id" in getattr(payload_node(return_type), "fields", {}),
                        "input": directives["operation"].get("input"),
                        "with": directives["operation"].get("with"),
                        "guest_cart": directives["operation"].get("guestCart")}
        elif directives["operation"].get("input") or directives["operation"].get("with"):
            # a query whose arguments are named differently from the REST parameters
            arguments = {"input": directives["operation"].get("input"), "with": directives["operation"].get("with")}
    elif "handler" in directives:
        operation_id, handler = None, directives["handler"]["name"]
        planned = "planned" in directives
        auth_kind = directives["handler"].get("auth")
        if auth_kind not in (None, "customer", "optional-customer"):
            raise SpecError(f'{type_name}.{name}: @handler(auth:) is "customer" or "optional-customer"')
        auth = ["customerToken", "storefrontKey"] if auth_kind else None
        permission = directives["handler"].get("permission")
        if type_name == "Mutation":
            mutation = {"payload": payload_field(type_name, name, return_type, required=False),
                        "body": directives["handler"].get("body"), "acknowledges": acknowledges(return_type),
                        "prepare": None}
    else:
        raise SpecError(f"{type_name}.{name}: needs @operation(id:) or @handler(name:)")
    return {
        "type": type_name,
        "field": name,
        "operation_id": operation_id,
        "handler": handler,
        "auth": auth,
        # a customer token is taken when sent, not required (@handler(auth: "optional-customer"))
        "auth_optional": directives["handler"].get("auth") == "optional-customer" if "handler" in directives
        else rest_by_id[operation_id]["auth_optional"],
        "permission": permission,
        "connection": return_type.name.endswith("Connection"),
        "list": is_list_type(get_nullable_type(field_type)),
        "node_type": node_type_of(schema, return_type),
        "args": [arg.name.value for arg in field.arguments or ()],
        "mutation": mutation,
        "arguments": arguments,
        "shape": shape,
        "planned": planned,
    }


def check_declarations(schema, type_name: str, name: str, declaration: dict, return_type):
    """`input:` names fields of the field's input (or arguments), `payload:` fields of what it returns,
    and every answer path starts at `$` (the REST answer) or `$args` (the REST call's parameters)."""
    label = f"{type_name}.{name}"
    field = schema.get_type(type_name).fields[name]
    sent = set(field.args)
    if "input" in field.args:
        sent |= set(getattr(get_named_type(field.args["input"].type), "fields", {}))
    for key in ("input", "with"):
        if declaration.get(key) is not None and not isinstance(declaration[key], dict):
            raise SpecError(f"{label}: @operation({key}:) is an object")
    for source, target in (declaration.get("input") or {}).items():
        if source not in sent:
            raise SpecError(f"{label}: @operation(input:) renames {source!r}, which the field's input does not have")
        if isinstance(target, dict):  # `filters: {status: "status"}`: fields of an input object
            if not all(item is None or isinstance(item, str) for item in target.values()):
                raise SpecError(f"{label}: @operation(input:) maps the fields of {source!r} to body names or null")
        elif target is not None and not isinstance(target, str):
            raise SpecError(f"{label}: @operation(input:) maps {source!r} to a body name or null")
    for key, value in (declaration.get("with") or {}).items():
        if isinstance(value, str) and value.startswith("$") and value not in CALLER_VALUES:
            raise SpecError(f"{label}: @operation(with:) {key}: {value!r}; the caller's values are {CALLER_VALUES}")
    guest_cart = declaration.get("guestCart")
    if guest_cart is not None and guest_cart not in sent:
        raise SpecError(f"{label}: @operation(guestCart:) names {guest_cart!r}, which the field's input does not have")

    def check_shape(shape, output_type, path):
        fields = getattr(output_type, "fields", None)
        if isinstance(shape, dict):
            if fields is None:
                raise SpecError(f"{label}: @operation(payload:) {path or 'the payload'} is not an object type")
            for key, source in shape.items():
                if key == "_":
                    check_shape(source, output_type, path)
                    continue
                if key not in fields:
                    raise SpecError(f"{label}: @operation(payload:) names {key!r}, a field {output_type.name} lacks")
                check_shape(source, get_named_type(fields[key].type), f"{path}.{key}".lstrip("."))
        elif isinstance(shape, str) and shape.startswith("$"):
            if shape.partition(".")[0] not in ANSWER_ROOTS:
                raise SpecError(f"{label}: @operation(payload:) path {shape!r} starts at neither $ nor $args")

    if declaration.get("payload") is not None:
        check_shape(declaration["payload"], return_type, "")


ANSWER_ROOTS = ("$", "$args")
CALLER_VALUES = ("$customerId", "$customerEmail")  # server/graphql_bridge.py reads them


def acknowledges(payload_type) -> bool:
    """Whether a payload's node is a `{success, message}` acknowledgement."""
    fields = [field for name, field in getattr(payload_type, "fields", {}).items() if name != "clientMutationId"]
    node = get_named_type(fields[0].type) if len(fields) == 1 else None
    return bool(node and {"success", "message"} <= set(getattr(node, "fields", {})))


def payload_node(payload_type):
    """The named type of a payload's one result field (None when it has several)."""
    fields = [field for name, field in getattr(payload_type, "fields", {}).items() if name != "clientMutationId"]
    return get_named_type(fields[0].type) if len(fields) == 1 else None


def read_before(operation: dict, rest_by_id: dict) -> str:
    """`@operation(showsDeleted: true)` on a delete: the handler of the GET of one item on the same path,
    which the bridge calls first, so the payload is the resource as it was just before the delete."""
    reader = next((other for other in rest_by_id.values() if other["method"] == "GET"
                   and other["path"] == operation["path"] and not other["pagination"]), None)
    if operation["method"] != "DELETE" or reader is None:
        raise SpecError(f"{operation['operation_id']}: showsDeleted needs a DELETE with a GET of one item on its path")
    return reader["handler"]


def payload_field(type_name: str, name: str, payload_type, required: bool = True) -> str | None:
    """The field of a mutation payload that carries the result: the one that is not `clientMutationId`
    (None for a GraphQL-only mutation whose payload has several, which its handler fills itself)."""
    fields = [field for field in getattr(payload_type, "fields", {}) if field != "clientMutationId"]
    if len(fields) == 1:
        return fields[0]
    if required:
        raise SpecError(f"{type_name}.{name}: the payload {payload_type.name} needs exactly one field besides "
                        f"clientMutationId, found {fields}")
    return None


def node_type_of(schema, return_type):
    """The object type a field yields: the node type of a connection, else the type itself."""
    if return_type.name.endswith("Connection"):
        edge = get_named_type(return_type.fields["edges"].type)
        return get_named_type(edge.fields["node"].type).name
    return return_type.name
