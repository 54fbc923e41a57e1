"""Configuration values: the menu documents of the tree, effective values per channel and locale, and
validated writes.

A value is stored (CoreConfig) under its field's scope: the channel code when the field is
channel-based, the locale code when it is locale-based, "" otherwise. Reading a field takes the most
specific row of its scope, then the store-wide row (what the shop reads too, domain/sales/store_config.py),
then the field's default. A write checks every value first (scope of the slug, known field, type,
options, rules) and writes all of them or none.
"""
import re
from decimal import Decimal, InvalidOperation

from domain.configuration.tree import TREE, Field, Node
from domain.errors import ApiError, Unprocessable
from storage.db import database
from storage.models import Channel, CoreConfig, Locale, utcnow

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
TRUE_WORDS, FALSE_WORDS = ("1", "true", "yes", "on"), ("0", "false", "no", "off", "")
MAX_VALUE_LENGTH = 65535


class SlugNotFound(ApiError):
    def __init__(self, slug: str):
        super().__init__(404, f"Configuration slug '{slug}' is not registered.", "not_found")


def index(nodes=TREE, found=None) -> dict[str, Node]:
    found = {} if found is None else found
    for node in nodes:
        found[node.key] = node
        index(node.children, found)
    return found


NODES = index()


def find_node(slug: str | None) -> Node:
    node = NODES.get(slug or "")
    if node is None:
        raise SlugNotFound(slug or "")
    return node


def ordered(nodes) -> list[Node]:
    return sorted(nodes, key=lambda node: node.sort)


def fields_under(node: Node) -> list[tuple[str, Field]]:
    """(code, field) of every field of `node` and its descendants, in menu order."""
    found = [(f"{node.key}.{field.name}", field) for field in node.fields]
    for child in ordered(node.children):
        found += fields_under(child)
    return found


FIELDS = {code: field for node in TREE for code, field in fields_under(node)}


def stored_form(value) -> str | None:
    """A default as the store holds values: text, booleans as "1"/"0"."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


# --- reading -----------------------------------------------------------------------------------

def effective_values(fields: list[tuple[str, Field]], channel_code: str, locale_code: str) -> dict[str, str | None]:
    """{code: value} for `fields`: the most specific stored row of each field's scope, else its default."""
    codes = [code for code, _ in fields]
    rows = {}
    for code, value, channel, locale in (CoreConfig.select(CoreConfig.code, CoreConfig.value, CoreConfig.channel_code,
                                                           CoreConfig.locale_code)
                                         .where(CoreConfig.code.in_(codes), CoreConfig.channel_code.in_(("", channel_code)),
                                                CoreConfig.locale_code.in_(("", locale_code))).tuples()):
        rows[(code, channel, locale)] = value
    values = {}
    for code, field in fields:
        channels = (channel_code, "") if field.channel_based else ("",)
        locales = (locale_code, "") if field.locale_based else ("",)
        candidates = [rows.get((code, channel, locale)) for channel in channels for locale in locales]
        values[code] = next((value for value in candidates if value is not None), stored_form(field.default))
    return values


def field_document(code: str, field: Field, value=None, with_value: bool = False) -> dict:
    document = {
        "name": field.name, "code": code, "title": field.title, "type": field.type, "customView": field.custom_view,
        "default": field.default, "channelBased": field.channel_based, "localeBased": field.locale_based,
        "validation": field.validation,
        "options": [{"title": title, "value": option} for title, option in field.options] or None,
        "depends": field.depends, "info": field.info,
    }
    if with_value:
        document["value"] = value
    return document


def node_document(node: Node, values: dict | None) -> dict:
    document = {"key": node.key, "name": node.name, "info": node.info, "icon": node.icon, "sort": node.sort}
    if node.children:
        document["children"] = [node_document(child, values) for child in ordered(node.children)]
    if node.fields:
        document["fields"] = [field_document(f"{node.key}.{field.name}", field,
                                             (values or {}).get(f"{node.key}.{field.name}"), values is not None)
                              for field in node.fields]
    return document


def menu(slug: str | None, include_values: bool, channel_code: str, locale_code: str) -> dict:
    """{slug, tree}: the node `slug` names (every section without one), values embedded on request."""
    nodes = [find_node(slug)] if slug else ordered(TREE)
    values = None
    if include_values:
        values = effective_values([pair for node in nodes for pair in fields_under(node)], channel_code, locale_code)
    return {"slug": slug, "tree": [node_document(node, values) for node in nodes]}


def slug_values(slug: str | None, channel_code: str, locale_code: str) -> dict:
    if not slug:
        raise Unprocessable({"slug": ["The slug field is required."]})
    node = find_node(slug)
    return {"slug": slug, "channel": channel_code, "locale": locale_code,
            "values": effective_values(fields_under(node), channel_code, locale_code)}


# --- writing -----------------------------------------------------------------------------------

def check_scope(channel: str | None, locale: str | None, default_channel: str, default_locale: str) -> tuple[str, str]:
    errors = {}
    if channel is not None and not Channel.select().where(Channel.code == channel).exists():
        errors["channel"] = ["The selected channel is invalid."]
    if locale is not None and not Locale.select().where(Locale.code == locale).exists():
        errors["locale"] = ["The selected locale is invalid."]
    if errors:
        raise Unprocessable(errors)
    return channel or default_channel, locale or default_locale


def rule_errors(field: Field, text: str) -> list[str]:
    """Messages for the `validation` rules `text` breaks (an empty value only breaks `required`)."""
    rules = (field.validation or "").split("|") if field.validation else []
    if text == "":
        return ["The field is required."] if "required" in rules else []
    numeric = "numeric" in rules or "integer" in rules
    errors = []
    number = None
    if numeric:
        try:
            number = Decimal(text)
            if not number.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            return ["The field must be a number."]
        if "integer" in rules and number != number.to_integral_value():
            return ["The field must be an integer."]
    if "email" in rules and not EMAIL.match(text):
        errors.append("The field must be a valid email address.")
    for rule in rules:
        name, _, bound = rule.partition(":")
        if name in ("min", "max") and bound:
            measured = number if number is not None else Decimal(len(text))
            limit = Decimal(bound)
            if name == "min" and measured < limit:
                errors.append(f"The field must be at least {bound}{'' if numeric else ' characters'}.")
            if name == "max" and measured > limit:
                errors.append(f"The field may not be greater than {bound}{'' if numeric else ' characters'}.")
    return errors


def normalized(field: Field, value, uploaded: bool = False) -> tuple[str | None, list[str]]:
    """(text to store, or None to clear; messages) for a value sent for `field`."""
    if field.type == "custom":
        return None, ["This field is read-only."]
    if field.type in ("image", "file"):
        if uploaded:
            return value, []
        if value is None:
            return None, []
        return None, ["Upload the file as multipart/form-data (REST)."]
    if value is None:
        return None, rule_errors(field, "")
    if field.type == "boolean":
        word = str(value).strip().lower() if not isinstance(value, bool) else ("1" if value else "0")
        if isinstance(value, (dict, list)) or word not in TRUE_WORDS + FALSE_WORDS:
            return None, ["The field must be true or false."]
        return ("1" if word in TRUE_WORDS else "0"), []
    if field.type == "multiselect":
        chosen = value if isinstance(value, list) else str(value).split(",") if isinstance(value, (str, int)) else None
        allowed = {option for _, option in field.options}
        if chosen is None or any(not isinstance(item, (str, int)) or str(item).strip() not in allowed for item in chosen):
            return None, ["The selected values are invalid."]
        return ",".join(str(item).strip() for item in chosen), []
    if isinstance(value, (dict, list)):
        return None, ["The field must be text."]
    text = ("1" if value else "0") if isinstance(value, bool) else str(value)
    if "\x00" in text or len(text) > MAX_VALUE_LENGTH:
        return None, ["The value is not storable text."]
    if field.type == "select" and text not in {option for _, option in field.options}:
        return None, ["The selected value is invalid."]
    return text, rule_errors(field, text)


def write_values(slug: str, channel: str | None, locale: str | None, values: dict, default_channel: str,
                 default_locale: str, uploads: dict | None = None) -> dict:
    """Validate every `code -> value` (each code under `slug.`), then write them all; the slug's values after."""
    node = find_node(slug)
    channel_code, locale_code = check_scope(channel, locale, default_channel, default_locale)
    uploads = uploads or {}
    known = dict(fields_under(node))
    errors, writes = {}, []
    for code, value in {**values, **uploads}.items():
        if not code.startswith(f"{slug}."):
            errors[f"values.{code}"] = [f"The key is outside the slug {slug}."]
            continue
        field = known.get(code)
        if field is None:
            errors[f"values.{code}"] = ["No such configuration field."]
            continue
        text, messages = normalized(field, value, uploaded=code in uploads)
        if messages:
            errors[f"values.{code}"] = messages
            continue
        writes.append((code, text, channel_code if field.channel_based else "",
                       locale_code if field.locale_based else ""))
    if errors:
        raise Unprocessable(errors)
    now = utcnow()
    with database.atomic():
        for code, text, channel_scope, locale_scope in writes:
            row = (CoreConfig.code == code) & (CoreConfig.channel_code == channel_scope) & \
                (CoreConfig.locale_code == locale_scope)
            if text is None:
                CoreConfig.delete().where(row).execute()
            elif not CoreConfig.update(value=text, updated_at=now).where(row).execute():
                CoreConfig.create(code=code, value=text, channel_code=channel_scope, locale_code=locale_scope,
                                  created_at=now, updated_at=now)
    return {"slug": slug, "channel": channel_code, "locale": locale_code,
            "values": effective_values(fields_under(node), channel_code, locale_code)}
