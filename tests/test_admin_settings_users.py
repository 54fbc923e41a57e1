"""Admin users over REST (/api/admin/settings/users, delete-self) and admin GraphQL, and the profile."""
import datetime

import pytest

from domain.access import verify_password
from handlers.admin.settings.users import delete_admin_self, delete_admin_user
from domain.errors import ApiError
from storage.admin_models import AdminToken, AdminUser
from storage.db import database
from tests.admin_fixtures import (  # noqa: F401 (fixtures)
    PASSWORD, UNAUTHENTICATED, admin_client, admin_context, admin_graphql, bearer, make_admin, make_role,
    super_admin, unique_email,
)
from tests.helpers import count_queries


@pytest.fixture(scope="module")
def ops_role():
    return make_role(["catalog.products.view", "settings.users.view"], name="Ops")


def create_user(admin_client, role_id: int, **fields) -> dict:
    body = {"name": "Ops User", "email": unique_email("ops"), "password": PASSWORD,
            "password_confirmation": PASSWORD, "role_id": role_id, "status": 1, **fields}
    response = admin_client.post("/api/admin/settings/users", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_admin_user_returns_the_documented_fields(admin_client, ops_role):
    email = unique_email("ops")
    response = admin_client.post("/api/admin/settings/users", json={
        "name": "Ops User", "email": email.upper(), "password": PASSWORD, "password_confirmation": PASSWORD,
        "role_id": ops_role.id, "status": 1})
    assert response.status_code == 201
    user = response.json()
    assert user == {"id": user["id"], "name": "Ops User", "email": email, "roleId": ops_role.id, "status": 1,
                    "role": {"id": ops_role.id, "name": ops_role.name}, "createdAt": user["createdAt"]}
    assert user["createdAt"].startswith(str(datetime.date.today().year))
    with database.connection_context():
        stored = AdminUser.get_by_id(user["id"])
    assert stored.password.startswith("$argon2id$") and verify_password(stored.password, PASSWORD)


def test_create_admin_user_defaults_to_active(admin_client, ops_role):
    body = {"name": "Quiet", "email": unique_email(), "password": PASSWORD, "password_confirmation": PASSWORD,
            "role_id": ops_role.id}
    assert admin_client.post("/api/admin/settings/users", json=body).json()["status"] == 1


def test_create_admin_user_lists_every_missing_field(admin_client):
    response = admin_client.post("/api/admin/settings/users", json={"name": "No email"})
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation_failed"
    assert {"email", "password", "password_confirmation", "role_id"} <= set(body["errors"]) or "body" in body["errors"]


def test_create_admin_user_business_rules(admin_client, ops_role, super_admin):
    taken = super_admin[0].email
    response = admin_client.post("/api/admin/settings/users", json={
        "name": "Dup", "email": taken, "password": PASSWORD, "password_confirmation": "different",
        "role_id": 999999})
    assert response.status_code == 422
    assert response.json() == {"message": "The given data was invalid.", "error": "validation_failed", "errors": {
        "email": ["The email has already been taken."],
        "password": ["The password field confirmation does not match."],
        "role_id": ["The selected role id is invalid."]}}


def test_create_admin_user_rejects_short_password_and_bad_email(admin_client, ops_role):
    response = admin_client.post("/api/admin/settings/users", json={
        "name": "X", "email": "not-an-email", "password": "123", "password_confirmation": "123",
        "role_id": ops_role.id})
    assert response.status_code == 422
    assert {"email", "password"} <= set(response.json()["errors"])


def test_a_caller_cannot_assign_a_wider_role(admin_client, ops_role, super_admin):
    _, raw = make_admin(["settings.users.create", "settings.users.edit", "settings.users.view",
                         "catalog.products.view"], label="hr")
    body = {"name": "Climber", "email": unique_email(), "password": PASSWORD, "password_confirmation": PASSWORD}
    wide = admin_client.post("/api/admin/settings/users", json={**body, "role_id": super_admin[0].role_id},
                             headers=bearer(raw))
    assert wide.status_code == 422
    assert wide.json()["errors"] == {"role_id": ["The role cannot grant more than the calling token may do."]}
    user = admin_client.post("/api/admin/settings/users", json={**body, "role_id": ops_role.id}, headers=bearer(raw))
    assert user.status_code == 201
    promote = admin_client.put(f"/api/admin/settings/users/{user.json()['id']}", headers=bearer(raw),
                               json={"role_id": super_admin[0].role_id})
    assert promote.status_code == 422


def test_get_admin_user_and_not_found(admin_client, super_admin):
    admin = super_admin[0]
    response = admin_client.get(f"/api/admin/settings/users/{admin.id}")
    assert response.json() == {"id": admin.id, "name": "Test super", "email": admin.email,
                               "roleId": admin.role_id, "status": 1,
                               "role": {"id": admin.role_id, "name": admin.role.name},
                               "createdAt": response.json()["createdAt"]}
    missing = admin_client.get("/api/admin/settings/users/999999")
    assert missing.status_code == 404
    assert missing.json() == {"message": "Admin user not found", "error": "not_found"}


def test_list_admin_users_envelope(admin_client, ops_role):
    for _ in range(3):
        create_user(admin_client, ops_role.id)
    with database.connection_context():
        total = AdminUser.select().count()
        first_two = list(AdminUser.select().order_by(AdminUser.id).limit(2))
    response = admin_client.get("/api/admin/settings/users", params={"per_page": 2})
    assert response.status_code == 200
    body = response.json()
    assert body["meta"] == {"currentPage": 1, "perPage": 2, "lastPage": -(-total // 2), "total": total,
                            "from": 1, "to": 2}
    assert [user["id"] for user in body["data"]] == [user.id for user in first_two]
    assert body["data"][0]["email"] == first_two[0].email
    page_two = admin_client.get("/api/admin/settings/users", params={"per_page": 2, "page": 2}).json()
    assert page_two["meta"]["from"] == 3 and page_two["data"][0]["id"] != first_two[0].id
    past = admin_client.get("/api/admin/settings/users", params={"page": 1000}).json()
    assert past["data"] == [] and past["meta"]["from"] is None and past["meta"]["to"] is None


def test_list_admin_users_query_count_is_constant(admin_client, ops_role):
    for _ in range(2):
        create_user(admin_client, ops_role.id)
    with count_queries() as small:
        assert len(admin_client.get("/api/admin/settings/users", params={"per_page": 1}).json()["data"]) == 1
    with count_queries() as large:
        assert len(admin_client.get("/api/admin/settings/users", params={"per_page": 50}).json()["data"]) > 2
    assert len(small) == len(large)


def test_update_admin_user_is_partial(admin_client, ops_role):
    user = create_user(admin_client, ops_role.id, name="Before")
    response = admin_client.put(f"/api/admin/settings/users/{user['id']}", json={"name": "Ops User (Updated)"})
    assert response.status_code == 200
    assert response.json() == {**user, "name": "Ops User (Updated)"}


def test_update_admin_user_password_needs_confirmation(admin_client, ops_role):
    user = create_user(admin_client, ops_role.id)
    url = f"/api/admin/settings/users/{user['id']}"
    refused = admin_client.put(url, json={"password": "new-secret"})
    assert refused.status_code == 422
    assert refused.json()["errors"] == {"password": ["The password field confirmation does not match."]}
    changed = admin_client.put(url, json={"password": "new-secret", "password_confirmation": "new-secret"})
    assert changed.status_code == 200
    with database.connection_context():
        assert verify_password(AdminUser.get_by_id(user["id"]).password, "new-secret")


def test_update_admin_user_email_must_stay_unique(admin_client, ops_role, super_admin):
    user = create_user(admin_client, ops_role.id)
    url = f"/api/admin/settings/users/{user['id']}"
    taken = admin_client.put(url, json={"email": super_admin[0].email})
    assert taken.status_code == 422 and taken.json()["errors"] == {"email": ["The email has already been taken."]}
    assert admin_client.put(url, json={"email": user["email"]}).status_code == 200  # its own email is fine


def test_update_unknown_admin_user_is_404(admin_client):
    response = admin_client.put("/api/admin/settings/users/999999", json={"name": "Ghost"})
    assert response.status_code == 404


def test_deactivating_an_admin_stops_its_tokens(admin_client, app):
    admin, raw = make_admin(["settings.users.view"], label="deactivated")
    assert admin_client.get("/api/admin/get", headers=bearer(raw)).status_code == 200
    assert admin_client.put(f"/api/admin/settings/users/{admin.id}", json={"status": 0}).json()["status"] == 0
    response = admin_client.get("/api/admin/get", headers=bearer(raw))
    assert response.status_code == 401 and response.json() == UNAUTHENTICATED


def test_delete_admin_user(admin_client):
    admin, raw = make_admin(["settings.users.view"], label="doomed")
    response = admin_client.delete(f"/api/admin/settings/users/{admin.id}")
    assert response.status_code == 200 and response.json() == {"message": "Admin deleted."}
    assert admin_client.get(f"/api/admin/settings/users/{admin.id}").status_code == 404
    assert admin_client.get("/api/admin/get", headers=bearer(raw)).status_code == 401
    with database.connection_context():
        assert not AdminToken.select().where(AdminToken.admin == admin.id).exists()


def test_delete_admin_user_refuses_self(admin_client, super_admin):
    response = admin_client.delete(f"/api/admin/settings/users/{super_admin[0].id}")
    assert response.status_code == 400
    assert response.json() == {"message": "You cannot delete your own account here; use delete-self.",
                                "error": "cannot_delete_self"}


def test_last_admin_guards():
    """With every other admin gone (in a rolled-back transaction) neither delete may remove the last one."""
    keeper, _ = make_admin(label="keeper")
    other, _ = make_admin(label="other")
    with database.connection_context(), database.atomic() as transaction:
        AdminToken.delete().where(AdminToken.admin != keeper.id).execute()
        AdminUser.delete().where(AdminUser.id.not_in([keeper.id, other.id])).execute()
        delete_admin_user(admin_context(keeper.id), other.id)
        with pytest.raises(ApiError) as refused:
            delete_admin_self(admin_context(keeper.id), {"password": PASSWORD})
        assert (refused.value.status, refused.value.error) == (400, "last_admin")
        transaction.rollback()


def test_delete_self(admin_client):
    admin, raw = make_admin([], label="leaver")
    wrong = admin_client.post("/api/admin/settings/users/delete-self", json={"password": "nope"}, headers=bearer(raw))
    assert wrong.status_code == 422
    assert wrong.json()["errors"] == {"password": ["The password is incorrect."]}
    missing = admin_client.post("/api/admin/settings/users/delete-self", json={}, headers=bearer(raw))
    assert missing.status_code == 422 and "password" in str(missing.json()["errors"])
    response = admin_client.post("/api/admin/settings/users/delete-self", json={"password": PASSWORD},
                                 headers=bearer(raw))
    assert response.status_code == 200
    assert response.json() == {"success": True, "message": "Your admin account has been deleted."}
    assert admin_client.get("/api/admin/get", headers=bearer(raw)).json() == UNAUTHENTICATED
    with database.connection_context():
        assert AdminUser.get_or_none(AdminUser.id == admin.id) is None


def test_profile(admin_client):
    role = make_role(["settings.users.view"], name="Support")
    admin, raw = make_admin(role=role, label="profile")
    response = admin_client.get("/api/admin/get", headers=bearer(raw))
    assert response.status_code == 200
    assert response.json() == [{"id": str(admin.id), "name": "Test profile", "email": admin.email, "image": None,
                                 "status": "1", "roleId": role.id, "roleName": "Support", "success": True,
                                 "message": None}]


def test_profile_needs_a_token(anonymous):
    response = anonymous.get("/api/admin/get")
    assert response.status_code == 401 and response.json() == UNAUTHENTICATED


# --- GraphQL ---------------------------------------------------------------------

USER_FIELDS = "id _id name email roleId status"


def test_graphql_admin_users_connection(admin_graphql):
    data = admin_graphql(f"query {{ adminSettingsUsers(first: 2) {{ edges {{ cursor node {{ {USER_FIELDS} }} }} "
                         "pageInfo { hasNextPage endCursor } totalCount } }")["data"]["adminSettingsUsers"]
    with database.connection_context():
        total = AdminUser.select().count()
        first = AdminUser.select().order_by(AdminUser.id).first()
    assert data["totalCount"] == total and len(data["edges"]) == 2
    assert data["edges"][0]["cursor"] == "MA=="
    assert data["edges"][0]["node"] == {"id": f"/api/admin/settings/users/{first.id}", "_id": first.id,
                                        "name": first.name, "email": first.email, "roleId": first.role_id,
                                        "status": 1}
    assert data["pageInfo"] == {"hasNextPage": total > 2, "endCursor": "MQ=="}


def test_graphql_admin_user_by_iri(admin_graphql, super_admin):
    admin = super_admin[0]
    iri = f"/api/admin/settings/users/{admin.id}"
    data = admin_graphql(f'query {{ adminSettingsUser(id: "{iri}") {{ {USER_FIELDS} }} }}')
    assert data["data"]["adminSettingsUser"]["email"] == admin.email
    missing = admin_graphql('query { adminSettingsUser(id: "/api/admin/settings/users/999999") { id } }')
    assert missing["data"]["adminSettingsUser"] is None
    assert missing["errors"][0]["extensions"]["code"] == "NOT_FOUND"


def test_graphql_create_update_delete_admin_user(admin_graphql, ops_role):
    email = unique_email("gql")
    created = admin_graphql(
        "mutation Create($input: createAdminSettingsUserInput!) { createAdminSettingsUser(input: $input) "
        "{ adminSettingsUser { id _id name email roleId status } clientMutationId } }",
        {"input": {"name": "Ops User", "email": email, "password": PASSWORD, "roleId": ops_role.id, "status": 1,
                   "clientMutationId": "c1"}})["data"]["createAdminSettingsUser"]
    user = created["adminSettingsUser"]
    assert created["clientMutationId"] == "c1"
    assert user == {"id": f"/api/admin/settings/users/{user['_id']}", "_id": user["_id"], "name": "Ops User",
                    "email": email, "roleId": ops_role.id, "status": 1}
    updated = admin_graphql(
        "mutation Update($input: updateAdminSettingsUserInput!) { updateAdminSettingsUser(input: $input) "
        "{ adminSettingsUser { id _id name } } }",
        {"input": {"id": user["id"], "name": "Ops User (Updated)"}})["data"]["updateAdminSettingsUser"]
    assert updated["adminSettingsUser"] == {"id": user["id"], "_id": user["_id"], "name": "Ops User (Updated)"}
    deleted = admin_graphql(
        "mutation Delete($input: deleteAdminSettingsUserInput!) { deleteAdminSettingsUser(input: $input) "
        "{ adminSettingsUser { id } } }", {"input": {"id": user["id"]}})
    assert "errors" not in deleted and deleted["data"] == {"deleteAdminSettingsUser": {"adminSettingsUser": None}}
    with database.connection_context():
        assert AdminUser.get_or_none(AdminUser.id == user["_id"]) is None


def test_graphql_create_admin_user_validation(admin_graphql, super_admin):
    result = admin_graphql(
        "mutation { createAdminSettingsUser(input: {name: \"X\", email: \"nope\", password: \"123\", roleId: 1}) "
        "{ adminSettingsUser { id } } }")
    error = result["errors"][0]
    assert result["data"]["createAdminSettingsUser"] is None
    assert error["extensions"]["code"] == "VALIDATION_FAILED"
    assert {"email", "password"} <= set(error["extensions"]["errors"])
    taken = admin_graphql(
        f'mutation {{ createAdminSettingsUser(input: {{name: "X", email: "{super_admin[0].email}", '
        f'password: "{PASSWORD}", roleId: {super_admin[0].role_id}}}) {{ adminSettingsUser {{ id }} }} }}')
    assert taken["errors"][0]["extensions"]["errors"] == {"email": ["The email has already been taken."]}


def test_graphql_delete_self(admin_graphql):
    admin, raw = make_admin([], label="gql-leaver")
    mutation = ("mutation DeleteSelf($input: createAdminSettingsUserDeleteSelfInput!) { "
                "createAdminSettingsUserDeleteSelf(input: $input) { "
                "adminSettingsUserDeleteSelf { success message } } }")
    wrong = admin_graphql(mutation, {"input": {"password": "wrong"}}, headers=bearer(raw))
    assert wrong["errors"][0]["extensions"]["errors"] == {"password": ["The password is incorrect."]}
    done = admin_graphql(mutation, {"input": {"password": PASSWORD}}, headers=bearer(raw))
    assert "errors" not in done and done["data"] == {"createAdminSettingsUserDeleteSelf": {"adminSettingsUserDeleteSelf": {
        "success": True, "message": "Your admin account has been deleted."}}}


def test_graphql_read_admin_profile(admin_graphql, super_admin):
    admin = super_admin[0]
    data = admin_graphql("query readAdminProfile { readAdminProfile { id name email image status roleId roleName "
                         "success } }")["data"]["readAdminProfile"]
    assert data == {"id": str(admin.id), "name": "Test super", "email": admin.email, "image": None, "status": "1",
                    "roleId": admin.role_id, "roleName": "Test all", "success": True}
