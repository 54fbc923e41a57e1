"""Product reviews: writing, editing and deleting one's own reviews, moderation (pending until
approved), the shop showing approved reviews only, and the rating summary after every change."""
import base64
import io
import json
import uuid

import pytest
from PIL import Image

from domain.reviews import AUTO_APPROVE, GUEST_REVIEW, set_review_status
from domain.sales.store_config import set_config
from storage.content_models import ProductReview, ProductReviewImage
from storage.db import database
from storage.models import CoreConfig
from tests.checkout_fixtures import plain_simple_products
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)
from tests.customer_fixtures import UNAUTHENTICATED, customer, other_customer  # noqa: F401 (fixtures)
from tests.product_fixtures import media_root  # noqa: F401 (fixture)

BODY = {"title": "Warm and light", "comment": "Kept me warm on every hike.", "rating": 5}
NO_STARS = {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


@pytest.fixture
def product_id():
    """A catalog product whose reviews are removed after the test."""
    product_id = plain_simple_products()[7]
    yield product_id
    with database.connection_context():
        ProductReview.delete().where(ProductReview.product == product_id).execute()


@pytest.fixture
def review_settings():
    """Set review settings for one test; removed afterwards (the defaults are off)."""
    def apply(**values):
        with database.connection_context():
            for code, value in values.items():
                set_config(code, value)
    yield apply
    with database.connection_context():
        CoreConfig.delete().where(CoreConfig.code.in_((GUEST_REVIEW, AUTO_APPROVE))).execute()


def approve(review_id: int, status: str = "approved"):
    with database.connection_context():
        set_review_status(review_id, status)


def write(client, product_id, customer, **fields):
    response = client.post(f"/api/shop/products/{product_id}/reviews", json={**BODY, **fields},
                           headers=customer["headers"])
    assert response.status_code == 201, response.text
    return response.json()["data"]


def summary(client, product_id):
    response = client.get(f"/api/shop/products/{product_id}/reviews")
    assert response.status_code == 200, response.text
    return response.json()


def test_a_new_review_is_pending_and_hidden_until_approved(client, customer, product_id):
    response = client.post(f"/api/shop/products/{product_id}/reviews", json={**BODY, "authorName": "Jo"},
                           headers=customer["headers"])
    assert response.status_code == 201, response.text
    body = response.json()
    assert body["message"] == "Review submitted successfully and is pending approval"
    review = body["data"]
    assert (review["productId"], review["rating"], review["status"], review["authorName"]) == (product_id, 5, "pending", "Jo")
    assert review["authorEmail"] == customer["email"]
    listed = summary(client, product_id)
    assert listed["data"] == [] and listed["pagination"]["total"] == 0
    assert listed["summary"] == {"averageRating": 0.0, "totalReviews": 0, "starCounts": NO_STARS}
    assert client.get(f"/api/shop/reviews/{review['id']}").status_code == 404  # a guest sees approved ones only
    assert client.get(f"/api/shop/reviews/{review['id']}", headers=customer["headers"]).json()["data"]["status"] == "pending"

    approve(review["id"])
    listed = summary(client, product_id)
    assert [r["id"] for r in listed["data"]] == [review["id"]]
    assert listed["data"][0]["authorEmail"] is None  # the email is the author's to see
    assert listed["summary"] == {"averageRating": 5.0, "totalReviews": 1, "starCounts": {**NO_STARS, "5": 1}}
    assert client.get(f"/api/shop/reviews/{review['id']}").json()["data"]["title"] == "Warm and light"


def test_summary_follows_create_edit_delete_and_approval(client, customer, other_customer, product_id):
    first = write(client, product_id, customer, rating=5)
    second = write(client, product_id, other_customer, rating=2)
    third = write(client, product_id, other_customer, rating=4)
    for review in (first, second, third):
        approve(review["id"])
    assert summary(client, product_id)["summary"] == {
        "averageRating": 3.67, "totalReviews": 3, "starCounts": {**NO_STARS, "2": 1, "4": 1, "5": 1}}

    # an edited rating goes back to pending: out of the summary until approved again
    edited = client.put(f"/api/shop/reviews/{second['id']}", json={"rating": 3}, headers=other_customer["headers"])
    assert edited.status_code == 200, edited.text
    assert edited.json()["data"]["status"] == "pending"
    assert summary(client, product_id)["summary"] == {
        "averageRating": 4.5, "totalReviews": 2, "starCounts": {**NO_STARS, "4": 1, "5": 1}}
    approve(second["id"])
    assert summary(client, product_id)["summary"] == {
        "averageRating": 4.0, "totalReviews": 3, "starCounts": {**NO_STARS, "3": 1, "4": 1, "5": 1}}

    deleted = client.delete(f"/api/shop/reviews/{first['id']}", headers=customer["headers"])
    assert deleted.status_code == 200 and deleted.json() == {"message": "Review deleted successfully", "id": first["id"]}
    assert summary(client, product_id)["summary"] == {
        "averageRating": 3.5, "totalReviews": 2, "starCounts": {**NO_STARS, "3": 1, "4": 1}}

    approve(third["id"], "rejected")
    listed = summary(client, product_id)
    assert [r["id"] for r in listed["data"]] == [second["id"]]
    assert listed["summary"] == {"averageRating": 3.0, "totalReviews": 1, "starCounts": {**NO_STARS, "3": 1}}


def test_product_fields_carry_the_rating_summary(client, graphql, customer, other_customer, product_id):
    for reviewer, stars in ((customer, 5), (other_customer, 4)):
        approve(write(client, product_id, reviewer, rating=stars)["id"])
    write(client, product_id, customer, rating=1)  # pending: not counted
    data = graphql("""query($id: ID!) { product(id: $id) { averageRating totalReviews
        ratingSummary { averageRating totalReviews starCounts { rating count } }
        reviews(first: 1) { totalCount edges { node { rating status } } } } }""",
                   {"id": f"/api/shop/products/{product_id}"})
    product = data["data"]["product"]
    assert (product["averageRating"], product["totalReviews"]) == (4.5, 2)
    assert product["ratingSummary"]["starCounts"] == [{"rating": 1, "count": 0}, {"rating": 2, "count": 0},
                                                      {"rating": 3, "count": 0}, {"rating": 4, "count": 1},
                                                      {"rating": 5, "count": 1}]
    assert product["reviews"]["totalCount"] == 2
    assert product["reviews"]["edges"][0]["node"]["status"] == "approved"


def test_only_the_author_edits_or_deletes(client, customer, other_customer, product_id):
    review = write(client, product_id, customer)
    for method in ("put", "delete"):
        kwargs = {"json": {"title": "Mine now"}} if method == "put" else {}
        response = getattr(client, method)(f"/api/shop/reviews/{review['id']}", headers=other_customer["headers"], **kwargs)
        assert response.status_code == 404, response.text
        assert getattr(client, method)(f"/api/shop/reviews/{review['id']}", **kwargs).status_code == 401
    assert client.get(f"/api/shop/customer-reviews/{review['id']}", headers=other_customer["headers"]).status_code == 404
    with database.connection_context():
        assert ProductReview.get_by_id(review["id"]).title == "Warm and light"


def test_validation_names_the_fields(client, customer, product_id):
    url = f"/api/shop/products/{product_id}/reviews"
    cases = [({**BODY, "rating": 6}, "rating"), ({**BODY, "comment": "Too short"}, "comment"),
             ({"comment": BODY["comment"], "rating": 3}, "title"), ({**BODY, "status": 3}, "status"),
             ({**BODY, "title": "   "}, "title")]
    for body, field in cases:
        response = client.post(url, json=body, headers=customer["headers"])
        assert response.status_code == 422, (body, response.text)
        assert field in response.json()["errors"], response.text
    assert client.post("/api/shop/products/99999999/reviews", json=BODY, headers=customer["headers"]).status_code == 404
    assert client.get("/api/shop/products/1/reviews", params={"rating": 0}).status_code == 400


def test_guests_review_only_when_the_store_allows(client, product_id, review_settings):
    url = f"/api/shop/products/{product_id}/reviews"
    response = client.post(url, json={**BODY, "name": "Guest"})
    assert response.status_code == 401 and response.json() == UNAUTHENTICATED
    review_settings(**{GUEST_REVIEW: "1"})
    missing_name = client.post(url, json=BODY)
    assert missing_name.status_code == 422 and "name" in missing_name.json()["errors"]
    created = client.post(url, json={**BODY, "name": "Guest", "email": "guest@example.com"})
    assert created.status_code == 201, created.text
    assert (created.json()["data"]["authorName"], created.json()["data"]["status"]) == ("Guest", "pending")
    review_settings(**{AUTO_APPROVE: "1"})
    approved = client.post(url, json={**BODY, "name": "Guest", "rating": 3})
    assert approved.json()["data"]["status"] == "approved"
    assert approved.json()["message"] == "Review submitted successfully"
    assert summary(client, product_id)["summary"]["averageRating"] == 3.0


def test_customer_reviews_lists_own_reviews_with_filters(client, customer, other_customer, product_id):
    mine = [write(client, product_id, customer, rating=stars) for stars in (5, 3)]
    write(client, product_id, other_customer)
    approve(mine[0]["id"])
    headers = customer["headers"]
    listed = client.get("/api/shop/customer-reviews", headers=headers).json()
    assert [r["id"] for r in listed["data"]] == [mine[1]["id"], mine[0]["id"]]
    assert listed["data"][0]["product"]["id"] == product_id and listed["data"][0]["customer"]["id"] == customer["id"]
    approved = client.get("/api/shop/customer-reviews", params={"status": "approved"}, headers=headers).json()["data"]
    assert [r["id"] for r in approved] == [mine[0]["id"]]
    three = client.get("/api/shop/customer-reviews", params={"rating": 3}, headers=headers).json()["data"]
    assert [r["id"] for r in three] == [mine[1]["id"]]
    both = client.get("/api/shop/customer-reviews", params={"status": "approved", "rating": 3}, headers=headers)
    assert both.json()["data"] == []
    assert client.get("/api/shop/customer-reviews").status_code == 401
    one = client.get(f"/api/shop/customer-reviews/{mine[1]['id']}", headers=headers).json()["data"]
    assert (one["status"], one["rating"]) == ("pending", 3)
    # the product list's status=pending is the caller's own pending reviews
    pending = client.get(f"/api/shop/products/{product_id}/reviews", params={"status": "pending"}, headers=headers)
    assert [r["id"] for r in pending.json()["data"]] == [mine[1]["id"]]


def test_graphql_reviews(client, graphql, customer, other_customer, product_id):
    headers = customer["headers"]
    created = graphql("""mutation($input: createProductReviewInput!) { createProductReview(input: $input) {
        productReview { id _id name title rating status statusName } message success clientMutationId } }""",
                      {"input": {"productId": str(product_id), "title": "Nice", "comment": "Nice and warm coat.",
                                 "rating": 4, "name": "Jo Doe", "status": 0, "clientMutationId": "c1"}},
                      headers)["data"]["createProductReview"]
    review = created["productReview"]
    assert (review["name"], review["rating"], review["status"], review["statusName"], created["success"],
            created["clientMutationId"]) == ("Jo Doe", 4, 0, "pending", True, "c1")
    assert review["id"] == f"/api/shop/reviews/{review['_id']}"

    # a reviewer asking for "approved" gets what moderation decides: pending
    asked = graphql("""mutation($input: createProductReviewInput!) { createProductReview(input: $input) {
        productReview { _id status statusName } } }""", {"input": {"productId": product_id, "title": "Mine",
                                                                   "comment": BODY["comment"], "rating": 5, "status": 1}},
                    headers)["data"]["createProductReview"]["productReview"]
    assert (asked["status"], asked["statusName"]) == (0, "pending")
    refused = graphql("""mutation($input: createProductReviewInput!) { createProductReview(input: $input) {
        productReview { id } } }""", {"input": {"productId": product_id, "title": "Mine", "comment": BODY["comment"],
                                                "rating": 5, "status": 7}}, headers)
    assert refused["data"]["createProductReview"] is None and "status" in str(refused["errors"])
    with database.connection_context():
        ProductReview.delete_by_id(asked["_id"])

    query = """query($p: Int, $s: String, $r: Int) { productReviews(productId: $p, status: $s, rating: $r, first: 5) {
        totalCount edges { node { _id rating status } } } }"""
    assert graphql(query, {"p": product_id})["data"]["productReviews"]["totalCount"] == 0
    approve(review["_id"])
    listed = graphql(query, {"p": product_id, "r": 4})["data"]["productReviews"]
    assert listed["totalCount"] == 1 and listed["edges"][0]["node"]["_id"] == review["_id"]
    assert graphql(query, {"p": product_id, "r": 5})["data"]["productReviews"]["totalCount"] == 0

    update = """mutation($input: updateProductReviewInput!) { updateProductReview(input: $input) {
        productReview { id title rating status } } }"""
    foreign = graphql(update, {"input": {"id": review["id"], "title": "Taken"}}, other_customer["headers"])
    assert foreign["data"]["updateProductReview"] is None and foreign["errors"][0]["extensions"]["code"] == "NOT_FOUND"
    updated = graphql(update, {"input": {"id": review["id"], "rating": 2}}, headers)["data"]["updateProductReview"]
    assert updated["productReview"]["rating"] == 2 and updated["productReview"]["status"] == 0
    approve(review["_id"])
    asked = graphql(update, {"input": {"id": review["id"], "status": 2}}, headers)["data"]["updateProductReview"]
    assert asked["productReview"]["status"] == 1  # the reviewer cannot reject (or approve) it: still approved
    approve(review["_id"], "pending")

    mine = graphql("""query { customerReviews(first: 10) { totalCount edges { node { id _id status
        product { id sku } customer { id } } } } }""", headers=headers)["data"]["customerReviews"]
    assert mine["totalCount"] == 1
    node = mine["edges"][0]["node"]
    assert node["id"] == f"/api/shop/customer-reviews/{review['_id']}"
    assert node["product"]["id"] == f"/api/shop/products/{product_id}" and node["customer"]["id"] == \
        f"/api/shop/customers/{customer['id']}"

    deleted = graphql("""mutation($input: deleteProductReviewInput!) { deleteProductReview(input: $input) {
        productReview { id } clientMutationId } }""", {"input": {"id": review["id"], "clientMutationId": "d"}},
                      headers)["data"]["deleteProductReview"]
    assert deleted == {"productReview": {"id": review["id"]}, "clientMutationId": "d"}
    with database.connection_context():
        assert not ProductReview.select().where(ProductReview.id == review["_id"]).exists()


def test_graphql_takes_the_customer_token_when_sent(graphql, customer, product_id, review_settings):
    mutation = """mutation($input: createProductReviewInput!) { createProductReview(input: $input) {
        productReview { _id name email statusName } } }"""
    body = {"productId": product_id, "title": "Fine", "comment": BODY["comment"], "rating": 4, "name": "Guest"}
    guest = graphql(mutation, {"input": body})
    assert guest["data"]["createProductReview"] is None
    assert guest["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    review_settings(**{GUEST_REVIEW: "1"})
    allowed = graphql(mutation, {"input": {**body, "email": "g@example.com"}})["data"]["createProductReview"]
    assert (allowed["productReview"]["name"], allowed["productReview"]["email"]) == ("Guest", None)
    signed_in = graphql(mutation, {"input": {key: value for key, value in body.items() if key != "name"}},
                        customer["headers"])["data"]["createProductReview"]["productReview"]
    assert (signed_in["name"], signed_in["email"], signed_in["statusName"]) == \
        ("Customer Tester", customer["email"], "pending")
    own = graphql("""query($s: String) { productReviews(status: $s, first: 5) { totalCount edges { node { _id } } } }""",
                  {"s": "pending"}, customer["headers"])["data"]["productReviews"]
    assert [edge["node"]["_id"] for edge in own["edges"]] == [signed_in["_id"]]
    assert graphql("""query { productReviews(status: "pending") { totalCount } }""")["data"]["productReviews"] == \
        {"totalCount": 0}


def test_pages_sorts_and_the_overview_aliases(client, graphql, customer, product_id):
    ids = []
    for stars in (2, 5, 4):
        review = write(client, product_id, customer, rating=stars)
        approve(review["id"])
        ids.append(review["id"])
    url = f"/api/shop/products/{product_id}/reviews"
    first = client.get(url, params={"limit": 2}).json()
    assert [r["id"] for r in first["data"]] == [ids[2], ids[1]]  # latest first (same second: higher id first)
    assert first["pagination"] == {"total": 3, "perPage": 2, "currentPage": 1, "lastPage": 2}
    second = client.get(url, params={"limit": 2, "page": 2}).json()
    assert [r["id"] for r in second["data"]] == [ids[0]] and second["pagination"]["currentPage"] == 2
    assert [r["rating"] for r in client.get(url, params={"sort": "rating"}).json()["data"]] == [5, 4, 2]
    assert [r["id"] for r in client.get(url, params={"sort": "oldest"}).json()["data"]] == ids
    assert [r["id"] for r in client.get(url, params={"rating": 4}).json()["data"]] == [ids[2]]
    assert client.get(url, params={"sort": "nonsense"}).status_code == 400

    data = graphql("""query($p: String!, $id: String!) { reviews(productId: $p, first: 2) {
        totalCount pageInfo { hasNextPage endCursor } edges { node { _id customerName } } }
        review(id: $id) { _id rating title } }""",
                   {"p": str(product_id), "id": f"/api/shop/reviews/{ids[1]}"})["data"]
    assert data["reviews"]["totalCount"] == 3 and data["reviews"]["pageInfo"]["hasNextPage"] is True
    assert [edge["node"]["_id"] for edge in data["reviews"]["edges"]] == [ids[2], ids[1]]
    assert data["reviews"]["edges"][0]["node"]["customerName"] == "Customer Tester"
    assert data["review"] == {"_id": ids[1], "rating": 5, "title": "Warm and light"}
    after = graphql("""query($p: String!, $after: String) { reviews(productId: $p, first: 2, after: $after) {
        edges { node { _id } } } }""", {"p": str(product_id), "after": data["reviews"]["pageInfo"]["endCursor"]})
    assert [edge["node"]["_id"] for edge in after["data"]["reviews"]["edges"]] == [ids[0]]


# --- images sent with a review ---------------------------------------------------------------------

def image_bytes(kind: str, size=(3, 2), color=(200, 30, 30)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format=kind)
    return buffer.getvalue()


def data_url(content_type: str, data: bytes) -> str:
    return f"data:{content_type};base64,{base64.b64encode(data).decode()}"


def stored_files(media_root, review_id) -> list[str]:
    folder = media_root / "review" / str(review_id)
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def test_a_review_keeps_its_images_under_the_type_their_bytes_are(client, admin_client, customer, product_id,
                                                                    media_root):
    png, jpeg = image_bytes("PNG"), image_bytes("JPEG", size=(4, 4))
    # the page's first attachment: PNG bytes labelled image/webp; stored as what they are, a png
    review = write(client, product_id, customer, attachments=[data_url("image/webp", png),
                                                             data_url("image/jpeg", jpeg)])
    attachments = review["attachments"]
    assert [(a["type"], a["path"].rsplit(".", 1)[-1]) for a in attachments] == [("image", "png"), ("image", "jpg")]
    assert all(a["path"].startswith(f"review/{review['id']}/") for a in attachments)
    assert attachments[0]["url"].endswith("/" + attachments[0]["path"])
    assert (media_root / attachments[0]["path"]).read_bytes() == png
    assert (media_root / attachments[1]["path"]).read_bytes() == jpeg
    with database.connection_context():
        assert ProductReviewImage.select().where(ProductReviewImage.review == review["id"]).count() == 2

    # the author reads them back; the admin's detail shows them (the list does not)
    own = client.get(f"/api/shop/reviews/{review['id']}", headers=customer["headers"]).json()["data"]
    assert own["attachments"] == attachments
    detail = admin_client.get(f"/api/admin/customers/reviews/{review['id']}").json()
    assert [(image["id"], image["path"]) for image in detail["images"]] == [(a["id"], a["path"]) for a in attachments]

    # deleting the review deletes its files, whether the author or the store deletes it
    assert client.delete(f"/api/shop/reviews/{review['id']}", headers=customer["headers"]).status_code == 200
    assert stored_files(media_root, review["id"]) == []
    with database.connection_context():
        assert ProductReviewImage.select().where(ProductReviewImage.review == review["id"]).count() == 0
    second = write(client, product_id, customer, attachments=[data_url("image/png", png)])
    assert len(stored_files(media_root, second["id"])) == 1
    deleted = admin_client.post("/api/admin/customers/reviews/mass-delete", json={"indices": [second["id"]]})
    assert deleted.status_code == 200 and deleted.json()["deleted"] == [second["id"]], deleted.text
    assert stored_files(media_root, second["id"]) == []


def test_graphql_attachments_are_a_json_string_of_data_urls(graphql, customer, product_id, media_root):
    png = image_bytes("PNG")
    mutation = """mutation($input: createProductReviewInput!) { createProductReview(input: $input) {
        productReview { _id status attachments } } }"""
    sent = json.dumps([data_url("image/png", png), data_url("image/webp", image_bytes("WEBP"))])
    review = graphql(mutation, {"input": {"productId": product_id, "title": "Photos", "comment": BODY["comment"],
                                          "rating": 5, "attachments": sent}},
                     customer["headers"])["data"]["createProductReview"]["productReview"]
    attachments = json.loads(review["attachments"])
    assert [(a["type"], a["path"].rsplit(".", 1)[-1]) for a in attachments] == [("image", "png"), ("image", "webp")]
    assert (media_root / attachments[0]["path"]).read_bytes() == png
    query = """query($id: ID!) { productReview(id: $id) { attachments } }"""
    read = graphql(query, {"id": f"/api/shop/reviews/{review['_id']}"}, customer["headers"])["data"]["productReview"]
    assert json.loads(read["attachments"]) == attachments
    empty = graphql(mutation, {"input": {"productId": product_id, "title": "No photos", "comment": BODY["comment"],
                                         "rating": 4, "attachments": "[]"}},
                    customer["headers"])["data"]["createProductReview"]["productReview"]
    assert empty["attachments"] == "[]"


def test_attachments_that_are_not_whole_images_are_refused_and_nothing_is_stored(client, graphql, customer,
                                                                                 product_id, media_root):
    png = image_bytes("PNG")
    url = f"/api/shop/products/{product_id}/reviews"
    cases = [
        ([data_url("image/png", png), data_url("image/png", png[:-20])], "attachments.1"),  # truncated
        ([data_url("image/png", b"\x89PNG\r\n\x1a\n<html>not an image</html>")], "attachments.0"),
        ([data_url("video/mp4", base64.b64decode("AAAAIGZ0eXBpc29tAAACAGlzb21pc28yYXZjMW1wNDE="))], "attachments.0"),
        ([data_url("image/gif", b"GIF89a\x01\x00\x01\x00\x00\x00\x00;")], "attachments.0"),
        (["data:image/jpeg;base64,/9j/4AAQSkZJRgABAQEA..."], "attachments.0"),  # elided, not base64
        ("not json", "attachments"),
        ([data_url("image/png", png)] * 11, "attachments"),
    ]
    for attachments, field in cases:
        response = client.post(url, json={**BODY, "attachments": attachments}, headers=customer["headers"])
        assert response.status_code == 422, (field, response.text)
        assert list(response.json()["errors"]) == [field], response.text
    refused = graphql("""mutation($input: createProductReviewInput!) { createProductReview(input: $input) {
        productReview { _id } } }""", {"input": {"productId": product_id, "title": "Video", "comment": BODY["comment"],
                                                 "rating": 5, "attachments": json.dumps([data_url("image/png", png[:30])])}},
                      customer["headers"])
    assert refused["data"]["createProductReview"] is None
    assert refused["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"
    with database.connection_context():
        assert ProductReview.select().where(ProductReview.product == product_id).count() == 0
        assert ProductReviewImage.select().count() == 0
    assert not (media_root / "review").exists()


def test_the_overview_rating_field_and_filter(graphql, client, customer, other_customer, product_id):
    for reviewer, stars in ((customer, 5), (other_customer, 4)):
        approve(write(client, product_id, reviewer, rating=stars)["id"])
    query = """query($f: ProductFilterInput) { products(first: 100, filters: $f) {
        edges { node { _id rating { rate count } } } } }"""

    def listed(rating):
        edges = graphql(query, {"f": {"rating": rating}})["data"]["products"]["edges"]
        return {edge["node"]["_id"]: edge["node"]["rating"] for edge in edges}
    assert listed({"from": 4})[product_id] == {"rate": 4.5, "count": 2}
    assert product_id in listed({"from": 4.5, "to": 5})
    assert product_id not in listed({"from": 4.6})
    assert product_id not in listed({"to": 4})
    refused = client.post("/api/graphql", json={"query": query, "variables": {"f": {"rating": {"from": "many"}}}})
    assert refused.status_code == 400 and "rating.from" in refused.json()["errors"][0]["message"]


def test_graphql_customer_reviews_carry_the_whole_product(client, graphql, customer, product_id):
    review = write(client, product_id, customer)
    query = """query($id: ID!) { customerReview(id: $id) { _id product { _id sku featured status price } } }"""
    one = graphql(query, {"id": f"/api/shop/customer-reviews/{review['id']}"}, customer["headers"])
    assert "errors" not in one, one
    product = one["data"]["customerReview"]["product"]
    assert product["_id"] == product_id and product["featured"] in ("0", "1") and product["status"] == "1"
    listed = graphql("""query { customerReviews(first: 5) { edges { node { product { _id featured } } } } }""",
                     headers=customer["headers"])
    assert "errors" not in listed, listed
    assert listed["data"]["customerReviews"]["edges"][0]["node"]["product"]["_id"] == product_id


def test_deleting_a_product_deletes_its_reviews_image_files(client, admin_client, customer, media_root):
    sku = f"REVIEWED-{uuid.uuid4().hex[:8]}"
    created = admin_client.post("/api/products", json={"sku": sku, "name": "Reviewed", "slug": sku.lower(),
                                                       "price": 12.5, "status": 1})
    assert created.status_code == 201, created.text
    product_id = created.json()["id"]
    review = write(client, product_id, customer, attachments=[data_url("image/png", image_bytes("PNG"))])
    assert len(stored_files(media_root, review["id"])) == 1

    assert admin_client.delete(f"/api/admin/catalog/products/{product_id}").status_code == 204
    assert stored_files(media_root, review["id"]) == []
    with database.connection_context():
        assert ProductReview.select().where(ProductReview.product == product_id).count() == 0
