"""Admin webhooks against a real receiver: an HTTP server on 127.0.0.1 in a thread records what it gets.

Events are written to the outbox in the transaction of the change and delivered by the queued jobs,
which the tests run themselves (`domain.jobs.run_queued`, as a consumer would, retries included)."""
import datetime
import hashlib
import hmac
import json
import threading
import time
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from domain.jobs import huey, run_queued
from domain.webhooks import delivery as deliveries
from domain.webhooks import tasks
from domain.webhooks.outbox import emit
from domain.webhooks.urls import UrlRefused, check_url
from storage.db import database
from storage.sales_models import Order
from storage.webhook_models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.checkout_fixtures import guest_cart, place, ready_for_order, set_stock, stocked_product
from tests.customer_fixtures import register

WEBHOOKS = "/api/admin/platform/webhooks"
DELIVERIES = "/api/admin/platform/webhook-deliveries"
EVENTS = "/api/admin/platform/webhook-events"
SECRET = "whsec_test_0123456789abcdef"


class Receiver:
    """A webhook receiver: answers each POST with the next status of `statuses` (then 200)."""

    def __init__(self):
        self.requests, self.statuses = [], []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                status = receiver.statuses.pop(0) if receiver.statuses else 200
                receiver.requests.append({"headers": dict(self.headers), "body": body, "answered": status})
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.server.shutdown()
        self.server.server_close()

    def of(self, event: str) -> list[dict]:
        return [request for request in self.requests if request["headers"]["X-Specshop-Event"] == event]


def verified(request: dict, secret: str = SECRET) -> dict:
    """The receiver's side: recompute the HMAC over "<timestamp>.<raw body>", refuse stale timestamps."""
    headers = request["headers"]
    timestamp = headers["X-Specshop-Timestamp"]
    expected = "sha256=" + hmac.new(secret.encode(), f"{timestamp}.".encode() + request["body"],
                                    hashlib.sha256).hexdigest()
    assert hmac.compare_digest(expected, headers["X-Specshop-Signature"])
    assert abs(time.time() - int(timestamp)) < 300
    document = json.loads(request["body"])
    assert document["id"] == headers["X-Specshop-Delivery"]
    return document


def drain() -> int:
    """Run queued and scheduled jobs until none is left (retries are scheduled by the jobs themselves)."""
    total = 0
    for _ in range(40):
        ran = run_queued()
        if not ran:
            return total
        total += ran
    raise AssertionError("the queue never emptied")


@pytest.fixture
def receiver(monkeypatch):
    monkeypatch.setenv("WEBHOOKS_ALLOW_PRIVATE_URLS", "1")
    drain()
    server = Receiver()
    yield server
    server.close()
    with database.connection_context():
        WebhookEndpoint.delete().execute()
    huey.flush()


def register_endpoint(admin_client, url: str, events: list[str], **extra) -> dict:
    response = admin_client.post(WEBHOOKS, json={"url": url, "events": events, "secret": SECRET, **extra})
    assert response.status_code == 201, response.text
    return response.json()


def place_order(client) -> int:
    product_id = stocked_product()
    headers = guest_cart((product_id, 2))
    ready_for_order(client, headers)
    response = place(client, headers)
    assert response.status_code in (200, 201), response.text
    with database.connection_context():
        return Order.select(Order.id).order_by(Order.id.desc()).scalar()


def test_a_committed_order_emits_exactly_one_signed_delivery(client, admin_client, receiver):
    endpoint = register_endpoint(admin_client, receiver.url, ["order.created"])
    order_id = place_order(client)
    assert receiver.requests == []  # nothing is sent inside the request
    drain()
    assert len(receiver.requests) == 1
    document = verified(receiver.requests[0])
    assert document["event"] == "order.created"
    with database.connection_context():
        order = Order.get_by_id(order_id)
    assert document["data"]["id"] == order_id and document["data"]["status"] == "pending"
    assert Decimal(document["data"]["grandTotal"]) == order.grand_total and "." in document["data"]["grandTotal"]
    assert receiver.requests[0]["headers"]["Content-Type"] == "application/json"
    listed = admin_client.get(DELIVERIES, params={"webhook_id": endpoint["id"]}).json()
    assert listed["meta"]["total"] == 1
    sent = listed["data"][0]
    assert (sent["status"], sent["attempts"], sent["responseStatus"]) == ("succeeded", 1, 200)
    assert sent["deliveryId"] == document["id"] and sent["payload"] == document
    drain()
    assert len(receiver.requests) == 1  # running the jobs again sends nothing more


def test_a_rolled_back_transaction_emits_nothing(client, admin_client, receiver):
    register_endpoint(admin_client, receiver.url, ["order.created", "stock.changed", "customer.created"])
    with database.connection_context():
        before = WebhookEvent.select().count()
        with pytest.raises(RuntimeError):
            with database.atomic():
                emit("customer.created", {"id": 999999, "email": "ghost@example.com"})
                raise RuntimeError("the change failed")
        assert WebhookEvent.select().count() == before
    product_id = stocked_product()
    headers = guest_cart((product_id, 3))
    ready_for_order(client, headers)
    set_stock(product_id, {1: 1})  # the order row is written, then the stock is short: all rolled back
    refused = place(client, headers)
    assert refused.status_code in (409, 422), refused.text
    drain()
    assert receiver.requests == []
    with database.connection_context():
        assert WebhookEvent.select().count() == before


def test_a_failing_receiver_gets_the_event_once_more_with_the_same_id(client, admin_client, receiver):
    endpoint = register_endpoint(admin_client, receiver.url, ["order.created"])
    receiver.statuses = [500, 503, 502]
    order_id = place_order(client)
    with database.connection_context():
        first = WebhookDelivery.select().where(WebhookDelivery.endpoint == endpoint["id"]).first()
    assert first is None  # nothing before the jobs run
    drain()
    answered = [request["answered"] for request in receiver.requests]
    assert answered == [500, 503, 502, 200]
    ids = {request["headers"]["X-Specshop-Delivery"] for request in receiver.requests}
    assert len(ids) == 1
    assert all(verified(request)["data"]["id"] == order_id for request in receiver.requests)
    with database.connection_context():
        first = WebhookDelivery.get(WebhookDelivery.endpoint == endpoint["id"])
    delivery = admin_client.get(f"{DELIVERIES}/{first.id}").json()
    assert (delivery["status"], delivery["attempts"], delivery["deliveryId"]) == ("succeeded", 4, ids.pop())
    drain()
    assert len(receiver.requests) == 4


def test_retries_stop_after_the_last_attempt_with_the_delivery_failed(admin_client, receiver):
    assert deliveries.MAX_ATTEMPTS >= 8 and sum(deliveries.BACKOFF) >= 4 * 3600
    register_endpoint(admin_client, receiver.url, ["customer.created"])
    receiver.statuses = [500] * 20
    with database.connection_context():
        with database.atomic():
            emit("customer.created", {"id": 1, "email": "a@example.com"})
        (delivery_id,) = deliveries.dispatch()
        waits = []
        for attempt in range(deliveries.MAX_ATTEMPTS):  # each attempt as its job runs it, in order
            outcome = deliveries.attempt(delivery_id, attempt)
            row = WebhookDelivery.get_by_id(delivery_id)
            assert row.attempts == attempt + 1 and row.response_status == 500
            if outcome.retry_in is not None:
                waits.append((row.next_attempt_at - row.last_attempt_at).total_seconds())
        assert deliveries.attempt(delivery_id, deliveries.MAX_ATTEMPTS).status == "skipped"
    assert waits == list(deliveries.BACKOFF) and waits == sorted(waits)  # growing waits, hours in all
    assert len(receiver.requests) == deliveries.MAX_ATTEMPTS
    assert (row.status, row.attempts, row.next_attempt_at) == ("failed", deliveries.MAX_ATTEMPTS, None)
    drain()
    assert len(receiver.requests) == deliveries.MAX_ATTEMPTS
    assert "500" in row.error


def test_redeliver_and_replay(client, admin_client, admin_graphql, receiver):
    endpoint = register_endpoint(admin_client, receiver.url, ["customer.created"])
    customer = register(client, "hooked")
    drain()
    assert len(receiver.requests) == 1
    original = verified(receiver.requests[0])
    assert original["data"]["id"] == customer["id"] and original["data"]["email"] == customer["email"]
    delivery = admin_client.get(DELIVERIES, params={"event": "customer.created"}).json()["data"][0]

    again = admin_client.post(f"{DELIVERIES}/{delivery['id']}/redeliver")
    assert again.status_code == 200, again.text
    assert (again.json()["status"], again.json()["attempts"]) == ("pending", 0)
    drain()
    assert len(receiver.requests) == 2
    assert verified(receiver.requests[1]) == original  # the same delivery: same id, same body

    replayed = admin_client.post(f"{EVENTS}/{delivery['eventId']}/replay", json={})
    assert replayed.status_code == 200, replayed.text
    assert replayed.json()["message"] == "Event queued for 1 endpoint."
    drain()
    third = verified(receiver.requests[2])
    assert third["id"] != original["id"] and third["eventId"] == original["eventId"]
    assert third["data"] == original["data"]

    result = admin_graphql("""mutation($id: ID!) { replayAdminPlatformWebhookEvent(input: {id: $id,
        webhookIds: [%d]}) { adminPlatformWebhookEventReplay { message deliveries { deliveryId status webhookId } } } }"""
                           % endpoint["id"], {"id": f"/api/admin/platform/webhook-events/{delivery['eventId']}"})
    assert "errors" not in result, result
    payload = result["data"]["replayAdminPlatformWebhookEvent"]["adminPlatformWebhookEventReplay"]
    assert payload["deliveries"][0]["webhookId"] == endpoint["id"]
    result = admin_graphql("""mutation($id: ID!) { redeliverAdminPlatformWebhookDelivery(input: {id: $id}) {
        adminPlatformWebhookDelivery { _id status } } }""", {"id": str(delivery["id"])})
    assert result["data"]["redeliverAdminPlatformWebhookDelivery"]["adminPlatformWebhookDelivery"] == {
        "_id": delivery["id"], "status": "pending"}
    drain()
    assert len(receiver.requests) == 5
    unknown = admin_client.post(f"{EVENTS}/{delivery['eventId']}/replay", json={"webhook_ids": [987654]})
    assert unknown.status_code == 422 and "webhook_ids" in unknown.json()["errors"]
    assert admin_client.post(f"{DELIVERIES}/987654/redeliver").json()["message"] == "Webhook delivery not found"


def test_write_paths_record_their_events(client, admin_client, receiver):
    register_endpoint(admin_client, receiver.url, ["order.created", "stock.changed", "product.updated"])
    with database.connection_context():
        start = WebhookEvent.select(WebhookEvent.id).order_by(WebhookEvent.id.desc()).scalar() or 0
    order_id = place_order(client)
    with database.connection_context():
        recorded = [(row.event, row.payload) for row in WebhookEvent.select().where(WebhookEvent.id > start)
                    .order_by(WebhookEvent.id)]
    names = [name for name, _ in recorded]
    assert names[0] == "order.created" and "stock.changed" in names
    stock = next(payload for name, payload in recorded if name == "stock.changed")
    assert stock["change"] == -2 and stock["reason"] == "order_placed" and stock["qty"] == 98
    drain()
    assert {request["headers"]["X-Specshop-Event"] for request in receiver.requests} == {"order.created", "stock.changed"}
    assert verified(receiver.of("order.created")[0])["data"]["id"] == order_id
    canceled = admin_client.post(f"/api/admin/orders/{order_id}/cancel")
    with database.connection_context():
        later = [row.event for row in WebhookEvent.select().where(WebhookEvent.id > start).order_by(WebhookEvent.id)]
    assert canceled.status_code == 200, canceled.text
    assert later[-2:] == ["order.status_changed", "order.canceled"] and later.count("stock.changed") == 2
    drain()
    returned = [verified(request)["data"] for request in receiver.of("stock.changed")]
    assert [(data["change"], data["reason"]) for data in returned] == [(-2, "order_placed"), (2, "returned")]


def test_endpoint_crud_and_validation(admin_client, admin_graphql, monkeypatch):
    monkeypatch.delenv("WEBHOOKS_ALLOW_PRIVATE_URLS", raising=False)
    for url, reason in (("ftp://hooks.example.com/x", "http"), ("http://127.0.0.1:8080/x", "Private"),
                        ("http://localhost/x", "Local"), ("https://10.1.2.3/x", "Private"),
                        ("http://[::1]/x", "Private"), ("https://user:pw@hooks.example.com", "credentials"),
                        ("not a url", "http")):
        refused = admin_client.post(WEBHOOKS, json={"url": url, "events": ["order.created"]})
        assert refused.status_code == 422, (url, refused.text)
        assert reason in refused.json()["errors"]["url"][0], (url, refused.json())
    unknown = admin_client.post(WEBHOOKS, json={"url": "https://hooks.example.com/x", "events": ["order.exploded"]})
    assert unknown.status_code == 422 and "events" in json.dumps(unknown.json()["errors"])
    made = admin_client.post(WEBHOOKS, json={"url": "https://hooks.example.com/a", "events": ["order.created"],
                                             "description": "ERP"})
    assert made.status_code == 201, made.text
    webhook = made.json()
    assert webhook["secret"].startswith("whsec_") and len(webhook["secret"]) > 30 and webhook["isActive"] is True
    shown = admin_client.get(f"{WEBHOOKS}/{webhook['id']}").json()
    assert shown["secret"] is None and shown["events"] == ["order.created"] and shown["description"] == "ERP"
    updated = admin_client.put(f"{WEBHOOKS}/{webhook['id']}", json={"is_active": False, "events": ["stock.changed"]})
    assert updated.status_code == 200 and updated.json()["isActive"] is False and updated.json()["secret"] is None
    assert admin_client.put(f"{WEBHOOKS}/{webhook['id']}", json={"url": "http://169.254.169.254/"}).status_code == 422
    rotated = admin_client.put(f"{WEBHOOKS}/{webhook['id']}", json={"secret": "s" * 20}).json()
    assert rotated["secret"] == "s" * 20
    listed = admin_client.get(WEBHOOKS, params={"event": "stock.changed", "is_active": 0}).json()
    assert [row["id"] for row in listed["data"]] == [webhook["id"]] and listed["data"][0]["secret"] is None
    assert admin_client.get(WEBHOOKS, params={"event": "order.created", "is_active": 0}).json()["data"] == []

    result = admin_graphql("""mutation { createAdminPlatformWebhook(input: {url: "https://hooks.example.com/g",
        events: ["product.created", "product.deleted"], isActive: true}) {
        adminPlatformWebhook { id _id url events isActive secret } } }""")
    assert "errors" not in result, result
    created_node = result["data"]["createAdminPlatformWebhook"]["adminPlatformWebhook"]
    assert created_node["id"] == f"/api/admin/platform/webhooks/{created_node['_id']}"
    assert created_node["events"] == ["product.created", "product.deleted"] and created_node["secret"]
    result = admin_graphql("{ adminPlatformWebhooks(first: 10) { totalCount edges { node { _id url secret } } } }")
    nodes = [edge["node"] for edge in result["data"]["adminPlatformWebhooks"]["edges"]]
    assert {node["_id"] for node in nodes} >= {webhook["id"], created_node["_id"]}
    assert all(node["secret"] is None for node in nodes)
    result = admin_graphql("""mutation($id: ID!) { deleteAdminPlatformWebhook(input: {id: $id}) {
        adminPlatformWebhook { id } } }""", {"id": created_node["id"]})
    assert "errors" not in result, result

    assert admin_client.delete(f"{WEBHOOKS}/{webhook['id']}").json() == {"message": "Webhook deleted."}
    missing = admin_client.get(f"{WEBHOOKS}/{webhook['id']}")
    assert missing.status_code == 404 and missing.json()["message"] == "Webhook not found"


def test_outgoing_addresses_are_checked_before_sending(monkeypatch):
    monkeypatch.delenv("WEBHOOKS_ALLOW_PRIVATE_URLS", raising=False)
    assert check_url("https://hooks.example.com/x") == "https://hooks.example.com/x"
    with pytest.raises(UrlRefused):
        check_url("http://192.168.1.10/")
    with pytest.raises(UrlRefused):
        deliveries.check_resolved("http://localhost:9/")
    status, _, error = deliveries.post("http://127.0.0.1:9/hooks", b"{}", {})
    assert status is None and error.startswith("refused")
    monkeypatch.setenv("WEBHOOKS_ALLOW_PRIVATE_URLS", "1")
    assert check_url("http://127.0.0.1:9/") == "http://127.0.0.1:9/"


def test_the_sweep_delivers_an_event_whose_queued_job_was_lost(admin_client, receiver):
    register_endpoint(admin_client, receiver.url, ["product.deleted"])
    with database.connection_context():
        with database.atomic():
            emit("product.deleted", {"id": 4242, "sku": "gone", "type": "simple"})
    huey.flush()  # the queue lost its jobs; the committed event is still in the outbox
    assert run_queued() == 0 and receiver.requests == []
    tasks.sweep_webhooks.call_local()
    drain()
    assert [verified(request)["data"]["sku"] for request in receiver.requests] == ["gone"]
    with database.connection_context():
        row = WebhookDelivery.select().order_by(WebhookDelivery.id.desc()).first()
        WebhookDelivery.update(status="pending", next_attempt_at=datetime.datetime(2000, 1, 1)).where(
            WebhookDelivery.id == row.id).execute()  # as if its scheduled retry had been lost
    tasks.sweep_webhooks.call_local()
    drain()
    assert len(receiver.requests) == 2 and len({r["headers"]["X-Specshop-Delivery"] for r in receiver.requests}) == 1


def test_graphql_lists_filter_like_rest(admin_client, admin_graphql, receiver):
    active = register_endpoint(admin_client, receiver.url, ["stock.changed"])
    inactive = register_endpoint(admin_client, receiver.url, ["stock.changed"], is_active=False)
    result = admin_graphql("""{ adminPlatformWebhooks(isActive: 0, event: "stock.changed") {
        totalCount edges { node { _id isActive } } } }""")
    assert "errors" not in result, result
    assert result["data"]["adminPlatformWebhooks"]["edges"] == [{"node": {"_id": inactive["id"], "isActive": False}}]
    with database.connection_context():
        with database.atomic():
            emit("stock.changed", {"productId": 1, "inventorySourceId": 1, "change": 1, "qty": 5, "reason": "test"})
    drain()
    assert len(receiver.requests) == 1  # the inactive endpoint gets nothing
    result = admin_graphql("""query($id: Int) { adminPlatformWebhookDeliveries(webhookId: $id, status: "succeeded") {
        totalCount edges { node { deliveryId event attempts payload } } } }""", {"id": active["id"]})
    assert "errors" not in result, result
    node = result["data"]["adminPlatformWebhookDeliveries"]["edges"][0]["node"]
    assert node["event"] == "stock.changed" and node["attempts"] == 1
    assert node["payload"]["data"]["qty"] == 5 and node["deliveryId"] == verified(receiver.requests[0])["id"]
    result = admin_graphql("""{ adminPlatformWebhookEvents(first: 1, event: "stock.changed") {
        edges { node { id _id eventId payload } } } }""")
    event = result["data"]["adminPlatformWebhookEvents"]["edges"][0]["node"]
    assert event["id"] == f"/api/admin/platform/webhook-events/{event['_id']}" and event["payload"]["reason"] == "test"


def test_delivery_filters_beyond_an_id_column_are_a_400_naming_them(admin_client):
    response = admin_client.get(DELIVERIES, params={"webhook_id": 18249731644669333504, "event_id": 2**31})
    assert response.status_code == 400, response.text
    assert set(response.json()["errors"]) == {"webhook_id", "event_id"}
