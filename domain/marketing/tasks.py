"""Campaign jobs: `send_campaign` mails one batch of a campaign's pending deliveries
(`campaigns.send_batch`), queues itself again while deliveries are pending, and raises when a mail of
its batch failed, so Huey retries it (`RETRIES` times, `RETRY_DELAY` apart); a retry first puts the
failed deliveries back to pending. Every delivery is claimed before its mail goes out, so running the
job twice, or a retry, never mails an address twice.
"""
from domain.jobs import RETRIES, RETRY_DELAY, huey
from domain.marketing import campaigns
from storage.db import database

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
