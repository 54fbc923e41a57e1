"""The resource paths of the overview pages (`/api/cart_tokens`, `/api/customers/login`, ...): each
operation translates its snake_case body to the body of a shop operation, checks it against that
operation's request schema (the rules connexion applies on the shop path) and calls the shop handler."""
from domain.customers import validate_input


def shop_body(body: dict | None, names: dict[str, str], schema_name: str | None = None) -> dict:
    """`body` under the shop's field names (`names`: ours -> the shop's; fields not named are dropped),
    validated against the shop's request schema `schema_name` (422 naming every failing field)."""
    translated = {names[key]: value for key, value in (body or {}).items() if key in names}
    if schema_name is not None:
        validate_input(schema_name, translated)
    return translated
