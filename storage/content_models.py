"""Storefront content around the catalog: product reviews, CMS pages and contact-us messages.

Reviews belong to a product and, when a signed-in customer wrote them, to that customer (a guest
review has none). Their `status` is `pending` until the store approves (or rejects) them; the shop
only shows approved ones. CMS pages are stored once with a translation per locale and the channels
they appear in. Contact messages are kept with the client address that sent them (throttling).
"""
from peewee import BooleanField, CharField, DateTimeField, ForeignKeyField, IntegerField, TextField

from storage.customer_models import Customer
from storage.models import BaseModel, Channel, Product, TimestampedModel, utcnow

REVIEW_STATUSES = ("pending", "approved", "rejected")


class ProductReview(TimestampedModel):
    product = ForeignKeyField(Product, backref="+", on_delete="CASCADE")
    customer = ForeignKeyField(Customer, null=True, backref="+", on_delete="SET NULL")
    name = CharField()
    email = CharField(null=True)
    title = CharField()
    comment = TextField()
    rating = IntegerField()
    status = CharField(max_length=16, default="pending")

    class Meta:
        indexes = ((("product", "status"), False), (("customer", "status"), False))


class ProductReviewImage(BaseModel):
    """An image attached to a review; `path` is its file in the media storage."""
    review = ForeignKeyField(ProductReview, backref="images", on_delete="CASCADE")
    type = CharField(max_length=16, default="image")
    path = CharField()
    position = IntegerField(default=0)

    class Meta:
        indexes = ((("review", "position"), False),)


class CmsPage(TimestampedModel):
    layout = CharField(null=True)
    is_active = BooleanField(default=True)


class CmsPageTranslation(BaseModel):
    page = ForeignKeyField(CmsPage, backref="translations", on_delete="CASCADE")
    locale = CharField(max_length=16)
    page_title = CharField()
    url_key = CharField()
    html_content = TextField(null=True)
    meta_title = CharField(null=True)
    meta_keywords = TextField(null=True)
    meta_description = TextField(null=True)

    class Meta:
        indexes = ((("page", "locale"), True), (("url_key", "locale"), False))


class CmsPageChannel(BaseModel):
    page = ForeignKeyField(CmsPage, backref="channels", on_delete="CASCADE")
    channel = ForeignKeyField(Channel, backref="+", on_delete="CASCADE")

    class Meta:
        indexes = ((("page", "channel"), True),)


class ContactMessage(BaseModel):
    name = CharField()
    email = CharField(index=True)
    contact = CharField(max_length=32)
    message = TextField()
    channel_code = CharField(default="")
    client_ip = CharField(max_length=64, null=True, index=True)
    created_at = DateTimeField(default=utcnow, index=True)


MODELS = [ProductReview, ProductReviewImage, CmsPage, CmsPageTranslation, CmsPageChannel, ContactMessage]
