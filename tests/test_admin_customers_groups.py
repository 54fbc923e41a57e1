"""Admin customer groups over REST and GraphQL: system groups (guest, general, wholesale) refuse deletion
and code changes, groups in use refuse deletion, mass delete skips both with the documented reasons,
filters and the detail's customer count."""
import uuid

from storage.db import database
from storage.models import CustomerGroup
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.customer_fixtures import PASSWORD

BASE = "/api/admin/customers/groups"


def new_group(admin_client, name: str = "VIP") -> dict:
    response = admin_client.post(BASE, json={"code": f"vip_{uuid.uuid4().hex[:8]}", "name": name})
    assert response.status_code == 201, response.text
    return response.json()


def test_system_groups_are_listed_and_refuse_deletion(admin_client):
    system = admin_client.get(BASE, params={"is_user_defined": 0, "sort": "id", "order": "asc"}).json()
    assert [(row["id"], row["code"], row["isUserDefined"], row["customersCount"]) for row in system["data"]] == [
        (1, "guest", 0, None), (2, "general", 0, None), (3, "wholesale", 0, None)]
    refused = admin_client.delete(f"{BASE}/1")
    assert refused.status_code == 400
    assert refused.json() == {"message": "System group cannot be deleted", "error": "system_group"}
    code = admin_client.put(f"{BASE}/2", json={"code": "regular"})
    assert code.status_code == 422 and set(code.json()["errors"]) == {"code"}
    renamed = admin_client.put(f"{BASE}/3", json={"name": "Wholesale Tier A"})
    assert renamed.status_code == 200 and renamed.json()["name"] == "Wholesale Tier A"
    assert renamed.json()["code"] == "wholesale" and renamed.json()["isUserDefined"] == 0
    admin_client.put(f"{BASE}/3", json={"name": "Wholesale"})


def test_create_detail_count_and_in_use_guard(admin_client):
    group = new_group(admin_client)
    assert group["isUserDefined"] == 1 and group["customersCount"] == 0
    email = f"member-{uuid.uuid4().hex[:8]}@example.com"
    member = admin_client.post("/api/admin/customers", json={"first_name": "M", "last_name": "Ember", "email": email,
                                                             "customer_group_id": group["id"], "send_password": False,
                                                             "password": PASSWORD}).json()
    assert admin_client.get(f"{BASE}/{group['id']}").json()["customersCount"] == 1
    refused = admin_client.delete(f"{BASE}/{group['id']}")
    assert refused.json() == {"message": "Group has customers attached", "error": "group_in_use"}
    taken = admin_client.post(BASE, json={"code": group["code"], "name": "Again"})
    assert taken.status_code == 422 and set(taken.json()["errors"]) == {"code"}
    bad_code = admin_client.post(BASE, json={"code": "9lives", "name": "Cats"})
    assert bad_code.status_code == 422 and set(bad_code.json()["errors"]) == {"code"}
    admin_client.put(f"/api/admin/customers/{member['id']}", json={"customer_group_id": 2})
    assert admin_client.delete(f"{BASE}/{group['id']}").json() == {"message": "Customer group deleted."}
    assert admin_client.get(f"{BASE}/{group['id']}").status_code == 404


def test_mass_delete_skips_guarded_groups(admin_client):
    free, used = new_group(admin_client), new_group(admin_client)
    admin_client.post("/api/admin/customers", json={"first_name": "U", "last_name": "Sed",
                                                    "email": f"used-{uuid.uuid4().hex[:8]}@example.com",
                                                    "customer_group_id": used["id"], "send_password": False,
                                                    "password": PASSWORD})
    result = admin_client.post(f"{BASE}/mass-delete", json={"indices": [used["id"], free["id"], 1]}).json()
    assert result == {"deleted": [free["id"]], "skipped": [{"id": 1, "reason": "System group cannot be deleted"},
                                                           {"id": used["id"], "reason": "Group has customers attached"}],
                      "message": "Customer groups processed."}
    assert admin_client.post(f"{BASE}/mass-delete", json={"indices": []}).status_code == 422
    with database.connection_context():
        assert CustomerGroup.select().where(CustomerGroup.id.in_([1, 2, 3])).count() == 3


def test_filters(admin_client):
    group = new_group(admin_client, name="Filtered Gold")
    by_name = admin_client.get(BASE, params={"name": "filtered gold"}).json()["data"]
    assert [row["id"] for row in by_name] == [group["id"]]
    by_code = admin_client.get(BASE, params={"code": group["code"][4:], "is_user_defined": 1}).json()["data"]
    assert [row["id"] for row in by_code] == [group["id"]]


def test_graphql_groups(admin_graphql):
    code = f"gql_{uuid.uuid4().hex[:8]}"
    created = admin_graphql("""mutation($input: createAdminCustomerGroupInput!) {
        createAdminCustomerGroup(input: $input) { adminCustomerGroup { id _id code name isUserDefined } } }""",
                            {"input": {"code": code, "name": "VIP"}})["data"]
    node = created["createAdminCustomerGroup"]["adminCustomerGroup"]
    assert node["id"] == f"/api/admin/customers/groups/{node['_id']}" and node["isUserDefined"] == 1
    detail = admin_graphql("query($id: ID!) { adminCustomerGroup(id: $id) { code customersCount } }",
                           {"id": node["id"]})["data"]
    assert detail["adminCustomerGroup"] == {"code": code, "customersCount": 0}
    updated = admin_graphql("""mutation($input: updateAdminCustomerGroupInput!) {
        updateAdminCustomerGroup(input: $input) { adminCustomerGroup { name } } }""",
                            {"input": {"id": node["id"], "name": "VIP Plus"}})["data"]
    assert updated["updateAdminCustomerGroup"]["adminCustomerGroup"]["name"] == "VIP Plus"
    refused = admin_graphql("""mutation($input: deleteAdminCustomerGroupInput!) {
        deleteAdminCustomerGroup(input: $input) { adminCustomerGroup { id } } }""",
                            {"input": {"id": "/api/admin/customers/groups/2"}})
    assert refused["errors"][0]["message"] == "System group cannot be deleted"
    assert refused["errors"][0]["extensions"]["code"] == "SYSTEM_GROUP"
    mass = admin_graphql("""mutation($input: createAdminCustomerGroupMassDeleteInput!) {
        createAdminCustomerGroupMassDelete(input: $input) { adminCustomerGroupMassDelete { deleted skipped message } } }""",
                         {"input": {"indices": [node["_id"], 3]}})["data"]
    assert mass["createAdminCustomerGroupMassDelete"]["adminCustomerGroupMassDelete"] == {
        "deleted": [node["_id"]], "skipped": [{"id": 3, "reason": "System group cannot be deleted"}],
        "message": "Customer groups processed."}
    listed = admin_graphql("{ adminCustomerGroups(first: 3, is_user_defined: 0, order: \"asc\") { totalCount } }")
    assert listed["data"]["adminCustomerGroups"]["totalCount"] == 3
