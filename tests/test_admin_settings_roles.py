"""Admin roles over REST (/api/admin/settings/roles) and admin GraphQL; role changes reach tokens."""
import pytest

from handlers.admin.settings.roles import delete_admin_role
from domain.errors import ApiError
from storage.admin_models import AdminRole, AdminToken, AdminUser
from storage.db import database
from tests.admin_fixtures import (  # noqa: F401 (fixtures)
    FORBIDDEN, admin_client, admin_context, admin_graphql, bearer, make_admin, make_role, super_admin,
)
from tests.helpers import count_queries

CATALOG_MANAGER = {"name": "Catalog Manager", "description": "Can manage catalog only", "permission_type": "custom",
                   "permissions": ["catalog.products.view", "catalog.products.edit"]}


def create_role(admin_client, **fields) -> dict:
    response = admin_client.post("/api/admin/settings/roles", json={**CATALOG_MANAGER, **fields})
    assert response.status_code == 201, response.text
    return response.json()


def test_create_custom_role(admin_client):
    role = create_role(admin_client)
    assert role == {"id": role["id"], "name": "Catalog Manager", "description": "Can manage catalog only",
                    "permissionType": "custom", "permissions": ["catalog.products.edit", "catalog.products.view"]}


def test_create_all_role_stores_no_permissions(admin_client):
    role = create_role(admin_client, name="Administrator", description="Full access", permission_type="all",
                       permissions=["ignored.key"])
    assert role["permissionType"] == "all" and role["permissions"] is None


def test_create_role_validation(admin_client):
    missing = admin_client.post("/api/admin/settings/roles", json={"name": "Empty"})
    assert missing.status_code == 422
    assert {"description", "permission_type"} <= set(missing.json()["errors"]) or "body" in missing.json()["errors"]
    no_keys = admin_client.post("/api/admin/settings/roles", json={**CATALOG_MANAGER, "permissions": []})
    assert no_keys.status_code == 422
    assert no_keys.json()["errors"] == {
        "permissions": ["The permissions field is required when permission type is custom."]}
    bad_type = admin_client.post("/api/admin/settings/roles", json={**CATALOG_MANAGER, "permission_type": "some"})
    assert bad_type.status_code == 422 and "permission_type" in bad_type.json()["errors"]
    bad_key = admin_client.post("/api/admin/settings/roles", json={**CATALOG_MANAGER, "permissions": ["Not A Key"]})
    assert bad_key.status_code == 422


def test_a_caller_cannot_grant_more_than_it_has(admin_client):
    _, raw = make_admin(["settings.roles.create", "settings.roles.edit", "settings.roles.view"], label="roles")
    wide = admin_client.post("/api/admin/settings/roles", json={**CATALOG_MANAGER, "permission_type": "all"},
                             headers=bearer(raw))
    assert wide.status_code == 422
    assert wide.json()["errors"] == {"permissions": ["A role cannot grant more than the calling token may do."]}
    assert admin_client.post("/api/admin/settings/roles", json=CATALOG_MANAGER, headers=bearer(raw)).status_code == 422
    narrow = admin_client.post("/api/admin/settings/roles", headers=bearer(raw), json={
        **CATALOG_MANAGER, "permissions": ["settings.roles.view"]})
    assert narrow.status_code == 201
    widen = admin_client.put(f"/api/admin/settings/roles/{narrow.json()['id']}", headers=bearer(raw),
                             json={"permissions": ["settings.roles.view", "settings.users.delete"]})
    assert widen.status_code == 422


def test_get_role_and_not_found(admin_client):
    role = create_role(admin_client, name="Viewer", permissions=["settings.roles.view"])
    assert admin_client.get(f"/api/admin/settings/roles/{role['id']}").json() == role
    missing = admin_client.get("/api/admin/settings/roles/999999")
    assert missing.status_code == 404 and missing.json() == {"message": "Role not found", "error": "not_found"}


def test_list_roles_envelope(admin_client):
    create_role(admin_client)
    create_role(admin_client, name="Second")
    with database.connection_context():
        total = AdminRole.select().count()
        first = AdminRole.select().order_by(AdminRole.id).first()
    body = admin_client.get("/api/admin/settings/roles", params={"per_page": 1}).json()
    assert body["meta"] == {"currentPage": 1, "perPage": 1, "lastPage": total, "total": total, "from": 1, "to": 1}
    assert body["data"][0]["id"] == first.id and body["data"][0]["name"] == first.name


def test_list_roles_query_count_is_constant(admin_client):
    create_role(admin_client)
    create_role(admin_client)
    with count_queries() as small:
        admin_client.get("/api/admin/settings/roles", params={"per_page": 1})
    with count_queries() as large:
        assert len(admin_client.get("/api/admin/settings/roles", params={"per_page": 50}).json()["data"]) > 2
    assert len(small) == len(large)


def test_update_role(admin_client):
    role = create_role(admin_client)
    response = admin_client.put(f"/api/admin/settings/roles/{role['id']}", json={
        "name": "Catalog Manager+", "description": "Updated", "permission_type": "custom",
        "permissions": ["catalog.products.view", "catalog.products.edit", "catalog.categories.view"]})
    assert response.status_code == 200
    assert response.json() == {"id": role["id"], "name": "Catalog Manager+", "description": "Updated",
                               "permissionType": "custom", "permissions": [
                                   "catalog.categories.view", "catalog.products.edit", "catalog.products.view"]}
    renamed = admin_client.put(f"/api/admin/settings/roles/{role['id']}", json={"name": "Only name"}).json()
    assert renamed["name"] == "Only name" and renamed["permissions"] == response.json()["permissions"]
    to_all = admin_client.put(f"/api/admin/settings/roles/{role['id']}", json={"permission_type": "all"}).json()
    assert to_all["permissionType"] == "all" and to_all["permissions"] is None
    back = admin_client.put(f"/api/admin/settings/roles/{role['id']}", json={"permission_type": "custom"})
    assert back.status_code == 422 and "permissions" in back.json()["errors"]


def test_role_changes_reach_tokens(admin_client):
    """same_as_web and all follow the role; custom keeps its subset, narrowed to the role."""
    role = make_role(["settings.roles.view", "settings.users.view"], name="Changing")
    _, follows = make_admin(role=role, label="follows", permission_mode="same_as_web")
    _, frozen = make_admin(role=role, label="frozen", permission_mode="custom",
                           permissions=["settings.roles.view", "settings.users.view"])
    assert admin_client.get("/api/admin/settings/roles", headers=bearer(follows)).status_code == 200
    assert admin_client.post("/api/admin/settings/roles", json=CATALOG_MANAGER,
                             headers=bearer(follows)).json() == FORBIDDEN
    admin_client.put(f"/api/admin/settings/roles/{role.id}",
                     json={"permissions": ["settings.users.view", "settings.roles.create"]})
    assert admin_client.post("/api/admin/settings/roles", json={**CATALOG_MANAGER, "permissions": [
        "settings.users.view"]}, headers=bearer(follows)).status_code == 201
    assert admin_client.get("/api/admin/settings/roles", headers=bearer(follows)).status_code == 403
    # custom: roles.create was never frozen onto the token; roles.view was, but the role dropped it
    assert admin_client.post("/api/admin/settings/roles", json=CATALOG_MANAGER,
                             headers=bearer(frozen)).status_code == 403
    assert admin_client.get("/api/admin/settings/roles", headers=bearer(frozen)).status_code == 403
    assert admin_client.get("/api/admin/settings/users", headers=bearer(frozen)).status_code == 200


def test_delete_role(admin_client):
    role = create_role(admin_client, name="Temporary")
    response = admin_client.delete(f"/api/admin/settings/roles/{role['id']}")
    assert response.status_code == 200 and response.json() == {"message": "Role deleted."}
    assert admin_client.get(f"/api/admin/settings/roles/{role['id']}").status_code == 404


def test_delete_role_in_use(admin_client, super_admin):
    response = admin_client.delete(f"/api/admin/settings/roles/{super_admin[0].role_id}")
    assert response.status_code == 400
    assert response.json() == {"message": "This role is assigned to one or more admins and cannot be deleted.",
                               "error": "role_in_use"}


def test_delete_last_role():
    keeper = make_role(["settings.roles.view"], name="Last")
    with database.connection_context(), database.atomic() as transaction:
        AdminToken.delete().execute()
        AdminUser.delete().execute()
        AdminRole.delete().where(AdminRole.id != keeper.id).execute()
        with pytest.raises(ApiError) as refused:
            delete_admin_role(admin_context(0), keeper.id)
        assert (refused.value.status, refused.value.error) == (400, "last_role")
        transaction.rollback()


# --- GraphQL ---------------------------------------------------------------------

def test_graphql_roles_connection_and_detail(admin_graphql):
    with database.connection_context():
        total = AdminRole.select().count()
        first = AdminRole.select().order_by(AdminRole.id).first()
    data = admin_graphql("query { adminSettingsRoles(first: 1) { edges { cursor node { id _id name description "
                         "permissionType } } pageInfo { hasNextPage endCursor } totalCount } }")["data"]
    connection = data["adminSettingsRoles"]
    assert connection["totalCount"] == total
    assert connection["edges"] == [{"cursor": "MA==", "node": {
        "id": f"/api/admin/settings/roles/{first.id}", "_id": first.id, "name": first.name,
        "description": first.description, "permissionType": first.permission_type}}]
    detail = admin_graphql(f'query {{ adminSettingsRole(id: "/api/admin/settings/roles/{first.id}") '
                           '{ id _id name permissionType permissions } }')["data"]["adminSettingsRole"]
    assert detail["_id"] == first.id and detail["permissionType"] == first.permission_type


def test_graphql_role_mutations(admin_graphql):
    created = admin_graphql(
        "mutation Create($input: createAdminSettingsRoleInput!) { createAdminSettingsRole(input: $input) "
        "{ adminSettingsRole { id _id name permissionType permissions } } }",
        {"input": {"name": "Catalog Manager", "description": "Catalog only", "permissionType": "custom",
                   "permissions": ["catalog.products.view", "catalog.products.edit"]}})
    role = created["data"]["createAdminSettingsRole"]["adminSettingsRole"]
    assert role == {"id": f"/api/admin/settings/roles/{role['_id']}", "_id": role["_id"], "name": "Catalog Manager",
                    "permissionType": "custom", "permissions": ["catalog.products.edit", "catalog.products.view"]}
    updated = admin_graphql(
        "mutation Update($input: updateAdminSettingsRoleInput!) { updateAdminSettingsRole(input: $input) "
        "{ adminSettingsRole { id _id name } } }",
        {"input": {"id": role["id"], "name": "Catalog Manager+", "description": "Updated",
                   "permissionType": "custom", "permissions": ["catalog.products.view"]}})
    assert updated["data"]["updateAdminSettingsRole"]["adminSettingsRole"]["name"] == "Catalog Manager+"
    deleted = admin_graphql(
        "mutation Delete($input: deleteAdminSettingsRoleInput!) { deleteAdminSettingsRole(input: $input) "
        "{ adminSettingsRole { id } } }", {"input": {"id": role["id"]}})
    assert "errors" not in deleted and deleted["data"] == {"deleteAdminSettingsRole": {"adminSettingsRole": None}}


def test_graphql_role_validation(admin_graphql):
    result = admin_graphql('mutation { createAdminSettingsRole(input: {name: "X", description: "Y", '
                           'permissionType: "custom"}) { adminSettingsRole { id } } }')
    assert result["errors"][0]["extensions"]["errors"] == {
        "permissions": ["The permissions field is required when permission type is custom."]}
    bad_type = admin_graphql('mutation { createAdminSettingsRole(input: {name: "X", description: "Y", '
                             'permissionType: "everything"}) { adminSettingsRole { id } } }')
    assert "permissionType" in bad_type["errors"][0]["extensions"]["errors"]
