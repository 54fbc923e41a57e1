"""What changed between two bundled OpenAPI 3.0 documents, from a client's side.

Breaking: a removed operation, success status, media type or parameter; a new required parameter or body field;
a request body that became required; a narrowed request type, enum, bound or pattern; a response field removed,
no longer always present, or newly nullable; a changed response type. Dangerous: new values of a response enum,
a new success status, more alternatives in a response `oneOf`/`anyOf`.

A component schema is compared once per direction (request or response) and reported under its own name, so one
change to a shared schema is one line, not one per operation that uses it.
"""
from __future__ import annotations

from dataclasses import dataclass, field

HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
LOWER_BOUNDS = ("minimum", "minLength", "minItems", "minProperties")
UPPER_BOUNDS = ("maximum", "maxLength", "maxItems", "maxProperties")


@dataclass
class Changes:
    breaking: list[str] = field(default_factory=list)
    dangerous: list[str] = field(default_factory=list)


def compare_documents(label: str, old: dict, new: dict) -> Changes:
    return DocumentDiff(label, old, new).run()


class DocumentDiff:
    def __init__(self, label: str, old: dict, new: dict):
        self.label, self.old, self.new = label, old, new
        self.changes = Changes()
        self.compared_components: set = set()

    def run(self) -> Changes:
        new_paths = self.new.get("paths", {})
        for path, old_item in self.old.get("paths", {}).items():
            for method in HTTP_METHODS:
                if method not in old_item:
                    continue
                where = f"{self.label} {method.upper()} {path}"
                new_item = new_paths.get(path, {})
                if method not in new_item:
                    self.breaking(where, "operation removed")
                    continue
                self.parameters(where, old_item, new_item, method)
                self.request_body(where, old_item[method].get("requestBody"), new_item[method].get("requestBody"))
                self.responses(where, old_item[method].get("responses", {}), new_item[method].get("responses", {}))
        return self.changes

    def breaking(self, where: str, text: str):
        self.changes.breaking.append(f"{where}: {text}")

    def dangerous(self, where: str, text: str):
        self.changes.dangerous.append(f"{where}: {text}")

    @staticmethod
    def resolve(document: dict, node):
        while isinstance(node, dict) and "$ref" in node:
            target = document
            for part in node["$ref"].removeprefix("#/").split("/"):
                target = target[part]
            node = target
        return node if node is not None else {}

    def parameter_map(self, document: dict, item: dict, method: str) -> dict:
        found = {}
        for parameter in [*item.get("parameters", []), *item[method].get("parameters", [])]:
            parameter = self.resolve(document, parameter)
            name = parameter["name"].lower() if parameter["in"] == "header" else parameter["name"]
            found[(parameter["in"], name)] = parameter
        return found

    def parameters(self, where: str, old_item: dict, new_item: dict, method: str):
        old = self.parameter_map(self.old, old_item, method)
        new = self.parameter_map(self.new, new_item, method)
        for key, old_parameter in old.items():
            label = f"{key[0]} parameter `{key[1]}`"
            if key not in new:
                self.breaking(where, f"{label} removed")
                continue
            if new[key].get("required") and not old_parameter.get("required"):
                self.breaking(where, f"{label} became required")
            self.schema(f"{where} {label}", old_parameter.get("schema", {}), new[key].get("schema", {}), "request")
        for key in new.keys() - old.keys():
            if new[key].get("required"):
                self.breaking(where, f"new required {key[0]} parameter `{key[1]}`")

    def request_body(self, where: str, old_body, new_body):
        old_body, new_body = self.resolve(self.old, old_body), self.resolve(self.new, new_body)
        if new_body.get("required") and not old_body.get("required"):
            self.breaking(where, "request body became required")
        if old_body and not new_body:
            self.breaking(where, "request body removed")
            return
        self.content(f"{where} request", old_body.get("content", {}), new_body.get("content", {}), "request")

    def responses(self, where: str, old_responses: dict, new_responses: dict):
        successes = [code for code in old_responses if str(code).startswith("2")]
        for code in successes:
            if code not in new_responses:
                self.breaking(where, f"success status {code} removed")
                continue
            old, new = self.resolve(self.old, old_responses[code]), self.resolve(self.new, new_responses[code])
            self.content(f"{where} response {code}", old.get("content", {}), new.get("content", {}), "response")
        for code in new_responses:
            if str(code).startswith("2") and code not in old_responses:
                self.dangerous(where, f"new success status {code}")

    def content(self, where: str, old: dict, new: dict, direction: str):
        for media_type, old_media in old.items():
            if media_type not in new:
                self.breaking(where, f"media type {media_type} removed")
                continue
            self.schema(f"{where} {media_type}", old_media.get("schema", {}), new[media_type].get("schema", {}),
                        direction)

    # -- schemas -------------------------------------------------------------------------------------------

    def schema(self, where: str, old, new, direction: str, at: str = ""):
        old_ref, new_ref = (node.get("$ref") if isinstance(node, dict) else None for node in (old, new))
        if old_ref and old_ref == new_ref:
            name = old_ref.rsplit("/", 1)[-1]
            if (name, direction) not in self.compared_components:
                self.compared_components.add((name, direction))
                self.compare(f"{self.label} schema {name} as {direction}", self.flat(self.old, old),
                             self.flat(self.new, new), direction, "")
            return
        self.compare(where, self.flat(self.old, old), self.flat(self.new, new), direction, at)

    def flat(self, document: dict, node) -> dict:
        """The schema with its $ref resolved and an allOf merged into one object schema."""
        node = self.resolve(document, node)
        if "allOf" not in node:
            return node
        merged = {key: value for key, value in node.items() if key != "allOf"}
        properties, required = dict(merged.get("properties", {})), list(merged.get("required", []))
        for part in node["allOf"]:
            part = self.flat(document, part)
            properties.update(part.get("properties", {}))
            required += part.get("required", [])
            merged.update({key: value for key, value in part.items() if key not in ("properties", "required")})
        return {**merged, "properties": properties, "required": required}

    def compare(self, where: str, old: dict, new: dict, direction: str, at: str):
        def report(kind, text, about_a_field=False):
            named = text if about_a_field or not at else f"{at} {text}"
            (self.breaking if kind == "breaking" else self.dangerous)(where, named)

        if old and not new:
            if direction == "response":
                report("breaking", "is no longer described")
            return
        if not old:
            return
        self.compare_types(old, new, direction, report)
        old_null, new_null = self.allows_null(self.old, old), self.allows_null(self.new, new)
        if direction == "response" and new_null and not old_null:
            report("breaking", "may now be null")
        if direction == "request" and old_null and not new_null:
            report("breaking", "no longer accepts null")
        self.compare_enums(old, new, direction, report)
        if direction == "request":
            self.compare_bounds(old, new, report)
        self.compare_alternatives(where, old, new, direction, at, report)
        self.compare_properties(where, old, new, direction, at, report)
        if "items" in old and "items" in new:
            self.schema(where, old["items"], new["items"], direction, f"{at}[]")

    @staticmethod
    def compare_types(old: dict, new: dict, direction: str, report):
        old_type, new_type = old.get("type"), new.get("type")
        if old_type and new_type and old_type != new_type:
            widened = (old_type, new_type) == (("integer", "number") if direction == "request" else ("number", "integer"))
            if not widened:
                report("breaking", f"type changed from {old_type} to {new_type}")
        elif direction == "request" and new_type and not old_type:
            report("breaking", f"now restricted to type {new_type}")

    def allows_null(self, document: dict, schema: dict) -> bool:
        """`nullable` on the schema or on one of its `anyOf`/`oneOf` alternatives."""
        return bool(schema.get("nullable")) or any(
            self.allows_null(document, self.resolve(document, option))
            for keyword in ("anyOf", "oneOf") for option in schema.get(keyword, []))

    @staticmethod
    def compare_enums(old: dict, new: dict, direction: str, report):
        old_values, new_values = old.get("enum"), new.get("enum")
        if direction == "request":
            if new_values is not None and old_values is None:
                report("breaking", f"now restricted to {sorted(map(str, new_values))}")
            elif new_values is not None and set(map(str, old_values)) - set(map(str, new_values)):
                report("breaking", f"no longer accepts {sorted(set(map(str, old_values)) - set(map(str, new_values)))}")
        elif old_values is not None and new_values is not None and set(map(str, new_values)) - set(map(str, old_values)):
            report("dangerous", f"may answer new values {sorted(set(map(str, new_values)) - set(map(str, old_values)))}")

    @staticmethod
    def compare_bounds(old: dict, new: dict, report):
        for key in LOWER_BOUNDS:
            if key in new and (key not in old or new[key] > old[key]):
                report("breaking", f"{key} raised to {new[key]}")
        for key in UPPER_BOUNDS:
            if key in new and (key not in old or new[key] < old[key]):
                report("breaking", f"{key} lowered to {new[key]}")
        if new.get("pattern") and new.get("pattern") != old.get("pattern"):
            report("breaking", f"pattern changed to {new['pattern']!r}")

    def compare_alternatives(self, where, old: dict, new: dict, direction: str, at: str, report):
        for keyword in ("oneOf", "anyOf"):
            old_options, new_options = old.get(keyword), new.get(keyword)
            if old_options is None or new_options is None:
                continue
            if len(new_options) < len(old_options) and direction == "request":
                report("breaking", f"{keyword} lost alternatives ({len(old_options)} → {len(new_options)})")
            elif len(new_options) > len(old_options) and direction == "response":
                report("dangerous", f"{keyword} has new alternatives ({len(old_options)} → {len(new_options)})")
            for index, (old_option, new_option) in enumerate(zip(old_options, new_options)):
                self.schema(where, old_option, new_option, direction, f"{at}<{keyword}[{index}]>")

    def compare_properties(self, where, old: dict, new: dict, direction: str, at: str, report):
        old_properties, new_properties = old.get("properties", {}), new.get("properties", {})
        old_required, new_required = set(old.get("required", [])), set(new.get("required", []))
        prefix = f"{at}." if at else ""
        if direction == "response":
            for name in old_properties:
                if name not in new_properties:
                    report("breaking", f"field `{prefix}{name}` removed", about_a_field=True)
                elif name in old_required and name not in new_required:
                    report("breaking", f"field `{prefix}{name}` is no longer always present", about_a_field=True)
        else:
            for name in sorted(new_required - old_required):
                report("breaking", f"field `{prefix}{name}` is now required", about_a_field=True)
            if new.get("additionalProperties") is False:
                for name in old_properties:
                    if name not in new_properties:
                        report("breaking", f"field `{prefix}{name}` is no longer accepted", about_a_field=True)
        for name, old_property in old_properties.items():
            if name in new_properties:
                self.schema(where, old_property, new_properties[name], direction, f"{prefix}{name}")
