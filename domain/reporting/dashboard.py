"""The admin dashboard's seven sections (rest-api/admin/dashboard/stats.md), from the same figures and
tables as the reports. Amounts are base-currency; list rows carry decimals as Bagisto's columns do
("465.0000"), headline figures as numbers."""
import datetime
from collections import defaultdict
from decimal import Decimal

from peewee import JOIN, fn

from domain.errors import ApiError
from domain.reporting import as_json, base_currency, channel_scope
from domain.reporting.figures import FIGURES, Scope, money, placed_orders, series
from domain.reporting.tables import products_ranked, customers_ranked
from domain.reporting.windows import Window, bucket_label, progress, requested_window
from domain.sales.store_config import config_values
from storage.models import Channel, ChannelTranslation, Product, ProductImage, ProductInventory, ProductTranslation
from storage.sales_models import Invoice, Order, OrderAddress, OrderItem, OrderPayment

TYPES = ("over-all", "today", "stock-threshold-products", "total-sales", "total-visitors", "top-selling-products",
         "top-customers")
STOCK_THRESHOLD = "catalog.inventory.stock_options.stock_threshold"
ROWS = 5


class InvalidType(ApiError):
    def __init__(self):
        super().__init__(400, "Invalid dashboard stat type.", "invalid-type",
                         {"type": [f"Must be one of: {', '.join(TYPES)}."]})


def decimal_text(amount: Decimal | None) -> str:
    return f"{(amount or Decimal(0)):.4f}"


def compared(kind: str, window: Window, scope: Scope, currency=None) -> dict:
    figure = FIGURES[kind]
    current = series(figure, window, scope, "day").total
    previous = series(figure, window.before(), scope, "day").total
    figures = {"previous": as_json(previous), "current": as_json(current)}
    if currency is not None:
        figures["formatted_total"] = currency.format(current)
    figures["progress"] = progress(previous, current)
    return figures


def over_all(window: Window, scope: Scope, currency, media) -> dict:
    unpaid = Invoice.select(fn.SUM(Invoice.base_grand_total).coerce(False)).join(Order).where(Invoice.state == "pending")
    if scope.channel_id:
        unpaid = unpaid.where(Order.channel == scope.channel_id)
    unpaid_total = money(unpaid.scalar())
    return {"total_customers": compared("total-customers", window, scope),
            "total_orders": compared("total-orders", window, scope),
            "total_sales": compared("total-sales", window, scope, currency),
            "avg_sales": compared("average-sales", window, scope, currency),
            "total_unpaid_invoices": {"total": as_json(unpaid_total), "formatted_total": currency.format(unpaid_total)}}


def today(window: Window, scope: Scope, currency, media) -> dict:
    day = datetime.datetime.now(datetime.timezone.utc).date()
    only_today = Window(day, day)
    return {"total_sales": compared("total-sales", only_today, scope, currency),
            "total_orders": compared("total-orders", only_today, scope),
            "total_customers": compared("total-customers", only_today, scope),
            "orders": order_rows(list(placed_orders(only_today, scope).order_by(Order.id.desc()).limit(50)), currency)}


def order_rows(orders: list, currency) -> list[dict]:
    ids = [order.id for order in orders]
    payments = {order_id: title for order_id, title in OrderPayment.select(OrderPayment.order, OrderPayment.method_title)
                .where(OrderPayment.order.in_(ids)).tuples()}
    billing = {order_id: f"{city}, {country}" for order_id, city, country in
               OrderAddress.select(OrderAddress.order, OrderAddress.city, OrderAddress.country)
               .where(OrderAddress.order.in_(ids), OrderAddress.address_type == "billing").tuples()}
    items = defaultdict(list)
    for order_id, name, qty in (OrderItem.select(OrderItem.order, OrderItem.name, OrderItem.qty_ordered)
                                .where(OrderItem.order.in_(ids), OrderItem.parent.is_null()).order_by(OrderItem.id).tuples()):
        items[order_id].append(f"{name} × {qty}")
    channels = {channel_id: name for channel_id, name in ChannelTranslation.select(ChannelTranslation.channel,
                                                                                  ChannelTranslation.name).tuples()}
    return [{"id": order.id, "status": order.status,
             "increment_id": int(order.increment_id) if order.increment_id.isdigit() else order.increment_id,
             "status_label": order.status.replace("_", " ").title(), "payment_method": payments.get(order.id),
             "base_grand_total": decimal_text(order.base_grand_total),
             "formatted_base_grand_total": currency.format(order.base_grand_total),
             "channel_name": channels.get(order.channel_id), "customer_email": order.customer_email,
             "customer_name": f"{order.customer_first_name} {order.customer_last_name}",
             "items": ", ".join(items[order.id]), "billing_address": billing.get(order.id),
             "created_at": order.created_at.strftime("%d %b %Y, %H:%M:%S")} for order in orders]


def stock_threshold_products(window: Window, scope: Scope, currency, media) -> list[dict]:
    """Up to five stock-managed products whose quantity over every source is at or under the threshold."""
    channel_code = Channel.select(Channel.code).where(Channel.id == scope.channel_id).scalar() if scope.channel_id else ""
    threshold = int(config_values(STOCK_THRESHOLD, channel_code or "").get(STOCK_THRESHOLD) or 5)
    quantity = fn.COALESCE(fn.SUM(ProductInventory.qty), 0)
    rows = list(Product.select(Product.id, Product.sku, Product.price, quantity.alias("total_qty"))
                .join(ProductInventory, on=(ProductInventory.product == Product.id), join_type=JOIN.LEFT_OUTER)
                .where(Product.manage_stock == True, Product.type.in_(("simple", "virtual")))  # noqa: E712
                .group_by(Product.id, Product.sku, Product.price).having(quantity <= threshold)
                .order_by(quantity, Product.id).limit(ROWS))
    ids = [row.id for row in rows]
    names = dict(ProductTranslation.select(ProductTranslation.product, ProductTranslation.name)
                 .where(ProductTranslation.product.in_(ids)).order_by(ProductTranslation.locale.desc()).tuples())
    images = {}
    for product_id, path in (ProductImage.select(ProductImage.product, ProductImage.path)
                             .where(ProductImage.product.in_(ids)).order_by(ProductImage.position.desc()).tuples()):
        images[product_id] = path
    return [{"id": row.id, "sku": row.sku, "name": names.get(row.id), "price": decimal_text(row.price),
             "formatted_price": currency.format(row.price), "total_qty": str(row.total_qty),
             "image": media(images.get(row.id))} for row in rows]


def total_sales(window: Window, scope: Scope, currency, media) -> dict:
    points = series(FIGURES["total-sales"], window, scope, "day").points
    return {"total_orders": compared("total-orders", window, scope),
            "total_sales": compared("total-sales", window, scope, currency),
            "over_time": [{"label": bucket_label(start, "day"), "total": as_json(value), "count": count}
                          for start, value, count in points]}


def total_visitors(window: Window, scope: Scope, currency, media) -> dict:
    """Storefront visits are not recorded: every figure is zero."""
    points = series(FIGURES["total-visitors"], window, scope, "day").points
    none = {"previous": 0, "current": 0, "progress": 0}
    return {"total": none, "unique": dict(none),
            "over_time": [{"label": bucket_label(start, "day"), "total": 0} for start, _, _ in points]}


def top_selling_products(window: Window, scope: Scope, currency, media) -> list[dict]:
    rows = products_ranked("revenue")(window, scope, ROWS)
    ids = [row["id"] for row in rows if row["id"]]
    prices = dict(Product.select(Product.id, Product.price).where(Product.id.in_(ids)).tuples())
    images = defaultdict(list)
    for image in ProductImage.select().where(ProductImage.product.in_(ids)).order_by(ProductImage.position):
        images[image.product_id].append({"id": image.id, "type": image.type, "path": image.path,
                                         "product_id": image.product_id, "position": image.position,
                                         "url": media(image.path)})
    return [{"id": row["id"], "name": row["name"], "price": decimal_text(prices.get(row["id"])),
             "formatted_price": currency.format(prices.get(row["id"]) or Decimal(0)),
             "revenue": decimal_text(row["revenue"]), "formatted_revenue": currency.format(row["revenue"]),
             "images": images[row["id"]]} for row in rows]


def top_customers(window: Window, scope: Scope, currency, media) -> list[dict]:
    return [{"id": row["id"], "email": row["email"], "full_name": row["name"], "total": decimal_text(row["total"]),
             "orders": row["orders"], "formatted_total": currency.format(row["total"]), "datetime": None}
            for row in customers_ranked("total")(window, scope, ROWS)]


SECTIONS = {"over-all": over_all, "today": today, "stock-threshold-products": stock_threshold_products,
            "total-sales": total_sales, "total-visitors": total_visitors, "top-selling-products": top_selling_products,
            "top-customers": top_customers}


def dashboard(kind: str | None, start=None, end=None, channel: str | None = None, media=lambda path: path) -> dict:
    kind = kind or "over-all"
    if kind not in SECTIONS:
        raise InvalidType()
    window, scope = requested_window(start, end), channel_scope(channel)
    statistics = SECTIONS[kind](window, scope, base_currency(scope), media)
    return {"type": kind, "dateRange": window.label(with_year=False), "statistics": statistics}
