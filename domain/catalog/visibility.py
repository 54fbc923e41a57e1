"""Which products a channel shows."""
from peewee import SQL, fn

from domain.common import RequestContext
from storage.models import Product, ProductChannel


def enabled_in_channel(context: RequestContext):
    """Condition on Product: enabled and assigned to the request channel. A correlated EXISTS (one
    index probe per product) rather than IN over the channel's products, which SQLite would build
    in full for every lookup of a single product."""
    in_channel = ProductChannel.select(SQL("1")).where(ProductChannel.product == Product.id,
                                                      ProductChannel.channel == context.channel_id)
    return (Product.status == True) & fn.EXISTS(in_channel)  # noqa: E712
