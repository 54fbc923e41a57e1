"""Helpers for the admin catalog tests: restoring catalog tables, and the nested set as it should be."""
from contextlib import contextmanager

from storage.db import database
from storage.models import Category


@contextmanager
def restored(*models):
    """Snapshot the rows of `models` (parents first); afterwards changed rows get their values back,
    deleted rows return and added rows go, so later tests see the seed. Tables without an `id`
    (link tables) are emptied and refilled."""
    with database.connection_context():
        snapshot = {model: list(model.select().dicts()) for model in models}
    try:
        yield
    finally:
        with database.connection_context(), database.atomic():
            for model in models:
                restore(model, snapshot[model])
            for model in reversed(models):
                if "id" in model._meta.fields:
                    model.delete().where(model.id.not_in([row["id"] for row in snapshot[model]])).execute()


def restore(model, rows: list[dict]):
    if "id" not in model._meta.fields:
        model.delete().execute()
        if rows:
            model.insert_many(rows).execute()
        return
    present = {key for (key,) in model.select(model.id).tuples()}
    for row in rows:
        if row["id"] in present:
            model.update(row).where(model.id == row["id"]).execute()
        else:
            model.insert(row).execute()


def expected_bounds() -> dict[int, tuple[int, int]]:
    """{id: (lft, rgt)} recomputed from parent links and (position, id) order, as the seed numbers them."""
    with database.connection_context():
        rows = list(Category.select(Category.id, Category.parent, Category.position).tuples())
    children: dict = {}
    for key, parent, position in sorted(rows, key=lambda row: (row[2], row[0])):
        children.setdefault(parent, []).append(key)
    bounds, counter = {}, 0

    def visit(key):
        nonlocal counter
        counter += 1
        left = counter
        for child in children.get(key, []):
            visit(child)
        counter += 1
        bounds[key] = (left, counter)

    for root in children.get(None, []):
        visit(root)
    return bounds


def stored_bounds() -> dict[int, tuple[int, int]]:
    with database.connection_context():
        return {key: (lft, rgt) for key, lft, rgt in Category.select(Category.id, Category.lft, Category.rgt).tuples()}
