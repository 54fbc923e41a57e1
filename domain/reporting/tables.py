"""Ranked tables of a window (top customers, products, payment methods, ...): one grouped SQL
aggregate each, ordered and limited in the database. Money is in the base currency, exact."""
from dataclasses import dataclass
from typing import Callable

from peewee import fn

from domain.reporting.figures import NOT_SALES, Scope, money, placed_orders
from domain.reporting.windows import Window
from storage.content_models import ProductReview
from storage.customer_models import Customer
from storage.models import CustomerGroup, Product, ProductTranslation
from storage.sales_models import Cart, Order, OrderItem, OrderPayment


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: str = "text"  # text | number | money


@dataclass(frozen=True)
class Table:
    columns: tuple
    rows: Callable  # (window, scope, limit) -> [dict]


def name_of(first, last) -> str:
    return " ".join(part for part in (first, last) if part) or None


def customers_ranked(order_by: str) -> Callable:
    def rows(window: Window, scope: Scope, limit: int) -> list[dict]:
        total = fn.SUM(Order.base_grand_total).coerce(False)
        orders = fn.COUNT(Order.id)
        ranking = (total if order_by == "total" else orders).desc()
        query = (placed_orders(window, scope)
                 .select(Order.customer_email, fn.MAX(Order.customer),
                         fn.MAX(Order.customer_first_name), fn.MAX(Order.customer_last_name), total, orders)
                 .group_by(Order.customer_email).order_by(ranking, Order.customer_email).limit(limit).tuples())
        return [{"id": customer_id, "name": name_of(first, last), "email": email, "total": money(raw), "orders": count}
                for email, customer_id, first, last, raw, count in query]
    return rows


def customers_by_reviews(window: Window, scope: Scope, limit: int) -> list[dict]:
    reviews = fn.COUNT(ProductReview.id)
    query = (ProductReview.select(Customer.id, Customer.first_name, Customer.last_name, Customer.email, reviews)
             .join(Customer).where(ProductReview.created_at >= window.since, ProductReview.created_at < window.until)
             .group_by(Customer.id, Customer.first_name, Customer.last_name, Customer.email)
             .order_by(reviews.desc(), Customer.id).limit(limit).tuples())
    return [{"id": key, "name": name_of(first, last), "email": email, "reviews": count}
            for key, first, last, email, count in query]


def customer_groups(window: Window, scope: Scope, limit: int) -> list[dict]:
    customers = fn.COUNT(Customer.id)
    query = (Customer.select(CustomerGroup.id, CustomerGroup.name, customers).join(CustomerGroup)
             .where(Customer.created_at >= window.since, Customer.created_at < window.until))
    if scope.channel_id:
        query = query.where(Customer.channel == scope.channel_id)
    query = (query.group_by(CustomerGroup.id, CustomerGroup.name).order_by(customers.desc(), CustomerGroup.id)
             .limit(limit).tuples())
    return [{"id": key, "name": name, "total": count} for key, name, count in query]


def products_ranked(order_by: str) -> Callable:
    def rows(window: Window, scope: Scope, limit: int) -> list[dict]:
        revenue = fn.SUM(OrderItem.base_total - OrderItem.base_discount_amount).coerce(False)
        quantity = fn.SUM(OrderItem.qty_ordered)
        ranking = (revenue if order_by == "revenue" else quantity).desc()
        query = (OrderItem.select(OrderItem.product, fn.MAX(OrderItem.name), fn.MAX(OrderItem.sku), revenue, quantity)
                 .join(Order)
                 .where(OrderItem.parent.is_null(), Order.created_at >= window.since, Order.created_at < window.until,
                        Order.status.not_in(NOT_SALES)))
        if scope.channel_id:
            query = query.where(Order.channel == scope.channel_id)
        query = query.group_by(OrderItem.product).order_by(ranking, OrderItem.product).limit(limit).tuples()
        return [{"id": product_id, "name": name, "sku": sku, "revenue": money(raw), "quantity": int(qty or 0)}
                for product_id, name, sku, raw, qty in query]
    return rows


def products_by_reviews(window: Window, scope: Scope, limit: int) -> list[dict]:
    reviews = fn.COUNT(ProductReview.id)
    query = (ProductReview.select(Product.id, Product.sku, reviews).join(Product)
             .where(ProductReview.created_at >= window.since, ProductReview.created_at < window.until)
             .group_by(Product.id, Product.sku).order_by(reviews.desc(), Product.id).limit(limit).tuples())
    rows = list(query)
    names = product_names([key for key, _, _ in rows])
    return [{"id": key, "name": names.get(key), "sku": sku, "reviews": count} for key, sku, count in rows]


def product_names(ids: list[int]) -> dict:
    """A name per product (the first locale's, alphabetically)."""
    found = {}
    for product_id, name in (ProductTranslation.select(ProductTranslation.product, ProductTranslation.name)
                             .where(ProductTranslation.product.in_(ids)).order_by(ProductTranslation.locale.desc())
                             .tuples()):
        found[product_id] = name
    return found


def payment_methods(window: Window, scope: Scope, limit: int) -> list[dict]:
    total = fn.SUM(Order.base_grand_total).coerce(False)
    orders = fn.COUNT(Order.id)
    query = (placed_orders(window, scope).join(OrderPayment, on=(OrderPayment.order == Order.id))
             .select(OrderPayment.method, fn.MAX(OrderPayment.method_title), orders, total)
             .group_by(OrderPayment.method).order_by(orders.desc(), OrderPayment.method).limit(limit).tuples())
    return [{"method": method, "title": title, "orders": count, "total": money(raw)}
            for method, title, count, raw in query]


def purchase_funnel(window: Window, scope: Scope, limit: int) -> list[dict]:
    carts = Cart.select().where(Cart.created_at >= window.since, Cart.created_at < window.until)
    if scope.channel_id:
        carts = carts.where(Cart.channel == scope.channel_id)
    return [{"stage": "Visitors", "total": 0}, {"stage": "Product Views", "total": 0},
            {"stage": "Added To Cart", "total": carts.count()},
            {"stage": "Orders Placed", "total": placed_orders(window, scope).count()}]


def nothing(window: Window, scope: Scope, limit: int) -> list[dict]:
    """Tables of data the store does not record (product visits, search terms)."""
    return []


CUSTOMER = (Column("name", "Customer"), Column("email", "Email"))
PRODUCT = (Column("name", "Product"), Column("sku", "SKU"))

TABLES = {
    "top-payment-methods": Table((Column("title", "Payment Method"), Column("orders", "Orders", "number"),
                                  Column("total", "Total", "money")), payment_methods),
    "purchase-funnel": Table((Column("stage", "Stage"), Column("total", "Total", "number")), purchase_funnel),
    "customers-with-most-sales": Table(CUSTOMER + (Column("total", "Total Sales", "money"),
                                                   Column("orders", "Orders", "number")), customers_ranked("total")),
    "customers-with-most-orders": Table(CUSTOMER + (Column("orders", "Orders", "number"),
                                                    Column("total", "Total Sales", "money")), customers_ranked("orders")),
    "customers-with-most-reviews": Table(CUSTOMER + (Column("reviews", "Reviews", "number"),), customers_by_reviews),
    "top-customer-groups": Table((Column("name", "Customer Group"), Column("total", "Customers", "number")),
                                 customer_groups),
    "top-selling-products-by-revenue": Table(PRODUCT + (Column("revenue", "Revenue", "money"),
                                                        Column("quantity", "Quantity", "number")),
                                             products_ranked("revenue")),
    "top-selling-products-by-quantity": Table(PRODUCT + (Column("quantity", "Quantity", "number"),
                                                         Column("revenue", "Revenue", "money")),
                                              products_ranked("quantity")),
    "products-with-most-reviews": Table(PRODUCT + (Column("reviews", "Reviews", "number"),), products_by_reviews),
    "products-with-most-visits": Table(PRODUCT + (Column("visits", "Visits", "number"),), nothing),
    "last-search-terms": Table((Column("term", "Search Term"), Column("results", "Results", "number")), nothing),
    "top-search-terms": Table((Column("term", "Search Term"), Column("uses", "Uses", "number")), nothing),
}
