"""Cross-cutting behaviour: request ids, the 1 MB body limit, rate limits (in-process and shared via Redis)."""
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from domain.storefront_keys import hash_key
from storage.db import database
from storage.models import StorefrontKey

ROOT = Path(__file__).resolve().parent.parent


def make_key(raw: str, rate_limit: int) -> str:
    with database.connection_context():
        StorefrontKey.create(name=f"limit {rate_limit}", key_prefix=raw[:18], key_hash=hash_key(raw),
                             rate_limit=rate_limit)
    return raw


def test_request_id_is_generated_or_echoed(client):
    generated = client.get("/api/shop/locales").headers["X-Request-Id"]
    assert len(generated) == 32 and int(generated, 16) >= 0
    assert client.get("/api/shop/locales", headers={"X-Request-Id": "req-42.a"}).headers["X-Request-Id"] == "req-42.a"
    replaced = client.get("/api/shop/locales", headers={"X-Request-Id": "no spaces allowed"}).headers["X-Request-Id"]
    assert replaced != "no spaces allowed" and len(replaced) == 32
    missing_key = client.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": ""})
    assert "X-Request-Id" in missing_key.headers


def test_bodies_over_one_megabyte_get_413(client):
    big = b'{"query": "' + b"x" * (1024 * 1024) + b'"}'
    declared = client.post("/api/graphql", content=big, headers={"Content-Type": "application/json"})
    assert declared.status_code == 413
    assert declared.json() == {"message": "The request body is larger than 1 MB.", "error": "payload_too_large"}

    def chunks():
        for _ in range(20):
            yield b"x" * 65536
    streamed = client.post("/api/graphql", content=chunks(), headers={"Content-Type": "application/json"})
    assert streamed.status_code == 413


def test_rate_limit_headers_and_429(client):
    key = make_key("pk_storefront_rate_limited_three_per_minute_01", 3)
    responses = [client.get("/api/shop/locales", headers={"X-STOREFRONT-KEY": key}) for _ in range(3)]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert [r.headers["X-RateLimit-Remaining"] for r in responses] == ["2", "1", "0"]
    assert responses[0].headers["X-RateLimit-Limit"] == "3"
    assert int(responses[0].headers["X-RateLimit-Reset"]) >= int(time.time())
    limited = client.post("/api/graphql", json={"query": "{ locales { totalCount } }"},
                          headers={"X-STOREFRONT-KEY": key})
    assert limited.status_code == 429
    body = limited.json()
    assert body["message"] == "Rate limit exceeded" and body["error"] == "rate_limit_exceeded"
    assert 1 <= body["retry_after"] <= 60 and limited.headers["Retry-After"] == str(body["retry_after"])
    other = client.get("/api/shop/locales")
    assert other.status_code == 200


def test_cors_exposes_paging_and_rate_limit_headers(client):
    response = client.get("/api/shop/locales", headers={"Origin": "https://shop.example"})
    exposed = {name.strip() for name in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"X-Total-Count", "X-RateLimit-Limit", "X-RateLimit-Remaining", "X-RateLimit-Reset", "Retry-After",
            "X-Request-Id"} <= exposed


def redis_url() -> str | None:
    url = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/15")
    try:
        import redis
        redis.Redis.from_url(url, socket_connect_timeout=1).ping()
        return url
    except Exception:
        return None


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_worker(port: int, environment: dict) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "uvicorn", "server.asgi:app", "--port", str(port),
                                "--log-level", "warning"], cwd=ROOT, env=environment)
    deadline = time.monotonic() + 120  # building the app reads every spec: slow on a busy machine
    while time.monotonic() < deadline and process.poll() is None:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("worker did not start")


@pytest.mark.skipif(redis_url() is None, reason="needs Redis (REDIS_URL or 127.0.0.1:6379)")
def test_two_workers_share_one_budget_through_redis(app, tmp_path):
    import redis
    url = redis_url()
    redis.Redis.from_url(url).flushdb()
    key = make_key(f"pk_storefront_shared_budget_{int(time.time() * 1000)}", 10)
    environment = {**os.environ, "REDIS_URL": url, "DATABASE_URL": os.environ.get("DATABASE_URL") or
                   database.obj.database and f"sqlite:///{database.obj.database}", "PYTHONWARNINGS": "ignore"}
    ports = [free_port(), free_port()]
    workers = [start_worker(port, environment) for port in ports]
    try:
        statuses = []
        for index in range(16):  # alternate between the two workers
            response = httpx.get(f"http://127.0.0.1:{ports[index % 2]}/api/shop/locales",
                                 headers={"X-STOREFRONT-KEY": key}, timeout=10)
            statuses.append(response.status_code)
        # Each worker alone would allow 8 + 8; a shared budget allows exactly 10.
        assert statuses.count(200) == 10 and statuses.count(429) == 6, statuses
        assert statuses[:10] == [200] * 10
    finally:
        for worker in workers:
            worker.terminate()
            worker.wait()


def test_admin_token_limits_per_minute_and_day(client):
    from tests.admin_fixtures import bearer, make_admin
    _admin, per_minute = make_admin("all", label="limited", rate_limit_per_minute=2, rate_limit_per_day=100)
    statuses = [client.get("/api/admin/settings/roles", headers=bearer(per_minute)) for _ in range(3)]
    assert [r.status_code for r in statuses] == [200, 200, 429]
    assert statuses[0].headers["X-RateLimit-Limit"] == "2" and statuses[1].headers["X-RateLimit-Remaining"] == "0"
    assert statuses[2].json()["error"] == "rate_limit_exceeded" and "Retry-After" in statuses[2].headers
    _admin, per_day = make_admin("all", label="daily", rate_limit_per_minute=None, rate_limit_per_day=1)
    day = [client.get("/api/admin/settings/roles", headers=bearer(per_day)) for _ in range(2)]
    assert [r.status_code for r in day] == [200, 429]
    _admin, unlimited = make_admin("all", label="unlimited")
    free = client.get("/api/admin/settings/roles", headers=bearer(unlimited))
    assert free.status_code == 200 and "X-RateLimit-Limit" not in free.headers
