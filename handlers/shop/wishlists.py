"""The signed-in customer's wishlist over REST and GraphQL (rules: domain/wishlists.py).

graphql-api/shop/queries/get-wishlists.md, get-wishlist.md; mutations/create-wishlist.md,
toggle-wishlist.md, delete-wishlist.md, delete-all-wishlists.md, move-wishlist-to-cart.md.
Documents are built per page with one query per relation (products, customers, channels), so the
number of statements does not grow with the page size.
"""
from domain import wishlists
from domain.common import Page, RequestContext, Window, iso
from domain.errors import ApiError
from domain.ids import parse_id
from handlers.shop.products import load_documents
from storage.customer_models import Customer
from storage.models import Channel, ChannelTranslation
from storage.wishlist_models import WishlistItem

PRODUCT_FIELDS = frozenset({"description"})


class RemovedFromWishlist(ApiError):
    """toggleWishlist's documented answer to a removal: an error-style message with no payload. The
    removal did happen (status 200)."""

    def __init__(self):
        super().__init__(200, wishlists.REMOVED, "removed_from_wishlist")


# --- documents ------------------------------------------------------------------------------------

def customer_documents(customer_ids) -> dict[int, dict]:
    ids = sorted(set(customer_ids) - {None})
    rows = Customer.select().where(Customer.id.in_(ids)) if ids else []
    return {row.id: {"id": row.id, "email": row.email, "firstName": row.first_name, "lastName": row.last_name,
                     "name": f"{row.first_name} {row.last_name}".strip(), "gender": row.gender,
                     "dateOfBirth": row.date_of_birth.isoformat() if row.date_of_birth else None}
            for row in rows}


def channel_documents(channel_ids, context: RequestContext) -> dict[int, dict]:
    ids = sorted(set(channel_ids))
    names: dict[int, dict] = {}
    for channel_id, locale, name in (ChannelTranslation.select(ChannelTranslation.channel, ChannelTranslation.locale,
                                                               ChannelTranslation.name)
                                     .where(ChannelTranslation.channel.in_(ids)).tuples()):
        names.setdefault(channel_id, {})[locale] = name
    documents = {}
    for channel in Channel.select(Channel.id, Channel.code).where(Channel.id.in_(ids)):
        by_locale = names.get(channel.id) or {}
        locale = next((code for code in context.locales if code in by_locale), next(iter(by_locale), context.locale))
        name = by_locale.get(locale, channel.code)
        documents[channel.id] = {"id": channel.id, "code": channel.code, "name": name,
                                 "translation": {"locale": locale, "name": name}}
    return documents


def product_documents(product_ids, context: RequestContext, fields: frozenset) -> dict[int, dict]:
    return {document["id"]: document for document in load_documents(sorted(set(product_ids)), context, fields)}


def wishlist_documents(items: list[WishlistItem], context: RequestContext) -> list[dict]:
    products = product_documents([item.product_id for item in items], context, PRODUCT_FIELDS)
    customers = customer_documents(item.customer_id for item in items)
    channels = channel_documents((item.channel_id for item in items), context)
    return [{"id": item.id, "productId": item.product_id, "product": products.get(item.product_id),
             "customer": customers.get(item.customer_id), "channel": channels.get(item.channel_id),
             "options": item.additional or {}, "createdAt": iso(item.created_at), "updatedAt": iso(item.updated_at)}
            for item in items]


def wishlist_document(item: WishlistItem, context: RequestContext) -> dict:
    return wishlist_documents([item], context)[0]


# --- operations -----------------------------------------------------------------------------------

def list_wishlists(context: RequestContext, window: Window) -> Page:
    items, total = wishlists.list_items(context, window)
    return Page(wishlist_documents(items, context), total)


def get_wishlist(context: RequestContext, id: int) -> dict:
    return wishlist_document(wishlists.own_item(context, id), context)


def create_wishlist(context: RequestContext, body: dict):
    item = wishlists.add(context, body.get("productId"), body)
    return wishlist_document(item, context), 201


def toggle_wishlist(context: RequestContext, body: dict) -> dict:
    item, added = wishlists.toggle(context, body.get("productId"))
    message = wishlists.ADDED if added else wishlists.REMOVED
    return {"added": added, "message": message, "wishlist": wishlist_document(item, context)}


def delete_wishlist(context: RequestContext, id: int) -> dict:
    item = wishlists.own_item(context, id)
    document = wishlist_document(item, context)
    wishlists.delete(context, item.id)
    return document


def delete_all_wishlists(context: RequestContext) -> dict:
    return {"message": wishlists.ALL_REMOVED, "deletedCount": wishlists.delete_all(context)}


def move_wishlist_to_cart(context: RequestContext, wishlist_item_id: int, body: dict | None = None) -> dict:
    moved = wishlists.move_to_cart(context, wishlist_item_id, body)
    return {"message": moved["message"], "cartId": moved["cart_id"], "cartItemId": moved["cart_item_id"],
            "productId": moved["product_id"], "quantity": moved["quantity"]}


def graphql_toggle_wishlist(context: RequestContext, input: dict) -> dict:
    """toggle-wishlist.md: an added item is the payload; a removal is the documented error-style answer."""
    result = toggle_wishlist(context, input)
    if not result["added"]:
        raise RemovedFromWishlist()
    return result["wishlist"]


# --- the shop API overview's forms (graphql-api/shop-api.md) --------------------------------------------

def whole_wishlist(context: RequestContext) -> dict:
    """The customer's wishlist of this channel as one object: the customer's IRI and every item."""
    items = list(wishlists.own_items(context).order_by(WishlistItem.id))
    return {"id": f"/api/shop/customers/{context.customer_id}/wishlist", "items": wishlist_documents(items, context)}


def graphql_add_to_wishlist(context: RequestContext, input: dict) -> dict:
    wishlists.add(context, parse_id(input.get("productId"), "productId"))
    return {"status": True, "message": wishlists.ADDED, "wishlist": whole_wishlist(context)}


def graphql_move_to_wishlist(context: RequestContext, input: dict) -> dict:
    wishlists.move_from_cart(context, parse_id(input.get("cartItemId"), "cartItemId"))
    return {"status": True, "message": wishlists.MOVED_FROM_CART}


# GraphQL shapes the REST document does not have: `addedAt` (the overview page's name for createdAt).
graphql_resolvers = {"Wishlist": {"addedAt": lambda item, _info: item.get("createdAt")}}
