"""Full guest checkout: orders per second, SQL statements per step, memory of the worker.

    python -m bench.checkout [--orders 300] [--concurrent 4] [--profile] [--database URL]

One order is six requests, as a storefront sends them: a cart token, add to cart, the billing
address (used for shipping), the shipping method, the payment method, place the order. The demo
catalog is seeded into a scratch SQLite database (or the empty PostgreSQL database `--database`
names); its simple products get ample stock.

1. statements: one checkout in this process (TestClient), the SQL statements each step runs;
   `--profile` prints cProfile's top functions over 30 checkouts instead of running the timings.
2. sequential: `uvicorn server.asgi:app` (one worker) and one keep-alive client, each pinned to its
   own CPU with taskset when available; orders per second over `--orders` checkouts (target >= 40).
3. concurrent: `--concurrent` clients check out at once, half of them the same product with little
   stock: every 201 has its order, no order without a 201, and stock never goes below zero.
   The worker's CPU seconds per order are printed too: on a busy machine they say what one free core
   would give.
4. memory: the worker's resident set (VmRSS) and its peak (VmHWM) after the run (target < 150 MB).
"""
import argparse
import http.client
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ADDRESS = {"firstName": "Bench", "lastName": "Buyer", "email": "bench@example.com", "address": "1 Market Street",
           "city": "San Francisco", "state": "CA", "country": "US", "postcode": "94105", "phone": "5550100"}
STEPS = ("cart token", "add to cart", "address", "shipping", "payment", "place order")
SCARCE_STOCK = 20


def prepare(url: str) -> tuple[str, list[int], int]:
    """Seed the demo catalog; a storefront key without a rate limit, the simple products with ample
    stock, and one more simple product with little stock (for the oversell check)."""
    from domain.storefront_keys import create_key
    from storage.db import database, init_database
    from storage.models import Product, ProductCustomizableOption, ProductInventory
    from storage.schema import migrate
    from storage.seed import seed_catalog
    init_database(url)
    with database.connection_context():
        migrate()
        if not Product.select().exists():
            seed_catalog(show_progress=False)
        _record, key = create_key("bench checkout", rate_limit=10**9)
        with_options = ProductCustomizableOption.select(ProductCustomizableOption.product)
        simple = [row.id for row in Product.select(Product.id).where(
            Product.type == "simple", Product.parent.is_null(), Product.status == True,  # noqa: E712
            Product.visible_individually == True, Product.id.not_in(with_options))  # noqa: E712
            .order_by(Product.id)]
        ample, scarce = simple[:40], simple[40]
        ProductInventory.update(qty=10**7).where(ProductInventory.product.in_(ample)).execute()
        ProductInventory.update(qty=0).where(ProductInventory.product == scarce).execute()
        first = ProductInventory.select().where(ProductInventory.product == scarce).order_by(ProductInventory.id).first()
        first.qty = SCARCE_STOCK
        first.save()
    database.obj.close_all()
    return key, ample, scarce


def requests_of_one_order(product_id: int):
    """(step, method, path, body, expected status) of one checkout; the token comes from the first answer."""
    return [("cart token", "POST", "/api/shop/cart-tokens", {}, 201),
            ("add to cart", "POST", "/api/shop/add-product-in-cart", {"productId": product_id, "quantity": 1}, 200),
            ("address", "POST", "/api/shop/checkout-addresses",
             {**ADDRESS, "addressType": "billing", "useForShipping": True}, 200),
            ("shipping", "POST", "/api/shop/checkout-shipping-methods", {"shippingMethodCode": "flatrate_flatrate"}, 200),
            ("payment", "POST", "/api/shop/checkout-payment-methods", {"payment": {"method": "cashondelivery"}}, 200),
            ("place order", "POST", "/api/shop/checkout-orders", {}, 201)]


def checkout(send, key: str, product_id: int, timings: dict | None = None) -> tuple[int, dict | None]:
    """One checkout through `send(method, path, headers, body) -> (status, json)`: the status of the
    last request sent and the order (None when a step was refused)."""
    headers = {"X-STOREFRONT-KEY": key, "Accept": "application/json", "Content-Type": "application/json"}
    status, answer = 0, None
    for step, method, path, body, expected in requests_of_one_order(product_id):
        started = time.perf_counter()
        status, answer = send(method, path, headers, body)
        if timings is not None:
            timings.setdefault(step, []).append(time.perf_counter() - started)
        if status != expected:
            return status, None
        if step == "cart token":
            headers["Authorization"] = f"Bearer {answer['cartToken']}"
    return status, answer


def http_sender(port: int):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(method, path, headers, body):
        connection.request(method, path, body=json.dumps(body).encode(), headers=headers)
        response = connection.getresponse()
        return response.status, json.loads(response.read() or b"null")
    return send


def statements_per_step(url: str, key: str, product_id: int, profile: bool) -> dict[str, int]:
    """SQL statements each step runs on a warm server, counted in this process (and a cProfile)."""
    import warnings
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient
    from server.app import create_app
    from storage.db import database, init_database
    init_database(url)
    counts: dict[str, int] = {}
    with TestClient(create_app()) as client:
        def send(method, path, headers, body):
            response = client.request(method, path, headers=headers, json=body)
            return response.status_code, response.json()

        checkout(send, key, product_id)  # warm: caches, pools, lazy imports
        current = {"step": None}
        original = database.obj.execute_sql

        def counting(sql, *rest, **options):
            counts[current["step"]] = counts.get(current["step"], 0) + 1
            if os.environ.get("BENCH_SHOW_SQL"):
                print(f"[{current['step']}] {sql[:160]}")
            return original(sql, *rest, **options)

        def counted_send(method, path, headers, body):
            current["step"] = next(step for step, _m, step_path, _b, _s in requests_of_one_order(0) if step_path == path)
            return send(method, path, headers, body)

        database.obj.execute_sql = counting
        try:
            status, order = checkout(counted_send, key, product_id)
        finally:
            del database.obj.execute_sql
        if order is None:
            raise SystemExit(f"the checkout failed in this process: {status}")
        if profile:
            profile_checkouts(client, send, key, product_id)
    database.obj.close_all()
    return counts


def profile_checkouts(client, send, key: str, product_id: int, orders: int = 30):
    """cProfile over `orders` checkouts, every worker-thread call run inline on the event loop's thread
    (cProfile sees one thread), so the profile holds the whole request: middleware, validation, handler."""
    import cProfile
    import pstats
    import anyio.to_thread

    async def inline(function, *args, **_options):
        return function(*args)

    threaded, anyio.to_thread.run_sync = anyio.to_thread.run_sync, inline
    profiler = cProfile.Profile()
    try:
        client.portal.call(profiler.enable)
        for _ in range(orders):
            checkout(send, key, product_id)
        client.portal.call(profiler.disable)
    finally:
        anyio.to_thread.run_sync = threaded
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(30)


def pinned(command: list[str], cpu: int) -> list[str]:
    if shutil.which("taskset") and (os.cpu_count() or 1) > 1:
        return ["taskset", "-c", str(cpu), *command]
    return command


def pin_self(cpu: int):
    if hasattr(os, "sched_setaffinity") and (os.cpu_count() or 1) > 1:
        os.sched_setaffinity(0, {cpu})


def start_server(port: int, environment: dict, workers: int = 1, cpu: int | None = 0) -> subprocess.Popen:
    command = [sys.executable, "-m", "uvicorn", "server.asgi:app", "--port", str(port), "--workers", str(workers),
               "--no-access-log", "--log-level", "warning"]
    process = subprocess.Popen(pinned(command, cpu) if cpu is not None else command, cwd=ROOT, env=environment)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/api/health")
            if connection.getresponse().status in (200, 503):
                return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the server did not start")


def cpu_seconds(pid: int) -> float:
    """User + system CPU seconds a process has used (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def memory_of(pid: int) -> dict[str, float]:
    """VmRSS and VmHWM of a process, in MB."""
    figures = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name in ("VmRSS", "VmHWM"):
            figures[name] = int(value.split()[0]) / 1024
    return figures


def sequential(port: int, key: str, products: list[int], orders: int) -> dict:
    send = http_sender(port)
    timings: dict[str, list[float]] = {}
    for index in range(10):  # warm-up
        checkout(send, key, products[index % len(products)])
    started = time.perf_counter()
    for index in range(orders):
        status, order = checkout(send, key, products[index % len(products)], timings)
        if order is None:
            raise SystemExit(f"checkout {index} failed with {status}")
    elapsed = time.perf_counter() - started
    return {"orders_per_second": orders / elapsed, "elapsed": elapsed,
            "step_ms": {step: statistics.median(values) * 1000 for step, values in timings.items()}}


def concurrent(port: int, key: str, products: list[int], scarce: int, clients: int, per_client: int) -> dict:
    """`clients` threads check out at once; even ones buy the scarce product."""
    placed, refused, failures = [], [], []
    lock = threading.Lock()

    def client(number: int):
        send = http_sender(port)
        for index in range(per_client):
            product = scarce if number % 2 == 0 else products[(number * per_client + index) % len(products)]
            status, order = checkout(send, key, product)
            with lock:
                if order is not None:
                    placed.append((product, order))
                elif status in (409, 422):  # out of stock at add or at placement
                    refused.append((product, status))
                else:
                    failures.append(status)

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(number,)) for number in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {"placed": placed, "refused": refused, "failures": failures, "elapsed": elapsed}


def check_concurrent(url: str, outcome: dict, scarce: int) -> list[str]:
    """Every 201 has its order and no order lacks one; the scarce product never went below zero."""
    from storage.db import database, init_database
    from storage.models import ProductInventory
    from storage.sales_models import Order, OrderItem
    init_database(url)
    problems = []
    with database.connection_context():
        ids = [order["data"]["order"]["id"] for _product, order in outcome["placed"]]
        found = Order.select().where(Order.id.in_(ids)).count()
        if found != len(ids):
            problems.append(f"{len(ids) - found} answered orders are missing")
        sold = (OrderItem.select().join(Order).where(OrderItem.product == scarce).count())
        left = sum(row.qty for row in ProductInventory.select().where(ProductInventory.product == scarce))
        if left < 0 or sold + left != SCARCE_STOCK:
            problems.append(f"scarce product: {sold} sold + {left} left != {SCARCE_STOCK}")
        if sum(1 for product, _order in outcome["placed"] if product == scarce) != sold:
            problems.append("scarce product: orders answered and order lines differ")
    database.obj.close_all()
    return problems


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.checkout", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orders", type=int, default=300, help="sequential checkouts timed (default 300)")
    parser.add_argument("--concurrent", type=int, default=4, help="concurrent clients (default 4; 0 skips)")
    parser.add_argument("--profile", action="store_true", help="print the statements and cProfile's top functions over 30 checkouts, nothing else")
    parser.add_argument("--database", help="an empty PostgreSQL database URL (default: a scratch SQLite file)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="specshop-checkout-") as scratch:
        url = args.database or f"sqlite:///{scratch}/checkout.db"
        key, products, scarce = prepare(url)
        counts = statements_per_step(url, key, products[0], args.profile)
        if args.profile:
            print("statements per step: " + ", ".join(f"{step} {counts.get(step, 0)}" for step in STEPS)
                  + f"; one order {sum(counts.values())}")
            return 0
        environment = {**os.environ, "DATABASE_URL": url, "MEDIA_ROOT": f"{scratch}/media", "PYTHONWARNINGS": "ignore"}
        port = free_port()
        server = start_server(port, environment)
        try:
            pin_self(1)
            cpu_before = cpu_seconds(server.pid)
            result = sequential(port, key, products, args.orders)
            result["cpu_per_order"] = (cpu_seconds(server.pid) - cpu_before) / args.orders
            outcome = concurrent(port, key, products, scarce, args.concurrent, 15) if args.concurrent else None
            memory = memory_of(server.pid)
        finally:
            server.terminate()
            server.wait()
        problems = check_concurrent(url, outcome, scarce) if outcome else []
    load = os.getloadavg()
    print(f"\nfull guest checkout, demo catalog, {'PostgreSQL' if args.database else 'SQLite'}, one uvicorn worker"
          f"{' (server on CPU 0, client on CPU 1, taskset)' if shutil.which('taskset') else ''}; "
          f"load generator: Python http.client, one keep-alive connection; load average {load[0]:.2f}\n")
    print(f"{'step':<14} {'statements':>10} {'p50 ms':>8}")
    for step in STEPS:
        print(f"{step:<14} {counts.get(step, 0):>10} {result['step_ms'][step]:>8.2f}")
    print(f"{'one order':<14} {sum(counts.values()):>10} {sum(result['step_ms'].values()):>8.2f}")
    print(f"\nsequential: {args.orders} orders in {result['elapsed']:.2f} s = {result['orders_per_second']:.1f} orders/s"
          f" ({6 * result['orders_per_second']:.0f} requests/s; target >= 40 orders/s)")
    print(f"server CPU per order: {result['cpu_per_order'] * 1000:.1f} ms, i.e. {1 / result['cpu_per_order']:.1f} orders/s "
          "for each second of CPU the worker gets (the figure the machine's load does not change much)")
    if outcome:
        placed, refused = len(outcome["placed"]), len(outcome["refused"])
        print(f"concurrent: {args.concurrent} clients, {placed} orders placed and {refused} refused for stock in "
              f"{outcome['elapsed']:.2f} s ({placed / outcome['elapsed']:.1f} orders/s); "
              f"{len(outcome['failures'])} other failures; " + ("; ".join(problems) or "no lost order, no oversell"))
    print(f"memory of the worker after the run: RSS {memory['VmRSS']:.0f} MB, peak {memory['VmHWM']:.0f} MB "
          "(target < 150 MB)")
    return 1 if problems or (outcome and outcome["failures"]) else 0


def free_port() -> int:
    import socket
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
