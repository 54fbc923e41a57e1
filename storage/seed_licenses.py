"""Demo licensing and order bump (docs/licenses.md), after the demo orders (so seeding issues no keys and
stays deterministic). Found by SKU:

  DL-FINANCE-GUIDE   issues one license key per unit ordered, 2 activations each, valid 365 days
  VIRT-WARRANTY-2Y   offered as an order bump at 29.99 (instead of 49.99) to carts holding SP-AUDIO-HEADPHONES
"""
import datetime
from decimal import Decimal

from storage.license_models import LicenseProduct, OrderBump
from storage.models import Product

CREATED_AT = datetime.datetime(2026, 1, 16, 9, 30, 0)


def seed_licenses():
    products = dict(Product.select(Product.sku, Product.id).where(
        Product.sku.in_(["DL-FINANCE-GUIDE", "VIRT-WARRANTY-2Y", "SP-AUDIO-HEADPHONES"])).tuples())
    if "DL-FINANCE-GUIDE" in products:
        LicenseProduct.create(product=products["DL-FINANCE-GUIDE"], mode="per_unit", activation_limit=2,
                              validity_days=365, created_at=CREATED_AT, updated_at=CREATED_AT)
    if "VIRT-WARRANTY-2Y" in products and "SP-AUDIO-HEADPHONES" in products:
        OrderBump.create(name="Add a 2-year warranty for 29.99", description="Covers your new headphones.",
                         product=products["VIRT-WARRANTY-2Y"], price_type="fixed", offer_price=Decimal("29.99"),
                         priority=10, conditions=[{"attribute": "product|sku", "operator": "==",
                                                   "value": "SP-AUDIO-HEADPHONES"}],
                         created_at=CREATED_AT, updated_at=CREATED_AT)
