"""Put the store settings back after tests that write them blindly (the contract test and the
permission walk create, change and delete channels, locales, currencies, rates, sources, taxes,
theme blocks, promotions, order bumps, CMS pages, configuration values, license and marketplace
settings), so the shop tests that follow still see the seed.

Use: `from tests.settings_snapshot import settings_restored  # noqa: F401` in a test module; the
autouse fixture restores the tables after every test of that module.
"""
import operator
from functools import reduce

import pytest
from peewee import CompositeKey

from storage.content_models import CmsPage, CmsPageChannel, CmsPageTranslation
from storage.db import database
from storage.license_models import LicenseProduct, OrderBump
from storage.marketplace_models import MarketplaceSetting
from storage.promotion_models import CatalogRule
from storage.sales_models import CartRule, CartRuleCoupon
from storage.models import (
    Channel, ChannelCurrency, ChannelLocale, ChannelTranslation, CoreConfig, Currency, ExchangeRate, InventorySource,
    Locale,
    Product, TaxCategory, TaxCategoryRate, TaxRate, ThemeCustomization, ThemeCustomizationTranslation,
)

# Parents before children; (model, columns to restore or None for the whole row).
SETTINGS_TABLES = (
    (Locale, None), (Currency, None), (ExchangeRate, None), (InventorySource, None), (Channel, None),
    (ChannelTranslation, None), (ChannelLocale, None), (ChannelCurrency, None), (ThemeCustomization, None),
    (ThemeCustomizationTranslation, None), (TaxCategory, None), (TaxRate, None), (TaxCategoryRate, None),
    (Product, ("id", "tax_category")), (CartRule, None), (CartRuleCoupon, None), (CatalogRule, None),
    (CmsPage, None), (CmsPageTranslation, None), (CmsPageChannel, None), (CoreConfig, None),
    (OrderBump, None), (LicenseProduct, None), (MarketplaceSetting, None),
)


def key_names(model) -> tuple[str, ...]:
    primary_key = model._meta.primary_key
    return tuple(primary_key.field_names) if isinstance(primary_key, CompositeKey) else (primary_key.name,)


def table_rows(model, columns) -> dict[tuple, dict]:
    names = key_names(model)
    fields = [getattr(model, name) for name in columns] if columns else []
    return {tuple(row[name] for name in names): row for row in model.select(*fields).dicts()}


def matching(model, key: tuple):
    return reduce(operator.and_, [getattr(model, name) == value for name, value in zip(key_names(model), key)])


class SettingsSnapshot:
    def __init__(self):
        with database.connection_context():
            self.rows = {model: table_rows(model, columns) for model, columns in SETTINGS_TABLES}

    def restore(self):
        """Delete added rows (children first), then put back changed and deleted ones (parents first)."""
        with database.connection_context(), database.atomic():
            current = {model: table_rows(model, columns) for model, columns in SETTINGS_TABLES}
            for model, columns in reversed(SETTINGS_TABLES):
                if columns is None:
                    for key in set(current[model]) - set(self.rows[model]):
                        model.delete().where(matching(model, key)).execute()
            for model, columns in SETTINGS_TABLES:
                for key, row in self.rows[model].items():
                    if key not in current[model]:
                        if columns is None:  # a partial row (Product) cannot be inserted; its owner restores it
                            model.insert(row).execute()
                    elif current[model][key] != row:
                        model.update(row).where(matching(model, key)).execute()


_seed_snapshot = None


@pytest.fixture(autouse=True)
def settings_restored(app):
    """After each test, the settings tables as they were before the module's first test (the seed)."""
    global _seed_snapshot
    if _seed_snapshot is None:
        _seed_snapshot = SettingsSnapshot()
    yield
    _seed_snapshot.restore()
