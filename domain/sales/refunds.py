"""Refunds: what a refund gives back, computed the same way for the preview and for the refund.

Per item, a refunded quantity takes the cumulative share of the item's amounts (total, tax,
discount): round(amount × refunded so far / ordered) minus what earlier refunds took, in the order
currency and in the base currency separately, as invoices do. The refunds of an item therefore add
up to the item exactly, in both currencies, and tax is refunded in proportion to the quantity.
Shipping is asked in the base currency, up to the shipping invoiced and not yet refunded; its
order-currency figure is the rest of the invoiced shipping when all of it is refunded, else the base
amount at the order's exchange rate. Adjustments (an extra refund, a fee kept) convert the same way.

grand total = subtotal + tax − discount + shipping + adjustment refund − adjustment fee

A refund can never exceed what was paid: the paid invoices' grand total minus the refunds before it
(base currency; 422 `amount_exceeds_max`), and an item's refunded quantity never exceeds its
invoiced quantity. Both are checked after the order row is claimed, in the refund's transaction,
so two refunds racing for the same units or the same balance cannot both pass.
The order becomes `closed` once every item is refunded or canceled.
"""
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from peewee import fn

from domain.sales import documents
from domain.sales.documents import SalesActionRefused, claim, currency_places, order_items, share, top_level
from domain.sales.fulfilment import holders
from domain.webhooks import outbox
from storage.admin_sales_models import Refund, RefundItem
from storage.db import database
from storage.fields import MONEY_SCALE
from storage.sales_models import Invoice, Order, OrderItem

ZERO = Decimal(0)
REFUNDABLE_STATUSES = ("processing", "completed")
AMOUNTS = ("sub_total", "tax_amount", "discount_amount", "shipping_amount", "adjustment_refund", "adjustment_fee",
           "grand_total")


@dataclass
class RefundRequest:
    quantities: dict[int, int]
    shipping: Decimal = ZERO
    adjustment_refund: Decimal = ZERO
    adjustment_fee: Decimal = ZERO
    return_to_stock: bool = False


@dataclass
class RefundFigures:
    """One refund's amounts: `amounts[column]` and `amounts["base_" + column]`, and its lines."""
    amounts: dict = field(default_factory=dict)
    lines: list = field(default_factory=list)
    total_qty: int = 0


def summed(value) -> Decimal:
    return Decimal(int(value or 0)) / MONEY_SCALE


def refused_for_status(status: str, action: str = "refund") -> SalesActionRefused:
    if status == "closed":
        return SalesActionRefused("Closed orders cannot be refunded.", "order_closed")
    if status == "fraud":
        return SalesActionRefused("Fraud orders cannot be refunded.", "order_fraud")
    return nothing_to_refund()


def nothing_to_refund() -> SalesActionRefused:
    return SalesActionRefused("There is nothing left to refund on this order.", "nothing_to_refund")


def paid_and_refunded(order: Order) -> dict:
    """Base and order-currency totals of paid invoices, refunds so far, and shipping invoiced and refunded."""
    paid = (Invoice.select(fn.SUM(Invoice.grand_total), fn.SUM(Invoice.base_grand_total),
                           fn.SUM(Invoice.shipping_amount), fn.SUM(Invoice.base_shipping_amount))
            .where(Invoice.order == order.id, Invoice.state == "paid").tuples().first())
    refunded = (Refund.select(fn.SUM(Refund.grand_total), fn.SUM(Refund.base_grand_total),
                              fn.SUM(Refund.shipping_amount), fn.SUM(Refund.base_shipping_amount))
                .where(Refund.order == order.id).tuples().first())
    paid, refunded = [summed(v) for v in paid], [summed(v) for v in refunded]
    return {"grand": paid[0] - refunded[0], "base_grand": paid[1] - refunded[1],
            "shipping": paid[2] - refunded[2], "base_shipping": paid[3] - refunded[3]}


def convert(order: Order, amount: Decimal, places: Decimal) -> Decimal:
    return (amount * Decimal(order.exchange_rate or 1)).quantize(places, rounding=ROUND_HALF_UP)


def compute(order: Order, items: list[OrderItem], request: RefundRequest) -> RefundFigures:
    """The refund's figures, or 422 when it breaks a rule (see the module docstring)."""
    places, base_places = currency_places(order.order_currency_code), currency_places(order.base_currency_code)
    top = {item.id: item for item in top_level(items)}
    open_qty = {item.id: item.qty_invoiced - item.qty_refunded for item in top.values()}
    remaining = paid_and_refunded(order)
    if not any(qty > 0 for qty in open_qty.values()) and remaining["base_grand"] <= 0:
        raise nothing_to_refund()
    errors = {}
    chosen = {}
    for item_id, qty in request.quantities.items():
        if item_id not in top or not 0 <= qty <= open_qty[item_id]:
            available = open_qty.get(item_id, 0)
            sku = top[item_id].sku if item_id in top else item_id
            errors[f"items.{item_id}"] = [
                f"Requested quantity ({qty}) exceeds available quantity ({available}) for SKU {sku}."]
        elif qty:
            chosen[item_id] = qty
    if errors:
        raise SalesActionRefused(next(iter(errors.values()))[0], "quantity_exceeds", errors)
    figures = RefundFigures(amounts={column: ZERO for name in AMOUNTS for column in (name, f"base_{name}")})
    amounts = figures.amounts
    for item_id, qty in chosen.items():
        item = top[item_id]
        line = {"order_item": item.id, "name": item.name, "sku": item.sku, "qty": qty, "price": item.price,
                "base_price": item.base_price}
        for column in ("total", "tax_amount", "discount_amount"):
            line[column] = share(getattr(item, column), item.qty_refunded, qty, item.qty_ordered, places)
            line[f"base_{column}"] = share(getattr(item, f"base_{column}"), item.qty_refunded, qty,
                                           item.qty_ordered, base_places)
        for prefix in ("", "base_"):
            amounts[f"{prefix}sub_total"] += line[f"{prefix}total"]
            amounts[f"{prefix}tax_amount"] += line[f"{prefix}tax_amount"]
            amounts[f"{prefix}discount_amount"] += line[f"{prefix}discount_amount"]
        figures.lines.append(line)
        figures.total_qty += qty
    shipping = request.shipping.quantize(base_places, rounding=ROUND_HALF_UP)
    if shipping < 0 or shipping > remaining["base_shipping"]:
        message = f"The shipping refund ({shipping}) exceeds the refundable shipping ({remaining['base_shipping']})."
        raise SalesActionRefused(message, "shipping_exceeds", {"shipping": [message]})
    amounts["base_shipping_amount"] = shipping
    amounts["shipping_amount"] = (remaining["shipping"] if shipping == remaining["base_shipping"]
                                  else min(convert(order, shipping, places), remaining["shipping"]))
    for name, value in (("adjustment_refund", request.adjustment_refund), ("adjustment_fee", request.adjustment_fee)):
        amounts[f"base_{name}"] = value.quantize(base_places, rounding=ROUND_HALF_UP)
        amounts[name] = convert(order, amounts[f"base_{name}"], places)
    for prefix in ("", "base_"):
        amounts[f"{prefix}grand_total"] = (
            amounts[f"{prefix}sub_total"] + amounts[f"{prefix}tax_amount"] - amounts[f"{prefix}discount_amount"]
            + amounts[f"{prefix}shipping_amount"] + amounts[f"{prefix}adjustment_refund"]
            - amounts[f"{prefix}adjustment_fee"])
    if amounts["base_grand_total"] <= 0:
        raise SalesActionRefused("The computed refund amount is zero. Adjust quantity, shipping or adjustment values.",
                                 "amount_zero")
    if amounts["base_grand_total"] > remaining["base_grand"]:
        raise SalesActionRefused(
            f"The refund amount ({amounts['base_grand_total']}) exceeds the maximum refundable amount "
            f"({max(remaining['base_grand'], ZERO)}).", "amount_exceeds_max")
    if amounts["base_grand_total"] == remaining["base_grand"]:
        amounts["grand_total"] = remaining["grand"]  # the last refund takes exactly what is left
    else:
        amounts["grand_total"] = min(amounts["grand_total"], remaining["grand"])
    return figures


def guard(order: Order):
    if order.status not in REFUNDABLE_STATUSES:
        raise refused_for_status(order.status)


def preview(order: Order, request: RefundRequest) -> RefundFigures:
    guard(order)
    return compute(order, order_items(order.id), request)


def create_refund(order: Order, request: RefundRequest) -> Refund:
    guard(order)
    with database.atomic():
        if not claim(order, REFUNDABLE_STATUSES):
            raise refused_for_status(Order.select(Order.status).where(Order.id == order.id).scalar())
        items = order_items(order.id)
        figures = compute(order, items, request)
        refund = Refund.create(order=order.id, state="refunded", total_qty=figures.total_qty, **figures.amounts)
        if figures.lines:
            RefundItem.insert_many([{**line, "refund": refund.id} for line in figures.lines]).execute()
        chosen = {line["order_item"]: line["qty"] for line in figures.lines}
        for item_id, qty in chosen.items():
            updated = (OrderItem.update(qty_refunded=OrderItem.qty_refunded + qty)
                       .where(OrderItem.id == item_id, OrderItem.qty_refunded + qty <= OrderItem.qty_invoiced)
                       .execute())
            if not updated:
                raise nothing_to_refund()
        documents.add_to_children(items, chosen, "qty_refunded")
        if request.return_to_stock and chosen:
            documents.return_stock({holder.id: units for _, holder, units in holders(items, chosen) if units})
        refund = Refund.get_by_id(refund.id)
        outbox.emit_document("refund.created", refund, order.id, totalQty=refund.total_qty,
                             grandTotal=refund.grand_total, returnedToStock=bool(request.return_to_stock and chosen))
        documents.refresh_status(order, f"Refund #{refund.id} created")
        return refund
