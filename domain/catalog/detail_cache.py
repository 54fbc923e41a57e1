"""Anonymous product detail documents, built once per catalog version.

Building a product's detail (its card, images, variants, attributes, links, ...) takes a few dozen
statements; an anonymous caller's document depends only on the product, the scope (channel, locale,
currency with its rate, media URL), the selected fields and the day (catalog-rule prices are by UTC
date). Such documents are kept here under the pair of catalog versions and the settings version (`catalog_version` rows 1 and
2: triggers raise them on every write to a table the detail reads, migrations 0027 and 0033): each
request reads the versions (with the settings version, one statement per request) and, when none has
moved, is answered from memory.
The versions are read before the document is built, so a document cached under a version always
reflects at least that version's data; entries of older versions are dropped as soon as a newer pair
is seen. A document whose special prices open or close later is kept only until then.

Its answer depends on nothing else, so the request may be replayed until the document's special price
changes or the day ends (domain/replay.py).

Documents are stored pickled (each hit gets a copy of its own), at most `MAX_CACHED_BYTES` in all per
process, least recently used first out. Signed-in customers and guest carts (wishlist and compare
flags, customer-group prices) are never answered from here.
"""
import datetime
import pickle
import threading
from collections import OrderedDict

from domain import replay, settings_cache
from storage.db import database

MAX_CACHED_BYTES = 16 * 1024 * 1024
_lock = threading.Lock()
_documents: OrderedDict = OrderedDict()  # key -> (pickled document, valid until or None)
_state = {"versions": None, "bytes": 0}


def utcnow() -> datetime.datetime:
    return datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)


def cached_document(key: tuple, build):
    """The document `build()` answers for `key`, from memory when the catalog has not changed since;
    `build` returns (document, valid until or None)."""
    versions = settings_cache.catalog_versions()
    key = (id(database.obj), *key)  # a process that switches databases (tests, tools) never mixes them
    now = utcnow()
    if versions is not None:
        with _lock:
            entry = _documents.get(key) if versions == _state["versions"] else None
            if entry is not None and (entry[1] is None or entry[1] > now):
                _documents.move_to_end(key)
                replay.vouch(until_tomorrow(entry[1], now))
                return pickle.loads(entry[0])
    with replay.covered():
        document, valid_until = build()
    replay.vouch(until_tomorrow(valid_until, now))
    if versions is None or (valid_until is not None and valid_until <= now):
        return document
    stored = pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL)
    with _lock:
        if _state["versions"] != versions:
            if _state["versions"] is not None and versions < _state["versions"]:
                return document  # read before a newer version another thread has seen: do not keep it
            _documents.clear()
            _state.update(versions=versions, bytes=0)
        if len(stored) <= MAX_CACHED_BYTES:
            previous = _documents.pop(key, None)
            _state["bytes"] += len(stored) - (len(previous[0]) if previous else 0)
            _documents[key] = (stored, valid_until)
            while _state["bytes"] > MAX_CACHED_BYTES:
                _key, (dropped, _until) = _documents.popitem(last=False)
                _state["bytes"] -= len(dropped)
    return document


def until_tomorrow(valid_until, now: datetime.datetime) -> datetime.datetime:
    """Catalog-rule prices are by the UTC day: nothing holds past midnight."""
    midnight = replay.next_utc_midnight(now)
    return midnight if valid_until is None else min(valid_until, midnight)


def forget():
    """Drop every cached document (tests that rebuild the database under the same versions)."""
    with _lock:
        _documents.clear()
        _state.update(versions=None, bytes=0)
