"""Orders written straight to the database the way place-order writes them, for the tests of what
comes after an order (customer orders, invoices, shipments, downloads).

`create_order` writes Order, OrderItem (a configurable line's variant as a child item),
OrderAddress, OrderPayment and OrderItemInventory rows, takes stock from the inventory sources in
priority order with the same conditional decrement as place-order, records "Order placed" and runs
`sales_documents.after_order_placed` (downloadable purchases, automatic invoice by payment config).
Amounts follow docs/money.md: base amounts per line rounded to the cent, display amounts convert
each rounded base amount.
"""
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from domain.sales import documents as sales_documents
from domain.sales.store_config import set_config
from storage.db import database
from storage.models import (
    CoreConfig, InventorySource, Product, ProductChannel, ProductDownloadableLink, ProductInventory,
    ProductTranslation, utcnow,
)
from storage.sales_models import Order, OrderAddress, OrderItem, OrderItemInventory, OrderPayment

CENT = Decimal("0.01")
BILLING = {"first_name": "Jane", "last_name": "Doe", "email": "jane@example.com", "phone": "9876543210",
           "address1": "456 Oak Ave", "address2": "Suite 200", "city": "Los Angeles", "state": "CA",
           "country": "US", "postcode": "90001", "company_name": "ANC Corporation"}
PAYMENT_TITLES = {"cashondelivery": "Cash On Delivery", "moneytransfer": "Money Transfer"}


def cents(amount) -> Decimal:
    return Decimal(amount).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Line:
    product_id: int
    qty: int
    price: Decimal  # base unit price
    tax_percent: Decimal = Decimal(0)
    discount: Decimal = Decimal(0)  # base discount of the whole line
    variant_id: int | None = None  # configurable: the chosen variant (stock is taken from it)
    additional: dict = field(default_factory=dict)


def source(code: str, priority: int = 0) -> int:
    with database.connection_context():
        found = InventorySource.get_or_none(InventorySource.code == code)
        return (found or InventorySource.create(code=code, name=code.title(), priority=priority)).id


def default_source() -> int:
    return source("default")


def make_product(price="25.00", stock: dict[int, int] | None = None, kind: str = "simple", name: str | None = None,
                 weight="1.5", parent: int | None = None) -> int:
    """A product of the tests' own (so the seeded catalog's stock is never touched)."""
    with database.connection_context():
        family = Product.select(Product.attribute_family).order_by(Product.id).scalar()
        sku = f"ORD-{uuid.uuid4().hex[:10].upper()}"
        product = Product.create(sku=sku, type=kind, attribute_family=family, price=Decimal(price),
                                 min_price=Decimal(price), max_price=Decimal(price), weight=Decimal(weight),
                                 parent=parent, manage_stock=kind not in ("downloadable",))
        ProductTranslation.create(product=product, locale="en", name=name or f"Order Test {sku}",
                                  url_key=sku.lower())
        if parent is None:
            ProductChannel.create(product=product, channel=1)
        for source_id, qty in (stock or {}).items():
            ProductInventory.create(product=product, inventory_source=source_id, qty=qty)
        return product.id


def add_link(product_id: int, title: str, downloads: int, kind: str = "file", file: str | None = None,
             url: str | None = None, price="0") -> int:
    with database.connection_context():
        return ProductDownloadableLink.create(product=product_id, title=title, downloads=downloads, type=kind,
                                              file=file, url=url, price=Decimal(price)).id


def stock_of(product_id: int) -> dict[int, int]:
    with database.connection_context():
        return {row.inventory_source_id: row.qty
                for row in ProductInventory.select().where(ProductInventory.product == product_id)}


@contextmanager
def payment_config(method: str = "cashondelivery", generate_invoice: bool = False, invoice_status: str = "paid"):
    """Set a payment method's automatic-invoice settings for the block; the seeded values come back after."""
    codes = {f"sales.payment_methods.{method}.generate_invoice": "1" if generate_invoice else "0",
             f"sales.payment_methods.{method}.invoice_status": invoice_status}
    with database.connection_context():
        saved = {row.code: row.value for row in CoreConfig.select().where(CoreConfig.code.in_(list(codes)),
                                                                          CoreConfig.channel_code == "")}
        for code, value in codes.items():
            set_config(code, value)
    try:
        yield
    finally:
        with database.connection_context():
            for code in codes:
                if code in saved:
                    set_config(code, saved[code])
                else:
                    CoreConfig.delete().where(CoreConfig.code == code, CoreConfig.channel_code == "").execute()


def line_amounts(line: Line, rate: Decimal) -> dict:
    base_total = cents(line.price * line.qty)
    base_tax = cents((base_total - line.discount) * line.tax_percent / 100)
    return {"base_price": cents(line.price), "price": cents(line.price * rate), "base_total": base_total,
            "total": cents(base_total * rate), "base_tax_amount": base_tax, "tax_amount": cents(base_tax * rate),
            "base_discount_amount": cents(line.discount), "discount_amount": cents(line.discount * rate)}


def create_order(customer_id: int | None, lines: list[Line], shipping="10.00", currency: str = "USD",
                 rate="1", payment: str = "cashondelivery", channel_id: int = 1, created_at=None,
                 email: str = "customer@example.com") -> Order:
    """One placed order with its rows; returns the Order as the database holds it afterwards."""
    rate = Decimal(rate)
    amounts = [line_amounts(line, rate) for line in lines]
    base_shipping = cents(shipping)
    with database.connection_context(), database.atomic():
        totals = {}
        for prefix in ("", "base_"):
            sub = sum((a[f"{prefix}total"] for a in amounts), Decimal(0))
            tax = sum((a[f"{prefix}tax_amount"] for a in amounts), Decimal(0))
            discount = sum((a[f"{prefix}discount_amount"] for a in amounts), Decimal(0))
            ship = base_shipping if prefix else cents(base_shipping * rate)
            totals.update({f"{prefix}sub_total": sub, f"{prefix}tax_amount": tax,
                           f"{prefix}discount_amount": discount, f"{prefix}shipping_amount": ship,
                           f"{prefix}grand_total": sub - discount + tax + ship})
        placed = created_at or utcnow()
        order = Order.create(
            increment_id=sales_documents.placeholder_number(), status="pending", channel=channel_id,
            customer=customer_id, is_guest=customer_id is None, customer_email=email,
            customer_first_name="Jane", customer_last_name="Doe", shipping_method="flatrate_flatrate",
            shipping_title="Flat Rate - Flat Rate", base_currency_code="USD", order_currency_code=currency,
            exchange_rate=rate, total_item_count=len(lines), total_qty_ordered=sum(line.qty for line in lines),
            created_at=placed, updated_at=placed, **totals)
        order.increment_id = sales_documents.order_number(order.id)
        Order.update(increment_id=order.increment_id).where(Order.id == order.id).execute()
        for line, line_money in zip(lines, amounts):
            write_line(order, line, line_money)
        for address_type in ("billing", "shipping"):
            OrderAddress.create(order=order, address_type=address_type, **BILLING)
        OrderPayment.create(order=order, method=payment, method_title=PAYMENT_TITLES.get(payment, payment))
        sales_documents.record_status(order, "pending", "Order placed")
        sales_documents.after_order_placed(order)
        return Order.get_by_id(order.id)


def write_line(order: Order, line: Line, amounts: dict):
    product = Product.get_by_id(line.product_id)
    name = ProductTranslation.select(ProductTranslation.name).where(
        ProductTranslation.product == product.id).scalar() or product.sku
    item = OrderItem.create(order=order, product=product.id, product_type=product.type, sku=product.sku, name=name,
                            weight=product.weight, qty_ordered=line.qty, tax_percent=line.tax_percent,
                            additional=line.additional, **amounts)
    holder, stocked = item, product
    if line.variant_id:
        stocked = Product.get_by_id(line.variant_id)
        holder = OrderItem.create(order=order, parent=item, product=stocked.id, product_type=stocked.type,
                                  sku=stocked.sku, name=name, weight=stocked.weight, qty_ordered=line.qty)
    if stocked.manage_stock and stocked.type != "downloadable":
        take_stock(holder, stocked.id, line.qty)


def take_stock(item: OrderItem, product_id: int, qty: int):
    """Sources in priority order, each decrement conditional on what is left (as place-order does)."""
    rows = (ProductInventory.select(ProductInventory, InventorySource).join(InventorySource)
            .where(ProductInventory.product == product_id, ProductInventory.qty > 0)
            .order_by(InventorySource.priority, InventorySource.id))
    remaining = qty
    for row in list(rows):
        take = min(remaining, row.qty)
        if take and (ProductInventory.update(qty=ProductInventory.qty - take)
                     .where(ProductInventory.id == row.id, ProductInventory.qty >= take).execute()):
            OrderItemInventory.create(order_item=item, product=product_id, inventory_source=row.inventory_source_id,
                                      qty=take)
            remaining -= take
        if not remaining:
            return
    raise AssertionError(f"not enough stock of product {product_id} for {qty}")


def graphql_error(client, query: str, variables: dict | None = None, headers: dict | None = None) -> dict:
    """The first error of a query whose non-null root field failed (HTTP 400, `data` null)."""
    response = client.post("/api/graphql", json={"query": query, "variables": variables or {}}, headers=headers or {})
    assert (response.status_code, response.json()["data"]) == (400, None), response.text
    return response.json()["errors"][0]
