"""Cross-cutting ASGI middleware: request ids, the 1 MB body limit, rate limits, and the endpoints
answered before connexion's routing.

Rate limits use the `limits` library: in-process memory by default, Redis when REDIS_URL is set,
so several workers share one budget per storefront key or admin token, and one budget of invalid
credentials per client address (INVALID_CREDENTIALS_PER_MINUTE). Every request costs one unit up front;
the GraphQL endpoint charges a costly query its further units through the request's `RateLimitBudget`
(scope state `rate_limit`).
"""
import json
import logging
import math
import os
import re
import time
import uuid

from limits import RateLimitItemPerDay, RateLimitItemPerMinute
from limits.aio.strategies import FixedWindowRateLimiter
from limits.storage import storage_from_string
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect

from domain.settings_cache import request_scope

from server.config import Settings
from server.errors import admin_write
from server.security import CREDENTIAL_REJECTED, STOREFRONT_CLAIMS, admin_claims, bearer_token, lookup_key
from storage.files import max_image_bytes

MAX_BODY_BYTES = 1024 * 1024
UPLOAD_OVERHEAD_BYTES = 64 * 1024  # multipart boundaries and the small form fields beside the file
REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
RATE_LIMIT_HEADERS = ("X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After")


async def send_json(send, status: int, body: dict, headers: list[tuple[bytes, bytes]] = ()):
    payload = json.dumps(body).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                            *headers]})
    await send({"type": "http.response.body", "body": payload})


def header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", ()):
        if key.lower() == name:
            return value.decode("latin-1")
    return None


def with_headers(send, extra: list[tuple[bytes, bytes]]):
    async def sender(message):
        if message["type"] == "http.response.start":
            message = {**message, "headers": [*message.get("headers", []), *extra]}
        await send(message)
    return sender


class RequestIdMiddleware:
    """Every response carries X-Request-Id: the caller's (when well-formed) or a new one."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        incoming = header(scope, b"x-request-id")
        request_id = incoming if incoming and REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        await self.app(scope, receive, with_headers(send, [(b"x-request-id", request_id.encode())]))


class SettingsScopeMiddleware:
    """One settings scope per request (domain/settings_cache.py): the first lookup of the request's
    channel, locale, currency, storefront key or store settings reads the settings version, the rest
    of the request (worker threads included) reuses it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        with request_scope():
            await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """Bodies over 1 MB get 413, whether or not Content-Length announces them. Multipart uploads may
    carry one image up to MAX_IMAGE_BYTES (the upload operation answers 422 above its own limit).

    A body without Content-Length (Transfer-Encoding: chunked) is read here, up to the limit, and
    handed on with its Content-Length: connexion takes a request without one for a request without
    a body."""

    def __init__(self, app, limit: int = MAX_BODY_BYTES, upload_limit: int | None = None):
        self.app = app
        self.json_limit = limit
        self.upload_limit = upload_limit or max(limit, max_image_bytes() + UPLOAD_OVERHEAD_BYTES)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        is_upload = (header(scope, b"content-type") or "").lower().startswith("multipart/form-data")
        limit = self.upload_limit if is_upload else self.json_limit
        declared = header(scope, b"content-length")
        if declared and declared.isdigit() and int(declared) > limit:
            return await self.reject(send, limit)
        if declared is None and (header(scope, b"transfer-encoding") or scope["method"] in BODY_METHODS):
            body = await self.read_body(receive, limit)
            if body is None:
                return await self.reject(send, limit)
            return await self.app(with_content_length(scope, len(body)), replay(body, receive), send)
        received, too_large = 0, False

        async def counting_receive():
            nonlocal received, too_large
            message = await receive()
            received += len(message.get("body", b""))
            if received > limit:
                too_large = True
                return {"type": "http.disconnect"}  # the app stops reading; its answer is replaced below
            return message

        async def guarded_send(message):
            if not too_large:
                await send(message)

        try:
            await self.app(scope, counting_receive, guarded_send)
        except Exception:
            if not too_large:
                raise
        if too_large:
            await self.reject(send, limit)

    @staticmethod
    async def read_body(receive, limit: int) -> bytes | None:
        """The whole body, or None once it grows past `limit` (the rest is never read)."""
        chunks, received = [], 0
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away: hand on what there is
                break
            chunk = message.get("body", b"")
            received += len(chunk)
            if received > limit:
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    async def reject(self, send, limit: int):
        size = "1 MB" if limit == MAX_BODY_BYTES else f"{limit // 1024} KB"
        await send_json(send, 413, {"message": f"The request body is larger than {size}.", "error": "payload_too_large"})


BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def with_content_length(scope, length: int) -> dict:
    """The scope of a body read in full: Content-Length instead of Transfer-Encoding."""
    headers = [(key, value) for key, value in scope.get("headers", ())
               if key.lower() not in (b"content-length", b"transfer-encoding")]
    return {**scope, "headers": [*headers, (b"content-length", str(length).encode())]}


def replay(body: bytes, receive):
    """A receive channel that yields the body read already, then the client's further messages."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed():
        return pending.pop() if pending else await receive()
    return replayed


class RateLimitBudget:
    """The rate-limit buckets of one request, for charges beyond the unit counted up front, and the
    X-RateLimit-* headers its response carries (they follow every charge)."""

    def __init__(self, middleware: "RateLimitMiddleware", buckets: list[tuple], headers: list[tuple[bytes, bytes]]):
        self.middleware = middleware
        self.buckets = buckets
        self.headers = headers

    async def charge(self, units: int) -> bool:
        """Take `units` more from every bucket, or nothing (False, with Retry-After) when one lacks them."""
        if units <= 0:
            return True
        limiter = self.middleware.limiter
        for limit, identifier in self.buckets:
            if not await limiter.test(limit, identifier, cost=units):
                _allowed, self.headers = await self.middleware.hit(self.buckets, cost=0, refused=True)
                return False
        _allowed, self.headers = await self.middleware.hit(self.buckets, cost=units)
        return True

    def header(self, name: bytes) -> str | None:
        return next((value.decode() for key, value in self.headers if key == name), None)

    def retry_after(self) -> int | None:
        value = self.header(b"retry-after")
        return int(value) if value else None

    def throttle_status(self) -> dict:
        """The tightest bucket after this request, in requests."""
        return {"maximumAvailable": int(self.header(b"x-ratelimit-limit")),
                "currentlyAvailable": int(self.header(b"x-ratelimit-remaining")),
                "resetAt": int(self.header(b"x-ratelimit-reset"))}


# The licensed software's calls (/api/licenses/activate, ...): the license key in the body is their only
# credential, so a key no license has (404 `license_not_found`) counts as an invalid credential.
LICENSE_PATHS = "/api/licenses/"


def noting_unknown_license_keys(send, rejected: list):
    async def sender(message):
        if message["type"] == "http.response.start" and message["status"] == 404:
            rejected.append("license key")
        await send(message)
    return sender


class RateLimitMiddleware:
    """Per storefront key (its own limit per minute), per admin token (per minute and per day), and per
    client address for invalid credentials: once an address has presented `invalid_credentials_per_minute`
    unknown, revoked or expired storefront keys / bearer tokens (or license keys no license has, on the
    license calls) in the current minute, its requests that carry credentials get 429 before any lookup
    (so guessing costs no database work)."""

    def __init__(self, app, storage_url: str | None = None, invalid_credentials_per_minute: int | None = None):
        self.app = app
        redis_url = storage_url or os.environ.get("REDIS_URL")
        storage = (storage_from_string(f"async+{redis_url}", implementation="redispy") if redis_url
                   else storage_from_string("async+memory://"))
        self.limiter = FixedWindowRateLimiter(storage)
        if invalid_credentials_per_minute is None:
            invalid_credentials_per_minute = Settings().invalid_credentials_per_minute
        self.invalid_limit = (RateLimitItemPerMinute(invalid_credentials_per_minute)
                              if invalid_credentials_per_minute > 0 else None)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] == "OPTIONS":
            return await self.app(scope, receive, send)
        address = self.invalid_credentials_key(scope)
        if address is not None and not await self.limiter.test(self.invalid_limit, address):
            return await self.too_many(send, *await self.blocked_headers(address))
        # The security handlers record a rejected bearer token here (server/security.py).
        rejected = scope.setdefault("state", {}).setdefault(CREDENTIAL_REJECTED, [])
        if address is not None and scope["path"].startswith(LICENSE_PATHS):
            send = noting_unknown_license_keys(send, rejected)
        try:
            buckets = await self.buckets(scope)
            if not buckets:
                return await self.app(scope, receive, send)
            allowed, headers = await self.hit(buckets)
            if not allowed:
                return await self.too_many(send, int(headers[-1][1]), headers)
            budget = RateLimitBudget(self, buckets, headers)
            scope["state"]["rate_limit"] = budget

            async def sender(message):
                if message["type"] == "http.response.start":  # the headers as they are after every charge
                    message = {**message, "headers": [*message.get("headers", []), *budget.headers]}
                await send(message)
            await self.app(scope, receive, sender)
        finally:
            if address is not None and rejected:
                await self.limiter.hit(self.invalid_limit, address)

    @staticmethod
    async def too_many(send, retry_after: int, headers):
        await send_json(send, 429, {"message": "Rate limit exceeded", "error": "rate_limit_exceeded",
                                    "retry_after": retry_after}, headers)

    def invalid_credentials_key(self, scope) -> str | None:
        """The invalid-credentials counter of the client address, for requests that carry a storefront
        key or a bearer token, and the license calls (None when the limit is off or nothing is presented)."""
        if self.invalid_limit is None or not (header(scope, b"x-storefront-key") or header(scope, b"authorization")
                                              or scope["path"].startswith(LICENSE_PATHS)):
            return None
        client = scope.get("client")
        return f"invalid-credentials:{client[0] if client else 'unknown'}"

    async def blocked_headers(self, address: str) -> tuple[int, list[tuple[bytes, bytes]]]:
        stats = await self.limiter.get_window_stats(self.invalid_limit, address)
        wait = min(self.invalid_limit.get_expiry(), max(1, math.ceil(stats.reset_time - time.time())))
        return wait, [(b"x-ratelimit-limit", str(self.invalid_limit.amount).encode()),
                      (b"x-ratelimit-remaining", b"0"),
                      (b"x-ratelimit-reset", str(math.ceil(stats.reset_time)).encode()),
                      (b"retry-after", str(wait).encode())]

    async def buckets(self, scope) -> list[tuple]:
        """[(limit item, identifier)] for the caller, or [] when unauthenticated (auth rejects it later)."""
        path = scope["path"]
        # the shop path's admin writes (shop-resources.md) count against the admin token when one is sent
        if path.startswith("/api/admin") or (not header(scope, b"x-storefront-key")
                                             and admin_write(scope.get("method", ""), path)):
            token = bearer_token(header(scope, b"authorization"))
            client = scope.get("client")
            claims = await run_in_threadpool(admin_claims, token, client[0] if client else None) if token else None
            # The security handler reuses this result instead of authenticating the same token again.
            scope.setdefault("state", {})["admin_claims"] = (token, claims)
            if not claims:
                if token or header(scope, b"authorization"):
                    scope["state"][CREDENTIAL_REJECTED].append("admin token")
                return []
            identifier = f"admin-token:{claims['token_id']}"
            return [(item(amount), identifier) for item, amount in (
                (RateLimitItemPerMinute, claims.get("rate_limit_per_minute")),
                (RateLimitItemPerDay, claims.get("rate_limit_per_day"))) if amount]
        if path.startswith("/api/shop") or path in ("/api/graphql", "/api/graphiql"):
            raw_key = header(scope, b"x-storefront-key")
            claims = await run_in_threadpool(lookup_key, raw_key) if raw_key else None
            # The security handlers reuse this result instead of looking the same key up again.
            scope.setdefault("state", {})[STOREFRONT_CLAIMS] = (raw_key, claims)
            if raw_key and claims is None:
                scope.setdefault("state", {})[CREDENTIAL_REJECTED].append("storefront key")
            if claims and claims.get("rate_limit"):
                return [(RateLimitItemPerMinute(claims["rate_limit"]), f"storefront-key:{claims['key_id']}")]
        return []

    async def hit(self, buckets, cost: int = 1, refused: bool = False) -> tuple[bool, list[tuple[bytes, bytes]]]:
        """Count `cost` units in every bucket; headers describe the tightest one."""
        allowed, tightest = not refused, None
        for limit, identifier in buckets:
            if cost:
                allowed = await self.limiter.hit(limit, identifier, cost=cost) and allowed
            stats = await self.limiter.get_window_stats(limit, identifier)
            if tightest is None or stats.remaining < tightest[1].remaining:
                tightest = (limit, stats)
        limit, stats = tightest
        reset = math.ceil(stats.reset_time)
        headers = [(b"x-ratelimit-limit", str(limit.amount).encode()),
                   (b"x-ratelimit-remaining", str(max(0, stats.remaining)).encode()),
                   (b"x-ratelimit-reset", str(reset).encode())]
        if not allowed:
            wait = min(limit.get_expiry(), max(1, math.ceil(stats.reset_time - time.time())))
            headers.append((b"retry-after", str(wait).encode()))
        return allowed, headers


class DirectRoutes:
    """Exact paths served by an ASGI app of their own (the GraphQL endpoints), before connexion's
    routing, which would first match the request against every operation of the three documents;
    connexion's exception handling is replaced by the same 500 answer."""

    def __init__(self, app, routes: dict, methods):
        self.app = app
        self.routes = routes
        self.methods = frozenset(methods)

    async def __call__(self, scope, receive, send):
        target = self.routes.get(scope["path"]) if scope["type"] == "http" and scope["method"] in self.methods else None
        if target is None:
            return await self.app(scope, receive, send)
        started = False

        async def tracking(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)
        try:
            await target(scope, receive, tracking)
        except ClientDisconnect:
            return  # the client went away while its body was read: nobody to answer
        except Exception:
            if started:
                raise
            logging.getLogger("specshop").exception("unhandled error")
            await send_json(send, 500, {"message": "Internal server error", "error": "server_error"})
