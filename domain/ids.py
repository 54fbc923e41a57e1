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


def keys_of_iri(value, template: str) -> dict[str, int] | None:
    """The keys an IRI holds for each placeholder of `template`
    ("/api/admin/catalog/products/{productId}/images/{id}" -> {"productId": 12, "id": 47}), or None."""
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>\\d{1,10})", re.escape(template))
    match = re.fullmatch(pattern, value) if isinstance(value, str) else None
    if match is None or not all(1 <= int(key) <= MAX_ID for key in match.groupdict().values()):
        return None
    return {name: int(key) for name, key in match.groupdict().items()}


def parse_nested_id(value, template: str) -> tuple[int | None, int]:
    """(parent key, key) from an IRI of a two-level `template`, or (None, key) for a plain IRI or key."""
    keys = keys_of_iri(value, template)
    if keys:
        parent, key = keys.values()
        return parent, key
    return None, parse_id(value)
