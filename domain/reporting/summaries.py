"""The reports of the GraphQL overview (graphql-api/admin-api.md): sales per period, a customers
summary and the best-selling products, over a requested window. They reuse the figures and tables of
the Reporting pages (the same orders count: placed in the window, canceled ones excepted; money in
the base currency, exact)."""
from peewee import fn

from domain.common import json_number
from domain.reporting.figures import FIGURES, NOT_SALES, Scope, average, money, placed_orders, series
from domain.reporting.tables import TABLES
from domain.reporting.windows import bucket_key, chosen_period, requested_window
from storage.content_models import ProductReview
from storage.sales_models import Order

# the overview names its buckets by their rhythm
PERIOD_NAMES = {"daily": "day", "weekly": "week", "monthly": "month", "yearly": "year"}


def sales_periods(scope: Scope, start=None, end=None, period: str | None = None) -> dict:
    """One row per bucket: orders, revenue, average order value and items sold."""
    window = requested_window(start, end)
    period = chosen_period(window, PERIOD_NAMES.get(period, period))
    sales = series(FIGURES["total-sales"], window, scope, period).points
    items = {start_day: value for start_day, value, _ in series(FIGURES["total-sold-quantities"], window, scope,
                                                                period).points}
    return {"period": period, "periods": [
        {"date": bucket_key(start_day, period), "orders": orders, "totalRevenue": json_number(revenue),
         "avgOrderValue": json_number(average(revenue, orders)), "itemsSold": items.get(start_day, 0)}
        for start_day, revenue, orders in sales]}


def customer_summary(scope: Scope, start=None, end=None) -> dict:
    """Registered customers created in the window; those who ordered in it after ordering before it;
    what customers' orders in the window brought, and its average per ordering customer."""
    window = requested_window(start, end)
    new_customers = sum(count for count, _ in FIGURES["total-customers"].daily(window, scope).values())
    ordered = placed_orders(window, scope).where(Order.customer.is_null(False))
    earlier = (Order.select(Order.customer)
               .where(Order.customer.is_null(False), Order.created_at < window.since, Order.status.not_in(NOT_SALES)))
    returning = (ordered.select(fn.COUNT(Order.customer.distinct())).where(Order.customer.in_(earlier)).scalar())
    raw, customers = ordered.select(fn.SUM(Order.base_grand_total).coerce(False),
                                    fn.COUNT(Order.customer.distinct())).tuples().first()
    revenue = money(raw)
    return {"newCustomers": new_customers, "returningCustomers": int(returning or 0),
            "totalRevenue": json_number(revenue), "avgCustomerValue": json_number(average(revenue, int(customers or 0)))}


def product_summary(scope: Scope, start=None, end=None, limit: int = 10) -> dict:
    """The best-selling products by revenue, with the average of their approved reviews (null without any)."""
    window = requested_window(start, end)
    rows = TABLES["top-selling-products-by-revenue"].rows(window, scope, limit)
    ids = [row["id"] for row in rows if row["id"] is not None]
    ratings = {product_id: rating for product_id, rating in
               ProductReview.select(ProductReview.product, fn.AVG(ProductReview.rating))
               .where(ProductReview.product.in_(ids), ProductReview.status == "approved")
               .group_by(ProductReview.product).tuples()} if ids else {}
    return {"products": [
        {"productId": row["id"], "productName": row["name"], "sku": row["sku"], "unitsSold": row["quantity"],
         "totalRevenue": json_number(row["revenue"]),
         "rating": round(float(ratings[row["id"]]), 1) if ratings.get(row["id"]) is not None else None}
        for row in rows]}

