"""The attribute reference data of a default Bagisto 2.x install: family `default` (id 1), its seven groups,
the 28 standard attributes with Bagisto's codes and ids, and the default color/size options.

Storefronts hard-code these ids (`?color=1`, attribute 11 is the price filter, 23 is color), so they are
written with explicit ids. The demo adds the brand options after the default ones (10-13) and one extra
color, Blue (14), which the generated catalog uses alongside the default colors.
"""
from storage.models import (
    Attribute, AttributeFamily, AttributeGroup, AttributeGroupMapping, AttributeOption, AttributeOptionTranslation,
    AttributeTranslation,
)

# id: (code, name, column, position)
GROUPS = {
    1: ("general", "General", 1, 1),
    2: ("description", "Description", 1, 2),
    3: ("meta_description", "Meta Description", 1, 3),
    4: ("price", "Price", 2, 1),
    5: ("shipping", "Shipping", 2, 2),
    6: ("settings", "Settings", 2, 3),
    7: ("inventories", "Inventories", 2, 4),
}
REQUIRED, UNIQUE, LOCALE, CHANNEL, FILTER, CONFIG, COMPARE, FRONT, WYSIWYG, USER = (
    "is_required", "is_unique", "value_per_locale", "value_per_channel", "is_filterable", "is_configurable",
    "is_comparable", "is_visible_on_front", "enable_wysiwyg", "is_user_defined")
# id: (code, admin name, type, group id, position in the group, flags, validation)
ATTRIBUTES = {
    1: ("sku", "SKU", "text", 1, 1, {REQUIRED, UNIQUE}, None),
    2: ("name", "Name", "text", 1, 3, {REQUIRED, LOCALE, CHANNEL}, None),
    3: ("url_key", "URL Key", "text", 1, 4, {REQUIRED, UNIQUE, LOCALE}, None),
    4: ("tax_category_id", "Tax Category", "select", 1, 5, {CHANNEL}, None),
    5: ("new", "New", "boolean", 6, 1, set(), None),
    6: ("featured", "Featured", "boolean", 6, 2, set(), None),
    7: ("visible_individually", "Visible Individually", "boolean", 6, 3, {REQUIRED}, None),
    8: ("status", "Status", "boolean", 6, 4, {REQUIRED, CHANNEL}, None),
    9: ("short_description", "Short Description", "textarea", 2, 1, {REQUIRED, LOCALE, CHANNEL, WYSIWYG}, None),
    10: ("description", "Description", "textarea", 2, 2, {REQUIRED, LOCALE, CHANNEL, WYSIWYG}, None),
    11: ("price", "Price", "price", 4, 1, {REQUIRED, FILTER}, None),
    12: ("cost", "Cost", "price", 4, 2, {CHANNEL, USER}, None),
    13: ("special_price", "Special Price", "price", 4, 3, set(), None),
    14: ("special_price_from", "Special Price From", "date", 4, 4, {CHANNEL}, None),
    15: ("special_price_to", "Special Price To", "date", 4, 5, {CHANNEL}, None),
    16: ("meta_title", "Meta Title", "textarea", 3, 1, {LOCALE, CHANNEL}, None),
    17: ("meta_keywords", "Meta Keywords", "textarea", 3, 2, {LOCALE, CHANNEL}, None),
    18: ("meta_description", "Meta Description", "textarea", 3, 3, {LOCALE, CHANNEL, USER}, None),
    19: ("length", "Length", "text", 5, 1, {USER}, "decimal"),
    20: ("width", "Width", "text", 5, 2, {USER}, "decimal"),
    21: ("height", "Height", "text", 5, 3, {USER}, "decimal"),
    22: ("weight", "Weight", "text", 5, 4, {REQUIRED}, "decimal"),
    23: ("color", "Color", "select", 1, 6, {FILTER, CONFIG, COMPARE, FRONT, USER}, None),
    24: ("size", "Size", "select", 1, 7, {FILTER, CONFIG, COMPARE, FRONT, USER}, None),
    25: ("brand", "Brand", "select", 1, 8, {FILTER, COMPARE, FRONT, USER}, None),
    26: ("guest_checkout", "Guest Checkout", "boolean", 6, 5, {REQUIRED}, None),
    27: ("product_number", "Product Number", "text", 1, 2, {UNIQUE}, None),
    28: ("manage_stock", "Manage Stock", "boolean", 7, 1, {CHANNEL}, None),
}
DEFAULT_VALUES = {"manage_stock": "1", "guest_checkout": "1"}
FRENCH_NAMES = {"color": "Couleur", "size": "Taille", "brand": "Marque"}
# option id: (attribute code, English label, French label, sort order)
OPTIONS = {
    1: ("color", "Red", "Rouge", 1), 2: ("color", "Green", "Vert", 2), 3: ("color", "Yellow", "Jaune", 3),
    4: ("color", "Black", "Noir", 4), 5: ("color", "White", "Blanc", 5),
    6: ("size", "S", "S", 1), 7: ("size", "M", "M", 2), 8: ("size", "L", "L", 3), 9: ("size", "XL", "XL", 4),
    10: ("brand", "Acme", "Acme", 1), 11: ("brand", "Northwind", "Northwind", 2),
    12: ("brand", "Contoso", "Contoso", 3), 13: ("brand", "Globex", "Globex", 4),
    14: ("color", "Blue", "Bleu", 6),
}
# The options the generated catalog draws from, in drawing order (kept stable so the catalog stays the same).
CATALOG_OPTIONS = {
    "color": ["Red", "Green", "Blue", "Black", "White"],
    "size": ["S", "M", "L", "XL"],
    "brand": ["Acme", "Northwind", "Contoso", "Globex"],
}
SEEDED_MODELS = (AttributeFamily, AttributeGroup, Attribute, AttributeOption)


def seed_attributes(seed_time):
    family = AttributeFamily.create(id=1, code="default", name="Default", is_user_defined=False)
    for group_id, (code, name, column, position) in GROUPS.items():
        AttributeGroup.create(id=group_id, attribute_family=family, code=code, name=name, column=column,
                              position=position, is_user_defined=False)
    for attribute_id, (code, admin_name, kind, group_id, position, flags, validation) in ATTRIBUTES.items():
        attribute = Attribute.create(
            id=attribute_id, code=code, admin_name=admin_name, type=kind, position=attribute_id,
            validation=validation, is_user_defined=USER in flags, default_value=DEFAULT_VALUES.get(code),
            swatch_type="color" if code == "color" else None, created_at=seed_time, updated_at=seed_time,
            **{flag: True for flag in flags - {USER}})
        AttributeTranslation.create(attribute=attribute, locale="en", name=admin_name)
        if code in FRENCH_NAMES:
            AttributeTranslation.create(attribute=attribute, locale="fr", name=FRENCH_NAMES[code])
        AttributeGroupMapping.create(attribute=attribute, attribute_group=group_id, position=position)
    codes = {code: attribute_id for attribute_id, (code, *_rest) in ATTRIBUTES.items()}
    for option_id, (code, label_en, label_fr, sort_order) in OPTIONS.items():
        option = AttributeOption.create(id=option_id, attribute=codes[code], admin_name=label_en,
                                        sort_order=sort_order,
                                        swatch_value=label_en.lower() if code == "color" else None)
        AttributeOptionTranslation.create(attribute_option=option, locale="en", label=label_en)
        AttributeOptionTranslation.create(attribute_option=option, locale="fr", label=label_fr)


def catalog_options() -> dict[str, list[tuple[int, str]]]:
    """attribute code -> [(option id, English label)] in the catalog's drawing order."""
    ids = {(code, label): option_id for option_id, (code, label, _fr, _order) in OPTIONS.items()}
    return {code: [(ids[(code, label)], label) for label in labels] for code, labels in CATALOG_OPTIONS.items()}
