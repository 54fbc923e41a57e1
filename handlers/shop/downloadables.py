"""The signed-in customer's downloadable purchases over REST and GraphQL, and the download itself.

rest-api/shop/customer-downloadable-products/*.md; graphql-api/shop/queries/
get-customer-downloadable-product(s).md, download-downloadable-product.md.

A purchase is `pending` until a paid invoice covers its order item, then `available`, and
`expired` once every bought download is used (or its item is canceled). `downloadBought` 0 means
unlimited (`remainingDownloads` null). Each download is counted by one conditional UPDATE, so
concurrent downloads can never exceed the limit. File links are served from a private folder
(DOWNLOADS_ROOT, default var/downloads), never from the public media folder, so only a purchase
reaches them; URL links answer a redirect to the URL.
"""
import mimetypes
import os
from pathlib import Path, PurePosixPath
from urllib.parse import urlparse

from peewee import Case
from starlette.responses import FileResponse, RedirectResponse

from domain.common import Page, RequestContext, Window, iso, json_number
from handlers.shop.orders import sales_context
from domain.customers import current_customer_id
from domain.errors import ApiError, InvalidRequest
from storage.models import utcnow
from storage.sales_models import DownloadableLinkPurchased, Order

STATUSES = ("available", "expired", "pending")
DEFAULT_DOWNLOADS_ROOT = "var/downloads"


class PurchaseNotFound(ApiError):
    def __init__(self, purchase_id: int):
        super().__init__(404, f'Customer downloadable product with ID "{purchase_id}" not found', "not_found")


class DownloadNotAvailable(ApiError):
    def __init__(self):
        super().__init__(403, "This download is not available yet: the order has not been invoiced and paid.",
                         "download_not_available")


class DownloadLimitReached(ApiError):
    def __init__(self):
        super().__init__(403, "Download limit reached: every download of this link has been used.",
                         "download_limit_reached")


class DownloadFileMissing(ApiError):
    def __init__(self):
        super().__init__(404, "The file of this download is not available.", "file_not_found")


def own_purchases(context: RequestContext):
    return (DownloadableLinkPurchased.select(DownloadableLinkPurchased, Order).join(Order)
            .where(DownloadableLinkPurchased.customer == current_customer_id(context)))


def own_purchase(context: RequestContext, purchase_id: int) -> DownloadableLinkPurchased:
    purchase = own_purchases(context).where(DownloadableLinkPurchased.id == purchase_id).first()
    if purchase is None:
        raise PurchaseNotFound(purchase_id)
    return purchase


def list_customer_downloadable_products(context: RequestContext, window: Window, status: str | None = None) -> Page:
    if status is not None and status not in STATUSES:
        raise InvalidRequest({"status": [f"Must be one of {', '.join(STATUSES)}."]})
    query = own_purchases(context)
    if status:
        query = query.where(DownloadableLinkPurchased.status == status)
    purchases = list(query.order_by(DownloadableLinkPurchased.created_at.desc(), DownloadableLinkPurchased.id.desc())
                     .offset(window.offset).limit(window.limit))
    return Page(purchase_documents(context, purchases), query.count())


def get_customer_downloadable_product(context: RequestContext, id: int) -> dict:
    return purchase_documents(context, [own_purchase(context, id)])[0]


def remaining(purchase: DownloadableLinkPurchased) -> int | None:
    if not purchase.download_bought:
        return None
    return max(purchase.download_bought - purchase.download_used - purchase.download_canceled, 0)


def file_name(purchase: DownloadableLinkPurchased) -> str | None:
    path = purchase.file if purchase.type == "file" else urlparse(purchase.url or "").path
    return PurePosixPath(path).name or None if path else None


def purchase_documents(context: RequestContext, purchases: list[DownloadableLinkPurchased]) -> list[dict]:
    if not purchases:
        return []
    sales = sales_context(context, [purchase.order for purchase in purchases])
    documents = []
    for purchase in purchases:
        order = purchase.order
        documents.append({
            "id": purchase.id, "productName": purchase.product_name, "name": purchase.name, "url": purchase.url,
            "file": purchase.file, "fileName": file_name(purchase), "type": purchase.type,
            "downloadBought": purchase.download_bought, "downloadUsed": purchase.download_used,
            "downloadCanceled": purchase.download_canceled, "status": purchase.status,
            "remainingDownloads": remaining(purchase), "customerId": purchase.customer_id,
            "orderId": purchase.order_id, "orderItemId": purchase.order_item_id,
            "order": {"id": order.id, "incrementId": order.increment_id, "status": order.status,
                      "grandTotal": json_number(order.grand_total)},
            "downloadUrl": sales.url(order.channel_id,
                                     f"/api/shop/customer-downloadable-products/{purchase.id}/download"),
            "createdAt": iso(purchase.created_at), "updatedAt": iso(purchase.updated_at),
        })
    return documents


def download_customer_downloadable_product(context: RequestContext, id: int):
    purchase = own_purchase(context, id)
    if purchase.status == "pending":
        raise DownloadNotAvailable()
    if purchase.status != "available" or remaining(purchase) == 0:
        raise DownloadLimitReached()
    target = download_target(purchase)
    if not count_download(purchase.id):
        raise DownloadLimitReached()
    if isinstance(target, Path):
        media_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        return FileResponse(target, media_type=media_type, filename=target.name)
    return RedirectResponse(target, status_code=302)


def download_target(purchase: DownloadableLinkPurchased) -> Path | str:
    """The file inside the media folder, or the http(s) URL; 404 when neither exists."""
    if purchase.type == "url":
        if urlparse(purchase.url or "").scheme in ("http", "https"):
            return purchase.url
        raise DownloadFileMissing()
    root = Path(os.environ.get("DOWNLOADS_ROOT", DEFAULT_DOWNLOADS_ROOT)).resolve()
    path = (root / (purchase.file or "")).resolve()
    if not purchase.file or not path.is_relative_to(root) or not path.is_file():
        raise DownloadFileMissing()
    return path


def count_download(purchase_id: int) -> bool:
    """Use one download if any is left; the last one also expires the purchase."""
    model = DownloadableLinkPurchased
    left = model.download_bought - model.download_used - model.download_canceled
    used_up = (model.download_bought > 0) & (left <= 1)
    return (model.update(download_used=model.download_used + 1, updated_at=utcnow(),
                         status=Case(None, [(used_up, "expired")], model.status))
            .where(model.id == purchase_id, model.status == "available", (model.download_bought == 0) | (left > 0))
            .execute()) == 1
