"""SEO jobs: a sitemap's XML files, written when the admin asks and every night for every sitemap.

`sitemaps.generate` rewrites the whole file set of one sitemap: idempotent, so a retry is harmless.
"""
from huey import crontab

from domain.jobs import RETRIES, RETRY_DELAY, huey
from storage import sitemap_files as sitemaps
from storage.db import database
from storage.seo_models import Sitemap

COMMIT_GRACE = 2  # seconds: a generation queued inside a transaction waits for its commit


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY)
def generate_sitemap(sitemap_id: int) -> dict | None:
    """Write one sitemap's files (queued by the admin's generate operation)."""
    with connection():
        return sitemaps.generate(sitemap_id)


@huey.periodic_task(crontab(minute="30", hour="0"), retries=RETRIES, retry_delay=RETRY_DELAY)
def nightly_sitemaps() -> int:
    """Every night (UTC), every sitemap that was generated once is written again with the day's catalog."""
    with connection():
        ids = [row.id for row in Sitemap.select(Sitemap.id).where(Sitemap.generated_at.is_null(False))]
        for key in ids:
            sitemaps.generate(key)
    return len(ids)


class connection:
    """A connection of the job's own (a consumer thread has none), or the caller's."""

    def __enter__(self):
        self.context = database.connection_context() if database.is_closed() else None
        if self.context:
            self.context.__enter__()

    def __exit__(self, *exc):
        if self.context:
            self.context.__exit__(*exc)


def queue_generation(sitemap_id: int):
    """Queue one sitemap's generation: at once, or a moment later when still inside a transaction."""
    if database.in_transaction():
        return generate_sitemap.schedule((sitemap_id,), delay=COMMIT_GRACE)
    return generate_sitemap(sitemap_id)
