"""GraphQL `products(filters: ProductFilterInput, sort:, order:)` of the overview pages -> product criteria.

The same criteria the `filter` JSON and the REST parameters fill: `priceFrom`/`priceTo` or `price {from, to}`
on the effective price, `brand` (option labels or ids), `categoryId`, `type`, `new`, `featured`, and two that
only this input offers: `onSale` (an active special price, or none), `rating {from, to}` (the average stars
of the approved reviews) and `status`. The shop lists enabled
products only, so `status` "active"/1 keeps them all and "inactive"/0 alone leaves none.
"""
import datetime
from decimal import Decimal, InvalidOperation

from peewee import fn

from domain.errors import InvalidRequest
from storage.content_models import ProductReview
from storage.models import Attribute, AttributeOption, AttributeOptionTranslation, Product

ACTIVE = {"active", "enabled", "1", "true"}
INACTIVE = {"inactive", "disabled", "0", "false"}
SORT_ALIASES = {"newest": ("created_at", True), "oldest": ("created_at", False), "name": ("name", None),
                "title": ("name", None), "price": ("price", None), "created_at": ("created_at", None),
                "createdat": ("created_at", None), "updated_at": ("updated_at", None),
                "updatedat": ("updated_at", None), "id": ("id", None)}


def sort_of(sort: str, order: str | None) -> tuple[str, bool]:
    """`sort: "newest"`, `sort: "name", order: "DESC"` -> (sort key, descending)."""
    direction = (order or "asc").lower()
    if direction not in ("asc", "desc"):
        raise InvalidRequest({"order": ["Use ASC or DESC."]})
    key, fixed = SORT_ALIASES.get(str(sort).lower().replace("-", "_"), (None, None))
    if key is None:
        raise InvalidRequest({"sort": [f"Use one of {', '.join(SORT_ALIASES)}."]})
    return key, fixed if fixed is not None else direction == "desc"


def status_keeps_products(status) -> bool:
    values = {str(value).lower() for value in (status if isinstance(status, list) else [status])}
    if not values <= ACTIVE | INACTIVE:
        raise InvalidRequest({"filters.status": ["Use active/inactive or 1/0."]})
    return bool(values & ACTIVE)


def decimal_of(value, name: str) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise InvalidRequest({name: ["Must be a number."]}) from None


def option_ids_named(code: str, names: list) -> list[int]:
    """Option ids of attribute `code` whose id, admin name or any label is one of `names`."""
    texts = [str(name) for name in names]
    ids = [int(text) for text in texts if text.isdigit()]
    labelled = AttributeOptionTranslation.select(AttributeOptionTranslation.attribute_option).where(
        fn.LOWER(AttributeOptionTranslation.label).in_([text.lower() for text in texts]))
    rows = (AttributeOption.select(AttributeOption.id).join(Attribute)
            .where(Attribute.code == code, AttributeOption.id.in_(ids) | AttributeOption.id.in_(labelled)
                   | fn.LOWER(AttributeOption.admin_name).in_([text.lower() for text in texts])))
    return [row.id for row in rows]


def on_sale_condition():
    now = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
    return (Product.special_price.is_null(False) & (Product.special_price < Product.price)
            & (Product.special_price_from.is_null() | (Product.special_price_from <= now))
            & (Product.special_price_to.is_null() | (Product.special_price_to >= now)))


def apply_filter_input(criteria, filters: dict | None):
    """Fill `criteria` from a ProductFilterInput; `criteria.extra` collects conditions it has no field for."""
    if not filters:
        return
    if filters.get("status") is not None and not status_keeps_products(filters["status"]):
        criteria.extra.append(Product.id.is_null())  # no disabled product is ever listed
    price = filters.get("price") or {}
    low = decimal_of(filters.get("priceFrom", price.get("from")), "filters.priceFrom")
    high = decimal_of(filters.get("priceTo", price.get("to")), "filters.priceTo")
    criteria.price_from = low if low is not None else criteria.price_from
    criteria.price_to = high if high is not None else criteria.price_to
    for name in ("type", "new", "featured"):
        if filters.get(name) is not None:
            setattr(criteria, name, filters[name])
    if filters.get("categoryId") is not None:
        criteria.category_id = filters["categoryId"]
    if filters.get("brand"):
        brands = filters["brand"] if isinstance(filters["brand"], list) else [filters["brand"]]
        criteria.options["brand"] = option_ids_named("brand", brands)
    if filters.get("onSale") is not None:
        criteria.extra.append(on_sale_condition() if filters["onSale"] else ~on_sale_condition())
    if filters.get("rating"):
        criteria.extra.append(Product.id.in_(rated_products(filters["rating"])))


def rated_products(rating: dict):
    """The products whose approved reviews average within `{from, to}` stars (unreviewed ones never match)."""
    low = decimal_of(rating.get("from"), "filters.rating.from")
    high = decimal_of(rating.get("to"), "filters.rating.to")
    average = fn.AVG(ProductReview.rating)
    query = (ProductReview.select(ProductReview.product).where(ProductReview.status == "approved")
             .group_by(ProductReview.product))
    if low is not None:
        query = query.having(average >= float(low))
    if high is not None:
        query = query.having(average <= float(high))
    return query
