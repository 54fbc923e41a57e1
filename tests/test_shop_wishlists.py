"""Wishlists over REST and GraphQL: real items, quantities moved to the cart, flags on product lists,
refusals for other customers, hidden products and unavailable items."""
from storage.db import database
from storage.models import Product
from tests.cart_fixtures import configurable, gql, product  # noqa: F401
from tests.customer_fixtures import customer, other_customer  # noqa: F401
from tests.helpers import changed, count_queries


def wish(client, who: dict, product_id: int, **options):
    return client.post("/api/shop/wishlists", json={"productId": product_id, **options}, headers=who["headers"])


def test_add_list_get_and_delete(client, customer):
    first, second = product(price="12.50"), product(price="30.00")
    created = wish(client, customer, first.id)
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["productId"] == first.id and item["product"]["id"] == first.id
    assert item["product"]["price"] == 12.5 and item["product"]["isInWishlist"] == 1
    assert item["customer"]["id"] == customer["id"] and item["customer"]["email"] == customer["email"]
    assert item["channel"]["code"] == "default" and item["options"] == {}
    assert wish(client, customer, second.id).status_code == 201

    listed = client.get("/api/shop/wishlists", headers=customer["headers"])
    assert listed.status_code == 200
    assert [row["productId"] for row in listed.json()] == [first.id, second.id]
    assert listed.headers["X-Total-Count"] == "2"
    paged = client.get("/api/shop/wishlists", params={"per_page": 1, "page": 2}, headers=customer["headers"])
    assert [row["productId"] for row in paged.json()] == [second.id]

    one = client.get(f"/api/shop/wishlists/{item['id']}", headers=customer["headers"])
    assert one.status_code == 200 and one.json()["product"]["id"] == first.id

    duplicate = wish(client, customer, first.id)
    assert duplicate.status_code == 409 and duplicate.json()["error"] == "duplicate_item"

    deleted = client.delete(f"/api/shop/wishlists/{item['id']}", headers=customer["headers"])
    assert deleted.status_code == 200 and deleted.json()["id"] == item["id"]
    assert client.get(f"/api/shop/wishlists/{item['id']}", headers=customer["headers"]).status_code == 404
    cleared = client.delete("/api/shop/wishlists", headers=customer["headers"])
    assert cleared.json() == {"message": "All wishlist items have been removed successfully", "deletedCount": 1}
    again = client.delete("/api/shop/wishlists", headers=customer["headers"])
    assert again.json()["deletedCount"] == 0
    assert client.get("/api/shop/wishlists", headers=customer["headers"]).json() == []


def test_a_customer_reaches_only_their_own_items(client, customer, other_customer):
    item = wish(client, customer, product().id).json()
    for method in ("get", "delete"):
        refused = getattr(client, method)(f"/api/shop/wishlists/{item['id']}", headers=other_customer["headers"])
        assert refused.status_code == 404 and refused.json()["error"] == "item_not_found"
    moved = client.post(f"/api/shop/wishlists/{item['id']}/move-to-cart", json={}, headers=other_customer["headers"])
    assert moved.status_code == 404
    assert client.get("/api/shop/wishlists", headers=other_customer["headers"]).json() == []
    assert client.get("/api/shop/wishlists").status_code == 401
    assert client.get(f"/api/shop/wishlists/{item['id']}", headers=customer["headers"]).status_code == 200


def test_hidden_and_disabled_products_cannot_be_added(client, customer):
    disabled, hidden = product(status=False), product()
    with database.connection_context():
        Product.update(visible_individually=False).where(Product.id == hidden.id).execute()
    for row in (disabled, hidden):
        refused = wish(client, customer, row.id)
        assert refused.status_code == 404 and refused.json() == {"message": "Product not found",
                                                                   "error": "product_not_found"}
    assert wish(client, customer, 2_000_000_000).status_code == 404


def test_toggle_adds_then_removes(client, customer):
    row = product()
    added = client.post("/api/shop/wishlists/toggle", json={"productId": row.id}, headers=customer["headers"])
    assert added.status_code == 200 and added.json()["added"] is True
    assert added.json()["wishlist"]["productId"] == row.id
    removed = client.post("/api/shop/wishlists/toggle", json={"productId": row.id}, headers=customer["headers"])
    assert removed.json()["added"] is False and removed.json()["message"] == "Item Successfully Removed From Wishlist"
    assert client.get("/api/shop/wishlists", headers=customer["headers"]).json() == []


def test_move_to_cart_moves_the_line_and_the_totals(client, customer):
    row = product(price="20.00", stock=10)
    item = wish(client, customer, row.id).json()
    moved = client.post(f"/api/shop/wishlists/{item['id']}/move-to-cart", json={"quantity": 3},
                        headers=customer["headers"])
    assert moved.status_code == 200, moved.text
    assert moved.json()["message"] == "Item moved to cart successfully" and moved.json()["quantity"] == 3
    cart = client.get("/api/shop/cart", headers=customer["headers"]).json()["data"]
    line = next(line for line in cart["items"] if line["productId"] == row.id)
    assert line["quantity"] == 3 and line["id"] == moved.json()["cartItemId"]
    assert cart["subtotal"] == 60 and cart["itemsQty"] == 3
    assert client.get("/api/shop/wishlists", headers=customer["headers"]).json() == []


def test_an_unavailable_item_stays_and_is_reported(client, customer):
    row, scarce = product(stock=10), product(stock=2)
    item = wish(client, customer, row.id).json()
    short = wish(client, customer, scarce.id).json()
    with changed(Product, row.id, status=False):
        refused = client.post(f"/api/shop/wishlists/{item['id']}/move-to-cart", json={}, headers=customer["headers"])
    assert refused.status_code == 422 and refused.json()["error"] == "product_unavailable"
    too_many = client.post(f"/api/shop/wishlists/{short['id']}/move-to-cart", json={"quantity": 5},
                           headers=customer["headers"])
    assert too_many.status_code == 422 and too_many.json()["error"] == "out_of_stock"
    ids = [entry["id"] for entry in client.get("/api/shop/wishlists", headers=customer["headers"]).json()]
    assert ids == [item["id"], short["id"]]
    cart = client.get("/api/shop/cart", headers=customer["headers"])
    assert cart.status_code == 404 or not [line for line in cart.json()["data"]["items"]
                                           if line["productId"] in (row.id, scarce.id)]


def test_move_to_cart_uses_the_options_a_configurable_product_needs(client, customer):
    parent, variants = configurable()
    bare = wish(client, customer, parent.id).json()
    refused = client.post(f"/api/shop/wishlists/{bare['id']}/move-to-cart", json={}, headers=customer["headers"])
    assert refused.status_code == 422 and "selectedConfigurableOption" in refused.json()["errors"]
    moved = client.post(f"/api/shop/wishlists/{bare['id']}/move-to-cart",
                        json={"selectedConfigurableOption": variants[1].id}, headers=customer["headers"])
    assert moved.status_code == 200, moved.text
    cart = client.get("/api/shop/cart", headers=customer["headers"]).json()["data"]
    line = next(line for line in cart["items"] if line["productId"] == parent.id)
    assert line["quantity"] == 1 and line["price"] == 22


def test_options_saved_with_the_item_are_used(client, customer):
    parent, variants = configurable()
    item = wish(client, customer, parent.id, selectedConfigurableOption=variants[0].id).json()
    assert item["options"] == {"selectedConfigurableOption": variants[0].id}
    moved = client.post(f"/api/shop/wishlists/{item['id']}/move-to-cart", json={"quantity": 2},
                        headers=customer["headers"])
    assert moved.status_code == 200, moved.text
    cart = client.get("/api/shop/cart", headers=customer["headers"]).json()["data"]
    assert next(line for line in cart["items"] if line["productId"] == parent.id)["quantity"] == 2


PRODUCT_FLAGS = "{ products(first: 50) { edges { node { _id isInWishlist isInCompare } } } }"


def flags(gql, token=None) -> dict:
    body = gql(PRODUCT_FLAGS, token=token)
    return {edge["node"]["_id"]: (edge["node"]["isInWishlist"], edge["node"]["isInCompare"])
            for edge in body["data"]["products"]["edges"]}


def test_flags_on_product_lists_per_customer(client, gql, customer, other_customer):
    ids = list(flags(gql))[:3]
    wish(client, customer, ids[0])
    client.post("/api/shop/compare-items", json={"productId": ids[1]}, headers=customer["headers"])
    wish(client, other_customer, ids[2])
    mine, theirs, guest = flags(gql, customer["token"]), flags(gql, other_customer["token"]), flags(gql)
    assert mine[ids[0]] == ("1", "0") and mine[ids[1]] == ("0", "1") and mine[ids[2]] == ("0", "0")
    assert theirs[ids[0]] == ("0", "0") and theirs[ids[2]] == ("1", "0")
    assert set(guest.values()) == {("0", "0")}
    single = gql('query($id: ID) { product(id: $id) { isInWishlist } }', {"id": f"/api/shop/products/{ids[0]}"},
                 token=customer["token"])
    assert single["data"]["product"]["isInWishlist"] == "1"


def test_flags_cost_one_query_per_page(client, customer):
    ids = [row["id"] for row in client.get("/api/shop/products", params={"per_page": 5}).json()]
    for product_id in ids:
        wish(client, customer, product_id)
    counts = []
    for first in (1, 40):
        with count_queries() as statements:
            response = client.post("/api/graphql", headers=customer["headers"], json={
                "query": f"{{ products(first: {first}) {{ edges {{ node {{ _id isInWishlist isInCompare }} }} }} }}"})
            assert response.status_code == 200
        counts.append(len([sql for sql in statements if "wishlist_item" in sql or "compare_item" in sql]))
        assert "errors" not in response.json()
    assert counts == [1, 1]


def test_graphql_wishlist_flow(client, gql, customer):
    first, second = product(price="9.00"), product(price="4.00")
    created = gql("mutation($input: createWishlistInput!) { createWishlist(input: $input) { wishlist { id _id "
                  "product { _id id name price } customer { id email } channel { id code translation { name } } "
                  "createdAt } } }", {"input": {"productId": first.id}}, token=customer["token"])
    node = created["data"]["createWishlist"]["wishlist"]
    assert node["id"] == f"/api/shop/wishlists/{node['_id']}" and node["product"]["_id"] == first.id
    assert node["product"]["price"] == "9" and node["customer"]["email"] == customer["email"]
    assert node["channel"]["id"] == "/api/shop/channels/1"

    toggled = gql("mutation($input: toggleWishlistInput!) { toggleWishlist(input: $input) { wishlist { _id "
                  "product { _id } } } }", {"input": {"productId": second.id}}, token=customer["token"])
    assert toggled["data"]["toggleWishlist"]["wishlist"]["product"]["_id"] == second.id
    listed = gql("{ wishlists(first: 10) { totalCount edges { node { _id product { _id } } } } }",
                 token=customer["token"])["data"]["wishlists"]
    assert listed["totalCount"] == 2
    assert [edge["node"]["product"]["_id"] for edge in listed["edges"]] == [first.id, second.id]
    removed = gql("mutation($input: toggleWishlistInput!) { toggleWishlist(input: $input) { wishlist { _id } } }",
                  {"input": {"productId": second.id}}, token=customer["token"])
    assert removed["data"]["toggleWishlist"] is None
    assert removed["errors"][0]["message"] == "Item Successfully Removed From Wishlist"

    single = gql("query($id: ID!) { wishlist(id: $id) { _id product { name } } }", {"id": node["id"]},
                 token=customer["token"])
    assert single["data"]["wishlist"]["_id"] == node["_id"]
    moved = gql("mutation($input: moveWishlistToCartInput!) { moveWishlistToCart(input: $input) { "
                "wishlistToCart { message quantity } } }", {"input": {"wishlistItemId": node["_id"], "quantity": 2}},
                token=customer["token"])
    assert moved["data"]["moveWishlistToCart"]["wishlistToCart"] == {"message": "Item moved to cart successfully",
                                                                      "quantity": 2}
    cart = client.get("/api/shop/cart", headers=customer["headers"]).json()["data"]
    assert next(line for line in cart["items"] if line["productId"] == first.id)["quantity"] == 2

    wish(client, customer, second.id)
    cleared = gql("mutation { createDeleteAllWishlists(input: {}) { deleteAllWishlists { message deletedCount } } }",
                  token=customer["token"])
    assert cleared["data"]["createDeleteAllWishlists"]["deleteAllWishlists"]["deletedCount"] == 1


def test_graphql_refusals(client, gql, customer, other_customer):
    created = gql("mutation($input: createWishlistInput!) { createWishlist(input: $input) { wishlist { _id } } }",
                  {"input": {"productId": product().id}}, token=customer["token"])
    item_id = created["data"]["createWishlist"]["wishlist"]["_id"]
    theirs = gql("query($id: ID!) { wishlist(id: $id) { _id } }", {"id": f"/api/shop/wishlists/{item_id}"},
                 token=other_customer["token"])
    assert theirs["data"]["wishlist"] is None and theirs["errors"][0]["extensions"]["code"] == "ITEM_NOT_FOUND"
    deleted = gql("mutation($input: deleteWishlistInput!) { deleteWishlist(input: $input) { wishlist { _id } } }",
                  {"input": {"id": f"/api/shop/wishlists/{item_id}"}}, token=other_customer["token"])
    assert deleted["errors"][0]["extensions"]["code"] == "ITEM_NOT_FOUND"
    anonymous = client.post("/api/graphql", json={"query": "{ wishlists { totalCount } }"})
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    mine = gql("mutation($input: deleteWishlistInput!) { deleteWishlist(input: $input) { wishlist { _id } } }",
               {"input": {"id": f"/api/shop/wishlists/{item_id}"}}, token=customer["token"])
    assert mine["data"]["deleteWishlist"]["wishlist"]["_id"] == item_id


def test_overview_forms(client, gql, customer):
    first, second = product(price="8.00"), product(price="5.00")
    added = gql('mutation($p: ID!) { addToWishlist(input: {productId: $p}) { status message wishlist { id items { '
                'totalCount edges { node { _id productId addedAt product { _id name price } } } } } } }',
                {"p": str(first.id)}, token=customer["token"])["data"]["addToWishlist"]
    assert added["status"] is True and added["message"] == "Item Successfully Added To Wishlist"
    assert added["wishlist"]["id"] == f"/api/shop/customers/{customer['id']}/wishlist"
    node = added["wishlist"]["items"]["edges"][0]["node"]
    assert added["wishlist"]["items"]["totalCount"] == 1 and node["productId"] == first.id
    assert node["addedAt"] and node["product"]["price"] == "8"

    removed = gql('mutation($i: ID!) { removeFromWishlist(input: {wishlistItemId: $i}) { status message } }',
                  {"i": str(node["_id"])}, token=customer["token"])["data"]["removeFromWishlist"]
    assert removed == {"status": True, "message": "Item Successfully Removed From Wishlist"}
    assert client.get("/api/shop/wishlists", headers=customer["headers"]).json() == []

    cart = client.post("/api/shop/add-product-in-cart", json={"productId": second.id, "quantity": 2},
                       headers=customer["headers"]).json()
    line_id = next(line["id"] for line in cart["items"] if line["productId"] == second.id)
    moved = gql('mutation($l: ID!) { moveToWishlist(input: {cartId: "mine", cartItemId: $l}) { status message } }',
                {"l": str(line_id)}, token=customer["token"])["data"]["moveToWishlist"]
    assert moved == {"status": True, "message": "Item moved to wishlist successfully"}
    assert [row["productId"] for row in client.get("/api/shop/wishlists", headers=customer["headers"]).json()] \
        == [second.id]
    after = client.get("/api/shop/cart", headers=customer["headers"]).json()["data"]
    assert second.id not in [line["productId"] for line in after["items"]]
    again = gql('mutation { moveToWishlist(input: {cartItemId: "999999"}) { status } }', token=customer["token"])
    assert again["errors"][0]["extensions"]["status"] == 404


def test_toggle_removes_an_item_whose_product_is_hidden_now(client, customer):
    row = product()
    wish(client, customer, row.id)
    with changed(Product, row.id, status=False):
        removed = client.post("/api/shop/wishlists/toggle", json={"productId": row.id}, headers=customer["headers"])
        assert removed.status_code == 200 and removed.json()["added"] is False
        refused = client.post("/api/shop/wishlists/toggle", json={"productId": row.id}, headers=customer["headers"])
        assert refused.status_code == 404


def test_rest_product_documents_carry_the_signed_in_customers_flags(client, customer, other_customer):
    ids = [row["id"] for row in client.get("/api/shop/products", params={"per_page": 3}).json()]
    wish(client, customer, ids[0])
    client.post("/api/shop/compare-items", json={"productId": ids[1]}, headers=customer["headers"])

    def rest_flags(headers=None):
        rows = client.get("/api/shop/products", params={"per_page": 3}, headers=headers or {}).json()
        return {row["id"]: (row["isInWishlist"], row["isInCompare"]) for row in rows}

    assert rest_flags(customer["headers"]) == {ids[0]: (1, 0), ids[1]: (0, 1), ids[2]: (0, 0)}
    assert set(rest_flags(other_customer["headers"]).values()) == {(0, 0)}
    assert set(rest_flags().values()) == {(0, 0)}
    detail = client.get(f"/api/shop/products/{ids[0]}", headers=customer["headers"]).json()
    assert (detail["isInWishlist"], detail["isInCompare"]) == (1, 0)
