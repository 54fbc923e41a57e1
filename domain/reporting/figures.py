"""Figures over time: one SQL aggregate per figure and window, grouped by day in the database, then
rolled up into the requested buckets (a few rows per day, never one per order).

Sales are in the base currency (`base_*` columns), exact: money columns are summed as their stored
integers (1/10000) and turned into Decimals once. Orders count from the moment they are placed
(`created_at`), canceled ones excepted; refunds are the refunded invoices.
"""
import datetime
from dataclasses import dataclass
from decimal import Decimal
from typing import Callable

from peewee import fn

from domain.reporting.windows import Window, bucket_key, bucket_label, bucket_start, buckets
from storage.customer_models import Customer
from storage.fields import MONEY_SCALE
from storage.sales_models import Cart, CartItem, Invoice, Order, OrderItem
from storage.wishlist_models import WishlistItem

NOT_SALES = ("canceled",)
CENT = Decimal("0.0001")


def money(raw) -> Decimal:
    """A SUM of a money column (stored integers) as an exact Decimal."""
    return (Decimal(int(raw or 0)) / MONEY_SCALE).quantize(CENT)


def as_date(value) -> datetime.date:
    return value if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime) \
        else datetime.date.fromisoformat(str(value)[:10])


@dataclass(frozen=True)
class Scope:
    channel_id: int | None = None


def placed_orders(window: Window, scope: Scope):
    query = Order.select().where(Order.created_at >= window.since, Order.created_at < window.until,
                                 Order.status.not_in(NOT_SALES))
    return query.where(Order.channel == scope.channel_id) if scope.channel_id else query


def by_day(query, column, value, count, money_value: bool) -> dict:
    """{date: (value, count)} of `query` grouped by the day of `column`."""
    day = fn.DATE(column)
    rows = query.select(day.alias("day"), value.alias("value"), count.alias("count")).group_by(day).tuples()
    return {as_date(key): (money(total) if money_value else int(total or 0), int(number or 0))
            for key, total, number in rows}


def order_sum(column) -> Callable:
    def daily(window: Window, scope: Scope) -> dict:
        return by_day(placed_orders(window, scope), Order.created_at, fn.SUM(column).coerce(False),
                      fn.COUNT(Order.id), True)
    return daily


def order_count(window: Window, scope: Scope) -> dict:
    return by_day(placed_orders(window, scope), Order.created_at, fn.COUNT(Order.id), fn.COUNT(Order.id), False)


def refunds(window: Window, scope: Scope) -> dict:
    query = (Invoice.select().join(Order)
             .where(Invoice.state == "refunded", Invoice.updated_at >= window.since, Invoice.updated_at < window.until))
    if scope.channel_id:
        query = query.where(Order.channel == scope.channel_id)
    return by_day(query, Invoice.updated_at, fn.SUM(Invoice.base_grand_total).coerce(False), fn.COUNT(Invoice.id), True)


def new_customers(window: Window, scope: Scope) -> dict:
    query = Customer.select().where(Customer.created_at >= window.since, Customer.created_at < window.until)
    if scope.channel_id:
        query = query.where(Customer.channel == scope.channel_id)
    return by_day(query, Customer.created_at, fn.COUNT(Customer.id), fn.COUNT(Customer.id), False)


def sold_quantities(window: Window, scope: Scope) -> dict:
    query = (OrderItem.select().join(Order)
             .where(OrderItem.parent.is_null(), Order.created_at >= window.since, Order.created_at < window.until,
                    Order.status.not_in(NOT_SALES)))
    if scope.channel_id:
        query = query.where(Order.channel == scope.channel_id)
    return by_day(query, Order.created_at, fn.SUM(OrderItem.qty_ordered), fn.COUNT(OrderItem.id), False)


def wishlisted(window: Window, scope: Scope) -> dict:
    query = WishlistItem.select().where(WishlistItem.created_at >= window.since, WishlistItem.created_at < window.until)
    if scope.channel_id:
        query = query.where(WishlistItem.channel == scope.channel_id)
    return by_day(query, WishlistItem.created_at, fn.COUNT(WishlistItem.id), fn.COUNT(WishlistItem.id), False)


def abandoned_carts(window: Window, scope: Scope) -> dict:
    """Carts still open (never ordered) that hold items, by the day they were started."""
    query = Cart.select().where(Cart.is_active == True, Cart.created_at >= window.since,  # noqa: E712
                                Cart.created_at < window.until, Cart.id.in_(CartItem.select(CartItem.cart)))
    if scope.channel_id:
        query = query.where(Cart.channel == scope.channel_id)
    return by_day(query, Cart.created_at, fn.COUNT(Cart.id), fn.COUNT(Cart.id), False)


def nothing(window: Window, scope: Scope) -> dict:
    """Figures the store does not record (storefront visits)."""
    return {}


@dataclass(frozen=True)
class Figure:
    key: str                      # the statistics key ("sales", "orders", ...)
    daily: Callable               # (window, scope) -> {date: (value, count)}
    money: bool = False
    average: bool = False         # value per counted row (average order value)
    counted: bool = False         # over_time points carry `count`
    label: str = "Total"          # the value column of the detailed table


FIGURES = {
    "total-sales": Figure("sales", order_sum(Order.base_grand_total), money=True, counted=True, label="Total Sales"),
    "average-sales": Figure("sales", order_sum(Order.base_grand_total), money=True, average=True, counted=True,
                            label="Average Sales"),
    "total-orders": Figure("orders", order_count, label="Orders"),
    "tax-collected": Figure("tax_collected", order_sum(Order.base_tax_amount), money=True, counted=True,
                            label="Tax Collected"),
    "shipping-collected": Figure("shipping_collected", order_sum(Order.base_shipping_amount), money=True,
                                 counted=True, label="Shipping Collected"),
    "refunds": Figure("refunds", refunds, money=True, counted=True, label="Refunds"),
    "abandoned-carts": Figure("carts", abandoned_carts, label="Abandoned Carts"),
    "total-customers": Figure("customers", new_customers, label="Customers"),
    "customers-traffic": Figure("visitors", nothing, label="Visitors"),
    "total-sold-quantities": Figure("quantities", sold_quantities, label="Quantities"),
    "total-products-added-to-wishlist": Figure("wishlist", wishlisted, label="Added To Wishlist"),
    "total-visitors": Figure("visitors", nothing, label="Visitors"),
}


@dataclass(frozen=True)
class Series:
    """A figure over one window: its total and its points per bucket."""
    total: object
    count: int
    points: list  # [(bucket start, value, count)]


def series(figure: Figure, window: Window, scope: Scope, period: str) -> Series:
    daily = figure.daily(window, scope)
    starts = buckets(window, period)
    zero = Decimal(0) if figure.money else 0
    sums = {start: [zero, 0] for start in starts}
    for day, (value, count) in daily.items():
        sums[bucket_start(day, period)][0] += value
        sums[bucket_start(day, period)][1] += count
    total = sum((value for value, _ in daily.values()), zero)
    count = sum(number for _, number in daily.values())
    if figure.average:
        points = [(start, average(value, number), number) for start, (value, number) in sums.items()]
        return Series(average(total, count), count, points)
    return Series(total, count, [(start, value, number) for start, (value, number) in sums.items()])


def average(total: Decimal, count: int) -> Decimal:
    return (total / count).quantize(Decimal("0.01")) if count else Decimal(0)


def point(start: datetime.date, value, count: int, figure: Figure, period: str, as_number) -> dict:
    item = {"label": bucket_label(start, period), "total": as_number(value)}
    if figure.counted:
        item["count"] = count
    return item


def table_key(start: datetime.date, period: str) -> str:
    return bucket_key(start, period)
