"""Sending a campaign: its recipients, the deliveries recorded before any mail, and the batches.

Recipients are the newsletter subscribers of the campaign's channel that are subscribed and confirmed,
in its customer group (the subscribers without a customer account when the group's code is `guest`).
`queue_campaign` writes one pending `CampaignDelivery` per recipient (unique per campaign and address,
so an address the campaign already reached or queued is not queued again) and queues the job
(`tasks.send_campaign`). `send_batch` mails up to `batch_size` pending deliveries: each row is claimed
by a conditional update (pending -> sending, committed) before its mail goes out, then marked `sent`,
so two jobs running at once, or a job run again, never mail an address twice. A mail that fails is
marked `failed` with its error and tried again by the job's retry, at most MAX_ATTEMPTS times in all; a
subscriber who unsubscribed (or was deleted) after the send is `skipped`.
"""
import html
import os
import re

from domain.errors import Unprocessable
from domain.mail import send_mail
from storage.booking_models import NewsletterSubscriber
from storage.customer_models import Customer
from storage.db import database
from storage.marketing_models import CampaignDelivery, MarketingCampaign, MarketingEvent, MarketingTemplate
from storage.models import CustomerGroup, utcnow

DEFAULT_BATCH_SIZE = 100
MAX_ATTEMPTS = 3
INSERT_CHUNK = 500
GUEST_GROUP = "guest"


def batch_size() -> int:
    """Mails per batch: CAMPAIGN_BATCH_SIZE, default 100."""
    try:
        return max(1, int(os.environ.get("CAMPAIGN_BATCH_SIZE") or DEFAULT_BATCH_SIZE))
    except ValueError:
        return DEFAULT_BATCH_SIZE


def recipients(campaign: MarketingCampaign):
    """(subscriber id, email) of everyone the campaign is for, as a query."""
    query = (NewsletterSubscriber.select(NewsletterSubscriber.id, NewsletterSubscriber.email)
             .where(NewsletterSubscriber.channel == campaign.channel_id,
                    NewsletterSubscriber.is_subscribed == True,  # noqa: E712 (SQL)
                    NewsletterSubscriber.confirmed_at.is_null(False)))
    code = CustomerGroup.select(CustomerGroup.code).where(CustomerGroup.id == campaign.customer_group_id).scalar()
    if code == GUEST_GROUP:
        return query.where(NewsletterSubscriber.customer.is_null())
    return (query.join(Customer, on=(NewsletterSubscriber.customer == Customer.id))
            .where(Customer.customer_group == campaign.customer_group_id))


def sendable(campaign: MarketingCampaign):
    """422 unless the campaign is active and has an active email template."""
    errors = {}
    if not campaign.status:
        errors["status"] = ["Only active campaigns can be sent."]
    template = (MarketingTemplate.select().where(MarketingTemplate.id == campaign.marketing_template_id).first()
                if campaign.marketing_template_id else None)
    if template is None:
        errors["marketing_template_id"] = ["The campaign has no email template."]
    elif template.status != "active":
        errors["marketing_template_id"] = ["The campaign's email template is not active."]
    if errors:
        raise Unprocessable(errors)


def queue_deliveries(campaign: MarketingCampaign) -> int:
    """Record a pending delivery for every recipient not yet recorded; returns how many were new.
    Runs in the caller's transaction."""
    sendable(campaign)
    before = CampaignDelivery.select().where(CampaignDelivery.campaign == campaign.id).count()
    now = utcnow()
    rows = [{"campaign": campaign.id, "subscriber": subscriber_id, "email": email.lower(), "status": "pending",
             "attempts": 0, "created_at": now} for subscriber_id, email in recipients(campaign).tuples()]
    for start in range(0, len(rows), INSERT_CHUNK):
        CampaignDelivery.insert_many(rows[start:start + INSERT_CHUNK]).on_conflict_ignore().execute()
    return CampaignDelivery.select().where(CampaignDelivery.campaign == campaign.id).count() - before


def due_campaigns(day) -> list[int]:
    """Ids of the active campaigns whose event falls on `day` (the scheduled send; a manual send ignores it)."""
    return [key for (key,) in MarketingCampaign.select(MarketingCampaign.id)
            .join(MarketingEvent, on=(MarketingCampaign.marketing_event == MarketingEvent.id))
            .where(MarketingCampaign.status == True, MarketingEvent.date == day)  # noqa: E712 (SQL)
            .order_by(MarketingCampaign.id).tuples()]


def plain_text(markup: str) -> str:
    """The text of an HTML body (tags dropped, entities decoded, blank runs collapsed)."""
    text = re.sub(r"(?is)<(script|style)\b.*?</\1>", "", markup)
    text = re.sub(r"(?i)<br\s*/?>|</(p|div|h[1-6]|li|tr)>", "\n", text)
    text = html.unescape(re.sub(r"<[^>]+>", "", text))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line.strip() for line in text.splitlines())).strip()


def retry_failed(campaign_id: int) -> int:
    """Failed deliveries with attempts left go back to pending (the job's retry)."""
    return (CampaignDelivery.update(status="pending", error=None)
            .where(CampaignDelivery.campaign == campaign_id, CampaignDelivery.status == "failed",
                   CampaignDelivery.attempts < MAX_ATTEMPTS).execute())


def claim(delivery_id: int) -> bool:
    """pending -> sending, committed before the mail goes out; False when another run has it."""
    with database.atomic():
        return bool(CampaignDelivery.update(status="sending", attempts=CampaignDelivery.attempts + 1)
                    .where(CampaignDelivery.id == delivery_id, CampaignDelivery.status == "pending").execute())


def finish(delivery_id: int, status: str, error: str | None = None):
    with database.atomic():
        (CampaignDelivery.update(status=status, error=error, sent_at=utcnow() if status == "sent" else None)
         .where(CampaignDelivery.id == delivery_id).execute())


def still_subscribed(delivery: CampaignDelivery) -> bool:
    if delivery.subscriber_id is None:
        return False
    return (NewsletterSubscriber.select().where(NewsletterSubscriber.id == delivery.subscriber_id,
                                                NewsletterSubscriber.is_subscribed == True)  # noqa: E712
            .exists())


def send_batch(campaign_id: int, size: int | None = None) -> dict:
    """Mail up to `size` pending deliveries of the campaign: {sent, failed, skipped, remaining}."""
    counts = {"sent": 0, "failed": 0, "skipped": 0, "remaining": 0}
    campaign = MarketingCampaign.select().where(MarketingCampaign.id == campaign_id).first()
    if campaign is None:
        return counts  # deleted: its deliveries went with it
    template = MarketingTemplate.select().where(MarketingTemplate.id == campaign.marketing_template_id).first()
    pending = (CampaignDelivery.select(CampaignDelivery.id)
               .where(CampaignDelivery.campaign == campaign_id, CampaignDelivery.status == "pending"))
    ids = [row.id for row in pending.order_by(CampaignDelivery.id).limit(size or batch_size())]
    body = template.content if template else ""
    text = plain_text(body)
    for delivery_id in ids:
        if not claim(delivery_id):
            continue
        delivery = CampaignDelivery.get_by_id(delivery_id)
        if not still_subscribed(delivery):
            finish(delivery_id, "skipped")
            counts["skipped"] += 1
            continue
        try:
            send_mail(delivery.email, campaign.subject, text, html=body)
        except Exception as failure:  # the mail did not go out: kept with its error for the retry
            finish(delivery_id, "failed", f"{type(failure).__name__}: {failure}"[:1000])
            counts["failed"] += 1
            continue
        finish(delivery_id, "sent")
        counts["sent"] += 1
    counts["remaining"] = pending.count()
    return counts
