"""Webhook deliveries: from committed outbox events to signed HTTP POSTs, with retries.

Every delivery is a POST of a JSON body

    {"id": "<delivery uuid>", "event": "order.created", "eventId": "<event uuid>",
     "createdAt": "2026-03-01T10:00:00+00:00", "data": {...}}

with the headers

    X-Specshop-Delivery   the delivery uuid: the same on every attempt (receivers de-duplicate on it)
    X-Specshop-Event      the event name
    X-Specshop-Timestamp  Unix seconds of this attempt
    X-Specshop-Signature  sha256=<hex HMAC-SHA256 of "<timestamp>.<raw body>" keyed with the endpoint's secret>

A receiver recomputes the HMAC over the timestamp, a dot and the raw body, compares in constant time,
and refuses timestamps older than a few minutes (a captured request cannot be replayed later).
A 2xx answer is success; anything else (or no answer within TIMEOUT) is retried after BACKOFF[n]
seconds, for MAX_ATTEMPTS attempts in all (about 8 hours), then the delivery is `failed`.
"""
import datetime
import hashlib
import hmac
import json
import time
import uuid
from dataclasses import dataclass
from importlib import metadata

import httpx

from domain.webhooks.urls import UrlRefused, check_resolved
from storage.db import database
from storage.models import utcnow
from storage.webhook_models import WebhookDelivery, WebhookEndpoint, WebhookEvent

BACKOFF = (60, 300, 900, 1800, 3600, 7200, 14400)  # seconds before attempts 2..8
MAX_ATTEMPTS = len(BACKOFF) + 1
TIMEOUT = 10.0  # seconds per attempt
STUCK_AFTER = 300  # seconds: a `sending` delivery older than this is retried (its worker died)
KEPT_RESPONSE = 2000  # characters of the receiver's answer kept for admins


@dataclass(frozen=True)
class Outcome:
    status: str  # succeeded | pending | failed | skipped
    retry_in: int | None = None
    attempt: int = 0


def user_agent() -> str:
    try:
        return f"specshop-webhooks/{metadata.version('specshop')}"
    except metadata.PackageNotFoundError:
        return "specshop-webhooks"


def iso(value: datetime.datetime) -> str:
    return value.replace(tzinfo=datetime.timezone.utc).isoformat()


def json_document(delivery: WebhookDelivery, event: WebhookEvent) -> dict:
    return {"id": delivery.uuid, "event": event.event, "eventId": event.uuid,
            "createdAt": iso(event.created_at), "data": event.payload}


def body_of(delivery: WebhookDelivery, event: WebhookEvent) -> bytes:
    return json.dumps(json_document(delivery, event), separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


def verify_signature(secret: str, timestamp: str, body: bytes, given: str, tolerance: int,
                     now: float | None = None) -> bool:
    """Whether `given` is the signature of `body` at `timestamp` (Unix seconds, within `tolerance` of now),
    compared in constant time: what a receiver of our deliveries does, and how signed notifications we
    receive are checked."""
    try:
        moment = int(timestamp)
    except (TypeError, ValueError):
        return False
    if not secret or abs((time.time() if now is None else now) - moment) > tolerance:
        return False
    return hmac.compare_digest(signature(secret, moment, body).encode(), (given or "").encode("utf-8", "replace"))


def headers_for(delivery: WebhookDelivery, event: WebhookEvent, secret: str, body: bytes,
                timestamp: int | None = None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {"Content-Type": "application/json", "User-Agent": user_agent(),
            "X-Specshop-Delivery": delivery.uuid, "X-Specshop-Event": event.event,
            "X-Specshop-Timestamp": str(timestamp), "X-Specshop-Signature": signature(secret, timestamp, body)}


def subscribed(endpoint: WebhookEndpoint, event: str) -> bool:
    return endpoint.is_active and event in (endpoint.events or [])


def new_delivery(endpoint_id: int, event_id: int) -> WebhookDelivery:
    now = utcnow()
    return WebhookDelivery.create(uuid=str(uuid.uuid4()), endpoint=endpoint_id, webhook_event=event_id,
                                  status="pending", next_attempt_at=now, created_at=now, updated_at=now)


def dispatch(limit: int = 200) -> list[int]:
    """Turn committed, undispatched events into deliveries (one per subscribed active endpoint);
    returns the new delivery ids. An event is claimed by a conditional update, so two dispatchers
    never both deliver it."""
    created = []
    events = list(WebhookEvent.select().where(WebhookEvent.dispatched_at.is_null())
                  .order_by(WebhookEvent.id).limit(limit))
    if not events:
        return created
    endpoints = list(WebhookEndpoint.select().where(WebhookEndpoint.is_active == True))  # noqa: E712
    for event in events:
        with database.atomic():
            claimed = (WebhookEvent.update(dispatched_at=utcnow())
                       .where(WebhookEvent.id == event.id, WebhookEvent.dispatched_at.is_null()).execute())
            if not claimed:
                continue
            created += [new_delivery(endpoint.id, event.id).id for endpoint in endpoints
                        if subscribed(endpoint, event.event)]
    return created


def claim(delivery_id: int, attempt: int) -> bool:
    """Start attempt `attempt + 1` of a pending delivery; False when another worker took it (or it
    moved on: succeeded, failed, or already past this attempt)."""
    now = utcnow()
    return (WebhookDelivery.update(status="sending", attempts=WebhookDelivery.attempts + 1, last_attempt_at=now,
                                   updated_at=now)
            .where(WebhookDelivery.id == delivery_id, WebhookDelivery.status == "pending",
                   WebhookDelivery.attempts == attempt).execute()) == 1


def post(url: str, body: bytes, headers: dict) -> tuple[int | None, str, str]:
    """(status, response text, error) of one POST; redirects are not followed."""
    try:
        check_resolved(url)
        with httpx.Client(timeout=TIMEOUT, follow_redirects=False) as client:
            response = client.post(url, content=body, headers=headers)
        return response.status_code, response.text[:KEPT_RESPONSE], ""
    except UrlRefused as refused:
        return None, "", f"refused: {refused}"
    except httpx.HTTPError as error:
        return None, "", f"{type(error).__name__}: {error}"[:KEPT_RESPONSE]


def attempt(delivery_id: int, attempt_number: int) -> Outcome:
    """Send one attempt of a delivery (claimed first); record the answer and what happens next."""
    if not claim(delivery_id, attempt_number):
        return Outcome("skipped")
    delivery = WebhookDelivery.get_by_id(delivery_id)
    event = WebhookEvent.get_by_id(delivery.webhook_event_id)
    endpoint = WebhookEndpoint.get_by_id(delivery.endpoint_id)
    body = body_of(delivery, event)
    status, text, error = post(endpoint.url, body, headers_for(delivery, event, endpoint.secret, body))
    now = utcnow()
    values = {"response_status": status, "response_body": text, "error": error, "updated_at": now}
    if status is not None and 200 <= status < 300:
        outcome = Outcome("succeeded", attempt=delivery.attempts)
        values.update(status="succeeded", next_attempt_at=None, error="")
    elif delivery.attempts >= MAX_ATTEMPTS:
        outcome = Outcome("failed", attempt=delivery.attempts)
        values.update(status="failed", next_attempt_at=None,
                      error=error or f"The receiver answered {status}.")
    else:
        delay = BACKOFF[delivery.attempts - 1]
        outcome = Outcome("pending", retry_in=delay, attempt=delivery.attempts)
        next_at = delivery.last_attempt_at + datetime.timedelta(seconds=delay)  # counted from the claim
        values.update(status="pending", next_attempt_at=next_at,
                      error=error or f"The receiver answered {status}.")
    WebhookDelivery.update(**values).where(WebhookDelivery.id == delivery_id).execute()
    return outcome


def overdue(grace: int = 60) -> list[tuple[int, int]]:
    """(delivery id, attempts made) of deliveries whose next attempt is overdue by `grace` seconds
    (its queued job was lost), after putting back those stuck in `sending`."""
    now = utcnow()
    stuck = now - datetime.timedelta(seconds=STUCK_AFTER)
    (WebhookDelivery.update(status="pending", next_attempt_at=now, updated_at=now)
     .where(WebhookDelivery.status == "sending", WebhookDelivery.last_attempt_at < stuck).execute())
    late = now - datetime.timedelta(seconds=grace)
    rows = (WebhookDelivery.select(WebhookDelivery.id, WebhookDelivery.attempts)
            .where(WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= late)
            .order_by(WebhookDelivery.id).limit(500))
    return [(row.id, row.attempts) for row in rows]


def redeliver(delivery: WebhookDelivery) -> WebhookDelivery:
    """Send a delivery again (same uuid, a fresh series of attempts), whatever its state."""
    now = utcnow()
    (WebhookDelivery.update(status="pending", attempts=0, next_attempt_at=now, error="", updated_at=now)
     .where(WebhookDelivery.id == delivery.id).execute())
    return WebhookDelivery.get_by_id(delivery.id)


def replay(event: WebhookEvent, endpoint_ids: list[int] | None = None) -> list[WebhookDelivery]:
    """New deliveries (new uuids) of a recorded event: to the given endpoints, or to every active
    endpoint subscribed to it now."""
    query = WebhookEndpoint.select().order_by(WebhookEndpoint.id)
    if endpoint_ids:
        query = query.where(WebhookEndpoint.id.in_(endpoint_ids))
    targets = [row for row in query if endpoint_ids or subscribed(row, event.event)]
    with database.atomic():
        return [new_delivery(endpoint.id, event.id) for endpoint in targets]
