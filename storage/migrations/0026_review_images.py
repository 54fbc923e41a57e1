"""Images attached to product reviews (files in the media storage, one row each)."""
from peewee import *


def up(migrator, db):
    class ProductReview(Model):
        class Meta:
            database = db
            table_name = 'product_review'

    class ProductReviewImage(Model):
        review = ForeignKeyField(ProductReview, on_delete='CASCADE')
        type = CharField(max_length=16, default='image')
        path = CharField()
        position = IntegerField(default=0)
        class Meta:
            database = db
            table_name = 'product_review_image'
            indexes = ((('review', 'position'), False),)
    db.create_tables([ProductReviewImage])


def down(migrator, db):
    migrator.drop_table('product_review_image')
