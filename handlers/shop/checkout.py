"""Checkout over REST and GraphQL: addresses, shipping method, payment method, place order.

The steps run in order on the bearer's cart (a guest cart token or a customer's cart):
addresses -> shipping method (carts with physical items only) -> payment method -> order. A step
whose prerequisite is missing answers 400 `checkout_incomplete` listing every missing step. Later
steps are dropped when what they depend on changes: a new shipping address clears the shipping and
payment methods, a new billing address clears the payment method; and a method that no longer
applies to the cart as it is now (other items, other totals) counts as not chosen
(`order_placement.missing_steps`). Placing the order is `order_placement.place_order`.
"""
from decimal import Decimal

from connexion import request

from domain.sales import cart as carts

from domain.sales import payments
from domain.sales.cart_totals import compute_totals
from domain.common import Page, RequestContext, Window, iso, json_number
from domain.errors import ApiError, NotFound, Unprocessable
from domain.ids import parse_id
from handlers.shop.cart import cart_document
from domain.sales.checkout_steps import (
    COMPARED_COLUMNS, address_values, choose_payment, choose_shipping_rate, require_steps, save_addresses,
)
from domain.sales.order_placement import (
    CheckoutIncomplete, answer_for_ordered_cart, cart_addresses, place_order, redirect_url, replay, require_items,
)
from storage.customer_models import CustomerAddress
from storage.db import database
from storage.models import Country
from storage.sales_models import Cart, CartAddress, Order, OrderItem

# GraphQL input suffixes (billingFirstName, shippingPhoneNumber, ...) -> REST names.
GRAPHQL_ADDRESS_FIELDS = {"FirstName": "firstName", "LastName": "lastName", "CompanyName": "companyName",
                          "Email": "email", "Address": "address", "City": "city", "Country": "country",
                          "State": "state", "Postcode": "postcode", "PhoneNumber": "phone"}
ORDER_PLACED = "Order placed successfully"


def checkout_cart(context: RequestContext) -> Cart:
    """The bearer's active cart (401 without a cart or customer token, 404 for a customer without one)."""
    return carts.current_cart(context)


# --- addresses -----------------------------------------------------------------------------------

def saved_address_values(context: RequestContext, address_id: int) -> dict:
    """Columns copied from one of the signed-in customer's saved addresses (404 otherwise)."""
    saved = None
    if context.customer_id:
        saved = CustomerAddress.get_or_none(CustomerAddress.id == address_id,
                                            CustomerAddress.customer == context.customer_id)
    if saved is None:
        raise NotFound("Address")
    return {column: getattr(saved, column) for column in COMPARED_COLUMNS}


def address_document(address: CartAddress | CustomerAddress | None, address_type: str | None = None) -> dict | None:
    if address is None:
        return None
    return {"id": address.id, "addressType": address_type or address.address_type, "firstName": address.first_name,
            "lastName": address.last_name, "companyName": address.company_name, "email": address.email,
            "address": ", ".join(line for line in (address.address1, address.address2) if line),
            "city": address.city, "state": address.state, "country": address.country, "postcode": address.postcode,
            "phone": address.phone}


def same_address(first: CartAddress | None, second: CartAddress | None) -> bool:
    return bool(first and second) and all(getattr(first, c) == getattr(second, c) for c in COMPARED_COLUMNS)


def rest_address_changes(context: RequestContext, cart: Cart, body: dict) -> dict[str, dict]:
    address_type = body.get("addressType") or "billing"
    if address_type == "billing" and body.get("useShippingAddress"):
        shipping = cart_addresses(cart).get("shipping")
        if shipping is None:
            raise CheckoutIncomplete(["shippingAddress"])
        values = {column: getattr(shipping, column) for column in COMPARED_COLUMNS}
    elif body.get("addressId") is not None:
        values = saved_address_values(context, body["addressId"])
    else:
        values = address_values(body)
    changes = {address_type: values}
    if address_type == "billing" and body.get("useForShipping"):
        changes["shipping"] = dict(values)
    return changes


# --- REST operations -----------------------------------------------------------------------------

def get_checkout_addresses(context: RequestContext) -> dict:
    """A customer without a cart still sees the saved addresses."""
    cart = active_cart_or_none(context)
    addresses = cart_addresses(cart) if cart else {}
    saved = []
    if context.customer_id:
        saved = list(CustomerAddress.select().where(CustomerAddress.customer == context.customer_id)
                     .order_by(CustomerAddress.default_address.desc(), CustomerAddress.id))
    default = next((address.id for address in saved if address.default_address), None)
    return {"data": {"addresses": [address_document(address) for address in saved],
                     "defaultShippingId": default, "defaultBillingId": default,
                     "billingAddress": address_document(addresses.get("billing")),
                     "shippingAddress": address_document(addresses.get("shipping"))}}


def set_checkout_address(context: RequestContext, body: dict) -> dict:
    cart = checkout_cart(context)
    items = require_items(cart)
    changes = rest_address_changes(context, cart, body)
    addresses = save_addresses(cart, changes)
    totals = compute_totals(context, cart, items=items, addresses=addresses)
    kind = "Billing" if "billing" in changes else "Shipping"
    return {"data": {"billingAddress": address_document(addresses.get("billing")),
                     "shippingAddress": address_document(addresses.get("shipping")),
                     "cartTotal": json_number(totals.grand_total)},
            "message": f"{kind} address set successfully"}


def rate_price(rate, totals) -> Decimal:
    """The base price shown for a rate: free shipping from a cart rule makes every rate free."""
    return Decimal(0) if totals.free_shipping else rate.base_price


def rate_document(context: RequestContext, rate, totals) -> dict:
    price = rate_price(rate, totals)
    return {"code": rate.code, "carrier": rate.carrier, "carrierTitle": rate.carrier_title, "method": rate.method,
            "name": rate.method_title, "description": rate.description,
            "price": json_number(context.currency.convert(price)), "formattedPrice": context.currency.format(price)}


def list_checkout_shipping_methods(context: RequestContext, graphql: bool = False) -> dict:
    cart = checkout_cart(context)
    totals = require_steps(context, cart, "shippingMethod")
    present = rate_graphql_document if graphql else rate_document
    return {"data": [present(context, rate, totals) for rate in totals.shipping_rates]}


def choose_shipping_method(context: RequestContext, code: str, field: str):
    """Save one of the cart's rates; returns (cart, rate, totals after the choice)."""
    cart = checkout_cart(context)
    rate, totals = choose_shipping_rate(context, cart, code, field)
    return cart, rate, totals


def set_checkout_shipping_method(context: RequestContext, body: dict, graphql: bool = False) -> dict:
    """GraphQL (saveShippingMethod) also gets the cart."""
    cart, rate, totals = choose_shipping_method(context, body["shippingMethodCode"], "shippingMethodCode")
    document = rate_document(context, rate, totals)
    answer = {"data": {"shippingMethod": {"code": rate.code, "carrier": rate.carrier, "method": rate.method,
                                          "title": rate.method_title, "price": document["price"],
                                          "formattedPrice": document["formattedPrice"]},
                       "cartTotal": json_number(totals.grand_total)},
              "message": "Shipping method set successfully"}
    if graphql:
        answer["cart"] = cart_document(context, cart, "Shipping method saved successfully")
    return answer


def instructions(method: payments.PaymentMethod) -> str:
    processor = payments.get_processor(method.code)
    key = getattr(processor, "instructions_key", None) or "instructions"
    return method.settings.get(key, "") or ""


def payment_document(method: payments.PaymentMethod) -> dict:
    return {"id": method.id, "code": method.code, "name": method.title, "description": method.description, "isActive": True,
            "instructions": instructions(method), "sortOrder": method.sort_order}


def list_checkout_payment_methods(context: RequestContext, graphql: bool = False) -> dict:
    """GraphQL also says which methods the bearer's cart is offered (`isAllowed`)."""
    if graphql:
        return {"data": payment_method_graphql_documents(context)}
    return {"data": [payment_document(method) for method in payments.payment_methods(context)]}


def choose_payment_method(context: RequestContext, code: str, field: str) -> tuple[Cart, payments.PaymentMethod]:
    cart = checkout_cart(context)
    return cart, choose_payment(context, cart, code, field)


def set_checkout_payment_method(context: RequestContext, body: dict) -> dict:
    _cart, method = choose_payment_method(context, body["payment"]["method"], "payment.method")
    return {"data": {"paymentMethod": {"method": method.code, "title": method.title,
                                       "description": method.description, "instructions": instructions(method)}},
            "message": "Payment method set successfully"}


def order_for_request(context: RequestContext, idempotency_key: str | None, sent: dict | None = None) -> Order:
    """The earlier order for a retried key, else a new order from the bearer's cart."""
    if idempotency_key:
        earlier = replay(context, idempotency_key, active_cart_or_none(context))
        if earlier is not None:
            return earlier
    try:
        cart = checkout_cart(context)
    except ApiError as error:  # ordered meanwhile: 409, or the order of the same key
        return answer_for_ordered_cart(context, idempotency_key, error)
    mismatched = {field: [f"Does not match the chosen {label}."] for field, label, chosen in (
        ("shippingMethodCode", "shipping method", cart.shipping_method),
        ("paymentMethod", "payment method", cart.payment_method))
        if (sent or {}).get(field) and chosen and sent[field] != chosen}
    if mismatched:
        raise Unprocessable(mismatched)
    return place_order(context, cart, idempotency_key)


def active_cart_or_none(context: RequestContext) -> Cart | None:
    """The bearer's active cart; None for a customer without one or a guest whose cart was ordered."""
    if context.customer_id is None and context.cart_id is None:
        return None
    try:
        return carts.current_cart(context)
    except ApiError as error:
        if error.status not in (401, 404):
            raise
        return None


def idempotency_key_header() -> str | None:
    """The REST request's Idempotency-Key header (the adapter passes only path and query parameters)."""
    return request.headers.get("Idempotency-Key") or None


def place_checkout_order(context: RequestContext, body: dict | None = None):
    order = order_for_request(context, idempotency_key_header(), body)
    return {"data": {"order": {"id": order.id, "incrementId": order.increment_id, "status": order.status,
                               "grandTotal": json_number(order.grand_total), "itemsCount": order.total_item_count,
                               "createdAt": iso(order.created_at)},
                     "redirect": redirect_url(order)},
            "message": ORDER_PLACED}, 201


# --- GraphQL -------------------------------------------------------------------------------------

def address_graphql_document(address: CartAddress, use_for_shipping: bool = False) -> dict:
    return {**address_document(address, f"cart_{address.address_type}"),
            "name": f"{address.first_name} {address.last_name}", "parentAddressId": None, "vatId": None,
            "defaultAddress": False, "useForShipping": use_for_shipping, "additional": None,
            "createdAt": iso(address.created_at), "updatedAt": iso(address.updated_at)}


def graphql_checkout_addresses(context: RequestContext, window: Window) -> Page:
    addresses = cart_addresses(checkout_cart(context))
    billing, shipping = addresses.get("billing"), addresses.get("shipping")
    documents = []
    if billing:
        documents.append(address_graphql_document(billing, same_address(billing, shipping)))
    if shipping:
        documents.append(address_graphql_document(shipping))
    return Page(documents[window.offset:window.offset + window.limit], len(documents))


def side_address_values(context: RequestContext, input: dict, side: str) -> dict:
    """One side (billing/shipping) of createCheckoutAddress: a saved address or the inline fields."""
    if input.get(f"{side}AddressId") is not None:
        return saved_address_values(context, parse_id(input[f"{side}AddressId"], f"{side}AddressId"))
    fields = {rest: input.get(side + suffix) for suffix, rest in GRAPHQL_ADDRESS_FIELDS.items()}
    suffixes = {rest: suffix for suffix, rest in GRAPHQL_ADDRESS_FIELDS.items()}
    return address_values(fields, lambda field: side + suffixes[field])


def graphql_set_checkout_address(context: RequestContext, input: dict) -> dict:
    cart = checkout_cart(context)
    require_items(cart)
    changes, errors = {}, {}
    for side in ("billing", "shipping"):
        if side == "shipping" and input.get("useForShipping"):
            continue
        try:
            changes[side] = side_address_values(context, input, side)
        except ApiError as error:
            if error.status != 422:
                raise
            errors.update(error.errors)
    if errors:
        raise Unprocessable(errors)
    if input.get("useForShipping"):
        changes["shipping"] = dict(changes["billing"])
    save_addresses(cart, changes)
    addresses = cart_addresses(cart)
    document = {"id": addresses["billing"].id, "success": True, "message": "Address saved successfully",
                "cartToken": str(cart.id) if cart.customer_id else context.cart_token}
    for side in ("billing", "shipping"):
        flat = address_document(addresses[side])
        for suffix, rest in GRAPHQL_ADDRESS_FIELDS.items():
            document[side + suffix] = flat[rest]
    return document


def rate_graphql_document(context: RequestContext, rate, totals) -> dict:
    document = rate_document(context, rate, totals)
    return {"_id": rate.code, "id": f"/api/shop/shipping-rates/{rate.code}", "code": rate.carrier,
            "label": rate.method_title, "method": rate.code, "description": rate.description,
            "price": document["price"], "formattedPrice": document["formattedPrice"]}


def payment_method_graphql_documents(context: RequestContext) -> list[dict]:
    cart = active_cart_or_none(context) if (context.customer_id or context.cart_id) else None
    allowed = None
    if cart is not None:
        allowed = {method.code for method in payments.payment_methods(context, cart)}
    return [{"id": f"/api/shop/payment-methods/{method.code}", "_id": method.code, "method": method.code,
             "title": method.title, "description": method.description, "icon": None,
             "isAllowed": None if allowed is None else method.code in allowed}
            for method in payments.payment_methods(context)]


def graphql_set_shipping_method(context: RequestContext, input: dict) -> dict:
    cart, rate, totals = choose_shipping_method(context, input["shippingMethod"], "shippingMethod")
    document = rate_document(context, rate, totals)
    return {
        "success": True, "id": str(cart.id), "message": "Shipping method saved successfully",
        "shippingMethod": rate.code, "price": document["price"], "formattedPrice": document["formattedPrice"],
        "cartTotal": json_number(totals.grand_total)}


def graphql_place_order(context: RequestContext, input: dict) -> dict:
    key = input.get("idempotencyKey")
    if key is not None and not 0 < len(key) <= 255:
        raise Unprocessable({"idempotencyKey": ["Must be between 1 and 255 characters."]})
    order = order_for_request(context, key)
    return {
        "id": str(order.cart_id), "orderId": str(order.id), "incrementId": order.increment_id,
        "status": order.status, "grandTotal": json_number(order.grand_total), "itemsCount": order.total_item_count,
        "redirectUrl": redirect_url(order), "success": True, "message": ORDER_PLACED}


# --- createOrder: the whole checkout in one mutation (graphql-api/shop/mutations/create-order.md) ---

SHIPPING_ALIASES = {"flat_rate": "flatrate_flatrate", "flatrate": "flatrate_flatrate", "free": "free_free",
                    "free_shipping": "free_free"}
# createOrder's AddressInput -> the REST field names address_values() reads.
ORDER_ADDRESS_FIELDS = {"firstName": "firstName", "lastName": "lastName", "companyName": "companyName",
                        "email": "email", "address": "address", "city": "city", "country": "country",
                        "state": "state", "postalCode": "postcode", "phone": "phone"}


def graphql_create_order(context: RequestContext, input: dict) -> dict:
    """Addresses, shipping method, payment method and the order in one transaction: any invalid part
    fails the whole mutation and leaves the cart as it was."""
    use_cart_id(context, input.get("cartId"))
    key = input.get("idempotencyKey")
    if key is not None and not 0 < len(key) <= 255:
        raise Unprocessable({"idempotencyKey": ["Must be between 1 and 255 characters."]})
    earlier = replay(context, key, active_cart_or_none(context)) if key else None
    if earlier is not None:
        return created_order_payload(earlier)
    try:
        with database.atomic():
            cart = checkout_cart(context)
            require_items(cart)
            billing = given_address(context, input, "billing")
            if input.get("shippingAddressId") is not None or not input.get("shippingAddress"):
                shipping = given_address(context, input, "shipping") if input.get("shippingAddressId") is not None \
                    else dict(billing)
            else:
                shipping = order_address({"email": billing["email"], "phone": billing["phone"],
                                          **{k: v for k, v in input["shippingAddress"].items() if v}},
                                         "shippingAddress")
            save_addresses(cart, {"billing": billing, "shipping": shipping})
            if compute_totals(context, cart).needs_shipping:
                method = input.get("shippingMethod") or ""
                choose_shipping_method(context, SHIPPING_ALIASES.get(method, method), "shippingMethod")
            choose_payment_method(context, input["paymentMethod"], "paymentMethod")
            order = place_order(context, checkout_cart(context), key)
    except ApiError as error:  # the cart was ordered meanwhile (every write above rolled back): 409 or that order
        order = answer_for_ordered_cart(context, key, error)
    return created_order_payload(order)


def use_cart_id(context: RequestContext, cart_id: str | None):
    """A guest may name the cart by its token in `cartId` instead of the bearer; a customer's order
    always comes from the customer's cart."""
    if not cart_id or context.customer_id is not None or context.cart_id is not None:
        return
    claims = carts.authenticate_guest_cart_token(cart_id)
    if claims is None:
        raise NotFound("Cart")
    context.cart_id, context.cart_token = claims["cart_id"], claims["cart_token"]


def given_address(context: RequestContext, input: dict, side: str) -> dict:
    """createOrder's `<side>Address`, or the signed-in customer's saved address `<side>AddressId` (the
    overview pages send an address book id), as address columns."""
    if input.get(f"{side}AddressId") is not None:
        return saved_address_values(context, parse_id(input[f"{side}AddressId"], f"{side}AddressId"))
    if not input.get(f"{side}Address"):
        raise Unprocessable({f"{side}Address": [f"Give {side}Address or {side}AddressId."]})
    return order_address(input[f"{side}Address"], f"{side}Address")


def order_address(data: dict, prefix: str) -> dict:
    fields = {rest: data.get(name) for name, rest in ORDER_ADDRESS_FIELDS.items()}
    names = {rest: name for name, rest in ORDER_ADDRESS_FIELDS.items()}
    return address_values(fields, lambda field: f"{prefix}.{names[field]}")


def created_order_payload(order: Order) -> dict:
    items = [{"id": str(item.id), "productName": item.name, "sku": item.sku, "quantity": item.qty_ordered,
              "price": json_number(item.price)}
             for item in order.items.where(OrderItem.parent.is_null()).order_by(OrderItem.id)]
    return {"order": {"id": str(order.id), "orderNumber": order.increment_id, "incrementId": order.increment_id,
                      "status": order.status, "total": json_number(order.grand_total),
                      "grandTotal": json_number(order.grand_total), "createdAt": iso(order.created_at),
                      "items": items},
            "message": ORDER_PLACED, "success": True}


# --- the overview pages' checkout operations (checkout.md, shop-api.md) ------------------------------

def graphql_overview_payment_methods(context: RequestContext, window: Window, cart_id: int | None = None) -> Page:
    """The methods offered to the bearer's cart; `cartId`, when sent, must be that cart's id."""
    cart = active_cart_or_none(context) if (context.customer_id or context.cart_id) else None
    if cart_id is not None and (cart is None or cart.id != cart_id):
        raise carts.cart_not_found()
    methods = [{"code": method.code, "title": method.title, "description": method.description, "image": None,
                "sortOrder": method.sort_order} for method in payments.payment_methods(context, cart)]
    return Page(methods[window.offset:window.offset + window.limit], len(methods))


def graphql_estimate_shipping(context: RequestContext, input: dict) -> list[dict]:
    use_cart_id(context, input.get("cartId"))
    if not Country.select().where(Country.code == str(input["country"]).upper()).exists():
        raise Unprocessable({"country": ["Unknown country code."]})
    cart = checkout_cart(context)
    require_items(cart)
    totals = compute_totals(context, cart)
    rates = [{"id": rate.code, "code": rate.code, "title": rate.method_title, "description": rate.description,
              "price": json_number(context.currency.convert(rate_price(rate, totals))),
              "basePrice": json_number(rate_price(rate, totals))} for rate in totals.shipping_rates]
    return rates


def graphql_save_payment_method(context: RequestContext, input: dict) -> dict:
    use_cart_id(context, input.get("cartId"))
    choose_payment_method(context, input["method"], "method")
    return {"status": "success", "message": "Payment method saved successfully"}


def guest_order_address(address: dict | None) -> dict | None:
    names = {"zipCode": "postalCode", "phoneNumber": "phone"}
    return {names.get(key, key): value for key, value in address.items()} if address else None


def graphql_create_guest_order(context: RequestContext, input: dict) -> dict:
    """createOrder with the overview pages' address names."""
    placed = graphql_create_order(context, {**input, "billingAddress": guest_order_address(input["billingAddress"]),
                                            "shippingAddress": guest_order_address(input.get("shippingAddress"))})
    return placed["order"]
