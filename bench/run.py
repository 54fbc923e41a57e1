"""make bench: our app vs the bare Starlette baseline on a scratch database of 10,000 products.

Both servers run under uvicorn (one worker each, same thread limit); the load generator runs in
its own process. Scenarios are interleaved over several rounds and the median of each is
reported, with the ratio ours / bare measured in the same run.
"""
import argparse
import asyncio
import json
import multiprocessing
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench import shop_flow

ROOT = Path(__file__).resolve().parent.parent
CARD_FIELDS = ("id _id sku type name urlKey status shortDescription price specialPrice new featured minimumPrice "
               "maximumPrice formattedPrice formattedSpecialPrice formattedMinimumPrice formattedMaximumPrice "
               "baseImageUrl isInWishlist isInCompare")
GRAPHQL_LIST = "query($page: String) { products(first: 30, after: $page) { totalCount edges { node { %s } } } }" % CARD_FIELDS
GRAPHQL_DETAIL = ("query($id: ID!) { product(id: $id) { %s description createdAt updatedAt isSaleable "
                  "images { edges { node { id publicPath position } } } categories { edges { node { id name } } } "
                  "variants { edges { node { %s } } } } }" % (CARD_FIELDS, CARD_FIELDS))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(url: str, products: int) -> tuple[str, list[int]]:
    """Seed the scratch database; returns a storefront key and the visible product ids."""
    from domain.storefront_keys import create_key
    from storage.db import database, init_database
    from storage.models import Product
    from storage.schema import migrate
    from storage.seed import seed_catalog
    init_database(url)
    with database.connection_context():
        migrate()
        seed_catalog(products=products, show_progress=True)
        _record, key = create_key("bench", rate_limit=10**9)
        ids = [row.id for row in Product.select(Product.id).where(
            Product.parent.is_null(), Product.status == True)]  # noqa: E712
    database.obj.close_all()
    return key, ids


def start_server(module: str, port: int, environment: dict) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", module, "--port", str(port), "--workers", "1", "--no-access-log",
         "--log-level", "warning"], cwd=ROOT, env=environment)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{module} did not start on port {port}")


def scenario_requests(key: str, ids: list[int], total_pages: int):
    """name -> (server to hit: 'ours'|'bare', function returning raw request bytes)."""
    from bench.load import encode_request
    rng = random.Random(7)
    headers = {"X-STOREFRONT-KEY": key, "Accept": "application/json"}
    graphql_headers = {**headers, "Content-Type": "application/json"}

    def rest_list():
        return encode_request("GET", f"/api/shop/products?per_page=30&page={rng.randint(1, total_pages)}", headers)

    def rest_detail():
        return encode_request("GET", f"/api/shop/products/{rng.choice(ids)}", headers)

    def graphql_list():
        import base64
        page = rng.randint(0, total_pages - 1)  # the first page has no `after` (a cursor of -1 is refused)
        after = base64.b64encode(str(page * 30 - 1).encode()).decode() if page else None
        body = json.dumps({"query": GRAPHQL_LIST, "variables": {"page": after}}).encode()
        return encode_request("POST", "/api/graphql", graphql_headers, body)

    def graphql_detail():
        body = json.dumps({"query": GRAPHQL_DETAIL, "variables": {"id": f"/api/shop/products/{rng.choice(ids)}"}})
        return encode_request("POST", "/api/graphql", graphql_headers, body.encode())

    return {
        "REST GET /products?per_page=30": (rest_list, rest_list),
        "REST GET /products/{id}": (rest_detail, rest_detail),
        "GraphQL products(first: 30)": (graphql_list, rest_list),
        "GraphQL product(id)": (graphql_detail, rest_detail),
    }


def measure(port, make_request, seconds, connections, ok_status, queue):
    from bench.load import run_load
    queue.put(asyncio.run(run_load(port, make_request, seconds, connections, ok_status)))


def run_in_process(port, make_request, seconds, connections, ok_status=200) -> dict:
    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(
        target=measure, args=(port, make_request, seconds, connections, ok_status, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--products", type=int, default=10_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="per scenario and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="specshop-bench-") as scratch:
        url = f"sqlite:///{scratch}/bench.db"
        key, ids = prepare_database(url, args.products)
        carts = shop_flow.prepare_carts(ids)
        environment = {**os.environ, "DATABASE_URL": url, "VALIDATE_RESPONSES": "0", "PYTHONWARNINGS": "ignore"}
        ours_port, bare_port = free_port(), free_port()
        servers = [start_server("server.asgi:app", ours_port, environment),
                   start_server("bench.bare:app", bare_port, environment)]
        try:
            results = run_scenarios(key, ids, ours_port, bare_port, args)
            writes = run_write_scenarios(key, carts, ours_port, args)
            orders = shop_flow.orders_written()
        finally:
            for server in servers:
                server.terminate()
                server.wait()
    print_report(results, args)
    print_write_report(writes, results, orders, args)


def run_scenarios(key, ids, ours_port, bare_port, args) -> dict:
    scenarios = scenario_requests(key, ids, total_pages=max(1, len(ids) // 30))
    results = {name: {"ours": [], "bare": []} for name in scenarios}
    for name, (ours_request, bare_request) in scenarios.items():  # warm-up: caches, pools, JIT-free paths
        run_in_process(ours_port, ours_request, 1.0, args.connections)
        run_in_process(bare_port, bare_request, 1.0, args.connections)
    for round_number in range(args.rounds):
        for name, (ours_request, bare_request) in scenarios.items():
            for side, port, make_request in (("bare", bare_port, bare_request), ("ours", ours_port, ours_request)):
                outcome = run_in_process(port, make_request, args.seconds, args.connections)
                if outcome["errors"]:
                    raise SystemExit(f"{name} ({side}): {outcome['errors']} non-200 responses "
                                     f"(status {', '.join(map(str, outcome['error_statuses']))})")
                results[name][side].append(outcome)
        print(f"round {round_number + 1}/{args.rounds} done", flush=True)
    return results


def run_write_scenarios(key, carts, ours_port, args) -> dict:
    """Add-to-cart and place-order on our server; compared with our catalog list in the same run."""
    scenarios = shop_flow.scenarios(key, carts)
    results = {name: [] for name in scenarios}
    for round_number in range(args.rounds):
        for name, (make_request, ok_status) in scenarios.items():
            outcome = run_in_process(ours_port, make_request, args.seconds, args.connections, ok_status)
            if outcome["errors"]:
                raise SystemExit(f"{name}: {outcome['errors']} responses other than {ok_status}")
            results[name].append(outcome)
    return results


def print_write_report(writes: dict, results: dict, orders: int, args):
    list_rps = median(results["REST GET /products?per_page=30"]["ours"], "rps")
    print(f"\nwrites on our server ({args.rounds} x {args.seconds:.0f} s, medians; {orders} orders written in all)\n")
    header = f"{'scenario':<32} {'req/s':>10} {'vs list':>8} {'p50':>9} {'p99':>9}"
    print(header)
    print("-" * len(header))
    for name, runs in writes.items():
        rps = median(runs, "rps")
        print(f"{name:<32} {rps:>10.1f} {rps / list_rps:>8.2f} {median(runs, 'p50_ms'):>7.1f}ms "
              f"{median(runs, 'p99_ms'):>7.1f}ms")
    print("\nvs list = req/s / our REST GET /products?per_page=30 req/s in this run "
          "(place-order req/s = orders per second on one worker)")


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def print_report(results: dict, args):
    print(f"\n{args.products} products, SQLite, 1 uvicorn worker each, {args.connections} connections, "
          f"{args.rounds} x {args.seconds:.0f} s per scenario (medians)\n")
    header = f"{'scenario':<32} {'ours req/s':>10} {'bare req/s':>10} {'ratio':>6} {'ours p50':>9} {'bare p50':>9} {'ours p99':>9} {'bare p99':>9}"
    print(header)
    print("-" * len(header))
    for name, sides in results.items():
        ours_rps, bare_rps = median(sides["ours"], "rps"), median(sides["bare"], "rps")
        print(f"{name:<32} {ours_rps:>10.0f} {bare_rps:>10.0f} {ours_rps / bare_rps:>6.2f} "
              f"{median(sides['ours'], 'p50_ms'):>7.1f}ms {median(sides['bare'], 'p50_ms'):>7.1f}ms "
              f"{median(sides['ours'], 'p99_ms'):>7.1f}ms {median(sides['bare'], 'p99_ms'):>7.1f}ms")
    print("\nratio = ours req/s / bare req/s (targets: REST >= 0.5, GraphQL >= 0.35)")


if __name__ == "__main__":
    main()
