"""Admin order bumps: /api/admin/marketing/order-bumps (CRUD); GraphQL adminMarketingOrderBump(s).

The admin writes what the shop's offers (`domain/order_bumps.py`) and the cart's totals
(`domain/sales/order_bump_prices.py`) read: channels arrive as ids and are stored as codes, conditions
are checked against what the cart-rule engine understands, dates are naive UTC."""
from decimal import Decimal

from domain.common import RequestContext
from domain.order_bumps import bump_values
from domain.promotions.rules import ids_by_code
from handlers.admin.crud import AdminResource, exact, flag, partial, plain_value
from storage.license_models import OrderBump


def order_bump_documents(rows: list[OrderBump], context: RequestContext | None = None) -> list[dict]:
    channels, _ = ids_by_code()
    return [{"id": row.id, "name": row.name, "description": row.description or "", "productId": row.product_id,
             "priceType": row.price_type, "offerPrice": plain_value(Decimal(row.offer_price)),
             "status": int(row.status), "priority": row.priority, "conditionType": row.condition_type,
             "conditions": list(row.conditions or []),
             "channels": [channels[code] for code in row.channel_codes or [] if code in channels],
             "startsFrom": plain_value(row.starts_from), "endsTill": plain_value(row.ends_till),
             "createdAt": plain_value(row.created_at), "updatedAt": plain_value(row.updated_at)} for row in rows]


order_bumps = AdminResource(
    model=OrderBump, label="Order bump", plural="Order bumps", documents=order_bump_documents,
    filters={"name": partial(OrderBump.name), "status": flag(OrderBump.status), "product_id": exact(OrderBump.product)},
    sorts={"id": OrderBump.id, "name": OrderBump.name, "priority": OrderBump.priority},
    values=bump_values,
)

list_admin_order_bumps = order_bumps.list_handler()
get_admin_order_bump = order_bumps.get_handler()
create_admin_order_bump = order_bumps.create_handler()
update_admin_order_bump = order_bumps.update_handler()
delete_admin_order_bump = order_bumps.delete_handler()
