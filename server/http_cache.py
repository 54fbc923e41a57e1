"""HTTP caching of the API's answers, decided in this one place.

Catalog reads (`GET`/`HEAD` of products, categories, attributes, channels, locales, currencies,
countries and CMS pages, on the shop surface and the resource paths at `/api`) answer 200 with a
strong `ETag` (a hash of the body and the paging headers, so a byte-identical answer keeps its tag
and any change to the data or the page changes it) and honour `If-None-Match` with a bodiless 304.
Anonymous catalog reads may be stored by shared caches (`public, max-age=CATALOG_MAX_AGE`); the
answer varies with the scope headers and the storefront key, so a CDN keeps one copy per storefront,
channel, locale and currency. A read sent with an `Authorization` bearer (a customer's wishlist
flags) is `private, no-cache`. Everything else under `/api` (carts, customers, orders, the admin,
writes, errors) is `private, no-store` and carries no ETag.
"""
import hashlib
import re

CATALOG_PATH = re.compile(
    r"/api(?:/shop)?/(?:products|product[-_][a-z_-]+|categories|category-trees|attributes|attribute[-_][a-z_-]+"
    r"|channels|channel_translations|locales|currencies|countries|country-states|pages)(?:/.*)?")
# Headers that are part of what a catalog answer represents (a page's totals), hashed with the body.
REPRESENTATION_HEADERS = (b"content-type", b"x-total-count", b"x-page", b"x-per-page", b"x-total-pages")
VARY = b"X-Storefront-Key, X-Channel, X-Locale, X-Currency, Authorization, Accept"
NO_STORE = b"private, no-store"


def entity_tag(body: bytes, headers) -> bytes:
    digest = hashlib.blake2b(body, digest_size=16)
    for name, value in headers:
        if name.lower() in REPRESENTATION_HEADERS:
            digest.update(b"\n" + name.lower() + b":" + value)
    return b'"' + digest.hexdigest().encode() + b'"'


def matches(if_none_match: bytes | None, tag: bytes) -> bool:
    """RFC 9110 weak comparison, as If-None-Match uses: `*`, or one listed tag equal to ours with
    or without its `W/` prefix."""
    if not if_none_match:
        return False
    candidates = [part.strip() for part in if_none_match.split(b",")]
    return b"*" in candidates or any(candidate.removeprefix(b"W/") == tag for candidate in candidates)


def request_header(scope, name: bytes) -> bytes | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value
    return None


class HttpCacheMiddleware:
    def __init__(self, app, max_age: int = 60):
        self.app = app
        self.public = f"public, max-age={max_age}".encode()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not scope["path"].startswith("/api"):
            return await self.app(scope, receive, send)
        catalog = scope["method"] in ("GET", "HEAD") and CATALOG_PATH.fullmatch(scope["path"]) is not None
        if not catalog:
            return await self.app(scope, receive, with_cache_control(send, NO_STORE))
        cache_control = b"private, no-cache" if request_header(scope, b"authorization") else self.public
        start, chunks = None, []

        async def buffered(message):
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                if start["status"] != 200:
                    await send(replaced(start, [(b"cache-control", NO_STORE)]))
                return
            if start["status"] != 200:
                return await send(message)
            chunks.append(message.get("body", b""))
            if message.get("more_body", False):
                return
            body = b"".join(chunks)
            tag = entity_tag(body, start.get("headers", ()))
            cache_headers = [(b"etag", tag), (b"cache-control", cache_control), (b"vary", VARY)]
            if matches(request_header(scope, b"if-none-match"), tag):
                kept = [(name, value) for name, value in start.get("headers", ())
                        if name.lower() not in (b"content-length", b"content-type")]
                await send({**start, "status": 304, "headers": [*kept, *cache_headers]})
                return await send({"type": "http.response.body", "body": b""})
            await send(replaced(start, cache_headers))
            await send({**message, "body": body, "more_body": False})

        await self.app(scope, receive, buffered)


def replaced(start: dict, extra: list[tuple[bytes, bytes]]) -> dict:
    """The response start with `extra` headers, replacing any of the same names."""
    names = {name for name, _value in extra}
    headers = [(name, value) for name, value in start.get("headers", ()) if name.lower() not in names]
    return {**start, "headers": [*headers, *extra]}


def with_cache_control(send, value: bytes):
    async def sender(message):
        if message["type"] == "http.response.start":
            message = replaced(message, [(b"cache-control", value)])
        await send(message)
    return sender
