"""The checkout steps do not read again the rows the request already has (docs/performance.md, "Checkout")."""
from tests.checkout_fixtures import (
    CA_ADDRESS, guest_cart, place, ready_for_order, set_address, set_payment, set_shipping, stocked_product,
)
from tests.helpers import count_queries


def reads_of(statements: list[str], table: str) -> int:
    return sum(sql.startswith("SELECT") and f'FROM "{table}" AS' in sql for sql in statements)


def test_the_address_step_reads_the_cart_lines_and_addresses_once(client):
    headers = guest_cart((stocked_product(), 1))
    with count_queries() as statements:
        set_address(client, headers, addressType="billing", useForShipping=True, **CA_ADDRESS)
    assert reads_of(statements, "cart_item") == 1
    assert reads_of(statements, "cart_address") == 1


def test_choosing_the_shipping_and_payment_methods_reads_the_cart_once(client):
    headers = guest_cart((stocked_product(), 1))
    set_address(client, headers, addressType="billing", useForShipping=True, **CA_ADDRESS)
    for choose in (set_shipping, set_payment):
        with count_queries() as statements:
            choose(client, headers)
        assert reads_of(statements, "cart_item") == 1, choose
        assert reads_of(statements, "cart_rule") == 1, choose  # the shipping step's second totals reuse the rules


def test_placing_an_order_reads_the_rows_it_wrote_once(client):
    headers = guest_cart((stocked_product(), 1))
    ready_for_order(client, headers)
    with count_queries() as statements:
        assert place(client, headers).status_code == 201
    assert reads_of(statements, "cart") == 1  # the token check's; the claim returns the row it closed
    assert reads_of(statements, "cart_item") == 1  # the totals'; the claim's check of lines is in its UPDATE
    assert reads_of(statements, "product_inventory") == 1  # the stock decrement returns the quantity left
    assert reads_of(statements, "order_payment") == 1  # the answer's redirect URL
    assert reads_of(statements, "order_item") == 1  # shared by bookings, licenses, downloads, marketplace, subscriptions
