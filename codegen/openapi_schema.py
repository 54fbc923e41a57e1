"""OpenAPI 3.0 schema objects -> JSON Schema (Draft 4), for validating examples and inputs."""

ANNOTATIONS = ("nullable", "example", "description")


def to_json_schema(node, resolve_ref):
    """Inline local `$ref`s (through `resolve_ref(name)`), turn `nullable` into a null alternative and
    drop annotations; property names are kept as they are, even `description` or `example`."""
    if isinstance(node, list):
        return [to_json_schema(item, resolve_ref) for item in node]
    if not isinstance(node, dict):
        return node
    if "$ref" in node:
        return to_json_schema(resolve_ref(node["$ref"].rsplit("/", 1)[1]), resolve_ref)
    converted = {key: to_json_schema(value, resolve_ref) for key, value in node.items()
                 if key not in ANNOTATIONS and key != "properties" and not key.startswith("x-")}
    if "properties" in node:
        converted["properties"] = {name: to_json_schema(value, resolve_ref) for name, value in node["properties"].items()}
    if node.get("nullable"):
        if "type" in converted:
            converted["type"] = [converted["type"], "null"]
            if "enum" in converted:
                converted["enum"] = converted["enum"] + [None]
        else:
            converted = {"anyOf": [converted, {"type": "null"}]}
    return converted
