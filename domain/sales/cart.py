"""Cart rules: guest cart tokens, customer carts, lines of every product type, stock checks,
coupons, and merging a guest cart into the customer's cart.

A guest cart is reached only through its token, a random secret of which Cart.token_hash keeps the
SHA-256; a customer's active cart through the customer token. No operation takes a cart id from the
request, so one bearer can never reach another cart. Every amount shown comes from
`domain.sales.cart_totals.compute_totals`.

What a line holds beyond product and quantity (`CartItem.additional`):
  configurable  nothing: the chosen variant is `CartItem.child`
  downloadable  {"links": [<link id>, ...]}
  bundle        {"bundle_options": {"<option id>": [<bundle option product id>, ...]},
                 "bundle_option_qty": {"<option id>": <quantity per bundle>}} (only quantities the buyer set)
  grouped       one simple/virtual line per associated product, like adding each one by itself
  booking       {"booking": {...}}: the booked slot, rental days/hours or event ticket (domain.booking.cart)
The same product with the same selection is one line whose quantity grows. Stock is the sum of
ProductInventory.qty over active inventory sources, for products with `manage_stock`; downloadable
products have none. Placing the order checks stock again, atomically (domain.sales.order_placement).
"""
import datetime
import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass

from domain.booking.cart import booking_lines, ensure_places
from domain.common import RequestContext
from domain.errors import ApiError, Unprocessable
from domain.sales import reservations
from domain.sales.cart_totals import CART_ITEMS, check_coupon
from generated.input_schemas import schema
from domain.catalog.product_reads import STOCK_IN_ACTIVE_SOURCES, STOCK_MANAGED
from domain.catalog.visibility import enabled_in_channel
from storage.compiled import Compiled
from storage.customer_models import Customer
from storage.db import database
from storage.models import (
    Product, ProductBundleOption, ProductBundleOptionProduct, ProductChannel, ProductDownloadableLink,
    ProductGroupedProduct, ProductSuperAttribute, ProductAttributeValue, ProductTranslation, utcnow,
)
from storage.sales_models import Cart, CartItem, Order

# The spec's CartQuantity bound also caps a line's total (what merges and repeated adds sum to).
MAX_LINE_QUANTITY = schema("shop", "CartQuantity")["maximum"]
SINGLE_CHOICE_OPTIONS = ("select", "radio")
INVALID_DATA = "The given data was invalid."
# A guest cart named by its id alone (no token) can be merged while it is this fresh (see guest_cart_by_id).
MERGE_BY_ID_WINDOW = datetime.timedelta(hours=24)
ADDED = "Product added to cart successfully."
GUEST_CART_OF_TOKEN = Compiled(lambda token_hash: Cart.select().where(
    Cart.token_hash == token_hash, Cart.customer.is_null()).limit(1), "text")


# --- errors --------------------------------------------------------------------------------------

def unauthenticated() -> ApiError:
    return ApiError(401, "Unauthenticated.", "unauthenticated")


def cart_not_found() -> ApiError:
    return ApiError(404, "Cart not found.", "cart_not_found")


def item_not_found() -> ApiError:
    return ApiError(404, "Cart item not found", "item_not_found")


def product_not_found() -> ApiError:
    return ApiError(404, "Product not found", "product_not_found")


def invalid(field: str, message: str, code: str = "validation_failed") -> ApiError:
    """422 naming the field; the specific codes carry their message at the top level too."""
    return Unprocessable({field: [message]}, INVALID_DATA if code == "validation_failed" else message, code)


# --- cart tokens and the bearer's cart -------------------------------------------------------------

def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def authenticate_guest_cart_token(raw_token: str | None) -> dict | None:
    """Claims for the token of a guest cart (an ordered one too, so a retried place-order can find its
    order; cart operations refuse a closed cart); customer tokens (`id|secret`) are not cart tokens."""
    token = (raw_token or "").strip()
    if not token or "|" in token or len(token) > 128:
        return None
    cart = next(iter(GUEST_CART_OF_TOKEN.models(hash_token(token))), None)
    return {"cart_id": cart.id, "cart_token": token, "cart": cart} if cart else None


def current_cart(context: RequestContext, create: bool = False) -> Cart:
    """The bearer's cart: the customer's active cart of this channel (created when `create`), or the
    guest cart of the cart token. 401 without either bearer, 404 for a customer without a cart."""
    if context.customer_id is not None:
        cart = customer_cart(context.customer_id, context.channel_id)
        if cart is None and create:
            cart = open_customer_cart(context, context.customer_id)
        if cart is None:
            raise cart_not_found()
        return cart
    if context.cart_id is not None:
        read, context.cart_row = context.cart_row, None  # the row the token check read, used once
        cart = (read if read.is_active else None) if read is not None and read.id == context.cart_id else \
            Cart.get_or_none(Cart.id == context.cart_id, Cart.is_active == True)  # noqa: E712
        if cart is None:
            raise unauthenticated()
        return cart
    raise unauthenticated()


def customer_cart(customer_id: int, channel_id: int) -> Cart | None:
    """The customer's active storefront cart in the channel (an admin's draft cart for them is not)."""
    return (Cart.select().where(Cart.customer == customer_id, Cart.channel == channel_id,
                                Cart.is_active == True, Cart.is_draft == False)  # noqa: E712
            .order_by(Cart.id.desc()).first())


def open_customer_cart(context: RequestContext, customer_id: int) -> Cart:
    customer = Customer.get_by_id(customer_id)
    return Cart.create(customer=customer.id, channel=context.channel_id, currency_code=context.currency.code,
                       customer_email=customer.email, customer_first_name=customer.first_name,
                       customer_last_name=customer.last_name)


def open_guest_cart(context: RequestContext) -> tuple[Cart, str]:
    """A new guest cart and its token (returned once, never stored); it remembers the storefront key
    it was created through."""
    token = secrets.token_urlsafe(32)
    cart = Cart.create(token_hash=hash_token(token), channel=context.channel_id, currency_code=context.currency.code,
                       storefront_key_id=context.storefront_key_id)
    return cart, token


def touch(cart: Cart):
    cart.updated_at = utcnow()
    Cart.update(updated_at=cart.updated_at).where(Cart.id == cart.id).execute()


# --- request values ------------------------------------------------------------------------------

def whole_number(value, field: str, minimum: int = 1) -> int:
    """An integer (or a string of digits, as JSON-string inputs carry) between minimum and the line limit."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise invalid(field, f"The {field} must be an integer.")
    if not minimum <= value <= MAX_LINE_QUANTITY:
        raise invalid(field, f"The {field} must be between {minimum} and {MAX_LINE_QUANTITY}.")
    return value


def id_map(value, field: str) -> dict[str, object]:
    """`{"<id>": value}` from an object, a JSON string of one, or a list of one-key objects."""
    if value is None or value == "":
        return {}
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise invalid(field, f"The {field} must be a JSON object.") from None
    if isinstance(value, list) and all(isinstance(part, dict) for part in value):
        value = {key: part[key] for part in value for key in part}
    if not isinstance(value, dict):
        raise invalid(field, f"The {field} must be an object keyed by ids.")
    if not all(str(key).strip().isdigit() and len(str(key).strip()) <= 10 for key in value):
        raise invalid(field, f"The keys of {field} must be ids.")
    return {str(int(key)): item for key, item in value.items()}


def id_list(value, field: str) -> list[int]:
    values = value if isinstance(value, list) else [value]
    if not all((isinstance(item, int) and not isinstance(item, bool)) or (isinstance(item, str) and item.isdigit())
               for item in values):
        raise invalid(field, f"The {field} must list ids.")
    return sorted({int(item) for item in values})


# --- what a request adds: one selection per line --------------------------------------------------

@dataclass
class Selection:
    product_id: int
    child_id: int | None
    type: str
    quantity: int
    additional: dict


def product_name(context: RequestContext, product_id: int) -> str:
    names = dict(ProductTranslation.select(ProductTranslation.locale, ProductTranslation.name)
                 .where(ProductTranslation.product == product_id).tuples())
    for locale in context.locales:
        if locale in names:
            return names[locale]
    return next(iter(names.values()), None) or Product.get_by_id(product_id).sku


def addable_product(context: RequestContext, product_id) -> Product:
    """A product the shop shows on its own: top-level, enabled, visible individually, in the channel.
    Any other id is 404 exactly as for an id that does not exist, so the answer never tells a hidden
    product (or its name) apart from a missing one."""
    in_channel = (ProductChannel.product == Product.id) & (ProductChannel.channel == context.channel_id)
    product = (Product.select().join(ProductChannel, on=in_channel)
               .where(Product.id == product_id, Product.parent.is_null(), Product.status == True,  # noqa: E712
                      Product.visible_individually == True).first())  # noqa: E712
    if product is None:
        raise product_not_found()
    return product


def selections_for(context: RequestContext, product: Product, quantity: int, body: dict) -> list[Selection]:
    """Validate the type-specific fields of an add-to-cart body; the lines it adds."""
    if product.type in ("simple", "virtual"):
        return [Selection(product.id, None, product.type, quantity, {})]
    builders = {"configurable": configurable_selection, "downloadable": downloadable_selection,
                "grouped": grouped_selections, "bundle": bundle_selection, "booking": booking_selections}
    if product.type not in builders:
        raise invalid("productId", f'Products of type "{product.type}" cannot be added to the cart.',
                      "unsupported_product_type")
    return builders[product.type](context, product, quantity, body)


def booking_selections(context, product: Product, quantity: int, body: dict) -> list[Selection]:
    return [Selection(product.id, None, "booking", qty, additional)
            for qty, additional in booking_lines(context, product, quantity, body)]


def configurable_selection(context, product: Product, quantity: int, body: dict) -> list[Selection]:
    variant_id = body.get("selectedConfigurableOption")
    if variant_id is None:
        raise invalid("selectedConfigurableOption",
                      "The selectedConfigurableOption field is required for configurable products.")
    # A disabled variant is not one of the product's (its page does not list it either).
    variant = Product.get_or_none(Product.id == variant_id, Product.parent == product.id,
                                  Product.status == True)  # noqa: E712
    if variant is None:
        raise invalid("selectedConfigurableOption", f"Product {variant_id} is not a variant of this product.",
                      "invalid_configuration")
    check_super_attribute(product, variant, body.get("superAttribute"))
    return [Selection(product.id, variant.id, "configurable", quantity, {})]


def check_super_attribute(product: Product, variant: Product, value):
    """`superAttribute` is optional (the variant decides), but when sent it must describe the variant."""
    chosen = id_map(value, "superAttribute")
    if not chosen:
        return
    super_ids = {row.attribute_id for row in
                 ProductSuperAttribute.select().where(ProductSuperAttribute.product == product.id)}
    values = dict(ProductAttributeValue.select(ProductAttributeValue.attribute, ProductAttributeValue.integer_value)
                  .where(ProductAttributeValue.product == variant.id).tuples())
    for attribute_id, option_id in chosen.items():
        if int(attribute_id) not in super_ids or str(values.get(int(attribute_id))) != str(option_id).strip():
            raise invalid("superAttribute", "The selected options do not match the chosen variant.",
                          "invalid_configuration")


def downloadable_selection(context, product: Product, quantity: int, body: dict) -> list[Selection]:
    if not body.get("links"):
        raise invalid("links", "Choose at least one download link.", "invalid_links")
    chosen = id_list(body["links"], "links")
    offered = {row.id for row in ProductDownloadableLink.select(ProductDownloadableLink.id)
               .where(ProductDownloadableLink.product == product.id)}
    unknown = [link_id for link_id in chosen if link_id not in offered]
    if unknown:
        raise invalid("links", f"Links {', '.join(map(str, unknown))} do not belong to this product.", "invalid_links")
    return [Selection(product.id, None, "downloadable", quantity, {"links": chosen})]


def grouped_selections(context, product: Product, quantity: int, body: dict) -> list[Selection]:
    """One line per associated product with a quantity above 0; `quantity` is not used (the page's
    example adds exactly the groupedQty quantities). The members are those the product page shows
    (enabled, in the channel): a hidden member is "not part of this group", like an unknown id."""
    chosen = id_map(body.get("groupedQty"), "groupedQty")
    associated = {row.associated_product_id: row.associated_product for row in
                  ProductGroupedProduct.select(ProductGroupedProduct, Product)
                  .join(Product, on=(ProductGroupedProduct.associated_product == Product.id))
                  .where(ProductGroupedProduct.product == product.id, enabled_in_channel(context))
                  .order_by(ProductGroupedProduct.sort_order)}
    unknown = [key for key in chosen if int(key) not in associated]
    if unknown:
        raise invalid("groupedQty", f"Products {', '.join(unknown)} are not part of this group.")
    missing = [str(pid) for pid in associated if str(pid) not in chosen]
    if missing:
        raise invalid("groupedQty", f"Give a quantity for every product of the group (missing: {', '.join(missing)}).",
                      "missing_grouped_quantities")
    quantities = {pid: whole_number(chosen[str(pid)], "groupedQty", minimum=0) for pid in associated}
    if not any(quantities.values()):
        raise invalid("groupedQty", "Choose a quantity of at least 1 for one product of the group.")
    selections = []
    for pid, member in associated.items():
        if quantities[pid] == 0:
            continue
        if member.type not in ("simple", "virtual"):
            raise invalid("groupedQty", f"Product {pid} of the group cannot be added this way.")
        selections.append(Selection(pid, None, member.type, quantities[pid], {}))
    return selections


def bundle_selection(context, product: Product, quantity: int, body: dict) -> list[Selection]:
    options = {option.id: option for option in
               ProductBundleOption.select().where(ProductBundleOption.product == product.id)}
    # The choices the product page shows (enabled, in the channel): a hidden one is "not a choice".
    offered = {row.id: row for row in ProductBundleOptionProduct.select()
               .join(Product, on=(ProductBundleOptionProduct.product == Product.id))
               .where(ProductBundleOptionProduct.bundle_option.in_(list(options)), enabled_in_channel(context))}
    chosen = chosen_bundle_products(id_map(body.get("bundleOptions"), "bundleOptions"), options, offered)
    option_qty = chosen_bundle_quantities(id_map(body.get("bundleOptionQty"), "bundleOptionQty"), chosen,
                                          options, offered)
    additional = {"bundle_options": {str(key): ids for key, ids in sorted(chosen.items())},
                  "bundle_option_qty": {str(key): qty for key, qty in sorted(option_qty.items())}}
    return [Selection(product.id, None, "bundle", quantity, additional)]


def chosen_bundle_products(raw: dict, options: dict, offered: dict) -> dict[int, list[int]]:
    """{option id: [bundle option product ids]}: known options, their own products, one product for
    radio/select, every required option chosen."""
    problems, chosen = [], {}
    for key, value in raw.items():
        option = options.get(int(key))
        if option is None:
            problems.append(f"Option {key} is not an option of this bundle.")
            continue
        ids = id_list(value, "bundleOptions") if value not in (None, []) else []
        foreign = [row_id for row_id in ids if row_id not in offered or offered[row_id].bundle_option_id != option.id]
        if foreign:
            problems.append(f"Products {', '.join(map(str, foreign))} are not choices of option {key}.")
        elif len(ids) > 1 and option.type in SINGLE_CHOICE_OPTIONS:
            problems.append(f'Option "{option.label}" takes one product.')
        elif ids:
            chosen[option.id] = ids
    problems += [f'Option "{option.label}" is required.' for option in options.values()
                 if option.is_required and option.id not in chosen]
    if not chosen and not problems:
        problems.append("Choose at least one bundle option.")
    if problems:
        raise ApiError(422, problems[0], "invalid_bundle_options", {"bundleOptions": problems})
    return chosen


def chosen_bundle_quantities(raw: dict, chosen: dict, options: dict, offered: dict) -> dict[int, int]:
    """Quantities the buyer may set: radio/select options whose product allows it. Sending an
    option's fixed quantity unchanged is accepted (the page's example sends 1 for every option)."""
    quantities = {}
    for key, value in raw.items():
        option_id = int(key)
        if option_id not in chosen:
            continue
        qty = whole_number(value, "bundleOptionQty")
        products = [offered[row_id] for row_id in chosen[option_id]]
        changeable = options[option_id].type in SINGLE_CHOICE_OPTIONS and products[0].is_user_defined
        if changeable:
            quantities[option_id] = qty
        elif any(qty != row.qty for row in products):
            message = f'The quantity of option "{options[option_id].label}" is fixed.'
            raise ApiError(422, message, "invalid_bundle_qty", {"bundleOptionQty": [message]})
    return quantities


# --- stock -----------------------------------------------------------------------------------------

def available_qty(product_ids) -> dict[int, int]:
    """Units on hand per product: ProductInventory.qty summed over active inventory sources."""
    ids = list(product_ids)
    found = dict(STOCK_IN_ACTIVE_SOURCES.tuples(ids)) if ids else {}
    return {pid: int(found.get(pid) or 0) for pid in ids}


def tracked_stock(product_ids) -> dict[int, int]:
    """Available units of the products among `product_ids` whose stock is managed."""
    tracked = [product_id for (product_id,) in STOCK_MANAGED.tuples(sorted(product_ids))]
    return available_qty(tracked)


def bundle_rows(lines) -> dict[int, ProductBundleOptionProduct]:
    ids = {int(row_id) for line in lines for selected in (line.additional or {}).get("bundle_options", {}).values()
           for row_id in selected}
    rows = ProductBundleOptionProduct.select().where(ProductBundleOptionProduct.id.in_(list(ids))) if ids else []
    return {row.id: row for row in rows}


def line_demand(line, rows: dict, quantity: int | None = None) -> Counter:
    """Units of stock-bearing products a line takes (a bundle takes its selections)."""
    quantity = line.quantity if quantity is None else quantity
    demand = Counter()
    if line.type == "downloadable":
        return demand
    if line.type != "bundle":
        demand[line.child_id or line.product_id] = quantity
        return demand
    option_qty = (line.additional or {}).get("bundle_option_qty", {})
    for option_id, selected in (line.additional or {}).get("bundle_options", {}).items():
        for row_id in selected:
            row = rows.get(int(row_id))
            if row is not None:
                per_bundle = int(option_qty.get(str(option_id), row.qty)) if row.is_user_defined else row.qty
                demand[row.product_id] += per_bundle * quantity
    return demand


def total_demand(lines, rows: dict) -> Counter:
    demand = Counter()
    for line in lines:
        demand.update(line_demand(line, rows))
    return demand


def ensure_in_stock(context: RequestContext, lines: list, changed: list):
    """422 naming the product when the cart's lines would need more of it than is available; only
    products of the `changed` lines are checked. Booking lines: the places of their slots, days or tickets."""
    ensure_places(lines, changed)
    rows = bundle_rows(lines)
    demand = total_demand(lines, rows)
    checked = set()
    for line in changed:
        checked |= set(line_demand(line, rows))
    stock = tracked_stock(checked)
    for pid in sorted(stock):
        if demand[pid] > stock[pid]:
            name = product_name(context, pid)
            message = f'Not enough stock for "{name}": {stock[pid]} available, {demand[pid]} requested.'
            raise ApiError(422, message, "out_of_stock", {"quantity": [message]})


def hold_stock(context: RequestContext | None, cart: Cart, lines: list, changed: list = ()):
    """With the channel's reservations on, the cart holds what its lines need (domain.sales.reservations);
    what the `changed` lines ask for must be sellable (422), the rest is held as far as it is."""
    def needs() -> tuple[dict[int, int], set[int]]:
        rows = bundle_rows(lines)
        needed, asked = total_demand(lines, rows), {pid for line in changed for pid in line_demand(line, rows)}
        return {pid: needed[pid] for pid in tracked_stock(needed)}, asked
    reservations.hold(cart, needs, lambda pid: product_name(context, pid))


# --- changing a cart ---------------------------------------------------------------------------------

def same_line(item, product_id: int, child_id: int | None, additional: dict) -> bool:
    return (item.product_id == product_id and item.child_id == child_id
            and json.dumps(item.additional or {}, sort_keys=True) == json.dumps(additional or {}, sort_keys=True))


def lines_of(cart: Cart) -> list[CartItem]:
    return CART_ITEMS.models(cart.id)


def add_product(context: RequestContext, cart: Cart, body: dict) -> CartItem:
    """Validate an add-to-cart body for the product's type and stock, and add its lines (the same
    product with the same selection raises the existing line). Returns the first line touched."""
    product = addable_product(context, body.get("productId"))
    quantity = whole_number(1 if body.get("quantity") is None else body["quantity"], "quantity")
    selections = selections_for(context, product, quantity, body)
    with database.atomic():
        lines = lines_of(cart)
        changed = []
        for selection in selections:
            item = next((line for line in lines if same_line(line, selection.product_id, selection.child_id,
                                                             selection.additional)), None)
            if item is None:
                item = CartItem(cart=cart.id, product=selection.product_id, child=selection.child_id,
                                type=selection.type, quantity=0, additional=selection.additional)
                lines.append(item)
            item.quantity += selection.quantity
            if item.quantity > MAX_LINE_QUANTITY:
                raise invalid("quantity", f"A cart line holds at most {MAX_LINE_QUANTITY} units.")
            changed.append(item)
        ensure_in_stock(context, lines, changed)
        for item in changed:
            item.updated_at = utcnow()
            item.save()
        touch(cart)
        hold_stock(context, cart, lines, changed)
    return changed[0]


def set_item_quantity(context: RequestContext, cart: Cart, item_id, quantity) -> CartItem:
    quantity = whole_number(quantity, "quantity")
    with database.atomic():
        lines = lines_of(cart)
        item = next((line for line in lines if line.id == item_id), None)
        if item is None:
            raise item_not_found()
        item.quantity = quantity
        ensure_in_stock(context, lines, [item])
        item.updated_at = utcnow()
        item.save()
        touch(cart)
        hold_stock(context, cart, lines, [item])
    return item


def remove_item(cart: Cart, item_id):
    with database.atomic():
        if not CartItem.delete().where(CartItem.id == item_id, CartItem.cart == cart.id).execute():
            raise item_not_found()
        touch(cart)
        hold_stock(None, cart, lines_of(cart))


def apply_coupon_code(context: RequestContext, cart: Cart, code: str):
    coupon = check_coupon(context, cart, code.strip())
    cart.coupon_code = coupon.code
    Cart.update(coupon_code=coupon.code, updated_at=utcnow()).where(Cart.id == cart.id).execute()
    return coupon


def drop_coupon(cart: Cart):
    if not cart.coupon_code:
        message = "No coupon is currently applied to this cart."
        raise ApiError(404, message, "coupon_not_applied", {"coupon": [message]})
    cart.coupon_code = None
    Cart.update(coupon_code=None, updated_at=utcnow()).where(Cart.id == cart.id).execute()


# --- merging a guest cart ----------------------------------------------------------------------------

def guest_cart_of_token(raw_token: str | None, cart_id: int | None = None) -> Cart:
    claims = authenticate_guest_cart_token(raw_token)
    if claims is None or (cart_id is not None and claims["cart_id"] != cart_id):
        raise cart_not_found()
    return Cart.get_by_id(claims["cart_id"])


def guest_cart_by_id(context: RequestContext, cart_id) -> Cart:
    """The guest cart a signed-in customer names by its id alone (merge-cart.md sends only `cartId`):
    an active guest cart (no customer, never ordered) of this channel, created through the same
    storefront key as this request, changed within MERGE_BY_ID_WINDOW. Any other id is 404 exactly
    like an unknown one, so the answer tells nothing about other storefronts' or customers' carts."""
    if isinstance(cart_id, bool) or not isinstance(cart_id, int) or context.storefront_key_id is None:
        raise cart_not_found()
    cart = Cart.get_or_none(Cart.id == cart_id, Cart.customer.is_null(), Cart.is_active == True,  # noqa: E712
                            Cart.token_hash.is_null(False), Cart.channel == context.channel_id,
                            Cart.storefront_key_id == context.storefront_key_id,
                            Cart.updated_at >= utcnow() - MERGE_BY_ID_WINDOW)
    if cart is None or Order.select().where(Order.cart_id == cart.id).exists():
        raise cart_not_found()
    return cart


def merge_guest_cart(context: RequestContext, guest: Cart, customer_id: int) -> Cart | None:
    """Move the guest cart's lines into the customer's active cart: the same product with the same
    selection adds up, capped at the stock available (a line with none left is dropped). The guest
    cart becomes the customer's cart when they have none; otherwise it is closed. Either way its
    token stops working. None when another request merged it first."""
    still_a_guest_cart = (Cart.id == guest.id) & (Cart.is_active == True) & Cart.customer.is_null()  # noqa: E712
    with database.atomic():
        target = customer_cart(customer_id, context.channel_id)
        if target is None:
            customer = Customer.get_by_id(customer_id)
            adopted = Cart.update(customer=customer.id, token_hash=None, customer_email=customer.email,
                                  customer_first_name=customer.first_name, customer_last_name=customer.last_name,
                                  channel=context.channel_id, updated_at=utcnow()).where(still_a_guest_cart).execute()
            return Cart.get_by_id(guest.id) if adopted else None
        if not Cart.update(is_active=False, token_hash=None, updated_at=utcnow()).where(still_a_guest_cart).execute():
            return None
        move_lines(lines_of(guest), target)
        if not target.coupon_code and guest.coupon_code:
            Cart.update(coupon_code=guest.coupon_code).where(Cart.id == target.id).execute()
        CartItem.delete().where(CartItem.cart == guest.id).execute()
        reservations.release_cart(guest.id)
        touch(target)
        hold_stock(context, target, lines_of(target))
        return Cart.get_by_id(target.id)


def move_lines(guest_lines: list[CartItem], target: Cart):
    lines = lines_of(target)
    rows = bundle_rows(lines + guest_lines)
    stock = tracked_stock({pid for line in lines + guest_lines for pid in line_demand(line, rows, 1)})
    for guest_line in guest_lines:
        demand = total_demand(lines, rows)
        allowed = guest_line.quantity
        for pid, units in line_demand(guest_line, rows, 1).items():
            if pid in stock and units:
                allowed = min(allowed, (stock[pid] - demand[pid]) // units)
        item = next((line for line in lines if same_line(line, guest_line.product_id, guest_line.child_id,
                                                         guest_line.additional)), None)
        allowed = min(allowed, MAX_LINE_QUANTITY - (item.quantity if item else 0))
        if allowed <= 0:
            continue
        if item is None:
            item = CartItem(cart=target.id, product=guest_line.product_id, child=guest_line.child_id,
                            type=guest_line.type, quantity=0, additional=guest_line.additional or {})
            lines.append(item)
        item.quantity += allowed
        item.updated_at = utcnow()
        item.save()


def merge_on_login(context: RequestContext, customer_id: int):
    """Login with a guest cart token as Bearer: that cart joins the customer's cart."""
    if context.cart_id is None:
        return
    guest = Cart.get_or_none(Cart.id == context.cart_id, Cart.is_active == True, Cart.customer.is_null())  # noqa: E712
    if guest is not None:
        merge_guest_cart(context, guest, customer_id)
