"""Promotion jobs: the catalog-rule price index, rebuilt after every catalog-rule change and nightly.

Both run `price_index.rebuild`, which replaces the whole index in one transaction: idempotent, so a
retry or a second rebuild queued by a burst of changes is harmless.
"""
from huey import crontab

from domain.jobs import RETRIES, RETRY_DELAY, huey
from domain.promotions import price_index
from storage.db import database

COMMIT_GRACE = 2  # seconds: a rebuild queued inside a transaction waits for its commit


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY)
def rebuild_price_index() -> int:
    """Recompute the catalog-rule prices (queued by every catalog-rule create, update and delete)."""
    return rebuild()


@huey.periodic_task(crontab(minute="5", hour="0"), retries=RETRIES, retry_delay=RETRY_DELAY)
def nightly_price_index() -> int:
    """Just after midnight (UTC): the index window moves on by a day, rules start and end."""
    return rebuild()


def rebuild() -> int:
    """The rebuild in a connection of its own (a consumer thread has none), or the caller's."""
    if not database.is_closed():
        return price_index.rebuild()
    with database.connection_context():
        return price_index.rebuild()


def queue_rebuild():
    """Queue the rebuild for a catalog-rule change: at once after a committed write, or a moment later
    when the change is still inside a transaction (a GraphQL delete that also reads the rule), so the
    job never runs before the change is visible."""
    if database.in_transaction():
        return rebuild_price_index.schedule(delay=COMMIT_GRACE)
    return rebuild_price_index()
