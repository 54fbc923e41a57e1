"""Admin catalog products: /api/admin/catalog/products (datagrid, detail, create, update, delete, copy,
mass delete, mass status, CSV export), its images, inventories and customer-group prices, and the
Create-Order search /api/admin/products; GraphQL adminCatalogProduct(s), adminProducts and the mutations.

Detail, delete, mass delete and mass status come from the generic path (`products` below). The
datagrid is written here over the same documents because its sort follows the request locale
(`sort=name`) and takes the compound form (`name-asc`), which the generic sorts cannot express.
Create, update and copy are in handlers.admin.catalog.product_writes, images in
handlers.admin.catalog.product_media. Every write the shop reads (price, status, translations,
categories, images, stock) is in the database when the response leaves, so the shop shows it on
the next request.
"""
import csv
import io
import re
from decimal import Decimal

from peewee import JOIN, SQL, IntegrityError, fn

from domain.access import created
from handlers.admin.catalog.product_documents import (
    COMPOSITE_TYPES, CSV_HEADER, PRODUCT_TYPES, csv_rows, detail_document, group_price_document, group_prices,
    inventory_document, inventory_rows, listing_rows, search_rows,
)
from handlers.admin.catalog.product_media import (
    delete_image, delete_unused_files, find_product, reorder_images, upload_image,
)
from handlers.admin.catalog.product_overview import (  # noqa: F401 (product_create_fields, product_prices: prepare)
    create_with_values, mass_update, prices_connection, product_create_fields, product_prices,
)
from handlers.admin.catalog.product_prices import holders_of, refresh_price_ranges
from handlers.admin.catalog.product_copy import ProductCopy, group_price_key
from handlers.admin.catalog.product_values import image_paths
from handlers.admin.catalog.product_writes import ProductUpdate, check_create, create_product
from handlers.admin.crud import AdminResource, holds_nul, id_list, refuse_nul
from domain.catalog.search import reindex_products
from domain.webhooks import outbox
from domain.common import Page, RequestContext, Window
from domain.ids import parse_id, parse_nested_id
from domain.errors import ApiError, InvalidRequest, NotFound, Unprocessable
from storage.db import database
from storage.files import media_storage
from storage.models import (
    CustomerGroup, InventorySource, Product, ProductCategory, ProductCustomerGroupPrice, ProductImage,
    ProductInventory, ProductTranslation, utcnow,
)

EXPORT_BATCH = 500
LISTING_SORTS = {"id": Product.id, "product_id": Product.id, "sku": Product.sku, "type": Product.type,
                 "status": Product.status, "price": Product.price, "attribute_family": Product.attribute_family,
                 "channel": Product.id}  # one channel resolves every row: the id decides
SEARCH_SORTS = {"id": Product.id, "sku": Product.sku, "created_at": Product.created_at,
                "updated_at": Product.updated_at}

products = AdminResource(
    model=Product, label="Product", plural="Products", documents=listing_rows, detail=detail_document,
    messages={"deleted": "Product deleted successfully.", "mass_deleted": "Products deleted successfully.",
              "status_updated": "Products status updated successfully."})
generic_get = products.get_handler()
generic_delete = products.delete_handler()
generic_mass_delete = products.mass_delete_handler()
generic_mass_update_status = products.mass_update_status_handler()


def check_write_scope(context: RequestContext):
    """A `?locale=` or `?channel=` the channel does not offer is an error on writes, not a fallback."""
    errors = {}
    if context.query_params.get("locale") not in (None, "", context.locale):
        errors["locale"] = ["The selected locale is not available in the channel."]
    if context.query_params.get("channel") not in (None, "", context.channel_code):
        errors["channel"] = ["The selected channel is invalid."]
    if errors:
        raise Unprocessable(errors)


# --- the datagrid, export and search ------------------------------------------------------

def filtered_products(status=None, type=None, attribute_family=None, price_from=None, price_to=None, price=None,
                      name=None, sku=None, product_id=None):
    """The listing filters, AND-combined; `status`/`type` values outside their ranges are ignored."""
    query = Product.select()
    if any(holds_nul(value) for value in (type, name, sku)):
        return query.where(SQL("1 = 0"))  # nothing stored holds NUL (writes refuse it)
    if isinstance(status, list):  # GraphQL `filters: {status: [1]}` names several
        query = query.where(Product.status.in_([bool(value) for value in status if value in (0, 1)]))
    elif status in (0, 1):
        query = query.where(Product.status == bool(status))
    if type in PRODUCT_TYPES:
        query = query.where(Product.type == type)
    if attribute_family is not None:
        query = query.where(Product.attribute_family == attribute_family)
    low, high = price_bounds(price, price_from, price_to)
    if low is not None or high is not None:
        query = query.where(Product.type.not_in(COMPOSITE_TYPES))
        query = query.where(Product.price >= low) if low is not None else query
        query = query.where(Product.price <= high) if high is not None else query
    if name:
        named = ProductTranslation.select(ProductTranslation.product).where(ProductTranslation.name.contains(name))
        query = query.where(Product.id.in_(named))
    if sku:
        query = query.where(Product.sku.contains(sku))
    if product_id:
        query = query.where(id_list(Product.id, "product_id")(product_id))
    return query


def price_bounds(shorthand, price_from, price_to) -> tuple[Decimal | None, Decimal | None]:
    """`price=min,max`, each bound overridden by its explicit parameter."""
    low = high = None
    if shorthand:
        low, high = (Decimal(part) for part in shorthand.split(","))
    if price_from is not None:
        low = Decimal(str(price_from))
    if price_to is not None:
        high = Decimal(str(price_to))
    return low, high


def listing_order(query, sort: str | None, order: str | None, context: RequestContext):
    """`sort` (bare or `name-asc`) and `order` (which wins); default product id, descending."""
    key, _, direction = (sort or "product_id").partition("-")
    descending = (order or direction or "desc") == "desc"
    arrange = (lambda column: column.desc()) if descending else (lambda column: column.asc())
    if key == "name":
        preferred, fallback = ProductTranslation.alias(), ProductTranslation.alias()
        query = (query.join_from(Product, preferred, JOIN.LEFT_OUTER, on=(
                     (preferred.product == Product.id) & (preferred.locale == context.locale)))
                 .join_from(Product, fallback, JOIN.LEFT_OUTER, on=(
                     (fallback.product == Product.id) & (fallback.locale == context.fallback_locale))))
        column = fn.COALESCE(preferred.name, fallback.name)
    elif key == "quantity":
        column = fn.COALESCE(ProductInventory.select(fn.SUM(ProductInventory.qty))
                             .where(ProductInventory.product == Product.id), 0)
    elif key in LISTING_SORTS:
        column = LISTING_SORTS[key]
    else:
        raise InvalidRequest({"sort": [f"Sort by one of: {', '.join([*LISTING_SORTS, 'name', 'quantity'])}."]})
    return query.order_by(arrange(column), arrange(Product.id))


def list_admin_catalog_products(context: RequestContext, window: Window, sort: str | None = None,
                                order: str | None = None,
                                **filters) -> Page:
    query = filtered_products(**filters)
    rows = list(listing_order(query, sort, order, context).offset(window.offset).limit(window.limit))
    return Page(listing_rows(rows, context), query.count())


def export_admin_catalog_products(context: RequestContext, format: str | None = "csv", **filters):
    """Every matching product as CSV rows, by id, built in batches."""
    if (format or "csv").lower() != "csv":
        raise ApiError(422, "Only the csv export format is supported.", "validation_failed",
                       {"format": ["Only the csv export format is supported."]})
    query = filtered_products(**filters).order_by(Product.id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    offset = 0
    while batch := list(query.offset(offset).limit(EXPORT_BATCH)):
        writer.writerows(csv_rows(batch, context))
        offset += EXPORT_BATCH
    return buffer.getvalue(), 200, {"Content-Type": "text/csv",
                                    "Content-Disposition": 'attachment; filename="products.csv"'}


def search_admin_products(context: RequestContext, window: Window, query: str | None = None, sku: str | None = None,
                          type: str | None = None, status: int | None = None, category_id: int | None = None,
                          sort: str | None = None, order: str | None = None) -> Page:
    """Top-level products of every status (variants are picked through their configurable product)."""
    found = Product.select().where(Product.parent.is_null())
    if any(holds_nul(value) for value in (query, sku, type)):
        found = found.where(SQL("1 = 0"))  # nothing stored holds NUL (writes refuse it)
        query = sku = type = None
    if query and query.strip():
        named = ProductTranslation.select(ProductTranslation.product).where(
            ProductTranslation.name.contains(query.strip()), ProductTranslation.locale.in_(context.locales))
        found = found.where(Product.sku.contains(query.strip()) | Product.id.in_(named))
    if sku:
        found = found.where(Product.sku == sku)
    if type:
        found = found.where(Product.type == type)
    if status is not None:
        found = found.where(Product.status == bool(status))
    if category_id is not None:
        found = found.where(Product.id.in_(ProductCategory.select(ProductCategory.product)
                                           .where(ProductCategory.category == category_id)))
    if (sort or "id") not in SEARCH_SORTS:
        raise InvalidRequest({"sort": [f"Sort by one of: {', '.join(SEARCH_SORTS)}."]})
    column = SEARCH_SORTS[sort or "id"]
    descending = (order or "desc") == "desc"
    ordered = found.order_by(column.desc() if descending else column.asc(),
                             Product.id.desc() if descending else Product.id)
    rows = list(ordered.offset(window.offset).limit(window.limit))
    return Page(search_rows(rows, context), found.count())


# --- one product -----------------------------------------------------------------------------

def get_admin_catalog_product(context: RequestContext, id: int) -> dict:
    return generic_get(context, id)


def create_admin_catalog_product(context: RequestContext, body: dict):
    refuse_nul(body)
    try:
        with database.atomic():
            product = create_product(context, body)
            reindex_products([product.id])
            outbox.emit_product("product.created", product.id, product.sku, product.type)
    except IntegrityError:
        check_create(body)  # a concurrent request took the SKU between the check and the insert
        raise
    return created(detail_document(Product.get_by_id(product.id), context))


def create_admin_catalog_product_with_values(context: RequestContext, body: dict):
    return create_with_values(context, body)


def mass_update_admin_catalog_products(context: RequestContext, body: dict) -> dict:
    check_write_scope(context)
    return mass_update(context, body)


def update_admin_catalog_product(context: RequestContext, id: int, body: dict) -> dict:
    check_write_scope(context)
    refuse_nul(body)
    try:
        with database.atomic():
            update = ProductUpdate(context, find_product(id), body)
            update.check()
            update.write()
            reindex_products([id])
            changed = Product.get_by_id(id)
            outbox.emit_product("product.updated", id, changed.sku, changed.type)
    except IntegrityError:
        ProductUpdate(context, find_product(id), body).check()  # a concurrent write took a SKU or URL key
        raise
    delete_unused_files(update.removed_files)
    return {**detail_document(Product.get_by_id(id), context), "_warnings": update.warnings}


def delete_admin_catalog_product(context: RequestContext, id: int):
    with database.atomic():
        files, holders = image_paths([id]), holders_of({id}) - {id}
        gone = find_product(id)
        generic_delete(context, id)
        outbox.emit_product("product.deleted", id, gone.sku, gone.type)
        refresh_price_ranges(holders)
        reindex_products([id])
    delete_unused_files(files)
    return None, 204


def patch_admin_product(context: RequestContext, id: int, body: dict) -> dict:
    return update_admin_catalog_product(context, id, body)


def delete_admin_product(context: RequestContext, id: int):
    return delete_admin_catalog_product(context, id)


def mass_delete_admin_catalog_products(context: RequestContext, body: dict) -> dict:
    """Best effort: unknown ids are skipped; the answer echoes the ids requested."""
    requested = list(dict.fromkeys(body["indices"]))
    with database.atomic():
        files, holders = image_paths(requested), holders_of(set(requested)) - set(requested)
        existing = list(Product.select(Product.id, Product.sku, Product.type).where(Product.id.in_(requested)))
        result = generic_mass_delete(context, body)
        for gone in existing:
            outbox.emit_product("product.deleted", gone.id, gone.sku, gone.type)
        refresh_price_ranges(holders)
        reindex_products(requested)
    delete_unused_files(files)
    return {**result, "deleted": requested}


def mass_update_status_admin_catalog_products(context: RequestContext, body: dict) -> dict:
    requested = list(dict.fromkeys(body["indices"]))
    with database.atomic():
        result = generic_mass_update_status(context, body)
        for changed in Product.select(Product.id, Product.sku, Product.type).where(Product.id.in_(result["updated"])):
            outbox.emit_product("product.updated", changed.id, changed.sku, changed.type)
        refresh_price_ranges(result["updated"])  # composites price only their enabled parts
        reindex_products(result["updated"])  # a disabled product leaves the search
    return {**result, "updated": requested}




def copy_admin_catalog_product(context: RequestContext, source_id: int, body: dict | None = None) -> dict:
    source = find_product(source_id)
    copier = ProductCopy(media_storage())
    try:
        with database.atomic():
            copy = copier.copy(source)
            reindex_products([copy.id])
            outbox.emit_product("product.created", copy.id, copy.sku, copy.type)
    except BaseException:
        for path in copier.saved_files:
            media_storage().delete(path)
        raise
    name = ProductTranslation.select(ProductTranslation.name).where(
        ProductTranslation.product == copy.id, ProductTranslation.locale.in_(context.locales)).order_by(
        ProductTranslation.locale != context.locale).scalar()
    return {"id": copy.id, "sourceId": source.id, "sku": copy.sku, "type": copy.type, "name": name,
            "success": True, "message": "Product copied successfully."}


# --- images -------------------------------------------------------------------------------------

def upload_admin_catalog_product_image(context: RequestContext, product_id: int, body: dict):
    """`body` holds the form fields: `image` (the uploaded file) and `position`."""
    return created(upload_image(context, product_id, body.get("image"), body.get("position")))


def reorder_admin_catalog_product_images(context: RequestContext, product_id: int, body: dict) -> dict:
    images = reorder_images(context, product_id, body["order"])
    return {"success": True, "message": "Product images reordered successfully.", "images": images}


def delete_admin_catalog_product_image(context: RequestContext, product_id: int, id: int) -> dict:
    delete_image(product_id, id)
    return {"success": True, "message": "Product image deleted successfully."}


# --- inventories ----------------------------------------------------------------------------------

def inventory_list(product_id: int) -> dict:
    rows = [inventory_document(row) for row in inventory_rows(product_id)]
    return {"data": rows, "meta": {**whole_list_meta(len(rows)), "totalQty": sum(row["qty"] for row in rows)}}


def whole_list_meta(count: int) -> dict:
    """Envelope metadata of a list returned whole, on one page."""
    return {"currentPage": 1, "perPage": count, "lastPage": 1, "total": count, "from": 1 if count else None,
            "to": count or None}


def list_admin_catalog_product_inventories(context: RequestContext, product_id: int) -> dict:
    return inventory_list(find_product(product_id).id)


def update_admin_catalog_product_inventories(context: RequestContext, product_id: int, body: dict) -> dict:
    """Upsert the listed sources; the others keep their quantities."""
    product = find_product(product_id)
    quantities, errors = {}, {}
    for key, qty in body["inventories"].items():
        if not re.fullmatch(r"\d{1,10}", str(key)):
            errors[f"inventories.{key}"] = ["Keys are inventory source ids."]
        else:
            quantities[int(key)] = qty
    known = {sid for (sid,) in InventorySource.select(InventorySource.id)
             .where(InventorySource.id.in_(list(quantities))).tuples()}
    for source_id in quantities:
        if source_id not in known:
            errors[f"inventories.{source_id}"] = [f"The selected inventory source {source_id} is invalid."]
    if errors:
        raise Unprocessable(errors)
    with database.atomic():
        before = dict(ProductInventory.select(ProductInventory.inventory_source, ProductInventory.qty)
                      .where(ProductInventory.product == product.id).tuples())
        for source_id, qty in quantities.items():
            (ProductInventory.insert(product=product.id, inventory_source=source_id, qty=qty)
             .on_conflict(conflict_target=[ProductInventory.product, ProductInventory.inventory_source],
                          update={ProductInventory.qty: qty}).execute())
            if qty != before.get(source_id, 0):
                outbox.emit_stock(product.id, source_id, qty - before.get(source_id, 0), "admin_update")
        Product.update(updated_at=utcnow()).where(Product.id == product.id).execute()
    return inventory_list(product.id)


# --- customer-group prices ---------------------------------------------------------------------------

def list_admin_catalog_product_customer_group_prices(context: RequestContext, product_id: int) -> dict:
    rows = [group_price_document(row, name) for row, name in group_prices([find_product(product_id).id])]
    return {"data": rows, "meta": whole_list_meta(len(rows))}


def group_price_values(product_id: int, body: dict, row: ProductCustomerGroupPrice | None) -> dict:
    """The row's columns after the change; 422 for an unknown group, a discount over 100 % or a
    quantity and group the product already prices."""
    values = {"qty": row.qty, "value_type": row.value_type, "value": row.value,
              "customer_group": row.customer_group_id} if row else {}
    values.update({key: body[key] for key in ("qty", "value_type") if key in body})
    if "value" in body:
        values["value"] = Decimal(str(body["value"])).quantize(Decimal("0.0001"))
    if "customer_group_id" in body:
        values["customer_group"] = body["customer_group_id"]
    values.setdefault("customer_group", None)
    errors = {}
    group = values["customer_group"]
    if group is not None and not CustomerGroup.select().where(CustomerGroup.id == group).exists():
        errors["customer_group_id"] = ["The selected customer group id is invalid."]
    if values["value_type"] == "discount" and values["value"] > 100:
        errors["value"] = ["A discount is a percentage of at most 100."]
    clash = ProductCustomerGroupPrice.select().where(
        ProductCustomerGroupPrice.product == product_id, ProductCustomerGroupPrice.qty == values["qty"],
        ProductCustomerGroupPrice.customer_group.is_null() if group is None
        else ProductCustomerGroupPrice.customer_group == group)
    if row is not None:
        clash = clash.where(ProductCustomerGroupPrice.id != row.id)
    if clash.exists():
        errors["qty"] = ["A price for this quantity and customer group already exists."]
    if errors:
        raise Unprocessable(errors)
    return {**values, "unique_id": group_price_key(product_id, group, values["qty"])}


def group_price_answer(row_id: int) -> dict:
    row = ProductCustomerGroupPrice.get_by_id(row_id)
    name = CustomerGroup.select(CustomerGroup.name).where(CustomerGroup.id == row.customer_group_id).scalar()
    return group_price_document(row, name)


def find_group_price(product_id: int, id: int) -> ProductCustomerGroupPrice:
    find_product(product_id)
    row = ProductCustomerGroupPrice.get_or_none(ProductCustomerGroupPrice.id == id,
                                                ProductCustomerGroupPrice.product == product_id)
    if row is None:
        raise NotFound("Customer-group price")
    return row


def create_admin_catalog_product_customer_group_price(context: RequestContext, product_id: int, body: dict):
    product = find_product(product_id)
    try:
        with database.atomic():
            row = ProductCustomerGroupPrice.create(product=product.id, **group_price_values(product.id, body, None))
            Product.update(updated_at=utcnow()).where(Product.id == product.id).execute()
    except IntegrityError:
        group_price_values(product.id, body, None)  # a concurrent request added the same quantity and group
        raise
    return created(group_price_answer(row.id))


def update_admin_catalog_product_customer_group_price(context: RequestContext, product_id: int, id: int,
                                                      body: dict) -> dict:
    try:
        with database.atomic():
            row = find_group_price(product_id, id)
            ProductCustomerGroupPrice.update(group_price_values(product_id, body, row)).where(
                ProductCustomerGroupPrice.id == row.id).execute()
            Product.update(updated_at=utcnow()).where(Product.id == product_id).execute()
    except IntegrityError:
        group_price_values(product_id, body, find_group_price(product_id, id))
        raise
    return group_price_answer(id)


def delete_admin_catalog_product_customer_group_price(context: RequestContext, product_id: int, id: int) -> dict:
    with database.atomic():
        find_group_price(product_id, id).delete_instance()
        Product.update(updated_at=utcnow()).where(Product.id == product_id).execute()
    return {"message": "Customer-group price deleted successfully."}


# --- GraphQL ---------------------------------------------------------------------------------------

def flatten_extras(data: dict) -> dict:
    """`extras` holds the attribute codes without a named argument; they join the body's top level."""
    extras = data.get("extras") or {}
    if not isinstance(extras, dict):
        raise InvalidRequest({"extras": ["Must be an object of attribute codes."]})
    return {**{key: value for key, value in data.items() if key != "extras"}, **extras}


def owner_and_key(value, collection: str, model) -> tuple[int, int]:
    """(product id, row id) from `/api/admin/catalog/products/12/<collection>/47`, or from the row's id."""
    product_id, key = parse_nested_id(value, f"/api/admin/catalog/products/{{productId}}/{collection}/{{id}}")
    if product_id is None:
        product_id = model.select(model.product).where(model.id == key).scalar()
    if product_id is None:
        raise NotFound("Product image" if model is ProductImage else "Customer-group price")
    return product_id, key


def graphql_update_admin_catalog_product_inventories(context: RequestContext, input: dict) -> dict:
    body = {"inventories": input.get("inventories")}
    result = update_admin_catalog_product_inventories(context, parse_id(input.get("productId"), "productId"), body)
    first_source = next(iter(body["inventories"]), None)
    first = next((row for row in result["data"] if str(row["sourceId"]) == str(first_source)), None)
    return {"adminCatalogProductInventory": first, "inventories": result["data"], "totalQty": result["meta"]["totalQty"]}


def graphql_delete_admin_catalog_product_customer_group_price(context: RequestContext, input: dict) -> dict:
    product_id, price_id = owner_and_key(input.get("id"), "customer-group-prices", ProductCustomerGroupPrice)
    result = delete_admin_catalog_product_customer_group_price(context, product_id, price_id)
    return {"id": price_id, "productId": product_id, "success": True, "message": result["message"]}


def attribute_values(data: dict) -> dict:
    """admin-api.md's `attributes: [{code, value}]`: each code joins the body's top level, as `extras` do."""
    values = {item["code"]: item.get("value") for item in data.get("attributes") or ()}
    return {**{key: value for key, value in data.items() if key != "attributes"}, **values}


def one_source_stock(data: dict) -> dict:
    """admin-api.md's `updateInventory`: one source's quantity, as the inventories body's map."""
    rest = {key: value for key, value in data.items() if key not in ("warehouseId", "quantity")}
    return {**rest, "inventories": {str(data.get("warehouseId")): data.get("quantity")}}


def row_warehouse(row: dict, _info) -> dict:
    return {"id": row["sourceId"], "code": row["sourceCode"], "name": row["sourceName"]}


graphql_resolvers = {
    "AdminCatalogProduct": {"prices": prices_connection},
    "AdminCatalogProductImage": {"type": lambda _image, _info: "image"},  # the only kind stored
    # admin-api.md's names of a stock row; nothing is reserved (stock leaves the source when an order is placed)
    "AdminCatalogProductInventoryRow": {
        "warehouseId": "sourceId", "quantity": "qty", "availableQuantity": "qty", "warehouse": row_warehouse,
        "reservedQuantity": lambda _row, _info: 0}}
