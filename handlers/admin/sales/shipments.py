"""Admin shipments: create for an order from one inventory source, list, CSV export, detail
(rest-api/admin/sales/orders/create-shipment.md, get-shipment.md; rest-api/admin/sales/shipments/*.md)."""
from collections import defaultdict

from peewee import JOIN

from domain.access import created
from domain.common import Page, RequestContext, Window, iso, json_number
from domain.errors import NotFound
from domain.sales import back_office
from handlers.admin.sales.documents import (
    OrderContext, csv_export, date_bounds, id_list, image_urls, line_document, sort_column, source_names,
)
from handlers.admin.sales.orders import find_order
from storage.models import InventorySource
from storage.sales_models import Order, OrderAddress, OrderItem, Shipment, ShipmentItem

SORTS = {"id": Shipment.id, "order_id": Shipment.order, "total_qty": Shipment.total_qty,
         "inventory_source_name": InventorySource.name, "shipped_to": OrderAddress.first_name,
         "order_date": Order.created_at, "created_at": Shipment.created_at}


def shipment_documents(context: RequestContext, shipments: list[Shipment], with_items: bool) -> list[dict]:
    info = OrderContext(context, [shipment.order_id for shipment in shipments])
    names = source_names(shipment.inventory_source_id for shipment in shipments)
    lines = defaultdict(list)
    ids = [shipment.id for shipment in shipments]
    if ids and with_items:
        for line in (ShipmentItem.select(ShipmentItem, OrderItem).join(OrderItem)
                     .where(ShipmentItem.shipment.in_(ids)).order_by(ShipmentItem.id)):
            lines[line.shipment_id].append(line)
    images = image_urls(context, [line.order_item.product_id for rows in lines.values() for line in rows])
    documents = []
    for shipment in shipments:
        order = info.orders[shipment.order_id]
        document = {"id": shipment.id}
        document.update(info.fields(shipment.order_id))
        document.pop("baseCurrencyCode")
        document.pop("channelCurrencyCode")
        document.update({
            "shippedTo": info.full_name(order.id, "shipping"),
            "baseShippingAmount": json_number(order.base_shipping_amount) if order.shipping_method else None,
            "formattedBaseShippingAmount": info.sales.format(order.base_currency_code, order.base_shipping_amount)
            if order.shipping_method else None,
            "status": shipment.status, "totalQty": shipment.total_qty, "totalWeight": json_number(shipment.total_weight),
            "carrierCode": shipment.carrier_code, "carrierTitle": shipment.carrier_title,
            "trackNumber": shipment.track_number, "emailSent": False,
            "inventorySourceId": shipment.inventory_source_id,
            "inventorySourceName": names.get(shipment.inventory_source_id),
            "createdAt": iso(shipment.created_at), "updatedAt": iso(shipment.updated_at),
            "items": [line_document(line, line.order_item, info, order.order_currency_code, images)
                      for line in lines[shipment.id]]})
        documents.append(document)
    return documents


def find_shipment(shipment_id: int) -> Shipment:
    shipment = Shipment.get_or_none(Shipment.id == shipment_id)
    if shipment is None:
        raise NotFound("Shipment")
    return shipment


def create_admin_order_shipment(context: RequestContext, order_id: int, body: dict):
    order = find_order(order_id)
    items = body.get("items") or []
    source = body.get("source") or next((entry.get("inventorySourceId") for entry in items
                                         if entry.get("inventorySourceId")), None)
    shipment = back_office.create_shipment(order, source, items, body.get("carrierTitle"), body.get("trackNumber"))
    return created(shipment_documents(context, [find_shipment(shipment.id)], with_items=True)[0])


def filtered_shipments(id=None, order_id=None, total_qty=None, inventory_source_name=None, shipped_to=None,
                       order_date_from=None, order_date_to=None, created_at_from=None, created_at_to=None):
    query = (Shipment.select().join(Order, on=(Shipment.order == Order.id))
             .switch(Shipment).join(InventorySource, join_type=JOIN.LEFT_OUTER,
                                    on=(Shipment.inventory_source == InventorySource.id))
             .switch(Shipment).join(OrderAddress, join_type=JOIN.LEFT_OUTER,
                                    on=((OrderAddress.order == Shipment.order)
                                        & (OrderAddress.address_type == "shipping"))))
    if id:
        query = query.where(Shipment.id.in_(id_list(id)))
    if order_id:
        query = query.where(Order.increment_id.contains(str(order_id).strip().lstrip("#")))
    if total_qty is not None:
        query = query.where(Shipment.total_qty == total_qty)
    if inventory_source_name:
        query = query.where(InventorySource.name.contains(inventory_source_name))
    if shipped_to:
        query = query.where(OrderAddress.first_name.concat(" ").concat(OrderAddress.last_name).contains(shipped_to))
    query = date_bounds(query, Order.created_at, order_date_from, order_date_to, "order_date_from", "order_date_to")
    return date_bounds(query, Shipment.created_at, created_at_from, created_at_to, "created_at_from", "created_at_to")


def list_admin_shipments(context: RequestContext, window: Window, sort: str | None = None, order: str | None = None,
                         **filters) -> Page:
    query = filtered_shipments(**filters)
    column = sort_column(SORTS, sort, "id")
    ordering = (column.asc(), Shipment.id.asc()) if order == "asc" else (column.desc(), Shipment.id.desc())
    shipments = list(query.order_by(*ordering).offset(window.offset).limit(window.limit))
    return Page(shipment_documents(context, shipments, with_items=False), query.count())


def export_admin_shipments(context: RequestContext, format: str | None = None, **filters):
    shipments = list(filtered_shipments(**filters).order_by(Shipment.id.desc()))
    documents = shipment_documents(context, shipments, with_items=False)
    rows = [[doc["id"], doc["orderIncrementId"], doc["totalQty"], doc["inventorySourceName"] or "",
             doc["shippedTo"] or "", doc["orderDate"], doc["createdAt"]] for doc in documents]
    return csv_export(format, "shipments.csv", ["ID", "Order ID", "Total Qty", "Inventory Source", "Shipped To",
                                                "Order Date", "Shipment Date"], rows)


def get_admin_shipment(context: RequestContext, id: int) -> dict:
    return shipment_documents(context, [find_shipment(id)], with_items=True)[0]


def shipment_number(shipment: dict, _info) -> str:
    return str(shipment["id"])


graphql_resolvers = {"AdminShipment": {"incrementId": shipment_number}}
