"""Role and user hierarchy (docs/security.md, "Admin role hierarchy"): the attacks that demoted the
Administrator role and re-credentialed full administrators, over REST and admin GraphQL, the last full
administrator guard, and `specshop admin create` restoring full access."""
import os
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from domain.access import (
    HIERARCHY_OWN_ROLE, HIERARCHY_WIDER_ADMIN, HIERARCHY_WIDER_ROLE, LAST_FULL_ADMIN, authenticate_admin_token,
    create_admin_with_token, verify_password,
)
from handlers.admin.settings.roles import update_admin_role
from domain.errors import ApiError
from storage.admin_models import AdminRole, AdminUser
from storage.db import database
from tests.admin_fixtures import (  # noqa: F401 (fixtures)
    PASSWORD, admin_client, admin_context, admin_graphql, bearer, make_admin, make_role, super_admin, unique_email,
)

ROOT = Path(__file__).resolve().parent.parent
WIDER_ROLE = {"message": HIERARCHY_WIDER_ROLE, "error": "role_hierarchy"}
OWN_ROLE = {"message": HIERARCHY_OWN_ROLE, "error": "role_hierarchy"}
WIDER_ADMIN = {"message": HIERARCHY_WIDER_ADMIN, "error": "role_hierarchy"}
LAST_FULL = {"message": LAST_FULL_ADMIN, "error": "last_full_admin"}
UPDATE_ROLE = ("mutation U($input: updateAdminSettingsRoleInput!) { updateAdminSettingsRole(input: $input) "
               "{ adminSettingsRole { id permissionType } } }")
DELETE_ROLE = ("mutation D($input: deleteAdminSettingsRoleInput!) { deleteAdminSettingsRole(input: $input) "
               "{ adminSettingsRole { id } } }")
UPDATE_USER = ("mutation U($input: updateAdminSettingsUserInput!) { updateAdminSettingsUser(input: $input) "
               "{ adminSettingsUser { id status email } } }")
DELETE_USER = ("mutation D($input: deleteAdminSettingsUserInput!) { deleteAdminSettingsUser(input: $input) "
               "{ adminSettingsUser { id } } }")


def stored_role(role_id: int) -> AdminRole:
    with database.connection_context():
        return AdminRole.get_by_id(role_id)


def stored_admin(admin_id: int) -> AdminUser | None:
    with database.connection_context():
        return AdminUser.get_or_none(AdminUser.id == admin_id)


def graphql_error(result: dict) -> dict:
    error = result["errors"][0]
    return {"message": error["message"], "code": error["extensions"]["code"], "status": error["extensions"]["status"]}


@pytest.fixture
def full_admin():
    """A full administrator (an `all` role held by it alone) and its token."""
    role = make_role("all", name="Administrator under attack")
    admin, raw = make_admin(role=role, label="full")
    return admin, raw, role


# --- roles -------------------------------------------------------------------------------------------

def test_roles_edit_alone_cannot_demote_a_full_access_role(admin_client, full_admin):
    """The reported attack: PUT {"permission_type": "custom", "permissions": ["settings.roles.view"]}."""
    admin, raw, role = full_admin
    _, attacker = make_admin(["settings.roles.edit"], label="roles-edit")
    attack = admin_client.put(f"/api/admin/settings/roles/{role.id}", headers=bearer(attacker),
                              json={"permission_type": "custom", "permissions": ["settings.roles.view"]})
    assert attack.status_code == 403 and attack.json() == WIDER_ROLE
    kept = stored_role(role.id)
    assert (kept.permission_type, kept.permissions) == ("all", None)
    assert admin_client.get("/api/admin/settings/users", headers=bearer(raw)).status_code == 200
    renamed = admin_client.put(f"/api/admin/settings/roles/{role.id}", headers=bearer(attacker), json={"name": "x"})
    assert renamed.status_code == 403 and stored_role(role.id).name == "Administrator under attack"


def test_no_admin_can_change_the_role_it_holds(admin_client):
    role = make_role(["settings.roles.edit", "settings.roles.view", "settings.roles.delete"], name="Role keeper")
    _, raw = make_admin(role=role, label="self-role")
    narrowed = admin_client.put(f"/api/admin/settings/roles/{role.id}", headers=bearer(raw),
                                json={"permissions": ["settings.roles.view"]})
    assert narrowed.status_code == 403 and narrowed.json() == OWN_ROLE
    assert stored_role(role.id).permissions == ["settings.roles.delete", "settings.roles.edit", "settings.roles.view"]
    deleted = admin_client.delete(f"/api/admin/settings/roles/{role.id}", headers=bearer(raw))
    assert deleted.status_code == 400 and deleted.json()["error"] == "role_in_use"
    full, full_raw = make_admin("all", label="full-self-role")
    own_full = admin_client.put(f"/api/admin/settings/roles/{full.role_id}", headers=bearer(full_raw),
                                json={"permission_type": "custom", "permissions": ["settings.roles.view"]})
    assert own_full.status_code == 403 and own_full.json() == OWN_ROLE
    assert stored_role(full.role_id).permission_type == "all"


def test_a_role_granting_more_than_the_caller_cannot_be_changed_or_deleted(admin_client):
    wider = make_role(["catalog.products.edit", "settings.roles.view"], name="Wider, unused")
    narrower = make_role(["settings.roles.view"], name="Narrower, unused")
    _, raw = make_admin(["settings.roles.edit", "settings.roles.delete", "settings.roles.view"], label="roles-mgr")
    changed = admin_client.put(f"/api/admin/settings/roles/{wider.id}", headers=bearer(raw),
                               json={"permissions": ["settings.roles.view"]})
    assert changed.status_code == 403 and changed.json() == WIDER_ROLE
    deleted = admin_client.delete(f"/api/admin/settings/roles/{wider.id}", headers=bearer(raw))
    assert deleted.status_code == 403 and deleted.json() == WIDER_ROLE
    assert stored_role(wider.id).permissions == ["catalog.products.edit", "settings.roles.view"]
    allowed = admin_client.put(f"/api/admin/settings/roles/{narrower.id}", headers=bearer(raw),
                               json={"permissions": ["settings.roles.view", "settings.roles.edit"]})
    assert allowed.status_code == 200 and allowed.json()["permissions"] == ["settings.roles.edit", "settings.roles.view"]
    assert admin_client.delete(f"/api/admin/settings/roles/{narrower.id}", headers=bearer(raw)).status_code == 200


def test_graphql_role_mutations_follow_the_hierarchy(admin_graphql, full_admin):
    _, raw, role = full_admin
    _, attacker = make_admin(["settings.roles.edit", "settings.roles.delete"], label="gql-roles")
    iri = f"/api/admin/settings/roles/{role.id}"
    demoted = admin_graphql(UPDATE_ROLE, {"input": {"id": iri, "permissionType": "custom",
                                                    "permissions": ["settings.roles.view"]}}, headers=bearer(attacker))
    assert demoted["data"]["updateAdminSettingsRole"] is None
    assert graphql_error(demoted) == {"message": HIERARCHY_WIDER_ROLE, "code": "ROLE_HIERARCHY", "status": 403}
    removed = admin_graphql(DELETE_ROLE, {"input": {"id": iri}}, headers=bearer(attacker))
    assert removed["errors"][0]["extensions"]["status"] == 400  # still held by its admin: role_in_use first
    assert stored_role(role.id).permission_type == "all"


# --- users -------------------------------------------------------------------------------------------

def test_users_edit_cannot_deactivate_or_recredential_a_full_administrator(admin_client, full_admin):
    admin, raw, _ = full_admin
    _, attacker = make_admin(["settings.users.edit", "settings.users.view", "settings.users.delete"], label="hr")
    url = f"/api/admin/settings/users/{admin.id}"
    for body in ({"status": 0}, {"email": unique_email("taken-over")},
                 {"password": "attacker-pass", "password_confirmation": "attacker-pass"}, {"name": "Renamed"}):
        refused = admin_client.put(url, headers=bearer(attacker), json=body)
        assert refused.status_code == 403 and refused.json() == WIDER_ADMIN, body
    deleted = admin_client.delete(url, headers=bearer(attacker))
    assert deleted.status_code == 403 and deleted.json() == WIDER_ADMIN
    kept = stored_admin(admin.id)
    assert kept.status is True and kept.email == admin.email and kept.name == admin.name
    assert verify_password(kept.password, PASSWORD) and not verify_password(kept.password, "attacker-pass")
    assert admin_client.get("/api/admin/settings/roles", headers=bearer(raw)).status_code == 200


def test_users_edit_cannot_touch_an_admin_with_any_permission_it_lacks(admin_client):
    peer, _ = make_admin(["settings.users.view", "catalog.products.view"], label="peer")
    below, _ = make_admin(["settings.users.view"], label="below")
    _, raw = make_admin(["settings.users.edit", "settings.users.view"], label="editor")
    refused = admin_client.put(f"/api/admin/settings/users/{peer.id}", headers=bearer(raw), json={"status": 0})
    assert refused.status_code == 403 and refused.json() == WIDER_ADMIN
    assert stored_admin(peer.id).status is True
    allowed = admin_client.put(f"/api/admin/settings/users/{below.id}", headers=bearer(raw), json={"status": 0})
    assert allowed.status_code == 200 and allowed.json()["status"] == 0


def test_a_narrowed_token_cannot_act_on_the_wider_role_of_its_own_admin(admin_client):
    admin, raw = make_admin(["settings.users.edit", "settings.users.view", "catalog.products.edit"], label="narrow",
                            permission_mode="custom", permissions=["settings.users.edit", "settings.users.view"])
    refused = admin_client.put(f"/api/admin/settings/users/{admin.id}", headers=bearer(raw),
                               json={"password": "changed-pass", "password_confirmation": "changed-pass"})
    assert refused.status_code == 403 and refused.json() == WIDER_ADMIN
    assert verify_password(stored_admin(admin.id).password, PASSWORD)


def test_graphql_user_mutations_follow_the_hierarchy(admin_graphql, full_admin):
    admin, _, _ = full_admin
    _, attacker = make_admin(["settings.users.edit", "settings.users.delete"], label="gql-hr")
    iri = f"/api/admin/settings/users/{admin.id}"
    deactivated = admin_graphql(UPDATE_USER, {"input": {"id": iri, "status": 0}}, headers=bearer(attacker))
    assert deactivated["data"]["updateAdminSettingsUser"] is None
    assert graphql_error(deactivated) == {"message": HIERARCHY_WIDER_ADMIN, "code": "ROLE_HIERARCHY", "status": 403}
    new_email = admin_graphql(UPDATE_USER, {"input": {"id": iri, "email": unique_email("gql-taken")}},
                              headers=bearer(attacker))
    assert graphql_error(new_email)["code"] == "ROLE_HIERARCHY"
    deleted = admin_graphql(DELETE_USER, {"input": {"id": iri}}, headers=bearer(attacker))
    assert graphql_error(deleted) == {"message": HIERARCHY_WIDER_ADMIN, "code": "ROLE_HIERARCHY", "status": 403}
    kept = stored_admin(admin.id)
    assert kept.status is True and kept.email == admin.email


# --- the last full administrator ---------------------------------------------------------------------

@pytest.fixture
def only_full_admin():
    """(admin, raw token): every other active full administrator is deactivated for the test."""
    admin, raw = make_admin("all", label="last-full")
    with database.connection_context():
        others = [row.id for row in AdminUser.select(AdminUser.id).join(AdminRole)
                  .where(AdminUser.status == True, AdminRole.permission_type == "all",  # noqa: E712
                         AdminUser.id != admin.id)]
        AdminUser.update(status=False).where(AdminUser.id.in_(others)).execute()
    try:
        yield admin, raw
    finally:
        with database.connection_context():
            AdminUser.update(status=True).where(AdminUser.id.in_(others)).execute()


def test_the_last_full_administrator_cannot_deactivate_demote_or_delete_itself(anonymous, only_full_admin):
    admin, raw = only_full_admin
    url = f"/api/admin/settings/users/{admin.id}"
    narrow = make_role(["settings.users.view"], name="Narrow target")
    for body in ({"status": 0}, {"role_id": narrow.id}):
        refused = anonymous.put(url, headers=bearer(raw), json=body)
        assert refused.status_code == 400 and refused.json() == LAST_FULL, body
    gone = anonymous.post("/api/admin/settings/users/delete-self", headers=bearer(raw), json={"password": PASSWORD})
    assert gone.status_code == 400 and gone.json() == LAST_FULL
    kept = stored_admin(admin.id)
    assert kept.status is True and kept.role_id == admin.role_id
    assert anonymous.put(url, headers=bearer(raw), json={"name": "Still in charge"}).json()["name"] == "Still in charge"
    # with a second full administrator, the first may step down
    second, _ = make_admin("all", label="second-full")
    assert anonymous.put(url, headers=bearer(raw), json={"role_id": narrow.id}).status_code == 200
    assert stored_admin(second.id).status is True


def test_narrowing_the_role_of_the_last_full_administrators_is_refused():
    """Only reachable in a race (a caller able to narrow an `all` role is itself a full administrator),
    so the guard is checked on the handler, in a rolled-back transaction."""
    role = make_role("all", name="Last all role")
    holder, _ = make_admin(role=role, label="holder")
    with database.connection_context(), database.atomic() as transaction:
        (AdminUser.update(status=False)
         .where(AdminUser.id != holder.id).execute())
        with pytest.raises(ApiError) as refused:
            update_admin_role(admin_context(0), role.id, {"permission_type": "custom",
                                                          "permissions": ["settings.roles.view"]})
        assert (refused.value.status, refused.value.body()) == (400, LAST_FULL)
        assert AdminRole.get_by_id(role.id).permission_type == "all"
        transaction.rollback()


def test_two_full_administrators_deactivating_each_other_at_once_leave_one(app, only_full_admin):
    """The concurrent variant of the attack: both requests pass the checks, the guard's lock lets only
    one through (PostgreSQL row locks, SQLite BEGIN IMMEDIATE)."""
    first, first_raw = only_full_admin
    for _ in range(3):
        second, second_raw = make_admin("all", label="rival")
        statuses = {}

        def deactivate(name, raw, target):
            statuses[name] = TestClient(app).put(f"/api/admin/settings/users/{target}", headers=bearer(raw),
                                                 json={"status": 0}).status_code

        threads = [threading.Thread(target=deactivate, args=("first", first_raw, second.id)),
                   threading.Thread(target=deactivate, args=("second", second_raw, first.id))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        with database.connection_context():
            active_full = (AdminUser.select().join(AdminRole)
                           .where(AdminUser.status == True, AdminRole.permission_type == "all")  # noqa: E712
                           .where(AdminUser.id.in_([first.id, second.id])).count())
        assert active_full == 1, statuses
        assert sorted(statuses.values()) in ([200, 400], [200, 401]), statuses
        with database.connection_context():  # the next round starts from `first` again
            AdminUser.update(status=True).where(AdminUser.id == first.id).execute()
            AdminUser.update(status=False).where(AdminUser.id == second.id).execute()


# --- specshop admin create ---------------------------------------------------------------------------

def test_admin_create_restores_a_demoted_administrator_role():
    with database.connection_context(), database.atomic() as transaction:
        AdminRole.update(name="Administrator (earlier)").where(AdminRole.name == "Administrator").execute()
        demoted = AdminRole.create(name="Administrator", description="Full access", permission_type="custom",
                                   permissions=["settings.roles.view"])
        locked_out = AdminUser.create(name="Locked out", email=unique_email("locked"), password="x", role=demoted)
        admin, raw = create_admin_with_token("Restorer", unique_email("restorer"), "restore-secret")
        assert admin.role_id == demoted.id
        restored = AdminRole.get_by_id(demoted.id)
        assert (restored.permission_type, restored.permissions) == ("all", None)
        assert authenticate_admin_token(raw, "203.0.113.5")["permissions"] == "all"
        assert AdminUser.get_by_id(locked_out.id).role.permission_type == "all"
        transaction.rollback()


def test_admin_create_command_after_the_attack(tmp_path):
    url = f"sqlite:///{tmp_path}/cli.db"
    environment = {**os.environ, "DATABASE_URL": url}

    def specshop(*args):
        return subprocess.run([sys.executable, "-m", "server.cli", *args], cwd=ROOT, env=environment,
                              capture_output=True, text=True, timeout=120)

    assert specshop("migrate").returncode == 0
    first = specshop("admin", "create", "--name", "Owner", "--email", "owner@example.com", "--password", "owner-pass")
    assert first.returncode == 0 and "restored" not in first.stdout
    with sqlite3.connect(tmp_path / "cli.db") as connection:  # what the attack left behind
        connection.execute("UPDATE admin_role SET permission_type = 'custom', permissions = '[\"settings.roles.view\"]'"
                           " WHERE name = 'Administrator'")
    again = specshop("admin", "create", "--name", "Rescuer", "--email", "rescuer@example.com", "--password", "rescue-pw")
    assert again.returncode == 0, again.stderr
    assert "restored role #1 'Administrator' to full access (it had been narrowed to: settings.roles.view)" in again.stdout
    with sqlite3.connect(tmp_path / "cli.db") as connection:
        roles = connection.execute("SELECT id, permission_type, permissions FROM admin_role").fetchall()
        admins = connection.execute("SELECT email, role_id FROM admin_user ORDER BY id").fetchall()
    assert roles == [(1, "all", None)]
    assert admins == [("owner@example.com", 1), ("rescuer@example.com", 1)]
    taken = specshop("admin", "create", "--name", "Twin", "--email", "owner@example.com", "--password", "twin-pass")
    assert taken.returncode == 1 and "already exists" in taken.stdout
