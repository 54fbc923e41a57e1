"""Ids of documentation examples mapped to demo ids of the same kind.

An example's id is kept when it names an existing resource here; otherwise it becomes the first id
our own list operation for that kind returns (a numeric id stays numeric, an IRI stays an IRI).

* REST paths: each numeric segment (or `{placeholder}`) is checked with a GET of the path up to it
  and mapped from a GET of the collection before it; an item without a GET of its own is looked up
  in its collection, and a collection without a GET in the array of that name in its parent's
  document (`/attributes/12/options/45`: the `options` of attribute 12). An item must also serve
  the rest of the path: a customer with addresses for `/customers/14/addresses/27`, an order with
  comments for a read of `/orders/2392/comments`, one with units to invoice for a POST to
  `/orders/2392/invoices` (whose `items[].orderItemId` then name its lines), an active customer for
  a POST to `/customers/14/impersonate`.
* GraphQL: the kind of a value is the type its IRI names (`IRI_TEMPLATES`), the type returned by
  the root field whose `id` argument it is, or the type of the root field a `<thing>Id` name points
  at (`countryId` → `country`, `orderId` → `customerOrder`). Existence is asked with that single
  field, the demo id comes from the list field of the same type (`countries(first: 1)`), asked again
  when an earlier example removed it. Ids in variables and in literal arguments of the document are
  both mapped. An IRI of an item under an item (`/api/admin/customers/14/addresses/27`) is mapped as
  its REST path, and a `customerId` beside it follows.
* An id found missing is asked again next time: a create example may have made it since.
* REST writes (`RestMatcher`): an item of the documented `type` or with the body's `code`, members of
  the item's sub-collections, ids named after a collection, another id for one a create finds taken.
"""
from __future__ import annotations

import re
from functools import cache

IRI = re.compile(r"/api/(?:shop|admin)/[A-Za-z_/-]+?/\d+(?=$|[\"'/?])")
NESTED_IRI = re.compile(r"/api/(?:shop|admin)(?:/[A-Za-z_-]+)+/\d+(?:/[A-Za-z_-]+)+/\d+")  # an item under an item
# What a write to an item's action needs of the item, read from its document: lines (`items[]`) with
# units left to invoice, ship or refund (a refund preview too), a refund a paid invoice (it gives back
# what was paid); a cancel cancels what is not invoiced.
ITEM_NEEDS = {"invoices": ("qtyToInvoice", None), "shipments": ("qtyToShip", None),
              "refunds": ("qtyToRefund", "paid"), "cancel": ("qtyToInvoice", None)}
FROZEN = ("closed", "canceled", "fraud")  # orders that take no action
CANDIDATES = 10  # ids of a collection tried for the state a path needs
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
        """`countryId` → Country (root field `country`), `orderId` → CustomerOrder (`customerOrder`), or
        AdminOrder (`adminOrderDetail`) where no root field is named after the thing alone."""
        match = re.fullmatch(r"(\w+?)_?[Ii]d", name)
        if not match or not match[1]:
            return None
        stem = match[1].lower()
        # the thing itself first (`order`, `adminOrder`, `customerOrder`, `adminOrderDetail`), so a longer
        # name that merely ends with it (`adminMarketplaceSubOrder`) is not taken for it
        own = [f"{prefix}{stem}{suffix}" for suffix in ("", "detail") for prefix in ("", "admin", "customer")]
        exact = {field_name.lower(): field_name for field_name in self.by_name}
        candidates = [exact[name] for name in own if name in exact] or sorted(
            (field_name for field_name in self.by_name if field_name.lower().endswith(stem)), key=len) or sorted(
            (field_name for field_name in self.by_name if field_name.lower().endswith(f"{stem}detail")), key=len)
        return self.by_name[candidates[0]] if candidates else None


class IdMapper:
    """Maps example ids with requests to the app (results cached for the run)."""

    def __init__(self, client, graphql_paths: dict, schemas: dict, openapi):
        self.client = client
        self.graphql_paths = graphql_paths
        self.kinds = {surface: SchemaKinds(schema) for surface, schema in schemas.items()}
        self.openapi = openapi
        self.cache: dict = {}
        self.makers: dict = {}  # collection path -> a function that makes a new item and answers its id

    # -- REST

    def rest_get(self, path: str, headers: dict) -> tuple[int, object]:
        response = self.client.get(path, headers=headers)
        try:
            return response.status_code, response.json()
        except ValueError:
            return response.status_code, None

    def forget_rest(self):
        for key in [key for key in self.cache if key[0].startswith("rest-")]:
            del self.cache[key]

    def rest_exists(self, surface: str, path: str, headers: dict) -> bool | None:
        """Asked every time: the examples before may have created or deleted it."""
        template, _, _ = self.openapi(surface).route("GET", path)
        if template is None:
            return None
        status = self.client.get(path, headers=headers).status_code
        return True if status == 200 else False if status == 404 else None

    def rest_listing(self, surface: str, collection: str, headers: dict) -> list[str] | None:
        """The ids of a collection: from its GET, or, for a sub-resource without one
        (`/attributes/12/options`), from the array its parent's document holds under that name."""
        parent, _, name = collection.rpartition("/")
        template, _, _ = self.openapi(surface).route("GET", collection)
        if template is not None:
            status, body = self.rest_get(collection, headers)
            rows = body.get("data", body.get("hydra:member", body)) if status == 200 and isinstance(body, dict) \
                else body if status == 200 else None
        elif self.openapi(surface).route("GET", parent)[0] is not None and not name.isdigit():
            status, body = self.rest_get(parent, headers)
            camel = re.sub(r"[-_](\w)", lambda match: match[1].upper(), name)
            rows = body.get(camel, body.get(name)) if status == 200 and isinstance(body, dict) else None
            if rows is None and status == 200 and isinstance(body, dict) and (camel in body or name in body):
                rows = []  # the parent holds none of that kind (`options: null` of a price attribute)
        else:
            rows = None
        if not isinstance(rows, list):
            return None
        return [str(row["id"]).rsplit("/", 1)[-1] for row in rows if isinstance(row, dict) and "id" in row]

    def suits(self, surface: str, item: str, rest: list[str], method: str, headers: dict) -> bool:
        """Whether the item at `item` serves the rest of the example's path: a write to one of its actions
        needs lines with units in the state the action takes (ITEM_NEEDS); a sub-collection the example
        reads, or names an entry of, needs an entry."""
        if not rest or rest[0].isdigit() or rest[0].startswith("{"):
            return True
        if method != "GET" and rest[0] in ITEM_NEEDS:
            return bool(self.lines_with(item, ITEM_NEEDS[rest[0]], headers))
        if method != "GET" and rest[0] == "impersonate":  # only an active, unsuspended customer is impersonated
            status, document = self.rest_get(item, headers)
            return status == 200 and isinstance(document, dict) and bool(document.get("status")) \
                and not document.get("isSuspended")
        sub = f"{item}/{rest[0]}"
        if method == "POST" and len(rest) == 1:  # a new member of the item's collection (`options` of a select
            status, document = self.rest_get(item, headers)  # attribute): an item that holds members of that kind
            if status == 200 and isinstance(document, dict) and camel(rest[0]) in document:
                return bool(document[camel(rest[0])])
            return True
        if len(rest) >= 2 and rest[1].isdigit():
            if self.rest_exists(surface, f"{sub}/{rest[1]}", headers):
                return True
        elif not (method == "GET" and len(rest) == 1):
            return True
        listing = self.rest_listing(surface, sub, headers)
        return listing is None or bool(listing)

    def rest_page_ids(self, collection: str, headers: dict) -> list[str]:
        """The ids of a collection's largest first page (not cached)."""
        response = self.client.get(collection, headers=headers, params={"per_page": 100})
        body = response.json() if response.status_code == 200 else None
        rows = body.get("data", body) if isinstance(body, dict) else body
        return [str(row["id"]).rsplit("/", 1)[-1] for row in rows if isinstance(row, dict) and "id" in row] \
            if isinstance(rows, list) else []

    def lines_with(self, item: str, need: tuple[str, str | None], headers: dict) -> list[dict]:
        """The lines (`items[]`) of an item's document with units left in `need` (`qtyToInvoice`), when
        its invoices include one in the state the need names."""
        quantity, invoice_state = need
        status, document = self.rest_get(item, headers)
        if status != 200 or not isinstance(document, dict) or document.get("status") in FROZEN:
            return []
        if invoice_state and not any(isinstance(invoice, dict) and invoice.get("state") == invoice_state
                                     for invoice in document.get("invoices") or []):
            return []
        return [line for line in document.get("items") or [] if isinstance(line, dict)
                and isinstance(line.get(quantity), int) and line[quantity] > 0]

    def rest_demo(self, surface: str, collection: str, headers: dict, rest: list[str] = (),
                  method: str = "GET") -> str | None:
        """The first id of the collection that serves the rest of the path (see `suits`), else its first id."""
        listing = self.rest_listing(surface, collection, headers) or []
        for candidate in listing[:CANDIDATES]:
            if self.suits(surface, f"{collection}/{candidate}", list(rest), method, headers):
                return candidate
        if rest and collection in self.makers:  # none left in that state (earlier examples acted on them): a new one
            made = str(self.makers[collection]())
            if self.suits(surface, f"{collection}/{made}", list(rest), method, headers):
                return made
        return None

    def rest_path(self, surface: str, path: str, headers: dict, method: str = "GET") -> str:
        """Each numeric or placeholder segment that names no existing resource, or one that does not
        serve the rest of the path (an order with nothing left to invoice for `/orders/{id}/invoices`,
        a customer without addresses for `/customers/{id}/addresses/{id}`), becomes a demo id that
        does. An item without a GET of its own exists when its collection lists it."""
        segments = path.split("/")
        for position in range(3, len(segments)):
            segment = segments[position]
            placeholder = bool(re.fullmatch(r"\{[^}]*\}|:\w+", segment))
            if not (segment.isdigit() or placeholder):
                continue
            collection, rest = "/".join(segments[:position]), segments[position + 1:]
            exists = False
            if segment.isdigit():
                exists = self.rest_exists(surface, f"{collection}/{segment}", headers)
                if exists is None:
                    listing = self.rest_listing(surface, collection, headers)
                    exists = None if listing is None else segment in listing
                if exists is None or exists and self.suits(surface, f"{collection}/{segment}", rest, method, headers):
                    continue
            replacement = self.rest_demo(surface, collection, headers, rest, method)
            if replacement is None and position >= 5 and segments[position - 2].isdigit():
                # a member of a parent that has none (`/products/454/images/47`): a parent that has some
                parents = "/".join(segments[:position - 2])
                for candidate in self.rest_page_ids(parents, headers):
                    members = self.rest_listing(surface, f"{parents}/{candidate}/{segments[position - 1]}", headers)
                    if members:
                        segments[position - 2], replacement = candidate, members[0]
                        break
            if replacement is None and not exists:
                replacement = next(iter(self.rest_listing(surface, collection, headers) or []), None)
            segments[position] = replacement or ("1" if placeholder else segment)
        return "/".join(segments)

    def action_lines(self, path: str, body, headers: dict):
        """`items[].orderItemId` of a write to an item's action (`/orders/{id}/invoices`) as lines of
        that item with units in the state the action takes, each quantity within the line's units:
        the documented lines, as many as the item has."""
        segments = path.rstrip("/").split("/")
        position = next((index for index in range(len(segments) - 1, 0, -1)
                         if segments[index] in ITEM_NEEDS and segments[index - 1].isdigit()), None)
        if position is None or not isinstance(body, dict) or not isinstance(body.get("items"), list):
            return body
        need = ITEM_NEEDS[segments[position]]
        lines = self.lines_with("/".join(segments[:position]), need, headers)
        need = need[0]
        entries = [entry for entry in body["items"] if isinstance(entry, dict) and "orderItemId" in entry]
        if not lines or not entries:
            return body
        mapped = []
        for entry, line in zip(entries, lines):
            quantity = entry.get("quantity")
            mapped.append({**entry, "orderItemId": type(entry["orderItemId"])(line["id"]),
                           **({"quantity": min(quantity, line[need])} if isinstance(quantity, int) else {})})
        return {**body, "items": mapped}

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

    def rest_demo_of_type(self, surface: str, type_name: str, headers: dict) -> tuple[str, int | None] | None:
        """(IRI, id) of a type without a list field of its own (the order detail's `AdminOrder`, whose
        list shows rows of another type): the first id of the REST collection its IRI template names."""
        from generated.graphql_bindings import IRI_TEMPLATES
        template = IRI_TEMPLATES.get(type_name, "")
        if not template.endswith("/{id}") or template.count("{") != 1:
            return None
        first = self.rest_demo(surface, template[:-len("/{id}")], headers)
        return (template.replace("{id}", first), int(first)) if first and first.isdigit() else None

    def nested_iri(self, surface: str, value: str, headers: dict) -> str:
        """An IRI of an item under an item (`/api/admin/customers/14/addresses/27`) is the REST path of
        that item: mapped as one."""
        if self.openapi(surface).route("GET", value)[0] is None:
            return value
        return self.rest_path(surface, value, headers)

    def graphql_value(self, surface: str, type_name: str | None, value, headers: dict):
        """`value` (IRI, numeric string or int) as a demo id of `type_name` when it does not exist."""
        if type_name is None or isinstance(value, bool) or not isinstance(value, (int, str)):
            return value
        if isinstance(value, str) and not (value.isdigit() or IRI.fullmatch(value)):
            return value
        if self.graphql_exists(surface, type_name, value, headers) is not False:
            return value
        if self.kinds[surface].lists.get(type_name) is None:
            demo = self.rest_demo_of_type(surface, type_name, headers)
        else:
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

    def graphql_others(self, surface: str, type_name: str | None, current, headers: dict) -> list[str]:
        """Ids (IRIs) of up to 50 rows of a type other than `current`, fresh (not cached)."""
        listing = self.kinds[surface].lists.get(type_name) if type_name else None
        if listing is None:
            return []
        name, field = listing
        arguments = "(first: 50)" if "first" in field.args else ""
        selection = "{ edges { node { id } } }" if "edges" in getattr(named_type(field.type), "fields", {}) else "{ id }"
        data = (self.graphql(surface, f"{{ {name}{arguments} {selection} }}", {}, headers).get("data") or {}).get(name)
        rows = [edge.get("node") for edge in data.get("edges") or []] if isinstance(data, dict) else data or []
        return [row["id"] for row in rows if isinstance(row, dict) and row.get("id") not in (None, current)]

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
            mapped = {key: self.map_variables(surface, item, variable_kinds, headers, key, top=False) if not top
                      else self.map_top_variable(surface, key, item, variable_kinds, headers)
                      for key, item in value.items()}
            return self.with_parents(value, mapped)
        if isinstance(value, list):
            return [self.map_variables(surface, item, variable_kinds, headers, name, top=False) for item in value]
        if isinstance(value, str) and NESTED_IRI.fullmatch(value):
            return self.nested_iri(surface, value, headers)
        if isinstance(value, str) and IRI.fullmatch(value):
            return self.graphql_value(surface, self.kind_of_iri(value, surface), value, headers)
        if name and name != "id" and isinstance(value, (int, str)):
            return self.graphql_value(surface, kinds.kind_of_argument_name(name), value, headers)
        return value

    @staticmethod
    def with_parents(original: dict, mapped: dict) -> dict:
        """Beside a nested IRI that was mapped, the `<parent>Id` values that named its parent name the new one
        (`{"customerId": 14, "id": "/api/admin/customers/14/addresses/27"}`)."""
        for key, value in original.items():
            if not (isinstance(value, str) and NESTED_IRI.fullmatch(value)) or mapped.get(key) == value:
                continue
            moved = {old: new for old, new in zip(value.split("/"), str(mapped[key]).split("/"))
                     if old.isdigit() and old != new}
            for other, item in original.items():
                if other != key and re.search(r"[Ii]d$", other) and isinstance(item, (int, str)) \
                        and str(item) in moved:
                    mapped[other] = type(item)(moved[str(item)])
        return mapped

    def map_top_variable(self, surface, key, item, variable_kinds, headers):
        kind = variable_kinds.get(key)
        if isinstance(kind, tuple) and isinstance(item, dict):  # a mutation input: its `id` names the changed object
            original, item = item, dict(item)
            if isinstance(item.get("id"), str) and NESTED_IRI.fullmatch(item["id"]):
                item["id"] = self.nested_iri(surface, item["id"], headers)
            elif isinstance(item.get("id"), (int, str)):
                changed = self.kind_of_iri(str(item["id"]), surface) or kind[1]
                item["id"] = self.graphql_value(surface, changed, item["id"], headers)
            return self.with_parents(original, {
                k: v if k == "id" else self.map_variables(surface, v, variable_kinds, headers, k, top=False)
                for k, v in item.items()})
        if kind and not isinstance(kind, tuple) and isinstance(item, (int, str)) \
                and not (isinstance(item, str) and NESTED_IRI.fullmatch(item)):
            return self.graphql_value(surface, kind, item, headers)
        return self.map_variables(surface, item, variable_kinds, headers, key, top=False)


def camel(name: str) -> str:
    return re.sub(r"[-_](\w)", lambda match: match[1].upper(), name)


def numeric(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) or isinstance(value, str) and value.isdigit()


class RestMatcher:
    """REST writes whose example names a resource by what it is, not only by its id: an item of the
    documented `type` (a grouped product for a grouped update) or with the body's `code`; members of an
    item's sub-collection (`attribute_groups` keyed by group ids, an image reorder's `order[].id`); ids
    named after a collection (`categories: [43, 44]`). Ids that do not fit become ours of that kind."""

    def __init__(self, ids: IdMapper, document):
        self.ids = ids
        self.document = document  # surface -> the bundled OpenAPI document (a dict)

    def get(self, path: str, headers: dict, params: dict | None = None):
        response = self.ids.client.get(path, headers=headers, params=params)
        try:
            return response.json() if response.status_code == 200 else None
        except ValueError:
            return None

    def item(self, surface: str, path: str, wanted: dict, headers: dict, documented=None) -> str:
        """`path` with its last id naming an item whose fields hold `wanted` ({"type": "grouped"}), when
        the collection has one; one holding a value for each field the documented answer shows first."""
        documented = documented if isinstance(documented, dict) else {}
        collection, _, key = path.rpartition("/")
        if not wanted or not key.isdigit() or self.ids.openapi(surface).route("GET", collection)[0] is None:
            return path
        current = self.get(path, headers)
        if isinstance(current, dict) and all(current.get(k) == v for k, v in wanted.items()):
            return path
        for attempt in wanted.items(), list(wanted.items())[-1:]:  # every wanted field, else the last (the kind)
            for params in ({**dict(attempt), "per_page": 50}, {"per_page": 50}):
                body = self.get(collection, headers, params)
                rows = body.get("data", body) if isinstance(body, dict) else body
                matching = [row for row in rows if isinstance(row, dict) and "id" in row
                            and all(row.get(k) == v for k, v in attempt)] if isinstance(rows, list) else []
                # rows that hold every value the page shows (a named product, not a draft an example made)
                complete = [row for row in matching if all(row.get(k) is not None for k, v in documented.items()
                                                           if k in row and isinstance(v, (str, int, float)))]
                if complete or matching:
                    return f"{collection}/{str((complete or matching)[0]['id']).rsplit('/', 1)[-1]}"
        return path

    def body(self, surface: str, path: str, body, headers: dict):
        """The body with member ids of the item's sub-collections and collection-named ids pointed at ours."""
        if not isinstance(body, dict):
            return body
        segments = path.split("/")
        action = None
        if len(segments) > 2 and not segments[-1].isdigit() and segments[-3].isdigit():
            action = segments[-2]  # /products/12/images/reorder: the members of `images`
            item_path = "/".join(segments[:-2])
        else:
            item_path = path if segments[-1].isdigit() else None
        document = self.get(item_path, headers) if item_path else None
        document = document if isinstance(document, dict) else {}
        changed = {}
        for key, value in body.items():
            members = document.get(camel(action or key))
            member_ids = [row["id"] for row in members if isinstance(row, dict) and "id" in row] \
                if isinstance(members, list) else None
            if member_ids and isinstance(value, dict) and action is None:
                changed[key] = self.rekeyed(value, member_ids)
            elif member_ids and isinstance(value, list) and action is not None:
                changed[key] = self.reid(value, member_ids)
            elif isinstance(value, list) and value and all(numeric(v) for v in value):
                changed[key] = self.collection_ids(surface, key, value, headers)
            else:
                changed[key] = value
        return changed

    @staticmethod
    def rekeyed(value: dict, member_ids: list) -> dict:
        spare = [str(i) for i in member_ids if str(i) not in value]
        return {(spare.pop(0) if key.isdigit() and int(key) not in member_ids and spare else key): item
                for key, item in value.items()}

    @staticmethod
    def reid(rows: list, member_ids: list) -> list:
        used = {row.get("id") for row in rows if isinstance(row, dict)}
        spare = [i for i in member_ids if i not in used]
        return [{**row, "id": spare.pop(0)} if isinstance(row, dict) and row.get("id") not in member_ids and spare
                else row for row in rows]

    def collection_ids(self, surface: str, key: str, values: list, headers: dict) -> list:
        """Ids in a list named like a collection of the surface (`categories` → /catalog/categories)."""
        document = self.document(surface)
        base = document["servers"][0]["url"].rstrip("/")
        names = {key.replace("_", "-"), key}
        collections = [base + template for template in document["paths"]
                       if "{" not in template and template.rsplit("/", 1)[-1] in names
                       and "get" in document["paths"][template]]
        if len(collections) != 1:
            return values
        listing = self.ids.rest_listing(surface, collections[0], headers) or []
        spare = [i for i in listing if int(i) not in {int(v) for v in values}]
        mapped = []
        for value in values:
            if self.ids.rest_exists(surface, f"{collections[0]}/{value}", headers) is False and spare:
                value = type(value)(spare.pop(0))
            mapped.append(value)
        return mapped

    def other_id(self, surface: str, field: str, value: int, attempt: int, headers: dict) -> int:
        """Another id of the kind a field names (`target_currency` → /settings/currencies), newest first;
        a plain number (`qty`) becomes a larger one."""
        document = self.document(surface)
        base = document["servers"][0]["url"].rstrip("/")
        word = re.split(r"_|(?=[A-Z])", re.sub(r"_?[Ii]d$", "", field))[-1].lower()
        plural = word[:-1] + "ies" if word.endswith("y") else word + "s"
        collections = [base + template for template in document["paths"]
                       if "{" not in template and template.rsplit("/", 1)[-1] == plural
                       and "get" in document["paths"][template]]
        if len(collections) == 1:
            body = self.get(collections[0], headers, {"per_page": 100, "sort": "id", "order": "desc"})
            rows = body.get("data", body) if isinstance(body, dict) else body
            ids = [int(str(row["id"]).rsplit("/", 1)[-1]) for row in rows if isinstance(row, dict) and "id" in row] \
                if isinstance(rows, list) else []
            ids = [i for i in sorted(ids, reverse=True) if i != value]
            if ids:
                return ids[min(attempt, len(ids) - 1)]
        return value + attempt + 1

    def identifier_filters(self, path: str, query: list, headers: dict) -> list:
        """A list example filtering by an exact `sku` that names nothing here: the sku of the first row
        the same filters find without it."""
        if not any(key == "sku" for key, _ in query):
            return query
        found = self.get(path, headers, query)
        if not isinstance(found, dict) or found.get("data"):
            return query
        others = self.get(path, headers, [(key, value) for key, value in query if key != "sku"])
        rows = others.get("data") if isinstance(others, dict) else None
        if not rows or not isinstance(rows[0], dict) or "sku" not in rows[0]:
            return query
        return [(key, rows[0]["sku"] if key == "sku" else value) for key, value in query]
