"""The one id codec: integer keys in and out of IRIs (`/api/shop/products/12`), one bound for every
transport and handler."""
import re

from domain.errors import InvalidRequest

MAX_ID = 2**31 - 1
IRI_OR_KEY = re.compile(r"(?:/api/[\w/-]+/)?(\d{1,10})")


def parse_id(value, name: str = "id") -> int:
    """An IRI such as "/api/shop/products/12", the integer 12 or the string "12" -> 12 (1..2³¹−1);
    anything else is a 400 naming the argument."""
    if isinstance(value, bool):
        value = None
    match = IRI_OR_KEY.fullmatch(str(value)) if isinstance(value, (int, str)) else None
    if not match or not 1 <= int(match.group(1)) <= MAX_ID:
        raise InvalidRequest({name: ["Must be an IRI such as /api/shop/products/1 or an integer id."]})
    return int(match.group(1))


def iri(template: str | None, key):
    """The IRI of `key` under `template` ("/api/shop/products/{id}"); non-integer keys pass as they are."""
    if template and isinstance(key, int) and not isinstance(key, bool):
        return template.replace("{id}", str(key))
    return key


def parse_nested_id(value, template: str) -> tuple[int | None, int]:
    """(parent key, key) from an IRI of `template` ("/api/admin/catalog/products/{productId}/images/{id}"),
    or (None, key) when `value` is a plain IRI or key."""
    pattern = re.sub(r"\\\{\w+\\\}", r"(\\d{1,10})", re.escape(template))
    match = re.fullmatch(pattern, str(value))
    if match and all(1 <= int(group) <= MAX_ID for group in match.groups()):
        return int(match.group(1)), int(match.group(2))
    return None, parse_id(value)
