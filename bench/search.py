"""Catalog search at scale: `?query=` latency on one worker, against the LIKE scan it replaced.

Seeds a scratch SQLite database (100,000 products by default; `--database` reuses one already
seeded), starts the app under uvicorn with one worker and sends product-list searches one at a
time over a keep-alive connection (latency, not throughput): words of the catalog (a noun, a
brand, an adjective), two words, a prefix, a partial word, an exact SKU. Reports p50/p95 of
`GET /api/shop/products?query=`, of suggestions and of facets; then, in process, the database
time of the same searches through the full-text index and through the former LIKE scan (count
plus first page, as the list runs them), with their ratio. The plain list is timed too: the part of
a search's latency that is not search (30 product documents, the framework).

    python -m bench.search [--products 100000] [--database var/bench-search.db] [--seconds 10]
"""
import argparse
import http.client
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from bench.run import free_port, start_server

TERMS = ["hoodie", "northwind", "velvet", "sneakers", "northwind hoodie", "classic speaker", "hoo", "alpi",
         "oodi", "SKU-012345", "SKU-054321", "backpack", "contoso lunar", "plate set", "watch"]


def prepare(path: str, products: int) -> str:
    from domain.storefront_keys import create_key
    from storage.db import database, init_database
    from storage.schema import migrate
    from storage.seed import seed_catalog
    fresh = not Path(path).exists()
    init_database(f"sqlite:///{path}")
    with database.connection_context():
        migrate()
        if fresh:
            started = time.perf_counter()
            seed_catalog(products=products, show_progress=True)
            print(f"seeded {products} products in {time.perf_counter() - started:.0f} s", flush=True)
        _record, key = create_key("bench-search", rate_limit=10**9)
    database.obj.close_all()
    return key


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def http_latencies(port: int, key: str, paths: list[str], seconds: float) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port)
    headers = {"X-STOREFRONT-KEY": key, "Accept": "application/json"}
    latencies, deadline, index = [], time.perf_counter() + seconds, 0
    while time.perf_counter() < deadline:
        path = paths[index % len(paths)]
        index += 1
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise SystemExit(f"{path}: {response.status}")
        latencies.append((time.perf_counter() - started) * 1000)
    connection.close()
    return latencies


def database_times(path: str, rounds: int) -> dict[str, list[float]]:
    """Milliseconds per search (count + first page of 30) through the index and through LIKE."""
    from domain.catalog.filters import parse_criteria
    from handlers.shop.products import visible_products
    from storage.db import database, init_database
    from storage.models import Product, ProductTranslation
    init_database(f"sqlite:///{path}")
    context = sample_context()
    times = {"index": [], "like": []}
    with database.connection_context():
        for _ in range(rounds):
            for term in TERMS:
                started = time.perf_counter()
                criteria = parse_criteria({"query": term}, {})
                criteria.page(visible_products(context), context, 0, 30)
                times["index"].append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                names = ProductTranslation.select(ProductTranslation.product).where(
                    ProductTranslation.name.contains(term), ProductTranslation.locale.in_(context.locales))
                query = visible_products(context).where(Product.sku.contains(term) | Product.id.in_(names))
                query.count()
                list(query.order_by(Product.id).limit(30))
                times["like"].append((time.perf_counter() - started) * 1000)
    database.obj.close_all()
    return times


def sample_context():
    from decimal import Decimal
    from domain.common import CurrencyFormat, RequestContext
    return RequestContext(channel_id=1, channel_code="default", root_category_id=1, locale="en", fallback_locale="en",
                          currency=CurrencyFormat("USD", "$", 2, ",", ".", "left", Decimal(1)),
                          media_url="http://127.0.0.1:8000/storage")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m bench.search", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--products", type=int, default=100_000)
    parser.add_argument("--database", help="SQLite file to use (seeded when missing, kept afterwards)")
    parser.add_argument("--seconds", type=float, default=10.0, help="per scenario")
    parser.add_argument("--rounds", type=int, default=5, help="in-process rounds of every term")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="specshop-search-") as scratch:
        path = args.database or f"{scratch}/search.db"
        key = prepare(path, args.products)
        environment = {**os.environ, "DATABASE_URL": f"sqlite:///{path}", "VALIDATE_RESPONSES": "0",
                       "PYTHONWARNINGS": "ignore"}
        port = free_port()
        server = start_server("server.asgi:app", port, environment)
        rng = random.Random(7)
        scenarios = {
            "GET /products (no query)": [f"/api/shop/products?per_page=30&page={page}" for page in (1, 7, 42, 300)],
            "GET /products?query=": [f"/api/shop/products?per_page=30&query={quote(term)}" for term in TERMS],
            "GET /search/suggestions": [f"/api/shop/search/suggestions?query={quote(term[:4])}" for term in TERMS],
            "GET /search/facets?query=": [f"/api/shop/search/facets?query={quote(term)}"
                                          for term in rng.sample(TERMS, 5)],
        }
        try:
            results = {}
            for name, paths in scenarios.items():
                http_latencies(port, key, paths, 1.0)  # warm-up
                results[name] = http_latencies(port, key, paths, args.seconds)
        finally:
            server.terminate()
            server.wait()
        times = database_times(path, args.rounds)
    print(f"\n{args.products} products, SQLite, 1 uvicorn worker, 1 connection, {args.seconds:.0f} s per scenario\n")
    header = f"{'scenario':<30} {'requests':>8} {'p50':>9} {'p95':>9}"
    print(header)
    print("-" * len(header))
    for name, latencies in results.items():
        print(f"{name:<30} {len(latencies):>8} {percentile(latencies, 0.5):>7.1f}ms {percentile(latencies, 0.95):>7.1f}ms")
    index_p50, like_p50 = statistics.median(times["index"]), statistics.median(times["like"])
    print(f"\ndatabase time per search (count + first page), {len(TERMS)} terms x {args.rounds}:")
    print(f"  full-text index  p50 {index_p50:7.1f} ms   p95 {percentile(times['index'], 0.95):7.1f} ms")
    print(f"  LIKE scan        p50 {like_p50:7.1f} ms   p95 {percentile(times['like'], 0.95):7.1f} ms")
    print(f"  LIKE / index     {like_p50 / index_p50:.1f}x at p50 (target: ?query= p50 under 50 ms over HTTP)")


if __name__ == "__main__":
    sys.exit(main())
