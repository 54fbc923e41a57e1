"""Which products a channel shows."""
from domain.common import RequestContext
from storage.models import Product, ProductChannel


def enabled_in_channel(context: RequestContext):
    """Condition on Product: enabled and assigned to the request channel."""
    in_channel = ProductChannel.select(ProductChannel.product).where(ProductChannel.channel == context.channel_id)
    return (Product.status == True) & Product.id.in_(in_channel)  # noqa: E712
