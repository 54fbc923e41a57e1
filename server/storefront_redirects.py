"""URL rewrites at the storefront's own paths: `GET /old-path` answers the rewrite's redirect.

Every path outside `/api` and the media files is a storefront URL (`/<product url key>`,
`/<category slug>`, `/page/<cms page url key>`); when a URL rewrite names it (`domain/seo/url_rewrites.py`,
the locale of `?locale=` preferred), the answer is its `301`/`302` with `Location`, the query string
kept. Anything else goes on unchanged (and is not found, as before).
"""
from urllib.parse import parse_qs, quote, urlsplit

from starlette.concurrency import run_in_threadpool

from domain.seo.url_rewrites import find_rewrite, location
from storage.db import database

PASSED = ("/api", "/storage", "/static")
LOCATION_SAFE = "/:?&=#%@+,;~!$'()*[]"  # a target's own URL syntax stays; anything else is percent-encoded


class StorefrontRedirectMiddleware:
    def __init__(self, app, media_url: str = ""):
        self.app = app
        media_path = urlsplit(media_url).path.rstrip("/")
        self.passed = (*PASSED, media_path) if media_path else PASSED

    async def __call__(self, scope, receive, send):
        if (scope["type"] != "http" or scope["method"] not in ("GET", "HEAD") or scope["path"] == "/"
                or scope["path"].startswith(self.passed)):
            return await self.app(scope, receive, send)
        query = scope.get("query_string", b"").decode("latin-1")
        locale = (parse_qs(query).get("locale") or [None])[0]
        found = await run_in_threadpool(self.lookup, scope["path"], locale)
        if found is None:
            return await self.app(scope, receive, send)
        status, target = found
        if query and "?" not in target:
            target = f"{target}?{query}"
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"location", quote(target, safe=LOCATION_SAFE).encode("ascii")), (b"content-length", b"0"),
                                (b"cache-control", b"no-cache" if status == 302 else b"max-age=3600")]})
        await send({"type": "http.response.body", "body": b""})

    @staticmethod
    def lookup(path: str, locale: str | None) -> tuple[int, str] | None:
        with database.connection_context():
            rewrite = find_rewrite(path, locale)
            return (int(rewrite.redirect_type), location(rewrite)) if rewrite else None
