"""Product search criteria: REST query parameters and GraphQL arguments -> one filter/sort object.

The `filter` JSON string (REST and GraphQL) is validated with marshmallow, since the spec can
only describe it as a string.
"""
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from marshmallow import Schema, ValidationError, fields, validate
from peewee import JOIN, fn

from domain.catalog.filter_input import apply_filter_input, sort_of
from domain.catalog.listing_cache import ordered_ids
from domain.catalog.search import indexed_page, matched_products, parse_search, product_rank
from domain.errors import InvalidRequest
from storage.models import Attribute, Product, ProductAttributeValue, ProductCategory, ProductTranslation

PRODUCT_TYPES = ("simple", "configurable", "bundle", "grouped", "virtual", "downloadable", "booking")
RESERVED = {"page", "per_page", "query", "search", "sort", "order", "type", "category_id", "categoryId", "price",
            "price_from", "price_to", "new", "featured", "locale", "channel", "filter", "itemsPerPage"}
MAX_OPTION_ID = 2**31 - 1
GRAPHQL_SORT_KEYS = {"TITLE": "name", "PRICE": "price", "CREATED_AT": "created_at", "RELEVANCE": "relevance",
                     "POPULARITY": "id", "ID": "id", "UPDATED_AT": "updated_at"}


class MatchField(fields.Field):
    """A filter value: "3", 3, "3,4" or {"match": "3", "match_type": "PARTIAL"}."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, dict):
            if "match" not in value:
                raise ValidationError("Object filters need a `match` key.")
            value = value["match"]
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            raise ValidationError("Must be a string, a number or {\"match\": ...}.")
        return str(value)


class FilterSchema(Schema):
    """Known keys are typed; any other key is an attribute code (validated against the catalog later)."""
    type = fields.String(validate=validate.OneOf(PRODUCT_TYPES))
    category_id = fields.Integer(strict=False, validate=validate.Range(min=1, max=2**31 - 1))
    new = fields.Integer(strict=False, validate=validate.OneOf((0, 1)))
    featured = fields.Integer(strict=False, validate=validate.OneOf((0, 1)))
    price = fields.String()

    class Meta:
        unknown = "include"


@dataclass
class ProductCriteria:
    search: str | None = None
    type: str | None = None
    category_id: int | None = None
    price_from: Decimal | None = None
    price_to: Decimal | None = None
    new: bool | None = None
    featured: bool | None = None
    options: dict[str, list[int]] = field(default_factory=dict)
    sort_key: str = "relevance"  # by rank when searching (domain/catalog/search.py), else by id
    descending: bool = False
    extra: list = field(default_factory=list)  # conditions of the GraphQL filters input (filter_input.py)
    rank: object = None  # the relevance of the outer product when searching (set by `apply`)

    def page(self, visible, context, offset: int, limit: int) -> tuple[list[int], int]:
        """(product ids of one page, total) of `visible` (a Product query) narrowed and ordered by the criteria;
        a search alone, by relevance, is answered by the full-text index (domain/catalog/search.py)."""
        if self.search and self.sort_key == "relevance" and not self.filters_beyond_search():
            search = parse_search(self.search)
            found = indexed_page(search, context, offset, limit, self.descending) if search else None
            if found is not None:
                return found
        query = self.apply(visible, context)
        if self.search or self.extra:  # relevance and the GraphQL filters input (time, reviews) are read live
            return [row.id for row in self.order(query, context).offset(offset).limit(limit)], query.count()
        ids = ordered_ids(self.order(query, context))
        return list(ids[offset:offset + limit]), len(ids)

    def filters_beyond_search(self) -> bool:
        return bool(self.type or self.category_id or self.price_from is not None or self.price_to is not None
                    or self.new is not None or self.featured is not None or self.options or self.extra)

    def apply(self, query, context, skip: tuple[str, ...] = ()):
        """`query` (on Product) narrowed by every criterion but those named in `skip`
        ("category", or an attribute code: the facets count without their own filter)."""
        if self.search:
            search = parse_search(self.search)
            if search is None:
                return query.where(Product.id.is_null())
            self.rank = product_rank(search, context)
            query = query.where(Product.id.in_(matched_products(search, context)))
        if self.type:
            query = query.where(Product.type == self.type)
        if self.category_id and "category" not in skip:
            in_category = ProductCategory.select(ProductCategory.product).where(
                ProductCategory.category == self.category_id)
            query = query.where(Product.id.in_(in_category))
        if self.price_from is not None:
            query = query.where(Product.min_price >= self.price_from)
        if self.price_to is not None:
            query = query.where(Product.min_price <= self.price_to)
        if self.new is not None:
            query = query.where(Product.new == self.new)
        if self.featured is not None:
            query = query.where(Product.featured == self.featured)
        for code, option_ids in self.options.items():
            if code in skip:
                continue
            query = query.where(Product.id.in_(products_with_options(code, option_ids)))
        for condition in self.extra:
            query = query.where(condition)
        return query

    def order(self, query, context):
        direction = (lambda column: column.desc()) if self.descending else (lambda column: column.asc())
        if self.sort_key == "name":
            preferred, fallback = ProductTranslation.alias(), ProductTranslation.alias()
            name = fn.COALESCE(preferred.name, fallback.name)
            return (query.join_from(Product, preferred, JOIN.LEFT_OUTER, on=(
                        (preferred.product == Product.id) & (preferred.locale == context.locale)))
                    .join_from(Product, fallback, JOIN.LEFT_OUTER, on=(
                        (fallback.product == Product.id) & (fallback.locale == context.fallback_locale)))
                    .order_by(direction(name), direction(Product.id)))
        if self.sort_key == "relevance" and self.rank is not None:
            return query.order_by(self.rank.desc() if self.descending else self.rank, direction(Product.id))
        column = {"price": Product.min_price, "created_at": Product.created_at,
                  "updated_at": Product.updated_at}.get(self.sort_key, Product.id)
        return query.order_by(direction(column), direction(Product.id))


def products_with_options(code: str, option_ids: list[int]):
    """Top-level product ids having one of the options, directly or through a variant."""
    variant = Product.alias()
    return (ProductAttributeValue.select(fn.COALESCE(variant.parent, variant.id))
            .join(variant, on=(ProductAttributeValue.product == variant.id))
            .join_from(ProductAttributeValue, Attribute, on=(ProductAttributeValue.attribute == Attribute.id))
            .where(Attribute.code == code, ProductAttributeValue.integer_value.in_(option_ids)))


def parse_criteria(params: dict, raw_query: dict) -> ProductCriteria:
    """Merge typed parameters, the `filter` JSON and attribute shorthand (`?color=3,4`)."""
    errors: dict[str, list[str]] = {}
    criteria = ProductCriteria(search=(params.get("query") or params.get("search") or "").strip() or None)
    criteria.type = params.get("type")
    criteria.category_id = params.get("category_id") or params.get("categoryId")
    if params.get("new") is not None:
        criteria.new = bool(params["new"])
    if params.get("featured") is not None:
        criteria.featured = bool(params["featured"])
    criteria.price_from, criteria.price_to = price_range(params, errors)
    apply_sort(criteria, params)
    filters = parse_filter_json(params.get("filter"), errors)
    for key, value in filters.items():
        merge_filter(criteria, key, value, errors)
    for key in raw_query.keys() if hasattr(raw_query, "keys") else ():
        if key not in RESERVED:
            merge_filter(criteria, key.removeprefix("filter[").removesuffix("]"), raw_query.get(key), errors)
    apply_filter_input(criteria, params.get("filters"))
    check_attribute_codes(criteria, errors)
    if errors:
        raise InvalidRequest(errors)
    return criteria


def price_range(params, errors) -> tuple[Decimal | None, Decimal | None]:
    low, high = params.get("price_from"), params.get("price_to")
    if params.get("price"):
        low, _, high = str(params["price"]).partition(",")
    try:
        return (Decimal(str(low)) if low not in (None, "") else None,
                Decimal(str(high)) if high not in (None, "") else None)
    except InvalidOperation:
        errors.setdefault("price", []).append("Use `from,to`, e.g. 10,200.")
        return None, None


def apply_sort(criteria: ProductCriteria, params):
    sort, order = params.get("sort"), params.get("order") or "asc"
    if params.get("sort") is not None and params.get("sort_key") is not None:  # GraphQL `sort`/`order`
        criteria.sort_key, criteria.descending = sort_of(params["sort"], params.get("order"))
    elif params.get("sort_key") is not None:
        key = params["sort_key"]
        if not isinstance(key, str) or key.upper() not in GRAPHQL_SORT_KEYS:
            raise InvalidRequest({"sortKey": [f"Use one of {', '.join(GRAPHQL_SORT_KEYS)}."]})
        criteria.sort_key = GRAPHQL_SORT_KEYS[key.upper()]
        criteria.descending = bool(params.get("reverse"))
    elif sort:
        key, _, direction = sort.rpartition("-") if sort.endswith(("-asc", "-desc")) else (sort, "", order)
        criteria.sort_key, criteria.descending = key, direction == "desc"


def parse_filter_json(raw: str | None, errors) -> dict:
    if not raw:
        return {}
    try:
        data = json.loads(raw)
    except ValueError:
        errors.setdefault("filter", []).append("Must be a JSON object.")
        return {}
    if not isinstance(data, dict):
        errors.setdefault("filter", []).append("Must be a JSON object.")
        return {}
    known = {key: value for key, value in data.items() if key in FilterSchema._declared_fields}
    try:
        loaded = FilterSchema().load(known)
    except ValidationError as error:
        for key, messages in error.messages.items():
            errors.setdefault(f"filter.{key}", []).extend(messages)
        return {}
    loaded.update({key: value for key, value in data.items() if key not in known})
    return loaded


def merge_filter(criteria: ProductCriteria, key: str, value, errors):
    if key == "type":
        criteria.type = value
    elif key == "category_id":
        criteria.category_id = value
    elif key in ("new", "featured"):
        setattr(criteria, key, bool(value))
    elif key == "price":
        criteria.price_from, criteria.price_to = price_range({"price": value}, errors)
    else:
        try:
            text = MatchField().deserialize(value)
            option_ids = [int(part) for part in text.split(",") if part.strip()]
            if not all(1 <= option_id <= MAX_OPTION_ID for option_id in option_ids):
                raise ValueError(key)
            criteria.options[key] = option_ids
        except (ValidationError, ValueError):
            errors.setdefault(key, []).append("Use option ids, e.g. 3 or 3,4.")


def check_attribute_codes(criteria: ProductCriteria, errors):
    """Unknown or non-filterable attribute codes are ignored, as the docs say unknown params are."""
    if not criteria.options:
        return
    filterable = {code for (code,) in Attribute.select(Attribute.code).where(
        Attribute.code.in_(list(criteria.options)), Attribute.is_filterable == True).tuples()}  # noqa: E712
    criteria.options = {code: ids for code, ids in criteria.options.items() if code in filterable}
