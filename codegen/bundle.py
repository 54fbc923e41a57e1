"""Merge the per-domain spec fragments of one surface into one document."""
from pathlib import Path

import yaml

HTTP_METHODS = ("get", "put", "post", "delete", "patch", "head", "options")


class SpecError(Exception):
    pass


def load_yaml(path: Path) -> dict:
    try:
        with path.open(encoding="utf-8") as handle:
            return yaml.safe_load(handle) or {}
    except yaml.YAMLError as error:
        raise SpecError(f"{path}: not valid YAML: {error}") from None


def fragment_paths(surface_dir: Path) -> list[Path]:
    return sorted(p for p in surface_dir.glob("*.yaml") if not p.name.startswith("_"))


def handler_module(fragment: Path) -> str:
    """The module that implements a fragment's operations, named after it: shop `cart.yaml` ->
    `handlers.shop.cart`; admin `<area>_<resource>.yaml` -> `handlers.admin.<area>.<resource>`
    (`settings_tax_rates.yaml` -> `handlers.admin.settings.tax_rates`), `profile.yaml` -> `handlers.admin.profile`."""
    surface, name = fragment.parent.name, fragment.stem
    if surface == "admin" and "_" in name:
        area, _, resource = name.partition("_")
        return f"handlers.admin.{area}.{resource}"
    return f"handlers.{surface}.{name}"


def bundle_openapi(surface_dir: Path) -> tuple[dict, dict[str, str]]:
    """Return (merged document, operationId -> handler module)."""
    document = load_yaml(surface_dir / "_document.yaml")
    document.setdefault("paths", {})
    components = document.setdefault("components", {})
    handler_modules = {}
    for path in fragment_paths(surface_dir):
        fragment = load_yaml(path)
        module = handler_module(path)
        for route, item in (fragment.get("paths") or {}).items():
            merge_path_item(document["paths"], route, item, path)
            for method in HTTP_METHODS:
                if method in item:
                    handler_modules[item[method]["operationId"]] = module
        for section, entries in (fragment.get("components") or {}).items():
            target = components.setdefault(section, {})
            for name, value in entries.items():
                if name in target:
                    raise SpecError(f"{path}: components.{section}.{name} is already defined")
                target[name] = value
    add_page_size_aliases(document)
    if surface_dir.name in FIELDS_BAD_REQUEST:
        add_fields_parameter(document, FIELDS_BAD_REQUEST[surface_dir.name])
    add_null_to_nullable_enums(document)
    return document, handler_modules


def add_null_to_nullable_enums(node):
    """OpenAPI 3.0.3: `nullable` does not widen an `enum`, so a nullable enum lists `null` among its values
    (validators and client generators that follow the clarification would refuse null otherwise)."""
    if isinstance(node, dict):
        if node.get("nullable") and isinstance(node.get("enum"), list) and None not in node["enum"]:
            node["enum"].append(None)
        for value in node.values():
            add_null_to_nullable_enums(value)
    elif isinstance(node, list):
        for value in node:
            add_null_to_nullable_enums(value)


PAGE_SIZE_ALIASES = ("itemsPerPage", "limit")  # API Platform's and the legacy pages' names for `per_page`


def add_page_size_aliases(document: dict):
    """Every paginated operation also takes `itemsPerPage` and `limit`, read as `per_page` (which wins when both
    are sent), so clients written against either form of the documentation work unchanged."""
    for item in document["paths"].values():
        for method in HTTP_METHODS:
            operation = item.get(method)
            if not operation or operation.get("x-pagination") not in ("page", "envelope"):
                continue
            parameters = [resolve(document, parameter) for parameter in operation.get("parameters", [])]
            per_page = next((p for p in parameters if p.get("name") == "per_page" and p.get("in") == "query"), None)
            taken = {p.get("name") for p in parameters}
            if per_page is None:
                raise SpecError(f"{method.upper()} {operation['operationId']}: x-pagination needs a per_page parameter")
            for alias in PAGE_SIZE_ALIASES:
                if alias not in taken:
                    operation["parameters"].append({
                        "name": alias, "in": "query",
                        "description": "Same as `per_page` (ignored when `per_page` is sent).",
                        "schema": {key: value for key, value in per_page["schema"].items() if key != "default"}})


# the surfaces whose JSON reads take `fields`, with the response their 400 refers to (the resource paths at `/api`
# answer JSON-LD shaped by API Platform's rules, not trimmed)
FIELDS_BAD_REQUEST = {"shop": "InvalidRequest", "admin": "AdminBadRequest"}
FIELDS_DESCRIPTION = (
    "Trims the JSON answer (the document, or each element of a list) to these fields, comma-separated; `a.b` "
    "trims a nested object (or each element of a nested list) the same way. The fields the schema requires are "
    "always answered, so a trimmed answer stays valid against it; a name the answer does not have is a 400.")


def schema_properties(document: dict, schema: dict) -> tuple[dict, list]:
    """(properties, required) of an object schema, through `$ref`s and `allOf`; ({}, []) for anything else."""
    schema = resolve(document, schema)
    properties, required = {}, []
    for part in schema.get("allOf") or ():
        more, needed = schema_properties(document, part)
        properties.update(more)
        required += [name for name in needed if name not in required]
    properties.update(schema.get("properties") or {})
    required += [name for name in schema.get("required") or () if name not in required]
    return properties, required


def element_schema(document: dict, schema: dict) -> dict:
    """The schema of what trimming applies to: an array's items, else the schema itself."""
    schema = resolve(document, schema)
    return resolve(document, schema.get("items") or {}) if schema.get("type") == "array" else schema


def element_name(document: dict, schema: dict, envelope: bool) -> str | None:
    """The component name of the trimmed element's schema (None when it is inline)."""
    name = schema["$ref"].rsplit("/", 1)[1] if "$ref" in schema else None
    schema = resolve(document, schema)
    if envelope:
        schema = schema_properties(document, schema)[0].get("data") or {}
        name = schema["$ref"].rsplit("/", 1)[1] if "$ref" in schema else None
        schema = resolve(document, schema)
    if schema.get("type") == "array":
        items = schema.get("items") or {}
        return items["$ref"].rsplit("/", 1)[1] if "$ref" in items else None
    return name


def answer_schema(document: dict, operation: dict) -> dict | None:
    response = resolve(document, (operation.get("responses") or {}).get("200") or {})
    return ((response.get("content") or {}).get("application/json") or {}).get("schema")


def trimmable(document: dict, operation: dict) -> dict | None:
    """What `fields` may name in a JSON read: {"root": "data" for a `{data, meta}` envelope else None,
    "names": top-level and `a.b` names, "required": [...], "nested": {a: required names of a}}, or None
    when the answer is not an object (or a list of objects) with declared properties."""
    schema = answer_schema(document, operation)
    if not schema:
        return None
    root, element = None, element_schema(document, schema)
    if operation.get("x-pagination") == "envelope":
        root, element = "data", element_schema(document, schema_properties(document, element)[0].get("data") or {})
    properties, required = schema_properties(document, element)
    if not properties:
        return None
    names, nested = [], {}
    for name, child in properties.items():
        names.append(name)
        inner, inner_required = schema_properties(document, element_schema(document, child))
        if inner:
            nested[name] = inner_required
            names += [f"{name}.{part}" for part in inner]
    return {"root": root, "names": names, "required": required, "nested": nested}


def add_fields_parameter(document: dict, bad_request: str):
    """Every JSON read (GET answering an object or a list of objects) takes `fields` (trimmed by the REST
    adapter, server/rest.py), its names listed so clients and fuzzers send only names the answer has: one
    `<Schema>Field` enum per answered schema, shared by its list and its item."""
    schemas = document["components"].setdefault("schemas", {})
    for item in document["paths"].values():
        operation = item.get("get")
        if not operation or any(resolve(document, p).get("name") == "fields" for p in operation.get("parameters", [])):
            continue
        trim = trimmable(document, operation)
        if trim is None:
            continue
        names = {"type": "string", "enum": trim["names"]}
        owner = element_name(document, answer_schema(document, operation), operation.get("x-pagination") == "envelope")
        if owner and schemas.get(f"{owner}Field", names) == names:
            schemas[f"{owner}Field"] = names
            names = {"$ref": f"#/components/schemas/{owner}Field"}
        operation.setdefault("parameters", []).append({
            "name": "fields", "in": "query", "style": "form", "explode": False, "description": FIELDS_DESCRIPTION,
            "schema": {"type": "array", "minItems": 1, "maxItems": 100, "items": names}})
        operation["responses"].setdefault("400", {"$ref": f"#/components/responses/{bad_request}"})


def resolve(document: dict, node: dict) -> dict:
    reference = node.get("$ref", "")
    if not reference.startswith("#/"):
        return node
    for part in reference[2:].split("/"):
        document = document[part]
    return document


def merge_path_item(paths: dict, route: str, item: dict, source: Path):
    existing = paths.setdefault(route, {})
    for key, value in item.items():
        if key in existing:
            raise SpecError(f"{source}: {key.upper()} {route} is already defined")
        existing[key] = value


def sdl_areas(surface_dir: Path) -> dict[tuple[str, str], str]:
    """(root type, field) -> area named after the domain file that declares it ("country-states" -> "Country States")."""
    from graphql.language import parse
    areas = {}
    for path in sorted(surface_dir.glob("*.graphql")):
        if path.name.startswith("_"):
            continue
        for definition in parse(path.read_text(encoding="utf-8")).definitions:
            type_name = getattr(getattr(definition, "name", None), "value", None)
            if type_name in ("Query", "Mutation"):
                for field in definition.fields or ():
                    areas[(type_name, field.name.value)] = path.stem.replace("-", " ").replace("_", " ").title()
    return areas


def bundle_sdl(surface_dir: Path) -> str:
    """Concatenate the SDL files, base schema first."""
    files = [surface_dir / "_schema.graphql"] + sorted(
        p for p in surface_dir.glob("*.graphql") if not p.name.startswith("_"))
    parts = []
    for path in files:
        parts.append(f"# --- {path.name} ---\n{path.read_text(encoding='utf-8').strip()}\n")
    return "\n".join(parts)
