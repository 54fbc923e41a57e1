"""The legacy catalog resource paths (`/api/products`, `/api/products/{id or url key}`, `/api/product_reviews`,
`/api/product_bundles`): the shop's products and reviews as JSON-LD items and Hydra collections."""
from tests.customer_fixtures import PASSWORD, bearer, login, unique_email


def ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    body = response.json()
    if isinstance(body, list):
        return [row["id"] for row in body]
    assert body["@type"] == "hydra:Collection"
    return [row["id"] for row in body["hydra:member"]]


def test_list_takes_the_pages_parameters_and_answers_a_hydra_collection(client):
    listed = client.get("/api/products", params={"page": 2, "limit": 3})
    shop = client.get("/api/shop/products", params={"page": 2, "per_page": 3})
    assert ids(listed) == ids(shop) and len(ids(listed)) == 3
    body, total = listed.json(), int(shop.headers["X-Total-Count"])
    assert body["@context"] == "/api/contexts/Product" and body["@id"] == "/api/products"
    assert body["hydra:totalItems"] == total
    last = -(-total // 3)
    assert body["hydra:view"] == {"@id": "/api/products?limit=3&page=2", "@type": "hydra:PartialCollectionView",
                                  "hydra:first": "/api/products?limit=3&page=1",
                                  "hydra:last": f"/api/products?limit=3&page={last}",
                                  "hydra:previous": "/api/products?limit=3&page=1",
                                  "hydra:next": "/api/products?limit=3&page=3"}
    first = body["hydra:member"][0]
    assert first["@id"] == f"/api/products/{first['id']}" and first["@type"] == "Product"
    assert first["status"] == 1 and first["slug"] == first["url_key"] and isinstance(first["price"], float)
    searched = client.get("/api/products", params={"search": "shirt", "limit": 50})
    assert ids(searched) == ids(client.get("/api/shop/products", params={"query": "shirt", "per_page": 50}))
    assert 0 < searched.json()["hydra:totalItems"] < total
    in_category = client.get("/api/products", params={"category_id": 3, "limit": 50})
    assert ids(in_category) == ids(client.get("/api/shop/products", params={"category_id": 3, "per_page": 50}))
    assert {row["category_id"] for row in in_category.json()["hydra:member"]} == {3}
    by_price = client.get("/api/products", params={"sort": "price", "order": "desc", "limit": 5})
    assert ids(by_price) == ids(client.get("/api/shop/products", params={"sort": "price-desc", "per_page": 5}))
    assert client.get("/api/products", params={"sort": "nonsense"}).status_code == 400


def test_product_by_id_or_url_key(client):
    by_id = client.get("/api/products/1")
    assert by_id.status_code == 200, by_id.text
    shop = client.get("/api/shop/products/1").json()
    product = by_id.json()
    assert product["@context"] == "/api/contexts/Product" and product["@id"] == "/api/products/1"
    assert product["name"] == shop["name"] and product["sku"] == shop["sku"] and product["original_price"] == shop["price"]
    assert [image["id"] for image in product["images"]] == [image["id"] for image in shop["images"]]
    assert [category["id"] for category in product["categories"]] == [category["id"] for category in shop["categories"]]
    by_key = client.get(f"/api/products/{shop['urlKey']}")
    assert by_key.status_code == 200 and by_key.json()["id"] == 1
    missing = client.get("/api/products/no-such-product")
    assert missing.status_code == 404 and missing.json()["@type"] == "hydra:Error"
    assert missing.json()["hydra:title"] == "Not Found" and missing.json()["hydra:description"] == "Product not found"
    assert client.get("/api/products/999999999").status_code == 404


def test_reviews_written_and_listed_through_the_resource_paths(client):
    email = unique_email("reviewer")
    client.post("/api/shop/customers", json={"firstName": "Rita", "lastName": "Review", "email": email,
                                              "password": PASSWORD, "confirmPassword": PASSWORD})
    headers = bearer(login(client, email).json()["token"])
    created = client.post("/api/product_reviews", headers=headers, json={
        "product_id": 2, "title": "Great Product", "comment": "Very satisfied with this purchase", "rating": 5})
    assert created.status_code == 201, created.text
    review = created.json()
    assert review["@id"] == f"/api/product_reviews/{review['id']}" and review["product_id"] == 2
    assert review["status"] == "pending" and review["rating"] == 5
    mine = client.get("/api/product_reviews", params={"product_id": 2, "limit": 50}, headers=headers).json()
    shop = client.get("/api/shop/products/2/reviews", params={"per_page": 50}, headers=headers).json()
    assert mine["hydra:totalItems"] == shop["pagination"]["total"]
    assert [row["id"] for row in mine["hydra:member"]] == [row["id"] for row in shop["data"]]
    short = client.post("/api/product_reviews", headers=headers, json={"product_id": 2, "title": "Bad",
                                                                       "comment": "short", "rating": 5})
    assert short.status_code == 422 and "comment" in short.json()["errors"]


def test_bundles_list_their_items(client):
    listed = client.get("/api/product_bundles", params={"page": 1})
    assert listed.status_code == 200, listed.text
    body = listed.json()
    shop = client.get("/api/shop/products", params={"type": "bundle", "per_page": 50})
    assert body["hydra:totalItems"] == int(shop.headers["X-Total-Count"]) > 0
    first = body["hydra:member"][0]
    assert first["type"] == "bundle" and first["bundle_items"]
    assert all(row["quantity"] >= 1 and row["product_id"] for row in first["bundle_items"])
