"""Storage invariants: migrations match the models, money is exact, seeding is deterministic."""
from decimal import Decimal

from playhouse.schema_diff import diff_models

from storage.db import database
from storage.models import Product
from storage.schema import all_models
from storage.seed import seed_catalog


def test_migrations_match_models(app):
    with database.connection_context():
        diff = diff_models(database.obj, all_models())
    assert not diff, f"models and storage/migrations differ; add a migration:\n{diff}"


def test_money_is_exact_through_the_database(app):
    with database.connection_context(), database.atomic() as transaction:
        product = Product.get_by_id(1)
        product.price = Decimal("1234567.8901")
        product.save()
        assert Product.get_by_id(1).price == Decimal("1234567.8901")
        total = Product.select(Product.price).where(Product.id.in_([1, 1])).scalar()
        assert total == Decimal("1234567.8901")
        transaction.rollback()


def test_seed_is_deterministic(tmp_path):
    snapshots = []
    for run in (1, 2):
        from storage.db import init_database
        previous = database.obj
        init_database(f"sqlite:///{tmp_path}/seed{run}.db")
        try:
            with database.connection_context():
                from storage.schema import migrate
                migrate()
                seed_catalog(products=30)
                snapshots.append(list(Product.select(Product.sku, Product.price, Product.min_price).tuples()))
        finally:
            database.obj.close_all()
            database.initialize(previous)
    assert snapshots[0] == snapshots[1]
    assert len(snapshots[0]) > 30
