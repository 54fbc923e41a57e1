"""Orders of known amounts in a window of a given year, for the reporting and dashboard tests (each
test takes a year of its own, so no window sees another test's orders)."""
import datetime
from decimal import Decimal as D

from storage.db import database
from storage.sales_models import Order
from tests.order_fixtures import Line, create_order, default_source, make_product


def at(year: int, month: int, day: int, hour: int = 12) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, 0)


def place_orders(year: int) -> dict:
    """Orders of a known window (year-03-01 .. year-03-10) and of the window before it.

    current: 03-04 60.00 (A×2 + 10 shipping, cash) and 73.05 (B + A with 10 % tax on A's 25.00 = 2.50, shipping
    5.55, transfer); 03-06 120.00 (B×3 in EUR: base amounts count, cash); 03-07 35.00 canceled (excepted).
    previous: 02-27 110.00 (A×4 + 10 shipping)."""
    a = make_product("25.00", {default_source(): 100}, name=f"Report Lamp {year}")
    b = make_product("40.00", {default_source(): 100}, name=f"Report Chair {year}")
    create_order(None, [Line(a, 2, D("25.00"))], shipping="10.00", email=f"ann{year}@example.com",
                 created_at=at(year, 3, 4, 10))
    create_order(None, [Line(b, 1, D("40.00")), Line(a, 1, D("25.00"), tax_percent=D("10"))], shipping="5.55",
                 payment="moneytransfer", email=f"bob{year}@example.com", created_at=at(year, 3, 4, 15))
    create_order(None, [Line(b, 3, D("40.00"))], shipping="0", currency="EUR", rate="0.92",
                 email=f"ann{year}@example.com", created_at=at(year, 3, 6, 9))
    canceled = create_order(None, [Line(a, 1, D("25.00"))], email=f"cat{year}@example.com", created_at=at(year, 3, 7))
    with database.connection_context():
        Order.update(status="canceled").where(Order.id == canceled.id).execute()
    create_order(None, [Line(a, 4, D("25.00"))], email=f"dan{year}@example.com", created_at=at(year, 2, 27))
    return {"a": a, "b": b, "window": {"start": f"{year}-03-01", "end": f"{year}-03-10"}}
