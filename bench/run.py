"""make bench: our app vs the minimal baseline (bench/bare.py) on scratch databases of 10,000 and
100,000 products.

Both servers run under uvicorn (one worker each, same thread limit); the load generator runs in
its own process: wrk when installed (bench/wrk.py), else the Python generator (bench/load.py); the
report names the one that ran. Scenarios are interleaved over several rounds and the median of each
is reported, with the ratio ours / bare measured in the same run, the SQL statements of one warm
request on each side, the p50 of the list on one connection, and how our throughput holds from the
smallest catalog to the largest.
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

from bench import shop_flow, wrk
from bench.checkout import memory_of

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
    command = [sys.executable, "-m", "uvicorn", module, "--port", str(port), "--workers", "1", "--no-access-log",
         "--log-level", "warning"]
    if wrk.available():
        command = wrk.pinned(command, "server")  # the generator has a CPU of its own
    process = subprocess.Popen(command, cwd=ROOT, env=environment)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return process
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError(f"{module} did not start on port {port}")


POPULAR_PRODUCTS, POPULAR_PAGES = 500, 50


def scenario_specs(key: str, ids: list[int], total_pages: int):
    """name -> (our request, the baseline's request): functions drawing (method, path, headers, body).

    `any`: pages and products drawn uniformly from the whole catalog, so most reads of a run are the
    first of their page or product since the server started (built afresh: the answer cache's worst
    case); `popular`: drawn from 50 pages and 500 products, the steady state of a storefront whose
    visitors mostly read the same pages."""
    rng = random.Random(7)
    headers = {"X-STOREFRONT-KEY": key, "Accept": "application/json"}
    graphql_headers = {**headers, "Content-Type": "application/json"}
    popular_ids = random.Random(11).sample(ids, min(POPULAR_PRODUCTS, len(ids)))
    popular_pages = min(POPULAR_PAGES, total_pages)

    def rest_list(pages):
        return lambda: ("GET", f"/api/shop/products?per_page=30&page={rng.randint(1, pages)}", headers, b"")

    def rest_detail(pool):
        return lambda: ("GET", f"/api/shop/products/{rng.choice(pool)}", headers, b"")

    def graphql_list(pages):
        def draw():
            import base64
            page = rng.randint(0, pages - 1)  # the first page has no `after` (a cursor of -1 is refused)
            after = base64.b64encode(str(page * 30 - 1).encode()).decode() if page else None
            body = json.dumps({"query": GRAPHQL_LIST, "variables": {"page": after}}).encode()
            return "POST", "/api/graphql", graphql_headers, body
        return draw

    def graphql_detail(pool):
        def draw():
            body = json.dumps({"query": GRAPHQL_DETAIL, "variables": {"id": f"/api/shop/products/{rng.choice(pool)}"}})
            return "POST", "/api/graphql", graphql_headers, body.encode()
        return draw

    scenarios = {}
    for label, pages, pool in (("any", total_pages, ids), ("popular", popular_pages, popular_ids)):
        scenarios[f"REST list ({label})"] = (rest_list(pages), rest_list(pages))
        scenarios[f"REST detail ({label})"] = (rest_detail(pool), rest_detail(pool))
        scenarios[f"GraphQL list ({label})"] = (graphql_list(pages), rest_list(pages))
        scenarios[f"GraphQL detail ({label})"] = (graphql_detail(pool), rest_detail(pool))
    return scenarios


def measure(port, make_request, seconds, connections, ok_status, queue):
    from bench.load import run_load
    queue.put(asyncio.run(run_load(port, make_request, seconds, connections, ok_status)))


def run_in_process(port, make_request, seconds, connections, ok_status=200) -> dict:
    """The Python load generator in a process of its own (`make_request` returns raw request bytes)."""
    queue = multiprocessing.get_context("fork").Queue()
    process = multiprocessing.get_context("fork").Process(
        target=measure, args=(port, make_request, seconds, connections, ok_status, queue))
    process.start()
    result = queue.get()
    process.join()
    return result


def load(port, make_spec, seconds, connections) -> dict:
    """One timed run of a read scenario: wrk when installed, else the Python generator."""
    if wrk.available():
        return wrk.run(port, make_spec, seconds, connections)
    from bench.load import encode_request
    return run_in_process(port, lambda: encode_request(*make_spec()), seconds, connections)


def statements_per_request(url: str, key: str, ids: list[int]) -> dict:
    """SQL statements of one warm request per scenario, ours and the baseline's, counted in this process."""
    import warnings
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient
    import bench.bare
    from server.app import create_app
    from storage.db import database, init_database
    init_database(url)  # importing the baseline initialised the database of its own environment
    counts = {}
    with TestClient(create_app()) as ours, TestClient(bench.bare.app) as bare:
        for name, (ours_spec, bare_spec) in scenario_specs(key, ids, total_pages=max(1, len(ids) // 30)).items():
            for side, client, make_spec in (("ours", ours, ours_spec), ("bare", bare, bare_spec)):
                method, path, headers, body = make_spec()
                client.request(method, path, headers=headers, content=body or None)  # warm: caches and pools
                statements = []
                original = database.obj.execute_sql
                database.obj.execute_sql = lambda sql, *rest, **options: (statements.append(sql),
                                                                          original(sql, *rest, **options))[1]
                try:
                    response = client.request(method, path, headers=headers, content=body or None)
                finally:
                    del database.obj.execute_sql
                if response.status_code != 200 or b'"errors"' in response.content[:20]:
                    raise SystemExit(f"{name} ({side}): {response.status_code} {response.text[:200]}")
                counts.setdefault(name, {})[side] = len(statements)
    database.obj.close_all()
    return counts


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--products", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--seconds", type=float, default=5.0, help="per scenario and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--no-writes", action="store_true", help="skip add-to-cart and place-order")
    parser.add_argument("--no-answer-cache", action="store_true",
                        help="our server without replayed answers (ANSWER_CACHE=0): every read is built")
    args = parser.parse_args(argv)
    os.environ["ANSWER_CACHE"] = "0" if args.no_answer_cache else "1"  # also for the statements counted here
    print(f"load generator: {wrk.describe() if wrk.available() else 'Python asyncio (bench/load.py; wrk not installed)'} "
          "for reads, Python for writes", flush=True)
    by_size, writes = {}, None
    for products in args.products:
        with tempfile.TemporaryDirectory(prefix="specshop-bench-") as scratch:
            url = f"sqlite:///{scratch}/bench.db"
            key, ids = prepare_database(url, products)
            carts = shop_flow.prepare_carts(ids) if writes is None and not args.no_writes else None
            statements = statements_per_request(url, key, ids)
            environment = {**os.environ, "DATABASE_URL": url, "VALIDATE_RESPONSES": "0", "PYTHONWARNINGS": "ignore"}
            ours_port, bare_port = free_port(), free_port()
            servers = [start_server("server.asgi:app", ours_port, environment),
                       start_server("bench.bare:app", bare_port, environment)]
            try:
                results = run_scenarios(key, ids, ours_port, bare_port, args)
                single = load(ours_port, scenario_specs(key, ids, max(1, len(ids) // 30))[LIST][0], args.seconds, 1)
                by_size[products] = (results, statements, single)
                print_report(products, results, statements, single, args)  # before the writes, which may fail
                memory = memory_of(servers[0].pid)
                print(f"our worker after the reads: RSS {memory['VmRSS']:.0f} MB, peak {memory['VmHWM']:.0f} MB "
                      "(target < 150 MB)", flush=True)
                if carts is not None:
                    writes = (run_write_scenarios(key, carts, ours_port, args), shop_flow.orders_written(), results)
            finally:
                for server in servers:
                    server.terminate()
                    server.wait()
    print_growth(by_size)
    if writes:
        print_write_report(writes[0], writes[2], writes[1], args)


LIST = "REST list (any)"
REST_TWIN = {f"GraphQL {kind} ({label})": f"REST {kind} ({label})" for kind in ("list", "detail")
             for label in ("any", "popular")}


def run_scenarios(key, ids, ours_port, bare_port, args) -> dict:
    scenarios = scenario_specs(key, ids, total_pages=max(1, len(ids) // 30))
    results = {name: {"ours": [], "bare": []} for name in scenarios}
    for name, (ours_request, bare_request) in scenarios.items():  # warm-up: caches, pools, JIT-free paths
        load(ours_port, ours_request, 1.0, args.connections)
        load(bare_port, bare_request, 1.0, args.connections)
    for round_number in range(args.rounds):
        for name, (ours_request, bare_request) in scenarios.items():
            for side, port, make_spec in (("bare", bare_port, bare_request), ("ours", ours_port, ours_request)):
                outcome = load(port, make_spec, args.seconds, args.connections)
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
            if outcome["errors"]:  # reported with the figures: the read results above stand
                print(f"{name}: {outcome['errors']} responses other than {ok_status} "
                      f"(status {', '.join(map(str, outcome['error_statuses']))})", flush=True)
            results[name].append(outcome)
    return results


def print_write_report(writes: dict, results: dict, orders: int, args):
    list_rps = median(results[LIST]["ours"], "rps")
    print(f"\nwrites on our server ({args.rounds} x {args.seconds:.0f} s, medians; {orders} orders written in all)\n")
    header = f"{'scenario':<32} {'req/s':>10} {'vs list':>8} {'p50':>9} {'p99':>9}"
    print(header)
    print("-" * len(header))
    for name, runs in writes.items():
        rps = median(runs, "rps")
        print(f"{name:<32} {rps:>10.1f} {rps / list_rps:>8.2f} {median(runs, 'p50_ms'):>7.1f}ms "
              f"{median(runs, 'p99_ms'):>7.1f}ms")
    print(f"\nvs list = req/s / our {LIST} req/s in this run "
          "(place-order req/s = orders per second on one worker)")


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def print_report(products: int, results: dict, statements: dict, single: dict, args):
    print(f"\n{products} products, SQLite, 1 uvicorn worker each, {args.connections} connections, "
          f"{args.rounds} x {args.seconds:.0f} s per scenario (medians), answers "
          f"{'never replayed (ANSWER_CACHE=0)' if args.no_answer_cache else 'replayed'}\n")
    header = (f"{'scenario':<30} {'ours req/s':>10} {'bare req/s':>10} {'ratio':>6} {'target':>6} {'vs REST':>7} "
              f"{'ours p50':>9} {'bare p50':>9} {'ours p99':>9} {'bare p99':>9} {'stmts ours/bare':>15}")
    print(header)
    print("-" * len(header))
    for name, sides in results.items():
        ours_rps, bare_rps = median(sides["ours"], "rps"), median(sides["bare"], "rps")
        target = 0.4 if name.startswith("GraphQL") else 0.5
        twin = REST_TWIN.get(name)
        versus = f"{ours_rps / median(results[twin]['ours'], 'rps'):>7.2f}" if twin else f"{'':>7}"
        print(f"{name:<30} {ours_rps:>10.0f} {bare_rps:>10.0f} {ours_rps / bare_rps:>6.2f} {target:>6.2f} {versus} "
              f"{median(sides['ours'], 'p50_ms'):>7.1f}ms {median(sides['bare'], 'p50_ms'):>7.1f}ms "
              f"{median(sides['ours'], 'p99_ms'):>7.1f}ms {median(sides['bare'], 'p99_ms'):>7.1f}ms "
              f"{statements[name]['ours']:>7} / {statements[name]['bare']:<5}")
    print(f"\n{LIST} (per_page=30), one connection: p50 {single['p50_ms']:.1f} ms, p99 {single['p99_ms']:.1f} ms "
          "(target p50 < 10 ms)")
    print("ratio = ours req/s / bare req/s (GraphQL against the bare REST twin); vs REST = our GraphQL req/s / "
          "our REST twin's req/s (target >= 0.8); statements = SQL per request answered again (ours: replayed)")
    print(f"any = pages and products drawn from the whole catalog (mostly read for the first time: built afresh); "
          f"popular = drawn from {POPULAR_PAGES} pages and {POPULAR_PRODUCTS} products")


def print_growth(by_size: dict):
    if len(by_size) < 2:
        return
    smallest, largest = min(by_size), max(by_size)
    print(f"\ngrowth: our req/s at {largest} products / at {smallest} products (target >= 0.85)\n")
    for name in by_size[smallest][0]:
        small, large = (median(by_size[size][0][name]["ours"], "rps") for size in (smallest, largest))
        bare_small, bare_large = (median(by_size[size][0][name]["bare"], "rps") for size in (smallest, largest))
        print(f"{name:<30} ours {large / small:>5.2f}   bare {bare_large / bare_small:>5.2f}")


if __name__ == "__main__":
    main()
