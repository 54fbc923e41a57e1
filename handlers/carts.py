"""Carts over REST and GraphQL: guest cart tokens, customer carts, lines of every product type,
coupons, and merging a guest cart into the customer's cart.

A guest cart is reached only through its token, a random secret of which Cart.token_hash keeps the
SHA-256; a customer's active cart through the customer token. No operation takes a cart id from the
request, so one bearer can never reach another cart. Every amount shown comes from
`handlers.cart_totals.compute_totals`.

What a line holds beyond product and quantity (`CartItem.additional`):
  configurable  nothing: the chosen variant is `CartItem.child`
  downloadable  {"links": [<link id>, ...]}
  bundle        {"bundle_options": {"<option id>": [<bundle option product id>, ...]},
                 "bundle_option_qty": {"<option id>": <quantity per bundle>}} (only quantities the buyer set)
  grouped       one simple/virtual line per associated product, like adding each one by itself
The same product with the same selection is one line whose quantity grows. Stock is the sum of
ProductInventory.qty over active inventory sources, for products with `manage_stock`; downloadable
products have none. Placing the order checks stock again, atomically (handlers.order_placement).
"""
import hashlib
import json
import secrets
from collections import Counter
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal

from peewee import fn

from handlers import payments
from handlers.cart_totals import check_coupon, compute_totals
from handlers.common import RequestContext, iso, json_number
from handlers.errors import ApiError
from handlers.product_types import enabled_in_channel
from handlers.spec_schemas import validator
from storage.customer_models import Customer
from storage.db import database
from storage.models import (
    InventorySource, Product, ProductBundleOption, ProductBundleOptionProduct, ProductChannel,
    ProductDownloadableLink, ProductGroupedProduct, ProductImage, ProductInventory, ProductSuperAttribute,
    ProductAttributeValue, ProductTranslation, utcnow,
)
from storage.sales_models import Cart, CartAddress, CartItem

MAX_LINE_QUANTITY = 10_000
SINGLE_CHOICE_OPTIONS = ("select", "radio")
INVALID_DATA = "The given data was invalid."
ADDED = "Product added to cart successfully."


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
    return ApiError(422, INVALID_DATA if code == "validation_failed" else message, code, {field: [message]})


# --- cart tokens and the bearer's cart -------------------------------------------------------------

def hash_token(raw_token: str) -> str:
    return hashlib.sha256(raw_token.encode("utf-8")).hexdigest()


def authenticate_guest_cart_token(raw_token: str | None) -> dict | None:
    """Claims for the token of a guest cart (an ordered one too, so a retried place-order can find its
    order; cart operations refuse a closed cart); customer tokens (`id|secret`) are not cart tokens."""
    token = (raw_token or "").strip()
    if not token or "|" in token or len(token) > 128:
        return None
    cart = Cart.select(Cart.id).where(Cart.token_hash == hash_token(token), Cart.customer.is_null()).first()
    return {"cart_id": cart.id, "cart_token": token} if cart else None


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
        cart = Cart.get_or_none(Cart.id == context.cart_id, Cart.is_active == True)  # noqa: E712
        if cart is None:
            raise unauthenticated()
        return cart
    raise unauthenticated()


def customer_cart(customer_id: int, channel_id: int) -> Cart | None:
    return (Cart.select().where(Cart.customer == customer_id, Cart.channel == channel_id,
                                Cart.is_active == True)  # noqa: E712
            .order_by(Cart.id.desc()).first())


def open_customer_cart(context: RequestContext, customer_id: int) -> Cart:
    customer = Customer.get_by_id(customer_id)
    return Cart.create(customer=customer.id, channel=context.channel_id, currency_code=context.currency.code,
                       customer_email=customer.email, customer_first_name=customer.first_name,
                       customer_last_name=customer.last_name)


def open_guest_cart(context: RequestContext) -> tuple[Cart, str]:
    """A new guest cart and its token (returned once, never stored)."""
    token = secrets.token_urlsafe(32)
    cart = Cart.create(token_hash=hash_token(token), channel=context.channel_id, currency_code=context.currency.code)
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


def check_input(schema_name: str, data: dict):
    """GraphQL inputs get the same rules as the REST body (422 listing every failing field)."""
    errors = {}
    for error in validator("shop", schema_name).iter_errors(data):
        key = ".".join(str(part) for part in error.path) or "input"
        errors.setdefault(key, []).append(error.message)
    if errors:
        raise ApiError(422, INVALID_DATA, "validation_failed", errors)


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
                "grouped": grouped_selections, "bundle": bundle_selection}
    if product.type not in builders:
        raise invalid("productId", f'Products of type "{product.type}" cannot be added to the cart.',
                      "unsupported_product_type")
    return builders[product.type](context, product, quantity, body)


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
    found = dict(ProductInventory.select(ProductInventory.product, fn.SUM(ProductInventory.qty)).join(InventorySource)
                 .where(ProductInventory.product.in_(ids), InventorySource.status == True)  # noqa: E712
                 .group_by(ProductInventory.product).tuples()) if ids else {}
    return {pid: int(found.get(pid) or 0) for pid in ids}


def tracked_stock(product_ids) -> dict[int, int]:
    """Available units of the products among `product_ids` whose stock is managed."""
    tracked = [row.id for row in Product.select(Product.id).where(
        Product.id.in_(list(product_ids)), Product.manage_stock == True, Product.type != "downloadable")]  # noqa: E712
    return available_qty(tracked)


def bundle_rows(lines) -> dict[int, ProductBundleOptionProduct]:
    ids = {int(row_id) for line in lines for selected in (line.additional or {}).get("bundle_options", {}).values()
           for row_id in selected}
    rows = ProductBundleOptionProduct.select().where(ProductBundleOptionProduct.id.in_(list(ids)))
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
    products of the `changed` lines are checked."""
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


# --- changing a cart ---------------------------------------------------------------------------------

def same_line(item, product_id: int, child_id: int | None, additional: dict) -> bool:
    return (item.product_id == product_id and item.child_id == child_id
            and json.dumps(item.additional or {}, sort_keys=True) == json.dumps(additional or {}, sort_keys=True))


def lines_of(cart: Cart) -> list[CartItem]:
    return list(CartItem.select().where(CartItem.cart == cart.id).order_by(CartItem.id))


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
    return item


def remove_item(cart: Cart, item_id):
    with database.atomic():
        if not CartItem.delete().where(CartItem.id == item_id, CartItem.cart == cart.id).execute():
            raise item_not_found()
        touch(cart)


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
        touch(target)
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


# --- documents ----------------------------------------------------------------------------------------

def shown_money(context: RequestContext):
    """Formats display-currency amounts as they are (compute_totals has converted them already)."""
    return replace(context.currency, rate=Decimal(1))


def number(amount: Decimal | None):
    return json_number(amount if amount is not None else Decimal(0))


def cart_document(context: RequestContext, cart: Cart, message: str | None = None) -> dict:
    """The cart as the cart pages show it: lines, totals (display and base currency), coupon,
    addresses and chosen methods."""
    if cart.currency_code != context.currency.code:
        cart.currency_code = context.currency.code
        Cart.update(currency_code=cart.currency_code).where(Cart.id == cart.id).execute()
    totals = compute_totals(context, cart)
    money = shown_money(context)
    url_keys, images = product_extras(context, totals.lines)
    addresses = {row.address_type: row for row in CartAddress.select().where(CartAddress.cart == cart.id)}
    shipping_rate = totals.shipping_rate
    amounts = {
        "subtotal": totals.sub_total, "discountAmount": totals.discount, "taxAmount": totals.tax,
        "shippingAmount": totals.shipping, "grandTotal": totals.grand_total,
        "subTotalInclTax": totals.sub_total + totals.tax, "taxTotal": totals.tax,
        "shippingAmountInclTax": totals.shipping,
    }
    document = {
        "id": cart.id, "cartToken": own_token(context, cart),
        "customerId": cart.customer_id, "channelId": cart.channel_id, "isGuest": cart.customer_id is None,
        "sessionToken": None, "itemsCount": totals.items_count, "itemsQty": totals.items_qty,
        "itemCount": totals.items_qty,
        "items": [item_document(context, cart, line, url_keys, images) for line in totals.lines],
        "currencyCode": totals.currency_code, "baseCurrencyCode": totals.base_currency_code,
        "exchangeRate": number(totals.exchange_rate),
        **{name: number(value) for name, value in amounts.items()},
        **{"formatted" + name[0].upper() + name[1:]: money.format(value) for name, value in amounts.items()},
        "baseSubtotal": number(totals.base_sub_total), "baseDiscountAmount": number(totals.base_discount),
        "baseTaxAmount": number(totals.base_tax), "baseShippingAmount": number(totals.base_shipping),
        "baseGrandTotal": number(totals.base_grand_total),
        "baseSubTotalInclTax": number(totals.base_sub_total + totals.base_tax),
        "baseShippingAmountInclTax": number(totals.base_shipping),
        "tax": number(totals.tax), "shippingCost": number(totals.shipping), "total": number(totals.grand_total),
        "couponCode": totals.coupon_code,
        "haveStockableItems": totals.needs_shipping,
        "billingAddress": address_document(addresses.get("billing")),
        "shippingAddress": address_document(addresses.get("shipping")),
        "shippingMethod": shipping_rate.code if shipping_rate else None,
        "shippingMethodTitle": shipping_rate.method_title if shipping_rate else None,
        "paymentMethod": cart.payment_method, "paymentMethodTitle": payment_title(context, cart),
        "createdAt": iso(cart.created_at), "updatedAt": iso(cart.updated_at),
        "success": True if message else None, "message": message,
    }
    return document


def own_token(context: RequestContext, cart: Cart) -> str | None:
    """A guest cart's token, shown only to the bearer of that token; customers' carts have none."""
    return context.cart_token if cart.customer_id is None and context.cart_id == cart.id else None


def item_document(context: RequestContext, cart: Cart, line, url_keys: dict, images: dict) -> dict:
    money = shown_money(context)
    item = line.item
    places = Decimal(1).scaleb(-context.currency.decimals)
    price_incl_tax = line.unit_price + (line.tax / line.quantity).quantize(places, ROUND_HALF_UP)
    base_price_incl_tax = line.base_unit_price + (line.base_tax / line.quantity).quantize(places, ROUND_HALF_UP)
    options = [dict(option) for option in line.options] or None
    return {
        "id": item.id, "cartId": cart.id, "productId": item.product_id, "childId": item.child_id,
        "name": line.name, "productName": line.name, "sku": line.sku, "type": line.type, "quantity": line.quantity,
        "price": number(line.unit_price), "basePrice": number(line.base_unit_price),
        "total": number(line.total), "baseTotal": number(line.base_total), "subtotal": number(line.total),
        "discountAmount": number(line.discount), "baseDiscountAmount": number(line.base_discount),
        "taxPercent": number(line.tax_percent), "taxAmount": number(line.tax), "baseTaxAmount": number(line.base_tax),
        "priceInclTax": number(price_incl_tax), "basePriceInclTax": number(base_price_incl_tax),
        "totalInclTax": number(line.total + line.tax), "baseTotalInclTax": number(line.base_total + line.base_tax),
        "formattedPrice": money.format(line.unit_price), "formattedTotal": money.format(line.total),
        "formattedPriceInclTax": money.format(price_incl_tax),
        "formattedTotalInclTax": money.format(line.total + line.tax),
        "productUrlKey": url_keys.get(item.product_id),
        "baseImage": images.get(item.child_id) or images.get(item.product_id),
        "canChangeQty": True,
        "options": options,
        "attributes": {option["attribute_name"]: option.get("option_label") for option in options or ()
                       if option.get("attribute_name")},
        "additional": item.additional or {},
    }


def product_extras(context: RequestContext, lines) -> tuple[dict, dict]:
    """URL keys of the lines' products and their first images (as the JSON string the docs show)."""
    product_ids = {pid for line in lines for pid in (line.item.product_id, line.item.child_id) if pid}
    if not product_ids:
        return {}, {}
    by_locale: dict[int, dict] = {}
    translations = (ProductTranslation.select(ProductTranslation.product, ProductTranslation.locale,
                                              ProductTranslation.url_key)
                    .where(ProductTranslation.product.in_(list(product_ids)),
                           ProductTranslation.locale.in_(context.locales)))
    for row in translations:
        by_locale.setdefault(row.product_id, {})[row.locale] = row.url_key
    url_keys = {pid: next(keys[locale] for locale in context.locales if locale in keys)
                for pid, keys in by_locale.items()}
    images = {}
    for image in (ProductImage.select().where(ProductImage.product.in_(list(product_ids)))
                  .order_by(ProductImage.product, ProductImage.position, ProductImage.id)):
        if image.product_id not in images:
            url = context.media(image.path)
            sizes = ("small", "medium", "large", "original")
            images[image.product_id] = json.dumps({f"{size}_image_url": url for size in sizes})
    return url_keys, images


def address_document(address: CartAddress | None) -> dict | None:
    if address is None:
        return None
    return {"addressType": address.address_type, "companyName": address.company_name,
            "firstName": address.first_name, "lastName": address.last_name, "email": address.email,
            "phone": address.phone, "address": ", ".join(part for part in (address.address1, address.address2) if part),
            "address1": address.address1, "address2": address.address2, "city": address.city,
            "state": address.state, "country": address.country, "postcode": address.postcode}


def payment_title(context: RequestContext, cart: Cart) -> str | None:
    if not cart.payment_method:
        return None
    return next((method.title for method in payments.payment_methods(context, cart)
                 if method.code == cart.payment_method), None)


def line_document(document: dict, item_id: int) -> dict | None:
    return next((line for line in document["items"] if line["id"] == item_id), None)


# --- REST operations ---------------------------------------------------------------------------------

def open_cart(context: RequestContext, body: dict | None) -> tuple[dict, int]:
    """Create Cart: a new guest cart and its token, or the signed-in customer's cart."""
    with database.atomic():
        if context.customer_id is not None:
            cart = customer_cart(context.customer_id, context.channel_id)
            created = cart is None
            cart = cart or open_customer_cart(context, context.customer_id)
        else:
            cart, token = open_guest_cart(context)
            context.cart_id, context.cart_token, created = cart.id, token, True
        for item in (body or {}).get("items") or []:
            add_product(context, cart, item)
    message = "Cart created successfully" if created else "Using authenticated customer cart"
    document = cart_document(context, cart, message)
    return {"data": document, "cartToken": document["cartToken"], "message": message}, 201 if created else 200


def create_cart(context: RequestContext, body: dict | None = None):
    return open_cart(context, body)


def create_cart_token(context: RequestContext, body: dict | None = None):
    return open_cart(context, body)


def get_cart(context: RequestContext) -> dict:
    return {"data": cart_document(context, current_cart(context))}


def add_product_in_cart(context: RequestContext, body: dict) -> dict:
    with database.atomic():
        cart = current_cart(context, create=True)
        add_product(context, cart, body)
    return cart_document(context, cart, ADDED)


def add_cart_item(context: RequestContext, body: dict) -> dict:
    return add_product_in_cart(context, body)


def update_cart_item(context: RequestContext, body: dict) -> dict:
    item_id = body.get("cartItemId") or body.get("itemId")
    if item_id is None:
        raise invalid("cartItemId", "The cartItemId field is required.")
    return updated_item_response(context, item_id, body["quantity"])


def update_cart_item_by_id(context: RequestContext, item_id: int, body: dict) -> dict:
    return updated_item_response(context, item_id, body["quantity"])


def updated_item_response(context: RequestContext, item_id: int, quantity) -> dict:
    cart = current_cart(context)
    set_item_quantity(context, cart, item_id, quantity)
    document = cart_document(context, cart, "Cart item updated successfully")
    return {**document, "data": line_document(document, item_id), "cartTotal": document["grandTotal"]}


def remove_cart_item(context: RequestContext, cart_item_id: int | None = None, item_id: int | None = None) -> dict:
    if cart_item_id is None and item_id is None:
        raise invalid("cartItemId", "The cartItemId query parameter is required.")
    return removed_item_response(context, cart_item_id or item_id)


def remove_cart_item_by_id(context: RequestContext, item_id: int) -> dict:
    return removed_item_response(context, item_id)


def removed_item_response(context: RequestContext, item_id: int) -> dict:
    cart = current_cart(context)
    remove_item(cart, item_id)
    document = cart_document(context, cart, "Item removed from cart successfully")
    return {**document, "cartTotal": document["grandTotal"]}


def apply_coupon(context: RequestContext, body: dict) -> dict:
    cart = current_cart(context)
    coupon = apply_coupon_code(context, cart, body["couponCode"])
    message = "Coupon applied successfully"
    document = cart_document(context, cart, message)
    rule = coupon.cart_rule
    percentage = json_number(rule.discount_amount) if rule.action_type == "by_percent" else None
    summary = {"couponCode": coupon.code, "discountAmount": document["discountAmount"],
               "discountPercentage": percentage, "subtotal": document["subtotal"],
               "discount": document["discountAmount"], "tax": document["taxAmount"],
               "total": document["grandTotal"], "message": message}
    return {**document, "data": summary}


def remove_coupon(context: RequestContext) -> dict:
    cart = current_cart(context)
    drop_coupon(cart)
    document = cart_document(context, cart, "Coupon removed successfully")
    return {**document, "cartTotal": document["subtotal"]}


def merge_cart(context: RequestContext, body: dict) -> dict:
    token = body.get("guestCartToken") or body.get("guest_cart_token")
    if not token:
        raise invalid("guestCartToken", "The guest cart token is required.")
    return merged_document(context, token, body.get("cartId"))


def merged_document(context: RequestContext, token: str, cart_id: int | None) -> dict:
    guest = guest_cart_of_token(token, cart_id)
    if not CartItem.select().where(CartItem.cart == guest.id).exists():
        raise ApiError(422, "The guest cart has no items to merge.", "empty_cart")
    cart = merge_guest_cart(context, guest, context.customer_id)
    if cart is None:
        raise cart_not_found()
    return cart_document(context, cart, "Guest cart merged successfully")


# --- GraphQL root fields -----------------------------------------------------------------------------

def payload(input: dict, **fields) -> dict:
    return {**fields, "clientMutationId": (input or {}).get("clientMutationId")}


def graphql_create_cart_token(context: RequestContext, input: dict) -> dict:
    document, _status = open_cart(context, None)
    return payload(input, cartToken=document["data"])


def graphql_read_cart(context: RequestContext, input: dict) -> dict:
    return payload(input, readCart=cart_document(context, current_cart(context)))


def graphql_add_product_in_cart(context: RequestContext, input: dict) -> dict:
    body = {key: value for key, value in input.items()
            if value is not None and key not in ("clientMutationId", "booking", "bookingNote", "isBuyNow")}
    check_input("AddProductInCartInput", body)
    with database.atomic():
        cart = current_cart(context, create=True)
        add_product(context, cart, body)
    return payload(input, addProductInCart=cart_document(context, cart, "Product added to cart successfully"))


def graphql_update_cart_item(context: RequestContext, input: dict) -> dict:
    check_input("UpdateCartItemInput", {"cartItemId": input["cartItemId"], "quantity": input["quantity"]})
    cart = current_cart(context)
    set_item_quantity(context, cart, input["cartItemId"], input["quantity"])
    return payload(input, updateCartItem=cart_document(context, cart, "Cart item updated successfully"))


def graphql_remove_cart_item(context: RequestContext, input: dict) -> dict:
    cart = current_cart(context)
    remove_item(cart, input["cartItemId"])
    return payload(input, removeCartItem=cart_document(context, cart, "Item removed from cart successfully"))


def graphql_apply_coupon(context: RequestContext, input: dict) -> dict:
    check_input("ApplyCouponInput", {"couponCode": input["couponCode"]})
    cart = current_cart(context)
    apply_coupon_code(context, cart, input["couponCode"])
    return payload(input, applyCoupon=cart_document(context, cart, "Coupon applied successfully"))


def graphql_remove_coupon(context: RequestContext, input: dict) -> dict:
    cart = current_cart(context)
    drop_coupon(cart)
    return payload(input, removeCoupon=cart_document(context, cart, "Coupon removed successfully"))


def graphql_merge_cart(context: RequestContext, input: dict) -> dict:
    if not input.get("cartToken"):
        raise invalid("cartToken",
                      "The guest cart token is required: a cart id alone does not prove the cart is yours.")
    return payload(input, mergeCart=merged_document(context, input["cartToken"], input.get("cartId")))


def graphql_item_options(item: dict, _info):
    """`options` as the GraphQL pages show it: {edges: [{node: {...}}]}, null for simple lines."""
    return {"edges": [{"node": option} for option in item["options"]]} if item.get("options") else None


graphql_resolvers = {"CartItem": {"options": graphql_item_options}}
