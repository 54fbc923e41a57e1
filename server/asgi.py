"""ASGI entry point: `uvicorn server.asgi:app --no-proxy-headers` (the app applies FORWARDED_ALLOW_IPS
itself; uvicorn's own handling would trust X-Forwarded-For from 127.0.0.1). `specshop run` does this.

Start-up allocates a few million long-lived objects (modules, the documents, the GraphQL schemas,
connexion's routes); the cyclic garbage collector would scan them over and over while they are
created, which took about 40% of start-up. It is paused while the app is built, and what was built
is then frozen out of its reach (`gc.freeze`), so later collections only look at what requests create.
"""
from server.startup import paused_collector

with paused_collector():
    from server.app import create_app

    app = create_app()
