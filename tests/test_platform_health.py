"""GET /api/health: no credentials, the version, the database (and Redis, when REDIS_URL is set)."""
from importlib import metadata

from domain import health as health_module
from storage.db import database, make_database


def test_health_answers_without_credentials_with_the_version_and_the_database(anonymous):
    response = anonymous.get("/api/health")
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["status"] == "ok" and document["version"] == metadata.version("specshop")
    assert document["checks"]["database"]["status"] == "ok"
    assert document["checks"]["database"]["latency_ms"] >= 0
    assert "redis" not in document["checks"]
    assert response.headers["X-Request-Id"]


def test_an_unreachable_database_is_503(anonymous):
    working = database.obj
    database.initialize(make_database("postgresql://nobody:secret@127.0.0.1:1/specshop"))
    try:
        response = anonymous.get("/api/health")
    finally:
        database.initialize(working)
    assert response.status_code == 503, response.text
    document = response.json()
    assert document["status"] == "unavailable"
    assert document["checks"]["database"] == {"status": "unavailable", "error": "OperationalError"}
    assert "secret" not in response.text and "127.0.0.1" not in response.text
    assert anonymous.get("/api/health").status_code == 200  # back once the database is


def test_redis_is_checked_when_configured(anonymous, monkeypatch):
    monkeypatch.setenv("REDIS_URL", "redis://127.0.0.1:1/0")
    response = anonymous.get("/api/health")
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["status"] == "degraded"
    assert document["checks"]["redis"]["status"] == "unavailable"
    assert document["checks"]["database"]["status"] == "ok"
    pinged = []
    monkeypatch.setattr(health_module, "probe_redis", lambda url: pinged.append(url))
    assert anonymous.get("/api/health").json()["checks"]["redis"]["status"] == "ok"
    assert pinged == ["redis://127.0.0.1:1/0"]
