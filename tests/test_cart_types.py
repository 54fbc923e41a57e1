"""Adding every product type: the fields each type needs, their validation errors (422 bodies),
stock of variants, group members and bundle selections, and the prices the lines show."""
import pytest

from storage.db import database
from storage.models import (
    Product, ProductBundleOption, ProductBundleOptionProduct, ProductDownloadableLink, ProductGroupedProduct,
)
from tests.cart_fixtures import (  # noqa: F401 (fixtures)
    add, assert_totals_match, bundle, configurable, downloadable, grouped, guest_cart, lines_by_product, product,
)
from tests.helpers import attribute_id, option_id


def error_of(response) -> tuple[int, str, dict]:
    body = response.json()
    return response.status_code, body["error"], body.get("errors", {})


# --- virtual -----------------------------------------------------------------------------------------

def test_virtual_needs_only_product_and_quantity(client, guest_cart):
    item = product("virtual", price="59.00", stock=None, manage_stock=False)
    body = add(client, guest_cart["headers"], productId=item.id, quantity=2).json()
    line = body["items"][0]
    assert (line["type"], line["total"], line["options"]) == ("virtual", 118, [])
    assert body["haveStockableItems"] is False


# --- configurable ------------------------------------------------------------------------------------

def test_configurable_adds_the_chosen_variant(client, guest_cart):
    parent, (red, blue) = configurable(prices=("20.00", "22.50"))
    response = add(client, guest_cart["headers"], productId=parent.id, quantity=2, selectedConfigurableOption=blue.id,
                   superAttribute={str(attribute_id("color")): option_id("color", "Blue")})
    assert response.status_code == 200
    line = response.json()["items"][0]
    assert (line["productId"], line["childId"], line["type"]) == (parent.id, blue.id, "configurable")
    assert line["sku"] == blue.sku
    assert (line["price"], line["total"]) == (22.5, 45)
    assert [(option["attribute_name"], option["option_label"]) for option in line["options"]] == [
        ("Color", "Blue"), ("Size", "M")]
    assert line["attributes"] == {"color": "Blue", "size": "M"}
    body = add(client, guest_cart["headers"], productId=parent.id, selectedConfigurableOption=blue.id).json()
    assert len(body["items"]) == 1 and body["items"][0]["quantity"] == 3
    body = add(client, guest_cart["headers"], productId=parent.id, selectedConfigurableOption=red.id).json()
    assert len(body["items"]) == 2
    assert_totals_match(body)


def test_configurable_validation(client, guest_cart):
    parent, (red, blue) = configurable(variant_stock=(2, 0))
    other_parent, (foreign, _) = configurable()
    response = add(client, guest_cart["headers"], productId=parent.id)
    assert error_of(response) == (422, "validation_failed", {"selectedConfigurableOption": [
        "The selectedConfigurableOption field is required for configurable products."]})
    response = add(client, guest_cart["headers"], productId=parent.id, selectedConfigurableOption=foreign.id)
    status, error, errors = error_of(response)
    assert (status, error, list(errors)) == (422, "invalid_configuration", ["selectedConfigurableOption"])
    response = add(client, guest_cart["headers"], productId=parent.id, selectedConfigurableOption=red.id,
                   superAttribute=[{str(attribute_id("color")): option_id("color", "Blue")}])
    assert error_of(response) == (422, "invalid_configuration", {"superAttribute": [
        "The selected options do not match the chosen variant."]})
    response = add(client, guest_cart["headers"], productId=parent.id, selectedConfigurableOption=red.id, quantity=3)
    assert error_of(response)[:2] == (422, "out_of_stock")
    assert '"Variant Red/S": 2 available' in response.json()["message"]
    response = add(client, guest_cart["headers"], productId=parent.id, selectedConfigurableOption=blue.id)
    assert error_of(response)[:2] == (422, "out_of_stock")


def test_inactive_variant_is_rejected(client, guest_cart):
    parent, (red, _blue) = configurable()
    with database.connection_context():
        Product.update(status=False).where(Product.id == red.id).execute()
    response = add(client, guest_cart["headers"], productId=parent.id, selectedConfigurableOption=red.id)
    assert error_of(response)[:2] == (422, "invalid_configuration") and "Variant Red/S" not in response.text


# --- downloadable ------------------------------------------------------------------------------------

def test_downloadable_adds_the_chosen_links_without_stock(client, guest_cart):
    item, (first, second) = downloadable(price="15.00", link_prices=("3.00", "4.50"))
    response = add(client, guest_cart["headers"], productId=item.id, quantity=2, links=[second.id, first.id])
    assert response.status_code == 200
    line = response.json()["items"][0]
    assert (line["type"], line["price"], line["total"]) == ("downloadable", 22.5, 45)
    assert [option["option_label"] for option in line["options"]] == ["Link 1", "Link 2"]
    body = add(client, guest_cart["headers"], productId=item.id, links=[first.id]).json()
    assert [(line["quantity"], line["price"]) for line in body["items"]] == [(2, 22.5), (1, 18)]
    assert body["haveStockableItems"] is False
    assert_totals_match(body)


def test_downloadable_validation(client, guest_cart):
    item, _links = downloadable()
    _other, (foreign, _) = downloadable()
    assert error_of(add(client, guest_cart["headers"], productId=item.id)) == (
        422, "invalid_links", {"links": ["Choose at least one download link."]})
    assert error_of(add(client, guest_cart["headers"], productId=item.id, links=[foreign.id])) == (
        422, "invalid_links", {"links": [f"Links {foreign.id} do not belong to this product."]})


# --- grouped -----------------------------------------------------------------------------------------

def test_grouped_adds_one_line_per_member(client, guest_cart):
    group, (first, second, third) = grouped(prices=("5.00", "6.00", "7.00"))
    response = add(client, guest_cart["headers"], productId=group.id, quantity=1,
                   groupedQty={str(first.id): 1, str(second.id): 2, str(third.id): 0})
    assert response.status_code == 200
    body = response.json()
    assert [(line["productId"], line["type"], line["quantity"], line["total"]) for line in body["items"]] == [
        (first.id, "simple", 1, 5), (second.id, "simple", 2, 12)]
    assert body["subtotal"] == 17
    body = add(client, guest_cart["headers"], productId=first.id, quantity=2).json()
    assert lines_by_product(body)[first.id]["quantity"] == 3 and body["itemsCount"] == 2


def test_grouped_validation(client, guest_cart):
    group, (first, second, third) = grouped(member_stock=(10, 1, 10))
    outsider = product()
    response = add(client, guest_cart["headers"], productId=group.id)
    assert error_of(response)[:2] == (422, "missing_grouped_quantities")
    response = add(client, guest_cart["headers"], productId=group.id, groupedQty={str(first.id): 1})
    assert error_of(response) == (422, "missing_grouped_quantities", {"groupedQty": [
        f"Give a quantity for every product of the group (missing: {second.id}, {third.id})."]})
    quantities = {str(first.id): 1, str(second.id): 1, str(third.id): 1, str(outsider.id): 1}
    response = add(client, guest_cart["headers"], productId=group.id, groupedQty=quantities)
    assert error_of(response) == (422, "validation_failed", {"groupedQty": [
        f"Products {outsider.id} are not part of this group."]})
    response = add(client, guest_cart["headers"], productId=group.id,
                   groupedQty={str(first.id): 0, str(second.id): 0, str(third.id): 0})
    assert error_of(response)[:2] == (422, "validation_failed")
    response = add(client, guest_cart["headers"], productId=group.id,
                   groupedQty={str(first.id): 1, str(second.id): 2, str(third.id): 1})
    assert error_of(response)[:2] == (422, "out_of_stock") and "1 available, 2 requested" in response.json()["message"]
    response = add(client, guest_cart["headers"], productId=group.id, groupedQty="{not json")
    assert error_of(response)[:2] == (422, "validation_failed")
    assert client.get("/api/shop/cart", headers=guest_cart["headers"]).json()["data"]["items"] == []


# --- bundle ------------------------------------------------------------------------------------------

def test_bundle_adds_one_line_priced_from_its_selections(client, guest_cart):
    offer = bundle()
    select, checkbox = str(offer["select"].id), str(offer["checkbox"].id)
    response = add(client, guest_cart["headers"], productId=offer["product"].id, quantity=2,
                   bundleOptions={select: [offer["second"].id], checkbox: [offer["extra"].id]},
                   bundleOptionQty={select: 3, checkbox: 2})
    assert response.status_code == 200
    line = response.json()["items"][0]
    # one bundle = 3 x 9.00 + 2 x 2.50 = 32.00
    assert (line["type"], line["quantity"], line["price"], line["total"]) == ("bundle", 2, 32, 64)
    assert len(line["options"]) == 2
    body = add(client, guest_cart["headers"], productId=offer["product"].id,
               bundleOptions=f'{{"{select}": [{offer["second"].id}], "{checkbox}": [{offer["extra"].id}]}}',
               bundleOptionQty=f'{{"{select}": 3}}').json()
    assert len(body["items"]) == 1 and body["items"][0]["quantity"] == 3
    body = add(client, guest_cart["headers"], productId=offer["product"].id,
               bundleOptions={select: [offer["first"].id]}).json()
    assert len(body["items"]) == 2 and body["items"][1]["price"] == 8
    assert_totals_match(body)


@pytest.mark.parametrize("case", ["missing required", "two on a select", "foreign product", "unknown option"])
def test_bundle_option_validation(client, guest_cart, case):
    offer = bundle()
    other = bundle()
    select, checkbox = str(offer["select"].id), str(offer["checkbox"].id)
    options = {
        "missing required": {checkbox: [offer["extra"].id]},
        "two on a select": {select: [offer["first"].id, offer["second"].id]},
        "foreign product": {select: [other["first"].id]},
        "unknown option": {select: [offer["first"].id], str(other["select"].id): [other["first"].id]},
    }[case]
    response = add(client, guest_cart["headers"], productId=offer["product"].id, bundleOptions=options)
    status, error, errors = error_of(response)
    assert (status, error, list(errors)) == (422, "invalid_bundle_options", ["bundleOptions"])
    assert response.json()["message"] == errors["bundleOptions"][0]


def test_bundle_fixed_quantity_and_selection_stock(client, guest_cart):
    offer = bundle(select_stock=(4, 10), extra_stock=3)
    select, checkbox = str(offer["select"].id), str(offer["checkbox"].id)
    response = add(client, guest_cart["headers"], productId=offer["product"].id,
                   bundleOptions={select: [offer["first"].id], checkbox: [offer["extra"].id]},
                   bundleOptionQty={checkbox: 5})
    assert error_of(response) == (422, "invalid_bundle_qty",
                                  {"bundleOptionQty": ['The quantity of option "Extras" is fixed.']})
    response = add(client, guest_cart["headers"], productId=offer["product"].id, quantity=2,
                   bundleOptions={select: [offer["first"].id], checkbox: [offer["extra"].id]})
    assert error_of(response)[:2] == (422, "out_of_stock") and "3 available, 4 requested" in response.json()["message"]
    response = add(client, guest_cart["headers"], productId=offer["product"].id, quantity=2,
                   bundleOptions={select: [offer["first"].id]}, bundleOptionQty={select: 3})
    assert error_of(response)[:2] == (422, "out_of_stock") and "4 available, 6 requested" in response.json()["message"]
    assert add(client, guest_cart["headers"], productId=offer["product"].id, quantity=2,
               bundleOptions={select: [offer["first"].id]}, bundleOptionQty={select: 2}).status_code == 200
    # the simple product the bundle uses is counted across lines too
    response = add(client, guest_cart["headers"], productId=offer["products"][0].id, quantity=1)
    assert error_of(response)[:2] == (422, "out_of_stock") and "4 available, 5 requested" in response.json()["message"]


def test_booking_products_need_their_booking_details(client, guest_cart):
    booking = product("booking", stock=None)  # no booking configuration either (tests/test_shop_booking.py)
    assert error_of(add(client, guest_cart["headers"], productId=booking.id))[:2] == (422, "invalid_booking")
    response = add(client, guest_cart["headers"], productId=booking.id, booking={"date": "2030-06-03", "slot": "x"})
    assert error_of(response)[:2] == (422, "invalid_booking") and "no booking configuration" in response.json()["message"]


# --- the demo catalog's products of each type --------------------------------------------------------

def demo(sku: str):
    with database.connection_context():
        return Product.get(Product.sku == sku)


def bundle_choice(bundle_sku: str, label: str, member_sku: str) -> tuple[str, int]:
    """(option id, bundle option product id) of a demo bundle's option and member."""
    with database.connection_context():
        option = ProductBundleOption.get(ProductBundleOption.product == demo(bundle_sku).id,
                                         ProductBundleOption.label == label)
        member = Product.get(Product.sku == member_sku)
        row = ProductBundleOptionProduct.get(ProductBundleOptionProduct.bundle_option == option.id,
                                             ProductBundleOptionProduct.product == member.id)
        return str(option.id), row.id


def test_demo_products_of_every_type(client, guest_cart):
    guide, group, kit = demo("DL-FINANCE-GUIDE"), demo("GRP-WINTER-SET"), demo("BND-WINTER-KIT")
    with database.connection_context():
        links = [link.id for link in
                 ProductDownloadableLink.select().where(ProductDownloadableLink.product == guide.id)]
        members = [row.associated_product_id for row in
                   ProductGroupedProduct.select().where(ProductGroupedProduct.product == group.id)]
    headers = guest_cart["headers"]
    body = add(client, headers, productId=demo("VIRT-STREAMING-1M").id).json()
    assert body["items"][-1]["price"] == 59  # special price
    body = add(client, headers, productId=guide.id, links=links).json()
    assert body["items"][-1]["price"] == 28  # 0 + 19.00 + 9.00
    body = add(client, headers, productId=group.id, groupedQty={str(pid): 1 for pid in members}).json()
    assert [line["price"] for line in body["items"][-3:]] == [14, 17, 9.5]
    headwear, beanie = bundle_choice("BND-WINTER-KIT", "Headwear", "SP-WINTER-BEANIE")
    warmers, gloves = bundle_choice("BND-WINTER-KIT", "Warmers", "SP-WINTER-GLOVES")
    body = add(client, headers, productId=kit.id, bundleOptions={headwear: [beanie], warmers: [gloves]}).json()
    assert (body["items"][-1]["type"], body["items"][-1]["price"]) == ("bundle", 31)
    assert_totals_match(body)
