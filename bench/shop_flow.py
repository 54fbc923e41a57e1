"""Write scenarios for `make bench`: add-to-cart and place-order on our server alone.

Guest carts are prepared straight in the scratch database before the servers start (a token each;
the place-order ones with addresses, shipping and payment chosen), so the timed requests are the
operation under test only. Every place-order request takes the next unused cart through a counter
shared by the load processes, so no cart is ordered twice.
"""
import json
import multiprocessing
import random
import secrets

CARTS_TO_FILL = 2000
CARTS_TO_ORDER = 6000
SHIPPING = {"first_name": "Bench", "last_name": "Buyer", "email": "bench@example.com", "phone": "5550100",
            "address1": "1 Market Street", "city": "San Francisco", "state": "CA", "country": "US", "postcode": "94105"}


def prepare_carts(product_ids: list[int]) -> dict:
    """Guest carts for both scenarios; products get ample stock so no request runs out."""
    from domain.sales.cart import hash_token
    from storage.db import database
    from storage.models import Product, ProductInventory
    from storage.sales_models import Cart, CartAddress, CartItem
    rng = random.Random(11)
    with database.connection_context(), database.atomic():
        simple_ids = [row.id for row in Product.select(Product.id).where(
            Product.id.in_(product_ids), Product.type == "simple").order_by(Product.id).limit(50)]
        ProductInventory.update(qty=10**7).where(ProductInventory.product.in_(simple_ids)).execute()
        fill_tokens = [new_cart(Cart, hash_token) for _ in range(CARTS_TO_FILL)]
        order_tokens = []
        for _ in range(CARTS_TO_ORDER):
            token, cart_id = new_cart(Cart, hash_token, ready=True)
            CartItem.create(cart=cart_id, product=rng.choice(simple_ids), type="simple", quantity=1, additional={})
            for address_type in ("billing", "shipping"):
                CartAddress.create(cart=cart_id, address_type=address_type, **SHIPPING)
            order_tokens.append((token, cart_id))
    return {"fill": [token for token, _ in fill_tokens], "order": [token for token, _ in order_tokens],
            "products": simple_ids}


def new_cart(cart_model, hash_token, ready: bool = False) -> tuple[str, int]:
    token = secrets.token_urlsafe(32)
    cart = cart_model.create(token_hash=hash_token(token), channel=1, currency_code="USD",
                             shipping_method="flatrate_flatrate" if ready else None,
                             payment_method="cashondelivery" if ready else None)
    return token, cart.id


def scenarios(key: str, carts: dict) -> dict:
    """name -> (function returning raw request bytes, success status); ours only."""
    from bench.load import encode_request
    rng = random.Random(13)
    next_order = multiprocessing.get_context("fork").Value("i", 0)

    def headers(token: str) -> dict:
        return {"X-STOREFRONT-KEY": key, "Accept": "application/json", "Content-Type": "application/json",
                "Authorization": f"Bearer {token}"}

    def add_to_cart():
        body = json.dumps({"productId": rng.choice(carts["products"]), "quantity": 1}).encode()
        return encode_request("POST", "/api/shop/add-product-in-cart", headers(rng.choice(carts["fill"])), body)

    def place_order():
        with next_order.get_lock():
            index = next_order.value
            next_order.value += 1
        if index >= len(carts["order"]):
            raise SystemExit("place-order scenario ran out of prepared carts; raise CARTS_TO_ORDER")
        body = json.dumps({"shippingMethodCode": "flatrate_flatrate", "paymentMethod": "cashondelivery"}).encode()
        return encode_request("POST", "/api/shop/checkout-orders", headers(carts["order"][index]), body)

    # name -> (request factory, the status that counts as success)
    return {"REST POST /add-product-in-cart": (add_to_cart, 200), "REST POST /checkout-orders": (place_order, 201)}


def orders_written() -> int:
    from storage.db import database
    from storage.sales_models import Order
    with database.connection_context():
        return Order.select().count()
