"""Vendor performance figures, each one SQL aggregate over the vendor's sub-orders: sub-orders placed,
delivered and open, units sold, revenue (line totals minus discounts, base currency), commission, earnings
and the mean hours from placement to delivery of the delivered sub-orders."""
from decimal import Decimal

from peewee import SQL, fn

from storage.db import is_sqlite
from storage.marketplace_models import MarketplaceSubOrder

HOURS_SQLITE = "(julianday(delivered_at) - julianday(created_at)) * 24.0"
HOURS_POSTGRES = "EXTRACT(EPOCH FROM (delivered_at - created_at)) / 3600.0"


def figures(vendor_id: int) -> dict:
    SubOrder = MarketplaceSubOrder
    delivered = fn.SUM(SQL("CASE WHEN status = 'delivered' THEN 1 ELSE 0 END"))
    hours = fn.AVG(SQL(HOURS_SQLITE if is_sqlite() else HOURS_POSTGRES))
    count, delivered_count, units, sub_total, discount, commission, earnings = (
        SubOrder.select(fn.COUNT(SubOrder.id), delivered, fn.SUM(SubOrder.qty_ordered), fn.SUM(SubOrder.sub_total),
                        fn.SUM(SubOrder.discount_amount), fn.SUM(SubOrder.commission_amount),
                        fn.SUM(SubOrder.vendor_amount))
        .where(SubOrder.vendor == vendor_id).tuples().get())
    mean_hours = (SubOrder.select(hours).where(SubOrder.vendor == vendor_id, SubOrder.status == "delivered",
                                              SubOrder.delivered_at.is_null(False)).scalar())

    def money(total) -> Decimal:
        return SubOrder.sub_total.python_value(total) if total is not None else Decimal(0)

    return {"vendor_id": vendor_id, "sub_orders": count or 0, "delivered": int(delivered_count or 0),
            "units": int(units or 0), "revenue": money(sub_total) - money(discount),
            "commission": money(commission), "earnings": money(earnings),
            "mean_hours": None if mean_hours is None else round(float(mean_hours), 2)}
