"""Webhook jobs: the dispatcher (outbox events into deliveries), one job per delivery attempt, and a
sweep every minute that dispatches events and resends attempts whose queued job was lost.

A failed attempt schedules the next one after its backoff (`delivery.BACKOFF`); each attempt is
claimed by a conditional update, so a job run twice (a Huey retry, the sweep) never sends twice."""
from huey import crontab

from domain.jobs import RETRIES, RETRY_DELAY, huey, in_connection
from domain.webhooks import delivery


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY)
def dispatch_events() -> int:
    """Deliveries for every committed event not yet dispatched; each is sent by its own job."""
    created = in_connection(delivery.dispatch)
    for delivery_id in created:
        deliver(delivery_id, 0)
    return len(created)


@huey.task()
def deliver(delivery_id: int, attempt: int) -> str:
    """Attempt `attempt + 1` of a delivery; a failure schedules the next attempt after its backoff."""
    outcome = in_connection(lambda: delivery.attempt(delivery_id, attempt))
    if outcome.retry_in is not None:
        deliver.schedule(args=(delivery_id, outcome.attempt), delay=outcome.retry_in)
    return outcome.status


@huey.periodic_task(crontab(minute="*"))
def sweep_webhooks() -> int:
    """Every minute: dispatch what no queued job dispatched, resend overdue attempts."""
    dispatch_events.call_local()
    late = in_connection(delivery.overdue)
    for delivery_id, attempts in late:
        deliver(delivery_id, attempts)
    return len(late)


def send_now(delivery_id: int, attempts: int = 0):
    """Queue an attempt at once (redeliveries and replays)."""
    return deliver(delivery_id, attempts)
