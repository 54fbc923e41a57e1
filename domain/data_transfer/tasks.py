"""The import job: processes every remaining batch of an import. A rerun (a retry after a crash)
continues with the batch after the last one committed, so it never writes a row twice."""
from domain.data_transfer import imports
from domain.jobs import RETRIES, RETRY_DELAY, huey
from storage.db import database


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY)
def run_import(import_id: int) -> int:
    if not database.is_closed():
        return imports.run(import_id)
    with database.connection_context():
        return imports.run(import_id)
