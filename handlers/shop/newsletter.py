"""Newsletter subscription, REST and GraphQL (rules in domain/newsletter.py)."""
from domain.common import RequestContext
from domain.newsletter import CONFIRMED, UNSUBSCRIBED, confirm, subscribe, subscriber_document, unsubscribe


def create_newsletter_subscription(context: RequestContext, body: dict):
    subscriber, created, message = subscribe(context, body)
    return subscriber_document(subscriber, message), 201 if created else 200


def confirm_newsletter_subscription(context: RequestContext, body: dict) -> dict:
    return subscriber_document(confirm(body), CONFIRMED)


def unsubscribe_newsletter_subscription(context: RequestContext, body: dict) -> dict:
    return subscriber_document(unsubscribe(body), UNSUBSCRIBED)
