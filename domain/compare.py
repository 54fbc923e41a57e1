"""Compare lists: products set side by side, for a signed-in customer or for a guest.

The bearer is a customer token (the customer's list) or a guest cart token (the list of that guest
cart: the cart token is the guest's only identity). An id of another owner's item is 404, exactly as
an id that does not exist. Only products the shop shows on their own can be added (the cart's
`addable_product`), each once per list. `comparable_attributes` gives, per product, the values of the
attributes flagged comparable (`Attribute.is_comparable`) in the request's locale, batched per page.
"""
from peewee import IntegrityError

from domain.common import RequestContext, Window
from domain.customers import Unauthenticated
from domain.errors import ApiError
from domain.sales.cart import addable_product
from storage.db import database
from storage.models import (
    Attribute, AttributeOption, AttributeOptionTranslation, AttributeTranslation, ProductAttributeValue,
)
from storage.wishlist_models import CompareItem

ALL_REMOVED = "All compare items have been removed successfully"


def item_not_found() -> ApiError:
    return ApiError(404, "Compare item not found", "item_not_found")


def already_compared() -> ApiError:
    message = "This product is already in the comparison list."
    return ApiError(409, message, "duplicate_item", {"productId": [message]})


def owner(context: RequestContext) -> dict:
    """The owner columns of the bearer's list: the customer, else the guest cart (401 without either)."""
    if context.customer_id is not None:
        return {"customer": context.customer_id, "cart": None}
    if context.cart_id is not None:
        return {"customer": None, "cart": context.cart_id}
    raise Unauthenticated()


def own_items(context: RequestContext):
    mine = owner(context)
    if mine["customer"] is not None:
        return CompareItem.select().where(CompareItem.customer == mine["customer"])
    return CompareItem.select().where(CompareItem.cart == mine["cart"], CompareItem.customer.is_null())


def list_items(context: RequestContext, window: Window) -> tuple[list[CompareItem], int]:
    query = own_items(context)
    rows = list(query.order_by(CompareItem.id).offset(window.offset).limit(window.limit))
    return rows, query.count()


def own_item(context: RequestContext, item_id: int) -> CompareItem:
    item = own_items(context).where(CompareItem.id == item_id).first()
    if item is None:
        raise item_not_found()
    return item


def add(context: RequestContext, product_id) -> CompareItem:
    mine = owner(context)
    product = addable_product(context, product_id)
    if own_items(context).where(CompareItem.product == product.id).exists():
        raise already_compared()
    try:
        with database.atomic():
            return CompareItem.create(customer=mine["customer"], cart=mine["cart"], product=product.id)
    except IntegrityError:  # the same product added by a concurrent request
        raise already_compared() from None


def delete(context: RequestContext, item_id: int) -> CompareItem:
    item = own_item(context, item_id)
    if not CompareItem.delete().where(CompareItem.id == item.id).execute():
        raise item_not_found()
    return item


def delete_all(context: RequestContext) -> int:
    ids = [row.id for row in own_items(context).select(CompareItem.id)]
    return CompareItem.delete().where(CompareItem.id.in_(ids)).execute() if ids else 0


def comparable_attributes(product_ids, context: RequestContext) -> dict[int, list[dict]]:
    """{product id: [{code, name, value}]} for the comparable attributes each product has a value of;
    select options give their label. Three queries whatever the number of products."""
    ids = list(product_ids)
    if not ids:
        return {}
    rows = list(ProductAttributeValue.select(ProductAttributeValue, Attribute).join(Attribute)
                .where(ProductAttributeValue.product.in_(ids), Attribute.is_comparable == True)  # noqa: E712
                .order_by(Attribute.position, Attribute.id, ProductAttributeValue.id))
    attribute_ids = {row.attribute_id for row in rows}
    names = localized(AttributeTranslation.select(AttributeTranslation.attribute, AttributeTranslation.locale,
                                                  AttributeTranslation.name)
                      .where(AttributeTranslation.attribute.in_(list(attribute_ids))).tuples(), context)
    option_ids = {row.integer_value for row in rows if row.attribute.type in ("select", "multiselect", "checkbox")
                  and row.integer_value is not None}
    labels = localized(AttributeOptionTranslation.select(AttributeOptionTranslation.attribute_option,
                                                         AttributeOptionTranslation.locale,
                                                         AttributeOptionTranslation.label)
                       .join(AttributeOption)
                       .where(AttributeOption.id.in_(list(option_ids))).tuples(), context) if option_ids else {}
    grouped: dict[int, list[dict]] = {}
    for row in rows:
        if row.locale not in (None, *context.locales) or row.channel not in (None, context.channel_code):
            continue
        if row.attribute.type in ("select", "multiselect", "checkbox") and row.integer_value is not None:
            value = labels.get(row.integer_value, str(row.integer_value))
        else:
            value = next((v for v in (row.text_value, row.integer_value, row.boolean_value) if v is not None), None)
        values = grouped.setdefault(row.product_id, [])
        if any(entry["code"] == row.attribute.code for entry in values):
            continue  # a locale-specific value was listed already
        values.append({"code": row.attribute.code, "name": names.get(row.attribute_id, row.attribute.admin_name),
                       "value": None if value is None else str(value)})
    return grouped


def localized(rows, context: RequestContext) -> dict:
    """{key: text} from (key, locale, text) rows: the request's locale, else the fallback locale."""
    found: dict = {}
    for key, locale, text in rows:
        found.setdefault(key, {})[locale] = text
    return {key: next((texts[locale] for locale in context.locales if locale in texts), next(iter(texts.values())))
            for key, texts in found.items()}


def adopt_guest_list(context: RequestContext, customer_id: int):
    """Login with a guest cart token as Bearer: that guest's compare items join the customer's list
    (a product the customer already compares is not listed twice)."""
    if context.cart_id is None:
        return
    guest = (CompareItem.cart == context.cart_id) & CompareItem.customer.is_null()
    theirs = CompareItem.select(CompareItem.product).where(CompareItem.customer == customer_id)
    with database.atomic():
        CompareItem.update(customer=customer_id, cart=None).where(guest, CompareItem.product.not_in(theirs)).execute()
        CompareItem.delete().where(guest).execute()
