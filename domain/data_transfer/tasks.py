"""The import job: processes every remaining batch of an import. A rerun (a retry after a crash)
continues with the batch after the last one committed, so it never writes a row twice. Its writes are
recorded in the audit trail as made by the request that started the import."""
from domain.audit import on_behalf_of
from domain.data_transfer import imports
from domain.jobs import RETRIES, RETRY_DELAY, huey
from storage.db import database


@huey.task(retries=RETRIES, retry_delay=RETRY_DELAY)
def run_import(import_id: int) -> int:
    if not database.is_closed():
        with on_behalf_of("data_transfer_import", import_id, "run_import"):
            return imports.run(import_id)
    with database.connection_context(), on_behalf_of("data_transfer_import", import_id, "run_import"):
        return imports.run(import_id)
