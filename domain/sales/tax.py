"""Tax rates by destination: a product's tax category holds rates for countries, states and postcodes.

A rate matches when its country equals the destination's, its state is empty, "*" or equal, and its
postcode rule matches: a single code (empty or "*" = any, a trailing "*" = prefix) or, for zip-range
rates, `zip_from <= postcode <= zip_to` (numerically when both ends and the postcode are digits).
When several rates of a category match, the most specific wins (postcode, then state, then country;
then the lowest id), so a city rate overrides its state's rate instead of adding to it.
"""
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from domain import settings_cache
from storage.models import TaxCategoryRate, TaxRate


@dataclass(frozen=True)
class Destination:
    country: str
    state: str = ""
    postcode: str = ""


def rates_by_category(category_ids, destination: Destination | None) -> dict[int, Decimal]:
    """{tax category id: percent} for the categories that have a matching rate."""
    if destination is None or not category_ids:
        return {}
    candidates = defaultdict(list)
    for rate in country_rates(frozenset(category_ids), destination.country.upper()):
        specificity = match_specificity(rate, destination)
        if specificity is not None:
            candidates[rate.category_id].append((-specificity, rate.id, rate.tax_rate))
    return {category_id: min(found)[2] for category_id, found in candidates.items()}


def country_rates(category_ids: frozenset, country: str) -> tuple:
    """The rates of these categories for one country (each with its `category_id`), kept per worker
    under the settings version; the rows are only read."""
    return settings_cache.cached("tax_rates", (category_ids, country), lambda: tuple(
        TaxRate.select(TaxRate, TaxCategoryRate.tax_category.alias("category_id")).join(TaxCategoryRate)
        .where(TaxCategoryRate.tax_category.in_(list(category_ids)), TaxRate.country == country)
        .order_by(TaxRate.id).objects()))


def match_specificity(rate: TaxRate, destination: Destination) -> int | None:
    """None when the rate does not apply; otherwise how narrowly it targets the destination."""
    specificity = 0
    if rate.state not in ("", "*"):
        if rate.state.upper() != destination.state.upper():
            return None
        specificity += 1
    if rate.is_zip:
        if not in_zip_range(destination.postcode, rate.zip_from, rate.zip_to):
            return None
        return specificity + 2
    code = rate.zip_code.strip()
    if code in ("", "*"):
        return specificity
    postcode = destination.postcode.strip().upper()
    if code.endswith("*"):
        return specificity + 2 if postcode.startswith(code[:-1].upper()) else None
    return specificity + 2 if postcode == code.upper() else None


def in_zip_range(postcode: str, low: str, high: str) -> bool:
    postcode, low, high = postcode.strip().upper(), low.strip().upper(), high.strip().upper()
    if not postcode:
        return False
    if postcode.isdigit() and low.isdigit() and high.isdigit():
        return int(low) <= int(postcode) <= int(high)
    return low <= postcode <= high
