"""Demo subscription plan: the HD streaming product is sold monthly (docs/subscriptions.md)."""
import datetime
from decimal import Decimal

from storage.models import Product
from storage.subscription_models import SubscriptionPlan

PLANS = {  # sku: (name, interval unit, interval count, trial days, billing cycles, price per period)
    "VIRT-STREAMING-1M": ("Monthly", "month", 1, 0, 0, Decimal("59.00")),
}
SEEDED_AT = datetime.datetime(2026, 1, 16, 12, 0)


def seed_subscriptions():
    for sku, (name, unit, count, trial, cycles, price) in PLANS.items():
        product = Product.get_or_none(Product.sku == sku)
        if product is None:
            continue
        SubscriptionPlan.create(product=product.id, name=name, interval_unit=unit, interval_count=count,
                                trial_days=trial, billing_cycles=cycles, price=price, status=True,
                                created_at=SEEDED_AT, updated_at=SEEDED_AT)
