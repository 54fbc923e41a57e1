"""Extract the operation table (REST) and root-field bindings (GraphQL) from bundled specs."""
import re

from graphql import build_schema, get_named_type
from graphql.language import parse

from codegen.bundle import HTTP_METHODS, SpecError


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
            operations.append({
                "operation_id": operation_id,
                "method": method.upper(),
                "path": base + route,
                "handler": f"{handler_modules[operation_id]}:{snake_case(operation_id)}",
                "auth": sorted({name for requirement in security for name in requirement}),
                "pagination": operation.get("x-pagination"),
                "permission": operation.get("x-permission"),
                "area": (operation.get("tags") or ["other"])[0],
                "parameters": parameter_names(document, item.get("parameters", []) + operation.get("parameters", [])),
            })
    ids = [op["operation_id"] for op in operations]
    duplicates = sorted({op_id for op_id in ids if ids.count(op_id) > 1})
    if duplicates:
        raise SpecError(f"duplicate operationIds: {', '.join(duplicates)}")
    return sorted(operations, key=lambda op: (op["path"], op["method"]))


def parameter_names(document: dict, parameters: list) -> list[str]:
    """Names of the path and query parameters (handlers receive these, in snake_case)."""
    names = []
    for parameter in parameters:
        if "$ref" in parameter:
            parameter = document["components"]["parameters"][parameter["$ref"].rsplit("/", 1)[1]]
        if parameter["in"] in ("path", "query"):
            names.append(parameter["name"])
    return names


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
    directives = {d.name.value: {a.name.value: a.value.value for a in d.arguments} for d in field.directives}
    if "operation" in directives:
        operation_id = directives["operation"]["id"]
        if operation_id not in rest_by_id:
            raise SpecError(f"{type_name}.{name}: @operation(id: {operation_id!r}) names no REST operation")
        handler = rest_by_id[operation_id]["handler"]
        auth = rest_by_id[operation_id]["auth"]
        permission = rest_by_id[operation_id]["permission"]
    elif "handler" in directives:
        operation_id, handler = None, directives["handler"]["name"]
        auth = ["customerToken", "storefrontKey"] if directives["handler"].get("auth") == "customer" else None
        permission = directives["handler"].get("permission")
    else:
        raise SpecError(f"{type_name}.{name}: needs @operation(id:) or @handler(name:)")
    return_type = get_named_type(schema.get_type(type_name).fields[name].type)
    return {
        "type": type_name,
        "field": name,
        "operation_id": operation_id,
        "handler": handler,
        "auth": auth,
        "permission": permission,
        "connection": return_type.name.endswith("Connection"),
        "node_type": node_type_of(schema, return_type),
        "args": [arg.name.value for arg in field.arguments or ()],
    }


def node_type_of(schema, return_type):
    """The object type a field yields: the node type of a connection, else the type itself."""
    if return_type.name.endswith("Connection"):
        edge = get_named_type(return_type.fields["edges"].type)
        return get_named_type(edge.fields["node"].type).name
    return return_type.name
