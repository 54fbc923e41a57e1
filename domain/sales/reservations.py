"""Inventory reservations: a cart holds the stock its lines need for a while.

Per channel: `sales.inventory.reservations.enabled` (off by default: carts then hold nothing and
behave as they always did) and `sales.inventory.reservations.reservation_minutes` (default 15).

A reservation never moves stock. ProductInventory.qty stays the units on hand (placing an order takes
them, shipments, cancellations and refunds move them as before), and what a cart may still take is

    sellable = on hand (active sources) - active reservations of other carts

where a reservation is active while its state is `active` and `expires_at` is still ahead. Every sum
filters on `expires_at`, so a reservation past its time stops counting at once, whether or not the
sweep (`expire_due`: a periodic job, and the admin list before it reads) has marked it `expired` yet;
and since expiry changes no stock number, a sweep racing a placement (or another sweep) cannot lose
an update: each row leaves `active` once, through a conditional UPDATE.

Writes are serialised per product: the cart change (`hold`) and the placement (`convert`) lock the
products' rows first (PostgreSQL: `SELECT … FOR NO KEY UPDATE` in id order, which does not conflict
with the key-share locks that inserting cart and order lines takes; SQLite: every transaction is
BEGIN IMMEDIATE already) and then read on hand and the others' reservations in one statement, so two
carts can never both take the last units.
"""
import datetime
from dataclasses import dataclass

from peewee import fn

from domain.scope import channel_code
from domain.errors import ApiError
from domain.sales.store_config import config_values, flag
from storage.db import database, is_sqlite
from storage.models import InventorySource, Product, ProductInventory, utcnow
from storage.reservation_models import InventoryReservation

PREFIX = "sales.inventory.reservations."
ENABLED = PREFIX + "enabled"
MINUTES = PREFIX + "reservation_minutes"
DEFAULT_MINUTES = 15


@dataclass(frozen=True)
class Settings:
    enabled: bool
    minutes: int


def settings(channel_code: str) -> Settings:
    values = config_values(PREFIX, channel_code)
    try:
        minutes = max(1, int(values.get(MINUTES) or DEFAULT_MINUTES))
    except ValueError:
        minutes = DEFAULT_MINUTES
    return Settings(flag(values, ENABLED), minutes)


def channel_settings(channel_id: int) -> Settings:
    return settings(channel_code(channel_id))


def is_active(now: datetime.datetime | None = None):
    """The condition of a reservation that still holds stock."""
    return (InventoryReservation.state == "active") & (InventoryReservation.expires_at > (now or utcnow()))


# --- reading ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Stock:
    on_hand: int
    held_by_others: int

    @property
    def sellable(self) -> int:
        return max(0, self.on_hand - self.held_by_others)


def stock_of(product_ids, cart_id: int | None = None) -> dict[int, Stock]:
    """On hand and held by other carts than `cart_id` (every cart when None), per product, read in
    one statement (one snapshot on PostgreSQL, so a placement committing meanwhile is seen whole)."""
    ids = sorted(set(product_ids))
    if not ids:
        return {}
    on_hand = (ProductInventory.select(fn.COALESCE(fn.SUM(ProductInventory.qty), 0)).join(InventorySource)
               .where(ProductInventory.product == Product.id, InventorySource.status == True))  # noqa: E712
    others = is_active() & (InventoryReservation.product == Product.id)
    if cart_id is not None:
        others &= InventoryReservation.cart != cart_id
    held = InventoryReservation.select(fn.COALESCE(fn.SUM(InventoryReservation.qty), 0)).where(others)
    rows = Product.select(Product.id, on_hand.alias("on_hand"), held.alias("held")).where(Product.id.in_(ids))
    return {pid: Stock(int(hand or 0), int(taken or 0)) for pid, hand, taken in rows.tuples()}


def cart_expiry(cart_id: int) -> datetime.datetime | None:
    """When the cart's active reservations run out (they all share one time), or None."""
    return (InventoryReservation.select(fn.MAX(InventoryReservation.expires_at))
            .where(InventoryReservation.cart == cart_id, is_active()).scalar())


# --- writing ---------------------------------------------------------------------------------------

def lock_products(product_ids):
    """Serialise reservation writes per product (see the module docstring)."""
    ids = sorted(set(product_ids))
    if ids and not is_sqlite():
        list(Product.select(Product.id).where(Product.id.in_(ids)).order_by(Product.id)
             .for_update("FOR NO KEY UPDATE").tuples())


def end(query_condition, state: str, order_id: int | None = None) -> int:
    now = utcnow()
    return (InventoryReservation.update(state=state, ended_at=now, updated_at=now, order_id=order_id)
            .where(InventoryReservation.state == "active", query_condition).execute())


class NotSellable(ApiError):
    def __init__(self, name: str, stock: Stock, requested: int):
        message = (f'Not enough stock for "{name}": {stock.sellable} available, {requested} requested '
                   f'({stock.held_by_others} held in other carts).')
        super().__init__(422, message, "out_of_stock", {"quantity": [message]})


def hold(cart, needs, name_of) -> datetime.datetime | None:
    """Bring the cart's reservations to what `needs()` answers ({stock-bearing product id: units},
    {product ids the change asked for}), inside the cart change's transaction. Raising a hold needs
    the units sellable to this cart: 422 `out_of_stock` for a product the change asked for, else the
    hold is capped at what is sellable. Every hold of the cart starts a new period. Returns the new
    expiry, or None when the channel holds no stock."""
    setting = channel_settings(cart.channel_id)
    if not setting.enabled:
        return None
    (demand, strict), now = needs(), utcnow()
    with database.atomic():
        lock_products(demand)  # a release needs no lock: it only frees units
        current = {row.product_id: row for row in InventoryReservation.select()
                   .where(InventoryReservation.cart == cart.id, InventoryReservation.state == "active")}
        for pid, row in list(current.items()):
            if row.expires_at <= now:  # its time ran out: whatever the cart needs is held anew
                end(InventoryReservation.id == row.id, "expired")
                del current[pid]
        held = {pid: row.qty for pid, row in current.items()}
        stock = stock_of([pid for pid, units in demand.items() if units > held.get(pid, 0)], cart.id)
        expires_at = now + datetime.timedelta(minutes=setting.minutes)
        for pid, units in sorted(demand.items()):
            if pid in stock and units > stock[pid].sellable:
                if pid in strict:
                    raise NotSellable(name_of(pid), stock[pid], units)
                units = stock[pid].sellable
            row = current.pop(pid, None)
            if units <= 0:
                if row is not None:
                    end(InventoryReservation.id == row.id, "released")
            elif row is None:
                InventoryReservation.create(cart=cart.id, product=pid, qty=units, expires_at=expires_at)
            else:
                (InventoryReservation.update(qty=units, expires_at=expires_at, updated_at=now)
                 .where(InventoryReservation.id == row.id).execute())
        for row in current.values():  # products the cart no longer needs
            end(InventoryReservation.id == row.id, "released")
    return expires_at


def release_cart(cart_id: int) -> int:
    """The cart is closed (merged into another one): nothing it held counts any more."""
    return end(InventoryReservation.cart == cart_id, "released")


def convert(cart, order_id: int, needs: dict[int, int]) -> list[str]:
    """At placement, inside its transaction and before the stock is taken: check that every product's
    `needs` ({product id: units}) is sellable to this cart, then mark the cart's reservations
    `converted` (the stock itself is taken once, by the placement). Returns the shortages (product
    ids with their sellable quantity) for the placement to refuse; empty when all is covered. Does
    nothing when the channel holds no stock and no other cart holds any of the products."""
    if not channel_settings(cart.channel_id).enabled and not (
            needs and InventoryReservation.select().where(InventoryReservation.product.in_(list(needs)),
                                                          is_active()).exists()):
        return []
    lock_products(needs)
    stock = stock_of(needs, cart.id)
    short = [pid for pid, units in sorted(needs.items()) if pid in stock and units > stock[pid].sellable]
    if not short:
        end(InventoryReservation.cart == cart.id, "converted", order_id)
    return short


def expire_due() -> int:
    """Mark every reservation past its time `expired`, one autocommitted conditional UPDATE per row
    (no statement holds two rows, so it never waits on a placement in the opposite order).
    Returns how many this call expired."""
    now = utcnow()
    due = [row_id for (row_id,) in InventoryReservation.select(InventoryReservation.id)
           .where(InventoryReservation.state == "active", InventoryReservation.expires_at <= now).tuples()]
    return sum(end((InventoryReservation.id == row_id) & (InventoryReservation.expires_at <= now), "expired")
               for row_id in due)


def release(reservation_id: int) -> InventoryReservation | None:
    """An admin releases one reservation; None when there is no such reservation. A reservation no
    longer active is answered as it is."""
    end(InventoryReservation.id == reservation_id, "released")
    return InventoryReservation.get_or_none(InventoryReservation.id == reservation_id)
