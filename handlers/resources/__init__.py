"""The resource paths of the overview pages (`/api/cart_tokens`, `/api/customers/login`, ...): each
operation translates its snake_case body to the body of a shop operation, checks it against that
operation's request schema (the rules connexion applies on the shop path) and calls the shop handler."""
from functools import wraps

from domain.customers import validate_input


def shop_body(body: dict | None, names: dict[str, str], schema_name: str | None = None) -> dict:
    """`body` under the shop's field names (`names`: ours -> the shop's; fields not named are dropped),
    validated against the shop's request schema `schema_name` (422 naming every failing field)."""
    translated = {names[key]: value for key, value in (body or {}).items() if key in names}
    if schema_name is not None:
        validate_input(schema_name, translated)
    return translated


def typed(type_name: str):
    """The shop's answer with the JSON-LD `@context` and `@type` the pages show for this resource
    (`Message`, `CartToken`, ...); the shop document's own fields are unchanged."""
    def decorate(handler):
        @wraps(handler)
        def wrapper(*args, **kwargs):
            result = handler(*args, **kwargs)
            document, status = result if isinstance(result, tuple) else (result, None)
            if isinstance(document, dict):
                document = {"@context": f"/api/contexts/{type_name}", "@type": type_name, **document}
            return document if status is None else (document, status)
        return wrapper
    return decorate
