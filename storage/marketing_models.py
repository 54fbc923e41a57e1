"""Marketing communications: email templates, events, campaigns and the deliveries of a campaign.

A campaign mails its email template to the newsletter subscribers (`booking_models.NewsletterSubscriber`)
of its channel and customer group. Sending writes one `CampaignDelivery` per recipient first (unique per
campaign and email address), then a background job mails the pending rows in batches
(`domain/marketing/campaigns.py`): each row is claimed by a conditional update before its mail goes out,
so a retried or repeated job never mails an address twice.
"""
from peewee import BooleanField, CharField, DateField, DateTimeField, ForeignKeyField, IntegerField, TextField

from storage.booking_models import NewsletterSubscriber
from storage.models import BaseModel, Channel, CustomerGroup, TimestampedModel, utcnow


class MarketingTemplate(TimestampedModel):
    name = CharField()
    status = CharField(max_length=16, default="active")  # active | inactive | draft
    content = TextField(default="")


class MarketingEvent(TimestampedModel):
    name = CharField()
    description = TextField(default="")
    date = DateField(null=True)


class MarketingCampaign(TimestampedModel):
    name = CharField()
    subject = CharField()
    status = BooleanField(default=False)
    marketing_template = ForeignKeyField(MarketingTemplate, null=True, backref="+", on_delete="SET NULL")
    marketing_event = ForeignKeyField(MarketingEvent, null=True, backref="+", on_delete="SET NULL")
    channel = ForeignKeyField(Channel, backref="+", on_delete="CASCADE")
    customer_group = ForeignKeyField(CustomerGroup, backref="+", on_delete="CASCADE")


class CampaignDelivery(BaseModel):
    """One recipient of a campaign: pending -> sending (claimed) -> sent | failed | skipped."""
    campaign = ForeignKeyField(MarketingCampaign, backref="+", on_delete="CASCADE")
    subscriber = ForeignKeyField(NewsletterSubscriber, null=True, backref="+", on_delete="SET NULL")
    email = CharField(max_length=255)
    status = CharField(max_length=16, default="pending", index=True)
    attempts = IntegerField(default=0)
    error = TextField(null=True)
    created_at = DateTimeField(default=utcnow)
    sent_at = DateTimeField(null=True)

    class Meta:
        indexes = ((("campaign", "email"), True),)


MODELS = [MarketingTemplate, MarketingEvent, MarketingCampaign, CampaignDelivery]
