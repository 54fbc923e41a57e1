"""Database setup: one proxy, bound at start-up from DATABASE_URL.

SQLite (WAL, pooled, shareable across worker threads) is the default so a new
machine needs nothing but Python; PostgreSQL is used when DATABASE_URL says so.
"""
import os
from contextvars import ContextVar
from pathlib import Path
from urllib.parse import urlsplit

from peewee import DatabaseProxy, SqliteDatabase
from playhouse.db_url import parse
from playhouse.pool import PooledPostgresqlDatabase, PooledSqliteDatabase

DEFAULT_DATABASE_URL = "sqlite:///var/specshop.db"
SQLITE_PRAGMAS = {"journal_mode": "wal", "synchronous": "normal", "foreign_keys": 1, "busy_timeout": 5000}
POOL_OPTIONS = {"max_connections": 32, "stale_timeout": 300}

database = DatabaseProxy()
# Called with every SQL statement the context runs, before it runs (domain/replay.py watches what a
# request reads); None: nobody is watching.
statement_observer: ContextVar = ContextVar("statement_observer", default=None)


class ObservedStatements:
    def execute_sql(self, sql, params=None):
        observer = statement_observer.get()
        if observer is not None:
            observer(sql)
        return super().execute_sql(sql, params)


class ObservedSqliteDatabase(ObservedStatements, PooledSqliteDatabase):
    pass


class ObservedPostgresqlDatabase(ObservedStatements, PooledPostgresqlDatabase):
    pass


def database_url() -> str:
    return os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL


def make_database(url: str):
    """A pooled database for `url` (sqlite:///path or postgresql://...)."""
    scheme = url.split("://", 1)[0]
    if scheme == "sqlite":
        path = urlsplit(url).path.removeprefix("/") or ":memory:"
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Pooled connections move between worker threads, hence check_same_thread.
        # Transactions take the write lock when they begin: a deferred transaction that reads, then
        # writes, fails at once with "database is locked" when another writer got there first (the
        # busy timeout cannot help a lock upgrade); BEGIN IMMEDIATE waits its turn instead.
        return ObservedSqliteDatabase(path, pragmas=SQLITE_PRAGMAS, check_same_thread=False,
                                      lock_type="IMMEDIATE", **POOL_OPTIONS)
    if scheme in ("postgres", "postgresql"):
        return ObservedPostgresqlDatabase(**{**POOL_OPTIONS, **parse(url)})
    raise ValueError(f"unsupported DATABASE_URL scheme {scheme!r}: use sqlite:/// or postgresql://")


def init_database(url: str | None = None):
    target = make_database(url or database_url())
    database.initialize(target)
    return target


def is_sqlite() -> bool:
    return isinstance(database.obj, SqliteDatabase)
