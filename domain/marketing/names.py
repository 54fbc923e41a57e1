"""Names the marketing documents show beside ids, batched per page."""
from domain.common import RequestContext, translated
from storage.customer_models import Customer
from storage.models import ChannelTranslation


def channel_names(ids, context: RequestContext) -> dict[int, str]:
    """{channel id: name in the request locale (else the fallback, else any)}."""
    by_channel: dict[int, dict] = {}
    keys = sorted({key for key in ids if key})
    if keys:
        for row in ChannelTranslation.select(ChannelTranslation.channel, ChannelTranslation.locale,
                                             ChannelTranslation.name).where(ChannelTranslation.channel.in_(keys)):
            by_channel.setdefault(row.channel_id, {})[row.locale] = row.name
    return {key: translated(names, context) for key, names in by_channel.items()}


def customer_names(ids) -> dict[int, str]:
    keys = sorted({key for key in ids if key})
    if not keys:
        return {}
    return {key: f"{first} {last}".strip() for key, first, last in
            Customer.select(Customer.id, Customer.first_name, Customer.last_name).where(Customer.id.in_(keys)).tuples()}
