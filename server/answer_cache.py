"""Answers replayed to identical requests while the data they were built from is unchanged.

A storefront asks for the same catalog pages over and over. When a request's answer was built only
from data under the versions (domain/replay.py decides, by watching every statement the request
runs) it is kept here under the versions the request read before its handler ran, and the next
identical request that sees the same versions gets it back without routing, validation or handler:
the middlewares outside this one (rate limits, request ids, CORS, the ETag) still run. A write to
anything the answer was built from raises a version in the writer's transaction, so the next
request after the commit, in every worker, builds the answer afresh.

Identical means the same method, path, query string and headers, but for headers no answer depends
on (`IGNORED_HEADERS`); requests with credentials (`Authorization`) are never answered from here.
GraphQL queries are replayed by the GraphQL endpoint (server/graphql.py), keyed by the same request
headers and their body: their cost is charged and reported afresh every time.

At most `MAX_BYTES` of answers per store (REST, GraphQL) and process, least recently used first out;
answers read under older versions are dropped as soon as newer ones are seen.
"""
import threading
from collections import OrderedDict
from dataclasses import dataclass

from domain import replay, settings_cache
from domain.catalog import detail_cache
from server.security import looked_up_key
from storage.db import database

MAX_BYTES = 8 * 1024 * 1024
IGNORED_HEADERS = frozenset({
    b"user-agent", b"accept-encoding", b"connection", b"keep-alive", b"te", b"content-length", b"if-none-match",
    b"if-modified-since", b"x-request-id", b"traceparent", b"tracestate", b"referer", b"cache-control", b"pragma",
    b"dnt", b"origin", b"upgrade-insecure-requests", b"priority", b"x-forwarded-for", b"x-real-ip"})


@dataclass
class Answer:
    versions: tuple
    valid_until: object  # naive UTC datetime or None
    payload: object  # REST: (response headers, body); GraphQL: (query cost, the result's `data` as JSON)
    size: int


class AnswerStore:
    def __init__(self, max_bytes: int = MAX_BYTES):
        self.max_bytes = max_bytes
        self.lock = threading.Lock()
        self.answers: OrderedDict = OrderedDict()
        self.versions = None
        self.size = 0

    def get(self, key, versions: tuple):
        with self.lock:
            answer = self.answers.get(key) if versions == self.versions else None
            if answer is None or (answer.valid_until is not None and answer.valid_until <= detail_cache.utcnow()):
                return None
            self.answers.move_to_end(key)
            return answer.payload

    def put(self, key, answer: Answer):
        if answer.size > self.max_bytes:
            return
        with self.lock:
            if self.versions != answer.versions:
                if self.versions is not None and answer.versions < self.versions:
                    return  # built under older versions than another request has seen
                self.answers.clear()
                self.versions, self.size = answer.versions, 0
            previous = self.answers.pop(key, None)
            self.size += answer.size - (previous.size if previous else 0)
            self.answers[key] = answer
            while self.size > self.max_bytes:
                _key, dropped = self.answers.popitem(last=False)
                self.size -= dropped.size

    def forget(self):
        with self.lock:
            self.answers.clear()
            self.versions, self.size = None, 0


REST_ANSWERS = AnswerStore()
GRAPHQL_ANSWERS = AnswerStore()


def forget():
    """Drop every kept answer (tests that measure building them)."""
    REST_ANSWERS.forget()
    GRAPHQL_ANSWERS.forget()


def replay_key(scope, body: bytes = b"") -> tuple | None:
    """What identifies a request's answer, or None when it carries credentials or the request has
    not read the versions before its handler (nothing to check a kept answer against)."""
    headers = []
    for name, value in scope.get("headers", ()):
        name = name.lower()
        if name == b"authorization":
            return None
        if name not in IGNORED_HEADERS and not name.startswith(b"sec-"):
            headers.append((name, value))
    headers.sort()
    return (id(database.obj), scope["method"], scope["path"], scope.get("query_string", b""), tuple(headers), body)


def kept(store: AnswerStore, key):
    versions = settings_cache.request_versions()
    return store.get(key, versions) if key is not None and versions else None


def keep(store: AnswerStore, key, watch: replay.Watch, payload, size: int):
    versions = settings_cache.request_versions()
    if key is not None and versions and watch.replayable(detail_cache.utcnow()):
        store.put(key, Answer(versions, watch.valid_until, payload, size + len(key[-1])))


def valid_key_or_none(scope) -> bool:
    """No storefront key, or one the rate-limit middleware found valid in this request (a key that has
    expired since an answer was kept raises no version: it must be refused, not replayed to)."""
    raw_key = next((value.decode("latin-1") for name, value in scope.get("headers", ())
                    if name.lower() == b"x-storefront-key"), None)
    if raw_key is None:
        return True
    known, claims = looked_up_key(scope, raw_key)
    return known and claims is not None


class AnswerCacheMiddleware:
    """REST reads (GET, HEAD) answered 200 from data under the versions are replayed."""

    def __init__(self, app, store: AnswerStore = REST_ANSWERS):
        self.app = app
        self.store = store

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("GET", "HEAD"):
            return await self.app(scope, receive, send)
        key = replay_key(scope)
        if key is None or settings_cache.request_versions() is None or not valid_key_or_none(scope):
            return await self.app(scope, receive, send)
        if (answer := kept(self.store, key)) is not None:
            headers, body = answer
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            return await send({"type": "http.response.body", "body": body})
        start, chunks = None, []

        async def recording(message):
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif start["status"] == 200:
                chunks.append(message.get("body", b""))
            await send(message)

        with replay.watching() as watch:
            await self.app(scope, receive, recording)
        if start is not None and start["status"] == 200 and not any(
                name.lower() == b"set-cookie" for name, _value in start.get("headers", ())):
            body = b"".join(chunks)
            headers = list(start.get("headers", ()))
            keep(self.store, key, watch, (headers, body), len(body) + sum(len(n) + len(v) for n, v in headers))
