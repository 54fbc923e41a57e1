"""Newsletter subscription: stored once per email and channel, a confirmation mail with a token,
confirm and unsubscribe by token, throttled per email and per client address (REST, the resource
path and GraphQL)."""
import re
from email import message_from_bytes, policy

import pytest

from storage.booking_models import NewsletterRequest, NewsletterSubscriber
from storage.customer_models import Customer
from storage.db import database
from tests.customer_fixtures import customer, unique_email  # noqa: F401 (fixture)

SUBSCRIBE = """mutation($input: createNewsletterSubscriptionInput!) { createNewsletterSubscription(input: $input) {
    newsletterSubscription { id _id email isSubscribed isConfirmed customerId message } clientMutationId } }"""
CONFIRM = """mutation($input: confirmNewsletterSubscriptionInput!) { confirmNewsletterSubscription(input: $input) {
    newsletterSubscription { _id isSubscribed isConfirmed } } }"""
UNSUBSCRIBE = """mutation($input: unsubscribeNewsletterSubscriptionInput!) {
    unsubscribeNewsletterSubscription(input: $input) { newsletterSubscription { _id isSubscribed } } }"""


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    monkeypatch.setenv("MAIL_OUTBOX", str(tmp_path))
    monkeypatch.delenv("SMTP_HOST", raising=False)
    with database.connection_context():
        NewsletterSubscriber.delete().execute()  # the demo subscribers too: each test counts its own rows
    yield tmp_path
    with database.connection_context():
        NewsletterSubscriber.delete().execute()
        NewsletterRequest.delete().execute()


def mails(folder):
    return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(folder.glob("*.eml"))]


def token_of(mail) -> str:
    return re.search(r"Confirmation token: (\S+)", mail.get_content()).group(1)


def test_subscribe_confirm_and_unsubscribe_over_rest(client, outbox):
    email = unique_email("reader")
    created = client.post("/api/shop/newsletter-subscriptions", json={"email": email.upper()})
    assert created.status_code == 201, created.text
    document = created.json()
    assert (document["email"], document["isSubscribed"], document["isConfirmed"], document["customerId"]) == \
        (email, True, False, None)
    [mail] = mails(outbox)
    assert mail["To"] == email and mail["Subject"] == "Confirm your newsletter subscription"
    token = token_of(mail)
    with database.connection_context():
        stored = NewsletterSubscriber.get()
    assert stored.token_hash != token and len(stored.token_hash) == 64 and stored.channel_id == 1

    confirmed = client.post("/api/shop/newsletter-subscriptions/confirm", json={"token": token})
    assert confirmed.status_code == 200 and confirmed.json()["isConfirmed"] is True
    again = client.post("/api/shop/newsletter-subscriptions", json={"email": email})
    assert again.status_code == 200 and again.json()["id"] == document["id"]
    assert again.json()["message"] == "You are already subscribed to the newsletter."
    assert len(mails(outbox)) == 1  # a confirmed address gets no second mail

    gone = client.post("/api/shop/newsletter-subscriptions/unsubscribe", json={"token": token})
    assert gone.status_code == 200 and gone.json()["isSubscribed"] is False
    with database.connection_context():
        assert NewsletterSubscriber.select().count() == 1
        assert NewsletterSubscriber.get().is_subscribed is False

    unknown = client.post("/api/shop/newsletter-subscriptions/confirm", json={"token": "nope"})
    assert unknown.status_code == 404 and unknown.json()["message"] == "Newsletter subscription not found"


def test_resubscribing_is_idempotent_and_rotates_the_token(client, outbox):
    email = unique_email("twice")
    first = client.post("/api/shop/newsletter-subscriptions", json={"email": email}).json()
    second = client.post("/api/shop/newsletter-subscriptions", json={"email": email})
    assert second.status_code == 200 and second.json()["id"] == first["id"]
    old, new = [token_of(mail) for mail in mails(outbox)]
    assert old != new
    assert client.post("/api/shop/newsletter-subscriptions/confirm", json={"token": old}).status_code == 404
    assert client.post("/api/shop/newsletter-subscriptions/confirm", json={"token": new}).status_code == 200
    with database.connection_context():
        assert NewsletterSubscriber.select().where(NewsletterSubscriber.email == email).count() == 1


def test_resource_path_and_validation(client, outbox):
    email = unique_email("resource")
    answer = client.post("/api/newsletter_subscriptions", json={"email": email})
    assert answer.status_code == 201, answer.text
    document = answer.json()
    assert document["@type"] == "NewsletterSubscription" and document["@id"] == f"/api/newsletter_subscriptions/{document['id']}"
    assert (document["email"], document["is_subscribed"]) == (email, True)
    bad = client.post("/api/shop/newsletter-subscriptions", json={"email": "not-an-email"})
    assert bad.status_code == 422 and "email" in bad.json()["errors"]
    assert client.post("/api/shop/newsletter-subscriptions/confirm", json={}).status_code == 422
    assert len(mails(outbox)) == 1


def test_graphql_subscription_linked_to_the_signed_in_customer(client, graphql, outbox, customer):
    answer = graphql(SUBSCRIBE, {"input": {"email": customer["email"], "clientMutationId": "n1"}},
                     headers=customer["headers"])
    payload = answer["data"]["createNewsletterSubscription"]
    node = payload["newsletterSubscription"]
    assert payload["clientMutationId"] == "n1" and node["id"] == f"/api/newsletter_subscriptions/{node['_id']}"
    assert (node["isSubscribed"], node["isConfirmed"], node["customerId"]) == (True, False, customer["id"])
    with database.connection_context():
        assert Customer.get_by_id(customer["id"]).subscribed_to_news_letter is True
    token = token_of(mails(outbox)[0])
    confirmed = graphql(CONFIRM, {"input": {"token": token}})["data"]["confirmNewsletterSubscription"]
    assert confirmed["newsletterSubscription"]["isConfirmed"] is True
    gone = graphql(UNSUBSCRIBE, {"input": {"token": token}})["data"]["unsubscribeNewsletterSubscription"]
    assert gone["newsletterSubscription"]["isSubscribed"] is False
    with database.connection_context():
        assert Customer.get_by_id(customer["id"]).subscribed_to_news_letter is False


def test_subscription_is_throttled_per_email(client, outbox):
    email = unique_email("spam")
    for _ in range(3):
        assert client.post("/api/shop/newsletter-subscriptions", json={"email": email}).status_code in (200, 201)
    refused = client.post("/api/shop/newsletter-subscriptions", json={"email": email})
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"] == "rate_limit_exceeded" and 0 < refused.json()["retry_after"] <= 601
    with database.connection_context():
        assert NewsletterSubscriber.select().where(NewsletterSubscriber.email == email).count() == 1
    assert client.post("/api/shop/newsletter-subscriptions", json={"email": unique_email("ok")}).status_code == 201


def test_subscription_is_throttled_per_client_address(client, graphql, outbox):
    for _ in range(10):
        assert client.post("/api/shop/newsletter-subscriptions", json={"email": unique_email("v")}).status_code == 201
    refused = graphql(SUBSCRIBE, {"input": {"email": unique_email("fresh")}})
    assert refused["data"]["createNewsletterSubscription"] is None
    assert refused["errors"][0]["extensions"]["code"] == "RATE_LIMIT_EXCEEDED"
    assert len(mails(outbox)) == 10
