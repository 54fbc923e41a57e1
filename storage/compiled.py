"""Peewee queries compiled to SQL once per database, for the reads every request makes.

Building a select's SQL text costs more than running it on a small table. `Compiled(build, *markers)`
calls `build(*markers)` once per database to get the query, keeps its SQL text and parameter list,
and remembers where each marker sits in that list; every call then puts its arguments in the
markers' places and runs the text as it is (`rows` answers model instances, with any aliased
columns as attributes, as `.objects()` does). Markers must be values the query's fields pass through
unchanged (strings for text columns, integers for integer ones) and must not occur as constants.
"""
import threading

from storage.db import database


class Compiled:
    def __init__(self, build, *markers):
        self.build, self.markers = build, markers
        self.compiled: dict[int, tuple] = {}  # id(database) -> (model, sql, [marker index or ("value", v)])
        self.lock = threading.Lock()

    def prepared(self) -> tuple:
        key = id(database.obj)
        found = self.compiled.get(key)
        if found is None:
            query = self.build(*self.markers)
            sql, params = query.sql()
            slots = [self.markers.index(value) if value in self.markers else ("value", value) for value in params]
            found = (query.model, sql, slots)
            with self.lock:
                self.compiled[key] = found
        return found

    def rows(self, *arguments) -> list:
        model, sql, slots = self.prepared()
        params = [arguments[slot] if isinstance(slot, int) else slot[1] for slot in slots]
        return list(model.raw(sql, *params))

    def first(self, *arguments):
        found = self.rows(*arguments)
        return found[0] if found else None
