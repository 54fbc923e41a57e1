"""Admin newsletter subscribers: /api/admin/marketing/subscribers (list, detail, subscribe/unsubscribe,
delete); GraphQL adminMarketingSubscriber(s). Subscriptions are created by the shop
(domain/newsletter.py); the admin's changes follow the linked customer's newsletter flag."""
from domain.common import RequestContext
from domain.marketing.names import channel_names, customer_names
from domain.newsletter import follow_customer
from handlers.admin.crud import AdminResource, exact, flag, partial, plain_value
from storage.booking_models import NewsletterSubscriber
from storage.customer_models import Customer


def subscriber_documents(rows: list, context: RequestContext) -> list[dict]:
    channels = channel_names([row.channel_id for row in rows], context)
    customers = customer_names([row.customer_id for row in rows])
    return [{"id": row.id, "email": row.email, "channelId": row.channel_id, "channelName": channels.get(row.channel_id),
             "customerId": row.customer_id, "customerName": customers.get(row.customer_id),
             "isSubscribed": bool(row.is_subscribed), "isConfirmed": row.confirmed_at is not None,
             "createdAt": plain_value(row.created_at), "updatedAt": plain_value(row.updated_at)} for row in rows]


def subscriber_values(body: dict, row) -> dict:
    return {"is_subscribed": bool(body["is_subscribed"])} if body.get("is_subscribed") is not None else {}


def mirror_onto_customer(row: NewsletterSubscriber, body: dict, is_new: bool):
    if body.get("is_subscribed") is not None:
        follow_customer(row, bool(body["is_subscribed"]))


def clear_customer_flags(ids: list[int]):
    customers = [key for (key,) in NewsletterSubscriber.select(NewsletterSubscriber.customer)
                 .where(NewsletterSubscriber.id.in_(ids), NewsletterSubscriber.customer.is_null(False)).tuples()]
    if customers:
        Customer.update(subscribed_to_news_letter=False).where(Customer.id.in_(customers)).execute()


subscribers = AdminResource(
    model=NewsletterSubscriber, label="Subscriber", plural="Subscribers",
    documents=subscriber_documents, values=subscriber_values, after_save=mirror_onto_customer,
    before_delete=clear_customer_flags,
    filters={"email": partial(NewsletterSubscriber.email), "channel_id": exact(NewsletterSubscriber.channel),
             "is_subscribed": flag(NewsletterSubscriber.is_subscribed)},
    sorts={"id": NewsletterSubscriber.id, "email": NewsletterSubscriber.email},
    messages={"deleted": "Subscription deleted."},
)

list_admin_marketing_subscribers = subscribers.list_handler()
get_admin_marketing_subscriber = subscribers.get_handler()
update_admin_marketing_subscriber = subscribers.update_handler()
delete_admin_marketing_subscriber = subscribers.delete_handler()
