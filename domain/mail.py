"""Outgoing mail: SMTP when SMTP_HOST is set, else one .eml file per message in an outbox folder.

Environment: MAIL_OUTBOX (default var/outbox), MAIL_FROM, SMTP_HOST, SMTP_PORT (default 587),
SMTP_USERNAME / SMTP_PASSWORD (optional login), SMTP_STARTTLS (default on).
Settings are read at send time so tests and operators can switch transports without a restart.
"""
import os
import smtplib
import uuid
from datetime import datetime, timezone
from email.message import EmailMessage
from pathlib import Path

DEFAULT_OUTBOX = "var/outbox"
DEFAULT_SENDER = "specshop <no-reply@specshop.local>"


def send_mail(to: str, subject: str, text: str, html: str | None = None) -> None:
    """One message to `to`: plain text, with `html` as its alternative part when given."""
    message = EmailMessage()
    message["From"] = os.environ.get("MAIL_FROM", DEFAULT_SENDER)
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = f"<{uuid.uuid4().hex}@specshop.local>"
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if os.environ.get("SMTP_HOST"):
        send_smtp(message)
    else:
        write_to_outbox(message)


def send_smtp(message: EmailMessage) -> None:
    host, port = os.environ["SMTP_HOST"], int(os.environ.get("SMTP_PORT", "587"))
    with smtplib.SMTP(host, port, timeout=10) as smtp:
        if os.environ.get("SMTP_STARTTLS", "1").lower() in ("1", "true", "yes", "on"):
            smtp.starttls()
        if os.environ.get("SMTP_USERNAME"):
            smtp.login(os.environ["SMTP_USERNAME"], os.environ.get("SMTP_PASSWORD", ""))
        smtp.send_message(message)


def outbox_path() -> Path:
    return Path(os.environ.get("MAIL_OUTBOX", DEFAULT_OUTBOX))


def write_to_outbox(message: EmailMessage) -> Path:
    folder = outbox_path()
    folder.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%S%f")
    path = folder / f"{stamp}-{uuid.uuid4().hex[:8]}.eml"
    temporary = path.with_suffix(".tmp")
    temporary.write_bytes(bytes(message))
    temporary.rename(path)  # readers never see a half-written message
    return path
