"""The payment webhook receiver (POST /api/payments/webhooks/{processor}, docs/payments.md): the `fake`
processor's signed notifications move an order's payment once per provider event id, whatever the
duplicates, and nothing changes for an unsigned, badly signed or mismatched one."""
import json
import threading
import time
from decimal import Decimal

import pytest
from starlette.testclient import TestClient

from domain.errors import ApiError
from domain.sales import documents, payment_webhooks, payments
from domain.webhooks.delivery import signature
from storage.admin_sales_models import OrderTransaction, Refund
from storage.db import database
from storage.job_models import PaymentEvent
from storage.sales_models import Invoice, Order, OrderPayment, OrderStatusHistory
from tests.order_fixtures import Line, create_order, default_source, make_product, payment_config

SECRET = "whsec_fake_test"
URL = "/api/payments/webhooks/fake"


@pytest.fixture
def fake(app, monkeypatch):
    monkeypatch.setenv(payments.FAKE_SETTING, "1")
    monkeypatch.setenv(payments.FAKE_SECRET_SETTING, SECRET)
    payments.register_processor(payments.FakeProcessor())
    yield
    payments.PROCESSORS.pop("fake", None)


@pytest.fixture
def anonymous(app):
    with TestClient(app) as test_client:  # no storefront key, no token: the signature is the credential
        yield test_client


def order_paid_by_fake() -> Order:
    product = make_product("15.00", stock={default_source(): 5})
    return create_order(None, [Line(product, 2, Decimal("15.00"))], payment="fake")  # 30 + 10 shipping


def event(order: Order, kind="payment.succeeded", amount="40.00", event_id=None, currency="USD") -> bytes:
    document = {"id": event_id or f"evt_{time.time_ns()}", "type": kind,
                "data": {"orderId": order.increment_id, "amount": amount, "currency": currency,
                         "transactionId": "ch_test_1"}}
    return json.dumps(document).encode()


def signed(raw: bytes, secret=SECRET, timestamp=None) -> dict:
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {"Content-Type": "application/json", "X-Fake-Timestamp": str(timestamp),
            "X-Fake-Signature": signature(secret, timestamp, raw)}


def state(order: Order) -> dict:
    with database.connection_context():
        payment = OrderPayment.get(OrderPayment.order == order.id)
        return {"status": Order.get_by_id(order.id).status, "payment": (payment.additional or {}).get("status"),
                "transactions": [(row.amount, row.type, row.transaction_id, row.invoice_id) for row in
                                 OrderTransaction.select().where(OrderTransaction.order == order.id)],
                "events": [(row.status, row.error) for row in PaymentEvent.select().where(
                    PaymentEvent.order == order.id).order_by(PaymentEvent.id)],
                "refunds": [row.grand_total for row in Refund.select().where(Refund.order == order.id)]}


def test_a_signed_payment_succeeded_pays_the_order_once(fake, anonymous):
    order = order_paid_by_fake()
    raw = event(order, event_id="evt_paid_1")
    answer = anonymous.post(URL, content=raw, headers=signed(raw))
    assert answer.status_code == 200, answer.text
    assert answer.json() == {"received": True, "duplicate": False, "eventId": "evt_paid_1",
                             "type": "payment.succeeded", "status": "applied", "orderId": order.id}
    after = state(order)
    assert after["payment"] == "paid" and after["events"] == [("applied", "")]
    assert after["transactions"] == [(Decimal("40.00"), "capture", "ch_test_1", None)]
    assert after["status"] == "pending"  # nothing invoiced: the status still derives from the items

    again = anonymous.post(URL, content=raw, headers=signed(raw))
    assert again.status_code == 200
    assert again.json()["duplicate"] is True and again.json()["status"] == "applied"
    assert state(order) == after


def test_with_a_pending_automatic_invoice_the_invoice_is_paid(fake, anonymous):
    with payment_config("fake", generate_invoice=True, invoice_status="pending"):
        order = order_paid_by_fake()
    with database.connection_context():
        invoice = Invoice.get(Invoice.order == order.id)
    assert invoice.state == "pending"
    raw = event(order)
    assert anonymous.post(URL, content=raw, headers=signed(raw)).json()["status"] == "applied"
    after = state(order)
    with database.connection_context():
        assert Invoice.get_by_id(invoice.id).state == "paid"
    assert after["transactions"] == [(Decimal("40.00"), "capture", "ch_test_1", invoice.id)]
    assert (after["status"], after["payment"]) == ("processing", "paid")

    refund = event(order, "payment.refunded", amount="40.00")
    refunded = anonymous.post(URL, content=refund, headers=signed(refund))
    assert refunded.status_code == 200, refunded.text
    closed = state(order)
    assert (closed["status"], closed["payment"], closed["refunds"]) == ("closed", "refunded", [Decimal("40.00")])


def test_a_partial_refund_is_refused_and_changes_nothing(fake, anonymous):
    with payment_config("fake", generate_invoice=True, invoice_status="pending"):
        order = order_paid_by_fake()
    raw = event(order)
    anonymous.post(URL, content=raw, headers=signed(raw))
    before = state(order)
    partial = event(order, "payment.refunded", amount="12.50")
    refused = anonymous.post(URL, content=partial, headers=signed(partial))
    assert refused.status_code == 422
    assert refused.json() == {"message": "The event's amount (12.50 USD) does not match the order's (40.00 USD).",
                              "error": "amount_mismatch"}
    after = state(order)
    assert after["events"][-1] == ("refused", "amount_mismatch")
    assert {key: after[key] for key in ("status", "payment", "transactions", "refunds")} == {
        key: before[key] for key in ("status", "payment", "transactions", "refunds")}


def test_five_concurrent_duplicates_apply_once(fake):
    order = order_paid_by_fake()
    raw = event(order, event_id="evt_concurrent")
    headers = {name.lower(): value for name, value in signed(raw).items()}
    barrier = threading.Barrier(5)
    outcomes = []

    def deliver():
        with database.connection_context():
            barrier.wait()
            try:
                outcomes.append(payment_webhooks.receive("fake", headers, raw).duplicate)
            except ApiError as error:
                outcomes.append(error.status)

    threads = [threading.Thread(target=deliver) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert sorted(outcomes) == [False, True, True, True, True]
    after = state(order)
    assert after["transactions"] == [(Decimal("40.00"), "capture", "ch_test_1", None)]
    assert after["events"] == [("applied", "")] and after["payment"] == "paid"


def test_a_bad_or_missing_signature_changes_nothing(fake, anonymous):
    order = order_paid_by_fake()
    before = state(order)
    raw = event(order, event_id="evt_forged")
    wrong_key = anonymous.post(URL, content=raw, headers=signed(raw, secret="whsec_other"))
    assert wrong_key.status_code == 401
    assert wrong_key.json() == {"message": "The notification's signature does not match.", "error": "signature_invalid"}
    tampered = raw.replace(b'"40.00"', b'"4.00"')
    assert anonymous.post(URL, content=tampered, headers=signed(raw)).status_code == 401
    stale = anonymous.post(URL, content=raw, headers=signed(raw, timestamp=int(time.time()) - 3600))
    assert stale.status_code == 401
    unsigned = anonymous.post(URL, content=raw, headers={"Content-Type": "application/json"})
    assert unsigned.status_code == 400 and unsigned.json()["error"] == "signature_missing"
    assert state(order) == before == {**before, "events": [], "transactions": [], "payment": None}
    with database.connection_context():
        assert not PaymentEvent.select().where(PaymentEvent.event_id == "evt_forged").exists()


def test_the_exact_bytes_received_are_verified(fake, anonymous):
    order = order_paid_by_fake()
    raw = ('{ "type" : "payment.failed",\n  "id": "evt_spaced", "data": {"currency": "usd", "amount": "40.0",'
           f' "orderId": "{order.increment_id}"}}}}').encode()
    answer = anonymous.post(URL, content=raw, headers=signed(raw))
    assert answer.status_code == 200, answer.text
    after = state(order)
    assert (after["payment"], after["status"], after["transactions"]) == ("failed", "pending", [])
    with database.connection_context():
        assert OrderStatusHistory.select().where(OrderStatusHistory.order == order.id,
                                                 OrderStatusHistory.comment == "Payment failed (evt_spaced)").exists()
    paid = event(order)
    assert anonymous.post(URL, content=paid, headers=signed(paid)).json()["status"] == "applied"
    assert state(order)["payment"] == "paid"  # a failed attempt leaves the order open for another


def test_events_that_do_not_fit_the_order_are_refused(fake, anonymous):
    order = order_paid_by_fake()
    cases = [(event(order, amount="39.99"), "amount_mismatch"), (event(order, currency="EUR"), "amount_mismatch")]
    for raw, error in cases:
        refused = anonymous.post(URL, content=raw, headers=signed(raw))
        assert (refused.status_code, refused.json()["error"]) == (422, error)
    duplicate = anonymous.post(URL, content=cases[0][0], headers=signed(cases[0][0]))
    assert duplicate.status_code == 200 and duplicate.json()["status"] == "refused"
    assert duplicate.json()["duplicate"] is True
    after = state(order)
    assert after["transactions"] == [] and after["payment"] is None
    assert after["events"] == [("refused", "amount_mismatch"), ("refused", "amount_mismatch")]

    other = create_order(None, [Line(make_product("15.00", stock={default_source(): 5}), 1, Decimal("15.00"))],
                         payment="cashondelivery")
    raw = event(other, amount="25.00")
    assert anonymous.post(URL, content=raw, headers=signed(raw)).json()["error"] == "processor_mismatch"
    nowhere = json.dumps({"id": "evt_nowhere", "type": "payment.succeeded",
                          "data": {"orderId": "no-such-order", "amount": "1.00", "currency": "USD"}}).encode()
    assert anonymous.post(URL, content=nowhere, headers=signed(nowhere)).json()["error"] == "order_not_found"
    pending = json.dumps({"id": "evt_other", "type": "payment.pending",
                          "data": {"orderId": order.increment_id, "amount": "40.00", "currency": "USD"}}).encode()
    ignored = anonymous.post(URL, content=pending, headers=signed(pending))
    assert ignored.status_code == 200 and ignored.json()["status"] == "ignored"
    malformed = json.dumps({"id": "evt_bad", "type": "payment.succeeded",
                            "data": {"orderId": order.increment_id, "amount": "lots"}}).encode()
    invalid = anonymous.post(URL, content=malformed, headers=signed(malformed))
    assert invalid.status_code == 400
    assert invalid.json()["errors"] == {"data.currency": ["A string of 1 to 255 characters is required."],
                                        "data.amount": ["A non-negative decimal amount with at most 4 places "
                                                        "is required."]}


def test_only_processors_that_take_notifications_answer(fake, anonymous, monkeypatch):
    raw = b'{"id": "evt_x", "type": "payment.succeeded", "data": {}}'
    for code in ("cashondelivery", "unknown"):
        missing = anonymous.post(f"/api/payments/webhooks/{code}", content=raw, headers=signed(raw))
        assert missing.status_code == 404 and missing.json()["message"] == "Payment processor not found"
    monkeypatch.delenv(payments.FAKE_SETTING)
    assert anonymous.post(URL, content=raw, headers=signed(raw)).status_code == 404


def test_an_order_captured_by_the_back_office_is_not_paid_twice(fake, anonymous):
    order = order_paid_by_fake()
    with database.connection_context():
        documents.create_invoice(Order.get_by_id(order.id), state="paid")
    before = state(order)
    assert [row[1] for row in before["transactions"]] == ["capture"]
    raw = event(order)
    refused = anonymous.post(URL, content=raw, headers=signed(raw))
    assert (refused.status_code, refused.json()["error"]) == (422, "already_paid")
    assert state(order)["transactions"] == before["transactions"]
