"""Order bumps: the offers a cart qualifies for, accepting one as a cart line, and the admin's rules for
what an offer may hold (docs/licenses.md, "Order bumps").

An offer is listed for a cart when it is live (active, in its dates and channel,
`order_bump_prices.live_bumps`), its product can be added in the channel, and its conditions hold for the
cart without its bump lines, evaluated as the cart rules evaluate theirs. Accepting adds the product as
its own cart line through the cart's code (stock checks, reservations) with `{"order_bump": id}` in the
line's `additional`; the totals price it (`domain/sales/order_bump_prices.py`). Accepting a bump the
cart already holds answers the cart as it is; removing the line is removing the bump.
"""
from decimal import Decimal

from domain.common import RequestContext
from domain.errors import ApiError, Unprocessable
from domain.promotions.rules import channel_codes, missing_ids, window_and_conditions
from domain.sales import cart as carts
from domain.sales import order_bump_prices
from domain.sales.cart_totals import build_lines, compute_totals, price_book
from domain.sales.pricing import shopper_group
from storage.db import database
from storage.license_models import OrderBump
from storage.models import Channel, Product, ProductDownloadableLink
from storage.sales_models import Cart, CartItem

BUMP_TYPES = ("simple", "virtual", "downloadable")
HUNDRED = Decimal(100)


# --- the shop --------------------------------------------------------------------------------------

def offers(context: RequestContext, cart: Cart | None) -> list[dict]:
    """[{bump, product, regular unit price, offer unit price, accepted line id}] for the cart, highest
    priority first."""
    if cart is None:
        return []
    totals = compute_totals(context, cart)
    bumps = [bump for bump in order_bump_prices.live_bumps(context.channel_code) if addable(context, bump)]
    if not bumps:
        return []
    facts, rule_lines = totals.bump_view(bumps)
    held = {order_bump_prices.bump_of(line.item): line for line in totals.lines
            if order_bump_prices.bump_of(line.item) is not None}
    result = []
    for bump in bumps:
        if not order_bump_prices.conditions_hold(bump, facts, rule_lines):
            continue
        regular = regular_unit_price(context, cart, bump)
        line = held.get(bump.id)
        result.append({"bump": bump, "regular": regular,
                       "offer": order_bump_prices.offer_unit_price(bump, regular),
                       "cart_item_id": line.item.id if line is not None else None})
    return result


def addable(context: RequestContext, bump: OrderBump) -> bool:
    try:
        carts.addable_product(context, bump.product_id)
    except ApiError:
        return False
    return True


def regular_unit_price(context: RequestContext, cart: Cart, bump: OrderBump) -> Decimal:
    """One unit of the product at its own price (a downloadable one with every link), base currency."""
    item = CartItem(product=bump.product_id, type=bump.product.type, quantity=1,
                    additional=selection_extras(bump.product))
    group_id, _ = shopper_group(cart.customer_id)
    book = price_book([item], group_id, 2, context.channel_id)
    return build_lines(context, [item], book)[0].base_unit_price


def selection_extras(product: Product) -> dict:
    if product.type != "downloadable":
        return {}
    return {"links": [key for (key,) in ProductDownloadableLink.select(ProductDownloadableLink.id)
                      .where(ProductDownloadableLink.product == product.id).order_by(ProductDownloadableLink.id)
                      .tuples()]}


def accept(context: RequestContext, bump_id: int) -> Cart:
    """Add the bump's product as a line at the offer (one unit); 404 when no such live bump, 422 when the
    cart does not qualify for it."""
    cart = carts.current_cart(context)
    bump = next((row for row in order_bump_prices.live_bumps(context.channel_code, [bump_id])), None)
    if bump is None or not addable(context, bump):
        raise ApiError(404, "Order bump not found", "not_found")
    offered = {entry["bump"].id: entry for entry in offers(context, cart)}
    if bump.id not in offered:
        raise ApiError(422, "The cart does not meet the conditions of this offer.", "order_bump_conditions_not_met",
                       {"id": ["The cart does not meet the conditions of this offer."]})
    if offered[bump.id]["cart_item_id"] is not None:
        return cart
    product = carts.addable_product(context, bump.product_id)
    selection = carts.selections_for(context, product, 1, selection_extras(product))[0]
    with database.atomic():
        lines = carts.lines_of(cart)
        item = CartItem(cart=cart.id, product=selection.product_id, child=selection.child_id, type=selection.type,
                        quantity=1, additional={**selection.additional, order_bump_prices.BUMP_KEY: bump.id})
        lines.append(item)
        carts.ensure_in_stock(context, lines, [item])
        item.save()
        carts.touch(cart)
        carts.hold_stock(context, cart, lines, [item])
    return cart


# --- the admin -------------------------------------------------------------------------------------

def bump_values(body: dict, row: OrderBump | None) -> dict:
    """Columns to write; every problem of the body at once (422)."""
    errors: dict = {}
    values = {key: body[key] for key in ("name", "price_type", "priority", "condition_type")
              if body.get(key) is not None}
    if "description" in body:
        values["description"] = body["description"] or ""
    if body.get("status") is not None:
        values["status"] = bool(body["status"])
    if body.get("product_id") is not None:
        product = Product.get_or_none(Product.id == body["product_id"])
        if product is None:
            errors["product_id"] = ["The selected product id is invalid."]
        elif product.type not in BUMP_TYPES or product.parent_id is not None:
            errors["product_id"] = [f"An order bump offers a simple, virtual or downloadable product; "
                                    f"this one is {product.type}."]
        values["product"] = body["product_id"]
    if body.get("offer_price") is not None:
        values["offer_price"] = Decimal(str(body["offer_price"]))
    price_type = values.get("price_type", row.price_type if row else "fixed")
    offer = values.get("offer_price", row.offer_price if row else None)
    if price_type == "percent" and offer is not None and offer > HUNDRED:
        errors["offer_price"] = ["A percent offer cannot take more than 100."]
    if body.get("channels") is not None:
        errors.update(missing_ids(Channel, body["channels"], "channels"))
        values["channel_codes"] = channel_codes(body["channels"])
    window_and_conditions(body, row, values, errors)
    if errors:
        raise Unprocessable(errors)
    return values
