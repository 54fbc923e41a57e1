"""Initial schema: catalog, store settings and storefront keys (timestamps default in Python, not DDL)."""
from peewee import *
from storage.fields import MoneyField


def up(migrator, db):
    class Attribute(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        code = CharField(unique=True)
        admin_name = CharField()
        type = CharField()
        swatch_type = CharField(null=True)
        validation = CharField(null=True)
        regex = CharField(null=True)
        position = IntegerField(default=0)
        is_required = BooleanField(default=False)
        is_unique = BooleanField(default=False)
        is_filterable = BooleanField(default=False)
        is_comparable = BooleanField(default=False)
        is_configurable = BooleanField(default=False)
        is_user_defined = BooleanField(default=True)
        is_visible_on_front = BooleanField(default=False)
        value_per_locale = BooleanField(default=False)
        value_per_channel = BooleanField(default=False)
        default_value = CharField(null=True)
        enable_wysiwyg = BooleanField(default=False)
        class Meta:
            database = db
            table_name = 'attribute'
    db.create_tables([Attribute])

    class AttributeFamily(Model):
        code = CharField(unique=True)
        name = CharField()
        status = BooleanField(default=True)
        is_user_defined = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'attribute_family'
    db.create_tables([AttributeFamily])

    class AttributeGroup(Model):
        attribute_family = ForeignKeyField(AttributeFamily, on_delete='CASCADE')
        code = CharField()
        name = CharField()
        column = IntegerField(default=1)
        position = IntegerField(default=0)
        is_user_defined = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'attribute_group'
    db.create_tables([AttributeGroup])

    class AttributeGroupMapping(Model):
        attribute = ForeignKeyField(Attribute, on_delete='CASCADE')
        attribute_group = ForeignKeyField(AttributeGroup, on_delete='CASCADE')
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'attribute_group_mapping'
            primary_key = CompositeKey('attribute', 'attribute_group')
    db.create_tables([AttributeGroupMapping])

    class AttributeOption(Model):
        attribute = ForeignKeyField(Attribute, on_delete='CASCADE')
        admin_name = CharField()
        sort_order = IntegerField(default=0)
        swatch_value = CharField(null=True)
        class Meta:
            database = db
            table_name = 'attribute_option'
    db.create_tables([AttributeOption])

    class AttributeOptionTranslation(Model):
        attribute_option = ForeignKeyField(AttributeOption, on_delete='CASCADE')
        locale = CharField(max_length=16)
        label = CharField()
        class Meta:
            database = db
            table_name = 'attribute_option_translation'
            indexes = ((('attribute_option', 'locale'), True),)
    db.create_tables([AttributeOptionTranslation])

    class AttributeTranslation(Model):
        attribute = ForeignKeyField(Attribute, on_delete='CASCADE')
        locale = CharField(max_length=16)
        name = CharField()
        class Meta:
            database = db
            table_name = 'attribute_translation'
            indexes = ((('attribute', 'locale'), True),)
    db.create_tables([AttributeTranslation])

    class Category(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        parent = ForeignKeyField('self', null=True, on_delete='CASCADE')
        position = IntegerField(default=0)
        status = BooleanField(default=True)
        display_mode = CharField(default='products_and_description')
        logo_path = CharField(null=True)
        banner_path = CharField(null=True)
        lft = IntegerField(index=True, default=0)
        rgt = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'category'
    db.create_tables([Category])

    class CategoryTranslation(Model):
        category = ForeignKeyField(Category, on_delete='CASCADE')
        locale = CharField(max_length=16)
        name = CharField()
        slug = CharField()
        url_path = CharField(default='')
        description = TextField(default='')
        meta_title = CharField(default='')
        meta_description = TextField(default='')
        meta_keywords = TextField(default='')
        class Meta:
            database = db
            table_name = 'category_translation'
            indexes = ((('category', 'locale'), True),)
    db.create_tables([CategoryTranslation])

    class Locale(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        code = CharField(unique=True, max_length=16)
        name = CharField()
        direction = CharField(max_length=3, default='ltr')
        logo_path = CharField(null=True)
        class Meta:
            database = db
            table_name = 'locale'
    db.create_tables([Locale])

    class Currency(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        code = CharField(unique=True, max_length=3)
        name = CharField()
        symbol = CharField(max_length=8)
        decimal = IntegerField(default=2)
        group_separator = CharField(max_length=2, default=',')
        decimal_separator = CharField(max_length=2, default='.')
        currency_position = CharField(max_length=20, default='left')
        class Meta:
            database = db
            table_name = 'currency'
    db.create_tables([Currency])

    class Channel(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        code = CharField(unique=True)
        hostname = CharField(null=True)
        theme = CharField(default='default')
        timezone = CharField(default='UTC')
        default_locale = ForeignKeyField(Locale)
        base_currency = ForeignKeyField(Currency)
        root_category = ForeignKeyField(Category, null=True)
        logo_path = CharField(null=True)
        favicon_path = CharField(null=True)
        is_maintenance_on = BooleanField(default=False)
        allowed_ips = TextField(default='')
        class Meta:
            database = db
            table_name = 'channel'
    db.create_tables([Channel])

    class ChannelCurrency(Model):
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        currency = ForeignKeyField(Currency, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'channel_currency'
            primary_key = CompositeKey('channel', 'currency')
    db.create_tables([ChannelCurrency])

    class ChannelLocale(Model):
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        locale = ForeignKeyField(Locale, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'channel_locale'
            primary_key = CompositeKey('channel', 'locale')
    db.create_tables([ChannelLocale])

    class ChannelTranslation(Model):
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        locale = CharField(max_length=16)
        name = CharField()
        description = TextField(default='')
        maintenance_mode_text = TextField(default='')
        home_seo = JSONField(default=dict)
        class Meta:
            database = db
            table_name = 'channel_translation'
            indexes = ((('channel', 'locale'), True),)
    db.create_tables([ChannelTranslation])

    class Country(Model):
        code = CharField(unique=True, max_length=2)
        name = CharField()
        class Meta:
            database = db
            table_name = 'country'
    db.create_tables([Country])

    class CountryState(Model):
        country = ForeignKeyField(Country, on_delete='CASCADE')
        country_code = CharField(max_length=2)
        code = CharField(max_length=16)
        default_name = CharField()
        class Meta:
            database = db
            table_name = 'country_state'
    db.create_tables([CountryState])

    class CountryStateTranslation(Model):
        country_state = ForeignKeyField(CountryState, on_delete='CASCADE')
        locale = CharField(max_length=16)
        default_name = CharField()
        class Meta:
            database = db
            table_name = 'country_state_translation'
            indexes = ((('country_state', 'locale'), True),)
    db.create_tables([CountryStateTranslation])

    class CountryTranslation(Model):
        country = ForeignKeyField(Country, on_delete='CASCADE')
        locale = CharField(max_length=16)
        name = CharField()
        class Meta:
            database = db
            table_name = 'country_translation'
            indexes = ((('country', 'locale'), True),)
    db.create_tables([CountryTranslation])

    class CustomerGroup(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        code = CharField(unique=True)
        name = CharField()
        is_user_defined = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'customer_group'
    db.create_tables([CustomerGroup])

    class ExchangeRate(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        target_currency = ForeignKeyField(Currency, unique=True, on_delete='CASCADE')
        rate = DecimalField(max_digits=24, decimal_places=12)
        class Meta:
            database = db
            table_name = 'exchange_rate'
    db.create_tables([ExchangeRate])

    class InventorySource(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        code = CharField(unique=True)
        name = CharField()
        priority = IntegerField(default=0)
        status = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'inventory_source'
    db.create_tables([InventorySource])

    class Product(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        sku = CharField(unique=True)
        type = CharField(index=True)
        attribute_family = ForeignKeyField(AttributeFamily)
        parent = ForeignKeyField('self', null=True, on_delete='CASCADE')
        status = BooleanField(default=True)
        visible_individually = BooleanField(default=True)
        new = BooleanField(default=False)
        featured = BooleanField(default=False)
        price = MoneyField(default=0)
        special_price = MoneyField(null=True)
        special_price_from = DateTimeField(null=True)
        special_price_to = DateTimeField(null=True)
        cost = MoneyField(null=True)
        weight = DecimalField(null=True, max_digits=12, decimal_places=4)
        min_price = MoneyField(index=True, default=0)
        max_price = MoneyField(default=0)
        class Meta:
            database = db
            table_name = 'product'
    db.create_tables([Product])

    class ProductAttributeValue(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        attribute = ForeignKeyField(Attribute, on_delete='CASCADE')
        locale = CharField(null=True, max_length=16)
        channel = CharField(null=True)
        text_value = TextField(null=True)
        boolean_value = BooleanField(null=True)
        integer_value = IntegerField(null=True)
        class Meta:
            database = db
            table_name = 'product_attribute_value'
            indexes = ((('attribute', 'integer_value', 'product'), False), (('product', 'attribute'), False))
    db.create_tables([ProductAttributeValue])

    class ProductCategory(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        category = ForeignKeyField(Category, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'product_category'
            primary_key = CompositeKey('product', 'category')
            indexes = ((('category', 'product'), True),)
    db.create_tables([ProductCategory])

    class ProductChannel(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'product_channel'
            primary_key = CompositeKey('product', 'channel')
            indexes = ((('channel', 'product'), True),)
    db.create_tables([ProductChannel])

    class ProductCustomerGroupPrice(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        customer_group = ForeignKeyField(CustomerGroup, null=True, on_delete='CASCADE')
        qty = IntegerField(default=1)
        value_type = CharField(default='fixed')
        value = MoneyField()
        unique_id = CharField(unique=True)
        class Meta:
            database = db
            table_name = 'product_customer_group_price'
    db.create_tables([ProductCustomerGroupPrice])

    class ProductCustomizableOption(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        type = CharField()
        is_required = BooleanField(default=False)
        sort_order = IntegerField(default=0)
        max_characters = IntegerField(null=True)
        supported_file_extensions = CharField(null=True)
        class Meta:
            database = db
            table_name = 'product_customizable_option'
    db.create_tables([ProductCustomizableOption])

    class ProductCustomizableOptionPrice(Model):
        product_customizable_option = ForeignKeyField(ProductCustomizableOption, on_delete='CASCADE')
        label = CharField()
        price = MoneyField(default=0)
        price_type = CharField(default='fixed')
        sort_order = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'product_customizable_option_price'
    db.create_tables([ProductCustomizableOptionPrice])

    class ProductCustomizableOptionTranslation(Model):
        product_customizable_option = ForeignKeyField(ProductCustomizableOption, on_delete='CASCADE')
        locale = CharField(max_length=16)
        label = CharField()
        class Meta:
            database = db
            table_name = 'product_customizable_option_translation'
            indexes = ((('product_customizable_option', 'locale'), True),)
    db.create_tables([ProductCustomizableOptionTranslation])

    class ProductImage(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        type = CharField(default='images')
        path = CharField()
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'product_image'
    db.create_tables([ProductImage])

    class ProductInventory(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        inventory_source = ForeignKeyField(InventorySource, on_delete='CASCADE')
        qty = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'product_inventory'
            indexes = ((('product', 'inventory_source'), True),)
    db.create_tables([ProductInventory])

    class ProductLink(Model):
        kind = CharField(max_length=16)
        parent = ForeignKeyField(Product, on_delete='CASCADE')
        child = ForeignKeyField(Product, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'product_link'
            primary_key = CompositeKey('kind', 'parent', 'child')
    db.create_tables([ProductLink])

    class ProductSuperAttribute(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        attribute = ForeignKeyField(Attribute, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'product_super_attribute'
            primary_key = CompositeKey('product', 'attribute')
    db.create_tables([ProductSuperAttribute])

    class ProductTranslation(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        locale = CharField(max_length=16)
        name = CharField(index=True)
        url_key = CharField()
        short_description = TextField(default='')
        description = TextField(default='')
        meta_title = CharField(default='')
        meta_keywords = TextField(default='')
        meta_description = TextField(default='')
        class Meta:
            database = db
            table_name = 'product_translation'
            indexes = ((('product', 'locale'), True), (('locale', 'url_key'), True))
    db.create_tables([ProductTranslation])

    class ProductVideo(Model):
        product = ForeignKeyField(Product, on_delete='CASCADE')
        type = CharField(default='videos')
        path = CharField()
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'product_video'
    db.create_tables([ProductVideo])

    class StorefrontKey(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        name = CharField()
        key_prefix = CharField(max_length=24)
        key_hash = CharField(unique=True, max_length=64)
        rate_limit = IntegerField(default=100)
        status = BooleanField(default=True)
        expires_at = DateTimeField(null=True)
        last_used_at = DateTimeField(null=True)
        class Meta:
            database = db
            table_name = 'storefront_key'
    db.create_tables([StorefrontKey])

    class ThemeCustomization(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        theme_code = CharField(default='default')
        type = CharField()
        name = CharField()
        sort_order = IntegerField(default=0)
        status = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'theme_customization'
    db.create_tables([ThemeCustomization])

    class ThemeCustomizationTranslation(Model):
        theme_customization = ForeignKeyField(ThemeCustomization, on_delete='CASCADE')
        locale = CharField(max_length=16)
        options = JSONField(default=dict)
        class Meta:
            database = db
            table_name = 'theme_customization_translation'
            indexes = ((('theme_customization', 'locale'), True),)
    db.create_tables([ThemeCustomizationTranslation])


def down(migrator, db):
    migrator.migrate(migrator.drop_table('theme_customization_translation'))
    migrator.migrate(migrator.drop_table('theme_customization'))
    migrator.migrate(migrator.drop_table('storefront_key'))
    migrator.migrate(migrator.drop_table('product_video'))
    migrator.migrate(migrator.drop_table('product_translation'))
    migrator.migrate(migrator.drop_table('product_super_attribute'))
    migrator.migrate(migrator.drop_table('product_link'))
    migrator.migrate(migrator.drop_table('product_inventory'))
    migrator.migrate(migrator.drop_table('product_image'))
    migrator.migrate(migrator.drop_table('product_customizable_option_translation'))
    migrator.migrate(migrator.drop_table('product_customizable_option_price'))
    migrator.migrate(migrator.drop_table('product_customizable_option'))
    migrator.migrate(migrator.drop_table('product_customer_group_price'))
    migrator.migrate(migrator.drop_table('product_channel'))
    migrator.migrate(migrator.drop_table('product_category'))
    migrator.migrate(migrator.drop_table('product_attribute_value'))
    migrator.migrate(migrator.drop_table('product'))
    migrator.migrate(migrator.drop_table('inventory_source'))
    migrator.migrate(migrator.drop_table('exchange_rate'))
    migrator.migrate(migrator.drop_table('customer_group'))
    migrator.migrate(migrator.drop_table('country_translation'))
    migrator.migrate(migrator.drop_table('country_state_translation'))
    migrator.migrate(migrator.drop_table('country_state'))
    migrator.migrate(migrator.drop_table('country'))
    migrator.migrate(migrator.drop_table('channel_translation'))
    migrator.migrate(migrator.drop_table('channel_locale'))
    migrator.migrate(migrator.drop_table('channel_currency'))
    migrator.migrate(migrator.drop_table('channel'))
    migrator.migrate(migrator.drop_table('currency'))
    migrator.migrate(migrator.drop_table('locale'))
    migrator.migrate(migrator.drop_table('category_translation'))
    migrator.migrate(migrator.drop_table('category'))
    migrator.migrate(migrator.drop_table('attribute_translation'))
    migrator.migrate(migrator.drop_table('attribute_option_translation'))
    migrator.migrate(migrator.drop_table('attribute_option'))
    migrator.migrate(migrator.drop_table('attribute_group_mapping'))
    migrator.migrate(migrator.drop_table('attribute_group'))
    migrator.migrate(migrator.drop_table('attribute_family'))
    migrator.migrate(migrator.drop_table('attribute'))
