"""Type-specific product sub-resources: grouped members, bundle options and selections, downloadable
links and samples (rest-api/shop/products/product-type-subresources.md), as the documented flat rows
with IRIs; the product document inlines the same relations (handlers.shop.product_relations).
"""
from domain.catalog.visibility import enabled_in_channel
from domain.common import Page, Window, paginate
from domain.errors import NotFound
from handlers.shop.product_relations import (
    bundle_option_document, bundle_option_rows, group_by, grouped_document, grouped_rows, iri,
    link_document, link_rows, product_iri, sample_document, sample_download_base, selection_document, selection_rows,
    translation_document,
)
from handlers.shop.products import require_product
from storage.models import (
    Product, ProductBundleOption, ProductBundleOptionProduct, ProductDownloadableLink, ProductGroupedProduct,
)


# --- sub-resources of one product -------------------------------------------------------------

def list_product_grouped_products(context, product_id: int) -> list[dict]:
    rows = grouped_rows([require_product(context, product_id)], context)
    return [grouped_document(row, product_iri(row.associated_product_id)) for row in rows]


def list_product_bundle_options(context, product_id: int) -> list[dict]:
    options = bundle_option_rows([require_product(context, product_id)])
    return flat_bundle_options(options, context)


def flat_bundle_options(options, context) -> list[dict]:
    selections = group_by(selection_rows([option.id for option in options], context),
                          lambda row: row.bundle_option_id)
    return [bundle_option_document(option, [iri("product-bundle-option-products", row.id)
                                            for row in selections.get(option.id, [])]) for option in options]


def list_product_downloadable_links_of_product(context, product_id: int) -> list[dict]:
    base = sample_download_base(context)
    return [link_document(link, context, base) for link in link_rows([require_product(context, product_id)])]


def list_product_downloadable_samples_of_product(context, product_id: int) -> list[dict]:
    base = sample_download_base(context)
    return [sample_document(link, base) for link in link_rows([require_product(context, product_id)], True)]


# --- root collections and single rows -------------------------------------------------------------

def visible_rows(model, owner, context):
    """Rows of `model` whose owning product (`owner` = the Product id column) is enabled in the channel."""
    return model.select(model).join(Product, on=(owner == Product.id)).where(enabled_in_channel(context))


def bundle_options_query(context):
    return visible_rows(ProductBundleOption, ProductBundleOption.product, context)


def selections_query(context):
    bundles = bundle_options_query(context).select(ProductBundleOption.id)
    return (visible_rows(ProductBundleOptionProduct, ProductBundleOptionProduct.product, context)
            .where(ProductBundleOptionProduct.bundle_option.in_(bundles)))


def links_query(context, samples_only=False):
    query = visible_rows(ProductDownloadableLink, ProductDownloadableLink.product, context)
    return query.where(ProductDownloadableLink.sample_type.is_null(False)) if samples_only else query


def single(query, model, key: int, what: str):
    row = query.where(model.id == key).first()
    if row is None:
        raise NotFound(what)
    return row


def get_product_grouped_product(context, id: int) -> dict:
    member = Product.alias()
    query = (visible_rows(ProductGroupedProduct, ProductGroupedProduct.product, context)
             .join(member, on=(ProductGroupedProduct.associated_product == member.id))
             .where(member.status == True))  # noqa: E712
    row = single(query, ProductGroupedProduct, id, "Grouped product")
    return grouped_document(row, product_iri(row.associated_product_id))


def get_product_bundle_option(context, id: int) -> dict:
    option = single(bundle_options_query(context), ProductBundleOption, id, "Bundle option")
    return flat_bundle_options([option], context)[0]


def list_product_bundle_option_products(context, window: Window) -> Page:
    return paginate(selections_query(context).order_by(ProductBundleOptionProduct.id), window,
                    lambda row: selection_document(row, product_iri(row.product_id)))


def get_product_bundle_option_product(context, id: int) -> dict:
    row = single(selections_query(context), ProductBundleOptionProduct, id, "Bundle option product")
    return selection_document(row, product_iri(row.product_id))


def bundle_option_translation(option, context) -> dict:
    return translation_document(option.id, context, {"label": option.label},
                                {"bundleOption": iri("product_bundle_options", option.id)})


def list_product_bundle_option_translations(context, window: Window) -> Page:
    return paginate(bundle_options_query(context).order_by(ProductBundleOption.id), window,
                    lambda option: bundle_option_translation(option, context))


def get_product_bundle_option_translation(context, id: int) -> dict:
    option = single(bundle_options_query(context), ProductBundleOption, id, "Bundle option translation")
    return bundle_option_translation(option, context)


def list_product_downloadable_links(context, window: Window) -> Page:
    base = sample_download_base(context)
    return paginate(links_query(context).order_by(ProductDownloadableLink.id), window,
                    lambda link: link_document(link, context, base))


def get_product_downloadable_link(context, id: int) -> dict:
    link = single(links_query(context), ProductDownloadableLink, id, "Downloadable link")
    return link_document(link, context, sample_download_base(context))


def link_translation(link, context) -> dict:
    return translation_document(link.id, context, {"title": link.title},
                                {"downloadableLink": iri("product-downloadable-links", link.id)})


def list_product_downloadable_link_translations(context, window: Window) -> Page:
    return paginate(links_query(context).order_by(ProductDownloadableLink.id), window,
                    lambda link: link_translation(link, context))


def get_product_downloadable_link_translation(context, id: int) -> dict:
    link = single(links_query(context), ProductDownloadableLink, id, "Downloadable link translation")
    return link_translation(link, context)


def list_product_downloadable_samples(context, window: Window) -> Page:
    base = sample_download_base(context)
    return paginate(links_query(context, samples_only=True).order_by(ProductDownloadableLink.id), window,
                    lambda link: sample_document(link, base))


def get_product_downloadable_sample(context, id: int) -> dict:
    link = single(links_query(context, samples_only=True), ProductDownloadableLink, id, "Downloadable sample")
    return sample_document(link, sample_download_base(context))


def sample_translation(link, context) -> dict:
    return translation_document(link.id, context, {"title": link.title},
                                {"downloadableSample": iri("product-downloadable-samples", link.id)})


def list_product_downloadable_sample_translations(context, window: Window) -> Page:
    return paginate(links_query(context, samples_only=True).order_by(ProductDownloadableLink.id), window,
                    lambda link: sample_translation(link, context))


def get_product_downloadable_sample_translation(context, id: int) -> dict:
    link = single(links_query(context, samples_only=True), ProductDownloadableLink, id,
                  "Downloadable sample translation")
    return sample_translation(link, context)


def download_product_sample(context, id: int):
    """Redirect to the sample: its URL, or the public media URL of its file."""
    link = single(links_query(context, samples_only=True), ProductDownloadableLink, id, "Sample")
    target = link.sample_url if link.sample_type == "url" else context.media(link.sample_file)
    return None, 302, {"Location": target}
