"""Admin payment transactions: list and CSV export (rest-api/admin/sales/transactions/*.md).
A paid invoice records a capture (domain/sales/documents.py: `record_transaction`)."""
from domain.common import Page, RequestContext, Window, iso, json_number
from handlers.admin.sales.documents import OrderContext, csv_export, date_bounds, id_list, sort_column
from storage.admin_sales_models import OrderTransaction
from storage.sales_models import Order

SORTS = {"id": OrderTransaction.id, "transaction_id": OrderTransaction.transaction_id,
         "amount": OrderTransaction.amount, "invoice_id": OrderTransaction.invoice, "order_id": OrderTransaction.order,
         "status": OrderTransaction.status, "created_at": OrderTransaction.created_at}


def filtered_transactions(id=None, transaction_id=None, invoice_id=None, order_id=None, status=None,
                          created_at_from=None, created_at_to=None):
    query = OrderTransaction.select().join(Order, on=(OrderTransaction.order == Order.id))
    if id:
        query = query.where(OrderTransaction.id.in_(id_list(id)))
    if transaction_id:
        query = query.where(OrderTransaction.transaction_id.contains(transaction_id))
    if invoice_id is not None:
        query = query.where(OrderTransaction.invoice == invoice_id)
    if order_id:
        query = query.where(Order.increment_id.contains(str(order_id).strip().lstrip("#")))
    if status:
        query = query.where(OrderTransaction.status == status)
    return date_bounds(query, OrderTransaction.created_at, created_at_from, created_at_to,
                       "created_at_from", "created_at_to")


def transaction_documents(context: RequestContext, rows: list[OrderTransaction]) -> list[dict]:
    info = OrderContext(context, [row.order_id for row in rows])
    documents = []
    for row in rows:
        order = info.orders[row.order_id]
        fields = info.fields(order.id)
        documents.append({
            "id": row.id, "transactionId": row.transaction_id, "invoiceId": row.invoice_id, "orderId": order.id,
            "orderIncrementId": order.increment_id, "amount": json_number(row.amount),
            "formattedAmount": info.sales.format(order.base_currency_code, row.amount), "status": row.status,
            "type": row.type, "paymentMethod": row.payment_method, "paymentTitle": fields["paymentTitle"],
            "data": row.data, "createdAt": iso(row.created_at), "updatedAt": iso(row.updated_at),
            "order": {"id": order.id, "incrementId": order.increment_id, "status": order.status,
                      "customerName": fields["customerName"], "customerEmail": order.customer_email,
                      "grandTotal": json_number(order.grand_total), "orderCurrencyCode": order.order_currency_code}})
    return documents


def list_admin_transactions(context: RequestContext, window: Window, sort: str | None = None,
                            order: str | None = None, **filters) -> Page:
    query = filtered_transactions(**filters)
    column = sort_column(SORTS, sort, "id")
    ordering = (column.asc(), OrderTransaction.id.asc()) if order == "asc" else (column.desc(),
                                                                                  OrderTransaction.id.desc())
    rows = list(query.order_by(*ordering).offset(window.offset).limit(window.limit))
    return Page(transaction_documents(context, rows), query.count())


def export_admin_transactions(context: RequestContext, format: str | None = None, **filters):
    rows = list(filtered_transactions(**filters).order_by(OrderTransaction.id.desc()))
    info = OrderContext(context, [row.order_id for row in rows])
    csv_rows = [[row.id, row.transaction_id, row.invoice_id or "", info.orders[row.order_id].increment_id, row.status,
                 row.created_at.strftime("%Y-%m-%d %H:%M:%S")] for row in rows]
    return csv_export(format, "transactions.csv", ["ID", "Transaction ID", "Invoice ID", "Order ID", "Status", "Date"],
                      csv_rows)
