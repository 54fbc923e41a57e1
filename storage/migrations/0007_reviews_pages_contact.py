"""Product reviews, CMS pages (translations per locale, channels) and contact-us messages
(timestamps default in Python, not DDL)."""
from peewee import *


def up(migrator, db):
    class Product(Model):
        class Meta:
            database = db
            table_name = 'product'

    class Customer(Model):
        class Meta:
            database = db
            table_name = 'customer'

    class Channel(Model):
        class Meta:
            database = db
            table_name = 'channel'

    class ProductReview(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        product = ForeignKeyField(Product, on_delete='CASCADE')
        customer = ForeignKeyField(Customer, null=True, on_delete='SET NULL')
        name = CharField()
        email = CharField(null=True)
        title = CharField()
        comment = TextField()
        rating = IntegerField()
        status = CharField(max_length=16, default='pending')
        class Meta:
            database = db
            table_name = 'product_review'
            indexes = ((('product', 'status'), False), (('customer', 'status'), False))

    class CmsPage(Model):
        created_at = DateTimeField()
        updated_at = DateTimeField()
        layout = CharField(null=True)
        is_active = BooleanField(default=True)
        class Meta:
            database = db
            table_name = 'cms_page'

    class CmsPageTranslation(Model):
        page = ForeignKeyField(CmsPage, on_delete='CASCADE')
        locale = CharField(max_length=16)
        page_title = CharField()
        url_key = CharField()
        html_content = TextField(null=True)
        meta_title = CharField(null=True)
        meta_keywords = TextField(null=True)
        meta_description = TextField(null=True)
        class Meta:
            database = db
            table_name = 'cms_page_translation'
            indexes = ((('page', 'locale'), True), (('url_key', 'locale'), False))

    class CmsPageChannel(Model):
        page = ForeignKeyField(CmsPage, on_delete='CASCADE')
        channel = ForeignKeyField(Channel, on_delete='CASCADE')
        class Meta:
            database = db
            table_name = 'cms_page_channel'
            indexes = ((('page', 'channel'), True),)

    class ContactMessage(Model):
        name = CharField()
        email = CharField(index=True)
        contact = CharField(max_length=32)
        message = TextField()
        channel_code = CharField(default='')
        client_ip = CharField(max_length=64, null=True, index=True)
        created_at = DateTimeField(index=True)
        class Meta:
            database = db
            table_name = 'contact_message'

    db.create_tables([ProductReview, CmsPage, CmsPageTranslation, CmsPageChannel, ContactMessage])


def down(migrator, db):
    for table in ('contact_message', 'cms_page_channel', 'cms_page_translation', 'cms_page', 'product_review'):
        db.execute_sql(f'DROP TABLE IF EXISTS {table}')
