"""Test helpers: counting SQL statements issued while a block runs."""
from contextlib import contextmanager

from storage.db import database


@contextmanager
def count_queries():
    """Yields a list that holds every SQL statement executed inside the block."""
    statements = []
    target = database.obj
    original = target.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        statements.append(sql)
        return original(sql, params, *args, **kwargs)

    target.execute_sql = counting
    try:
        yield statements
    finally:
        del target.execute_sql
