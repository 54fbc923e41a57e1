"""The reads of a product document (cards, detail relations), compiled once (storage/compiled.py).

A product list page and a product detail run the same dozen selects with other ids; building their
SQL text took longer than running them. Each is a `Compiled` select: call `.rows(...)` for model
instances (joined columns as attributes) or `.tuples(...)` for plain rows.
"""
from peewee import JOIN, SQL, fn

from storage.compiled import Compiled
from storage.booking_models import BookingProduct
from storage.models import (
    Attribute, AttributeFamily, AttributeOption, AttributeOptionTranslation, AttributeTranslation, CategoryTranslation, Channel, Currency, CustomerGroup, Locale, Product, ProductAttributeValue, ProductCategory,
    InventorySource, ProductChannel, ProductCustomizableOption, ProductImage, ProductInventory, ProductLink, ProductSuperAttribute, ProductTranslation, ProductVideo,
)
from storage.promotion_models import CatalogRuleProductPrice


def enabled_product(product_id, channel_id):
    in_channel = ProductChannel.select(SQL("1")).where(ProductChannel.product == Product.id,
                                                      ProductChannel.channel == channel_id)
    return (Product.select(Product.id).where(Product.status == True, fn.EXISTS(in_channel),  # noqa: E712
                                             Product.id == product_id).limit(1))


def assets(model):
    return lambda ids: model.select().where(model.product.in_(ids)).order_by(model.product, model.position, model.id)


ENABLED_PRODUCT = Compiled(enabled_product, "int", "int")  # (product id, channel id)
PRODUCTS = Compiled(lambda ids: Product.select().where(Product.id.in_(ids)), "ints")
TRANSLATIONS = Compiled(lambda ids, locales: ProductTranslation.select().where(
    ProductTranslation.product.in_(ids), ProductTranslation.locale.in_(locales)), "ints", "texts")
IMAGES = Compiled(assets(ProductImage), "ints")
VIDEOS = Compiled(assets(ProductVideo), "ints")
GUEST_GROUP = Compiled(lambda: CustomerGroup.select(CustomerGroup.id, CustomerGroup.code).where(
    CustomerGroup.code == "guest").limit(1))
RULE_PRICES = Compiled(lambda ids, channel_id, group_id, day: CatalogRuleProductPrice.select(
    CatalogRuleProductPrice.product, CatalogRuleProductPrice.rule_price).where(
    CatalogRuleProductPrice.product.in_(ids), CatalogRuleProductPrice.channel == channel_id,
    CatalogRuleProductPrice.customer_group == group_id, CatalogRuleProductPrice.rule_date == day),
    "ints", "int", "int", "date")
SUMMARY_VALUES = Compiled(lambda ids, codes: ProductAttributeValue.select(
    ProductAttributeValue, Attribute.code, AttributeOption.admin_name).join(Attribute).join_from(
    ProductAttributeValue, AttributeOption, JOIN.LEFT_OUTER, on=(AttributeOption.id == ProductAttributeValue.integer_value))
    .where(ProductAttributeValue.product.in_(ids), Attribute.code.in_(codes)), "ints", "texts")
OPTION_LABELS = Compiled(lambda ids, locales: AttributeOptionTranslation.select().where(
    AttributeOptionTranslation.attribute_option.in_(ids), AttributeOptionTranslation.locale.in_(locales)),
    "ints", "texts")
CATEGORY_LINKS = Compiled(lambda ids: ProductCategory.select().where(ProductCategory.product.in_(ids)), "ints")
CATEGORY_NAMES = Compiled(lambda ids, locales: CategoryTranslation.select().where(
    CategoryTranslation.category.in_(ids), CategoryTranslation.locale.in_(locales)), "ints", "texts")
# (product id, channel id, code, hostname, currency code, locale code)
CHANNELS = Compiled(lambda ids: ProductChannel.select(
    ProductChannel.product, Channel.id, Channel.code, Channel.hostname, Currency.code.alias("currency_code"),
    Locale.code.alias("locale_code")).join(Channel).join(Currency, on=(Channel.base_currency == Currency.id))
    .join_from(Channel, Locale, on=(Channel.default_locale == Locale.id)).where(ProductChannel.product.in_(ids)), "ints")
FAMILIES = Compiled(lambda ids: AttributeFamily.select().where(AttributeFamily.id.in_(ids)), "ints")
VARIANTS = Compiled(lambda ids: Product.select(Product.id, Product.parent).where(  # (variant id, parent id)
    Product.parent.in_(ids), Product.status == True).order_by(Product.id), "ints")  # noqa: E712
VARIANT_OPTIONS = Compiled(lambda ids: ProductAttributeValue.select(ProductAttributeValue, Attribute.code).join(Attribute)
                           .where(ProductAttributeValue.product.in_(ids), Attribute.is_configurable == True),  # noqa: E712
                           "ints")
STOCK = Compiled(lambda ids: ProductInventory.select(ProductInventory.product, fn.SUM(ProductInventory.qty))
                 .where(ProductInventory.product.in_(ids)).group_by(ProductInventory.product), "ints")
STOCK_IN_ACTIVE_SOURCES = Compiled(lambda ids: ProductInventory.select(ProductInventory.product, fn.SUM(ProductInventory.qty))
                                   .join(InventorySource).where(ProductInventory.product.in_(ids),
                                                                InventorySource.status == True)  # noqa: E712
                                   .group_by(ProductInventory.product), "ints")
STOCK_MANAGED = Compiled(lambda ids: Product.select(Product.id).where(  # the products whose stock is counted
    Product.id.in_(ids), Product.manage_stock == True, Product.type != "downloadable"), "ints")  # noqa: E712
LINKS = Compiled(lambda ids: ProductLink.select().where(ProductLink.parent.in_(ids)).order_by(ProductLink.child), "ints")
SUPER_ATTRIBUTES = Compiled(lambda ids: ProductSuperAttribute.select(  # (product, attribute id, code, type, name)
    ProductSuperAttribute.product, Attribute.id, Attribute.code, Attribute.type, Attribute.admin_name).join(Attribute)
    .where(ProductSuperAttribute.product.in_(ids)).order_by(Attribute.position), "ints")
ATTRIBUTE_OPTIONS = Compiled(lambda ids: AttributeOption.select().where(AttributeOption.attribute.in_(ids))
                             .order_by(AttributeOption.sort_order), "ints")
ATTRIBUTE_NAMES = Compiled(lambda ids, locales: AttributeTranslation.select().where(
    AttributeTranslation.attribute.in_(ids), AttributeTranslation.locale.in_(locales)), "ints", "texts")
CUSTOMIZABLE_OPTIONS = Compiled(lambda ids: ProductCustomizableOption.select().where(
    ProductCustomizableOption.product.in_(ids)).order_by(ProductCustomizableOption.sort_order,
                                                         ProductCustomizableOption.id), "ints")
BOOKING_TYPES = Compiled(lambda ids: BookingProduct.select(BookingProduct.product, BookingProduct.type).where(
    BookingProduct.product.in_(ids)).order_by(BookingProduct.id.desc()), "ints")  # (product id, type)
