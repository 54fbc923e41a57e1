"""Admin customers: /api/admin/customers (list, detail, create, update, delete, mass delete, mass status),
notes, and the Create-Order side panels (the customer's cart items, wishlist items, recent order items);
GraphQL adminCustomer(s), adminCustomerCartItems, adminCustomerWishlistItems, adminCustomerRecentOrderItems.

Rules live in domain/customer_accounts.py: the mailed password, the active-orders guard on delete
(single delete 400, mass delete skips with the reason), what an account's deletion keeps.
"""
import datetime

from domain.access import caller_id, created
from domain.common import Page, RequestContext, Window, iso, json_number
from domain import customer_accounts as accounts
from domain.customer_accounts import calendar_day
from domain.customers import addresses_of
from handlers.admin.crud import AdminResource, Refusal, exact, partial, refuse_nul
from handlers.admin.customers.addresses import address_document
from handlers.admin.sales.documents import status_label
from storage.customer_models import Customer
from storage.models import CustomerGroup
from storage.sales_models import Order

ACTIVE_ORDERS = Refusal(accounts.ACTIVE_ORDERS, "customer_has_active_orders")


def name_filter(value):
    text = value.strip()
    return (Customer.first_name.contains(text) | Customer.last_name.contains(text)
            | (Customer.first_name.concat(" ").concat(Customer.last_name)).contains(text))



def created_from(value):
    return Customer.created_at >= datetime.datetime.combine(calendar_day(value), datetime.time.min)


def created_to(value):
    return Customer.created_at <= datetime.datetime.combine(calendar_day(value), datetime.time.max)


def customer_documents(rows: list, context: RequestContext) -> list[dict]:
    group_ids = sorted({row.customer_group_id for row in rows if row.customer_group_id})  # one query per page
    groups = dict(CustomerGroup.select(CustomerGroup.id, CustomerGroup.name)
                  .where(CustomerGroup.id.in_(group_ids)).tuples())
    return [{
        "id": row.id, "firstName": row.first_name, "lastName": row.last_name,
        "name": f"{row.first_name} {row.last_name}".strip(), "email": row.email, "phone": row.phone,
        "gender": row.gender, "dateOfBirth": row.date_of_birth.isoformat() if row.date_of_birth else None,
        "customerGroupId": row.customer_group_id, "customerGroupName": groups.get(row.customer_group_id),
        "channelId": row.channel_id, "status": int(row.status),
        "subscribedToNewsLetter": bool(row.subscribed_to_news_letter), "isVerified": int(row.is_verified),
        "isSuspended": int(row.is_suspended), "totalAddresses": None, "totalOrders": None,
        "totalAmountSpent": None, "createdAt": iso(row.created_at), "updatedAt": iso(row.updated_at),
    } for row in rows]


def customer_detail(row, context: RequestContext) -> dict:
    return {**customer_documents([row], context)[0], **accounts.counters(row.id),
            "addresses": [address_document(address) for address in addresses_of(row.id)],
            "orders": customer_orders(row.id)}


def customer_orders(customer_id: int) -> list[dict]:
    """The customer's orders, newest first, as the order list summarises them."""
    orders = Order.select().where(Order.customer == customer_id).order_by(Order.created_at.desc(), Order.id.desc())
    return [{"id": order.id, "incrementId": order.increment_id, "status": order.status,
             "statusLabel": status_label(order.status), "grandTotal": json_number(order.grand_total),
             "baseGrandTotal": json_number(order.base_grand_total), "createdAt": iso(order.created_at)}
            for order in orders]


def refuse_customer_delete(rows: list) -> dict:
    return {key: ACTIVE_ORDERS for key in accounts.with_active_orders([row.id for row in rows])}


customers = AdminResource(
    model=Customer, label="Customer", plural="Customers",
    documents=customer_documents, detail=customer_detail,
    filters={"name": name_filter, "email": partial(Customer.email), "phone": partial(Customer.phone),
             "customer_group_id": exact(Customer.customer_group), "status": lambda value: Customer.status == bool(value),
             "channel_id": exact(Customer.channel),
             "date_of_birth_from": lambda value: Customer.date_of_birth >= calendar_day(value),
             "date_of_birth_to": lambda value: Customer.date_of_birth <= calendar_day(value),
             "created_at_from": created_from, "created_at_to": created_to},
    sorts={"id": Customer.id, "email": Customer.email, "first_name": Customer.first_name},
    default_order="desc", refuse_delete=refuse_customer_delete, skip_refused=True,
    messages={"deleted": "Customer deleted.", "mass_deleted": "Customers processed.",
              "status_updated": "Status updated."},
)

list_admin_customers = customers.list_handler()
get_admin_customer = customers.get_handler()
delete_admin_customer = customers.delete_handler()
mass_delete_admin_customers = customers.mass_delete_handler()
mass_update_admin_customer_status = customers.mass_update_status_handler()


def create_admin_customer(context: RequestContext, body: dict):
    refuse_nul(body)
    customer, _password = accounts.create_account(body, context.channel_id)
    return created(customers.present_one(customers.find(customer.id), context))


def update_admin_customer(context: RequestContext, id: int, body: dict) -> dict:
    refuse_nul(body)
    accounts.update_account(id, body)
    return customers.present_one(customers.find(id), context)


def create_admin_customer_note(context: RequestContext, customer_id: int, body: dict):
    refuse_nul(body)
    note = accounts.add_note(customer_id, body, caller_id(context))
    return created({"id": note.id, "customerId": note.customer_id, "note": note.note,
                    "customerNotified": note.customer_notified, "createdAt": iso(note.created_at)})


def page_of(lines: list[dict], window: Window) -> Page:
    return Page(lines[window.offset:window.offset + window.limit], len(lines))


def list_admin_customer_cart_items(context: RequestContext, window: Window, customer_id: int) -> Page:
    return page_of(accounts.cart_lines(context, customer_id), window)


def list_admin_customer_wishlist_items(context: RequestContext, window: Window, customer_id: int) -> Page:
    return page_of(accounts.wishlist_lines(context, customer_id), window)


def list_admin_customer_recent_order_items(context: RequestContext, window: Window, customer_id: int) -> Page:
    return page_of(accounts.recent_order_lines(context, customer_id), window)


graphql_resolvers = {"AdminCustomer": {"totalSpent": "totalAmountSpent"}}
