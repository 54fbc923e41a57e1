"""The resource paths of the overview pages (`/api/cart_tokens`, `/api/customers/login`, ...): each
operation translates its snake_case body to the body of a shop operation, checks it against that
operation's request schema (the rules connexion applies on the shop path), calls the shop handler and
answers as API Platform does: a JSON-LD item (`@context`, `@id`, `@type`, then the fields), a Hydra
collection, or a `hydra:Error`. Every handler of this surface renders through `item`, `collection` and
`jsonld` below; server/errors.py renders the surface's errors through `hydra_error`."""
import math
from decimal import Decimal
from functools import wraps
from urllib.parse import urlencode

from connexion import request

from domain.customers import validate_input

TITLES = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          409: "Conflict", 413: "Payload Too Large", 415: "Unsupported Media Type", 422: "Unprocessable Entity",
          501: "Not Implemented", 503: "Service Unavailable"}


def shop_body(body: dict | None, names: dict[str, str], schema_name: str | None = None) -> dict:
    """`body` under the shop's field names (`names`: ours -> the shop's; fields not named are dropped),
    validated against the shop's request schema `schema_name` (422 naming every failing field)."""
    translated = {names[key]: value for key, value in (body or {}).items() if key in names}
    if schema_name is not None:
        validate_input(schema_name, translated)
    return translated


def item(type_name: str, iri: str | None, fields: dict, context: str | None = None) -> dict:
    """A JSON-LD item: `@context` (the type's unless `context` names another), `@id` when the resource
    has an address, `@type`, then the fields."""
    document = {"@context": f"/api/contexts/{context or type_name}"}
    if iri is not None:
        document["@id"] = iri
    return {**document, "@type": type_name, **fields}


def member(type_name: str, iri: str, fields: dict) -> dict:
    """A collection member: `@id` and `@type` before the fields (the context is the collection's)."""
    return {"@id": iri, "@type": type_name, **fields}


def collection(type_name: str, path: str, members: list[dict], total: int, page: int | None = None,
               per_page: int | None = None, query: dict | None = None) -> dict:
    """A Hydra collection of `path`; paged collections get `hydra:view` with first, previous, next and
    last links that repeat the other query parameters."""
    document = {"@context": f"/api/contexts/{type_name}", "@id": path, "@type": "hydra:Collection",
                "hydra:member": members, "hydra:totalItems": total}
    if page is not None and per_page:
        last = max(1, math.ceil(total / per_page))
        kept = {key: value for key, value in (query or {}).items() if key != "page" and value is not None}

        def link(number: int) -> str:
            return f"{path}?{urlencode({**kept, 'page': number})}"
        view = {"@id": link(page), "@type": "hydra:PartialCollectionView", "hydra:first": link(1),
                "hydra:last": link(last)}
        if page > 1:
            view["hydra:previous"] = link(page - 1)
        if page < last:
            view["hydra:next"] = link(page + 1)
        document["hydra:view"] = view
    return document


def hydra_error(status: int, body: dict) -> dict:
    """API Platform's `hydra:Error` for a refusal, keeping the shop's `message`, `error` and `errors`
    (server/errors.py renders every error of the resource paths through it)."""
    return {"@context": "/api/contexts/Error", "@type": "hydra:Error",
            "hydra:title": TITLES.get(status, "An error occurred"), "hydra:description": body.get("message", ""),
            **body}


def media_type() -> str:
    """`application/ld+json` when the request asks for it, else `application/json` (the same document)."""
    accept = (request.headers.get("Accept") or "").lower()
    return "application/ld+json" if "application/ld+json" in accept else "application/json"


def jsonld(handler):
    """A resource handler answered in the negotiated media type (its errors reach server/errors.py)."""
    @wraps(handler)
    def wrapper(*args, **kwargs):
        result = handler(*args, **kwargs)
        document, status = result if isinstance(result, tuple) else (result, 200)
        return document, status, {"Content-Type": media_type()}
    return wrapper


def money(value) -> str:
    """An amount as the cart pages print it: a decimal string with two places."""
    return f"{Decimal(str(value or 0)):.2f}"
