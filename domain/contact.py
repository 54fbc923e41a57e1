"""Contact-us messages: stored, mailed to the store, throttled per email address and per client.

The store's address is the config value `emails.configure.email_settings.contact_email` (per channel,
global fallback), else `STORE_CONTACT_EMAIL`, else contact@specshop.local. The mail goes through
domain/mail.py (outbox by default, SMTP when configured) with the sender as Reply-To in the text.
Throttling counts the stored messages: at most PER_EMAIL per email address in EMAIL_WINDOW and
PER_CLIENT per client address in CLIENT_WINDOW, on every worker alike (the rows are shared).
"""
import os
from datetime import timedelta

from domain.common import RequestContext
from domain.errors import TooManyRequests, Unprocessable
from domain.mail import send_mail
from domain.sales.store_config import config_values
from storage.content_models import ContactMessage
from storage.models import utcnow

CONTACT_EMAIL = "emails.configure.email_settings.contact_email"
DEFAULT_CONTACT_EMAIL = "contact@specshop.local"
PER_EMAIL, EMAIL_WINDOW = 3, timedelta(minutes=10)
PER_CLIENT, CLIENT_WINDOW = 10, timedelta(hours=1)
RECEIVED = "Your message has been submitted successfully. We will get back to you shortly."


def store_contact_email(channel_code: str) -> str:
    configured = config_values(CONTACT_EMAIL, channel_code).get(CONTACT_EMAIL, "").strip()
    return configured or os.environ.get("STORE_CONTACT_EMAIL") or DEFAULT_CONTACT_EMAIL


def ensure_not_throttled(email: str, client_ip: str | None):
    now = utcnow()
    recent = (ContactMessage.select(ContactMessage.created_at).where(
        ContactMessage.email == email, ContactMessage.created_at > now - EMAIL_WINDOW)
        .order_by(ContactMessage.created_at).limit(PER_EMAIL).tuples())
    times = [row[0] for row in recent]
    if len(times) >= PER_EMAIL:
        raise TooManyRequests("Too many messages from this email address. Please try again later.",
                              retry_after(times[0] + EMAIL_WINDOW, now))
    if client_ip:
        recent = (ContactMessage.select(ContactMessage.created_at).where(
            ContactMessage.client_ip == client_ip, ContactMessage.created_at > now - CLIENT_WINDOW)
            .order_by(ContactMessage.created_at).limit(PER_CLIENT).tuples())
        times = [row[0] for row in recent]
        if len(times) >= PER_CLIENT:
            raise TooManyRequests("Too many messages. Please try again later.",
                                  retry_after(times[0] + CLIENT_WINDOW, now))


def retry_after(free_at, now) -> int:
    return max(1, int((free_at - now).total_seconds()) + 1)


def one_line(value: str) -> str:
    return " ".join(str(value).split())


def submit_contact(context: RequestContext, body: dict) -> ContactMessage:
    errors = {}
    values = {}
    for name in ("name", "email", "contact", "message"):
        value = str(body.get(name) or "").strip()
        if not value:
            errors[name] = ["This field is required."]
        values[name] = value
    if errors:
        raise Unprocessable(errors)
    email = values["email"].lower()
    ensure_not_throttled(email, context.client_ip)
    message = ContactMessage.create(name=one_line(values["name"]), email=email, contact=one_line(values["contact"]),
                                    message=values["message"], channel_code=context.channel_code,
                                    client_ip=context.client_ip)
    send_mail(store_contact_email(context.channel_code), f"Contact us: {message.name}"[:200],
              f"From: {message.name} <{message.email}>\nContact: {message.contact}\n"
              f"Channel: {message.channel_code}\n\n{message.message}\n\n(Reply to {message.email}.)\n")
    return message
