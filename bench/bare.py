"""Baseline: the product list and detail as a careful hand-written Starlette app would serve them.

No OpenAPI routing or validation, no GraphQL, no request context: the storefront key checked
against an in-process cache, then one SQL statement for a page of cards and one for its count
(list), one for the product with its variants and one for its images and categories (detail),
serialised with orjson (json when orjson is not installed). The documents are the shop's own
shapes for the default channel, locale and currency: the list's cards field for field; the detail's
card with description, dates, saleability, images, categories and variant cards (the fields the
benchmark's GraphQL detail selects; our REST detail answers more). `uvicorn bench.bare:app`.
"""
import datetime
import hashlib
import json
import math
import time
from contextlib import asynccontextmanager
from decimal import Decimal

import anyio.to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response
from starlette.routing import Route

from server.config import Settings
from storage.db import database, init_database

try:
    import orjson

    def dumps(document) -> bytes:
        return orjson.dumps(document)
except ImportError:  # pragma: no cover - orjson is optional
    def dumps(document) -> bytes:
        return json.dumps(document, separators=(",", ":")).encode()

settings = Settings()
if database.obj is None:  # uvicorn: the database of the environment; tests: theirs
    init_database()
MEDIA = settings.media_url.rstrip("/")
KEYS: dict[str, float] = {}  # key hash -> checked until (the app caches its key lookups the same way)
LISTED = "p.parent_id IS NULL AND p.status = {t} AND p.visible_individually = {t}"


def sql(text: str) -> str:
    return text.replace("?", database.param).replace("{t}", "1" if database.param == "?" else "TRUE")


CARD_COLUMNS = ("p.id, p.sku, p.type, p.status, p.new, p.featured, p.price, p.special_price, p.special_price_from, "
                "p.special_price_to, p.min_price, p.max_price, t.name, t.url_key, t.short_description, "
                "(SELECT i.path FROM product_image i WHERE i.product_id = p.id ORDER BY i.position, i.id LIMIT 1), "
                "(SELECT r.rule_price FROM catalog_rule_product_price r WHERE r.product_id = p.id AND r.channel_id = 1 "
                "AND r.customer_group_id = 1 AND r.rule_date = ?)")
CARD_FROM = ("FROM product p JOIN product_channel c ON c.product_id = p.id AND c.channel_id = 1 "
             "LEFT JOIN product_translation t ON t.product_id = p.id AND t.locale = 'en'")
# The page's ids first (read from the listing index), then their cards: the columns and subqueries of
# a card are computed for 30 rows, not for every row the offset skips.
PAGE = sql(f"SELECT {CARD_COLUMNS} FROM (SELECT p.id FROM product p JOIN product_channel c ON c.product_id = p.id "
           f"AND c.channel_id = 1 WHERE {LISTED} ORDER BY p.id LIMIT ? OFFSET ?) page "
           "JOIN product p ON p.id = page.id LEFT JOIN product_translation t ON t.product_id = p.id "
           "AND t.locale = 'en' ORDER BY p.id")
COUNT = sql(f"SELECT COUNT(*) {CARD_FROM.split(' LEFT JOIN')[0]} WHERE {LISTED}")
DETAIL = sql(f"SELECT {CARD_COLUMNS}, t.description, p.created_at, p.updated_at, p.parent_id, "
             "(SELECT COALESCE(SUM(q.qty), 0) FROM product_inventory q WHERE q.product_id = p.id) "
             "FROM product p LEFT JOIN product_translation t ON t.product_id = p.id AND t.locale = 'en' "
             "WHERE (p.id = ? AND p.status = {t} AND EXISTS (SELECT 1 FROM product_channel c WHERE c.product_id = p.id "
             "AND c.channel_id = 1)) OR (p.parent_id = ? AND p.status = {t}) "
             "ORDER BY p.parent_id IS NOT NULL, p.id")
RELATIONS = sql("SELECT 'image', i.id, i.product_id, i.path, i.position, i.type FROM product_image i "
                "WHERE i.product_id = ? UNION ALL SELECT 'category', k.category_id, k.product_id, ct.name, 0, ct.slug "
                "FROM product_category k JOIN category_translation ct ON ct.category_id = k.category_id "
                "AND ct.locale = 'en' WHERE k.product_id = ? ORDER BY 1 DESC, 5, 2")


def money(units) -> Decimal | None:
    return None if units is None else Decimal(units) / 10000


def number(amount: Decimal | None):
    if amount is None:
        return None
    normalized = amount.normalize()
    return int(normalized) if normalized == normalized.to_integral_value() else float(normalized)


def formatted(amount: Decimal | None) -> str | None:
    return None if amount is None else f"${amount:,.2f}"


def moment(value):
    if value is None or isinstance(value, datetime.datetime):
        return value
    return datetime.datetime.fromisoformat(str(value))


def card(row) -> dict:
    (pid, sku, kind, status, new, featured, price, special, special_from, special_to, low, high, name, url_key,
     short, image, rule) = row[:17]
    price, low, high, special, rule = money(price), money(low), money(high), money(special), money(rule)
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    if special is not None and ((special_from and moment(special_from) > now) or (special_to and moment(special_to) < now)):
        special = None
    if rule is not None and rule < price and (special is None or rule < special):
        special = rule
    minimum = min(low, special) if special is not None else low
    return {"id": pid, "sku": sku, "type": kind, "bookingType": None, "name": name if name is not None else sku,
            "urlKey": url_key or "", "status": bool(status), "shortDescription": short or "",
            "price": number(price), "specialPrice": number(special), "new": bool(new), "featured": bool(featured),
            "minimumPrice": number(minimum), "maximumPrice": number(high), "formattedPrice": formatted(price),
            "formattedSpecialPrice": formatted(special), "formattedMinimumPrice": formatted(minimum),
            "formattedMaximumPrice": formatted(high), "baseImageUrl": f"{MEDIA}/{image}" if image else None,
            "isInWishlist": 0, "isInCompare": 0}


def iso(value) -> str | None:
    return moment(value).strftime("%Y-%m-%dT%H:%M:%S+00:00") if value else None


def list_page(page: int, per_page: int) -> tuple[bytes, dict]:
    today = datetime.datetime.now(datetime.timezone.utc).date()
    with database.connection_context():
        rows = database.execute_sql(PAGE, (today, per_page, (page - 1) * per_page)).fetchall()
        total = database.execute_sql(COUNT).fetchone()[0]
    headers = {"X-Total-Count": str(total), "X-Page": str(page), "X-Per-Page": str(per_page),
               "X-Total-Pages": str(math.ceil(total / per_page))}
    return dumps([card(row) for row in rows]), headers


def product_detail(product_id: int) -> bytes | None:
    today = datetime.datetime.now(datetime.timezone.utc).date()
    with database.connection_context():
        rows = database.execute_sql(DETAIL, (today, product_id, product_id)).fetchall()
        if not rows or rows[0][0] != product_id:
            return None
        relations = database.execute_sql(RELATIONS, (product_id, product_id)).fetchall()
    head, variants = rows[0], rows[1:]
    document = card(head)
    images = [{"id": rid, "type": "images", "path": path, "productId": owner, "position": position,
               "publicPath": f"{MEDIA}/{path}", "alt": document["name"]}
              for kind, rid, owner, path, position, _slug in relations if kind == "image"]
    in_stock = [row[-1] > 0 for row in variants] or [head[-1] > 0]
    document.update({
        "description": head[17] or "", "createdAt": iso(head[18]), "updatedAt": iso(head[19]), "images": images,
        "categories": [{"id": rid, "name": name, "slug": slug}
                       for kind, rid, _owner, name, _position, slug in relations if kind == "category"],
        "variants": [card(row) for row in variants], "isSaleable": bool(head[3]) and any(in_stock)})
    return dumps(document)


def known_key(raw: str) -> bool:
    digest = hashlib.sha256(raw.encode()).hexdigest()
    if KEYS.get(digest, 0) > time.monotonic():
        return True
    with database.connection_context():
        found = database.execute_sql(sql("SELECT 1 FROM storefront_key WHERE key_hash = ? AND status = {t}"),
                                     (digest,)).fetchone()
    if found:
        KEYS[digest] = time.monotonic() + settings.key_cache_seconds
    return bool(found)


REFUSED = Response(dumps({"message": "Invalid storefront key", "error": "invalid_key"}), 403,
                   media_type="application/json")


async def products(request):
    if not known_key(request.headers.get("x-storefront-key", "")):
        return REFUSED
    page = int(request.query_params.get("page", 1))
    per_page = min(int(request.query_params.get("per_page", 10)), 50)
    body, headers = await run_in_threadpool(list_page, page, per_page)
    return Response(body, headers=headers, media_type="application/json")


async def product(request):
    if not known_key(request.headers.get("x-storefront-key", "")):
        return REFUSED
    body = await run_in_threadpool(product_detail, request.path_params["id"])
    if body is None:
        return Response(dumps({"message": "Product not found", "error": "not_found"}), 404,
                        media_type="application/json")
    return Response(body, media_type="application/json")


@asynccontextmanager
async def lifespan(_app):
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
    yield


app = Starlette(routes=[Route("/api/shop/products", products), Route("/api/shop/products/{id:int}", product)],
                lifespan=lifespan)
