"""Shipping carriers: flat rate (per order or per unit) and free shipping over a threshold.

Configuration (CoreConfig, per channel or global), with the defaults used when a value is absent:
  sales.carriers.flatrate.active = 1, .title = "Flat Rate", .description, .type = per_unit | per_order,
  .default_rate = 10
  sales.carriers.free.active = 1, .title = "Free Shipping", .description,
  .minimum_order_amount = 0 (base currency; compared with the subtotal after discounts)
Only physical lines count (virtual and downloadable products ship nothing); a cart without them has
no shipping step and costs nothing to ship.
"""
from dataclasses import dataclass
from decimal import Decimal

from domain.sales.store_config import config_values, flag

PHYSICAL_TYPES = {"simple", "configurable", "bundle", "grouped"}
PREFIX = "sales.carriers."


@dataclass(frozen=True)
class ShippingRate:
    carrier: str
    carrier_title: str
    method: str
    method_title: str
    description: str
    base_price: Decimal

    @property
    def code(self) -> str:
        return f"{self.carrier}_{self.method}"


def available_rates(channel_code: str, physical_qty: int, base_subtotal_after_discount: Decimal,
                    decimals: int = 2) -> list[ShippingRate]:
    if physical_qty <= 0:
        return []
    values = config_values(PREFIX, channel_code)
    rates = []
    if flag(values, PREFIX + "flatrate.active", True):
        rate = Decimal(values.get(PREFIX + "flatrate.default_rate", "10"))
        per_unit = values.get(PREFIX + "flatrate.type", "per_unit") == "per_unit"
        price = rate * physical_qty if per_unit else rate
        rates.append(ShippingRate("flatrate", values.get(PREFIX + "flatrate.title", "Flat Rate"), "flatrate",
                                  values.get(PREFIX + "flatrate.title", "Flat Rate"),
                                  values.get(PREFIX + "flatrate.description", "Flat rate shipping"),
                                  price.quantize(Decimal(1).scaleb(-decimals))))
    minimum = Decimal(values.get(PREFIX + "free.minimum_order_amount", "0") or "0")
    if flag(values, PREFIX + "free.active", True) and base_subtotal_after_discount >= minimum:
        rates.append(ShippingRate("free", values.get(PREFIX + "free.title", "Free Shipping"), "free",
                                  values.get(PREFIX + "free.title", "Free Shipping"),
                                  values.get(PREFIX + "free.description", "Free shipping"), Decimal(0)))
    return rates
