"""The last 10 units, 50 buyers at once: exactly 10 orders, stock 0, every other buyer a 422. And one
buyer pressing "place order" five times at once with one Idempotency-Key: one order.

The place-order calls go to a real uvicorn server (several worker threads, one pooled database
connection each) from one thread per call, each with its own HTTP client, released together by a
barrier. Runs on the suite's database: SQLite by default, PostgreSQL when DATABASE_URL says so.
"""
import os
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest

from storage.db import database
from storage.sales_models import Order, OrderItemInventory
from tests.checkout_fixtures import (
    CA_ADDRESS, cart_of, customer_cart, default_source, guest_cart, new_key, product_facts, ready_for_order, source,
    stock, stocked_product,
)
from tests.conftest import TEST_KEY
from tests.customer_fixtures import register

ROOT = Path(__file__).resolve().parent.parent
BUYERS = 50
UNITS = 10


def start_server() -> tuple[subprocess.Popen, int]:
    """uvicorn on a free port over the suite's database; returns once it accepts connections."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = os.environ.get("DATABASE_URL") or f"sqlite:///{database.obj.database}"
    environment = {**os.environ, "DATABASE_URL": url, "PYTHONWARNINGS": "ignore", "WORKER_THREADS": "8"}
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "server.asgi:app", "--port", str(port),
                                "--log-level", "warning"], cwd=ROOT, env=environment)
    deadline = time.monotonic() + 120  # building the app reads every spec: slow on a busy machine
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start")


@pytest.fixture(scope="module")
def server_port(app):
    server, port = start_server()
    yield port
    server.terminate()
    server.wait()


def place_all_at_once(port: int, carts: list[dict], keys: list[str]) -> list[httpx.Response]:
    barrier = threading.Barrier(len(carts))
    responses: list = [None] * len(carts)

    def buy(index: int, headers: dict):
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120,
                          headers={"X-STOREFRONT-KEY": TEST_KEY, **headers}) as http:
            barrier.wait()
            responses[index] = http.post("/api/shop/checkout-orders", json={},
                                         headers={"Idempotency-Key": keys[index]})

    threads = [threading.Thread(target=buy, args=(index, headers)) for index, headers in enumerate(carts)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return responses


def test_fifty_buyers_for_the_last_ten_units(client, server_port):
    second = source("oversell-second", priority=5)
    product = stocked_product({default_source(): 6, second: 4})
    name, sku, _price = product_facts(product)
    carts = []
    for _ in range(BUYERS):
        headers = guest_cart((product, 1))
        ready_for_order(client, headers, CA_ADDRESS)
        carts.append(headers)
    cart_ids = [cart_of(headers).id for headers in carts]

    responses = place_all_at_once(server_port, carts, [new_key() for _ in carts])

    statuses = sorted(response.status_code for response in responses)
    assert statuses == [201] * UNITS + [422] * (BUYERS - UNITS), [r.text for r in responses if r.status_code >= 500]
    loser_body = {"message": "Insufficient stock for one or more items.", "error": "insufficient_stock",
                  "errors": {"inventory": [f'Not enough stock for "{name}" (SKU {sku}): 1 requested.']}}
    assert all(response.json() == loser_body for response in responses if response.status_code == 422)
    assert sum(stock(product).values()) == 0
    with database.connection_context():
        orders = list(Order.select().where(Order.cart_id.in_(cart_ids)))
        taken = [row.qty for row in OrderItemInventory.select().where(OrderItemInventory.product == product)]
    assert len(orders) == UNITS and sorted(o.id for o in orders) == sorted(
        r.json()["data"]["order"]["id"] for r in responses if r.status_code == 201)
    assert sum(taken) == UNITS
    closed = [cart_of(headers).is_active for headers in carts]
    assert closed.count(False) == UNITS


def test_five_presses_with_one_key_place_one_order(client, server_port):
    customer = register(client, "impatient")
    product = stocked_product({default_source(): 3})
    headers = customer_cart(customer, (product, 2))
    ready_for_order(client, headers, CA_ADDRESS)
    key = new_key()
    responses = place_all_at_once(server_port, [headers] * 5, [key] * 5)
    assert [r.status_code for r in responses] == [201] * 5, [r.text for r in responses]
    assert len({r.text for r in responses}) == 1
    with database.connection_context():
        assert Order.select().where(Order.customer == customer["id"]).count() == 1
    assert stock(product) == {default_source(): 1}
