"""OpenAPI 3.0 schema objects -> JSON Schema (Draft 4), for validating examples and inputs."""

ANNOTATIONS = ("nullable", "example", "description")


def to_json_schema(node, resolve_ref=None):
    """Inline local `$ref`s (through `resolve_ref(name)`; without it they point at `#/definitions/<name>`),
    turn `nullable` into a null alternative and drop annotations; property names are kept as they are,
    even `description` or `example`."""
    if isinstance(node, list):
        return [to_json_schema(item, resolve_ref) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        name = node["$ref"].rsplit("/", 1)[1]
        return to_json_schema(resolve_ref(name), resolve_ref) if resolve_ref else {"$ref": f"#/definitions/{name}"}
    converted = {key: to_json_schema(value, resolve_ref) for key, value in node.items()
                 if key not in ANNOTATIONS and key != "properties" and not key.startswith("x-")}
    if "properties" in node:
        converted["properties"] = {name: to_json_schema(value, resolve_ref) for name, value in node["properties"].items()}
    if node.get("nullable"):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
            if "enum" in converted and None not in converted["enum"]:
                converted["enum"] = converted["enum"] + [None]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted


def json_schema_definitions(document: dict) -> dict:
    """Every component schema of a bundled document as Draft 4 definitions (refs between them kept)."""
    schemas = document.get("components", {}).get("schemas", {})
    return {"definitions": {name: to_json_schema(schema) for name, schema in sorted(schemas.items())}}
