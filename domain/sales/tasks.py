"""Sales jobs: inventory reservations past their time are marked expired every minute; subscription
renewals are billed every five minutes.

Correctness does not wait for this job (every sellable sum ignores a reservation past its time, see
domain/sales/reservations.py); it keeps the states the admin list shows current."""
from huey import crontab

from domain.jobs import huey
from domain.sales import reservations, subscription_billing
from storage.db import database


@huey.periodic_task(crontab(minute="*"))
def expire_reservations() -> int:
    if not database.is_closed():
        return reservations.expire_due()
    with database.connection_context():
        return reservations.expire_due()


@huey.periodic_task(crontab(minute="*/5"))
def bill_subscription_renewals() -> dict:
    """Every five minutes: bill the subscription periods that are due and retry declined ones
    (domain/sales/subscription_billing.py; each period exactly once however many runs overlap)."""
    if not database.is_closed():
        return subscription_billing.run_renewals()
    with database.connection_context():
        return subscription_billing.run_renewals()
