"""Reports on 100,000 orders: the time of the reporting and dashboard aggregates (median of 5 runs).

`python -m bench.reports [--orders N]` (part of `make bench`) seeds a scratch SQLite database with the demo
catalog and N orders of one or two lines spread over the last two years, then times the reports an admin
opens most: a year of total sales by month, 30 days by day, top products and customers, the dashboard
cards. Every figure is an SQL aggregate grouped by day, so the time follows the orders in the window, not
Python work per order.
"""
import argparse
import datetime
import random
import statistics
import tempfile
import time
from decimal import Decimal
from pathlib import Path

BATCH = 1000


def seed_orders(count: int):
    from storage.db import database
    from storage.models import Product, utcnow
    from storage.sales_models import Order, OrderItem, OrderPayment
    rng = random.Random(11)
    products = [(row.id, row.sku, row.price) for row in Product.select(Product.id, Product.sku, Product.price)
                .where(Product.parent.is_null()).limit(200)]
    now = utcnow()
    next_id = (Order.select(Order.id).order_by(Order.id.desc()).scalar() or 0) + 1
    for first in range(0, count, BATCH):
        orders, items, payments = [], [], []
        for number in range(first, min(first + BATCH, count)):
            order_id = next_id + number
            placed = now - datetime.timedelta(minutes=rng.randint(0, 2 * 365 * 24 * 60))
            lines = rng.sample(products, rng.randint(1, 2))
            total = Decimal(0)
            for product_id, sku, price in lines:
                qty = rng.randint(1, 3)
                total += price * qty
                items.append({"order": order_id, "product": product_id, "product_type": "simple", "sku": sku,
                              "name": sku, "qty_ordered": qty, "price": price, "base_price": price,
                              "total": price * qty, "base_total": price * qty, "created_at": placed})
            orders.append({"id": order_id, "increment_id": str(order_id), "status": rng.choice(
                ("pending", "processing", "completed", "canceled")), "channel": 1, "customer_email":
                f"bench{rng.randint(1, 5000)}@example.com", "customer_first_name": "Bench", "customer_last_name": "Buyer",
                "base_currency_code": "USD", "order_currency_code": "USD", "exchange_rate": Decimal(1),
                "sub_total": total, "base_sub_total": total, "grand_total": total + 10, "base_grand_total": total + 10,
                "shipping_amount": 10, "base_shipping_amount": 10, "created_at": placed, "updated_at": placed})
            payments.append({"order": order_id, "method": rng.choice(("cashondelivery", "moneytransfer")),
                             "method_title": "Bench"})
        with database.atomic():
            Order.insert_many(orders).execute()
            OrderItem.insert_many(items).execute()
            OrderPayment.insert_many(payments).execute()


def timed(call, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    return statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--products", type=int, default=1000)
    arguments = parser.parse_args()
    from domain import reporting
    from domain.reporting.dashboard import dashboard
    from storage.db import database, init_database
    from storage.schema import migrate
    from storage.seed import seed_catalog
    with tempfile.TemporaryDirectory() as folder:
        init_database(f"sqlite:///{Path(folder) / 'reports.db'}")
        with database.connection_context():
            migrate()
            seed_catalog(products=arguments.products, show_progress=False)
            started = time.perf_counter()
            seed_orders(arguments.orders)
            print(f"seeded {arguments.orders} orders in {time.perf_counter() - started:.1f} s")
            today = datetime.date.today()
            year = {"start": (today - datetime.timedelta(days=364)).isoformat(), "end": today.isoformat()}
            checks = {
                "total sales, 30 days by day": lambda: reporting.report("sales", "total-sales"),
                "total sales, a year by month": lambda: reporting.report("sales", "total-sales", period="month", **year),
                "sold quantities, a year by week": lambda: reporting.report("products", "total-sold-quantities",
                                                                            period="week", **year),
                "top products by revenue, a year": lambda: reporting.view("products", "top-selling-products-by-revenue",
                                                                          **year),
                "customers with most sales, a year": lambda: reporting.view("customers", "customers-with-most-sales",
                                                                            **year),
                "dashboard cards, 30 days": lambda: dashboard("over-all"),
            }
            width = max(len(name) for name in checks)
            for name, call in checks.items():
                print(f"{name:<{width}}  {timed(call):8.1f} ms")
        database.obj.close_all()


if __name__ == "__main__":
    main()
