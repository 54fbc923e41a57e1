"""Compare lists over REST and GraphQL, for customers and for guests (through their cart token):
real items, comparable attribute values, isInCompare flags, refusals for other owners."""
from storage.db import database
from storage.models import Attribute, AttributeOption, Product, ProductAttributeValue
from tests.cart_fixtures import gql, new_guest_cart, product  # noqa: F401
from tests.customer_fixtures import customer, other_customer  # noqa: F401


def compare(client, headers: dict, product_id: int):
    return client.post("/api/shop/compare-items", json={"productId": product_id}, headers=headers)


def colored(label: str) -> Product:
    row = product(price="15.00")
    with database.connection_context():
        color = Attribute.get(Attribute.code == "color")
        option = AttributeOption.get(AttributeOption.attribute == color, AttributeOption.admin_name == label)
        ProductAttributeValue.create(product=row, attribute=color, integer_value=option.id)
    return row


def test_customer_list_with_attributes_to_compare(client, customer):
    red, blue = colored("Red"), colored("Blue")
    created = compare(client, customer["headers"], red.id)
    assert created.status_code == 201, created.text
    item = created.json()
    assert item["productId"] == red.id and item["customer"]["id"] == customer["id"]
    assert item["product"]["isInCompare"] == 1 and item["product"]["price"] == 15
    assert {"code": "color", "name": "Color", "value": "Red"} in item["product"]["attributes"]
    assert compare(client, customer["headers"], blue.id).status_code == 201
    duplicate = compare(client, customer["headers"], red.id)
    assert duplicate.status_code == 409 and duplicate.json()["error"] == "duplicate_item"

    listed = client.get("/api/shop/compare-items", headers=customer["headers"])
    assert listed.headers["X-Total-Count"] == "2"
    values = {row["productId"]: [a["value"] for a in row["product"]["attributes"] if a["code"] == "color"]
              for row in listed.json()}
    assert values == {red.id: ["Red"], blue.id: ["Blue"]}
    one = client.get(f"/api/shop/compare-items/{item['id']}", headers=customer["headers"])
    assert one.status_code == 200 and one.json()["productId"] == red.id

    deleted = client.delete(f"/api/shop/compare-items/{item['id']}", headers=customer["headers"])
    assert deleted.status_code == 200 and deleted.json()["id"] == item["id"]
    assert [row["productId"] for row in client.get("/api/shop/compare-items", headers=customer["headers"]).json()] \
        == [blue.id]
    cleared = client.delete("/api/shop/compare-items", headers=customer["headers"])
    assert cleared.json() == {"message": "All compare items have been removed successfully", "deletedCount": 1}


def test_guest_list_follows_the_cart_token(client):
    guest, other_guest = new_guest_cart(client), new_guest_cart(client)
    row = product()
    item = compare(client, guest["headers"], row.id).json()
    assert item["customer"] is None
    assert [entry["productId"] for entry in client.get("/api/shop/compare-items", headers=guest["headers"]).json()] \
        == [row.id]
    assert client.get("/api/shop/compare-items", headers=other_guest["headers"]).json() == []
    refused = client.get(f"/api/shop/compare-items/{item['id']}", headers=other_guest["headers"])
    assert refused.status_code == 404 and refused.json()["error"] == "item_not_found"
    assert client.delete(f"/api/shop/compare-items/{item['id']}", headers=other_guest["headers"]).status_code == 404
    assert client.get("/api/shop/compare-items").status_code == 401


def test_owners_never_see_each_others_items(client, customer, other_customer):
    guest = new_guest_cart(client)
    item = compare(client, customer["headers"], product().id).json()
    for headers in (other_customer["headers"], guest["headers"]):
        assert client.get(f"/api/shop/compare-items/{item['id']}", headers=headers).status_code == 404
        assert client.delete("/api/shop/compare-items", headers=headers).json()["deletedCount"] == 0
    assert client.get(f"/api/shop/compare-items/{item['id']}", headers=customer["headers"]).status_code == 200


def test_hidden_products_cannot_be_compared(client, customer):
    disabled = product(status=False)
    refused = compare(client, customer["headers"], disabled.id)
    assert refused.status_code == 404 and refused.json()["error"] == "product_not_found"


def test_is_in_compare_for_customer_guest_and_anonymous(client, gql, customer):
    guest = new_guest_cart(client)
    ids = [edge["node"]["_id"] for edge in gql("{ products(first: 3) { edges { node { _id } } } }")
           ["data"]["products"]["edges"]]
    compare(client, customer["headers"], ids[0])
    compare(client, guest["headers"], ids[1])
    query = "{ products(first: 3) { edges { node { _id isInCompare isInWishlist } } } }"

    def flags(token=None):
        return {edge["node"]["_id"]: edge["node"]["isInCompare"]
                for edge in gql(query, token=token)["data"]["products"]["edges"]}
    assert flags(customer["token"]) == {ids[0]: "1", ids[1]: "0", ids[2]: "0"}
    assert flags(guest["token"]) == {ids[0]: "0", ids[1]: "1", ids[2]: "0"}
    assert set(flags().values()) == {"0"}


def test_graphql_compare_flow(client, gql, customer):
    red = colored("Red")
    created = gql("mutation($input: createCompareItemInput!) { createCompareItem(input: $input) { compareItem { "
                  "id _id product { id _id sku price formattedPrice guestCheckout isInCompare attributes { code name "
                  "value } reviews { totalCount edges { node { id title rating } } } } customer { id firstName } } } }",
                  {"input": {"productId": red.id}}, token=customer["token"])
    node = created["data"]["createCompareItem"]["compareItem"]
    assert node["id"] == f"/api/shop/compare-items/{node['_id']}"
    assert node["product"]["id"] == f"/api/shop/products/{red.id}" and node["product"]["price"] == "15"
    assert node["product"]["guestCheckout"] == "1" and node["product"]["isInCompare"] == "1"
    assert {"code": "color", "name": "Color", "value": "Red"} in node["product"]["attributes"]
    assert node["product"]["reviews"] == {"totalCount": 0, "edges": []}
    assert node["customer"]["id"] == f"/api/shop/customers/{customer['id']}"
    listed = gql("{ compareItems(first: 5) { totalCount edges { node { _id product { _id } } } } }",
                 token=customer["token"])["data"]["compareItems"]
    assert listed["totalCount"] == 1 and listed["edges"][0]["node"]["product"]["_id"] == red.id
    one = gql("query($id: ID!) { compareItem(id: $id) { _id } }", {"id": node["id"]}, token=customer["token"])
    assert one["data"]["compareItem"]["_id"] == node["_id"]
    deleted = gql("mutation($input: deleteCompareItemInput!) { deleteCompareItem(input: $input) { compareItem { "
                  "_id product { sku } } } }", {"input": {"id": node["id"]}}, token=customer["token"])
    assert deleted["data"]["deleteCompareItem"]["compareItem"]["_id"] == node["_id"]
    compare(client, customer["headers"], red.id)
    cleared = gql("mutation { createDeleteAllCompareItems(input: {}) { deleteAllCompareItems { message "
                  "deletedCount } } }", token=customer["token"])
    assert cleared["data"]["createDeleteAllCompareItems"]["deleteAllCompareItems"] == {
        "message": "All compare items have been removed successfully", "deletedCount": 1}


def test_list_query_count_is_constant(client, customer):
    from tests.helpers import list_statement_counts
    ids = [row["id"] for row in client.get("/api/shop/products", params={"per_page": 6}).json()]
    for product_id in ids:
        compare(client, customer["headers"], product_id)
        client.post("/api/shop/wishlists", json={"productId": product_id}, headers=customer["headers"])

    class Authorized:
        def get(self, path, params=None):
            return client.get(path, params=params, headers=customer["headers"])
    assert len(set(list_statement_counts(Authorized(), "/api/shop/compare-items", sizes=(1, 6)))) == 1
    assert len(set(list_statement_counts(Authorized(), "/api/shop/wishlists", sizes=(1, 6)))) == 1


def test_a_guest_list_joins_the_customer_list_at_login(client, customer):
    guest = new_guest_cart(client)
    shared, own = product(), product()
    compare(client, customer["headers"], shared.id)
    compare(client, guest["headers"], shared.id)
    compare(client, guest["headers"], own.id)
    response = client.post("/api/shop/customer/login", headers=guest["headers"],
                           json={"email": customer["email"], "password": customer["password"]})
    assert response.status_code in (200, 201), response.text
    listed = client.get("/api/shop/compare-items", headers=customer["headers"]).json()
    assert [row["productId"] for row in listed] == [shared.id, own.id]
