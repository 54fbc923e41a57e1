"""The ASGI application: connexion serves the OpenAPI documents, ariadne the GraphQL schemas."""
import json
import logging
from contextlib import asynccontextmanager
from urllib.parse import urlsplit

import anyio.to_thread
from connexion import AsyncApp
from connexion.middleware import MiddlewarePosition
from connexion.datastructures import MediaTypeDict
from connexion.options import SwaggerUIOptions
from connexion.validators import VALIDATOR_MAP
from starlette.middleware.cors import CORSMiddleware
from starlette.responses import FileResponse, JSONResponse, Response
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from generated.graphql_bindings import ROOT_FIELDS, SCHEMA_FILES
from server import errors
from server.answer_cache import AnswerCacheMiddleware
from server.config import Settings
from server.documents import OPENAPI_DIR, add_generated_api, load_document
from server.graphql import ROOT, create_graphql_app
from server.handler_table import check_every_handler
from server.http_cache import HttpCacheMiddleware
from server.middleware import (
    RATE_LIMIT_HEADERS, BodyLimitMiddleware, DirectRoutes, RateLimitMiddleware, RequestIdMiddleware,
    SettingsScopeMiddleware,
)
from server.rest import (
    PAGING_HEADERS, CollectingBodyValidator, CollectingMultiPartValidator, CollectingParameterValidator,
    OperationResolver,
)
from server.storefront_redirects import StorefrontRedirectMiddleware
from server.versioning import ApiVersionMiddleware
from storage.db import database, init_database
from storage.files import is_private, media_storage

GRAPHQL_METHODS = ["GET", "POST", "OPTIONS"]


class OneBodyPerContentType(logging.Filter):
    """connexion warns on every call of an operation that takes JSON or multipart (the configuration
    update) although it validates the body the request's content type names, as intended."""

    def filter(self, record):
        return not record.getMessage().startswith("this operation accepts multiple content types")


logging.getLogger("connexion.operations.openapi3").addFilter(OneBodyPerContentType())


def add_spec_routes(app: AsyncApp, surface: str, base_path: str, document: dict):
    """Serve the bundled document as written, $refs and named schemas intact (connexion would inline
    every $ref, which loses schema names for SDK generators and fails on the recursive category tree)."""
    text = (OPENAPI_DIR / f"{surface}.yaml").read_text(encoding="utf-8")
    body = json.dumps(document)

    async def openapi_json(_request):
        return Response(body, media_type="application/json")

    async def openapi_yaml(_request):
        return Response(text, media_type="application/yaml")

    app.add_url_rule(f"{base_path}/openapi.json", f"{surface}_openapi_json", openapi_json, methods=["GET"])
    app.add_url_rule(f"{base_path}/openapi.yaml", f"{surface}_openapi_yaml", openapi_yaml, methods=["GET"])


SDL_PATHS = {"shop": "/api/schema.graphql", "admin": "/api/admin/schema.graphql"}


def add_sdl_routes(app: AsyncApp):
    """The generated SDL of each GraphQL surface, with its descriptions, at a stable URL (ariadne-codegen,
    graphql-codegen and schema browsers read it; introspection gives the same schema without the comments)."""
    for surface, path in SDL_PATHS.items():
        text = (ROOT / SCHEMA_FILES[surface]).read_text(encoding="utf-8")

        async def sdl(_request, text=text):
            return Response(text, media_type="text/plain; charset=utf-8")

        app.add_url_rule(path, f"{surface}_schema_graphql", sdl, methods=["GET"])


def add_media_route(app: AsyncApp, settings: Settings):
    """Serve the uploaded files (storage.files, MEDIA_ROOT) under the path of MEDIA_URL, where the
    shop's and the admin's image URLs point."""
    prefix = urlsplit(settings.media_url).path.rstrip("/") or "/storage"

    async def media_file(request):
        try:
            location = None if is_private(request.path_params["path"]) else media_storage().location(
                request.path_params["path"])
        except ValueError:
            location = None
        if location is None or not location.is_file():
            return JSONResponse({"message": "Not found", "error": "not_found"}, status_code=404)
        # nosniff: browsers keep to the stored type and never run an upload as HTML or script.
        return FileResponse(location, headers={"X-Content-Type-Options": "nosniff"})

    app.add_url_rule(f"{prefix}/{{path:path}}", "media_file", media_file, methods=["GET", "HEAD"])


def validator_map() -> dict:
    """connexion's validators, with every invalid parameter / body field reported at once."""
    body = MediaTypeDict(dict(VALIDATOR_MAP["body"]))
    body["*/*json"] = CollectingBodyValidator
    body["multipart/form-data"] = CollectingMultiPartValidator
    return {**VALIDATOR_MAP, "parameter": CollectingParameterValidator, "body": body}


def create_app(settings: Settings | None = None) -> AsyncApp:
    settings = settings or Settings()
    check_every_handler()
    if database.obj is None:
        init_database()

    @asynccontextmanager
    async def lifespan(_app):
        # A few threads per worker: sync handlers are CPU-light and contend for the GIL.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        yield
        if database.obj is not None:
            database.obj.close_all()

    app = AsyncApp(__name__, specification_dir=str(OPENAPI_DIR), lifespan=lifespan, validator_map=validator_map())

    def add_surface(surface: str, base_path: str):
        document = load_document(surface)
        add_spec_routes(app, surface, base_path, document)
        add_generated_api(app, document, resolver=OperationResolver(settings),
                          validate_responses=settings.validate_responses,
                          swagger_ui_options=SwaggerUIOptions(serve_spec=False, swagger_ui=True))

    # connexion mounts the documents in the reverse order of their adding, and a mount answers every
    # path under its prefix: the overview pages' resource paths (`/api/cart_tokens`, ...) at `/api` come
    # first so that their mount is tried last, after `/api/shop` and `/api/admin` (GraphQL, the spec and
    # media routes are plain routes, tried before any mount).
    surfaces = (("resources", "/api"), ("shop", "/api/shop"), ("admin", "/api/admin"))
    for surface, base_path in surfaces:
        if (OPENAPI_DIR / f"{surface}.json").exists():
            add_surface(surface, base_path)
    add_media_route(app, settings)
    add_sdl_routes(app)
    graphql_paths = {"shop": ("/api/graphql", "/api/graphiql"), "admin": ("/api/admin/graphql", "/api/admin/graphiql")}
    graphql_routes = {}
    for surface in (name for name, fields in ROOT_FIELDS.items() if fields):
        graphql_app = create_graphql_app(surface, settings)
        for path in graphql_paths[surface]:
            app.add_url_rule(path, path.strip("/").replace("/", "_"), graphql_app, methods=GRAPHQL_METHODS)
            graphql_routes[path] = graphql_app
    # Outermost first: CORS and request ids also cover 413 and 429 answers.
    # `/api/v1` is `/api` for everything behind this one (rate limits, redirects, routing).
    app.add_middleware(ApiVersionMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    # The settings version is read at most once per request, whatever reads settings first.
    app.add_middleware(SettingsScopeMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    if settings.forwarded_allow_ips:
        # Before everything that reads the client address (admin IP allowlists, rate limits, login
        # throttling): the forwarded address replaces the peer only when the peer is a trusted proxy.
        app.add_middleware(ProxyHeadersMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION,
                           trusted_hosts=settings.forwarded_allow_ips)
    app.add_middleware(StorefrontRedirectMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       media_url=settings.media_url)
    app.add_middleware(RateLimitMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       invalid_credentials_per_minute=settings.invalid_credentials_per_minute)
    app.add_middleware(BodyLimitMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(RequestIdMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(CORSMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION, allow_origins=["*"],
                       allow_methods=["*"], allow_headers=["*"],
                       expose_headers=[*PAGING_HEADERS, *RATE_LIMIT_HEADERS, "X-Request-Id", "ETag", "Api-Version"])
    # Added last, so innermost: the ETag and the 304 are decided on the answer as the operation gave it.
    app.add_middleware(HttpCacheMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION,
                       max_age=settings.catalog_max_age)
    if settings.answer_cache:
        # Innermost of ours: a replayed answer still passes the rate limits, gets its request id,
        # CORS headers and ETag, and skips only routing, validation and the handler.
        app.add_middleware(AnswerCacheMiddleware, position=MiddlewarePosition.BEFORE_EXCEPTION)
    app.add_middleware(DirectRoutes, position=MiddlewarePosition.BEFORE_EXCEPTION, routes=graphql_routes,
                       methods=GRAPHQL_METHODS)
    errors.install(app)
    return app
