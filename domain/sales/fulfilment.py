"""Which inventory source holds an order's units, as shipments and refunds move them.

Placing an order takes stock per source (OrderItemInventory: what each stock-holding order item
holds at each source). A top-level item holds its own stock (simple, virtual lines) or its
children do (a configurable line's variant, a bundle's selections), in proportion to its quantity.

Shipping n units from source S: the item's units held at S and not yet shipped from S ship first.
When S holds fewer, the difference is taken from S's stock (a conditional
`UPDATE … SET qty = qty - m WHERE qty >= m`, 422 `inventory_insufficient` naming the SKU when S has
too little) and the same number of unshipped units held elsewhere go back to their sources'
stock. The total an item holds never changes; stock is never counted twice nor driven below zero.

A refund that returns stock gives back units from what the item holds (latest allocation first),
through `documents.return_stock`, the same path as a cancellation.
"""
from collections import defaultdict

from peewee import fn

from domain.sales.documents import SalesActionRefused
from storage.models import ProductInventory
from storage.sales_models import OrderItem, OrderItemInventory, Shipment, ShipmentItem


class InventoryInsufficient(SalesActionRefused):
    def __init__(self, sku: str):
        super().__init__(f"Inventory at the selected source is insufficient for SKU {sku}.", "inventory_insufficient")


def holders(items: list[OrderItem], top_qty: dict[int, int]) -> list[tuple[OrderItem, OrderItem, int]]:
    """(top-level item, stock-holding item, units) for `top_qty` ({top-level item id: qty})."""
    held = {row.order_item_id for row in OrderItemInventory.select(OrderItemInventory.order_item)
            .where(OrderItemInventory.order_item.in_([item.id for item in items]))}
    by_id = {item.id: item for item in items}
    result = []
    for top_id, qty in top_qty.items():
        top = by_id[top_id]
        if top.id in held:
            result.append((top, top, qty))
            continue
        for child in items:
            if child.parent_id == top.id and child.id in held:
                result.append((top, child, qty * child.qty_ordered // max(top.qty_ordered, 1)))
    return result


def shipped_per_source(top: OrderItem, holder: OrderItem) -> dict[int, int]:
    """Units of `holder` already shipped, per source (earlier shipments of its top-level item)."""
    shipped = defaultdict(int)
    rows = (ShipmentItem.select(Shipment.inventory_source, fn.SUM(ShipmentItem.qty).alias("qty"))
            .join(Shipment).where(ShipmentItem.order_item == top.id).group_by(Shipment.inventory_source).objects())
    for row in rows:
        units = row.qty * holder.qty_ordered // max(top.qty_ordered, 1) if holder.id != top.id else row.qty
        shipped[row.inventory_source] += int(units or 0)
    return shipped


def ship_from_source(items: list[OrderItem], top_qty: dict[int, int], source_id: int, shipment_id: int):
    """Move the units of this shipment (already recorded) to `source_id` where they are held elsewhere."""
    for top, holder, units in holders(items, top_qty):
        allocations = list(OrderItemInventory.select().where(OrderItemInventory.order_item == holder.id)
                           .order_by(OrderItemInventory.id))
        shipped = shipped_per_source(top, holder)
        this_shipment = units
        held_here = sum(a.qty for a in allocations if a.inventory_source_id == source_id)
        free_here = held_here - (shipped.get(source_id, 0) - this_shipment)
        missing = this_shipment - max(free_here, 0)
        if missing <= 0:
            continue
        taken = (ProductInventory.update(qty=ProductInventory.qty - missing)
                 .where(ProductInventory.product == holder.product_id, ProductInventory.inventory_source == source_id,
                        ProductInventory.qty >= missing).execute())
        if not taken:
            raise InventoryInsufficient(holder.sku)
        release_elsewhere(holder, allocations, shipped, source_id, missing)
        OrderItemInventory.create(order_item=holder.id, product=holder.product_id, inventory_source=source_id,
                                  qty=missing)


def release_elsewhere(holder: OrderItem, allocations, shipped: dict, source_id: int, units: int):
    """Give `units` unshipped units held at other sources back to those sources' stock."""
    held = defaultdict(int)
    for allocation in allocations:
        held[allocation.inventory_source_id] += allocation.qty
    for allocation in reversed(allocations):
        if not units:
            break
        other = allocation.inventory_source_id
        if other == source_id:
            continue
        free = held[other] - shipped.get(other, 0)
        qty = min(allocation.qty, free, units)
        if qty <= 0:
            continue
        held[other] -= qty
        units -= qty
        (ProductInventory.update(qty=ProductInventory.qty + qty)
         .where(ProductInventory.product == allocation.product_id, ProductInventory.inventory_source == other)
         .execute())
        OrderItemInventory.update(qty=OrderItemInventory.qty - qty).where(OrderItemInventory.id == allocation.id).execute()
    # Units left over were given back earlier (a refund that returned stock before shipping): the
    # shipment takes them from the source's stock again, as they leave it now.
