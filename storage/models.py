"""Peewee models: the catalog, store settings and storefront keys.

Tables are created and changed only by migrations in storage/migrations/.
Translatable rows live in `*Translation` tables keyed by locale code.
"""
import datetime

from peewee import (
    JSONField,
    BigIntegerField,
    BooleanField,
    CharField,
    CompositeKey,
    DateTimeField,
    DecimalField,
    ForeignKeyField,
    IntegerField,
    Model,
    TextField,
)


from storage.db import database
from storage.fields import MoneyField
from storage.observed import ObservedWrites


def utcnow():
    return datetime.datetime.now(datetime.timezone.utc).replace(microsecond=0, tzinfo=None)


class BaseModel(ObservedWrites, Model):
    class Meta:
        database = database
        legacy_table_names = False


class TimestampedModel(BaseModel):
    created_at = DateTimeField(default=utcnow)
    updated_at = DateTimeField(default=utcnow)


# --- store settings -------------------------------------------------------

class Locale(TimestampedModel):
    code = CharField(unique=True, max_length=16)
    name = CharField()
    direction = CharField(default="ltr", max_length=3)
    logo_path = CharField(null=True)


class Currency(TimestampedModel):
    code = CharField(unique=True, max_length=3)
    name = CharField()
    symbol = CharField(max_length=8)
    decimal = IntegerField(default=2)
    group_separator = CharField(default=",", max_length=2)
    decimal_separator = CharField(default=".", max_length=2)
    currency_position = CharField(default="left", max_length=20)


class ExchangeRate(TimestampedModel):
    target_currency = ForeignKeyField(Currency, unique=True, backref="exchange_rates", on_delete="CASCADE")
    rate = DecimalField(max_digits=24, decimal_places=12, auto_round=True)


class InventorySource(TimestampedModel):
    code = CharField(unique=True)
    name = CharField()
    priority = IntegerField(default=0)
    status = BooleanField(default=True)
    description = TextField(null=True)
    contact_name = CharField(null=True)
    contact_email = CharField(null=True)
    contact_number = CharField(null=True)
    contact_fax = CharField(null=True)
    country = CharField(null=True, max_length=2)
    state = CharField(null=True)
    city = CharField(null=True)
    street = CharField(null=True)
    postcode = CharField(null=True, max_length=32)
    latitude = DecimalField(null=True, max_digits=10, decimal_places=6, auto_round=True)
    longitude = DecimalField(null=True, max_digits=10, decimal_places=6, auto_round=True)


class CustomerGroup(TimestampedModel):
    code = CharField(unique=True)
    name = CharField()
    is_user_defined = BooleanField(default=True)


class TaxCategory(TimestampedModel):
    code = CharField(unique=True)
    name = CharField()
    description = TextField(default="")


class TaxRate(TimestampedModel):
    """A rate for a country, optionally narrowed to a state and a postcode or postcode range."""
    identifier = CharField(unique=True)
    country = CharField(max_length=2)
    state = CharField(default="")  # "" or "*" = every state
    is_zip = BooleanField(default=False)  # True: zip_from..zip_to; False: zip_code ("" or "*" = any)
    zip_code = CharField(default="")
    zip_from = CharField(default="")
    zip_to = CharField(default="")
    tax_rate = DecimalField(max_digits=12, decimal_places=4, auto_round=True)


class TaxCategoryRate(BaseModel):
    tax_category = ForeignKeyField(TaxCategory, backref="rate_links", on_delete="CASCADE")
    tax_rate = ForeignKeyField(TaxRate, backref="category_links", on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("tax_category", "tax_rate")


class CoreConfig(TimestampedModel):
    """Store configuration values (shipping and payment method settings, ...) by dotted code."""
    code = CharField()
    value = TextField(default="")
    channel_code = CharField(default="")
    locale_code = CharField(default="")

    class Meta:
        indexes = ((("code", "channel_code", "locale_code"), True),)


class Category(TimestampedModel):
    parent = ForeignKeyField("self", null=True, backref="children", on_delete="CASCADE")
    position = IntegerField(default=0)
    status = BooleanField(default=True)
    display_mode = CharField(default="products_and_description")
    logo_path = CharField(null=True)
    banner_path = CharField(null=True)
    lft = IntegerField(default=0, index=True)
    rgt = IntegerField(default=0)


class CategoryTranslation(BaseModel):
    category = ForeignKeyField(Category, backref="translations", on_delete="CASCADE")
    locale = CharField(max_length=16)
    name = CharField()
    slug = CharField()
    url_path = CharField(default="")
    description = TextField(default="")
    meta_title = CharField(default="")
    meta_description = TextField(default="")
    meta_keywords = TextField(default="")

    class Meta:
        indexes = ((("category", "locale"), True),)


class Channel(TimestampedModel):
    code = CharField(unique=True)
    hostname = CharField(null=True)
    theme = CharField(default="default")
    timezone = CharField(default="UTC")
    default_locale = ForeignKeyField(Locale, backref="+")
    base_currency = ForeignKeyField(Currency, backref="+")
    root_category = ForeignKeyField(Category, null=True, backref="+")
    logo_path = CharField(null=True)
    favicon_path = CharField(null=True)
    is_maintenance_on = BooleanField(default=False)
    allowed_ips = TextField(default="")


class ChannelTranslation(BaseModel):
    channel = ForeignKeyField(Channel, backref="translations", on_delete="CASCADE")
    locale = CharField(max_length=16)
    name = CharField()
    description = TextField(default="")
    maintenance_mode_text = TextField(default="")
    home_seo = JSONField(default=dict)

    class Meta:
        indexes = ((("channel", "locale"), True),)


class ChannelLocale(BaseModel):
    channel = ForeignKeyField(Channel, backref="locale_links", on_delete="CASCADE")
    locale = ForeignKeyField(Locale, backref="channel_links", on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("channel", "locale")


class ChannelCurrency(BaseModel):
    channel = ForeignKeyField(Channel, backref="currency_links", on_delete="CASCADE")
    currency = ForeignKeyField(Currency, backref="channel_links", on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("channel", "currency")


class Country(BaseModel):
    code = CharField(unique=True, max_length=2)
    name = CharField()


class CountryTranslation(BaseModel):
    country = ForeignKeyField(Country, backref="translations", on_delete="CASCADE")
    locale = CharField(max_length=16)
    name = CharField()

    class Meta:
        indexes = ((("country", "locale"), True),)


class CountryState(BaseModel):
    country = ForeignKeyField(Country, backref="states", on_delete="CASCADE")
    country_code = CharField(max_length=2)
    code = CharField(max_length=16)
    default_name = CharField()


class CountryStateTranslation(BaseModel):
    country_state = ForeignKeyField(CountryState, backref="translations", on_delete="CASCADE")
    locale = CharField(max_length=16)
    default_name = CharField()

    class Meta:
        indexes = ((("country_state", "locale"), True),)


class ThemeCustomization(TimestampedModel):
    channel = ForeignKeyField(Channel, backref="theme_customizations", on_delete="CASCADE")
    theme_code = CharField(default="default")
    type = CharField()
    name = CharField()
    sort_order = IntegerField(default=0)
    status = BooleanField(default=True)


class ThemeCustomizationTranslation(BaseModel):
    theme_customization = ForeignKeyField(ThemeCustomization, backref="translations", on_delete="CASCADE")
    locale = CharField(max_length=16)
    options = JSONField(default=dict)

    class Meta:
        indexes = ((("theme_customization", "locale"), True),)


# --- attributes -----------------------------------------------------------

class Attribute(TimestampedModel):
    code = CharField(unique=True)
    admin_name = CharField()
    type = CharField()  # text, textarea, price, boolean, select, multiselect, datetime, date, image, file, checkbox
    swatch_type = CharField(null=True)
    validation = CharField(null=True)
    regex = CharField(null=True)
    position = IntegerField(default=0)
    is_required = BooleanField(default=False)
    is_unique = BooleanField(default=False)
    is_filterable = BooleanField(default=False)
    is_searchable = BooleanField(default=False)
    is_comparable = BooleanField(default=False)
    is_configurable = BooleanField(default=False)
    is_user_defined = BooleanField(default=True)
    is_visible_on_front = BooleanField(default=False)
    value_per_locale = BooleanField(default=False)
    value_per_channel = BooleanField(default=False)
    default_value = CharField(null=True)
    enable_wysiwyg = BooleanField(default=False)


class AttributeTranslation(BaseModel):
    attribute = ForeignKeyField(Attribute, backref="translations", on_delete="CASCADE")
    locale = CharField(max_length=16)
    name = CharField()

    class Meta:
        indexes = ((("attribute", "locale"), True),)


class AttributeOption(BaseModel):
    attribute = ForeignKeyField(Attribute, backref="options", on_delete="CASCADE")
    admin_name = CharField()
    sort_order = IntegerField(default=0)
    swatch_value = CharField(null=True)


class AttributeOptionTranslation(BaseModel):
    attribute_option = ForeignKeyField(AttributeOption, backref="translations", on_delete="CASCADE")
    locale = CharField(max_length=16)
    label = CharField()

    class Meta:
        indexes = ((("attribute_option", "locale"), True),)


class AttributeFamily(BaseModel):
    code = CharField(unique=True)
    name = CharField()
    status = BooleanField(default=True)
    is_user_defined = BooleanField(default=True)


class AttributeGroup(BaseModel):
    attribute_family = ForeignKeyField(AttributeFamily, backref="groups", on_delete="CASCADE")
    code = CharField()
    name = CharField()
    column = IntegerField(default=1)
    position = IntegerField(default=0)
    is_user_defined = BooleanField(default=True)


class AttributeGroupMapping(BaseModel):
    attribute = ForeignKeyField(Attribute, backref="group_links", on_delete="CASCADE")
    attribute_group = ForeignKeyField(AttributeGroup, backref="attribute_links", on_delete="CASCADE")
    position = IntegerField(default=0)

    class Meta:
        primary_key = CompositeKey("attribute", "attribute_group")


# --- products -------------------------------------------------------------

class Product(TimestampedModel):
    sku = CharField(unique=True)
    type = CharField(index=True)  # simple, configurable, virtual, downloadable, grouped, bundle, booking
    attribute_family = ForeignKeyField(AttributeFamily, backref="products")
    parent = ForeignKeyField("self", null=True, backref="variants", on_delete="CASCADE")
    status = BooleanField(default=True)
    visible_individually = BooleanField(default=True)
    new = BooleanField(default=False)
    featured = BooleanField(default=False)
    price = MoneyField(default=0)
    special_price = MoneyField(null=True)
    special_price_from = DateTimeField(null=True)
    special_price_to = DateTimeField(null=True)
    cost = MoneyField(null=True)
    weight = DecimalField(max_digits=12, decimal_places=4, null=True, auto_round=True)
    # Lowest/highest effective base price over the product and its variants,
    # kept up to date by every price write; used for price sort and filters.
    min_price = MoneyField(default=0, index=True)
    max_price = MoneyField(default=0)
    tax_category = ForeignKeyField(TaxCategory, null=True, backref="+", on_delete="SET NULL")
    manage_stock = BooleanField(default=True)

    class Meta:
        # The shop's list: listed products (top-level, enabled, visible) in id, price or date order.
        indexes = ((("parent", "status", "visible_individually", "id"), False),
                   (("parent", "status", "visible_individually", "min_price", "id"), False),
                   (("parent", "status", "visible_individually", "created_at", "id"), False))


class ProductTranslation(BaseModel):
    product = ForeignKeyField(Product, backref="translations", on_delete="CASCADE")
    locale = CharField(max_length=16)
    name = CharField(index=True)
    url_key = CharField()
    short_description = TextField(default="")
    description = TextField(default="")
    meta_title = CharField(default="")
    meta_keywords = TextField(default="")
    meta_description = TextField(default="")

    class Meta:
        indexes = ((("product", "locale"), True), (("locale", "url_key"), True))


class ProductChannel(BaseModel):
    product = ForeignKeyField(Product, backref="channel_links", on_delete="CASCADE")
    channel = ForeignKeyField(Channel, backref="product_links", on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("product", "channel")
        indexes = ((("channel", "product"), True),)


class ProductCategory(BaseModel):
    product = ForeignKeyField(Product, backref="category_links", on_delete="CASCADE")
    category = ForeignKeyField(Category, backref="product_links", on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("product", "category")
        indexes = ((("category", "product"), True),)


class ProductAttributeValue(BaseModel):
    """Attribute values beyond the core columns (select options, free text, ...)."""
    product = ForeignKeyField(Product, backref="attribute_values", on_delete="CASCADE")
    attribute = ForeignKeyField(Attribute, backref="+", on_delete="CASCADE")
    locale = CharField(max_length=16, null=True)
    channel = CharField(null=True)
    text_value = TextField(null=True)
    boolean_value = BooleanField(null=True)
    integer_value = IntegerField(null=True)

    class Meta:
        indexes = ((("attribute", "integer_value", "product"), False), (("product", "attribute"), False))


class ProductSuperAttribute(BaseModel):
    product = ForeignKeyField(Product, backref="super_attribute_links", on_delete="CASCADE")
    attribute = ForeignKeyField(Attribute, backref="+", on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("product", "attribute")


class ProductImage(BaseModel):
    product = ForeignKeyField(Product, backref="images", on_delete="CASCADE")
    type = CharField(default="images")
    path = CharField()
    position = IntegerField(default=0)


class ProductVideo(BaseModel):
    product = ForeignKeyField(Product, backref="videos", on_delete="CASCADE")
    type = CharField(default="videos")
    path = CharField()
    position = IntegerField(default=0)


class ProductInventory(BaseModel):
    product = ForeignKeyField(Product, backref="inventories", on_delete="CASCADE")
    inventory_source = ForeignKeyField(InventorySource, backref="inventories", on_delete="CASCADE")
    qty = IntegerField(default=0)

    class Meta:
        indexes = ((("product", "inventory_source"), True),)


class ProductCustomerGroupPrice(BaseModel):
    product = ForeignKeyField(Product, backref="customer_group_prices", on_delete="CASCADE")
    customer_group = ForeignKeyField(CustomerGroup, null=True, backref="+", on_delete="CASCADE")
    qty = IntegerField(default=1)
    value_type = CharField(default="fixed")  # fixed | discount
    value = MoneyField()
    unique_id = CharField(unique=True)


class ProductLink(BaseModel):
    """Related, up-sell and cross-sell associations."""
    kind = CharField(max_length=16)  # related | up_sell | cross_sell
    parent = ForeignKeyField(Product, backref="links", on_delete="CASCADE")
    child = ForeignKeyField(Product, backref="+", on_delete="CASCADE")

    class Meta:
        primary_key = CompositeKey("kind", "parent", "child")


class ProductCustomizableOption(BaseModel):
    product = ForeignKeyField(Product, backref="customizable_options", on_delete="CASCADE")
    type = CharField()  # field, area, drop_down, radio, checkbox, multiple, date, date_time, time, file
    is_required = BooleanField(default=False)
    sort_order = IntegerField(default=0)
    max_characters = IntegerField(null=True)
    supported_file_extensions = CharField(null=True)


class ProductCustomizableOptionTranslation(BaseModel):
    product_customizable_option = ForeignKeyField(
        ProductCustomizableOption, backref="translations", on_delete="CASCADE"
    )
    locale = CharField(max_length=16)
    label = CharField()

    class Meta:
        indexes = ((("product_customizable_option", "locale"), True),)


class ProductCustomizableOptionPrice(BaseModel):
    product_customizable_option = ForeignKeyField(ProductCustomizableOption, backref="prices", on_delete="CASCADE")
    label = CharField()
    price = MoneyField(default=0)
    price_type = CharField(default="fixed")  # fixed | percent
    sort_order = IntegerField(default=0)


class ProductGroupedProduct(BaseModel):
    """A grouped product's associated (simple) products and their default quantities."""
    product = ForeignKeyField(Product, backref="grouped_products", on_delete="CASCADE")
    associated_product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    qty = IntegerField(default=1)
    sort_order = IntegerField(default=0)

    class Meta:
        indexes = ((("product", "associated_product"), True),)


class ProductBundleOption(BaseModel):
    product = ForeignKeyField(Product, backref="bundle_options", on_delete="CASCADE")
    type = CharField(default="select")  # select | radio | checkbox | multiselect
    is_required = BooleanField(default=True)
    sort_order = IntegerField(default=0)
    label = CharField()


class ProductBundleOptionProduct(BaseModel):
    bundle_option = ForeignKeyField(ProductBundleOption, backref="products", on_delete="CASCADE")
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    qty = IntegerField(default=1)
    is_user_defined = BooleanField(default=True)  # the buyer may change qty
    is_default = BooleanField(default=False)
    sort_order = IntegerField(default=0)


class ProductDownloadableLink(BaseModel):
    product = ForeignKeyField(Product, backref="downloadable_links", on_delete="CASCADE")
    title = CharField()
    price = MoneyField(default=0)
    type = CharField(default="file")  # file | url
    url = CharField(null=True)
    file = CharField(null=True)
    sample_type = CharField(null=True)
    sample_url = CharField(null=True)
    sample_file = CharField(null=True)
    downloads = IntegerField(default=0)  # per purchase; 0 = unlimited
    sort_order = IntegerField(default=0)


# --- access ---------------------------------------------------------------

class StorefrontKey(TimestampedModel):
    name = CharField()
    key_prefix = CharField(max_length=24)
    key_hash = CharField(unique=True, max_length=64)
    rate_limit = IntegerField(default=100)
    status = BooleanField(default=True)
    expires_at = DateTimeField(null=True)
    last_used_at = DateTimeField(null=True)


class CatalogVersion(BaseModel):
    """One row (id 1) whose version triggers raise on every write to the tables a product list reads
    (migration 0027); `domain/catalog/listing_cache.py` keys its cache on it."""
    version = BigIntegerField(default=0)


class SettingsVersion(BaseModel):
    """One row (id 1) whose version triggers raise on every write to the store settings requests read
    (migration 0034); `domain/settings_cache.py` keys each worker's cache on it."""
    version = BigIntegerField(default=0)


ALL_MODELS = [
    Locale, Currency, ExchangeRate, InventorySource, CustomerGroup,
    TaxCategory, TaxRate, TaxCategoryRate, CoreConfig,
    Category, CategoryTranslation, Channel, ChannelTranslation, ChannelLocale, ChannelCurrency,
    Country, CountryTranslation, CountryState, CountryStateTranslation,
    ThemeCustomization, ThemeCustomizationTranslation,
    Attribute, AttributeTranslation, AttributeOption, AttributeOptionTranslation,
    AttributeFamily, AttributeGroup, AttributeGroupMapping,
    Product, ProductTranslation, ProductChannel, ProductCategory, ProductAttributeValue,
    ProductSuperAttribute, ProductImage, ProductVideo, ProductInventory, ProductCustomerGroupPrice,
    ProductLink, ProductCustomizableOption, ProductCustomizableOptionTranslation, ProductCustomizableOptionPrice,
    ProductGroupedProduct, ProductBundleOption, ProductBundleOptionProduct, ProductDownloadableLink,
    StorefrontKey, CatalogVersion, SettingsVersion,
]
