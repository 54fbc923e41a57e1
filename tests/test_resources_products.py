"""The legacy catalog resource paths (`/api/products`, `/api/products/{id or url key}`): the shop's
product list and product document under the pages' parameter names."""


def ids(response) -> list[int]:
    assert response.status_code == 200, response.text
    return [row["id"] for row in response.json()]


def test_list_takes_the_pages_parameters_and_answers_the_shop_list(client):
    listed = client.get("/api/products", params={"page": 2, "limit": 3})
    shop = client.get("/api/shop/products", params={"page": 2, "per_page": 3})
    assert ids(listed) == ids(shop) and len(ids(listed)) == 3
    assert listed.headers["X-Total-Count"] == shop.headers["X-Total-Count"] and listed.headers["X-Per-Page"] == "3"
    searched = client.get("/api/products", params={"search": "shirt", "limit": 50})
    assert ids(searched) == ids(client.get("/api/shop/products", params={"query": "shirt", "per_page": 50}))
    assert 0 < int(searched.headers["X-Total-Count"]) < int(shop.headers["X-Total-Count"])
    in_category = client.get("/api/products", params={"category_id": 3, "limit": 50})
    assert ids(in_category) == ids(client.get("/api/shop/products", params={"category_id": 3, "per_page": 50}))
    by_price = client.get("/api/products", params={"sort": "price", "order": "desc", "limit": 5})
    assert ids(by_price) == ids(client.get("/api/shop/products", params={"sort": "price-desc", "per_page": 5}))
    assert client.get("/api/products", params={"sort": "nonsense"}).status_code == 400


def test_product_by_id_or_url_key(client):
    by_id = client.get("/api/products/1")
    assert by_id.status_code == 200 and by_id.json() == client.get("/api/shop/products/1").json()
    by_key = client.get(f"/api/products/{by_id.json()['urlKey']}")
    assert by_key.status_code == 200 and by_key.json()["id"] == 1
    assert client.get("/api/products/no-such-product").status_code == 404
    assert client.get("/api/products/999999999").status_code == 404
