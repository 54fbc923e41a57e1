"""The three checks of a documentation example against our API.

a. valid — the request fits our spec: a GraphQL document (and its variables) validates against
   generated/graphql/<surface>.graphql; a REST request routes to an operation of
   generated/openapi/<surface>.yaml (path template and method), sends only declared query
   parameters with values of their schema, and a body that validates against the request schema.
b. executes — sent to the app over the demo catalog, it gets neither a 5xx nor a 501 (GraphQL: no
   error with a 5xx status or INTERNAL_SERVER_ERROR).
c. shape — our response has every field the documented response shows, with a compatible JSON type
   (null in the doc matches anything; our null where the doc shows a value does not; arrays compare
   their first elements).

The checks are a funnel: only a valid example is executed, only an executed one is compared.

Execution order and state (see `Runner`): reads first (REST GET, GraphQL queries), then writes,
then destructive examples (DELETE, mass deletes, `delete*`/`*Delete` mutations, logout,
delete-self), the overview pages' (one level deep) after the operation pages'; shop before admin
within each phase, then by page. Reads therefore see the untouched
demo catalog, and a deletion can only affect the deletions after it. Destructive examples are not
redirected to throwaway objects; running them last is the whole protection.

Who calls: the storefront key of the tests on every shop request; the bearer our spec asks for —
a guest cart token from Create Cart (its cart holds one product, and for checkout pages addresses,
shipping and payment are chosen; a read whose cart line shows its variant's `attributes` gets a cart
of a configurable product's variant; no example sees a cart an earlier write changed), or
the docs customer's token (registered with the profile the registration page shows, then logged in
as documented, with five addresses, an invoiced and shipped order (three download links), a review,
and two products in their wishlist and compare list; a guest order of the month is invoiced and waits for its shipment; GraphQL fields that take a cart or a customer token outside the cart pages
get it too, as their pages document); admin examples use an all-permissions integration token
(tests/admin_fixtures.py) of an admin holding the shared `Administrator` role, a new one after an
example that changed admins or roles. A destructive
example gets a throwaway admin, or a throwaway customer when it ends the customer (logout,
profile delete) or empties a list of theirs that later examples read (delete all wishlist or
compare items).

Values: ids that do not exist here become demo ids of the same kind, in the state the example needs
(tests/docs/ids.py; a new guest order when no order is left to invoice or cancel); an admin REST write
names an item of the type its documented answer shows (a grouped product for the grouped update) or
with the `code` its body sends, and its body's members of the item's sub-collections, ids named after a
collection and grouped/bundle members are ours; login examples log the docs customer in, registrations
get a new email, well-known body ids (products, cart lines, addresses) point at ours; a create refused
because a unique value is taken (or a product already in a list) is sent again with that value made
unique (an id: another of its kind), a shop mutation changing or deleting a record of the caller's own
(a review, a wishlist entry) acts on a new one of the docs customer's, a payment method the store does
not offer becomes one it does, an elided image data URL (`base64,/9j/4AAQ...`) a real image, an
example documenting a not-found error asks for the id its error names,
a GraphQL delete refused for its record's state (400/409) names the kind's other records in turn, and a
filter naming nothing here (a REST `sku`; a GraphQL list's `name`, `sku` or `code` where the page shows
rows; a GraphQL item looked up by `sku` or `code`) names one of ours.
Documented values are never compared, only shapes.
"""
from __future__ import annotations

import base64
import copy
import json
import re
import time
import uuid
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import yaml
from jsonschema import Draft4Validator

from codegen.openapi_schema import to_json_schema
from tests.docs.extract import Example

ROOT = Path(__file__).resolve().parents[2]
GENERATED = ROOT / "generated"
GRAPHQL_PATHS = {"shop": "/api/graphql", "admin": "/api/admin/graphql"}


@dataclass
class Result:
    example: Example
    valid: bool = False
    executes: bool | None = None      # None: not run (invalid)
    shape: bool | None = None         # None: not compared (not executed, or no documented response)
    reason: str = ""                  # the first failing check's reason
    reasons: list = field(default_factory=list)   # every problem of that check (for the top-reasons list)
    status: int | None = None
    excepted: str | None = None       # the exceptions table's reason, when listed there
    operation: str | None = None      # "GET /api/shop/products/{id}" or "Query.products"

    @property
    def passed(self) -> bool:
        return self.valid and bool(self.executes) and self.shape is not False


# ============================================================================ a. validity

@cache
def graphql_schema(surface: str):
    from graphql import build_schema
    return build_schema((GENERATED / "graphql" / f"{surface}.graphql").read_text(encoding="utf-8"))


def check_graphql(example: Example) -> tuple[bool, list[str], str | None]:
    """(valid, problems, root field) of a GraphQL example."""
    from graphql import GraphQLError, OperationDefinitionNode, parse, validate
    from graphql.execution.values import get_variable_values
    if example.variables_error:
        return False, [example.variables_error], None
    try:
        document = parse(example.document)
    except GraphQLError as error:
        return False, [f"syntax error: {error.message}"], None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    root = root_field_name(operations[0]) if operations else None
    schema = graphql_schema(example.surface)
    errors = validate(schema, document, hide_suggestions=True)
    if errors:
        return False, [error.message for error in errors], root
    if len(operations) == 1 and example.variables is not None:  # a page that shows no variables is not checked for them
        coerced = get_variable_values(schema, operations[0].variable_definitions or [], example.variables or {})
        if isinstance(coerced, list):
            return False, [error.message for error in coerced], root
    return True, [], root


def root_field_name(operation) -> str | None:
    from graphql import FieldNode
    for selection in operation.selection_set.selections:
        if isinstance(selection, FieldNode):
            return f"{operation.operation.value.title()}.{selection.name.value}"
    return None


class OpenApi:
    """Routes and request schemas of one bundled document."""

    def __init__(self, surface: str):
        self.document = yaml.load((GENERATED / "openapi" / f"{surface}.yaml").read_text(encoding="utf-8"),
                                  Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        self.base = self.document["servers"][0]["url"].rstrip("/")
        self.schemas = self.document.get("components", {}).get("schemas", {})
        self.routes = []  # (regex, template, path item), literal templates first
        for template, item in self.document["paths"].items():
            pattern = re.sub(r"\\\{([^}]+)\\\}", lambda m: f"(?P<{safe_group(m[1])}>[^/]+)", re.escape(template))
            self.routes.append((re.compile(f"^{re.escape(self.base)}{pattern}$"), template, item))
        self.routes.sort(key=lambda route: (route[1].count("{"), route[1]))

    def resolve(self, node: dict) -> dict:
        while isinstance(node, dict) and "$ref" in node:
            kind, name = node["$ref"].split("/")[-2:]
            node = self.document["components"][kind][name]
        return node

    def json_schema(self, schema: dict) -> dict:
        return to_json_schema(schema, self.schemas.__getitem__)

    def route(self, method: str, path: str):
        """(template, operation, path parameters) or (None, reason, None)."""
        matched = [(template, item, match) for regex, template, item in self.routes
                   if (match := regex.match(path))]
        if not matched:
            return None, f"no operation at {shape_of_path(path)}", None
        for template, item, match in matched:
            operation = item.get(method.lower())
            if operation is not None:
                names = {safe_group(name): name for name in re.findall(r"\{([^}]+)\}", template)}
                return template, {**operation, "_item": item}, {names[k]: v for k, v in match.groupdict().items()}
        allowed = sorted({method.upper() for _, item, _ in matched for method in item
                          if method in ("get", "post", "put", "patch", "delete")})
        return None, f"{method} not allowed at {self.base}{matched[0][0]} (only {', '.join(allowed)})", None

    def parameters(self, operation: dict) -> list[dict]:
        merged = {}
        for node in operation["_item"].get("parameters", []) + operation.get("parameters", []):
            parameter = self.resolve(node)
            merged[(parameter["name"], parameter["in"])] = parameter
        return list(merged.values())


def safe_group(name: str) -> str:
    return re.sub(r"\W", "_", name)


def shape_of_path(path: str) -> str:
    return re.sub(r"/\d+(?=/|$)", "/{id}", path)


@cache
def openapi(surface: str) -> OpenApi:
    return OpenApi(surface)


def rest_document(surface: str, path: str) -> str:
    """The document that serves a path: a shop-page path outside `/api/shop` (the overview pages'
    resource paths, `/api/cart_tokens`) belongs to the `resources` document mounted at `/api`."""
    if surface == "shop" and not path.startswith("/api/shop") and (GENERATED / "openapi" / "resources.yaml").exists():
        return "resources"
    return surface


class PathRouted:
    """The routes of a surface's pages, each path looked up in the document that serves it."""

    def __init__(self, surface: str):
        self.surface = surface

    def route(self, method: str, path: str):
        return openapi(rest_document(self.surface, path)).route(method, path)


def coerce(value: str, schema: dict):
    """A query or path string as the parameter's schema type, for validation."""
    kind = schema.get("type")
    try:
        if kind == "integer":
            return int(value)
        if kind == "number":
            return float(value)
        if kind == "boolean":
            return {"true": True, "false": False, "1": True, "0": False}.get(value.lower(), value)
        if kind == "array":
            return [coerce(item, schema.get("items", {})) for item in value.split(",")]
    except ValueError:
        return value
    return value


def check_rest(example: Example) -> tuple[bool, list[str], str | None]:
    """(valid, problems, "METHOD template") of a REST example."""
    api = openapi(rest_document(example.surface, example.path))
    template, operation, path_values = api.route(example.method, example.path)
    if template is None:
        return False, [operation], None
    name = f"{example.method} {api.base}{template}"
    problems = []
    parameters = api.parameters(operation)
    declared = {p["name"]: p for p in parameters if p["in"] == "query"}
    deep = {n for n, p in declared.items()
            if p.get("style") == "deepObject" or p.get("schema", {}).get("type") == "object"}
    for key, value in example.query:
        base = key.split("[", 1)[0]
        if key not in declared and base not in deep:
            problems.append(f"undeclared query parameter `{key}`")
            continue
        if key in declared:
            schema = api.json_schema(declared[key].get("schema", {}))
            problems += [f"query `{key}`: {error.message}" for error in
                         Draft4Validator(schema).iter_errors(coerce(value, schema))][:1]
    sent = {key.split("[", 1)[0] for key, _ in example.query}
    problems += [f"required query parameter `{n}` missing" for n, p in declared.items()
                 if p.get("required") and n not in sent]
    for parameter in parameters:
        if parameter["in"] == "path" and parameter["name"] in path_values:
            value = path_values[parameter["name"]]
            if re.fullmatch(r"\{[^}]*\}|:\w+", value):
                continue  # a placeholder; execution puts an id in
            schema = api.json_schema(parameter.get("schema", {}))
            problems += [f"path `{parameter['name']}`: {error.message}" for error in
                         Draft4Validator(schema).iter_errors(coerce(value, schema))][:1]
    body = operation.get("requestBody")
    body = api.resolve(body) if body else None
    if example.body_kind == "raw":
        problems.append("body is not JSON")
    elif example.body_kind is not None and body is None:
        problems.append("a body on an operation that takes none")
    elif body is not None:
        content = body.get("content", {})
        if example.body_kind is None:
            if body.get("required"):
                problems.append("request body required")
        elif example.body_kind == "json":
            media = content.get("application/json")
            if media is None:
                problems.append(f"JSON body, operation takes {', '.join(content)}")
            else:
                schema = api.json_schema(media.get("schema", {}))
                for error in sorted(Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)
                                    .iter_errors(example.body), key=lambda e: list(e.absolute_path)):
                    where = ".".join(str(p) for p in error.absolute_path)
                    problems.append(f"body{'.' + where if where else ''}: {short(error.message)}")
        elif example.body_kind == "form":
            media = content.get("multipart/form-data") or content.get("application/x-www-form-urlencoded")
            if media is None:
                problems.append(f"form body, operation takes {', '.join(content)}")
            else:
                schema = api.resolve(media.get("schema", {}))
                properties = schema.get("properties", {})
                names = {key.split("[", 1)[0] for key in example.body}
                problems += [f"form field `{n}` not declared" for n in sorted(names - set(properties))
                             if not schema.get("additionalProperties")]
                problems += [f"form field `{n}` required" for n in schema.get("required", []) if n not in names]
    return not problems, problems, name


def short(message: str, limit: int = 160) -> str:
    return message if len(message) <= limit else message[:limit] + "…"


def check_valid(example: Example) -> tuple[bool, list[str], str | None]:
    return check_graphql(example) if example.kind == "graphql" else check_rest(example)


# ============================================================================ c. shape

def json_type(value) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    return "object"


def compare_shape(documented, ours, path: str = "", nullable: frozenset = frozenset(),
                  mixed: dict | None = None, any_scalar: bool = False) -> list[str]:
    """Every field of `documented` missing from `ours` or of an incompatible JSON type. Our null
    where the doc shows a value is a mismatch unless the page documents the field as nullable; a
    scalar of another type than the doc shows is one unless the page documents the field as `mixed`."""
    where = path or "(top)"
    if documented is None or isinstance(documented, str) and documented.strip(". …") == "" and documented.strip():
        return []  # an elided value (`"slots": ["..."]`), as a placeholder key is skipped below
    expected, actual = json_type(documented), json_type(ours)
    mixed = mixed or {}
    if actual == "null":
        if path.rsplit(".", 1)[-1].removesuffix("[]") in nullable:
            return []
        return [f"null where the doc shows {expected} at {where}"]
    scalars = ("string", "number", "boolean")
    if expected != actual and not (any_scalar and expected in scalars and actual in scalars):
        return [f"{actual} where the doc shows {expected} at {where}"]
    problems = []
    if expected == "object":
        for key, value in documented.items():
            if key.strip(". …") == "" or key.startswith("//"):
                continue  # a placeholder key ("...": "more fields")
            child = f"{path}.{key}" if path else key
            if key not in ours:
                problems.append(f"missing field `{key}` at {where}")
            else:
                # a `mixed` field, in an object that shows only fields of that field's table
                problems += compare_shape(value, ours[key], child, nullable, mixed,
                                          key in mixed and set(documented) <= mixed[key])
    elif expected == "array" and documented and ours:
        problems += compare_shape(documented[0], ours[0], f"{path}[]", nullable, mixed)
    return problems


# ============================================================================ b. execution

CART_FIELD = re.compile(r"Cart|Checkout|Coupon|^createOrder$|PaymentMethods|ShippingRates")
DESTRUCTIVE_FIELD = re.compile(r"^delete|Delete(?:$|[A-Z])|Logout|DeleteSelf|^refreshToken$")
DESTRUCTIVE_PATH = re.compile(
    r"/(?:mass-delete|mass-destroy|delete-self|logout|delete|customer_profile_deletes|refresh-token)(?:/|$)")
CUSTOMER_ENDING = re.compile(r"(?i)logout|profiledelete|customer[-_]profile|refresh-?token")  # the token stops working
EMPTIES_CUSTOMER_LIST = re.compile(r"DeleteAll(?:Wishlists|CompareItems)$")  # would empty the lists later examples read
ADMIN_CHANGING = re.compile(r"(?i)roles?\b|users?\b|Role|User|integration-tokens|IntegrationToken")
ADDRESS_BOOK = re.compile(r'"(?:addressId|address_id|billingAddressId|shippingAddressId)"'
                          r'|\b(?:billing|shipping)?AddressId\s*:')
OWN_RESOURCES = re.compile(r"^(/api/shop/customer-profile-updates/)(\d+|\{[^}]*\})$")  # the bearer's own profile
ADMIN_DRAFT_PATH = re.compile(r"^(/api/admin/(?:carts|orders/place)/)(\d+|\{[^}]*\})(?=/|$)")  # a draft cart
ADMIN_DRAFT_FIELD = re.compile(r"AdminCart$|^adminCart|^createAdminPlaceOrder$")
DRAFT_CART_IRI = re.compile(r"^/api/admin/carts/\d+$")
DELETE_SELF = re.compile(r"(?i)delete-?self")
PROFILE_DELETE = re.compile(r"(?i)customer_profile_deletes")
ATTRIBUTE_MASS_DELETE = "/api/admin/catalog/attributes/mass-delete"  # the page deletes user-defined attributes
IMPORTS = "/api/admin/settings/data-transfer/imports"
IMPORT_ACTION = re.compile(r"^/api/admin/settings/data-transfer/imports/(\d+|\{[^}]*\})/(validate|start|link|index|cancel)$")
IMPORT_FIELD = re.compile(r"^(validate|start|link|index|cancel)AdminSettingsDataTransferImport")
# The states each stage of an import takes (domain/data_transfer/imports.py), and the stages before it: the
# pages run one import's lifecycle out of order (index and link before start, cancel after the other page's).
IMPORT_STAGES = {"validate": ("pending",), "start": ("validated", "processing"), "link": ("processed",),
                 "index": ("linked",), "cancel": ("pending", "validated", "processing", "linked")}
IMPORT_STEPS = {"validate": (), "start": ("validate",), "link": ("validate", "start"),
                "index": ("validate", "start", "link"), "cancel": ()}
CART_TOKEN_PATH = re.compile(r"^(/api/cart_tokens/)([^/{]+)$")  # a guest cart named by its token
ADDRESS_BOOK_PATH = re.compile(r"customer[-_]addresses")
PRODUCT_KEY_PATH = re.compile(r"^(/api/products/)([a-z][a-z0-9-]*)$")  # a product named by its URL key
REMOVE_COUPON = re.compile(r"remove[-_]coupon|RemoveCoupon")
MERGE_CART = re.compile(r"(?i)merge[-_]?carts?$|MergeCart$")
PROFILE_UPDATE = re.compile(r"customer-profile-updates|CustomerProfileUpdate|^updateCustomer$")
LOGIN = re.compile(r"(?i)/login$|Login$")
REGISTRATION = re.compile(r"^/api/shop/customers$|^createCustomer$")
KEEP_HEADERS = {"accept", "content-type", "x-locale", "x-channel", "x-currency", "idempotency-key", "accept-language"}
VARIANT_LINE = re.compile(r'"attributes": \{"')  # a cart line showing its variant's options
ELIDED_DATA_URL = re.compile(r"data:image/[\w.+-]+;base64,[A-Za-z0-9+/=]*(?:\.\.\.|…)")  # a page's shortened file
TINY_PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000"
                         "1f15c4890000000d4944415478da6364f8cf500f00038601805a347d6b0000000049454e44ae426082")


def operation_type(example: Example) -> str:
    return "mutation" if re.match(r"\s*mutation\b", example.document or "") else "query"


def graphql_root(example: Example) -> str:
    match = re.search(r"\{\s*(?:\w+\s*:\s*)?(\w+)", example.document or "")
    return match[1] if match else ""


def phase(example: Example) -> int:
    """0 reads, 1 writes, 2 destructive."""
    if example.kind == "graphql":
        if DESTRUCTIVE_FIELD.search(graphql_root(example)):
            return 2
        return 1 if operation_type(example) == "mutation" else 0
    if example.method == "DELETE" or DESTRUCTIVE_PATH.search(example.path or ""):
        return 2
    return 0 if example.method == "GET" else 1


def run_order(example: Example) -> tuple:
    """Phases in order; deletions of the overview pages (graphql-api/admin-api.md, one level deep) after those
    of the operation pages, so an overview's `deleteProduct` does not take away what a detail page deletes."""
    overview = phase(example) == 2 and example.page.count("/") <= 1
    return phase(example), overview, example.surface != "shop", example.page, example.index


@cache
def graphql_auth() -> dict:
    """{(surface, root field): security schemes} from the generated bindings."""
    from generated.graphql_bindings import ROOT_FIELDS
    return {(surface, field["field"]): set(field["auth"] or ()) for surface, fields in ROOT_FIELDS.items()
            for field in fields}


@cache
def default_install_admin():
    """The administrator a default install starts with (role 1 `Administrator`, user 1), created once."""
    from domain.access import create_admin_with_token
    from storage.admin_models import AdminUser
    from storage.db import database
    from tests.admin_fixtures import PASSWORD
    with database.connection_context():
        if not AdminUser.select().exists():
            create_admin_with_token("Administrator", "admin@example.com", PASSWORD)


def upload_file(value: str) -> tuple:
    """A real file for a form field `@name.ext`: a product CSV for a .csv name, else a PNG under that name."""
    name = value.lstrip("@").rsplit("/", 1)[-1]
    if name.lower().endswith(".csv"):
        return name, b"sku,name,price\nDOCS-CSV-1,Docs import,9.50\n", "text/csv"
    return re.sub(r"\.\w+$", "", name) + ".png", TINY_PNG, "image/png"


class Runner:
    """Executes examples in-process with tokens obtained the documented way."""

    def __init__(self, client, storefront_key: str):
        from tests.docs.ids import IdMapper, RestMatcher
        self.client = client
        self.key = storefront_key
        self.ids = IdMapper(client, GRAPHQL_PATHS, {s: graphql_schema(s) for s in GRAPHQL_PATHS}, PathRouted)
        self.matcher = RestMatcher(self.ids, lambda surface: openapi(surface).document)
        self.customer = self.new_customer("docs")
        self.admin_token = self.new_admin_token("docs")
        self.product_id = self.plain_product()
        self.cart = None
        self.coupon = self.demo_coupon()
        self.invoiced_guest_order()  # before the docs customer's order, which stays the newest
        self.prepare_customer_data()
        self.ids.makers["/api/admin/orders"] = self.guest_order
        # records of the caller's own that a change or deletion acts on, by the IRI template of their kind
        self.own_makers = {"/api/shop/reviews/{id}": self.own_review,
                           "/api/shop/wishlists/{id}": self.own_wishlist_item}

    # -- tokens and state

    def shop_headers(self, token: str | None = None) -> dict:
        headers = {"X-STOREFRONT-KEY": self.key}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return headers

    def admin_headers(self) -> dict:
        return {"Authorization": f"Bearer {self.admin_token}"}

    def new_customer(self, label: str, login: bool = True) -> dict:
        """A registered customer. The docs customer logs in as documented and gets an address;
        a throwaway one keeps the token its registration returns."""
        email = f"{label}-{uuid.uuid4().hex[:10]}@example.com"
        password = "SecurePass@123"
        registered = self.client.post("/api/shop/customers", headers=self.shop_headers(),
                                      json={"firstName": label.title(), "lastName": "Docs", "email": email,
                                            "password": password, "confirmPassword": password,
                                            "gender": "Male", "dateOfBirth": "1990-01-15", "phone": "5550100123"})
        assert registered.status_code == 201, registered.text
        customer = {"email": email, "password": password, "token": registered.json()["token"],
                    "id": registered.json()["id"], "address_id": None}
        if not login:
            return customer
        response = self.client.post("/api/shop/customer/login", headers=self.shop_headers(),
                                    json={"email": email, "password": password})
        assert response.status_code in (200, 201), response.text
        customer["token"] = response.json()["token"]
        address = self.client.post("/api/shop/customer-addresses", headers=self.shop_headers(customer["token"]),
                                   json=ADDRESS_BOOK_ENTRY)
        if address.status_code == 201:
            customer["address_id"] = address.json().get("data", {}).get("address", {}).get("id")
        return customer

    @staticmethod
    def new_admin_token(label: str) -> str:
        """An admin of the harness's one full-access role `Docs harness` (restored to full access if
        an example narrowed it). Role 1 is a default install's `Administrator` (held by its
        administrator, see `default_install_admin`), so the roles the examples create, edit and
        delete are roles no harness admin holds."""
        from domain.access import full_access_role
        from storage.db import database
        from tests.admin_fixtures import make_admin
        default_install_admin()
        with database.connection_context():
            role, _change = full_access_role("Docs harness")
        return make_admin(role=role, label=f"docs-{label}")[1]

    @staticmethod
    def plain_product() -> int:
        """The demo catalog's plain simple product with the most stock: every cart the harness prepares
        holds one unit of it, and the checkout examples order some."""
        from peewee import fn

        from storage.db import database
        from storage.models import ProductInventory
        from tests.checkout_fixtures import plain_simple_products
        candidates = plain_simple_products()
        with database.connection_context():
            stock = dict(ProductInventory.select(ProductInventory.product, fn.SUM(ProductInventory.qty))
                         .where(ProductInventory.product.in_(candidates)).group_by(ProductInventory.product).tuples())
        return max(candidates, key=lambda product_id: (stock.get(product_id) or 0, -product_id))

    @cache
    def standalone_products(self) -> list[int]:
        from tests.checkout_fixtures import plain_simple_products
        return plain_simple_products()

    def members(self, value, spare):
        """Products a grouped or bundle body holds (`associated_product_id`, a selection's `product_id`)
        that are not standalone simple products here become distinct ones of ours."""
        if isinstance(value, list):
            return [self.members(item, spare) for item in value]
        if not isinstance(value, dict):
            return value
        plain = set(self.standalone_products())
        return {key: next(spare, item) if key in ("associated_product_id", "product_id") and isinstance(item, int)
                and item not in plain else self.members(item, spare) for key, item in value.items()}

    def checkout(self, token: str, steps: bool = True):
        """Add the plain product to the bearer's cart and (`steps`) choose addresses, shipping and payment."""
        headers = self.shop_headers(token)
        added = self.client.post("/api/shop/add-product-in-cart", headers=headers,
                                 json={"productId": self.product_id, "quantity": 1})
        if not steps:
            return added
        self.client.post("/api/shop/checkout-addresses", headers=headers,
                         json={"addressType": "billing", "useForShipping": True, **CHECKOUT_ADDRESS})
        self.client.post("/api/shop/checkout-shipping-methods", headers=headers,
                         json={"shippingMethodCode": "flatrate_flatrate"})
        self.client.post("/api/shop/checkout-payment-methods", headers=headers,
                         json={"payment": {"method": "moneytransfer"}})
        return added

    @cache
    def configurable_choice(self) -> dict | None:
        """A demo configurable product, its first enabled variant and that variant's super attribute
        values: what an add-to-cart example of a configurable product names with its own ids."""
        from storage.db import database
        from storage.models import Product, ProductAttributeValue, ProductChannel, ProductSuperAttribute
        with database.connection_context():
            parents = (Product.select().join(ProductChannel, on=(ProductChannel.product == Product.id))
                       .where(Product.type == "configurable", Product.status == True,  # noqa: E712
                              Product.visible_individually == True, Product.parent.is_null(),  # noqa: E712
                              ProductChannel.channel == 1).order_by(Product.id))
            for parent in parents:
                variant = (Product.select().where(Product.parent == parent.id, Product.status == True)  # noqa: E712
                           .order_by(Product.id).first())
                if variant is None:
                    continue
                supers = [row.attribute_id for row in
                          ProductSuperAttribute.select().where(ProductSuperAttribute.product == parent.id)]
                values = dict(ProductAttributeValue.select(ProductAttributeValue.attribute,
                                                           ProductAttributeValue.integer_value)
                              .where(ProductAttributeValue.product == variant.id,
                                     ProductAttributeValue.attribute.in_(supers)).tuples())
                return {"productId": parent.id, "selectedConfigurableOption": variant.id,
                        "superAttribute": [{str(attribute): option} for attribute, option in values.items()]}
        return None

    def invoiced_guest_order(self):
        """A guest order of this month, invoiced (paid) and not shipped, so `processing`: what the admin
        order pages filter for (`status=processing&date_range=this_month`)."""
        from domain.sales import documents as sales_documents
        from storage.db import database
        from storage.sales_models import Order
        order_id = self.guest_order()
        if order_id:
            with database.connection_context(), database.atomic():
                sales_documents.mark_invoice_paid(sales_documents.create_invoice(Order.get_by_id(order_id)))

    def guest_order(self) -> int | None:
        """A new guest order of the plain product, pending: for an admin action no order is left for."""
        token = self.fresh_cart(steps=True)["token"]
        self.cart = None
        placed = response_json(self.client.post("/api/shop/checkout-orders", headers=self.shop_headers(token), json={}))
        return ((placed or {}).get("data") or {}).get("order", {}).get("id") if isinstance(placed, dict) else None

    @cache
    def product_url_key(self) -> str:
        """The URL key of the plain product, for examples that name a product by a key we do not have."""
        return self.client.get(f"/api/shop/products/{self.product_id}", headers=self.shop_headers()).json()["urlKey"]

    @cache
    def configurable_labels(self) -> dict | None:
        """The option labels (`{"color": "Red"}`) of the variant `configurable_choice` picks."""
        from storage.db import database
        from storage.models import Attribute, AttributeOption
        choice = self.configurable_choice()
        if choice is None:
            return None
        with database.connection_context():
            return {Attribute.get_by_id(int(attribute)).code: AttributeOption.get_by_id(option).admin_name
                    for pair in choice["superAttribute"] for attribute, option in pair.items()}

    def guest_cart_to_merge(self, by: str = "id"):
        """The id (or `token`) of a new guest cart holding one product: merge examples name the guest cart."""
        cart = self.fresh_cart(steps=False)
        self.cart = None
        return cart[by]

    def fresh_cart(self, steps: bool) -> dict:
        """A guest cart token (from Create Cart) whose cart holds one product; with `steps` it is ready to order."""
        response = self.client.post("/api/shop/cart-tokens", headers=self.shop_headers(), json={})
        token = response.json().get("cartToken")
        cart = response_json(self.checkout(token, steps))  # add-to-cart answers the whole cart
        cart = cart if isinstance(cart, dict) else {}
        items = cart.get("items") or [{}]
        self.cart = {"token": token, "id": cart.get("id"), "item_id": items[0].get("id"), "used": False,
                     "steps": steps}
        return self.cart

    def variant_cart(self) -> str:
        """The token of a new guest cart holding one line of a configurable product's variant."""
        token = self.client.post("/api/shop/cart-tokens", headers=self.shop_headers(), json={}).json().get("cartToken")
        choice = self.configurable_choice()
        chosen = {key: value for pair in choice["superAttribute"] for key, value in pair.items()}
        cart = response_json(self.client.post("/api/shop/add-product-in-cart", headers=self.shop_headers(token),
                                              json={**choice, "superAttribute": chosen, "quantity": 1}))
        items = (cart.get("items") if isinstance(cart, dict) else None) or [{}]
        self.cart = {"token": token, "id": cart.get("id") if isinstance(cart, dict) else None,
                     "item_id": items[0].get("id"), "used": True, "steps": False}
        return token

    def deletable_attributes(self, indices: list) -> list:
        """The attributes a mass delete names when each is a user-defined attribute in no family, else as many
        new ones (the demo data keeps a default install's ids, where the page's ids are system or family
        attributes), each id of the type the page writes."""
        from tests.docs.ids import numeric
        headers = self.admin_headers()

        def deletable(attribute_id) -> bool:
            answer = self.client.get(f"/api/admin/catalog/attributes/{attribute_id}", headers=headers)
            document = response_json(answer) if answer.status_code == 200 else None
            return isinstance(document, dict) and bool(document.get("isUserDefined")) \
                and not document.get("families")
        if all(numeric(index) and deletable(index) for index in indices):
            return indices
        made = []
        for index in indices:
            created = self.client.post("/api/admin/catalog/attributes", headers=headers, json={
                "code": f"docs_{uuid.uuid4().hex[:10]}", "admin_name": "Docs attribute", "type": "text"})
            made.append(type(index)(response_json(created).get("id")) if numeric(index) else index)
        return made

    def import_in_stage(self, action: str, named) -> str:
        """The import an import stage (`validate`, `start`, `link`, `index`, `cancel`) acts on: the named one
        when it is in a state the stage takes, else a demo import in one, else a new import (a one-row
        product CSV) taken through the stages before, as the pages' lifecycle runs them."""
        headers = self.admin_headers()

        def state(import_id) -> str | None:
            answer = self.client.get(f"{IMPORTS}/{import_id}", headers=headers)
            return response_json(answer).get("state") if answer.status_code == 200 else None
        if str(named).isdigit() and state(named) in IMPORT_STAGES[action]:
            return str(named)
        for candidate in self.ids.rest_page_ids(IMPORTS, headers):
            if state(candidate) in IMPORT_STAGES[action]:
                return candidate
        sku = f"DOCS-IMPORT-{uuid.uuid4().hex[:8]}"
        created = self.client.post(IMPORTS, headers=headers, data={
            "type": "products", "action": "append", "validation_strategy": "stop-on-errors", "allowed_errors": "0",
            "field_separator": ",", "process_in_queue": "false"},
            files={"file": ("products.csv", f"sku,name,price\n{sku},Docs import,9.50\n".encode(), "text/csv")})
        made = str(response_json(created).get("id"))
        for step in IMPORT_STEPS[action]:
            self.client.post(f"{IMPORTS}/{made}/{step}", headers=headers)
        return made

    def admin_draft(self) -> dict:
        """A new admin draft cart of the docs customer holding the plain product, its addresses, shipping
        and payment chosen (the admin cart pages and place-order each get one: no example sees a draft an
        earlier one changed or ordered)."""
        headers = self.admin_headers()
        created = response_json(self.client.post(f"/api/admin/customers/{self.customer['id']}/draft-carts",
                                                 headers=headers))
        cart_id = created.get("cartId") if isinstance(created, dict) else None
        base = f"/api/admin/carts/{cart_id}"
        cart = response_json(self.client.post(f"{base}/items", headers=headers,
                                              json={"productId": self.product_id, "quantity": 1}))
        address = {"firstName": "Docs", "lastName": "Customer", "email": self.customer["email"],
                   "address": ["456 Oak Ave"], "city": "Los Angeles", "country": "US", "state": "CA",
                   "postcode": "90001", "phone": "9876543210", "useForShipping": True}
        self.client.post(f"{base}/addresses", headers=headers, json={"billing": address})
        self.client.post(f"{base}/shipping-methods", headers=headers, json={"shippingMethod": "flatrate_flatrate"})
        self.client.post(f"{base}/payment-methods", headers=headers, json={"method": "cashondelivery"})
        items = (cart.get("items") if isinstance(cart, dict) else None) or [{}]
        return {"id": cart_id, "item_id": items[0].get("id")}

    def with_draft(self, value, draft: dict):
        """Cart ids (`id` IRIs, `cartId`, a bare `id`), line ids (`cartItemId`, the keys of `qty`), products
        and the coupon `code` of an admin cart example, pointed at the draft, the plain product and the
        demo coupon."""
        if isinstance(value, list):
            return [self.with_draft(item, draft) for item in value]
        if not isinstance(value, dict):
            return value
        changed = {}
        for key, item in value.items():
            if key in ("id", "cartId") and isinstance(item, str) and DRAFT_CART_IRI.match(item):
                item = f"/api/admin/carts/{draft['id']}"
            elif key in ("id", "cartId") and isinstance(item, (int, str)) and str(item).isdigit():
                item = type(item)(draft["id"])
            elif key == "cartItemId" and isinstance(item, (int, str)) and draft["item_id"]:
                item = type(item)(draft["item_id"])
            elif key == "qty" and isinstance(item, dict) and draft["item_id"]:
                item = {str(draft["item_id"]): quantity for quantity in list(item.values())[:1]}
            elif key == "code" and isinstance(item, str) and self.coupon:
                item = self.coupon
            elif key == "productId" and "selectedConfigurableOption" not in value and isinstance(item, int):
                item = self.product_id  # a product the draft takes (the page's ids name products of other stores)
            else:
                item = self.with_draft(item, draft)
            changed[key] = item
        return changed

    def demo_coupon(self) -> str | None:
        """The first demo coupon code a guest cart accepts (coupon pages apply and remove one)."""
        from storage.db import database
        from storage.sales_models import CartRuleCoupon
        with database.connection_context():
            codes = [row.code for row in CartRuleCoupon.select(CartRuleCoupon.code).order_by(CartRuleCoupon.id)]
        token = self.fresh_cart(steps=False)["token"]
        self.cart = None
        for code in codes:
            response = self.client.post("/api/shop/apply-coupon", headers=self.shop_headers(token),
                                        json={"couponCode": code})
            if response.status_code == 200:
                return code
        return codes[0] if codes else None

    def own_record(self, example: Example, field_name: str, variables):
        """A shop mutation changing or deleting a record of the caller's own (a review, a wishlist entry)
        acts on a new one of the docs customer's: the pages' ids name other customers' records, and
        earlier examples edit, move and delete the docs customer's."""
        from generated.graphql_bindings import IRI_TEMPLATES
        kind = self.ids.kinds[example.surface].payload_kinds.get(field_name)
        maker = self.own_makers.get(IRI_TEMPLATES.get(kind or ""))
        given = variables.get("input") if isinstance(variables, dict) else None
        if example.surface != "shop" or maker is None or not isinstance(given, dict) \
                or not isinstance(given.get("id"), (int, str)):
            return variables
        made = maker(given)
        if made is None:
            return variables
        iri = IRI_TEMPLATES[kind].replace("{id}", str(made))
        return {**variables, "input": {**given, "id": type(given["id"])(made) if str(given["id"]).isdigit() else iri}}

    def own_review(self, given: dict) -> int | None:
        """A new review of the docs customer's, of the product the example names (when there is one here)."""
        headers = self.shop_headers(self.customer["token"])
        for product in (given.get("productId"), self.product_id):
            if not str(product or "").isdigit():
                continue
            made = response_json(self.client.post(f"/api/shop/products/{product}/reviews", headers=headers, json={
                "title": "Docs review", "comment": "Fine, as described.", "rating": 4, "name": "Docs"}))
            if isinstance(made, dict) and isinstance(made.get("data"), dict):
                return made["data"].get("id")
        return None

    def own_wishlist_item(self, given: dict) -> int | None:
        """A new entry of the docs customer's wishlist: the first listed product not in it yet."""
        headers = self.shop_headers(self.customer["token"])
        products = response_json(self.client.get("/api/shop/products", headers=headers, params={"per_page": 20}))
        for product in products if isinstance(products, list) else []:
            response = self.client.post("/api/shop/wishlists", headers=headers, json={"productId": product["id"]})
            if response.status_code == 201:
                return response.json().get("id")
        return None

    def prepare_customer_data(self):
        """An order of the docs customer (the plain product and a downloadable one), invoiced (paid) and
        shipped (with a carrier's track number), a review of theirs, two products in their wishlist and
        compare list, and five addresses, for the pages about orders, invoices, shipments, downloads,
        wishlists, compare lists and the address book."""
        from domain.sales import documents as sales_documents
        from storage.db import database
        from storage.models import ProductImage
        from storage.sales_models import Order
        from tests.cart_fixtures import downloadable
        token = self.customer["token"]
        headers = self.shop_headers(token)
        product, links = downloadable(link_prices=("3.00", "4.50", "6.00"))  # three, for a next page of downloads
        with database.connection_context():  # pictured, as every product of the demo catalog is
            ProductImage.create(product=product, type="images", position=1, path=f"product/{product.id}/docs.webp")
        self.client.post("/api/shop/add-product-in-cart", headers=headers,
                         json={"productId": product.id, "quantity": 1, "links": [link.id for link in links]})
        self.checkout(token)
        self.client.post("/api/shop/checkout-orders", headers=headers, json={})
        orders = self.client.get("/api/shop/customer-orders", headers=headers).json()
        order_id = orders[0]["id"] if isinstance(orders, list) and orders else None
        self.customer["order_id"] = order_id
        if order_id:
            with database.connection_context(), database.atomic():
                invoice = sales_documents.create_invoice(Order.get_by_id(order_id))
                sales_documents.mark_invoice_paid(invoice)
                sales_documents.create_shipment(Order.get_by_id(order_id), source=1, carrier_title="UPS",
                                                track_number="1Z999AA10123456784")
        products = self.client.get("/api/shop/products", headers=headers, params={"per_page": 5}).json()
        for listed in (products if isinstance(products, list) else [])[2:4]:  # not the first: create examples add it
            self.client.post("/api/shop/wishlists", headers=headers, json={"productId": listed["id"]})
            self.client.post("/api/shop/compare-items", headers=headers, json={"productId": listed["id"]})
        self.client.post(f"/api/shop/products/{self.product_id}/reviews", headers=headers,
                         json={"title": "Docs review", "comment": "Fine, as described.", "rating": 5, "name": "Docs"})
        for street, city, state, postcode in MORE_ADDRESSES:  # five in the address book, as the pages page through
            self.client.post("/api/shop/customer-addresses", headers=headers, json={
                **ADDRESS_BOOK_ENTRY, "address1": street, "city": city, "state": state, "postcode": postcode,
                "defaultAddress": False})

    # -- who calls

    def bearer_for(self, example: Example, operation: dict | None, field_name: str) -> str:
        """'cart' (a guest cart), 'customer', 'admin' or 'none' for a shop example, from our spec's security."""
        if example.kind == "rest":
            schemes = {name for requirement in (operation or {}).get("security") or [] for name in requirement}
            if "adminToken" in schemes:  # products.md's catalog writes under the resource paths
                return "admin"
            if "cartToken" in schemes:
                return "cart"
            if "customerToken" in schemes:
                return "customer"
        else:
            schemes = graphql_auth().get(("shop", field_name), set())
            if "customerToken" in schemes:
                return "customer"
            if CART_FIELD.search(field_name):
                return "cart"
            if "cartToken" in schemes:  # a guest cart or a customer; the pages outside the cart document the customer
                return "customer"
        if LOGIN.search(example.path or field_name) or REGISTRATION.search(example.path or field_name):
            return "none"
        return "customer" if "bearer" in example.auth else "none"

    def headers_for(self, example: Example, operation: dict | None, field_name: str) -> dict:
        headers = {name: value for name, value in example.headers.items()
                   if name.lower() in KEEP_HEADERS and "{" not in value}
        destructive = phase(example) == 2
        if example.surface == "admin" or self.bearer_for(example, operation, field_name) == "admin":
            token = self.new_admin_token("throwaway") if destructive else self.admin_token
            headers["Authorization"] = f"Bearer {token}"
            return headers
        who = self.bearer_for(example, operation, field_name)
        checkout = bool(re.search(r"(?i)checkout|order|payment|shipping", example.path or field_name))
        if who == "cart" and customer_cart(example):
            # the page shows a customer's cart (or picks from the address book): the docs customer's cart
            token = self.customer["token"]
            cart = response_json(self.checkout(token, steps=checkout))
            items = (cart.get("items") if isinstance(cart, dict) else None) or [{}]
            self.cart = {"token": token, "id": cart.get("id") if isinstance(cart, dict) else None,
                         "item_id": items[0].get("id"), "used": True, "steps": checkout}
        elif who == "cart" and phase(example) == 0 and VARIANT_LINE.search(json.dumps(example.documented_response)) \
                and self.configurable_choice():
            token = self.variant_cart()  # the page's cart line shows its variant's `attributes`
        elif who == "cart":
            if self.cart is None or self.cart["used"] or (checkout and not self.cart["steps"]):
                self.fresh_cart(steps=checkout)
            self.cart["used"] = phase(example) > 0  # a write leaves the cart changed: the next one gets a new cart
            token = self.cart["token"]
        elif who == "customer":
            ends_customer = destructive and (CUSTOMER_ENDING.search(example.path or field_name)
                                             or EMPTIES_CUSTOMER_LIST.search(example.path or field_name))
            token = (self.new_customer("throwaway", login=False) if ends_customer else self.customer)["token"]
        else:
            token = None
        if who == "cart" and REMOVE_COUPON.search(example.path or field_name):  # a coupon to remove
            self.client.post("/api/shop/apply-coupon", headers=self.shop_headers(token),
                             json={"couponCode": self.coupon})
        headers.update(self.shop_headers(token))
        return headers

    # -- values

    def personalise(self, value, example: Example, field_name: str):
        """Login examples log the docs customer in; registrations get a new email; well-known body ids
        (products, cart lines, addresses) point at ours."""
        target = example.path or field_name
        if isinstance(value, list):
            return [self.personalise(item, example, field_name) for item in value]
        if isinstance(value, str) and ELIDED_DATA_URL.fullmatch(value):  # `data:image/jpeg;base64,/9j/4AAQ...`
            return "data:image/png;base64," + base64.b64encode(TINY_PNG).decode()
        if not isinstance(value, dict):
            return value
        value = dict(value)
        if LOGIN.search(target) and "email" in value and "password" in value:
            value.update(email=self.customer["email"], password=self.customer["password"])
        if REGISTRATION.search(target) and isinstance(value.get("email"), str):
            value["email"] = f"docs-{uuid.uuid4().hex[:10]}@example.com"
        if DELETE_SELF.search(target) and "password" in value:
            from tests.admin_fixtures import PASSWORD
            value["password"] = PASSWORD  # the throwaway admin deletes itself with its own password
        if PROFILE_DELETE.search(target) and "password" in value:
            value["password"] = self.customer["password"]  # every harness customer has the same password
        if isinstance(value.get("couponCode"), str):
            value["couponCode"] = self.coupon
        for key in ("payment_method", "paymentMethod"):  # a method this store does not offer: the harness's choice
            if isinstance(value.get(key), str) and value[key] not in offered_payments():
                value[key] = "moneytransfer"
        payment = value.get("payment")
        if isinstance(payment, dict) and isinstance(payment.get("method"), str) \
                and payment["method"] not in offered_payments():
            value["payment"] = {**payment, "method": "moneytransfer"}
        if ADDRESS_BOOK_PATH.search(target) and isinstance(value.get("state"), str):
            # the pages' addresses name states the demo countries do not hold (MA): one the country has
            states = demo_states(value.get("country") or ADDRESS_BOOK_ENTRY["country"])
            if states and value["state"] not in states:
                value["state"] = states[0]
        if PROFILE_UPDATE.search(target):  # the docs customer keeps its email and password for later examples
            value.update({key: self.customer["email"] for key in value if key == "email"})
            value.update({key: self.customer["password"] for key in value
                          if key in ("currentPassword", "password", "confirmPassword", "passwordConfirmation")})
        if isinstance(value.get("variants"), dict) and "product_id" in value and self.configurable_labels():
            # a configurable product and its variant's option labels: ours, of the same kind
            value.update(product_id=self.configurable_choice()["productId"], variants=self.configurable_labels())
            return value
        if "selectedConfigurableOption" in value and "productId" in value and self.configurable_choice():
            # a configurable product and its variant are named together: ours, of the same kind
            value.update({key: type(value[key])(item) if isinstance(value[key], (int, str)) else item
                          for key, item in self.configurable_choice().items() if key in value})
            return value
        for key, item in value.items():
            if key in ("productId", "product_id") and example.kind == "rest" and isinstance(item, (int, str)) \
                    and str(item).isdigit():
                base = "/api/admin/catalog/products" if example.surface == "admin" else "/api/shop/products"
                if self.ids.rest_exists(example.surface, f"{base}/{item}", self.auth_for(example.surface)) is False:
                    value[key] = type(item)(self.product_id)
            elif key in ("cartItemId", "itemId", "cart_item_id", "item_id") and self.cart and self.cart["item_id"] \
                    and isinstance(item, (int, str)):
                value[key] = type(item)(self.cart["item_id"])
            elif key == "cartId" and MERGE_CART.search(field_name) and isinstance(item, int):
                value[key] = self.guest_cart_to_merge()
            elif key in ("guestCartToken", "guest_cart_token") and MERGE_CART.search(target) \
                    and isinstance(item, str):
                value[key] = self.guest_cart_to_merge("token")
            elif key in ("addressId", "address_id") and self.customer.get("address_id") \
                    and isinstance(item, (int, str)):
                value[key] = type(item)(self.customer["address_id"])
            else:
                value[key] = self.personalise(item, example, field_name)
        return value

    def auth_for(self, surface: str) -> dict:
        return self.admin_headers() if surface == "admin" else self.shop_headers(self.customer["token"])

    def execute(self, example: Example, operation: dict | None, field_name: str):
        """The response of the example as sent to the app. A create refused because a unique value
        (code, sku, email) is taken — by the demo data or an earlier example — is sent once more
        with that value made unique."""
        headers = self.headers_for(example, operation, field_name)
        try:
            response = self.send(example, operation, field_name, headers)
            for attempt in range(3):
                taken = taken_fields(response)
                if not taken or phase(example) != 1:
                    break

                def other(name, value):  # an id taken (a currency that has its rate) becomes another of its kind
                    return self.matcher.other_id(example.surface, name, value, attempt,
                                                 self.auth_for(example.surface))
                changed = copy.copy(example)
                if example.kind == "graphql":
                    changed.variables = made_unique(example.variables, taken, other)
                else:
                    changed.body = made_unique(example.body, taken, other)
                response = self.send(changed, operation, field_name, headers)
            if phase(example) == 0 and example.kind == "graphql":
                response = self.filter_naming_ours(example, operation, field_name, headers, response)
                response = self.single_naming_ours(example, operation, field_name, headers, response)
            if phase(example) == 2 and example.kind == "graphql" and refused_for_state(response):
                response = self.delete_another(example, operation, field_name, headers, response)
            return response
        finally:
            if example.surface == "admin" and phase(example) == 1 and ADMIN_CHANGING.search(example.path or field_name):
                self.admin_token = self.new_admin_token("docs")  # the example may have changed our admin or role

    def filter_naming_ours(self, example: Example, operation, field_name: str, headers: dict, response):
        """A GraphQL list filtered by a value naming a record (`name`, `sku`, `code`) that is not here,
        where the page shows rows: the value of the first row the list finds without that filter."""
        variables = example.variables or {}
        names = [key for key in IDENTIFYING_FILTERS if isinstance(variables.get(key), str)]
        documented = ((example.documented_response or {}).get("data") or {}).get(field_name) \
            if isinstance(example.documented_response, dict) else None
        if not names or not isinstance(documented, dict) or not documented.get("edges") or edges_of(response, field_name):
            return response
        unfiltered = copy.copy(example)
        unfiltered.variables = {key: None if key in names else value for key, value in variables.items()}
        rows = edges_of(self.send(unfiltered, operation, field_name, headers), field_name)
        node = (rows[0] or {}).get("node") if rows else None
        if not isinstance(node, dict) or not all(isinstance(node.get(key), str) for key in names):
            return response
        ours = copy.copy(example)
        ours.variables = {**variables, **{key: node[key] for key in names}}
        return self.send(ours, operation, field_name, headers)

    def single_naming_ours(self, example: Example, operation, field_name: str, headers: dict, response):
        """A GraphQL item looked up by a value naming a record (`sku`, `code`) that is not here, where the
        page shows the record: the same look-up by the value of the first row of that type's list field."""
        variables = example.variables or {}
        names = [key for key in IDENTIFYING_FILTERS if isinstance(variables.get(key), str)]
        documented = ((example.documented_response or {}).get("data") or {}).get(field_name) \
            if isinstance(example.documented_response, dict) else None
        answered = response_json(response)
        errors = answered.get("errors") if isinstance(answered, dict) else None
        code = str((((errors or [{}])[0] or {}).get("extensions") or {}).get("code") or "")
        if not names or not isinstance(documented, dict) or "edges" in documented or not NOT_FOUND_CODE.search(code):
            return response
        from tests.docs.ids import named_type
        kinds = self.ids.kinds[example.surface]
        returned = named_type(kinds.schema.query_type.fields[field_name].type) \
            if field_name in kinds.schema.query_type.fields else None
        listing = kinds.lists.get(returned.name) if returned is not None else None
        if listing is None:
            return response
        list_name, list_field = listing
        arguments = "(first: 1)" if "first" in list_field.args else ""
        body = response_json(self.client.post(GRAPHQL_PATHS[example.surface], headers=headers, json={
            "query": f"{{ {list_name}{arguments} {{ edges {{ node {{ {' '.join(names)} }} }} }} }}"}))
        rows = (((body or {}).get("data") or {}).get(list_name) or {}).get("edges") if isinstance(body, dict) else None
        node = (rows[0] or {}).get("node") if rows else None
        if not isinstance(node, dict) or not all(isinstance(node.get(key), str) for key in names):
            return response
        ours = copy.copy(example)
        ours.variables = {**variables, **{key: node[key] for key in names}}
        return self.send(ours, operation, field_name, headers)

    def delete_another(self, example: Example, operation, field_name: str, headers: dict, response):
        """A GraphQL delete refused because of its record's state (a tax category that still has rates)
        is sent once more for each other record of that kind until one is deleted, as a create with a
        taken value is sent again with an unused one."""
        variables = example.variables or {}
        given = variables.get("input") if isinstance(variables.get("input"), dict) else None
        if given is None or not isinstance(given.get("id"), str):
            return response
        kinds = self.ids.kinds[example.surface]
        kind = self.ids.kind_of_iri(given["id"], example.surface) or kinds.payload_kinds.get(field_name)
        for other in self.ids.graphql_others(example.surface, kind, given["id"], self.auth_for(example.surface))[:10]:
            changed = copy.copy(example)
            changed.variables = {**variables, "input": {**given, "id": other}}
            response = self.send(changed, operation, field_name, headers)
            if not refused_for_state(response):
                break
        return response

    def send(self, example: Example, operation: dict | None, field_name: str, headers: dict):
        auth = self.auth_for(example.surface)
        if example.kind == "graphql":
            if documents_refusal(example):  # the page shows the error a missing record gets: the id it names
                document, variables = refused_ids(example.document, example.variables or {},
                                                  documents_refusal(example))
            else:
                document, variables = self.ids.map_graphql(example.surface, example.document,
                                                           copy.deepcopy(example.variables or {}), auth)
            variables = self.own_record(example, field_name, self.personalise(variables, example, field_name))
            if example.surface == "admin" and ADMIN_DRAFT_FIELD.search(field_name):
                variables = self.with_draft(variables, self.admin_draft())
            elif field_name == "createAdminDraftCart" and isinstance(variables.get("input"), dict):
                variables["input"]["customerId"] = self.customer["id"]
            stage = IMPORT_FIELD.match(field_name) if example.surface == "admin" else None
            given = variables.get("input") if isinstance(variables.get("input"), dict) else {}
            if stage and isinstance(given.get("importId"), (int, str)):
                variables["input"] = {**given, "importId": type(given["importId"])(
                    self.import_in_stage(stage[1], given["importId"]))}
            document = self.personalise_document(document, example, field_name)
            return self.client.post(GRAPHQL_PATHS[example.surface], headers=headers,
                                    json={"query": document, "variables": variables})
        path = OWN_RESOURCES.sub(lambda m: f"{m[1]}{self.customer['id']}", example.path)
        if PRODUCT_KEY_PATH.match(path) and self.client.get(path, headers=headers).status_code == 404:
            path = PRODUCT_KEY_PATH.sub(lambda m: f"{m[1]}{self.product_url_key()}", path)
        if CART_TOKEN_PATH.match(path) and "Authorization" not in headers:
            path = CART_TOKEN_PATH.sub(lambda m: f"{m[1]}{self.fresh_cart(steps=False)['token']}", path)
        elif CART_TOKEN_PATH.match(path):  # the bearer's cart, by the name its listing gives it
            listed = response_json(self.client.get("/api/cart_tokens", headers=headers))
            members = listed.get("hydra:member") if isinstance(listed, dict) else None
            if members:
                path = CART_TOKEN_PATH.sub(lambda m: f"{m[1]}{members[0]['id']}", path)
        stage = IMPORT_ACTION.match(path) if example.method == "POST" else None
        if stage:  # an import in the state the stage takes
            path = f"{IMPORTS}/{self.import_in_stage(stage[2], stage[1])}/{stage[2]}"
        draft = self.admin_draft() if ADMIN_DRAFT_PATH.match(path) else None
        if draft:
            path = ADMIN_DRAFT_PATH.sub(lambda m: f"{m[1]}{draft['id']}", path)
        if phase(example) == 2:  # earlier deletions may have removed what the look-ups remember
            self.ids.forget_rest()
        path = self.ids.rest_path(example.surface, path, auth, example.method)
        if example.method in ("PUT", "PATCH") and example.surface == "admin":
            path = self.matcher.item(example.surface, path, identity(example), auth, example.documented_response)
        query = example.query
        if example.method == "GET" and example.surface == "admin" and query:
            query = self.matcher.identifier_filters(path, query, auth)
        kwargs = {"params": query or None, "headers": headers}
        if example.body_kind == "json":
            kwargs["json"] = self.personalise(copy.deepcopy(example.body), example, field_name)
            kwargs["json"] = self.ids.action_lines(path, kwargs["json"], auth)
            if example.surface == "admin" and example.method in ("PUT", "PATCH", "POST"):
                kwargs["json"] = self.matcher.body(example.surface, path, kwargs["json"], auth)
                kwargs["json"] = self.members(kwargs["json"], iter(self.standalone_products()))
            if draft:
                kwargs["json"] = self.with_draft(kwargs["json"], draft)
            if path == ATTRIBUTE_MASS_DELETE and isinstance(kwargs["json"].get("indices"), list):
                kwargs["json"] = {**kwargs["json"], "indices": self.deletable_attributes(kwargs["json"]["indices"])}
            headers.pop("Content-Type", None)
            headers.pop("content-type", None)
        elif example.body_kind == "form":
            kwargs["headers"] = {k: v for k, v in headers.items() if k.lower() != "content-type"}
            kwargs["files"] = {k: upload_file(v) for k, v in example.body.items() if v.startswith("@")} or None
            kwargs["data"] = {k: v for k, v in example.body.items() if not v.startswith("@")}
        elif example.body_kind == "raw":
            kwargs["content"] = example.body
        return self.client.request(example.method, path, **kwargs)

    def personalise_document(self, document: str, example: Example, field_name: str) -> str:
        """Literal values of a document, as `personalise` does for variables: credentials of login,
        registration and delete-self, cart lines and coupon codes."""
        if LOGIN.search(field_name):
            document = re.sub(r'(\bemail\s*:\s*)"[^"]*"', lambda m: f'{m[1]}"{self.customer["email"]}"', document)
            document = re.sub(r'(\bpassword\s*:\s*)"[^"]*"', lambda m: f'{m[1]}"{self.customer["password"]}"', document)
        elif PROFILE_UPDATE.search(field_name):  # the docs customer keeps its email for later examples
            document = re.sub(r'(\bemail\s*:\s*)"[^"]*"', lambda m: f'{m[1]}"{self.customer["email"]}"', document)
        elif DELETE_SELF.search(field_name):
            from tests.admin_fixtures import PASSWORD
            document = re.sub(r'(\bpassword\s*:\s*)"[^"]*"', lambda m: f'{m[1]}"{PASSWORD}"', document)
        if self.cart and self.cart.get("item_id") and CART_FIELD.search(field_name):
            document = re.sub(r'(\b(?:cartItemId|itemId)\s*:\s*)("?)\d+"?',
                              lambda m: f'{m[1]}{m[2]}{self.cart["item_id"]}{m[2]}', document)
        if MERGE_CART.search(field_name) and re.search(r'\bcartId\s*:\s*\d+', document):
            # merge-cart.md: "pass the guest cart's _id as cartId": a guest cart of ours, made through our key
            document = re.sub(r'(\bcartId\s*:\s*)\d+', lambda m: f'{m[1]}{self.guest_cart_to_merge()}', document)
        if "Coupon" in field_name:
            document = re.sub(r'(\bcouponCode\s*:\s*)"[^"]*"', lambda m: f'{m[1]}"{self.coupon}"', document)
        elif REGISTRATION.search(field_name):
            document = re.sub(r'(\bemail\s*:\s*)"[^"]*"', lambda m: f'{m[1]}"docs-{uuid.uuid4().hex[:10]}@example.com"',
                              document)
        return document


def identity(example: Example) -> dict:
    """What a write example's item is, besides its id: the body's `code` (immutable, it names the item)
    and the documented answer's `type` (a grouped product's update shows `"type": "grouped"`)."""
    found = {}
    if isinstance(example.body, dict) and isinstance(example.body.get("code"), str):
        found["code"] = example.body["code"]
    documented = example.documented_response
    if isinstance(documented, dict) and isinstance(documented.get("type"), str) and "id" in documented:
        found["type"] = documented["type"]
    return found


@cache
def offered_payments() -> frozenset:
    from domain.sales.payments import PROCESSORS
    return frozenset(PROCESSORS)


@cache
def demo_states(country: str) -> tuple:
    from storage.db import database
    from storage.models import CountryState
    with database.connection_context():
        return tuple(row.code for row in CountryState.select().where(CountryState.country_code == country)
                     .order_by(CountryState.id))


def documents_refusal(example: Example) -> str | None:
    """The message of a GraphQL example whose documented answer is only the error of a record that is
    not there (`Customer downloadable product with ID "999" not found`)."""
    documented = example.documented_response
    if not isinstance(documented, dict) or "data" in documented or not isinstance(documented.get("errors"), list):
        return None
    return next((str(error["message"]) for error in documented["errors"] if isinstance(error, dict)
                 and "not found" in str(error.get("message", "")).lower()), None)


def refused_ids(document: str, variables: dict, message: str) -> tuple[str, dict]:
    """The document and variables with their item ids (IRIs, `id` values) replaced by the id the
    documented error names, when it names one: the page's request and answer show different ids."""
    named = re.search(r'\bID "?(\d+)"?', message)
    if named is None:
        return document, copy.deepcopy(variables)
    iri = re.compile(r"(/api/(?:shop|admin)/[\w/-]+?/)\d+(?=$|[\"'/?])")
    document = iri.sub(lambda match: match[1] + named[1], document)
    document = re.sub(r"(\bid\s*:\s*)(\"?)\d+\2", lambda match: f"{match[1]}{match[2]}{named[1]}{match[2]}", document)
    return document, json.loads(iri.sub(lambda match: match[1] + named[1], json.dumps(variables)))


def customer_cart(example: Example) -> bool:
    """Whether a cart example is a customer's: the documented cart has a customer, or the request
    picks an address of the bearer's address book."""
    if ADDRESS_BOOK.search(json.dumps([example.body, example.variables, example.document])):
        return True
    return bool(re.search(r'"customer_?[iI]d": [1-9]|"is_?[gG]uest": (?:false|0)\b'
                          r'|"default(?:Shipping|Billing)Id": [1-9]', json.dumps(example.documented_response)))


IDENTIFYING_FILTERS = ("name", "sku", "code")


def edges_of(response, field_name: str) -> list:
    body = response_json(response)
    found = ((body.get("data") or {}).get(field_name) if isinstance(body, dict) else None) or {}
    return found.get("edges") or [] if isinstance(found, dict) else []


def refused_for_state(response) -> bool:
    """A GraphQL answer refusing the change for the state of its record (400/409, not a missing one)."""
    body = response_json(response)
    errors = body.get("errors") if isinstance(body, dict) else None
    if not isinstance(errors, list) or not errors:
        return False
    extensions = (errors[0] or {}).get("extensions") or {}
    return extensions.get("status") in (400, 409) and not NOT_FOUND_CODE.search(str(extensions.get("code") or ""))


NOT_FOUND_CODE = re.compile(r"NOT_FOUND$")


def taken_fields(response) -> set[str]:
    """Fields a 422 (REST) or VALIDATION_FAILED (GraphQL) answer reports as already taken."""
    try:
        body = response.json()
    except ValueError:
        return set()
    if not isinstance(body, dict):
        return set()
    errors = body.get("errors")
    if isinstance(errors, list):  # GraphQL
        errors = next((((e or {}).get("extensions") or {}).get("errors") for e in errors
                       if isinstance(((e or {}).get("extensions") or {}).get("errors"), dict)), None)
    if not isinstance(errors, dict):
        return set()
    return {name.rsplit(".", 1)[-1] for name, messages in errors.items()
            if "taken" in str(messages) or "already exists" in str(messages) or "already in" in str(messages)}


def made_unique(value, fields: set[str], other=None):
    """A copy of `value` whose keys named in `fields` (camelCase or snake_case) hold unused values:
    strings a variant of themselves, numbers `other(key, number)`."""
    wanted = {name.lower().replace("_", "") for name in fields}
    if isinstance(value, list):
        return [made_unique(item, fields, other) for item in value]
    if not isinstance(value, dict):
        return value

    def unused(key, item):
        if isinstance(item, str):
            return unique_value(item)
        if isinstance(item, int) and not isinstance(item, bool) and other is not None:
            return other(key, item)
        return item
    return {key: unused(key, item) if key.lower().replace("_", "") in wanted
            else made_unique(item, fields, other) for key, item in value.items()}


_unique = iter(range(1, 10**6))
REAL_CODES = {3: ("GBP", "JPY", "CHF", "CAD", "AUD", "INR", "CNY", "SEK", "NOK", "DKK", "PLN", "BRL", "MXN", "SGD",
                  "HKD", "NZD", "SAR", "AED"),
              2: ("de", "es", "it", "nl", "pt", "ja", "sv", "da", "pl", "tr", "ar", "zh", "fr", "ru")}


def unique_value(value: str) -> str:
    """An unused variant of `value` in the same form (deterministic, so reports compare run to run).
    Currency and locale codes become real unused ones, so rate tables and locale rules still apply."""
    number = next(_unique)
    if "@" in value:
        local, _, domain = value.partition("@")
        return f"{local}.docs{number}@{domain}"
    if re.fullmatch(r"[A-Za-z]{2,3}", value):
        for code in REAL_CODES[len(value)]:
            candidate = code.upper() if value.isupper() else code.lower()
            if not code_in_use(candidate):
                return candidate
    separator = "-" if "-" in value else "_" if "_" in value else ""
    return f"{value}{separator}docs{number}"


def code_in_use(code: str) -> bool:
    from storage.db import database
    from storage.models import Currency, Locale
    with database.connection_context():
        return bool(Currency.get_or_none(Currency.code == code) or Locale.get_or_none(Locale.code == code))


ADDRESS_BOOK_ENTRY = {"firstName": "Jane", "lastName": "Doe", "companyName": "ANC Corporation", "vatId": "GB123456789",
                      "email": "jane@example.com", "phone": "9876543210",
                      "address1": "456 Oak Ave", "city": "Los Angeles", "state": "CA", "country": "US",
                      "postcode": "90001", "defaultAddress": True}
MORE_ADDRESSES = (("789 Pine Road", "Chicago", "IL", "60601"), ("321 Elm Boulevard", "Houston", "TX", "77001"),
                  ("55 Market Street", "San Francisco", "CA", "94105"), ("12 Harbor Way", "Seattle", "WA", "98101"))
CHECKOUT_ADDRESS = {"firstName": "Jane", "lastName": "Doe", "companyName": "Acme Inc.", "email": "jane@example.com", "address": "456 Oak Ave",
                    "city": "Los Angeles", "state": "CA", "country": "US", "postcode": "90001", "phone": "9876543210"}


def server_failure(response) -> str | None:
    """Why the response counts as not executed (5xx, 501, a GraphQL server error), or None."""
    if response.status_code >= 500:
        return f"HTTP {response.status_code}{error_code(response)}"
    try:
        body = response.json()
    except ValueError:
        return None
    if isinstance(body, dict) and isinstance(body.get("errors"), list):
        for error in body["errors"]:
            extensions = (error or {}).get("extensions") or {}
            status = extensions.get("status")
            if extensions.get("code") == "INTERNAL_SERVER_ERROR" or (isinstance(status, int) and status >= 500):
                message = short(str(error.get("message")), 100)
                return f"GraphQL {extensions.get('code')} {status or ''}: {message}".strip()
    return None


def error_code(response) -> str:
    """' validation_failed (code: The code has already been taken.)' of a REST error body."""
    try:
        body = response.json()
    except ValueError:
        return ""
    if not isinstance(body, dict) or response.status_code < 400:
        return ""
    code = body.get("error") or body.get("title") or ""
    errors = body.get("errors")
    if isinstance(errors, dict) and errors:
        name, messages = next(iter(errors.items()))
        message = messages[0] if isinstance(messages, list) and messages else messages
        code += f" ({name}: {short(str(message), 80)})"
    elif body.get("message") and not code:
        code = short(str(body["message"]), 80)
    return f" {code}" if code else ""


def response_json(response):
    try:
        return response.json()
    except ValueError:
        return None


def error_answer(example: Example, response, body) -> str | None:
    """'answers 422 validation_failed (code: ...)' / 'answers NOT_FOUND: ...' when we answered with an error."""
    if example.kind == "rest":
        return f"answers {response.status_code}{error_code(response)}" if response.status_code >= 400 else None
    if response.status_code >= 400:
        return f"answers HTTP {response.status_code}{error_code(response)}"
    if isinstance(body, dict) and body.get("errors"):
        error = body["errors"][0] or {}
        extensions = error.get("extensions") or {}
        detail = ""
        if isinstance(extensions.get("errors"), dict) and extensions["errors"]:
            name, messages = next(iter(extensions["errors"].items()))
            detail = f" ({name}: {short(str(messages[0] if isinstance(messages, list) else messages), 80)})"
        return f"answers {extensions.get('code')}: {short(str(error.get('message')), 100)}{detail}"
    return None


class CountingClient:
    """The test client, counting requests and their time (the report's timing line)."""

    def __init__(self, client):
        self.client, self.requests, self.seconds = client, 0, 0.0

    def request(self, method, url, **kwargs):
        started = time.monotonic()
        try:
            return self.client.request(method, url, **kwargs)
        finally:
            self.requests += 1
            self.seconds += time.monotonic() - started

    def get(self, url, **kwargs):
        return self.request("GET", url, **kwargs)

    def post(self, url, **kwargs):
        return self.request("POST", url, **kwargs)


def run_examples(examples: list[Example], client, storefront_key: str, exceptions: dict | None = None,
                 timing: dict | None = None) -> list[Result]:
    """Every example through the three checks, executed in `run_order`; results in page order."""
    exceptions = exceptions or {}
    timing = timing if timing is not None else {}
    client = CountingClient(client)
    started = time.monotonic()
    results = {}
    checked = []
    for example in examples:
        result = Result(example, excepted=excepted_reason(example, exceptions))
        valid, problems, operation_name = check_valid(example)
        result.valid, result.operation = valid, operation_name
        if not valid:
            result.reason, result.reasons = problems[0], problems
        checked.append(result)
        results[example.key] = result
    timing["validation"] = time.monotonic() - started
    runner = Runner(client, storefront_key)
    for result in sorted((r for r in checked if r.valid), key=lambda r: run_order(r.example)):
        example = result.example
        operation = None
        if example.kind == "rest":
            _, operation, _ = PathRouted(example.surface).route(example.method, example.path)
        field_name = (result.operation or "").split(".", 1)[-1] if example.kind == "graphql" else ""
        try:
            response = runner.execute(example, operation, field_name)
        except Exception as error:  # noqa: BLE001 — an exception in the app is a server failure
            result.executes, result.reason = False, f"exception {type(error).__name__}: {short(str(error), 120)}"
            result.reasons = [result.reason]
            continue
        result.status = response.status_code
        failure = server_failure(response)
        if failure:
            result.executes, result.reason, result.reasons = False, failure, [failure]
            continue
        result.executes = True
        if example.documented_response is None:
            continue
        ours = response_json(response)
        if ours is None:
            problems = [f"response is not JSON ({response.headers.get('content-type', '?')})"]
        else:
            problems = compare_shape(example.documented_response, ours, nullable=example.nullable,
                                     mixed=example.mixed)
        result.shape = not problems
        if problems:
            answered = error_answer(example, response, ours)
            result.reason = f"{answered or f'status {response.status_code}'}: {problems[0]}"
            result.reasons = [answered] if answered else problems
    timing.update(requests=client.requests, request_seconds=client.seconds)
    return [results[e.key] for e in examples]


# ============================================================================ exceptions

SECTION = "## Documentation examples we answer differently"


def read_exceptions(text: str) -> dict[tuple[str, str], str]:
    """{(page, example or '*'): reason} from the section's table in docs/compatibility.md."""
    start = text.find(SECTION)
    if start < 0:
        return {}
    section = text[start + len(SECTION):]
    end = re.search(r"^## ", section, re.M)
    section = section[:end.start()] if end else section
    found = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) < 3 or not line.strip().startswith("|") or set(cells[0]) <= set("-: ") or cells[0] == "page":
            continue
        found[(cells[0].strip("`"), cells[1].strip("`"))] = "|".join(cells[2:]).strip()
    return found


def excepted_reason(example: Example, exceptions: dict) -> str | None:
    return exceptions.get((example.page, example.name)) or exceptions.get((example.page, "*"))


def load_exceptions() -> dict:
    path = ROOT / "docs" / "compatibility.md"
    return read_exceptions(path.read_text(encoding="utf-8")) if path.exists() else {}


def unmatched_exceptions(exceptions: dict, examples: list[Example]) -> list[tuple[str, str]]:
    """Rows of the exceptions table that name no extracted example (a renamed or removed one)."""
    keys = {(e.page, e.name) for e in examples} | {(e.page, "*") for e in examples}
    return sorted(row for row in exceptions if row not in keys)


@dataclass
class Run:
    results: list
    skipped: list
    seconds: float
    unmatched: list
    timing: dict = field(default_factory=dict)


def run_all(client, storefront_key: str) -> Run:
    """Every page's examples through the three checks."""
    from tests.docs.extract import extract_all
    started = time.monotonic()
    extraction = extract_all()
    exceptions = load_exceptions()
    timing = {"extraction": time.monotonic() - started}
    results = run_examples(extraction.examples, client, storefront_key, exceptions, timing)
    return Run(results, extraction.skipped, time.monotonic() - started,
               unmatched_exceptions(exceptions, extraction.examples), timing)


def dump(run: Run) -> str:
    """The run as JSON, for the pytest gate (which runs the report in a process of its own)."""
    return json.dumps({
        "seconds": round(run.seconds, 1),
        "skipped": [list(row) for row in run.skipped],
        "unmatched_exceptions": [list(row) for row in run.unmatched],
        "results": [{"key": r.example.key, "page": r.example.page, "area": r.example.area,
                     "surface_kind": r.example.surface_kind, "valid": r.valid, "executes": r.executes,
                     "shape": r.shape, "passed": r.passed, "excepted": r.excepted, "status": r.status,
                     "reason": r.reason} for r in run.results],
    }, indent=1)
