"""Schema changes go through numbered migrations (peewee's playhouse.migrations runner)."""
from pathlib import Path

from playhouse.migrations import Runner

from storage import (
    admin_models, admin_sales_models, audit_models, booking_models, content_models, customer_care_models, customer_models,
    data_transfer_models, job_models, marketing_models, models, promotion_models, reservation_models, sales_models,
    search_models, seo_models, webhook_models, wishlist_models,
)
from storage import license_models
from storage import marketplace_models
from storage import subscription_models
from storage.db import database

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def migrate() -> list[str]:
    """Apply pending migrations; returns the names applied."""
    runner = Runner(database.obj, directory=str(MIGRATIONS_DIR))
    pending = [m.name for m in runner.migrations() if m.name not in runner.applied()]
    runner.up()
    return pending


def all_models() -> list:
    """Every model of the application (catalog, customers, admin, sales, content, wishlists, newsletter
    and booking), for schema checks."""
    return [*models.ALL_MODELS, *customer_models.MODELS, *admin_models.MODELS, *sales_models.MODELS,
            *content_models.MODELS, *wishlist_models.MODELS, *search_models.MODELS, *promotion_models.MODELS,
            *admin_sales_models.MODELS, *customer_care_models.MODELS, *booking_models.MODELS,
            *seo_models.MODELS, *marketing_models.MODELS, *webhook_models.MODELS, *data_transfer_models.MODELS,
            *audit_models.MODELS, *reservation_models.MODELS, *job_models.MODELS,
            *license_models.MODELS,
            *marketplace_models.MODELS,
            *subscription_models.MODELS]
