"""Service health: the version and whether the database (and Redis, when REDIS_URL is set) answer.

Each probe is a round trip with a short timeout; failures report only the kind of error, never the
connection string or host."""
import os
import time
from importlib import metadata

from storage.db import database

REDIS_TIMEOUT = 1.0  # seconds


def version() -> str:
    try:
        return metadata.version("specshop")
    except metadata.PackageNotFoundError:
        return "unknown"


def timed(probe) -> dict:
    started = time.perf_counter()
    try:
        probe()
    except Exception as error:  # any failure of the probe means the dependency is not usable
        return {"status": "unavailable", "error": type(error).__name__}
    return {"status": "ok", "latency_ms": round((time.perf_counter() - started) * 1000, 2)}


def probe_database():
    with database.connection_context():
        database.execute_sql("SELECT 1").fetchone()


def probe_redis(url: str):
    import redis  # only deployments with REDIS_URL need the client loaded
    client = redis.Redis.from_url(url, socket_timeout=REDIS_TIMEOUT, socket_connect_timeout=REDIS_TIMEOUT)
    try:
        client.ping()
    finally:
        client.close()


def health(environment=None) -> tuple[dict, int]:
    """(document, HTTP status): 503 when the database does not answer."""
    environment = os.environ if environment is None else environment
    checks = {"database": timed(probe_database)}
    if environment.get("REDIS_URL"):
        checks["redis"] = timed(lambda: probe_redis(environment["REDIS_URL"]))
    if checks["database"]["status"] != "ok":
        status = "unavailable"
    elif any(check["status"] != "ok" for check in checks.values()):
        status = "degraded"
    else:
        status = "ok"
    return {"status": status, "version": version(), "checks": checks}, 503 if status == "unavailable" else 200
