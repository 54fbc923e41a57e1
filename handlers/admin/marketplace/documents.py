"""The marketplace's documents, shared by the admin's operations and the vendor's own (the portal)."""
from domain.common import Page, RequestContext, Window, iso, json_number
from domain.marketplace import ledger, performance, vendors
from storage.marketplace_models import MarketplaceSubOrder, MarketplaceSubOrderItem, MarketplaceVendor
from storage.sales_models import Order, OrderAddress, OrderItem


def vendor_documents(rows: list[MarketplaceVendor]) -> list[dict]:
    ids = [row.id for row in rows]
    figures, users = vendors.balances(ids), vendors.vendor_users(ids)
    default_percent = ledger.default_commission_percent() if rows else None
    documents = []
    for row in rows:
        balance = figures[row.id]
        percent = row.commission_percent
        documents.append({
            "id": row.id, "name": row.name, "slug": row.slug, "email": row.email, "phone": row.phone,
            "description": row.description, "businessName": row.business_name, "taxNumber": row.tax_number,
            "address": row.address, "documents": list(row.documents or []), "status": row.status,
            "statusReason": row.status_reason, "customerId": row.customer_id,
            "commissionPercent": json_number(percent),
            "effectiveCommissionPercent": json_number(default_percent if percent is None else percent),
            "balance": {"balance": json_number(balance["balance"]), "pending": json_number(balance["pending"]),
                        "available": json_number(row.available_balance),
                        "paidOut": json_number(balance["paid_out"])},
            "users": users[row.id], "approvedAt": iso(row.approved_at), "createdAt": iso(row.created_at),
            "updatedAt": iso(row.updated_at)})
    return documents


def vendor_document(row: MarketplaceVendor) -> dict:
    return vendor_documents([row])[0]


def sub_order_documents(rows: list[MarketplaceSubOrder]) -> list[dict]:
    if not rows:
        return []
    ids = [row.id for row in rows]
    orders = {order.id: order for order in Order.select(Order.id, Order.increment_id, Order.base_currency_code)
              .where(Order.id.in_({row.order_id for row in rows}))}
    names = dict(MarketplaceVendor.select(MarketplaceVendor.id, MarketplaceVendor.name)
                 .where(MarketplaceVendor.id.in_({row.vendor_id for row in rows})).tuples())
    items = {key: [] for key in ids}
    addresses = {address.order_id: address for address in OrderAddress.select().where(
        OrderAddress.order.in_(list(orders)), OrderAddress.address_type == "shipping")}
    lines = (OrderItem.select(OrderItem, MarketplaceSubOrderItem.sub_order)
             .join(MarketplaceSubOrderItem, on=(MarketplaceSubOrderItem.order_item == OrderItem.id))
             .where(MarketplaceSubOrderItem.sub_order.in_(ids)).order_by(OrderItem.id))
    for line in lines:
        items[line.marketplacesuborderitem.sub_order_id].append({
            "orderItemId": line.id, "productId": line.product_id, "sku": line.sku, "name": line.name,
            "qtyOrdered": line.qty_ordered, "price": json_number(line.base_price),
            "total": json_number(line.base_total), "discountAmount": json_number(line.base_discount_amount),
            "taxAmount": json_number(line.base_tax_amount)})
    return [{
        "id": row.id, "orderId": row.order_id, "incrementId": orders[row.order_id].increment_id,
        "vendorId": row.vendor_id, "vendorName": names.get(row.vendor_id, ""), "status": row.status,
        "itemCount": row.item_count, "qtyOrdered": row.qty_ordered,
        "currency": orders[row.order_id].base_currency_code, "subTotal": json_number(row.sub_total),
        "discountAmount": json_number(row.discount_amount), "taxAmount": json_number(row.tax_amount),
        "grandTotal": json_number(row.grand_total), "commissionPercent": json_number(row.commission_percent),
        "commissionAmount": json_number(row.commission_amount), "vendorAmount": json_number(row.vendor_amount),
        "trackingNumber": row.tracking_number, "shippingAddress": address_document(addresses.get(row.order_id)),
        "items": items[row.id], "confirmedAt": iso(row.confirmed_at),
        "shippedAt": iso(row.shipped_at), "deliveredAt": iso(row.delivered_at), "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at)} for row in rows]


def address_document(address) -> dict | None:
    if address is None:
        return None
    return {"firstName": address.first_name, "lastName": address.last_name, "companyName": address.company_name,
            "address1": address.address1, "address2": address.address2, "city": address.city,
            "state": address.state, "country": address.country, "postcode": address.postcode,
            "phone": address.phone}


def sub_order_page(window: Window, vendor_id: int | None = None, order_id: int | None = None,
                   status: str | None = None) -> Page:
    query = MarketplaceSubOrder.select()
    if vendor_id is not None:
        query = query.where(MarketplaceSubOrder.vendor == vendor_id)
    if order_id is not None:
        query = query.where(MarketplaceSubOrder.order == order_id)
    if status:
        query = query.where(MarketplaceSubOrder.status == status)
    rows = list(query.order_by(MarketplaceSubOrder.id.desc()).offset(window.offset).limit(window.limit))
    return Page(sub_order_documents(rows), query.count())


def ledger_document(entry) -> dict:
    order_id = None
    if entry.sub_order_id is not None:
        order_id = MarketplaceSubOrder.select(MarketplaceSubOrder.order).where(
            MarketplaceSubOrder.id == entry.sub_order_id).scalar()
    return {"id": entry.id, "vendorId": entry.vendor_id, "type": entry.type, "amount": json_number(entry.amount),
            "subOrderId": entry.sub_order_id, "orderId": order_id, "reference": entry.reference,
            "createdAt": iso(entry.created_at)}


def ledger_page(query, window: Window) -> Page:
    model = query.model
    rows = list(query.order_by(model.id.desc()).offset(window.offset).limit(window.limit))
    return Page([ledger_document(row) for row in rows], query.count())


def performance_document(vendor_id: int) -> dict:
    figures = performance.figures(vendor_id)
    return {"vendorId": vendor_id, "subOrders": figures["sub_orders"], "deliveredSubOrders": figures["delivered"],
            "openSubOrders": figures["sub_orders"] - figures["delivered"], "itemsSold": figures["units"],
            "revenue": json_number(figures["revenue"]), "commission": json_number(figures["commission"]),
            "earnings": json_number(figures["earnings"]), "averageFulfilmentHours": figures["mean_hours"]}


def own_product_document(context: RequestContext, product, names: dict) -> dict:
    return {"id": product.id, "sku": product.sku, "type": product.type, "name": names.get(product.id),
            "status": int(bool(product.status)), "price": json_number(product.price)}
