"""Soak test: a real server under a mix of catalog, cart and checkout load, with hostile requests mixed in.

    python -m bench.soak --seconds 60 [--threads 4] [--json result.json]

A scratch database (a temporary SQLite file, or a database `<name>_soak` created next to the one
DATABASE_URL names and dropped afterwards) is migrated and seeded; `specshop run` serves it on a free
port. Client threads then loop for `--seconds` over weighted scenarios:

* catalog: REST product list and detail, categories, GraphQL products(first: 10) and product(id);
* cart: a guest cart token, then products added to it;
* checkout: a guest cart through address, shipping, payment and place-order with an Idempotency-Key;
  some keys are sent again (one after the other, or two at once from two connections);
* hostile: a body over 1 MB, NUL in a query, JSON nested 100,000 deep, a lone surrogate in a body,
  GraphQL documents with 2,000 aliases or 300 levels (three variants of each: what a stream of new
  documents does to the parse cache is tests/test_abuse.py's concern), and bad storefront keys and
  bearer tokens (a few per minute).

Afterwards: no 5xx and no connection error anywhere; every scenario answered as documented; the orders
written equal the Idempotency-Keys that got an order, each key one order; the server's RSS (VmRSS)
grew by less than `--max-rss-growth-mb` between the end of the warm-up and the end; the p99 of the
catalog requests after warm-up stays under `--max-p99` seconds. One summary line is printed; the exit
status is 1 when a check fails. tests/test_soak.py runs it in CI.
"""
import argparse
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
ADDRESS = {"addressType": "billing", "useForShipping": True, "firstName": "Soak", "lastName": "Buyer",
           "email": "soak@example.com", "address": "1 Market Street", "city": "San Francisco", "state": "CA",
           "country": "US", "postcode": "94105", "phone": "5550100"}
GRAPHQL_LIST = "query { products(first: 10) { totalCount edges { node { id name sku price } } } }"
GRAPHQL_DETAIL = "query($id: ID!) { product(id: $id) { id name sku price description } }"
# scenario -> weight; a checkout is six requests or more, a catalog visit one
WEIGHTS = {"catalog": 60, "cart": 15, "checkout": 15, "hostile": 10}
BAD_CREDENTIALS_PER_MINUTE = 10  # below any per-address limit on invalid credentials


# --- the scratch database --------------------------------------------------------------------------

def scratch_database(base_url: str | None, folder: str) -> tuple[str, callable]:
    """(url, drop) for a fresh database: SQLite in `folder`, or `<name>_soak` beside the PostgreSQL
    database `base_url` names (created here, dropped by `drop`)."""
    if not base_url or not base_url.startswith("postgres"):
        return f"sqlite:///{folder}/soak.db", lambda: None
    import psycopg2
    parts = urlsplit(base_url)
    name = f"{parts.path.lstrip('/') or 'postgres'}_soak"
    if not re.fullmatch(r"[A-Za-z0-9_]+", name):
        raise SystemExit(f"cannot derive a scratch database name from {base_url!r}")

    def admin(statement: str):
        connection = psycopg2.connect(base_url)
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(statement)
        finally:
            connection.close()

    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin(f'CREATE DATABASE "{name}"')
    return urlunsplit(parts._replace(path=f"/{name}")), lambda: admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def prepare(url: str, products: int) -> dict:
    """Migrate and seed; a storefront key without a practical rate limit; simple products anyone can
    buy, with stock no soak exhausts; the ids the catalog scenarios visit."""
    from domain.storefront_keys import create_key
    from storage.db import database, init_database
    from storage.models import InventorySource, Product, ProductCustomizableOption, ProductInventory
    from storage.schema import migrate
    from storage.seed import seed_catalog
    init_database(url)
    with database.connection_context():
        migrate()
        seed_catalog(products=products)
        _record, key = create_key("soak", rate_limit=10**9)
        with_options = ProductCustomizableOption.select(ProductCustomizableOption.product)
        buyable = [row.id for row in Product.select(Product.id).where(
            Product.type == "simple", Product.parent.is_null(), Product.status == True,  # noqa: E712
            Product.visible_individually == True, Product.id.not_in(with_options)  # noqa: E712
        ).order_by(Product.id).limit(20)]
        source = InventorySource.select().order_by(InventorySource.priority, InventorySource.id).first()
        ProductInventory.delete().where(ProductInventory.product.in_(buyable)).execute()
        for product_id in buyable:
            ProductInventory.create(product=product_id, inventory_source=source.id, qty=10**7)
        visible = [row.id for row in Product.select(Product.id).where(
            Product.parent.is_null(), Product.status == True, Product.visible_individually == True)]  # noqa: E712
    return {"key": key, "buyable": buyable, "visible": visible}


def order_facts() -> tuple[int, set]:
    """(orders in the database, their Idempotency-Keys)."""
    from storage.db import database
    from storage.sales_models import Order
    with database.connection_context():
        keys = {row.idempotency_key for row in Order.select(Order.idempotency_key)}
        return Order.select().count(), keys


# --- the server ------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_server(url: str, port: int, folder: str, log) -> subprocess.Popen:
    environment = {**os.environ, "DATABASE_URL": url, "PYTHONPATH": str(ROOT), "PYTHONWARNINGS": "ignore",
                   "MEDIA_ROOT": f"{folder}/media"}
    return subprocess.Popen([sys.executable, "-m", "server.cli", "run", "--port", str(port)], cwd=folder,
                            env=environment, stdout=log, stderr=subprocess.STDOUT)


def wait_ready(base: str, key: str, process: subprocess.Popen, timeout: float = 180):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode} before answering")
        try:
            if httpx.get(f"{base}/api/shop/locales", headers={"X-STOREFRONT-KEY": key}, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the server did not answer within {timeout:.0f} s")


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


# --- the load --------------------------------------------------------------------------------------

class Results:
    """Everything the threads record, under one lock."""

    def __init__(self):
        self.lock = threading.Lock()
        self.statuses = Counter()            # (scenario step, status) -> count
        self.unexpected = Counter()          # (scenario step, status) -> count, legitimate requests only
        self.server_errors = []              # (step, status, body) of every 5xx
        self.connection_errors = []          # (step, error)
        self.catalog = []                    # (monotonic time, seconds)
        self.orders = defaultdict(set)       # Idempotency-Key -> order ids answered
        self.retried_keys = set()
        self.requests = 0

    def record(self, step: str, response: httpx.Response | None, expected=(), error: str | None = None,
               hostile: bool = False):
        with self.lock:
            self.requests += 1
            if response is None:
                self.connection_errors.append((step, error))
                return
            self.statuses[(step, response.status_code)] += 1
            if response.status_code >= 500:
                self.server_errors.append((step, response.status_code, response.text[:300]))
            elif not hostile and response.status_code not in expected:
                self.unexpected[(step, response.status_code)] += 1
                if sum(self.unexpected.values()) <= 5:
                    print(f"unexpected {response.status_code} on {step}: {response.text[:300]}", flush=True)


class Client:
    """One thread's connection and its share of the scenarios."""

    def __init__(self, base: str, shop: dict, results: Results, seed: int, bad_credentials: "Budget"):
        self.base, self.shop, self.results = base, shop, results
        self.rng = random.Random(seed)
        self.http = httpx.Client(base_url=base, timeout=60, headers={"X-STOREFRONT-KEY": shop["key"]})
        self.bad_credentials = bad_credentials

    def send(self, step: str, method: str, path: str, expected=(200,), hostile: bool = False, **options):
        try:
            response = self.http.request(method, path, **options)
        except httpx.HTTPError as error:
            if hostile and isinstance(error, (httpx.RemoteProtocolError, httpx.WriteError, httpx.ReadError)):
                # a server may answer a refused oversized body early and close; open a new connection
                self.http.close()
                self.http = httpx.Client(base_url=self.base, timeout=60,
                                         headers={"X-STOREFRONT-KEY": self.shop["key"]})
                with self.results.lock:
                    self.results.requests += 1
                    self.results.statuses[(step, "closed")] += 1
                return None
            self.results.record(step, None, error=f"{type(error).__name__}: {error}")
            return None
        self.results.record(step, response, expected, hostile=hostile)
        return response

    # catalog
    def catalog(self):
        choice = self.rng.randrange(5)
        started = time.monotonic()
        if choice == 0:
            self.send("catalog REST list", "GET", f"/api/shop/products?per_page=10&page={self.rng.randint(1, 8)}")
        elif choice == 1:
            self.send("catalog REST detail", "GET", f"/api/shop/products/{self.rng.choice(self.shop['visible'])}")
        elif choice == 2:
            self.send("catalog REST categories", "GET", "/api/shop/categories?per_page=20")
        elif choice == 3:
            self.graphql("catalog GraphQL list", GRAPHQL_LIST, {})
        else:
            product = self.rng.choice(self.shop["visible"])
            self.graphql("catalog GraphQL detail", GRAPHQL_DETAIL, {"id": f"/api/shop/products/{product}"})
        with self.results.lock:
            self.results.catalog.append((started, time.monotonic() - started))

    def graphql(self, step: str, query: str, variables: dict):
        response = self.send(step, "POST", "/api/graphql", json={"query": query, "variables": variables})
        if response is not None and response.status_code == 200 and response.json().get("errors"):
            with self.results.lock:
                self.results.unexpected[(step, "errors")] += 1

    # cart
    def new_cart(self, step: str) -> dict | None:
        response = self.send(f"{step}: cart token", "POST", "/api/shop/cart-tokens", expected=(201,), json={})
        if response is None or response.status_code != 201:
            return None
        return {"Authorization": f"Bearer {response.json()['cartToken']}"}

    def cart(self):
        headers = self.new_cart("cart")
        for _ in range(self.rng.randint(1, 3)) if headers else ():
            self.send("cart: add", "POST", "/api/shop/add-product-in-cart", headers=headers,
                      json={"productId": self.rng.choice(self.shop["buyable"]), "quantity": self.rng.randint(1, 3)})

    # checkout
    def checkout(self):
        headers = self.new_cart("checkout")
        if headers is None:
            return
        steps = (("add", "/api/shop/add-product-in-cart",
                  {"productId": self.rng.choice(self.shop["buyable"]), "quantity": 1}),
                 ("address", "/api/shop/checkout-addresses", ADDRESS),
                 ("shipping", "/api/shop/checkout-shipping-methods", {"shippingMethodCode": "flatrate_flatrate"}),
                 ("payment", "/api/shop/checkout-payment-methods", {"payment": {"method": "moneytransfer"}}))
        for name, path, body in steps:
            response = self.send(f"checkout: {name}", "POST", path, headers=headers, json=body)
            if response is None or response.status_code != 200:
                return
        key = str(uuid.uuid4())
        keyed = {**headers, "Idempotency-Key": key}
        retry = self.rng.random()
        if retry < 0.1:  # the same key twice at once, from two connections
            with self.results.lock:
                self.results.retried_keys.add(key)
            with ThreadPoolExecutor(2) as pool:
                twin = Client(self.base, self.shop, self.results, self.rng.random(), self.bad_credentials)
                answers = list(pool.map(lambda client: client.send(
                    "checkout: place (same key at once)", "POST", "/api/shop/checkout-orders", expected=(201, 409),
                    headers=keyed, json={}), (self, twin)))
                twin.http.close()
        else:
            answers = [self.send("checkout: place", "POST", "/api/shop/checkout-orders", expected=(201,),
                                 headers=keyed, json={})]
            if retry < 0.35:  # a client that lost the answer retries with the same key
                with self.results.lock:
                    self.results.retried_keys.add(key)
                answers.append(self.send("checkout: place (retried key)", "POST", "/api/shop/checkout-orders",
                                         expected=(201,), headers=keyed, json={}))
        for response in answers:
            if response is not None and response.status_code in (200, 201):
                with self.results.lock:
                    self.results.orders[key].add(response.json()["data"]["order"]["id"])

    # hostile
    def hostile(self):
        kind = self.rng.randrange(8)
        if kind in (6, 7) and not self.bad_credentials.take():
            kind = self.rng.randrange(6)
        unique = uuid.uuid4().hex[:8]
        variant = self.rng.randrange(3)  # GraphQL documents from a small pool: the parse cache is tested apart
        json_headers = {"Content-Type": "application/json"}
        if kind == 0:
            body = b'{"productId": 1, "quantity": 1, "attributes": {"x": "' + b"x" * (1024 * 1024 + 100) + b'"}}'
            self.send("hostile: body over 1 MB", "POST", "/api/shop/cart-tokens", hostile=True, content=body,
                      headers=json_headers)
        elif kind == 1:
            self.send("hostile: NUL in a query", "GET", f"/api/shop/products?name=a%00{unique}", hostile=True)
        elif kind == 2:
            self.send("hostile: JSON 100,000 deep", "POST", "/api/shop/cart-tokens", hostile=True,
                      content=b"[" * 100_000 + b"]" * 100_000, headers=json_headers)
        elif kind == 3:
            self.send("hostile: lone surrogate", "POST", "/api/shop/cart-tokens", hostile=True,
                      content=b'{"items": [{"productId": 1, "attributes": {"a": "\\ud800' + unique.encode() + b'"}}]}',
                      headers=json_headers)
        elif kind == 4:
            query = "{ " + " ".join(f"a{variant}_{index}: __typename" for index in range(2000)) + " }"
            self.send("hostile: GraphQL 2,000 aliases", "POST", "/api/graphql", hostile=True, json={"query": query})
        elif kind == 5:
            query = ('{ __type(name: "Query") { ' + "ofType { " * 300 + f"n{variant}: name" + " }" * 300 + " } }")
            self.send("hostile: GraphQL 300 deep", "POST", "/api/graphql", hostile=True, json={"query": query})
        elif kind == 6:
            self.send("hostile: bad storefront key", "GET", "/api/shop/products", hostile=True,
                      headers={"X-STOREFRONT-KEY": f"pk_storefront_{unique}"})
        else:
            self.send("hostile: bad bearer token", "GET", "/api/shop/cart", hostile=True,
                      headers={"Authorization": f"Bearer 999|{unique}"})

    def run(self, deadline: float):
        scenarios = [getattr(self, name) for name in WEIGHTS]
        while time.monotonic() < deadline:
            self.rng.choices(scenarios, weights=list(WEIGHTS.values()))[0]()
        self.http.close()


class Budget:
    """At most `per_minute` takes per minute, shared by the threads."""

    def __init__(self, per_minute: int):
        self.per_minute, self.lock, self.taken = per_minute, threading.Lock(), []

    def take(self) -> bool:
        with self.lock:
            now = time.monotonic()
            self.taken = [moment for moment in self.taken if now - moment < 60]
            if len(self.taken) >= self.per_minute:
                return False
            self.taken.append(now)
            return True


# --- the run ---------------------------------------------------------------------------------------

def percentile(values: list[float], fraction: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(len(values) * fraction))] if values else float("nan")


def soak(seconds: float, threads: int, products: int, warmup: float) -> dict:
    with tempfile.TemporaryDirectory(prefix="specshop-soak-") as folder:
        url, drop = scratch_database(os.environ.get("DATABASE_URL"), folder)
        try:
            started = time.monotonic()
            shop = prepare(url, products)
            orders_before, keys_before = order_facts()
            port = free_port()
            base = f"http://127.0.0.1:{port}"
            with open(f"{folder}/server.log", "wb") as log:
                process = start_server(url, port, folder, log)
                try:
                    wait_ready(base, shop["key"], process)
                    setup_seconds = time.monotonic() - started
                    result = drive(base, shop, process, seconds, threads, warmup)
                finally:
                    process.terminate()
                    try:
                        process.wait(30)
                    except subprocess.TimeoutExpired:
                        process.kill()
                        process.wait()
            server_log = Path(f"{folder}/server.log").read_text(errors="replace")
            orders_after, order_keys = order_facts()
        finally:
            from storage.db import database
            if database.obj is not None:
                database.obj.close_all()
            drop()
    results: Results = result.pop("results")
    answered = {key: ids for key, ids in results.orders.items()}
    result.update({
        "database": "postgresql" if url.startswith("postgres") else "sqlite",
        "setup_seconds": round(setup_seconds, 1),
        "requests": results.requests,
        "server_errors": len(results.server_errors),
        "server_error_samples": results.server_errors[:5],
        "connection_errors": len(results.connection_errors),
        "connection_error_samples": results.connection_errors[:5],
        "unexpected": {f"{step} -> {status}": count for (step, status), count in results.unexpected.items()},
        "statuses": {f"{step} -> {status}": count for (step, status), count in sorted(results.statuses.items())},
        "orders_written": orders_after - orders_before,
        "keys_with_order": len(answered),
        "keys_retried": len(results.retried_keys),
        "keys_with_several_orders": sorted(key for key, ids in answered.items() if len(ids) != 1),
        "orders_without_answer": len({key for key in order_keys - keys_before if key} - set(answered)),
        "unhandled_errors_logged": server_log.count("unhandled error"),
        "server_log_tail": server_log[-2000:],
    })
    return result


def drive(base: str, shop: dict, process: subprocess.Popen, seconds: float, threads: int, warmup: float) -> dict:
    results = Results()
    budget = Budget(BAD_CREDENTIALS_PER_MINUTE)
    started = time.monotonic()
    deadline = started + seconds
    clients = [Client(base, shop, results, seed, budget) for seed in range(threads)]
    workers = [threading.Thread(target=client.run, args=(deadline,), daemon=True) for client in clients]
    for worker in workers:
        worker.start()
    samples = []
    warm_at = started + min(warmup, seconds / 3)
    rss_start = None
    while any(worker.is_alive() for worker in workers):
        time.sleep(0.5)
        if process.poll() is not None:
            break
        samples.append(rss_mb(process.pid))
        if rss_start is None and time.monotonic() >= warm_at:
            rss_start = samples[-1]
    for worker in workers:
        worker.join(60)
    alive = process.poll() is None
    rss_end = rss_mb(process.pid) if alive else float("nan")
    latencies = [elapsed for moment, elapsed in results.catalog if moment >= warm_at]
    return {
        "seconds": seconds, "threads": threads, "results": results, "server_alive": alive,
        "rss_start_mb": round(rss_start if rss_start is not None else float("nan"), 1),
        "rss_end_mb": round(rss_end, 1), "rss_peak_mb": round(max(samples, default=float("nan")), 1),
        "rss_growth_mb": round(rss_end - (rss_start if rss_start is not None else float("nan")), 1),
        "catalog_requests": len(latencies),
        "catalog_p50_ms": round(percentile(latencies, 0.5) * 1000, 1),
        "catalog_p99_ms": round(percentile(latencies, 0.99) * 1000, 1),
        "catalog_mean_ms": round(statistics.fmean(latencies) * 1000, 1) if latencies else float("nan"),
    }


def failures(result: dict, max_rss_growth_mb: float, max_p99_seconds: float) -> list[str]:
    found = []
    if not result["server_alive"]:
        found.append("the server died")
    if result["server_errors"] or result["unhandled_errors_logged"]:
        found.append(f"{result['server_errors']} 5xx answers, {result['unhandled_errors_logged']} unhandled "
                     f"errors logged: {result['server_error_samples']}")
    if result["connection_errors"]:
        found.append(f"{result['connection_errors']} connection errors: {result['connection_error_samples']}")
    if result["unexpected"]:
        found.append(f"answers other than documented: {result['unexpected']}")
    if result["orders_written"] != result["keys_with_order"] or result["keys_with_several_orders"] \
            or result["orders_without_answer"]:
        found.append(f"orders: {result['orders_written']} written for {result['keys_with_order']} keys answered "
                     f"with an order; keys with several orders {result['keys_with_several_orders']}; orders "
                     f"nobody was told of {result['orders_without_answer']}")
    if not result["rss_growth_mb"] < max_rss_growth_mb:
        found.append(f"RSS grew {result['rss_growth_mb']} MB (limit {max_rss_growth_mb} MB)")
    if not result["catalog_p99_ms"] < max_p99_seconds * 1000:
        found.append(f"catalog p99 {result['catalog_p99_ms']} ms (limit {max_p99_seconds * 1000:.0f} ms)")
    if not result["keys_with_order"]:
        found.append("no checkout completed")
    return found


def summary(result: dict) -> str:
    return (f"soak {result['database']}: {result['seconds']:.0f} s, {result['threads']} threads, "
            f"{result['requests']} requests, {result['server_errors']} 5xx, "
            f"{sum(result['unexpected'].values())} unexpected, orders {result['orders_written']} written / "
            f"{result['keys_with_order']} keys ({result['keys_retried']} retried, "
            f"{len(result['keys_with_several_orders'])} duplicated), RSS {result['rss_start_mb']} -> "
            f"{result['rss_end_mb']} MB (+{result['rss_growth_mb']}, peak {result['rss_peak_mb']}), catalog "
            f"{result['catalog_requests']} requests p50 {result['catalog_p50_ms']} ms p99 {result['catalog_p99_ms']} ms")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.soak", description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 60)))
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--products", type=int, default=80, help="catalog size to seed (default 80)")
    parser.add_argument("--warmup", type=float, default=10.0, help="seconds before the RSS baseline (at most 1/3)")
    parser.add_argument("--max-rss-growth-mb", type=float, default=50.0)
    parser.add_argument("--max-p99", type=float, default=2.0, help="catalog p99 bound in seconds (default 2)")
    parser.add_argument("--json", help="write the full result to this file")
    args = parser.parse_args(argv)
    result = soak(args.seconds, args.threads, args.products, args.warmup)
    result["failures"] = failures(result, args.max_rss_growth_mb, args.max_p99)
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, default=str))
    print(summary(result), flush=True)
    for failure in result["failures"]:
        print(f"FAILED: {failure}", flush=True)
    if result["failures"] and result["unhandled_errors_logged"]:
        print(result["server_log_tail"], flush=True)
    return 1 if result["failures"] else 0


if __name__ == "__main__":
    sys.exit(main())
