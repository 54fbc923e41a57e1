"""Observed writes: every INSERT, UPDATE and DELETE a model builds (including `save()`, `create()`,
`delete_instance()` and bulk `update().where()` / `delete().where()` / `insert_many()`) runs through
the observer set in `write_observer`, when one is set. The audit trail (`domain/audit.py`) is the one
observer: it sets itself only while an admin write runs, so every other query runs untouched.

An observer has `observe(query, kind, run)`: it runs the statement with `run()` and returns its result.
"""
from contextvars import ContextVar
from functools import partial

from peewee import ModelDelete, ModelInsert, ModelUpdate, classmethod_only

write_observer: ContextVar = ContextVar("write_observer", default=None)


def observed(query, kind: str, run):
    observer = write_observer.get()
    return run() if observer is None else observer.observe(query, kind, run)


class ObservedUpdate(ModelUpdate):
    def _execute(self, database):
        return observed(self, "update", partial(ModelUpdate._execute, self, database))


class ObservedInsert(ModelInsert):
    def _execute(self, database):
        return observed(self, "insert", partial(ModelInsert._execute, self, database))


class ObservedDelete(ModelDelete):
    def _execute(self, database):
        return observed(self, "delete", partial(ModelDelete._execute, self, database))


class ObservedWrites:
    """Model mixin: the write queries of the model are the observed ones."""

    @classmethod
    def update(cls, __data=None, **update):
        return ObservedUpdate(cls, cls._normalize_data(__data, update))

    @classmethod
    def insert(cls, __data=None, **insert):
        return ObservedInsert(cls, cls._normalize_data(__data, insert))

    @classmethod
    def insert_many(cls, rows, fields=None):
        return ObservedInsert(cls, insert=rows, columns=fields)

    @classmethod
    def insert_from(cls, query, fields):
        columns = [getattr(cls, field) if isinstance(field, str) else field for field in fields]
        return ObservedInsert(cls, insert=query, columns=columns)

    @classmethod_only
    def delete(cls):
        return ObservedDelete(cls)
