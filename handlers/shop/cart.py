"""Cart operations over REST and GraphQL: the cart documents the pages show, over the rules in
`domain.sales.cart` (tokens, lines of every product type, stock, coupons, merging)."""
import json
from dataclasses import replace
from decimal import ROUND_HALF_UP, Decimal

from peewee import fn

from domain.common import RequestContext, iso, json_number
from domain.errors import ApiError, Unprocessable
from domain.sales import payments, reservations
from domain.sales.cart import (
    ADDED, add_product, addable_product, apply_coupon_code, authenticate_guest_cart_token, cart_not_found,
    current_cart, customer_cart, drop_coupon, guest_cart_by_id, guest_cart_of_token, invalid, merge_guest_cart,
    open_customer_cart, open_guest_cart, remove_item, set_item_quantity,
)
from domain.catalog.product_reads import IMAGES
from domain.sales.cart_totals import compute_totals
from storage.compiled import Compiled
from storage.db import database
from storage.models import (
    Attribute, AttributeOption, Product, ProductAttributeValue, ProductTranslation,
)
from storage.sales_models import Cart, CartAddress, CartItem

URL_KEYS = Compiled(lambda ids, locales: ProductTranslation.select(
    ProductTranslation.product, ProductTranslation.locale, ProductTranslation.url_key).where(
    ProductTranslation.product.in_(ids), ProductTranslation.locale.in_(locales)), "ints", "texts")


# --- documents ----------------------------------------------------------------------------------------

def shown_money(context: RequestContext):
    """Formats display-currency amounts as they are (compute_totals has converted them already)."""
    return replace(context.currency, rate=Decimal(1))


def number(amount: Decimal | None):
    return json_number(amount if amount is not None else Decimal(0))


def cart_document(context: RequestContext, cart: Cart, message: str | None = None, opened: bool = False) -> dict:
    """The cart as the cart pages show it: lines, totals (display and base currency), coupon,
    addresses and chosen methods. `opened`: this request created the cart and put no line in it, so
    it has no lines, addresses or reservations to read."""
    if cart.currency_code != context.currency.code:
        cart.currency_code = context.currency.code
        Cart.update(currency_code=cart.currency_code).where(Cart.id == cart.id).execute()
    totals = compute_totals(context, cart, items=[], addresses={}) if opened else compute_totals(context, cart)
    money = shown_money(context)
    url_keys, images = product_extras(context, totals.lines)
    addresses = totals.addresses
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
        "reservationExpiresAt": None if opened else iso(reservations.cart_expiry(cart.id)),
        "success": True if message else None, "message": message,
    }
    return document


def own_token(context: RequestContext, cart: Cart) -> str | None:
    """A guest cart's own token, shown only to its bearer; a customer's cart is named by its id (as the
    pages show it): the customer's bearer token is a credential and appears in no document."""
    if cart.customer_id is None:
        return context.cart_token if context.cart_id == cart.id else None
    return str(cart.id) if context.customer_id == cart.customer_id else None


def item_document(context: RequestContext, cart: Cart, line, url_keys: dict, images: dict) -> dict:
    money = shown_money(context)
    item = line.item
    places = Decimal(1).scaleb(-context.currency.decimals)
    price_incl_tax = line.unit_price + (line.tax / line.quantity).quantize(places, ROUND_HALF_UP)
    base_price_incl_tax = line.base_unit_price + (line.base_tax / line.quantity).quantize(places, ROUND_HALF_UP)
    options = [dict(option) for option in line.options]
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
        "attributes": {option.get("attribute_code") or option["attribute_name"]: option.get("option_label")
                       for option in options or () if option.get("attribute_code") or option.get("attribute_name")},
        "additional": item.additional or {},
    }


def product_extras(context: RequestContext, lines) -> tuple[dict, dict]:
    """URL keys of the lines' products and their first images (as the JSON string the docs show)."""
    product_ids = {pid for line in lines for pid in (line.item.product_id, line.item.child_id) if pid}
    if not product_ids:
        return {}, {}
    by_locale: dict[int, dict] = {}
    for row in URL_KEYS.rows(sorted(product_ids), context.locales):
        by_locale.setdefault(row.product_id, {})[row.locale] = row.url_key
    url_keys = {pid: next(keys[locale] for locale in context.locales if locale in keys)
                for pid, keys in by_locale.items()}
    images = {}
    for image in IMAGES.rows(sorted(product_ids)):
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
        lines = (body or {}).get("items") or []
        for item in lines:
            add_product(context, cart, item)
    message = "Cart created successfully" if created else "Using authenticated customer cart"
    document = cart_document(context, cart, message, opened=created and not lines)
    return {"data": document, "cartToken": document["cartToken"], "message": message}, 201 if created else 200


def create_cart(context: RequestContext, body: dict | None = None):
    return open_cart(context, body)


def create_cart_token(context: RequestContext, body: dict | None = None):
    return open_cart(context, body)


def get_cart(context: RequestContext, id: int | None = None, graphql: bool = False) -> dict:
    """GraphQL (`cart(id:)`, createReadCart) gets the cart itself; `id`, when sent, must be its id."""
    cart = current_cart(context)
    if id is not None and id != cart.id:
        raise cart_not_found()
    document = cart_document(context, cart)
    return document if graphql else {"data": document}


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


def remove_cart_item_post(context: RequestContext, body: dict) -> dict:
    item_id = body.get("cartItemId") or body.get("itemId") or body.get("item_id")
    if item_id is None:
        raise invalid("cartItemId", "The cartItemId field is required.")
    return removed_item_response(context, item_id)


def remove_cart_item_by_id(context: RequestContext, item_id: int) -> dict:
    return removed_item_response(context, item_id)


def removed_item_response(context: RequestContext, item_id: int) -> dict:
    cart = current_cart(context)
    remove_item(cart, item_id)
    document = cart_document(context, cart, "Item removed from cart successfully")
    return {**document, "cartTotal": document["grandTotal"]}


def apply_coupon_patch(context: RequestContext, body: dict) -> dict:
    return apply_coupon(context, body)


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
    if not token and body.get("cartId") is None:  # either names the guest cart: both are missing
        message = "The guest cart token or the guest cart's id (cartId) is required."
        raise Unprocessable({"guestCartToken": [message], "cartId": [message]})
    return merged_document(context, token, body.get("cartId"))


def merged_document(context: RequestContext, token: str | None, cart_id: int | None) -> dict:
    """The guest cart of `token` (`cart_id`, when sent too, must be its id), or the one `cart_id`
    names alone under the rule of `guest_cart_by_id`, merged into the customer's cart."""
    guest = guest_cart_of_token(token, cart_id) if token else guest_cart_by_id(context, cart_id)
    if not CartItem.select().where(CartItem.cart == guest.id).exists():
        raise ApiError(422, "The guest cart has no items to merge.", "empty_cart")
    cart = merge_guest_cart(context, guest, context.customer_id)
    if cart is None:
        raise cart_not_found()
    return cart_document(context, cart, "Guest cart merged successfully")


# --- the overview pages' cart operations (cart.md, shop-api.md): the same rules, other names -------

def bearer_cart(context: RequestContext, cart_id: str | None, create: bool = False) -> Cart:
    """The bearer's cart; without a bearer, `cartId` may name a guest cart by its token."""
    if cart_id and context.customer_id is None and context.cart_id is None:
        claims = authenticate_guest_cart_token(cart_id)
        if claims is None:
            raise cart_not_found()
        context.cart_id, context.cart_token = claims["cart_id"], claims["cart_token"]
    return current_cart(context, create=create)


def key_of(value, field: str) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 2**31 - 1:
        raise invalid(field, f"The {field} must be an id.")
    return int(text)


def graphql_add_products_to_cart(context: RequestContext, input: dict) -> dict:
    """The payload (`cart`, and `addProductInCart` as authentication.md names it)."""
    items = input.get("items")
    if items is None and input.get("productId") is not None:
        items = [{"productId": input["productId"], "quantity": input.get("quantity")}]
    if not items:
        raise invalid("items", "Give at least one item (or productId).")
    with database.atomic():
        cart = bearer_cart(context, input.get("cartId"), create=True)
        for position, item in enumerate(items):
            body = {key: value for key, value in item.items() if key != "superAttributeSelection"}
            body["productId"] = key_of(item["productId"], f"items.{position}.productId")
            if item.get("superAttributeSelection") and body.get("selectedConfigurableOption") is None:
                body["selectedConfigurableOption"] = variant_of_selection(
                    context, body["productId"], item["superAttributeSelection"], f"items.{position}")
            add_product(context, cart, body)
    document = cart_document(context, cart, ADDED)
    return {"cart": document, "addProductInCart": document}


def variant_of_selection(context: RequestContext, product_id: int, selection, field: str) -> int:
    """The variant of a configurable product whose options are {attribute code: option label}."""
    if not isinstance(selection, dict) or not selection:
        raise invalid(f"{field}.superAttributeSelection", "Give {attribute code: option label}.")
    product = addable_product(context, product_id)
    wanted = {}
    for code, label in selection.items():
        option = (AttributeOption.select().join(Attribute, on=(AttributeOption.attribute == Attribute.id))
                  .where(Attribute.code == str(code), fn.LOWER(AttributeOption.admin_name) == str(label).lower())
                  .first())
        if option is None:
            raise invalid(f"{field}.superAttributeSelection", f'No option "{label}" of "{code}".',
                          "invalid_configuration")
        wanted[option.attribute_id] = option.id
    for variant in Product.select().where(Product.parent == product.id, Product.status == True):  # noqa: E712
        values = dict(ProductAttributeValue.select(ProductAttributeValue.attribute, ProductAttributeValue.integer_value)
                      .where(ProductAttributeValue.product == variant.id).tuples())
        if all(values.get(attribute) == option for attribute, option in wanted.items()):
            return variant.id
    raise invalid(f"{field}.superAttributeSelection", "No variant has these options.", "invalid_configuration")


def graphql_update_cart(context: RequestContext, input: dict) -> dict:
    with database.atomic():
        cart = bearer_cart(context, input.get("cartId"))
        for position, item in enumerate(input["items"]):
            set_item_quantity(context, cart, key_of(item["cartItemId"], f"items.{position}.cartItemId"),
                              item["quantity"])
    return cart_document(context, cart, "Cart updated successfully")


def item_product(item: dict, _info) -> dict:
    image = json.loads(item["baseImage"]).get("original_image_url") if item.get("baseImage") else None
    return {"id": item["productId"], "name": item["name"], "sku": item["sku"], "price": item["price"],
            "images": [{"url": image}] if image else []}


def item_options_connection(item: dict, _info):
    """`options` as the GraphQL pages show it: {edges: [{node: {...}}]} (no edges for simple lines)."""
    return {"edges": [{"node": option} for option in item.get("options") or ()]}


graphql_resolvers = {"CartItem": {"options": item_options_connection, "product": item_product,
                                  "totalPrice": lambda item, _info: item["total"]},
                     "Cart": {"shippingTotal": lambda cart, _info: cart["shippingAmount"],
                              "shippingMethodCode": lambda cart, _info: cart["shippingMethod"],
                              "address": lambda cart, _info: cart["shippingAddress"]},
                     "CartAddress": {"zipCode": lambda address, _info: address["postcode"]}}
