"""Sales jobs: inventory reservations past their time are marked expired every minute.

Correctness does not wait for this job (every sellable sum ignores a reservation past its time, see
domain/sales/reservations.py); it keeps the states the admin list shows current."""
from huey import crontab

from domain.jobs import huey
from domain.sales import reservations
from storage.db import database


@huey.periodic_task(crontab(minute="*"))
def expire_reservations() -> int:
    if not database.is_closed():
        return reservations.expire_due()
    with database.connection_context():
        return reservations.expire_due()
