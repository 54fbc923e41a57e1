"""Admin customer groups: /api/admin/customers/groups (CRUD, mass delete); GraphQL adminCustomerGroup(s).

The three system groups (guest, general, wholesale: ids 1-3 on a default install) keep their code and
cannot be deleted; a group that still has customers cannot be deleted either. A mass delete skips
those with their reason and deletes the rest. Prices per group and cart rules follow the group's
row on the next request.
"""
from domain.errors import Unprocessable
from handlers.admin.crud import AdminResource, Refusal, partial, plain_document
from storage.customer_models import Customer
from storage.models import CustomerGroup

SYSTEM_GROUP = Refusal("System group cannot be deleted", "system_group")
IN_USE = Refusal("Group has customers attached", "group_in_use")
LIST_FIELDS = ("id", "code", "name", "is_user_defined", "created_at", "updated_at")


def group_values(body: dict, row) -> dict:
    """A new group is user-defined; a system group keeps its code and stays a system group."""
    values = {key: body[key] for key in ("code", "name") if key in body}
    if row is None:
        values["is_user_defined"] = True
        return values
    errors = {}
    if not row.is_user_defined:
        if "code" in body and body["code"] != row.code:
            errors["code"] = ["The code of a system group cannot change."]
        if "is_user_defined" in body and body["is_user_defined"] != 0:
            errors["is_user_defined"] = ["A system group stays a system group."]
    elif body.get("is_user_defined") == 0:
        errors["is_user_defined"] = ["A group cannot become a system group."]
    if errors:
        raise Unprocessable(errors)
    return values


def refuse_group_delete(rows: list) -> dict:
    ids = [row.id for row in rows]
    used = {row.customer_group_id for row in Customer.select(Customer.customer_group)
            .where(Customer.customer_group.in_(ids)).distinct()}
    refusals = {}
    for row in rows:
        if not row.is_user_defined:
            refusals[row.id] = SYSTEM_GROUP
        elif row.id in used:
            refusals[row.id] = IN_USE
    return refusals


def group_documents(rows: list, context) -> list[dict]:
    document = plain_document(*LIST_FIELDS)
    return [{**document(row), "customersCount": None} for row in rows]


def group_detail(row, context) -> dict:
    count = Customer.select().where(Customer.customer_group == row.id).count()
    return {**group_documents([row], context)[0], "customersCount": count}


groups = AdminResource(
    model=CustomerGroup, label="Customer group", plural="Customer groups",
    documents=group_documents, detail=group_detail,
    filters={"code": partial(CustomerGroup.code), "name": partial(CustomerGroup.name),
             "is_user_defined": lambda value: CustomerGroup.is_user_defined == bool(int(value))},
    sorts={"id": CustomerGroup.id, "code": CustomerGroup.code, "name": CustomerGroup.name},
    default_order="desc", unique=("code",), values=group_values,
    refuse_delete=refuse_group_delete, skip_refused=True,
    messages={"deleted": "Customer group deleted.", "mass_deleted": "Customer groups processed."},
)

list_admin_customer_groups = groups.list_handler()
get_admin_customer_group = groups.get_handler()
create_admin_customer_group = groups.create_handler()
update_admin_customer_group = groups.update_handler()
delete_admin_customer_group = groups.delete_handler()
mass_delete_admin_customer_groups = groups.mass_delete_handler()
