"""ASGI entry point: `uvicorn server.asgi:app --no-proxy-headers` (the app applies FORWARDED_ALLOW_IPS
itself; uvicorn's own handling would trust X-Forwarded-For from 127.0.0.1). `specshop run` does this."""
from server.app import create_app

app = create_app()
