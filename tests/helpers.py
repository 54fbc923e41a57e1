"""Test helpers: SQL statement counting, per-page query counts, temporary row changes."""
import re
from contextlib import contextmanager

from server import answer_cache
from storage.db import database


# A storefront key's `last_used_at`, written at most once a minute per worker whatever the request
# (domain/storefront_keys.py): when that minute turns is chance, so it is not counted.
KEY_USE_WRITE = re.compile(r'UPDATE "storefront_key" SET "last_used_at"')


@contextmanager
def count_queries():
    """Yields a list that holds every SQL statement executed inside the block (but the key-use write)."""
    statements = []
    target = database.obj
    original = target.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        if not KEY_USE_WRITE.match(sql):
            statements.append(sql)
        return original(sql, params, *args, **kwargs)

    target.execute_sql = counting
    try:
        yield statements
    finally:
        del target.execute_sql


def list_statement_counts(client, path: str, sizes=(1, 50)) -> list[int]:
    """SQL statements issued by GET `path` at each page size (a constant count means no N+1)."""
    counts = []
    for per_page in sizes:
        client.get(path, params={"per_page": per_page})  # warm: a product list reads its ids once per catalog change
        answer_cache.forget()  # the statements of building the answer, not of replaying it
        with count_queries() as statements:
            assert client.get(path, params={"per_page": per_page}).status_code == 200
        counts.append(len(statements))
    return counts


@contextmanager
def changed(model, key: int, **values):
    """Temporarily update one row; restored afterwards so other tests see the seed."""
    with database.connection_context():
        row = model.get_by_id(key)
        original = {name: getattr(row, name) for name in values}
        model.update(**values).where(model.id == key).execute()
    try:
        yield
    finally:
        with database.connection_context():
            model.update(**original).where(model.id == key).execute()


def attribute_id(code: str) -> int:
    """The id of the attribute with this code."""
    from storage.models import Attribute
    with database.connection_context():
        return Attribute.get(Attribute.code == code).id


def option_id(code: str, label: str) -> int:
    """The id of the option `label` (admin name) of the attribute with this code."""
    from storage.models import Attribute, AttributeOption
    with database.connection_context():
        return (AttributeOption.select(AttributeOption.id).join(Attribute)
                .where(Attribute.code == code, AttributeOption.admin_name == label).get().id)


def option_count(code: str) -> int:
    from storage.models import Attribute, AttributeOption
    with database.connection_context():
        return AttributeOption.select().join(Attribute).where(Attribute.code == code).count()
