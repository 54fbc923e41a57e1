"""The audit trail: admin writes over REST and GraphQL recorded with their actor, entity, action, the
changed fields before and after (secrets never stored), request id and operation; mass actions one
entry per row; failed and rolled-back writes leave none; reads write none; the list filters, one
entity's history, the permission, and impersonation recorded."""
import datetime
import json
import uuid

import pytest
from peewee import fn

from domain.audit import recording
from domain.jobs import run_queued
from storage.audit_models import AuditEntry
from storage.customer_care_models import GdprDataRequest
from storage.customer_models import CustomerAddress
from storage.db import database
from storage.models import Product
from tests.admin_fixtures import FORBIDDEN, admin_client, admin_context, admin_graphql, bearer, make_admin, super_admin  # noqa: F401
from tests.customer_fixtures import register
from tests.product_fixtures import media_root  # noqa: F401 (fixture)
from tests.test_admin_settings_data_transfer_imports import BASE as IMPORTS, PRODUCT_HEADER, clean_imports, upload  # noqa: F401

AUDIT = "/api/admin/platform/audit"
PRODUCTS = "/api/admin/catalog/products"


def request_id() -> str:
    return f"audit-{uuid.uuid4().hex}"


def last_entry() -> int:
    """The newest entry's id: keys are used again once deleted, so a test reads the entries after it."""
    with database.connection_context():
        return AuditEntry.select(fn.MAX(AuditEntry.id)).scalar() or 0


def entries(since: int = 0, **where) -> list[dict]:
    with database.connection_context():
        query = AuditEntry.select().where(AuditEntry.id > since).order_by(AuditEntry.id)
        for name, value in where.items():
            query = query.where(getattr(AuditEntry, name) == value)
        return list(query.dicts())


@pytest.fixture
def created(admin_client):
    made = []

    def create(sku: str, **body):
        response = admin_client.post(PRODUCTS, json={"attribute_family_id": 1, "type": "simple",
                                                     "sku": f"{sku}-{uuid.uuid4().hex[:6]}", **body})
        assert response.status_code == 201, response.text
        made.append(response.json()["id"])
        return response.json()

    yield create
    with database.connection_context():
        Product.delete().where(Product.id.in_(made)).execute()


def fill(admin_client, product_id: int, name: str, price: str):
    response = admin_client.put(f"{PRODUCTS}/{product_id}", json={"name": name, "price": price,
                                                                   "url_key": f"audit-{uuid.uuid4().hex[:8]}"})
    assert response.status_code == 200, response.text


def test_a_rest_product_update_shows_the_changed_fields_before_and_after(admin_client, super_admin, created):
    product = created("t-audit-rest")
    fill(admin_client, product["id"], "Audit Shirt", "10.00")
    rid = request_id()
    response = admin_client.put(f"{PRODUCTS}/{product['id']}", json={"price": "12.50", "name": "Audit Shirt Blue"},
                                headers={"X-Request-Id": rid})
    assert response.status_code == 200, response.text
    [entry] = entries(request_id=rid)
    assert (entry["entity_type"], entry["entity_id"], entry["action"], entry["operation"]) == (
        "product", str(product["id"]), "updated", "updateAdminCatalogProduct")
    assert entry["changes"] == {
        "price": {"before": "10.0000", "after": "12.5000"},
        "min_price": {"before": "10.0000", "after": "12.5000"},
        "max_price": {"before": "10.0000", "after": "12.5000"},
        "translations.en.name": {"before": "Audit Shirt", "after": "Audit Shirt Blue"}}
    admin, _raw = super_admin
    assert (entry["actor_type"], entry["actor_name"], entry["admin_user_id"], entry["admin_email"]) == (
        "integration_token", "super token", admin.id, admin.email)
    document = admin_client.get(f"{AUDIT}/{entry['id']}").json()
    assert document == {"id": entry["id"], "entityType": "product", "entityId": str(product["id"]),
                        "action": "updated", "changes": entry["changes"],
                        "actor": {"type": "integration_token", "id": entry["actor_id"], "name": "super token",
                                  "adminUserId": admin.id, "email": admin.email},
                        "requestId": rid, "operation": "updateAdminCatalogProduct",
                        "createdAt": entry["created_at"].strftime("%Y-%m-%dT%H:%M:%S+00:00")}
    same = admin_client.put(f"{PRODUCTS}/{product['id']}", json={"price": "12.50"}, headers={"X-Request-Id": request_id()})
    assert same.status_code == 200 and entries(request_id=same.headers["X-Request-Id"]) == []  # nothing changed


def test_a_graphql_product_update_is_recorded_the_same_way(admin_client, admin_graphql, created):
    since = last_entry()
    product = created("t-audit-gql")
    fill(admin_client, product["id"], "Audit Cap", "5.00")
    rid = request_id()
    result = admin_graphql("""mutation($input: updateAdminCatalogProductInput!) {
        updateAdminCatalogProduct(input: $input) { adminCatalogProduct { id price } } }""",
                           {"input": {"id": f"/api/admin/catalog/products/{product['id']}", "price": "6.25"}},
                           headers={"X-Request-Id": rid})
    assert result["data"]["updateAdminCatalogProduct"]["adminCatalogProduct"]["price"] == "6.2500"
    [entry] = entries(request_id=rid)
    assert (entry["entity_type"], entry["entity_id"], entry["action"], entry["operation"]) == (
        "product", str(product["id"]), "updated", "updateAdminCatalogProduct")
    assert entry["changes"] == {field: {"before": "5.0000", "after": "6.2500"}
                                for field in ("price", "min_price", "max_price")}
    history = admin_graphql("""query($id: String!) { adminAuditHistory(entityType: "product", entityId: $id, first: 10) {
        totalCount edges { node { _id action operation changes actor { type name } } } } }""",
                            {"id": str(product["id"])})["data"]["adminAuditHistory"]
    newest = history["edges"][0]["node"]
    assert (newest["_id"], newest["action"], newest["changes"]["price"], newest["actor"]) == (
        entry["id"], "updated", {"before": "5.0000", "after": "6.2500"}, {"type": "integration_token", "name": "super token"})
    assert [edge["node"]["action"] for edge in history["edges"] if edge["node"]["_id"] > since] == [
        "updated", "updated", "created"]
    one = admin_graphql("query($id: ID!) { adminAuditEntry(id: $id) { id entityType entityId requestId } }",
                        {"id": f"{AUDIT}/{entry['id']}"})["data"]["adminAuditEntry"]
    assert one == {"id": f"{AUDIT}/{entry['id']}", "entityType": "product", "entityId": str(product["id"]),
                   "requestId": rid}


def test_a_mass_status_update_writes_one_entry_per_product(admin_client, created):
    first, second = created("t-audit-mass-1"), created("t-audit-mass-2")
    with database.connection_context():
        assert Product.get_by_id(first["id"]).status is Product.get_by_id(second["id"]).status is False  # a draft
    rid = request_id()
    response = admin_client.post(f"{PRODUCTS}/mass-update-status", headers={"X-Request-Id": rid},
                                 json={"indices": [first["id"], second["id"]], "value": 1})
    assert response.status_code == 200, response.text
    recorded = entries(request_id=rid)
    flip = {"status": {"before": False, "after": True}}
    assert sorted((entry["entity_id"], entry["action"], entry["changes"]) for entry in recorded) == sorted(
        (str(product["id"]), "updated", flip) for product in (first, second))
    assert {entry["operation"] for entry in recorded} == {"massUpdateStatusAdminCatalogProducts"}


def test_a_customer_password_change_stores_no_hash(admin_client, client):
    shopper = register(client, "audited")
    rid = request_id()
    response = admin_client.put(f"/api/admin/customers/{shopper['id']}", headers={"X-Request-Id": rid},
                                json={"password": "newsecret1", "first_name": "Renamed"})
    assert response.status_code == 200, response.text
    [entry] = entries(request_id=rid)
    assert (entry["entity_type"], entry["entity_id"]) == ("customer", str(shopper["id"]))
    assert entry["changes"]["password"] == {"before": "[redacted]", "after": "[redacted]"}
    assert entry["changes"]["first_name"] == {"before": "Audited", "after": "Renamed"}
    assert "argon2" not in json.dumps(entry["changes"]) and "newsecret1" not in json.dumps(entry["changes"])


def test_failed_and_rolled_back_writes_leave_no_entry(admin_client, super_admin, created):
    product = created("t-audit-fail")
    refused = admin_client.put(f"{PRODUCTS}/{product['id']}", json={"price": "not money"},
                               headers={"X-Request-Id": (rid := request_id())})
    assert refused.status_code == 422 and entries(request_id=rid) == []
    other = created("t-audit-taken")
    taken = admin_client.put(f"{PRODUCTS}/{product['id']}", json={"sku": other["sku"]},
                             headers={"X-Request-Id": (rid := request_id())})
    assert taken.status_code == 422 and entries(request_id=rid) == []
    with database.connection_context(), recording(admin_context(super_admin[0].id), "test", "audit-rolled-back"):
        with pytest.raises(RuntimeError), database.atomic():
            Product.update(price=99).where(Product.id == product["id"]).execute()
            assert len(entries(request_id="audit-rolled-back")) == 1  # written beside the change ...
            raise RuntimeError("the write fails after its first statement")
    assert entries(request_id="audit-rolled-back") == []  # ... and gone with it
    with database.connection_context():
        assert Product.get_by_id(product["id"]).price != 99


def test_reads_write_nothing(admin_client, created):
    product = created("t-audit-read")
    rid = request_id()
    assert admin_client.get(f"{PRODUCTS}/{product['id']}", headers={"X-Request-Id": rid}).status_code == 200
    assert admin_client.get(PRODUCTS, headers={"X-Request-Id": rid}).status_code == 200
    assert entries(request_id=rid) == []


def test_the_list_filters_by_entity_actor_and_dates(admin_client, admin_graphql, created):
    since = last_entry()
    admin, raw = make_admin("all", label="auditor")
    product = created("t-audit-filter")
    mine = admin_client.put(f"{PRODUCTS}/{product['id']}", json={"price": "3.00"}, headers=bearer(raw))
    theirs = admin_client.put(f"{PRODUCTS}/{product['id']}", json={"price": "4.00"})
    assert mine.status_code == theirs.status_code == 200
    [own] = entries(request_id=mine.headers["X-Request-Id"])
    [other] = entries(request_id=theirs.headers["X-Request-Id"])

    def ids(**params):
        body = admin_client.get(AUDIT, params={"per_page": 50, **params})
        assert body.status_code == 200, body.text
        return [row["id"] for row in body.json()["data"]]

    by_entity = ids(entity_type="product", entity_id=str(product["id"]))
    assert by_entity[:2] == [other["id"], own["id"]]  # newest first
    assert ids(actor_type="admin_user", actor_id=admin.id) == [own["id"]]
    assert ids(actor_type="integration_token", actor_id=own["actor_id"]) == [own["id"]]
    today = datetime.datetime.utcnow().date()
    assert own["id"] in ids(entity_id=str(product["id"]), entity_type="product", **{"from": today.isoformat(),
                                                                                    "to": today.isoformat()})
    assert ids(entity_type="product", entity_id=str(product["id"]),
               **{"from": (today + datetime.timedelta(days=1)).isoformat()}) == []
    assert ids(entity_type="product", entity_id=str(product["id"]),
               to=(today - datetime.timedelta(days=1)).isoformat()) == []
    moment = own["created_at"].strftime("%Y-%m-%dT%H:%M:%SZ")
    assert own["id"] in ids(entity_id=str(product["id"]), **{"from": moment, "to": moment})
    assert [key for key in ids(action="updated", entity_id=str(product["id"])) if key > since] == [other["id"], own["id"]]
    assert [key for key in ids(action="deleted", entity_id=str(product["id"])) if key > since] == []
    history = admin_client.get(f"{AUDIT}/product/{product['id']}", params={"per_page": 2}).json()
    assert [row["id"] for row in history["data"]] == [other["id"], own["id"]]
    recorded = entries(entity_type="product", entity_id=str(product["id"]))
    assert history["meta"]["total"] == len(recorded) and [row["action"] for row in recorded[-3:]] == [
        "created", "updated", "updated"]
    listed = admin_graphql("""query($id: String!, $actor: Int!, $from: String!) {
        adminAuditEntries(entityType: "product", entityId: $id, actorType: "admin_user", actorId: $actor, from: $from,
                          first: 5) { totalCount edges { node { _id entityId actor { adminUserId } } } } }""",
                           {"id": str(product["id"]), "actor": admin.id, "from": moment})["data"]["adminAuditEntries"]
    assert listed == {"totalCount": 1, "edges": [{"node": {"_id": own["id"], "entityId": str(product["id"]),
                                                           "actor": {"adminUserId": admin.id}}}]}
    for bad_from in ("2026-02-30", "2026-01-15T25:00:00Z", ""):
        bad = admin_client.get(AUDIT, params={"from": bad_from})
        assert bad.status_code == 400 and set(bad.json()["errors"]) == {"from"}, bad_from
    assert admin_client.get(f"{AUDIT}/999999999").status_code == 404


def test_refused_without_the_permission(admin_client):
    _, raw = make_admin(["catalog.products.view"], label="noaudit")
    for path in (AUDIT, f"{AUDIT}/1", f"{AUDIT}/product/1"):
        response = admin_client.get(path, headers=bearer(raw))
        assert response.status_code == 403 and response.json() == FORBIDDEN
    graphql = admin_client.post("/api/admin/graphql", headers=bearer(raw),
                                json={"query": "{ adminAuditEntries(first: 1) { totalCount } }"})
    assert graphql.json()["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    _, allowed = make_admin(["platform.audit.view"], label="auditonly")
    assert admin_client.get(AUDIT, headers=bearer(allowed)).status_code == 200


def test_impersonation_is_recorded(admin_client, client):
    shopper = register(client, "impersonated")
    admin, raw = make_admin(["customers.customers.edit"], label="imp")
    response = admin_client.post(f"/api/admin/customers/{shopper['id']}/impersonate", headers=bearer(raw))
    assert response.status_code == 201, response.text
    [entry] = entries(request_id=response.headers["X-Request-Id"])
    assert (entry["entity_type"], entry["entity_id"], entry["action"], entry["admin_user_id"], entry["operation"]) == (
        "customer", str(shopper["id"]), "impersonated", admin.id, "impersonateAdminCustomer")
    [admin_id] = [change["after"] for name, change in entry["changes"].items() if name.endswith(".admin_id")]
    assert admin_id == admin.id
    assert any(name.endswith(".expires_at") for name in entry["changes"])
    assert response.json()["token"] not in json.dumps(entry["changes"])


def test_a_queued_import_is_recorded_as_the_admin_who_started_it(admin_client, super_admin, clean_imports):
    rows = "".join(f"IMP-AUDIT-{n},simple,Audited {n},{n}.50,1,{n},\n" for n in (1, 2))
    created = upload(admin_client, PRODUCT_HEADER + rows, queue=True)
    assert admin_client.post(f"{IMPORTS}/{created['id']}/validate").json()["is_valid"] is True
    rid = request_id()
    started = admin_client.post(f"{IMPORTS}/{created['id']}/start", headers={"X-Request-Id": rid})
    assert started.status_code == 200 and started.json()["import"]["state"] == "processing"
    run_queued()
    with database.connection_context():
        ids = {str(key) for (key,) in Product.select(Product.id).where(Product.sku.startswith("IMP-AUDIT-")).tuples()}
    products = [entry for entry in entries(request_id=rid) if entry["entity_type"] == "product"]
    assert {entry["entity_id"] for entry in products} == ids and len(ids) == 2
    assert {(entry["action"], entry["operation"], entry["admin_user_id"]) for entry in products} == {
        ("created", "run_import", super_admin[0].id)}
    assert sorted(entry["changes"]["price"]["after"] for entry in products) == ["1.5000", "2.5000"]


def test_gdpr_erasure_erases_the_person_from_the_trail(admin_client, client):
    since = last_entry()
    shopper = register(client, "forgotten", phone="5550142")
    address = admin_client.post(f"/api/admin/customers/{shopper['id']}/addresses", json={
        "first_name": "Fay", "last_name": "Hidden", "address": "7 Quiet Street", "city": "Los Angeles", "state": "CA",
        "country": "US", "postcode": "90001", "phone": "5550142"})
    assert address.status_code in (200, 201), address.text
    assert admin_client.put(f"/api/admin/customers/{shopper['id']}", json={"last_name": "Hidden"}).status_code == 200
    with database.connection_context():
        [address_id] = [key for (key,) in CustomerAddress.select(CustomerAddress.id)
                        .where(CustomerAddress.customer == shopper["id"]).tuples()]
        request = GdprDataRequest.create(customer_id=shopper["id"], email=shopper["email"], type="delete",
                                         status="pending", message="Forget me")
    recorded = entries(since, entity_type="customer", entity_id=str(shopper["id"])) + entries(
        since, entity_type="customer_address", entity_id=str(address_id))
    assert "7 Quiet Street" in json.dumps([entry["changes"] for entry in recorded])  # recorded, until ...
    processed = admin_client.post(f"/api/admin/customers/gdpr-requests/{request.id}/process", json={})
    assert processed.status_code == 200 and processed.json()["customerDeleted"] is True, processed.text
    recorded = entries(since, entity_type="customer", entity_id=str(shopper["id"])) + entries(
        since, entity_type="customer_address", entity_id=str(address_id))
    trail = json.dumps([entry["changes"] for entry in recorded])
    for personal in (shopper["email"], "Hidden", "Forgotten", "5550142", "7 Quiet Street"):
        assert personal not in trail  # ... the erasure
    customer = entries(since, entity_type="customer", entity_id=str(shopper["id"]))
    assert [entry["action"] for entry in customer] == ["updated", "deleted"]
    assert [entry["action"] for entry in customer][-1] == "deleted"
    assert customer[-1]["changes"]["email"] == {"before": "[erased]", "after": None}
    assert customer[-2]["changes"]["last_name"] == {"before": "[erased]", "after": "[erased]"}
    [decision] = entries(since, entity_type="gdpr_data_request", entity_id=str(request.id))
    assert decision["changes"]["email"]["before"] == "[erased]" and decision["changes"]["status"] == {
        "before": "pending", "after": "approved"}
