"""Demo customers for the back office (deterministic): two accounts with one GDPR request each (an
`update` and a `delete` request, both pending). Their password is not a valid hash, so nobody can
sign in as them until an admin sets one."""
import datetime
import secrets

from storage.customer_care_models import GdprDataRequest
from storage.customer_models import Customer

SEED_TIME = datetime.datetime(2026, 1, 15, 9, 30, 0)
NO_PASSWORD = "!"  # not an argon2 hash: every password check fails

DEMO_CUSTOMERS = (
    # first, last, email, phone, gender, group id, GDPR request (type, message)
    ("Dana", "Demo", "dana.demo@demo.specshop.test", "+15550100001", "Female", 2,
     ("update", "Please correct my phone number")),
    ("Sam", "Sample", "sam.sample@demo.specshop.test", "+15550100002", "Male", 3,
     ("delete", "Please remove my account")),
)


def seed_customers(channel_id: int = 1):
    """The demo accounts, once (a database that has them keeps them)."""
    if Customer.select().where(Customer.email == DEMO_CUSTOMERS[0][2]).exists():
        return
    for number, (first, last, email, phone, gender, group, request) in enumerate(DEMO_CUSTOMERS, 1):
        customer = Customer.create(
            first_name=first, last_name=last, email=email, password=NO_PASSWORD, phone=phone, gender=gender,
            date_of_birth=datetime.date(1990, number, 1), status=True, is_verified=True,
            api_token=secrets.token_urlsafe(48)[:80], channel=channel_id, customer_group=group,
            created_at=SEED_TIME, updated_at=SEED_TIME)
        kind, message = request
        GdprDataRequest.create(customer_id=customer.id, email=email, type=kind, status="pending", message=message,
                               created_at=SEED_TIME, updated_at=SEED_TIME)
