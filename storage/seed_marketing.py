"""Demo marketing communications of the documentation: the email template "Welcome Email", the event
"Holiday Sale Kickoff" (2026-12-20), the campaigns "July Newsletter" (active, general customers of the
default channel) and, under the id the send page shows (12), "Holiday Sale Blast" (active, guest
subscribers), and two confirmed newsletter subscribers of the default channel (the first demo customer
when there is one, then the guest address subscriber@example.com)."""
import datetime
import hashlib

from storage.booking_models import NewsletterSubscriber
from storage.customer_models import Customer
from storage.db import database
from storage.marketing_models import MarketingCampaign, MarketingEvent, MarketingTemplate

SEED_TIME = datetime.datetime(2026, 1, 15, 9, 30, 0)
GUEST_GROUP, GENERAL_GROUP = 1, 2
SEND_EXAMPLE_ID = 12


def seed_marketing():
    if MarketingTemplate.select().exists():
        return
    stamps = {"created_at": SEED_TIME, "updated_at": SEED_TIME}
    template = MarketingTemplate.create(name="Welcome Email", status="active",
                                        content="<p>Welcome to our store!</p>", **stamps)
    event = MarketingEvent.create(name="Holiday Sale Kickoff", description="Email blast to all subscribers.",
                                  date=datetime.date(2026, 12, 20), **stamps)
    MarketingCampaign.create(name="July Newsletter", subject="Big July deals inside!", status=True,
                             marketing_template=template, marketing_event=event, channel=1,
                             customer_group=GENERAL_GROUP, **stamps)
    MarketingCampaign.create(id=SEND_EXAMPLE_ID, name="Holiday Sale Blast", subject="Holiday deals inside!",
                             status=True, marketing_template=template, marketing_event=event, channel=1,
                             customer_group=GUEST_GROUP, **stamps)
    if "postgres" in database.obj.__class__.__name__.lower():  # the sequence does not follow explicit ids
        database.execute_sql("SELECT setval(pg_get_serial_sequence('marketing_campaign', 'id'), "
                             "(SELECT MAX(id) FROM marketing_campaign))")
    customer = Customer.select().order_by(Customer.id).first()
    subscribers = [("subscriber@example.com", None)]
    if customer is not None:
        subscribers.insert(0, (customer.email.lower(), customer.id))
    for email, customer_id in subscribers:
        if NewsletterSubscriber.select().where(NewsletterSubscriber.email == email).exists():
            continue
        NewsletterSubscriber.create(email=email, channel=1, customer=customer_id, is_subscribed=True,
                                    confirmed_at=SEED_TIME,
                                    token_hash=hashlib.sha256(f"seed-newsletter:{email}".encode()).hexdigest(),
                                    **stamps)
        if customer_id:
            Customer.update(subscribed_to_news_letter=True).where(Customer.id == customer_id).execute()
