"""Admin tax rates over REST and GraphQL: postcode or postcode-range rates, unique identifiers, filters and
sort, the CSV export with the list filters, and the shop's cart tax following a rate.

Seed: 1 US-CA 8.25 (any postcode), 2 US-NY-NYC 8.875 (10001-10299), 3 US-NY 4, 4 DE 19, 5 FR 20, 6 IN 18."""
from decimal import ROUND_HALF_UP, Decimal

import pytest

from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.checkout_fixtures import CA_ADDRESS, guest_cart, product_facts, set_address, stocked_product
from tests.helpers import list_statement_counts
from tests.settings_snapshot import SettingsSnapshot

BASE = "/api/admin/settings/tax-rates"
CALIFORNIA = {"id": 1, "identifier": "US-CA", "taxRate": 8.25, "country": "US", "state": "CA", "isZip": False,
              "zipCode": "*", "zipFrom": None, "zipTo": None}
NEW_YORK_CITY = {"id": 2, "identifier": "US-NY-NYC", "taxRate": 8.875, "country": "US", "state": "NY", "isZip": True,
                 "zipCode": None, "zipFrom": "10001", "zipTo": "10299"}
CSV_HEADER = "ID,Identifier,State,Country,Zip Code,Zip From,Zip To,Tax Rate"


@pytest.fixture
def restored(app):
    snapshot = SettingsSnapshot()
    yield
    snapshot.restore()


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["data"]]


def test_list_detail_filters_and_sort(admin_client):
    body = admin_client.get(BASE).json()
    assert body["data"][:2] == [CALIFORNIA, NEW_YORK_CITY]
    assert body["meta"] == {"currentPage": 1, "perPage": 10, "lastPage": 1, "total": 6, "from": 1, "to": 6}
    assert admin_client.get(f"{BASE}/2").json() == NEW_YORK_CITY
    assert ids(admin_client.get(BASE, params={"country": "US"})) == [1, 2, 3]
    assert ids(admin_client.get(BASE, params={"identifier": "us-ny"})) == [2, 3]
    assert ids(admin_client.get(BASE, params={"state": "NY", "tax_rate_to": 5})) == [3]
    assert ids(admin_client.get(BASE, params={"tax_rate_from": 18})) == [4, 5, 6]
    assert ids(admin_client.get(BASE, params={"sort": "tax_rate", "order": "desc"})) == [5, 4, 6, 2, 1, 3]
    assert admin_client.get(BASE, params={"tax_rate_from": 101}).status_code == 400


def test_list_statement_count_does_not_grow_with_the_page(admin_client):
    counts = list_statement_counts(admin_client, BASE, sizes=(1, 50))
    assert counts[0] == counts[1]


def test_create_a_postcode_rate_and_a_range_rate(admin_client, restored):
    single = admin_client.post(BASE, json={"identifier": "us-il-7", "tax_rate": 7.25, "country": "us", "state": "il",
                                           "is_zip": False, "zip_code": "62704"})
    assert single.status_code == 201
    assert single.json() == {"id": single.json()["id"], "identifier": "us-il-7", "taxRate": 7.25, "country": "US",
                             "state": "IL", "isZip": False, "zipCode": "62704", "zipFrom": None, "zipTo": None}
    ranged = admin_client.post(BASE, json={"identifier": "us-il-zip-range", "tax_rate": 7.25, "country": "US",
                                           "state": "IL", "is_zip": True, "zip_from": "60000", "zip_to": "62999"})
    assert ranged.json()["zipFrom"] == "60000" and ranged.json()["zipTo"] == "62999"
    assert ranged.json()["zipCode"] is None
    switched = admin_client.put(f"{BASE}/{single.json()['id']}", json={"is_zip": True, "zip_from": "62000",
                                                                        "zip_to": "62999", "tax_rate": 7.5})
    assert switched.json() == {**single.json(), "taxRate": 7.5, "isZip": True, "zipCode": None,
                               "zipFrom": "62000", "zipTo": "62999"}


def test_validation_names_the_fields(admin_client):
    no_range = admin_client.post(BASE, json={"identifier": "x", "tax_rate": 5, "country": "US", "is_zip": True,
                                             "zip_from": "100"})
    assert no_range.status_code == 422
    assert no_range.json()["errors"] == {"zip_to": ["The zip to field is required when is zip is true."]}
    taken = admin_client.post(BASE, json={"identifier": "US-CA", "tax_rate": 5, "country": "US"})
    assert taken.json()["errors"] == {"identifier": ["The identifier has already been taken."]}
    malformed = admin_client.post(BASE, json={"identifier": "x", "tax_rate": 150, "country": "USA"})
    assert set(malformed.json()["errors"]) == {"tax_rate", "country"}
    range_only = admin_client.put(f"{BASE}/1", json={"is_zip": True})
    assert set(range_only.json()["errors"]) == {"zip_from", "zip_to"}
    assert admin_client.get(f"{BASE}/1").json() == CALIFORNIA


def test_delete_takes_the_category_links_with_it(admin_client, restored):
    assert admin_client.delete(f"{BASE}/5").json() == {"message": "Tax rate deleted."}
    assert admin_client.get(f"{BASE}/5").status_code == 404
    assert admin_client.get("/api/admin/settings/tax-categories/2").json()["taxRates"] == [4]


def test_the_cart_charges_an_updated_rate_on_the_next_request(admin_client, client, restored):
    product = stocked_product()
    price = product_facts(product)[2]
    assert admin_client.put(f"{BASE}/1", json={"tax_rate": 10}).json()["taxRate"] == 10
    headers = guest_cart((product, 1))
    answer = set_address(client, headers, useForShipping=True, **CA_ADDRESS)
    tax = (price * Decimal("0.10")).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    assert Decimal(str(answer["data"]["cartTotal"])) == price + tax


def test_csv_export_with_the_list_filters(admin_client):
    response = admin_client.get(f"{BASE}/export", params={"format": "csv", "country": "US"},
                                headers={"Accept": "text/csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert response.headers["content-disposition"] == 'attachment; filename="tax-rates.csv"'
    assert response.text.splitlines() == [CSV_HEADER, "1,US-CA,CA,US,*,,,8.25", "2,US-NY-NYC,NY,US,,10001,10299,8.875",
                                          "3,US-NY,NY,US,*,,,4"]
    every = admin_client.get(f"{BASE}/export", params={"sort": "tax_rate", "order": "desc"})
    assert [line.split(",")[0] for line in every.text.splitlines()[1:]] == ["5", "4", "6", "2", "1", "3"]


def test_csv_export_refusals(admin_client):
    other = admin_client.get(f"{BASE}/export", params={"format": "xlsx"}, headers={"Accept": "text/csv"})
    assert other.status_code == 422
    assert other.json()["errors"] == {"format": ["The only export format is csv."]}
    json_only = admin_client.get(f"{BASE}/export", headers={"Accept": "application/json"})
    assert json_only.status_code == 406
    assert json_only.json()["error"] == "not_acceptable"


# --- GraphQL -----------------------------------------------------------------------

def test_graphql_list_and_detail(admin_graphql):
    listed = admin_graphql("""{ adminSettingsTaxRates(first: 10, state: "NY") {
        edges { cursor node { id _id identifier taxRate country state isZip zipCode } } totalCount } }""")
    assert listed["data"]["adminSettingsTaxRates"] == {"totalCount": 2, "edges": [
        {"cursor": "MA==", "node": {"id": "/api/admin/settings/tax-rates/2", "_id": 2, "identifier": "US-NY-NYC",
                                    "taxRate": 8.875, "country": "US", "state": "NY", "isZip": True, "zipCode": None}},
        {"cursor": "MQ==", "node": {"id": "/api/admin/settings/tax-rates/3", "_id": 3, "identifier": "US-NY",
                                    "taxRate": 4.0, "country": "US", "state": "NY", "isZip": False, "zipCode": "*"}}]}
    detail = admin_graphql("""{ adminSettingsTaxRate(id: "/api/admin/settings/tax-rates/2") {
        identifier zipCode zipFrom zipTo } }""")
    assert detail["data"]["adminSettingsTaxRate"] == {"identifier": "US-NY-NYC", "zipCode": None,
                                                      "zipFrom": "10001", "zipTo": "10299"}


def test_graphql_mutations(admin_graphql, restored):
    created = admin_graphql("""mutation($input: createAdminSettingsTaxRateInput!) {
        createAdminSettingsTaxRate(input: $input) { adminSettingsTaxRate { id _id identifier taxRate } } }""",
                            {"input": {"identifier": "us-il-7", "taxRate": 7.25, "country": "US", "state": "IL",
                                       "isZip": False, "zipCode": "62704"}})
    node = created["data"]["createAdminSettingsTaxRate"]["adminSettingsTaxRate"]
    assert node == {"id": f"/api/admin/settings/tax-rates/{node['_id']}", "_id": node["_id"],
                    "identifier": "us-il-7", "taxRate": 7.25}
    updated = admin_graphql("""mutation { updateAdminSettingsTaxRate(input: {id: "%s", taxRate: 7.5}) {
        adminSettingsTaxRate { _id taxRate } } }""" % node["id"])
    assert updated["data"]["updateAdminSettingsTaxRate"]["adminSettingsTaxRate"] == {"_id": node["_id"], "taxRate": 7.5}
    invalid = admin_graphql("""mutation { createAdminSettingsTaxRate(input: {identifier: "x", taxRate: 5, country: "US",
        isZip: true}) { adminSettingsTaxRate { id } } }""")
    assert set(invalid["errors"][0]["extensions"]["errors"]) == {"zipFrom", "zipTo"}
    deleted = admin_graphql("""mutation { deleteAdminSettingsTaxRate(input: {id: "%s"}) {
        adminSettingsTaxRate { id } } }""" % node["id"])
    assert deleted["data"]["deleteAdminSettingsTaxRate"] == {"adminSettingsTaxRate": None}
