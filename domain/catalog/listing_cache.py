"""The ordered ids of a product list, computed once per catalog version.

A list request used to count its matches and read its page at an offset: both grow with the catalog
(a count visits every listed product, a deep page every product before it). Instead, the ids of the
whole list, in order, are read once and kept under the catalog version (`CatalogVersion`, raised by
triggers on every write to the tables a list reads, migration 0027); each request then reads the
version (with the settings version, one primary-key read per request) and slices its page from memory. The version is read before the ids,
so ids cached under a version always reflect at least that version's data.

Ids are kept as 8-byte integers (`array`), at most `MAX_CACHED_IDS` in all per process, least
recently used lists dropped first; entries of older versions are dropped as soon as a newer version
is seen.
"""
import threading
from array import array
from collections import OrderedDict

from domain import settings_cache
from storage.db import database

MAX_CACHED_IDS = 4_000_000  # about 32 MB
_lock = threading.Lock()
_lists: OrderedDict = OrderedDict()  # (database, sql, params) -> array of ids
_state = {"version": None, "size": 0}


def catalog_version() -> int | None:
    versions = settings_cache.catalog_versions()
    return versions[0] if versions else None


def database_identity() -> int:
    return id(database.obj)  # a process that switches databases (tests, tools) never mixes their lists


def ordered_ids(query) -> array:
    """The ids `query` (a select of Product.id, ordered, without limit) answers, from the cache when
    the catalog has not changed since they were read."""
    version = catalog_version()
    sql, params = query.sql()
    key = (database_identity(), sql, tuple(params))
    with _lock:
        if version is not None and version == _state["version"] and key in _lists:
            _lists.move_to_end(key)
            return _lists[key]
    ids = array("q", (row[0] for row in query.tuples()))
    if version is None:
        return ids
    with _lock:
        if _state["version"] != version:
            if _state["version"] is not None and version < _state["version"]:
                return ids  # read before a newer version another thread has seen: do not keep it
            _lists.clear()
            _state.update(version=version, size=0)
        if key not in _lists and len(ids) <= MAX_CACHED_IDS:
            _lists[key] = ids
            _state["size"] += len(ids)
            while _state["size"] > MAX_CACHED_IDS:
                _key, dropped = _lists.popitem(last=False)
                _state["size"] -= len(dropped)
    return ids


def forget():
    """Drop every cached list (tests that rebuild the database under the same version)."""
    with _lock:
        _lists.clear()
        _state.update(version=None, size=0)
