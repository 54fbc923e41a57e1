"""Admin review moderation over REST and GraphQL: filters give the right rows, approve / disapprove / mass
status change states, and the shop's rating summary (averageRating, star counts) follows each moderation;
deletes and mass deletes, status-only updates, 422 for an unknown status."""
import pytest

from storage.content_models import ProductReview
from storage.db import database
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.checkout_fixtures import plain_simple_products
from tests.customer_fixtures import customer, other_customer  # noqa: F401 (fixtures)
from tests.helpers import list_statement_counts

BASE = "/api/admin/customers/reviews"
BODY = {"title": "Warm and light", "comment": "Kept me warm on every hike.", "rating": 5}
NO_STARS = {"1": 0, "2": 0, "3": 0, "4": 0, "5": 0}


@pytest.fixture
def product_id():
    """A catalog product whose reviews are removed after the test."""
    product_id = plain_simple_products()[9]
    yield product_id
    with database.connection_context():
        ProductReview.delete().where(ProductReview.product == product_id).execute()


def write(client, product_id, who, **fields) -> dict:
    response = client.post(f"/api/shop/products/{product_id}/reviews", json={**BODY, **fields},
                           headers=who["headers"])
    assert response.status_code == 201, response.text
    return response.json()["data"]


def summary(client, product_id) -> dict:
    return client.get(f"/api/shop/products/{product_id}/reviews").json()["summary"]


def test_moderation_drives_the_shop_summary(admin_client, client, graphql, customer, other_customer, product_id):
    five = write(client, product_id, customer, rating=5)
    two = write(client, product_id, other_customer, rating=2)
    four = write(client, product_id, other_customer, rating=4)
    assert summary(client, product_id) == {"averageRating": 0.0, "totalReviews": 0, "starCounts": NO_STARS}
    approved = admin_client.put(f"{BASE}/{five['id']}", json={"status": "approved", "rating": 1, "title": "Ignored"})
    assert approved.status_code == 200
    assert (approved.json()["status"], approved.json()["rating"], approved.json()["title"]) == (
        "approved", 5, "Warm and light")
    assert summary(client, product_id) == {"averageRating": 5.0, "totalReviews": 1,
                                           "starCounts": {**NO_STARS, "5": 1}}
    mass = admin_client.post(f"{BASE}/mass-update-status", json={"indices": [two["id"], four["id"], 999999],
                                                                 "value": "approved"})
    assert mass.json() == {"updated": sorted([two["id"], four["id"]]), "value": "approved",
                           "message": "Statuses updated."}
    assert summary(client, product_id) == {"averageRating": 3.67, "totalReviews": 3,
                                           "starCounts": {**NO_STARS, "2": 1, "4": 1, "5": 1}}
    disapproved = admin_client.put(f"{BASE}/{two['id']}", json={"status": "disapproved"}).json()
    assert disapproved["status"] == "disapproved"
    assert summary(client, product_id) == {"averageRating": 4.5, "totalReviews": 2,
                                           "starCounts": {**NO_STARS, "4": 1, "5": 1}}
    product = graphql("query($id: ID!) { product(id: $id) { averageRating totalReviews } }",
                      {"id": f"/api/shop/products/{product_id}"})["data"]["product"]
    assert product == {"averageRating": 4.5, "totalReviews": 2}
    assert admin_client.delete(f"{BASE}/{five['id']}").json() == {"message": "Review deleted."}
    assert summary(client, product_id) == {"averageRating": 4.0, "totalReviews": 1,
                                           "starCounts": {**NO_STARS, "4": 1}}
    bad = admin_client.put(f"{BASE}/{four['id']}", json={"status": "maybe"})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"status"}
    assert admin_client.put(f"{BASE}/999999", json={"status": "approved"}).json() == {
        "message": "Review not found", "error": "not_found"}


def test_filters_and_documents(admin_client, client, customer, other_customer, product_id):
    mine = write(client, product_id, customer, rating=5)
    theirs = write(client, product_id, other_customer, rating=3)
    admin_client.put(f"{BASE}/{theirs['id']}", json={"status": "rejected"})
    listed = admin_client.get(BASE, params={"product_id": product_id}).json()
    assert [row["id"] for row in listed["data"]] == [theirs["id"], mine["id"]]  # newest first
    row = listed["data"][1]
    assert (row["status"], row["rating"], row["customerId"], row["customerEmail"], row["images"]) == (
        "pending", 5, customer["id"], customer["email"], None)
    assert row["productSku"] and row["productName"]
    pending = admin_client.get(BASE, params={"product_id": product_id, "status": "pending"}).json()["data"]
    assert [row["id"] for row in pending] == [mine["id"]]
    disapproved = admin_client.get(BASE, params={"product_id": product_id, "status": "disapproved"}).json()["data"]
    assert [row["id"] for row in disapproved] == [theirs["id"]]
    by_rating = admin_client.get(BASE, params={"product_id": product_id, "rating": 3}).json()["data"]
    assert [row["id"] for row in by_rating] == [theirs["id"]]
    by_customer = admin_client.get(BASE, params={"customer_id": customer["id"]}).json()["data"]
    assert [row["id"] for row in by_customer] == [mine["id"]]
    by_rating_asc = admin_client.get(BASE, params={"product_id": product_id, "sort": "rating", "order": "asc"}).json()
    assert [row["rating"] for row in by_rating_asc["data"]] == [3, 5]
    detail = admin_client.get(f"{BASE}/{mine['id']}").json()
    assert detail["images"] == [] and detail["comment"] == BODY["comment"]


def test_mass_delete(admin_client, client, customer, product_id):
    ids = [write(client, product_id, customer, rating=stars)["id"] for stars in (1, 2)]
    result = admin_client.post(f"{BASE}/mass-delete", json={"indices": [*ids, 999999]}).json()
    assert result == {"deleted": ids, "skipped": [], "message": "Reviews deleted."}
    with database.connection_context():
        assert not ProductReview.select().where(ProductReview.id.in_(ids)).exists()


def test_graphql_moderation(admin_graphql, client, customer, product_id):
    review = write(client, product_id, customer, rating=4)
    iri = f"/api/admin/customers/reviews/{review['id']}"
    listed = admin_graphql("""query($status: String) { adminCustomerReviews(first: 50, status: $status) {
        edges { node { id _id status productSku customerName } } } }""", {"status": "pending"})["data"]
    assert iri in [edge["node"]["id"] for edge in listed["adminCustomerReviews"]["edges"]]
    updated = admin_graphql("""mutation($input: updateAdminCustomerReviewInput!) {
        updateAdminCustomerReview(input: $input) { adminCustomerReview { id _id status } } }""",
                            {"input": {"id": iri, "status": "approved"}})["data"]
    assert updated["updateAdminCustomerReview"]["adminCustomerReview"] == {"id": iri, "_id": review["id"],
                                                                           "status": "approved"}
    assert summary(client, product_id)["totalReviews"] == 1
    mass = admin_graphql("""mutation($input: createAdminCustomerReviewMassUpdateStatusInput!) {
        createAdminCustomerReviewMassUpdateStatus(input: $input) { adminCustomerReviewMassUpdateStatus { updated value message } } }""",
                         {"input": {"indices": [review["id"]], "value": "disapproved"}})["data"]
    assert mass["createAdminCustomerReviewMassUpdateStatus"]["adminCustomerReviewMassUpdateStatus"] == {
        "updated": [review["id"]], "value": "disapproved", "message": "Statuses updated."}
    assert summary(client, product_id)["totalReviews"] == 0
    detail = admin_graphql("query($id: ID!) { adminCustomerReview(id: $id) { status images } }", {"id": iri})["data"]
    assert detail["adminCustomerReview"] == {"status": "disapproved", "images": []}
    deleted = admin_graphql("""mutation($input: deleteAdminCustomerReviewInput!) {
        deleteAdminCustomerReview(input: $input) { adminCustomerReview { id } } }""", {"input": {"id": iri}})["data"]
    assert deleted["deleteAdminCustomerReview"]["adminCustomerReview"] is None


def test_list_statement_count_does_not_grow_with_the_page(admin_client, client, customer, other_customer, product_id):
    write(client, product_id, customer)
    write(client, product_id, other_customer)
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 50))
    assert counts[0] == counts[1]
