"""Admin bookings: planned until booking products exist. Until then every operation answers 501 to a
token with `sales.bookings.view` and 403 to one without, over REST and GraphQL alike."""
from starlette.testclient import TestClient

from tests.admin_fixtures import FORBIDDEN, admin_client, bearer, make_admin, super_admin  # noqa: F401

NOT_YET = {"listAdminBookings": "/api/admin/bookings", "exportAdminBookings": "/api/admin/bookings/export",
           "getAdminBooking": "/api/admin/bookings/1"}


def test_bookings_are_planned_with_their_permission(app):
    _viewer, viewer = make_admin(["sales.bookings.view"], label="bookings")
    _other, other = make_admin(["sales.orders.view"], label="no-bookings")
    with TestClient(app) as client:
        for operation_id, path in NOT_YET.items():
            planned = client.get(path, headers=bearer(viewer))
            assert (planned.status_code, planned.json()) == (501, {"message": f"{operation_id} is not implemented yet",
                                                                   "error": "not_implemented"})
            refused = client.get(path, headers=bearer(other))
            assert (refused.status_code, refused.json()) == (403, FORBIDDEN)
        query = {"query": "{ adminBookings(first: 10) { totalCount } adminBooking(id: \"/api/admin/bookings/1\") { _id } }"}
        answer = client.post("/api/admin/graphql", json=query, headers=bearer(viewer)).json()
        assert answer["data"] == {"adminBookings": None, "adminBooking": None}
        assert sorted(error["extensions"]["status"] for error in answer["errors"]) == [501, 501]
        answer = client.post("/api/admin/graphql", json=query, headers=bearer(other)).json()
        assert {error["extensions"]["code"] for error in answer["errors"]} == {"FORBIDDEN"}
