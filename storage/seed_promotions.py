"""Demo promotions of the documentation: the catalog rule "Summer 10% off" (guests and general customers
in the default channel, 2026-06-01 to 2026-08-31) and a second coupon of cart rule 1, WELCOME10 (100 uses,
one per customer, until 2027-12-31). The price index stays empty until the price-index job runs
(`specshop run` queues one at start, and the nightly job keeps it)."""
import datetime
from decimal import Decimal

from storage.promotion_models import CatalogRule
from storage.sales_models import CartRule, CartRuleCoupon

SEED_TIME = datetime.datetime(2026, 1, 15, 9, 30, 0)


def seed_promotions():
    if CatalogRule.select().exists():
        return
    CatalogRule.create(name="Summer 10% off", description="Sitewide 10% off summer collection",
                       starts_from=datetime.date(2026, 6, 1), ends_till=datetime.date(2026, 8, 31), status=True,
                       sort_order=0, condition_type=1, conditions=[], end_other_rules=False, action_type="by_percent",
                       discount_amount=Decimal(10), channel_ids=[1], customer_group_ids=[1, 2],
                       created_at=SEED_TIME, updated_at=SEED_TIME)
    if CartRule.select().where(CartRule.id == 1).exists():
        CartRuleCoupon.create(cart_rule=1, code="WELCOME10", usage_limit=100, usage_per_customer=1,
                              expired_at=datetime.datetime(2027, 12, 31, 23, 59, 59),
                              created_at=SEED_TIME, updated_at=SEED_TIME)
