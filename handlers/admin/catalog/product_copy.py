"""Admin product copy: a disabled copy of a product with every relation (and of a configurable
product's variants)."""
from handlers.admin.catalog.product_prices import refresh_price_ranges
from domain.errors import Unprocessable
from storage.models import (
    Product, ProductAttributeValue, ProductBundleOption, ProductBundleOptionProduct,
    ProductCategory, ProductChannel, ProductCustomerGroupPrice, ProductCustomizableOption,
    ProductCustomizableOptionPrice, ProductCustomizableOptionTranslation, ProductDownloadableLink,
    ProductGroupedProduct, ProductImage, ProductInventory, ProductLink, ProductSuperAttribute,
    ProductTranslation, ProductVideo, utcnow,
)



from handlers.admin.catalog.product_values import free_code, insert_rows, skus_starting, url_keys_starting


# --- copy -----------------------------------------------------------------------------------

COPIED_COLUMNS = ("type", "attribute_family", "visible_individually", "new", "featured", "price", "special_price",
                  "special_price_from", "special_price_to", "cost", "weight", "tax_category", "manage_stock",
                  "min_price", "max_price")


class ProductCopy:
    """A disabled copy of a product (and of a configurable product's variants) with every relation;
    `saved_files` lists the image files written, so a failed copy can remove them."""

    def __init__(self, storage):
        self.storage = storage
        self.saved_files: list[str] = []

    def copy(self, source: Product) -> Product:
        if source.parent_id is not None:
            raise Unprocessable({"sourceId": ["A variant cannot be copied; copy its configurable product."]})
        copy = self.copy_one(source, parent=None)
        for variant in Product.select().where(Product.parent == source.id).order_by(Product.id):
            self.copy_one(variant, parent=copy)
        self.copy_type_structure(source, copy)
        refresh_price_ranges([copy.id])
        return copy

    def copy_one(self, source: Product, parent: Product | None) -> Product:
        now = utcnow()
        sku = free_code(f"{source.sku}-copy", skus_starting(f"{source.sku}-copy-"))
        copy = Product.create(sku=sku, parent=parent.id if parent else None,
                              status=False if parent is None else source.status, created_at=now, updated_at=now,
                              **{name: getattr(source, f"{name}_id" if name in ("attribute_family", "tax_category")
                                               else name) for name in COPIED_COLUMNS})
        self.copy_translations(source, copy, rename=parent is None)
        for model, key in ((ProductChannel, "channel"), (ProductCategory, "category")):
            insert_rows(model, [{"product": copy.id, key: getattr(row, f"{key}_id")}
                                for row in model.select().where(model.product == source.id)])
        insert_rows(ProductAttributeValue, [
            {"product": copy.id, "attribute": row.attribute_id, "locale": row.locale, "channel": row.channel,
             "text_value": row.text_value, "boolean_value": row.boolean_value, "integer_value": row.integer_value}
            for row in ProductAttributeValue.select().where(ProductAttributeValue.product == source.id)])
        insert_rows(ProductSuperAttribute, [{"product": copy.id, "attribute": row.attribute_id}
                                            for row in source.super_attribute_links])
        insert_rows(ProductInventory, [{"product": copy.id, "inventory_source": row.inventory_source_id, "qty": row.qty}
                                       for row in source.inventories])
        insert_rows(ProductCustomerGroupPrice, [
            {"product": copy.id, "customer_group": row.customer_group_id, "qty": row.qty,
             "value_type": row.value_type, "value": row.value,
             "unique_id": group_price_key(copy.id, row.customer_group_id, row.qty)}
            for row in source.customer_group_prices])
        insert_rows(ProductLink, [{"kind": row.kind, "parent": copy.id, "child": row.child_id}
                                  for row in ProductLink.select().where(ProductLink.parent == source.id)])
        self.copy_media(source, copy)
        self.copy_customizable_options(source, copy)
        return copy

    def copy_translations(self, source: Product, copy: Product, rename: bool):
        for row in ProductTranslation.select().where(ProductTranslation.product == source.id):
            url_key = free_code(f"{row.url_key}-copy", url_keys_starting(row.locale, f"{row.url_key}-copy-"))
            ProductTranslation.create(
                product=copy.id, locale=row.locale, name=f"{row.name} (Copy)" if rename else row.name,
                url_key=url_key, short_description=row.short_description, description=row.description,
                meta_title=row.meta_title, meta_keywords=row.meta_keywords, meta_description=row.meta_description)

    def copy_media(self, source: Product, copy: Product):
        for model in (ProductImage, ProductVideo):
            for row in model.select().where(model.product == source.id).order_by(model.position, model.id):
                path = row.path
                data = self.storage.read(row.path)
                if data is not None:
                    path = f"product/{copy.id}/{row.path.rsplit('/', 1)[-1]}"
                    self.storage.save(path, data)
                    self.saved_files.append(path)
                model.create(product=copy.id, type=row.type, path=path, position=row.position)

    def copy_customizable_options(self, source: Product, copy: Product):
        for option in source.customizable_options:
            created = ProductCustomizableOption.create(
                product=copy.id, type=option.type, is_required=option.is_required, sort_order=option.sort_order,
                max_characters=option.max_characters, supported_file_extensions=option.supported_file_extensions)
            insert_rows(ProductCustomizableOptionTranslation, [
                {"product_customizable_option": created.id, "locale": row.locale, "label": row.label}
                for row in option.translations])
            insert_rows(ProductCustomizableOptionPrice, [
                {"product_customizable_option": created.id, "label": row.label, "price": row.price,
                 "price_type": row.price_type, "sort_order": row.sort_order} for row in option.prices])

    def copy_type_structure(self, source: Product, copy: Product):
        insert_rows(ProductGroupedProduct, [
            {"product": copy.id, "associated_product": row.associated_product_id, "qty": row.qty,
             "sort_order": row.sort_order} for row in source.grouped_products])
        for option in source.bundle_options:
            created = ProductBundleOption.create(product=copy.id, type=option.type, is_required=option.is_required,
                                                 sort_order=option.sort_order, label=option.label)
            insert_rows(ProductBundleOptionProduct, [
                {"bundle_option": created.id, "product": row.product_id, "qty": row.qty,
                 "is_user_defined": row.is_user_defined, "is_default": row.is_default, "sort_order": row.sort_order}
                for row in option.products])
        insert_rows(ProductDownloadableLink, [
            {"product": copy.id, **{name: getattr(row, name) for name in (
                "title", "price", "type", "url", "file", "sample_type", "sample_url", "sample_file", "downloads",
                "sort_order")}} for row in source.downloadable_links])


def group_price_key(product_id: int, customer_group_id: int | None, qty: int) -> str:
    """The unique id of a customer-group price: one row per product, group (or all) and quantity."""
    return f"{product_id}|{customer_group_id if customer_group_id is not None else 'all'}|{qty}"
