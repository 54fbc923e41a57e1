"""The ASGI application: connexion serves the OpenAPI documents, ariadne the GraphQL schemas."""
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from connexion import AsyncApp
from connexion.options import SwaggerUIOptions

from server import errors
from server.config import Settings
from server.graphql import create_graphql_app
from server.rest import CollectingParameterValidator, OperationResolver
from storage.db import database, init_database

ROOT = Path(__file__).resolve().parent.parent
GRAPHQL_METHODS = ["GET", "POST", "OPTIONS"]


def create_app(settings: Settings | None = None) -> AsyncApp:
    settings = settings or Settings()
    if database.obj is None:
        init_database()

    @asynccontextmanager
    async def lifespan(_app):
        # A few threads per worker: sync handlers are CPU-light and contend for the GIL.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.worker_threads
        yield
        if database.obj is not None:
            database.obj.close_all()

    app = AsyncApp(__name__, specification_dir=str(ROOT / "generated" / "openapi"), lifespan=lifespan,
                   validator_map={"parameter": CollectingParameterValidator})
    app.add_api("shop.yaml", resolver=OperationResolver(settings), validate_responses=settings.validate_responses,
                swagger_ui_options=SwaggerUIOptions(swagger_ui=True))
    shop_graphql = create_graphql_app("shop", settings)
    for path in ("/api/graphql", "/api/graphiql"):
        app.add_url_rule(path, path.strip("/").replace("/", "_"), shop_graphql, methods=GRAPHQL_METHODS)
    errors.install(app)
    return app
