"""Ids of documentation examples mapped to demo ids of the same kind.

An example's id is kept when it names an existing resource here; otherwise it becomes the first id
our own list operation for that kind returns (a numeric id stays numeric, an IRI stays an IRI).

* REST paths: each numeric segment (or `{placeholder}`) is checked with a GET of the path up to it
  and mapped from a GET of the collection before it; an item without a GET of its own is looked up
  in its collection, and a collection without a GET in the array of that name in its parent's
  document (`/attributes/12/options/45`: the `options` of attribute 12).
* GraphQL: the kind of a value is the type its IRI names (`IRI_TEMPLATES`), the type returned by
  the root field whose `id` argument it is, or the type of the root field a `<thing>Id` name points
  at (`countryId` → `country`, `orderId` → `customerOrder`). Existence is asked with that single
  field, the demo id comes from the list field of the same type (`countries(first: 1)`), asked again
  when an earlier example removed it. Ids in variables and in literal arguments of the document are
  both mapped.
* An id found missing is asked again next time: a create example may have made it since.
"""
from __future__ import annotations

import re
from functools import cache

IRI = re.compile(r"/api/(?:shop|admin)/[A-Za-z_/-]+?/\d+(?=$|[\"'/?])")
NOT_FOUND_CODES = re.compile(r"NOT_FOUND$")


@cache
def iri_types() -> set[str]:
    from generated.graphql_bindings import IRI_TEMPLATES
    return set(IRI_TEMPLATES)


@cache
def iri_prefix_types() -> dict[str, list[str]]:
    """{'/api/shop/customer-orders/': ['CustomerDownloadableProductOrder', 'CustomerOrder']}: every type per prefix."""
    from generated.graphql_bindings import IRI_TEMPLATES
    prefixes: dict[str, list[str]] = {}
    for type_name, template in IRI_TEMPLATES.items():
        if template.endswith("/{id}") and template.count("{") == 1:
            prefixes.setdefault(template[:-len("{id}")], []).append(type_name)
    return prefixes


def named_type(graphql_type):
    while hasattr(graphql_type, "of_type"):
        graphql_type = graphql_type.of_type
    return graphql_type


def required_arguments(field) -> set[str]:
    from graphql import GraphQLNonNull
    return {name for name, argument in field.args.items()
            if isinstance(argument.type, GraphQLNonNull) and argument.default_value is None}


class SchemaKinds:
    """Single and list root fields per object type of one surface."""

    def __init__(self, schema):
        from graphql import GraphQLList, GraphQLNonNull
        self.schema = schema
        query = schema.query_type
        self.singles: dict[str, tuple[str, object]] = {}   # type -> (field name, field)
        self.lists: dict[str, tuple[str, object]] = {}
        self.by_name: dict[str, str] = {}                  # root field name -> type
        for name, field in sorted(query.fields.items(), key=lambda item: len(item[0])):
            returned = named_type(field.type)
            if "id" in field.args and required_arguments(field) <= {"id"}:
                self.singles.setdefault(returned.name, (name, field))
                self.by_name[name] = returned.name
            if not required_arguments(field):
                unwrapped = field.type.of_type if isinstance(field.type, GraphQLNonNull) else field.type
                if isinstance(unwrapped, GraphQLList):
                    self.lists.setdefault(returned.name, (name, field))
                elif hasattr(returned, "fields") and "edges" in returned.fields:
                    node = named_type(returned.fields["edges"].type).fields.get("node")
                    if node is not None:
                        self.lists.setdefault(named_type(node.type).name, (name, field))

        self.payload_kinds: dict[str, str] = {}          # mutation field -> type of the object it changes
        templates = iri_types()
        for name, field in (schema.mutation_type.fields.items() if schema.mutation_type else ()):
            payload = named_type(field.type)
            for child in getattr(payload, "fields", {}).values():
                if named_type(child.type).name in templates:
                    self.payload_kinds[name] = named_type(child.type).name
                    break

    def kind_of_argument_name(self, name: str) -> str | None:
        """`countryId` → Country (root field `country`), `orderId` → CustomerOrder (`customerOrder`)."""
        match = re.fullmatch(r"(\w+?)_?[Ii]d", name)
        if not match or not match[1]:
            return None
        stem = match[1].lower()
        candidates = sorted((field_name for field_name in self.by_name if field_name.lower().endswith(stem)),
                            key=len)
        return self.by_name[candidates[0]] if candidates else None


class IdMapper:
    """Maps example ids with requests to the app (results cached for the run)."""

    def __init__(self, client, graphql_paths: dict, schemas: dict, openapi):
        self.client = client
        self.graphql_paths = graphql_paths
        self.kinds = {surface: SchemaKinds(schema) for surface, schema in schemas.items()}
        self.openapi = openapi
        self.cache: dict = {}

    # -- REST

    def rest_exists(self, surface: str, path: str, headers: dict) -> bool | None:
        key = ("rest-exists", path)
        if key not in self.cache:
            template, _, _ = self.openapi(surface).route("GET", path)
            if template is None:
                self.cache[key] = None
            else:
                status = self.client.get(path, headers=headers).status_code
                self.cache[key] = True if status == 200 else False if status == 404 else None
        return self.cache.pop(key) if self.cache[key] is False else self.cache[key]  # a later write may create it

    def rest_listing(self, surface: str, collection: str, headers: dict) -> list[str] | None:
        """The ids of a collection: from its GET, or, for a sub-resource without one
        (`/attributes/12/options`), from the array its parent's document holds under that name."""
        key = ("rest-listing", collection)
        if key not in self.cache:
            found = None
            parent, _, name = collection.rpartition("/")
            template, _, _ = self.openapi(surface).route("GET", collection)
            if template is not None:
                response = self.client.get(collection, headers=headers)
                body = response.json() if response.status_code == 200 else None
                rows = body.get("data", body.get("hydra:member", body)) if isinstance(body, dict) else body
            elif self.openapi(surface).route("GET", parent)[0] is not None and not name.isdigit():
                response = self.client.get(parent, headers=headers)
                body = response.json() if response.status_code == 200 else None
                camel = re.sub(r"[-_](\w)", lambda match: match[1].upper(), name)
                rows = body.get(camel, body.get(name)) if isinstance(body, dict) else None
            else:
                rows = None
            if isinstance(rows, list):
                found = [str(row["id"]).rsplit("/", 1)[-1] for row in rows if isinstance(row, dict) and "id" in row]
            self.cache[key] = found
        return self.cache[key]

    def rest_demo(self, surface: str, collection: str, headers: dict) -> str | None:
        listing = self.rest_listing(surface, collection, headers)
        return listing[0] if listing else None

    def rest_path(self, surface: str, path: str, headers: dict) -> str:
        """Each numeric or placeholder segment that names no existing resource becomes a demo id. An
        item without a GET of its own exists when its collection lists it."""
        segments = path.split("/")
        for position in range(3, len(segments)):
            segment = segments[position]
            placeholder = bool(re.fullmatch(r"\{[^}]*\}|:\w+", segment))
            if not (segment.isdigit() or placeholder):
                continue
            if segment.isdigit():
                exists = self.rest_exists(surface, "/".join(segments[:position + 1]), headers)
                if exists is None:
                    listing = self.rest_listing(surface, "/".join(segments[:position]), headers)
                    exists = None if listing is None else segment in listing
                if exists is not False:
                    continue
            replacement = self.rest_demo(surface, "/".join(segments[:position]), headers)
            segments[position] = replacement or ("1" if placeholder else segment)
        return "/".join(segments)

    # -- GraphQL

    def graphql(self, surface: str, query: str, variables: dict, headers: dict) -> dict:
        response = self.client.post(self.graphql_paths[surface], json={"query": query, "variables": variables},
                                    headers=headers)
        try:
            return response.json()
        except ValueError:
            return {}

    def graphql_exists(self, surface: str, type_name: str, value, headers: dict) -> bool | None:
        single = self.kinds[surface].singles.get(type_name)
        if single is None:
            return None
        key = ("gql-exists", surface, type_name, str(value))
        if key not in self.cache:
            name, field = single
            argument_type = str(field.args["id"].type)
            if "Int" in argument_type:
                if not str(value).isdigit():
                    self.cache[key] = None
                    return None
                value = int(value)
            else:
                value = str(value)
            body = self.graphql(surface, f"query($id: {argument_type}) {{ {name}(id: $id) {{ __typename }} }}",
                                {"id": value}, headers)
            data = (body.get("data") or {}).get(name)
            codes = [(e.get("extensions") or {}).get("code", "") for e in body.get("errors") or []]
            missing = any(NOT_FOUND_CODES.search(code or "") for code in codes)
            self.cache[key] = True if data is not None else False if missing else None
        return self.cache.pop(key) if self.cache[key] is False else self.cache[key]  # a later write may create it

    def still_exists(self, surface: str, type_name: str, value, headers: dict) -> bool:
        """Whether a demo id is still there (asked again: examples delete and move things)."""
        self.cache.pop(("gql-exists", surface, type_name, str(value)), None)
        return self.graphql_exists(surface, type_name, value, headers) is not False

    def graphql_demo(self, surface: str, type_name: str, headers: dict) -> tuple[str, int | None] | None:
        """(id, _id) of the first row the list field of `type_name` returns."""
        listing = self.kinds[surface].lists.get(type_name)
        if listing is None:
            return None
        key = ("gql-demo", surface, type_name)
        if key not in self.cache:
            name, field = listing
            node_type = self.kinds[surface].schema.get_type(type_name)
            wanted = " ".join(f for f in ("id", "_id") if f in getattr(node_type, "fields", {})) or "__typename"
            arguments = "(first: 1)" if "first" in field.args else ""
            returned = named_type(field.type)
            selection = f"{{ edges {{ node {{ {wanted} }} }} }}" if "edges" in getattr(returned, "fields", {}) \
                else f"{{ {wanted} }}"
            body = self.graphql(surface, f"{{ {name}{arguments} {selection} }}", {}, headers)
            data = (body.get("data") or {}).get(name)
            rows = [edge.get("node") for edge in data.get("edges") or []] if isinstance(data, dict) else data or []
            row = rows[0] if rows and isinstance(rows[0], dict) else None
            self.cache[key] = (row.get("id"), row.get("_id")) if row and row.get("id") is not None else None
        return self.cache[key]

    def graphql_value(self, surface: str, type_name: str | None, value, headers: dict):
        """`value` (IRI, numeric string or int) as a demo id of `type_name` when it does not exist."""
        if type_name is None or isinstance(value, bool) or not isinstance(value, (int, str)):
            return value
        if isinstance(value, str) and not (value.isdigit() or IRI.fullmatch(value)):
            return value
        if self.graphql_exists(surface, type_name, value, headers) is not False:
            return value
        demo = self.graphql_demo(surface, type_name, headers)
        if demo is not None and not self.still_exists(surface, type_name, demo[0], headers):
            self.cache.pop(("gql-demo", surface, type_name), None)  # an earlier example removed it: take another
            demo = self.graphql_demo(surface, type_name, headers)
        if demo is None:
            return value
        iri, number = demo
        if number is None and str(iri).rsplit("/", 1)[-1].isdigit():
            number = int(str(iri).rsplit("/", 1)[-1])
        if isinstance(value, int):
            return number if number is not None else value
        if value.isdigit():
            return str(number) if number is not None else value
        return str(iri)

    def kind_of_iri(self, iri: str, surface: str | None = None) -> str | None:
        """The type an IRI names; when several types share its template (CustomerOrder and the
        downloadable purchase's CustomerDownloadableProductOrder), the one with a root field to look it up."""
        prefix = iri[:iri.rstrip("/").rfind("/") + 1]
        candidates = iri_prefix_types().get(prefix, [])
        if surface is not None:
            kinds = self.kinds[surface]
            candidates = sorted(candidates, key=lambda name: (name not in kinds.singles, name not in kinds.lists))
        return candidates[0] if candidates else None

    def map_graphql(self, surface: str, document: str, variables: dict, headers: dict) -> tuple[str, dict]:
        """The document with its literal ids mapped, and the variables with theirs."""
        from graphql import FieldNode, IntValueNode, OperationDefinitionNode, StringValueNode, VariableNode, parse
        kinds = self.kinds[surface]
        tree = parse(document)
        edits = []          # (start, end, text)
        variable_kinds = {}  # variable name -> type for an `id`/`xId` argument

        def kind_for(name: str, root_field: str | None, value, input_kind: str | None) -> str | None:
            if isinstance(value, str) and IRI.fullmatch(value):
                return self.kind_of_iri(value, surface) or (input_kind if name == "id" else None)
            if name == "id":
                return input_kind or (kinds.by_name.get(root_field) if root_field else None)
            return kinds.kind_of_argument_name(name)

        def visit_value(name: str, node, root_field: str | None, input_kind: str | None = None):
            if isinstance(node, VariableNode):
                if input_kind and name == "input":
                    variable_kinds[node.name.value] = ("input", input_kind)
                    return
                kind = kinds.by_name.get(root_field) if name == "id" and root_field \
                    else kinds.kind_of_argument_name(name)
                if kind:
                    variable_kinds[node.name.value] = kind
            elif isinstance(node, (IntValueNode, StringValueNode)):
                raw = int(node.value) if isinstance(node, IntValueNode) else node.value
                mapped = self.graphql_value(surface, kind_for(name, root_field, raw, input_kind), raw, headers)
                if mapped != raw:
                    text = str(mapped) if isinstance(node, IntValueNode) or isinstance(mapped, int) else f'"{mapped}"'
                    edits.append((node.loc.start, node.loc.end, text))
            elif hasattr(node, "fields"):  # an input object literal: its `id` names what the mutation changes
                for child in node.fields:
                    visit_value(child.name.value, child.value, None, input_kind if name == "input" else None)
            elif hasattr(node, "values"):
                for child in node.values:
                    visit_value(name, child, root_field)

        for definition in tree.definitions:
            if not isinstance(definition, OperationDefinitionNode):
                continue
            mutation = definition.operation.value == "mutation"
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode):
                    root = selection.name.value
                    changes = kinds.payload_kinds.get(root) if mutation else None
                    for argument in selection.arguments or ():
                        visit_value(argument.name.value, argument.value, None if mutation else root, changes)
        for start, end, text in sorted(edits, reverse=True):
            document = document[:start] + text + document[end:]
        return document, self.map_variables(surface, variables, variable_kinds, headers)

    def map_variables(self, surface: str, value, variable_kinds: dict, headers: dict, name: str | None = None,
                      top: bool = True):
        kinds = self.kinds[surface]
        if isinstance(value, dict):
            return {key: self.map_variables(surface, item, variable_kinds, headers, key, top=False) if not top
                    else self.map_top_variable(surface, key, item, variable_kinds, headers)
                    for key, item in value.items()}
        if isinstance(value, list):
            return [self.map_variables(surface, item, variable_kinds, headers, name, top=False) for item in value]
        if isinstance(value, str) and IRI.fullmatch(value):
            return self.graphql_value(surface, self.kind_of_iri(value, surface), value, headers)
        if name and name != "id" and isinstance(value, (int, str)):
            return self.graphql_value(surface, kinds.kind_of_argument_name(name), value, headers)
        return value

    def map_top_variable(self, surface, key, item, variable_kinds, headers):
        kind = variable_kinds.get(key)
        if isinstance(kind, tuple) and isinstance(item, dict):  # a mutation input: its `id` names the changed object
            item = dict(item)
            if isinstance(item.get("id"), (int, str)):
                changed = self.kind_of_iri(str(item["id"]), surface) or kind[1]
                item["id"] = self.graphql_value(surface, changed, item["id"], headers)
            return {k: v if k == "id" else self.map_variables(surface, v, variable_kinds, headers, k, top=False)
                    for k, v in item.items()}
        if kind and not isinstance(kind, tuple) and isinstance(item, (int, str)):
            return self.graphql_value(surface, kind, item, headers)
        return self.map_variables(surface, item, variable_kinds, headers, key, top=False)
