"""The store settings of the GraphQL overview (graphql-api/admin-api.md `configuration`): a few
configuration fields under short names, grouped in sections. Reading and writing go through the
configuration tree (values.py): the same scopes, defaults and validation; every value is checked
before any is written.

Names the store has no setting for (a tax identifier, checkout switches, a shipping origin) read as
null; writing one is a 422 naming it."""
from domain.configuration import values as configuration
from domain.errors import Unprocessable
from storage.db import database

SETTINGS = {
    "general": {"storeName": "emails.configure.email_settings.sender_name",
                "storeEmail": "emails.configure.email_settings.shop_email_from",
                "taxIdentifier": None},
    "catalog": {"productsPerPage": "catalog.products.storefront.products_per_page",
                "defaultSort": "catalog.products.storefront.sort_by"},
    "checkout": {"guestCheckout": None, "reviewCheckout": None},
    "shipping": {"origin": None, "freeShippingThreshold": "sales.carriers.free.minimum_order_amount"},
}
NUMBERS = {"productsPerPage": int, "freeShippingThreshold": float}


def typed(name: str, text: str | None):
    if text is None or name not in NUMBERS:
        return text
    number = NUMBERS[name](text)
    return int(number) if isinstance(number, float) and number.is_integer() else number


def read(channel_code: str, locale_code: str) -> dict:
    codes = [code for section in SETTINGS.values() for code in section.values() if code]
    found = configuration.effective_values([(code, configuration.FIELDS[code]) for code in codes], channel_code,
                                           locale_code)
    return {section: {name: typed(name, found[code]) if code else None for name, code in names.items()}
            for section, names in SETTINGS.items()}


def sort_value(value):
    """`name` alone sorts ascending (`name-asc`), as the storefront's sort options do."""
    return f"{value}-asc" if isinstance(value, str) and "-" not in value else value


def write(sections: dict, channel: str | None, locale: str | None, channel_code: str, locale_code: str) -> dict:
    """Write the named settings, all or none; the settings after the write."""
    errors, by_slug, names = {}, {}, {}
    for section, given in sections.items():
        for name, value in (given or {}).items():
            if value is None:
                continue
            code = SETTINGS.get(section, {}).get(name)
            if code is None:
                errors[f"{section}.{name}"] = ["The store has no such setting."]
                continue
            if name == "defaultSort":
                value = sort_value(value)
            by_slug.setdefault(code.partition(".")[0], {})[code] = value
            names[f"values.{code}"] = f"{section}.{name}"
    if errors:
        raise Unprocessable(errors)
    if not by_slug:
        raise Unprocessable({"general": ["At least one setting is required."]})
    with database.atomic():
        try:
            for slug, values in by_slug.items():
                configuration.write_values(slug, channel, locale, values, channel_code, locale_code)
        except Unprocessable as error:  # named as the caller named them
            raise Unprocessable({names.get(key, key): messages for key, messages in error.errors.items()}) from None
    return read(channel or channel_code, locale or locale_code)
