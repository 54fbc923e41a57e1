"""Baseline: a bare Starlette app that runs the same handlers (same SQL, same JSON) with no
OpenAPI routing/validation and no GraphQL layer. `uvicorn bench.bare:app`."""
from contextlib import asynccontextmanager

import anyio.to_thread
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse
from starlette.routing import Route

from domain.common import Window
from server.context import build_context
from handlers.shop.products import get_product, list_products
from server.config import Settings
from server.rest import paging_headers
from server.security import lookup_key
from storage.db import database, init_database

settings = Settings()
init_database()


def list_page(headers, page: int, per_page: int):
    with database.connection_context():
        context = build_context(headers, settings.media_url)
        result = list_products(context, window=Window((page - 1) * per_page, per_page))
        return result.items, paging_headers(result.total, page, per_page)


def product_detail(headers, product_id: int):
    with database.connection_context():
        return get_product(build_context(headers, settings.media_url), id=product_id)


async def products(request):
    if not await run_in_threadpool(lookup_key, request.headers.get("X-STOREFRONT-KEY", "")):
        return JSONResponse({"message": "Invalid storefront key", "error": "invalid_key"}, status_code=403)
    page = int(request.query_params.get("page", 1))
    per_page = min(int(request.query_params.get("per_page", 30)), 50)
    items, headers = await run_in_threadpool(list_page, dict(request.headers), page, per_page)
    return JSONResponse(items, headers=headers)


async def product(request):
    if not await run_in_threadpool(lookup_key, request.headers.get("X-STOREFRONT-KEY", "")):
        return JSONResponse({"message": "Invalid storefront key", "error": "invalid_key"}, status_code=403)
    document = await run_in_threadpool(product_detail, dict(request.headers), int(request.path_params["id"]))
    return JSONResponse(document)


@asynccontextmanager
async def lifespan(_app):
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
    yield


app = Starlette(routes=[Route("/api/shop/products", products), Route("/api/shop/products/{id:int}", product)],
                lifespan=lifespan)
