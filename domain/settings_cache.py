"""Store settings derived once per worker and kept until an admin write changes them.

What every request reads before its handler runs (its channel, locale and currency, its storefront
key) and what the cart and checkout read on every call (configuration values, the guest group,
countries and their states, tax rates) changes only through admin writes. Each worker keeps what it
derived from those rows under the settings version (`SettingsVersion`, one row that triggers raise
on every write to the settings tables, in the writer's transaction, migration 0034), so a committed
admin write is seen by every worker on its next request.

The version is read at most once per request: the outermost middleware opens a request scope
(`request_scope`), and the first lookup in it reads the version (one primary-key select) for the
rest of the request, worker threads included (they run in a copy of the request's context). Outside
a request (jobs, the CLI, tests calling the domain directly) every lookup reads the version.

Values are computed after the version is read, so a value kept under a version always reflects at
least that version's rows. An admin write (the audit trail observes it) bypasses the cache: it reads
the rows it is writing, and keeps nothing. A value read inside any other transaction is kept only in a
request scope and when the transaction has not raised the version (it may still roll back its writes). Cached values are shared between threads: they are
immutable, or callers receive a copy.
"""
import contextvars
import threading
from contextlib import contextmanager

from storage.compiled import Compiled
from storage.db import database
from storage.models import SettingsVersion
from storage.observed import write_observer

MAX_ENTRIES = 10_000
_scope: contextvars.ContextVar = contextvars.ContextVar("settings_request_scope", default=None)
_lock = threading.Lock()
_values: dict = {}
_state = {"key": None}  # (database identity, version) the values belong to
VERSION = Compiled(lambda: SettingsVersion.select(SettingsVersion.version).where(SettingsVersion.id == 1).limit(1))


@contextmanager
def request_scope():
    """One request: the settings version is read at most once inside it."""
    token = _scope.set({})
    try:
        yield
    finally:
        _scope.reset(token)


def read_version() -> int | None:
    rows = VERSION.tuples()
    return rows[0][0] if rows else None


def version() -> int | None:
    """The settings version this request sees (read once per request scope)."""
    holder = _scope.get()
    if holder is not None and "version" in holder:
        return holder["version"]
    if database.is_closed():
        with database.connection_context():
            current = read_version()
    else:
        current = read_version()
    if holder is not None:
        holder["version"] = current
    return current


def cached(name: str, key, compute):
    """`compute()`, kept under the current settings version as (`name`, `key`)."""
    if write_observer.get() is not None:  # an admin write runs (domain/audit.py): it reads what it writes
        return compute()
    current = version()
    if current is None:  # a database without the version row (before its migration)
        return compute()
    state_key = (id(database.obj), current)  # a process that switches databases never mixes their values
    with _lock:
        if _state["key"] == state_key and (name, key) in _values:
            return _values[(name, key)]
    value = compute()
    if database.in_transaction() and (_scope.get() is None or read_version() != current):
        return value  # the transaction may have written settings it could still roll back: do not keep it
    with _lock:
        if _state["key"] != state_key:
            seen = _state["key"]
            if seen is not None and seen[0] == state_key[0] and current < seen[1]:
                return value  # read under an older version than another thread has seen: do not keep it
            _values.clear()
            _state["key"] = state_key
        if len(_values) >= MAX_ENTRIES:  # request headers name the scope: unknown values must not pile up
            _values.clear()
        _values[(name, key)] = value
    return value


def forget():
    """Drop every cached value (tests that rebuild the database under the same version)."""
    with _lock:
        _values.clear()
        _state["key"] = None
