"""Wishlists: the signed-in customer's saved products, per channel, and moving them to the cart.

A customer reaches only their own items of the request's channel: any other id is 404, exactly as an
id that does not exist. Only products the shop shows on their own can be added (the cart's
`addable_product`: a hidden, disabled or foreign product is the same 404 as a missing one). An item
keeps the add-to-cart options given when it was added (`OPTION_FIELDS`); moving it to the cart runs
the cart's own add-to-cart rules (`domain.sales.cart.add_product`) with those options, or the ones the
move names, and removes the item only when the cart took it: an item the cart refuses (no longer
available, out of stock, options missing) stays in the wishlist and the refusal is the answer.

`flags_for` answers `isInWishlist` / `isInCompare` for a page of products in one query.
"""
from peewee import IntegrityError, Value

from domain.common import RequestContext, Window
from domain.customers import current_customer_id
from domain.errors import ApiError
from domain.sales.cart import (
    add_product, addable_product, current_cart, item_not_found as item_not_found_in_cart, lines_of, remove_item,
    whole_number,
)
from storage.db import database
from storage.wishlist_models import CompareItem, WishlistItem

# The add-to-cart fields a product type needs beyond productId and quantity (AddProductInCartInput).
OPTION_FIELDS = ("selectedConfigurableOption", "superAttribute", "links", "groupedQty", "bundleOptions",
                 "bundleOptionQty")
REMOVED = "Item Successfully Removed From Wishlist"
MOVED = "Item moved to cart successfully"
ALL_REMOVED = "All wishlist items have been removed successfully"
MOVED_FROM_CART = "Item moved to wishlist successfully"
ADDED = "Item Successfully Added To Wishlist"


def item_not_found() -> ApiError:
    return ApiError(404, "Wishlist item not found", "item_not_found")


def already_wished() -> ApiError:
    message = "This product is already in the wishlist."
    return ApiError(409, message, "duplicate_item", {"productId": [message]})


# --- reading ----------------------------------------------------------------------------------------

def own_items(context: RequestContext):
    """The signed-in customer's items in the request's channel (401 without a customer)."""
    return WishlistItem.select().where(WishlistItem.customer == current_customer_id(context),
                                       WishlistItem.channel == context.channel_id)


def list_items(context: RequestContext, window: Window) -> tuple[list[WishlistItem], int]:
    """One page of the customer's items, oldest first, and how many there are."""
    query = own_items(context)
    rows = list(query.order_by(WishlistItem.id).offset(window.offset).limit(window.limit))
    return rows, query.count()


def own_item(context: RequestContext, item_id: int) -> WishlistItem:
    item = own_items(context).where(WishlistItem.id == item_id).first()
    if item is None:
        raise item_not_found()
    return item


# --- changing ---------------------------------------------------------------------------------------

def chosen_options(body: dict | None) -> dict:
    """The add-to-cart options a request names (None = not sent)."""
    return {name: (body or {})[name] for name in OPTION_FIELDS if (body or {}).get(name) is not None}


def add(context: RequestContext, product_id, options: dict | None = None) -> WishlistItem:
    """Add a product the shop shows to the customer's wishlist; 409 when it is there already."""
    customer_id = current_customer_id(context)
    product = addable_product(context, product_id)
    if own_items(context).where(WishlistItem.product == product.id).exists():
        raise already_wished()
    try:
        with database.atomic():
            return WishlistItem.create(customer=customer_id, channel=context.channel_id, product=product.id,
                                       additional=chosen_options(options))
    except IntegrityError:  # the same product added by a concurrent request
        raise already_wished() from None


def toggle(context: RequestContext, product_id) -> tuple[WishlistItem, bool]:
    """Remove the product when it is in the wishlist (even one the shop no longer shows), else add it:
    (the item, whether it was added)."""
    customer_id = current_customer_id(context)
    existing = (own_items(context).where(WishlistItem.product == product_id).first()
                if isinstance(product_id, int) and not isinstance(product_id, bool) else None)
    if existing is not None:
        WishlistItem.delete().where(WishlistItem.id == existing.id, WishlistItem.customer == customer_id).execute()
        return existing, False
    return add(context, product_id), True


def delete(context: RequestContext, item_id: int) -> WishlistItem:
    """Remove one of the customer's items; returns it as it was."""
    item = own_item(context, item_id)
    if not WishlistItem.delete().where(WishlistItem.id == item.id).execute():
        raise item_not_found()  # removed by a concurrent request
    return item


def delete_all(context: RequestContext) -> int:
    """Empty the customer's wishlist of the request's channel; how many items were removed."""
    return WishlistItem.delete().where(WishlistItem.customer == current_customer_id(context),
                                       WishlistItem.channel == context.channel_id).execute()


def move_to_cart(context: RequestContext, item_id: int, body: dict | None = None) -> dict:
    """Add the item's product to the bearer's cart (created when the customer has none) with the
    quantity (default 1) and the options of the request, else those saved with the item; then remove
    the item. Everything happens in one transaction: a refusal leaves both the cart and the wishlist
    as they were. An item whose product the shop no longer shows is 422 `product_unavailable`."""
    body = body or {}
    item = own_item(context, item_id)
    quantity = whole_number(1 if body.get("quantity") is None else body["quantity"], "quantity")
    options = chosen_options(body) or dict(item.additional or {})
    with database.atomic():
        cart = current_cart(context, create=True)
        try:
            line = add_product(context, cart, {"productId": item.product_id, "quantity": quantity, **options})
        except ApiError as error:
            if error.error == "product_not_found":
                message = "This product is no longer available; it stays in the wishlist."
                raise ApiError(422, message, "product_unavailable", {"wishlistItemId": [message]}) from None
            raise
        if not WishlistItem.delete().where(WishlistItem.id == item.id).execute():
            raise item_not_found()  # moved by a concurrent request: this add is rolled back
    return {"message": MOVED, "cart_id": cart.id, "cart_item_id": line.id, "product_id": item.product_id,
            "quantity": quantity}


# --- flags on product documents ---------------------------------------------------------------------

def flags_for(context: RequestContext, product_ids) -> tuple[set[int], set[int]]:
    """(ids in the bearer's wishlist, ids in the bearer's compare list) among `product_ids`, in one
    query: the signed-in customer's items (wishlist of the request's channel), or a guest cart's
    compare items; no query at all for an anonymous caller or an empty page."""
    ids = list(product_ids)
    if not ids or (context.customer_id is None and context.cart_id is None):
        return set(), set()
    if context.customer_id is not None:
        wished = (WishlistItem.select(WishlistItem.product, Value(1))
                  .where(WishlistItem.customer == context.customer_id, WishlistItem.channel == context.channel_id,
                         WishlistItem.product.in_(ids)))
        compared = CompareItem.select(CompareItem.product, Value(2)).where(
            CompareItem.customer == context.customer_id, CompareItem.product.in_(ids))
        rows = (wished | compared).tuples()
    else:
        rows = CompareItem.select(CompareItem.product, Value(2)).where(
            CompareItem.cart == context.cart_id, CompareItem.customer.is_null(), CompareItem.product.in_(ids)).tuples()
    wishlist, compare = set(), set()
    for product_id, kind in rows:
        (wishlist if kind == 1 else compare).add(product_id)
    return wishlist, compare


def mark_flags(documents: list[dict], context: RequestContext):
    """Set `isInWishlist` / `isInCompare` (1 or 0) on product documents keyed by `id`."""
    wishlist, compare = flags_for(context, [document["id"] for document in documents])
    for document in documents:
        document["isInWishlist"] = int(document["id"] in wishlist)
        document["isInCompare"] = int(document["id"] in compare)


def cart_line_options(line) -> dict:
    """The add-to-cart options that made a cart line (to keep with the wishlist item)."""
    additional = line.additional or {}
    if line.type == "configurable" and line.child_id:
        return {"selectedConfigurableOption": line.child_id}
    if line.type == "downloadable" and additional.get("links"):
        return {"links": list(additional["links"])}
    if line.type == "bundle" and additional.get("bundle_options"):
        return {"bundleOptions": additional["bundle_options"],
                **({"bundleOptionQty": additional["bundle_option_qty"]} if additional.get("bundle_option_qty") else {})}
    return {}


def move_from_cart(context: RequestContext, cart_item_id: int) -> WishlistItem:
    """Move a line of the customer's cart to their wishlist (with the line's options); a product already
    in the wishlist keeps its item. The line leaves the cart either way; 404 for a line of no cart of theirs."""
    customer_id = current_customer_id(context)
    with database.atomic():
        cart = current_cart(context)
        line = next((row for row in lines_of(cart) if row.id == cart_item_id), None)
        if line is None:
            raise item_not_found_in_cart()
        item = own_items(context).where(WishlistItem.product == line.product_id).first()
        if item is None:
            addable_product(context, line.product_id)
            item = WishlistItem.create(customer=customer_id, channel=context.channel_id, product=line.product_id,
                                       additional=cart_line_options(line))
        remove_item(cart, line.id)
    return item
