"""API versions (docs/compatibility.md, "API versions"): one version, 1, selected by the path prefix
`/api/v1` (an alias of `/api`) or the `Accept-Version` request header; every `/api` answer carries
`Api-Version`. A version the server does not offer, by header or prefix, is a 400 before routing."""
import re

from server.middleware import header, send_json, with_headers

VERSIONS = ("1",)
CURRENT = VERSIONS[-1]
HEADER = "Accept-Version"
PREFIX = re.compile(r"^/api/(v[^/]*)(?=/|$)")


def requested(value: str | None) -> str | None:
    """`1` and `v1` name version 1; None when no version is asked for."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    return value[1:] if value[:1] in ("v", "V") else value


class ApiVersionMiddleware:
    """Strips `/api/v<N>` to `/api` for the routes behind it, checks `Accept-Version` against the prefix
    and the versions offered, and answers `Api-Version` on every `/api` response."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or not (scope["path"] == "/api" or scope["path"].startswith("/api/")):
            return await self.app(scope, receive, send)
        by_header = requested(header(scope, HEADER.lower().encode()))
        prefix = PREFIX.match(scope["path"])
        by_path = requested(prefix.group(1)) if prefix and re.fullmatch(r"v\d+", prefix.group(1)) else None
        wanted = by_path or by_header or CURRENT
        echo = [(b"api-version", CURRENT.encode())]
        if wanted not in VERSIONS or by_header and by_path and by_header != by_path:
            message = (f"The API version {wanted!r} is not offered; offered: {', '.join(VERSIONS)}."
                       if wanted not in VERSIONS else
                       f"The {HEADER} header ({by_header}) and the path (v{by_path}) name different versions.")
            return await send_json(send, 400, {"message": message, "error": "unsupported_version",
                                               "errors": {HEADER: [message]}, "versions": list(VERSIONS)}, echo)
        if by_path:
            path = "/api" + scope["path"][prefix.end():]
            raw = scope.get("raw_path")
            scope = {**scope, "path": path,
                     "raw_path": b"/api" + raw[len(prefix.group(0)):] if raw and raw.startswith(prefix.group(0).encode())
                     else path.encode()}
        await self.app(scope, receive, with_headers(send, echo))
