"""Campaign jobs: `send_event_campaigns` (daily, 00:10 UTC) queues the active campaigns whose event is
today, as a manual send does; `send_campaign` mails one batch of a campaign's pending deliveries
(`campaigns.send_batch`), queues itself again while deliveries are pending, and raises when a mail of
its batch failed, so Huey retries it (`RETRIES` times, `RETRY_DELAY` apart); a retry first puts the
failed deliveries back to pending. Every delivery is claimed before its mail goes out, so running the
job twice, or a retry, never mails an address twice.
"""
from huey import crontab

from domain.errors import Unprocessable
from domain.jobs import RETRIES, RETRY_DELAY, huey
from domain.marketing import campaigns
from storage.db import database
from storage.marketing_models import MarketingCampaign
from storage.models import utcnow

COMMIT_GRACE = 2  # seconds: a send queued inside a transaction waits for its commit


class CampaignMailFailed(Exception):
    """Some mails of a batch failed; the retry sends them."""


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY, context=True)
def send_campaign(campaign_id: int, task=None) -> dict:
    """Mail one batch of the campaign's pending deliveries (queued by each send)."""
    if database.is_closed():
        with database.connection_context():
            return run_batch(campaign_id, task)
    return run_batch(campaign_id, task)


def run_batch(campaign_id: int, task) -> dict:
    if task is not None and task.retries < RETRIES:
        campaigns.retry_failed(campaign_id)
    counts = campaigns.send_batch(campaign_id)
    if counts["remaining"]:
        send_campaign(campaign_id)
    if counts["failed"]:
        raise CampaignMailFailed(f"{counts['failed']} mail(s) of campaign {campaign_id} failed")
    return counts


def queue_send(campaign_id: int):
    """Queue the job once the deliveries are committed (a moment later inside a transaction)."""
    if database.in_transaction():
        return send_campaign.schedule(args=(campaign_id,), delay=COMMIT_GRACE)
    return send_campaign(campaign_id)


@huey.periodic_task(crontab(minute="10", hour="0"), retries=RETRIES, retry_delay=RETRY_DELAY)
def send_event_campaigns() -> list[int]:
    """Queue today's event campaigns (UTC); a campaign that cannot be sent (no active template) is left."""
    if database.is_closed():
        with database.connection_context():
            return queue_due(utcnow().date())
    return queue_due(utcnow().date())


def queue_due(day) -> list[int]:
    """Record the recipients of every campaign due on `day` and queue their mailing; returns the ids
    that queued anyone. Deliveries are unique per address, so running it twice queues nobody twice."""
    queued = []
    for key in campaigns.due_campaigns(day):
        try:
            with database.atomic():
                count = campaigns.queue_deliveries(MarketingCampaign.get_by_id(key))
        except Unprocessable:
            continue
        if count:
            queue_send(key)
            queued.append(key)
    return queued
