"""Admin webhooks: /api/admin/platform/webhooks (endpoints: CRUD), /platform/webhook-deliveries (list,
detail, redeliver) and /platform/webhook-events (the recorded events: list, replay); GraphQL
adminPlatformWebhook(s), adminPlatformWebhookDeliver(y|ies), adminPlatformWebhookEvents.

Events are recorded and delivered by `domain/webhooks`; this module only manages endpoints and
hands redeliveries and replays to the queue. A secret is shown when it is created or replaced,
never listed."""
import secrets

from domain.access import created
from domain.common import RequestContext, iso
from domain.errors import Unprocessable
from domain.webhooks import delivery as deliveries
from domain.webhooks import tasks
from domain.webhooks.urls import UrlRefused, check_url
from handlers.admin.crud import AdminResource, exact, flag, partial, refuse_nul
from storage.db import database
from storage.models import utcnow
from storage.webhook_models import WebhookDelivery, WebhookEndpoint, WebhookEvent


def webhook_document(row: WebhookEndpoint, secret: str | None = None) -> dict:
    return {"id": row.id, "url": row.url, "description": row.description, "events": list(row.events or []),
            "isActive": bool(row.is_active), "secret": secret, "createdAt": iso(row.created_at),
            "updatedAt": iso(row.updated_at)}


def subscribed_to(event: str):
    """Endpoints whose event list holds `event` (JSON text match on the quoted name)."""
    return WebhookEndpoint.events.cast("text").contains(f'"{event}"')


webhooks = AdminResource(
    model=WebhookEndpoint, label="Webhook", plural="Webhooks", document=webhook_document,
    filters={"url": partial(WebhookEndpoint.url), "event": subscribed_to, "is_active": flag(WebhookEndpoint.is_active)},
    sorts={"id": WebhookEndpoint.id, "url": WebhookEndpoint.url, "created_at": WebhookEndpoint.created_at},
    messages={"deleted": "Webhook deleted."},
)

list_admin_webhooks = webhooks.list_handler()
get_admin_webhook = webhooks.get_handler()
delete_admin_webhook = webhooks.delete_handler()


def endpoint_values(body: dict) -> dict:
    values = {key: body[key] for key in ("url", "events", "secret", "description", "is_active") if key in body}
    if "url" in values:
        try:
            check_url(values["url"])
        except UrlRefused as refused:
            raise Unprocessable({"url": [str(refused)]}) from None
    if "events" in values:
        values["events"] = list(dict.fromkeys(values["events"]))
    return values


def create_admin_webhook(context: RequestContext, body: dict):
    refuse_nul(body)
    values = endpoint_values(body)
    values.setdefault("secret", f"whsec_{secrets.token_urlsafe(32)}")
    row = WebhookEndpoint.create(**values)
    return created(webhook_document(row, row.secret))


def update_admin_webhook(context: RequestContext, id: int, body: dict) -> dict:
    refuse_nul(body)
    values = endpoint_values(body)
    with database.atomic():
        row = webhooks.find(id)
        if values:
            WebhookEndpoint.update(**values, updated_at=utcnow()).where(WebhookEndpoint.id == id).execute()
    row = webhooks.find(id)
    return webhook_document(row, row.secret if "secret" in values else None)


# --- deliveries ----------------------------------------------------------------------------------

def delivery_documents(rows: list, context: RequestContext | None = None) -> list[dict]:
    events = {event.id: event for event in
              WebhookEvent.select().where(WebhookEvent.id.in_([row.webhook_event_id for row in rows]))}
    documents = []
    for row in rows:
        event = events[row.webhook_event_id]
        documents.append({
            "id": row.id, "deliveryId": row.uuid, "webhookId": row.endpoint_id, "eventId": event.id,
            "event": event.event, "status": row.status, "attempts": row.attempts,
            "maxAttempts": deliveries.MAX_ATTEMPTS, "nextAttemptAt": iso(row.next_attempt_at),
            "lastAttemptAt": iso(row.last_attempt_at), "responseStatus": row.response_status,
            "responseBody": row.response_body or "", "error": row.error or "",
            "payload": deliveries.json_document(row, event), "createdAt": iso(row.created_at),
            "updatedAt": iso(row.updated_at)})
    return documents


def of_event_name(name: str):
    return WebhookDelivery.webhook_event.in_(WebhookEvent.select(WebhookEvent.id).where(WebhookEvent.event == name))


delivery_resource = AdminResource(
    model=WebhookDelivery, label="Webhook delivery", plural="Webhook deliveries", documents=delivery_documents,
    filters={"webhook_id": exact(WebhookDelivery.endpoint), "event_id": exact(WebhookDelivery.webhook_event),
             "event": of_event_name, "status": exact(WebhookDelivery.status)},
    sorts={"id": WebhookDelivery.id, "created_at": WebhookDelivery.created_at, "attempts": WebhookDelivery.attempts},
    default_order="desc",
)

list_admin_webhook_deliveries = delivery_resource.list_handler()
get_admin_webhook_delivery = delivery_resource.get_handler()


def redeliver_admin_webhook_delivery(context: RequestContext, id: int) -> dict:
    row = deliveries.redeliver(delivery_resource.find(id))
    tasks.send_now(row.id, 0)
    return delivery_documents([WebhookDelivery.get_by_id(row.id)])[0]


# --- events --------------------------------------------------------------------------------------

def event_document(row: WebhookEvent) -> dict:
    return {"id": row.id, "eventId": row.uuid, "event": row.event, "payload": row.payload,
            "createdAt": iso(row.created_at), "dispatchedAt": iso(row.dispatched_at)}


events = AdminResource(
    model=WebhookEvent, label="Webhook event", plural="Webhook events", document=event_document,
    filters={"event": exact(WebhookEvent.event)},
    sorts={"id": WebhookEvent.id, "created_at": WebhookEvent.created_at}, default_order="desc",
)

list_admin_webhook_events = events.list_handler()
get_admin_webhook_event = events.get_handler()


def replay_admin_webhook_event(context: RequestContext, id: int, body: dict | None = None) -> dict:
    event = events.find(id)
    wanted = list(dict.fromkeys((body or {}).get("webhook_ids") or []))
    known = {row.id for row in WebhookEndpoint.select(WebhookEndpoint.id).where(WebhookEndpoint.id.in_(wanted))}
    missing = [key for key in wanted if key not in known]
    if missing:
        raise Unprocessable({"webhook_ids": [f"The selected webhook {key} is invalid." for key in missing]})
    created_rows = deliveries.replay(event, wanted or None)
    for row in created_rows:
        tasks.send_now(row.id, 0)
    count = len(created_rows)
    return {"message": f"Event queued for {count} endpoint{'' if count == 1 else 's'}.",
            "deliveries": delivery_documents(created_rows)}
