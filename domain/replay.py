"""Whether a request's answer may be replayed to the next identical request (server/answer_cache.py).

An answer may be replayed while nothing it was built from has changed. That is known for data under
the versions (domain/settings_cache.py: the settings version and the two catalog versions, raised by
triggers in the writer's transaction), and for nothing else. So a request is watched while it runs
(`watching`): every SQL statement it runs must be a read `covered` by those versions (the version
read itself, values kept under the settings version, a catalog list or detail), and at least one
operation must `vouch` for its answer: an anonymous catalog read that depends on nothing but the
request, the versions and the clock, which says until when its answer holds (a special price that
opens or closes, the day's catalog-rule prices). One statement outside a covered read (a customer's
wishlist, a search term recorded, a review count) and the answer is built afresh every time.
"""
import datetime
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from storage.db import statement_observer

_covered: ContextVar[bool] = ContextVar("replay_covered", default=False)


@dataclass
class Watch:
    vouched: bool = False
    uncovered: str | None = None  # the first statement no version covers
    valid_until: datetime.datetime | None = None  # naive UTC

    def replayable(self, now: datetime.datetime) -> bool:
        return self.vouched and self.uncovered is None and (self.valid_until is None or self.valid_until > now)


_watch: ContextVar[Watch | None] = ContextVar("replay_watch", default=None)


@contextmanager
def watching():
    """Watch the statements of the block (worker threads included: they run in a copy of this context)."""
    watch = Watch()

    def observe(sql: str):
        if not _covered.get() and watch.uncovered is None:
            watch.uncovered = sql

    token, observer_token = _watch.set(watch), statement_observer.set(observe)
    try:
        yield watch
    finally:
        statement_observer.reset(observer_token)
        _watch.reset(token)


@contextmanager
def covered():
    """The block only reads data under the versions."""
    token = _covered.set(True)
    try:
        yield
    finally:
        _covered.reset(token)


def vouch(valid_until: datetime.datetime | None):
    """The running operation's answer depends only on the request, the versions and the clock until
    `valid_until` (naive UTC; None: no limit)."""
    watch = _watch.get()
    if watch is None:
        return
    watch.vouched = True
    if valid_until is not None and (watch.valid_until is None or valid_until < watch.valid_until):
        watch.valid_until = valid_until


def next_utc_midnight(now: datetime.datetime) -> datetime.datetime:
    return datetime.datetime.combine(now.date() + datetime.timedelta(days=1), datetime.time())
