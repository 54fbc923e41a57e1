"""Contact us: validated, stored, mailed to the store (outbox), throttled per email address."""
from email import message_from_bytes, policy

import pytest

from domain.contact import CONTACT_EMAIL
from domain.sales.store_config import set_config
from storage.content_models import ContactMessage
from storage.db import database
from storage.models import CoreConfig

MUTATION = """mutation($input: createContactUsInput!) { createContactUs(input: $input) {
    contactUs { success message } clientMutationId } }"""
RECEIVED = "Your message has been submitted successfully. We will get back to you shortly."


@pytest.fixture
def outbox(tmp_path, monkeypatch):
    monkeypatch.setenv("MAIL_OUTBOX", str(tmp_path))
    monkeypatch.delenv("SMTP_HOST", raising=False)
    yield tmp_path
    with database.connection_context():
        ContactMessage.delete().execute()
        CoreConfig.delete().where(CoreConfig.code == CONTACT_EMAIL).execute()


def mails(folder):
    return [message_from_bytes(path.read_bytes(), policy=policy.default) for path in sorted(folder.glob("*.eml"))]


def test_contact_message_is_stored_and_mailed_to_the_store(client, graphql, outbox):
    with database.connection_context():
        set_config(CONTACT_EMAIL, "help@shop.example")
    answer = graphql(MUTATION, {"input": {"name": "John Doe", "email": "John@Example.com", "contact": "+1234567890",
                                          "message": "I have a question\nabout your products", "clientMutationId": "f1"}})
    assert answer["data"]["createContactUs"] == {"contactUs": {"success": True, "message": RECEIVED},
                                                 "clientMutationId": "f1"}
    with database.connection_context():
        stored = ContactMessage.get()
    assert (stored.name, stored.email, stored.contact, stored.channel_code) == \
        ("John Doe", "john@example.com", "+1234567890", "default")
    [mail] = mails(outbox)
    assert mail["To"] == "help@shop.example" and mail["Subject"] == "Contact us: John Doe"
    assert "I have a question\nabout your products" in mail.get_content() and "john@example.com" in mail.get_content()

    rest = client.post("/api/shop/contact-us", json={"name": "Ann", "email": "ann@example.com", "contact": "555 0101",
                                                      "message": "Hello"})
    assert rest.status_code == 200 and rest.json() == {"success": True, "message": RECEIVED}
    assert len(mails(outbox)) == 2


def test_contact_validation(client, graphql, outbox):
    bad = client.post("/api/shop/contact-us", json={"name": "", "email": "not-an-email", "contact": "call me",
                                                     "message": "x" * 5001})
    assert bad.status_code == 422
    assert set(bad.json()["errors"]) == {"name", "email", "contact", "message"}
    blank = graphql(MUTATION, {"input": {"name": "Jo", "email": "jo@example.com", "contact": "+1 555", "message": "   "}})
    assert blank["data"]["createContactUs"] is None and "message" in str(blank["errors"][0]["extensions"])
    assert mails(outbox) == []


def test_contact_is_throttled_per_email(client, outbox):
    body = {"name": "Spammer", "email": "spam@example.com", "contact": "+100", "message": "Buy now"}
    for _ in range(3):
        assert client.post("/api/shop/contact-us", json=body).status_code == 200
    refused = client.post("/api/shop/contact-us", json=body)
    assert refused.status_code == 429, refused.text
    assert refused.json()["error"] == "rate_limit_exceeded" and 0 < refused.json()["retry_after"] <= 601
    assert client.post("/api/shop/contact-us", json={**body, "email": "other@example.com"}).status_code == 200
    assert len(mails(outbox)) == 4


def test_contact_is_throttled_per_client_address(client, graphql, outbox):
    for number in range(10):
        body = {"name": "Visitor", "email": f"visitor{number}@example.com", "contact": "+100", "message": "Hi"}
        assert client.post("/api/shop/contact-us", json=body).status_code == 200
    refused = graphql(MUTATION, {"input": {"name": "Visitor", "email": "fresh@example.com", "contact": "+100",
                                           "message": "Hi"}})
    assert refused["data"]["createContactUs"] is None
    assert refused["errors"][0]["extensions"]["code"] == "RATE_LIMIT_EXCEEDED"
    with database.connection_context():
        assert ContactMessage.select().count() == 10
    assert len(mails(outbox)) == 10
