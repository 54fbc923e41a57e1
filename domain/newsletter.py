"""Newsletter subscriptions: one row per email address and channel, a confirmation mail with a token,
confirm and unsubscribe by that token, throttled per email address and per client address.

Subscribing again is idempotent: the same row (no duplicate), re-subscribed if it had unsubscribed,
and, until it is confirmed, a fresh token in a new confirmation mail (the previous token stops
working). A confirmed subscriber gets no second mail. A signed-in customer subscribing their own
address is linked to the row, and their `subscribed_to_news_letter` flag follows subscribe/unsubscribe.
Throttling counts NewsletterRequest rows (shared by every worker): at most PER_EMAIL per email address
in EMAIL_WINDOW and PER_CLIENT per client address in CLIENT_WINDOW, else 429 with `retry_after`.
Tokens are 32 random bytes (URL-safe); only their SHA-256 is stored.
"""
import hashlib
import secrets
from datetime import timedelta

from domain.common import RequestContext
from domain.contact import retry_after
from domain.errors import NotFound, TooManyRequests, Unprocessable
from domain.mail import send_mail
from storage.booking_models import NewsletterRequest, NewsletterSubscriber
from storage.customer_models import Customer
from storage.db import database
from storage.models import utcnow

PER_EMAIL, EMAIL_WINDOW = 3, timedelta(minutes=10)
PER_CLIENT, CLIENT_WINDOW = 10, timedelta(hours=1)
SUBSCRIBED = "You have subscribed to the newsletter. Please confirm your subscription from the email we sent."
ALREADY = "You are already subscribed to the newsletter."
CONFIRMED = "Your newsletter subscription is confirmed."
UNSUBSCRIBED = "You have been unsubscribed from the newsletter."


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def ensure_not_throttled(email: str, client_ip: str | None):
    now = utcnow()
    checks = [(NewsletterRequest.email == email, PER_EMAIL, EMAIL_WINDOW,
               "Too many subscription requests for this email address. Please try again later.")]
    if client_ip:
        checks.append((NewsletterRequest.client_ip == client_ip, PER_CLIENT, CLIENT_WINDOW,
                       "Too many subscription requests. Please try again later."))
    for condition, limit, window, message in checks:
        times = [row[0] for row in NewsletterRequest.select(NewsletterRequest.created_at)
                 .where(condition, NewsletterRequest.created_at > now - window)
                 .order_by(NewsletterRequest.created_at).limit(limit).tuples()]
        if len(times) >= limit:
            raise TooManyRequests(message, retry_after(times[0] + window, now))


def subscriber_document(subscriber: NewsletterSubscriber, message: str | None = None) -> dict:
    document = {"id": subscriber.id, "email": subscriber.email, "isSubscribed": subscriber.is_subscribed,
                "isConfirmed": subscriber.confirmed_at is not None, "channelId": subscriber.channel_id,
                "customerId": subscriber.customer_id, "createdAt": iso(subscriber.created_at)}
    if message is not None:
        document["message"] = message
    return document


def iso(moment) -> str | None:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None


def subscribe(context: RequestContext, body: dict) -> tuple[NewsletterSubscriber, bool, str]:
    """(subscriber, created, message); mails a confirmation unless the address is already confirmed."""
    email = str(body.get("email") or "").strip().lower()
    if not email or "@" not in email:
        raise Unprocessable({"email": ["A valid email address is required."]})
    with database.atomic():
        ensure_not_throttled(email, context.client_ip)
        NewsletterRequest.create(email=email, client_ip=context.client_ip)
    customer = linked_customer(context, email)
    token = secrets.token_urlsafe(32)
    with database.atomic():
        subscriber = (NewsletterSubscriber.select()
                      .where(NewsletterSubscriber.email == email, NewsletterSubscriber.channel == context.channel_id)
                      .first())
        created = subscriber is None
        if created:
            subscriber = NewsletterSubscriber.create(email=email, channel=context.channel_id, customer=customer,
                                                     is_subscribed=True, token_hash=hash_token(token))
        elif subscriber.is_subscribed and subscriber.confirmed_at is not None:
            return subscriber, False, ALREADY
        else:
            subscriber.is_subscribed = True
            subscriber.token_hash = hash_token(token)
            subscriber.customer = customer or subscriber.customer_id
            subscriber.updated_at = utcnow()
            subscriber.save()
        follow_customer(subscriber, True)
    send_mail(email, "Confirm your newsletter subscription",
              "Thank you for subscribing to our newsletter.\n\n"
              f"Confirmation token: {token}\n\n"
              "Confirm: POST /api/shop/newsletter-subscriptions/confirm with {\"token\": \"<token>\"}\n"
              "Unsubscribe at any time: POST /api/shop/newsletter-subscriptions/unsubscribe with the same token.\n")
    return subscriber, created, SUBSCRIBED


def linked_customer(context: RequestContext, email: str) -> int | None:
    if context.customer_id is None:
        return None
    own = Customer.select(Customer.email).where(Customer.id == context.customer_id).scalar()
    return context.customer_id if own and own.lower() == email else None


def follow_customer(subscriber: NewsletterSubscriber, subscribed: bool):
    if subscriber.customer_id:
        Customer.update(subscribed_to_news_letter=subscribed).where(Customer.id == subscriber.customer_id).execute()


def by_token(body: dict) -> NewsletterSubscriber:
    token = str(body.get("token") or "")
    if not token:
        raise Unprocessable({"token": ["This field is required."]})
    subscriber = NewsletterSubscriber.select().where(NewsletterSubscriber.token_hash == hash_token(token)).first()
    if subscriber is None:
        raise NotFound("Newsletter subscription")
    return subscriber


def confirm(body: dict) -> NewsletterSubscriber:
    with database.atomic():
        subscriber = by_token(body)
        if not subscriber.is_subscribed:
            raise Unprocessable({"token": ["This subscription was cancelled; subscribe again."]},
                                "This subscription was cancelled.", "subscription_cancelled")
        if subscriber.confirmed_at is None:
            subscriber.confirmed_at = subscriber.updated_at = utcnow()
            subscriber.save()
    return subscriber


def unsubscribe(body: dict) -> NewsletterSubscriber:
    with database.atomic():
        subscriber = by_token(body)
        if subscriber.is_subscribed:
            subscriber.is_subscribed = False
            subscriber.updated_at = utcnow()
            subscriber.save()
            follow_customer(subscriber, False)
    return subscriber
