"""Admin configuration over REST and GraphQL: the tree (menu) from its one declaration, effective values
per channel and locale with defaults, validated all-or-nothing writes read back, uploads for image
fields, and the shop following a written setting on its next request."""
import base64
from decimal import Decimal

import pytest

from domain.reviews import GUEST_REVIEW
from domain.sales.shipping import available_rates
from storage.content_models import ProductReview
from storage.db import database
from storage.models import CoreConfig
from tests.admin_fixtures import admin_client, admin_graphql, super_admin  # noqa: F401 (fixtures)
from tests.checkout_fixtures import plain_simple_products
from tests.product_fixtures import media_root  # noqa: F401 (fixture)

BASE = "/api/admin/configuration"
PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
REORDER = {"sales.order_settings.reorder.admin": "1", "sales.order_settings.reorder.shop": "1"}


@pytest.fixture(autouse=True)
def config_restored():
    """Every test starts from the seeded configuration and leaves it so."""
    with database.connection_context():
        saved = list(CoreConfig.select().dicts())
    yield
    with database.connection_context(), database.atomic():
        CoreConfig.delete().execute()
        CoreConfig.insert_many(saved).execute()


def write(admin_client, slug: str, values: dict, **scope):
    return admin_client.post(BASE, json={"slug": slug, "values": values, **scope})


def test_menu_is_the_tree_with_fields_and_their_rules(admin_client):
    whole = admin_client.get(f"{BASE}/menu")
    assert whole.status_code == 200
    [body] = whole.json()
    assert body["slug"] is None
    assert [section["key"] for section in body["tree"]] == ["general", "catalog", "customer", "emails", "sales"]
    [menu] = admin_client.get(f"{BASE}/menu", params={"slug": "sales.order_settings"}).json()
    [node] = menu["tree"]
    assert (node["key"], node["name"], node["icon"], node["sort"]) == \
        ("sales.order_settings", "Order Settings", "settings/order.svg", 4)
    assert [child["key"] for child in node["children"]] == [
        "sales.order_settings.reorder", "sales.order_settings.order_number", "sales.order_settings.minimum_order"]
    reorder = node["children"][0]
    assert reorder["fields"][0] == {
        "name": "admin", "code": "sales.order_settings.reorder.admin", "title": "Admin Reorder", "type": "boolean",
        "customView": None, "default": True, "channelBased": False, "localeBased": False, "validation": None,
        "options": None, "depends": None, "info": "Enable or disable the reordering feature for admin users."}
    [rate] = admin_client.get(f"{BASE}/menu", params={"slug": "sales.carriers.flatrate", "include_values": "true"}).json()
    fields = {field["name"]: field for field in rate["tree"][0]["fields"]}
    assert fields["default_rate"]["validation"] == "required|numeric|min:0" and fields["default_rate"]["value"] == "10"
    assert fields["type"]["options"] == [{"title": "Per Unit", "value": "per_unit"}, {"title": "Per Order", "value": "per_order"}]
    assert "value" not in admin_client.get(f"{BASE}/menu", params={"slug": "sales.carriers"}).json()[0]["tree"][0]["children"][0]["fields"][0]
    missing = admin_client.get(f"{BASE}/menu", params={"slug": "sales.nothing"})
    assert missing.status_code == 404 and missing.json()["error"] == "not_found"


def test_values_fall_back_to_the_default_and_need_a_slug(admin_client):
    [values] = admin_client.get(BASE, params={"slug": "sales.order_settings.reorder", "channel": "default",
                                               "locale": "en"}).json()
    assert values == {"slug": "sales.order_settings.reorder", "channel": "default", "locale": "en", "values": REORDER}
    [carriers] = admin_client.get(BASE, params={"slug": "sales.carriers.free"}).json()
    assert carriers["values"]["sales.carriers.free.minimum_order_amount"] == "500"  # the seeded store-wide row
    [orders] = admin_client.get(BASE, params={"slug": "sales.order_settings"}).json()
    assert orders["values"]["sales.order_settings.order_number.order_number_prefix"] is None
    assert len(orders["values"]) == 11
    required = admin_client.get(BASE)
    assert required.status_code == 422 and set(required.json()["errors"]) == {"slug"}
    assert admin_client.get(BASE, params={"slug": "nope"}).status_code == 404


def test_a_write_is_normalised_and_read_back(admin_client):
    response = write(admin_client, "sales.order_settings", {
        "sales.order_settings.reorder.shop": False, "sales.order_settings.order_number.order_number_prefix": "WEB-",
        "sales.order_settings.order_number.order_number_length": 8}, channel="default", locale="en")
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["success"], body["message"], body["slug"], body["channel"], body["locale"]) == \
        (True, "Configuration updated successfully.", "sales.order_settings", "default", "en")
    assert body["values"]["sales.order_settings.reorder.shop"] == "0"
    assert body["values"]["sales.order_settings.order_number.order_number_length"] == "8"
    [again] = admin_client.get(BASE, params={"slug": "sales.order_settings"}).json()
    assert again["values"] == body["values"]
    with database.connection_context():
        rows = {(row.code, row.channel_code, row.locale_code): row.value for row in CoreConfig.select().where(
            CoreConfig.code.startswith("sales.order_settings."))}
    assert rows == {("sales.order_settings.reorder.shop", "", ""): "0",
                    ("sales.order_settings.order_number.order_number_prefix", "default", ""): "WEB-",
                    ("sales.order_settings.order_number.order_number_length", "default", ""): "8"}
    cleared = write(admin_client, "sales.order_settings.reorder", {"sales.order_settings.reorder.shop": None})
    assert cleared.json()["values"] == REORDER


def test_invalid_values_are_refused_all_together(admin_client):
    response = write(admin_client, "sales.carriers", {
        "sales.carriers.flatrate.default_rate": "-1", "sales.carriers.flatrate.type": "per_box",
        "sales.carriers.flatrate.title": "", "sales.carriers.free.active": "perhaps",
        "sales.carriers.free.minimum_order_amount": "100", "sales.carriers.nothing.here": "1",
        "catalog.inventory.stock_options.stock_threshold": "3"})
    assert response.status_code == 422
    assert response.json()["errors"] == {
        "values.sales.carriers.flatrate.default_rate": ["The field must be at least 0."],
        "values.sales.carriers.flatrate.type": ["The selected value is invalid."],
        "values.sales.carriers.flatrate.title": ["The field is required."],
        "values.sales.carriers.free.active": ["The field must be true or false."],
        "values.sales.carriers.nothing.here": ["No such configuration field."],
        "values.catalog.inventory.stock_options.stock_threshold": ["The key is outside the slug sales.carriers."]}
    [free] = admin_client.get(BASE, params={"slug": "sales.carriers.free"}).json()
    assert free["values"]["sales.carriers.free.minimum_order_amount"] == "500"  # nothing was written
    email = write(admin_client, "emails.configure", {"emails.configure.email_settings.contact_email": "not-an-email"})
    assert email.status_code == 422
    image = write(admin_client, "general.design", {"general.design.admin_logo.logo_image": "x.png"})
    assert image.status_code == 422 and "multipart" in image.json()["errors"]["values.general.design.admin_logo.logo_image"][0]
    assert write(admin_client, "sales.nothing", {}).status_code == 404
    scope = write(admin_client, "sales.carriers", {}, channel="nowhere", locale="xx")
    assert scope.status_code == 422 and set(scope.json()["errors"]) == {"channel", "locale"}
    assert admin_client.post(BASE, json={"slug": "sales.carriers"}).status_code == 422


def test_locale_based_fields_keep_a_value_per_locale(admin_client):
    code = "general.content.header_offer.title"
    assert write(admin_client, "general.content", {code: "Soldes !"}, locale="fr").status_code == 200
    [french] = admin_client.get(BASE, params={"slug": "general.content.header_offer", "locale": "fr"}).json()
    [english] = admin_client.get(BASE, params={"slug": "general.content.header_offer", "locale": "en"}).json()
    assert french["values"][code] == "Soldes !"
    assert english["values"][code] == "Get UPTO 40% OFF on your 1st order"


def test_a_written_setting_changes_the_shop_on_the_next_request(admin_client, client):
    product_id = plain_simple_products()[5]
    url = f"/api/shop/products/{product_id}/reviews"
    review = {"title": "Nice", "comment": "Nice indeed.", "rating": 4, "name": "Guest"}
    assert client.post(url, json=review).status_code == 401
    assert write(admin_client, "catalog.products.review", {GUEST_REVIEW: "1"}, channel="default").status_code == 200
    try:
        accepted = client.post(url, json=review)
        assert accepted.status_code == 201, accepted.text
        assert accepted.json()["data"]["status"] == "pending"
        write(admin_client, "catalog.products.review", {"catalog.products.review.auto_approve": True})
        assert client.post(url, json=review).json()["data"]["status"] == "approved"
    finally:
        with database.connection_context():
            ProductReview.delete().where(ProductReview.product == product_id).execute()


def test_shipping_rate_written_here_is_what_the_shop_charges(admin_client):
    assert write(admin_client, "sales.carriers.flatrate", {"sales.carriers.flatrate.default_rate": "7.5",
                                                            "sales.carriers.flatrate.type": "per_order"},
                 channel="default").status_code == 200
    with database.connection_context():
        rates = {rate.code: rate.base_price for rate in available_rates("default", 3, Decimal("20"))}
    assert rates["flatrate_flatrate"] == Decimal("7.5")


def test_image_fields_take_an_upload(admin_client, media_root):
    response = admin_client.post(BASE, data={"slug": "general.design.admin_logo", "channel": "default"},
                                 files={"values[general.design.admin_logo.logo_image]": ("logo.png", PNG, "image/png")})
    assert response.status_code == 200, response.text
    path = response.json()["values"]["general.design.admin_logo.logo_image"]
    assert path.startswith("configuration/") and path.endswith(".png")
    assert (media_root / path).read_bytes() == PNG
    bad = admin_client.post(BASE, data={"slug": "general.design.admin_logo"},
                            files={"values[general.design.admin_logo.favicon]": ("logo.png", b"not a png", "image/png")})
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"values.general.design.admin_logo.favicon"}


def test_graphql_menu_values_and_update(admin_graphql):
    data = admin_graphql("""{ menuAdminConfigurationMenu(slug: "sales.order_settings.reorder", include_values: true) {
        slug tree } valuesAdminConfigurationValues(slug: "sales.order_settings.reorder", channel: "default", locale: "en") {
        slug channel locale values } }""")["data"]
    menu = data["menuAdminConfigurationMenu"]
    assert menu["slug"] == "sales.order_settings.reorder"
    assert [field["value"] for field in menu["tree"][0]["fields"]] == ["1", "1"]
    assert data["valuesAdminConfigurationValues"] == {"slug": "sales.order_settings.reorder", "channel": "default",
                                                      "locale": "en", "values": REORDER}
    mutation = """mutation($input: createAdminConfigurationUpdateInput!) { createAdminConfigurationUpdate(input: $input) {
        adminConfigurationUpdate { slug channel locale success message values } } }"""
    updated = admin_graphql(mutation, {"input": {"slug": "sales.order_settings", "channel": "default", "locale": "en",
                                                 "values": {"sales.order_settings.reorder.shop": "0"}}})
    result = updated["data"]["createAdminConfigurationUpdate"]["adminConfigurationUpdate"]
    assert result["success"] is True and result["values"]["sales.order_settings.reorder.shop"] == "0"
    refused = admin_graphql(mutation, {"input": {"slug": "sales.order_settings",
                                                 "values": {"catalog.inventory.stock_options.back_orders": "1"}}})
    assert refused["data"]["createAdminConfigurationUpdate"] is None
    assert refused["errors"][0]["extensions"]["status"] == 422
    unknown = admin_graphql('{ menuAdminConfigurationMenu(slug: "nope") { slug } }')
    assert unknown["errors"][0]["extensions"]["status"] == 404
