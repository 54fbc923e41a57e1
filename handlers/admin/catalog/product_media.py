"""Product images: multipart upload with type and size checks, reorder, delete (row and file).

An upload must be a whole, decodable image of the type its name declares: the first bytes are
checked, then Pillow decodes every frame (docs/security.md, "Uploads"). Files go through
`storage.files.media_storage()`; the database keeps the relative path, which the shop and the admin
API turn into the same public URL.
"""
import secrets

from handlers.admin.catalog.product_documents import image_document
from domain.common import RequestContext
from domain.images import IMAGE_TYPES, decoding_problem
from domain.errors import NotFound, Unprocessable
from storage.db import database
from storage.files import max_image_bytes, media_storage
from storage.models import Product, ProductImage, ProductVideo, utcnow

EXTENSIONS = {"bmp": "bmp", "jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp"}
GENERIC_TYPES = ("", "application/octet-stream")  # clients that do not say: the extension and bytes decide


def invalid_image(message: str):
    return Unprocessable({"image": [message]})


def read_image(upload) -> tuple[bytes, str]:
    """The bytes and stored extension of an uploaded file (`filename`, `content_type`, `file`);
    422 naming `image` when it is missing, empty, too large or not a bmp/jpeg/png/webp image."""
    if upload is None or not hasattr(upload, "file"):
        raise invalid_image("The image field is required.")
    extension = (upload.filename or "").rsplit(".", 1)[-1].lower() if "." in (upload.filename or "") else ""
    kind = EXTENSIONS.get(extension)
    if kind is None:
        raise invalid_image("The image must be a file of type: bmp, jpeg, jpg, png, webp.")
    limit = max_image_bytes()
    data = upload.file.read(limit + 1)
    if not data:
        raise invalid_image("The image is empty.")
    if len(data) > limit:
        raise invalid_image(f"The image may not be greater than {limit // 1024} kilobytes.")
    content_types, looks_right = IMAGE_TYPES[kind]
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if declared not in content_types + GENERIC_TYPES:
        raise invalid_image(f"The image is declared as {declared}, which does not match its .{extension} name.")
    if not looks_right(data[:16]):
        raise invalid_image(f"The image content is not a {kind} image.")
    problem = decoding_problem(data, kind)
    if problem:
        raise invalid_image(problem)
    return data, "jpg" if kind == "jpeg" else kind


def find_product(product_id: int) -> Product:
    product = Product.get_or_none(Product.id == product_id)
    if product is None:
        raise NotFound("Product")
    return product


def upload_image(context: RequestContext, product_id: int, upload, position: int | None) -> dict:
    """Store the file, then the row; images at `position` or after move one down (last when None)."""
    product = find_product(product_id)
    data, extension = read_image(upload)
    path = f"product/{product.id}/{secrets.token_hex(16)}.{extension}"
    storage = media_storage()
    storage.save(path, data)
    try:
        with database.atomic():
            if position is None:
                last = (ProductImage.select(ProductImage.position).where(ProductImage.product == product.id)
                        .order_by(ProductImage.position.desc()).scalar())
                position = (last or 0) + 1
            else:
                ProductImage.update(position=ProductImage.position + 1).where(
                    ProductImage.product == product.id, ProductImage.position >= position).execute()
            image = ProductImage.create(product=product.id, type="images", path=path, position=position)
            Product.update(updated_at=utcnow()).where(Product.id == product.id).execute()
    except BaseException:
        storage.delete(path)
        raise
    return image_document(image, context)


def reorder_images(context: RequestContext, product_id: int, order: list[dict]) -> list[dict]:
    """Set each listed image's position; every id must be an image of the product (422 otherwise)."""
    product = find_product(product_id)
    owned = {image_id for (image_id,) in ProductImage.select(ProductImage.id)
             .where(ProductImage.product == product.id).tuples()}
    foreign = [str(entry["id"]) for entry in order if entry["id"] not in owned]
    if foreign:
        raise Unprocessable({"order": [f"Not images of product {product.id}: {', '.join(foreign)}."]})
    with database.atomic():
        for entry in order:
            ProductImage.update(position=entry["position"]).where(ProductImage.id == entry["id"]).execute()
        Product.update(updated_at=utcnow()).where(Product.id == product.id).execute()
    images = ProductImage.select().where(ProductImage.product == product.id).order_by(
        ProductImage.position, ProductImage.id)
    return [image_document(image, context) for image in images]


def delete_image(product_id: int, image_id: int):
    """Remove the row, then the file (a file another row still uses, e.g. after a copy, is kept)."""
    image = ProductImage.get_or_none(ProductImage.id == image_id, ProductImage.product == product_id)
    if image is None:
        raise NotFound("Product image")
    with database.atomic():
        image.delete_instance()
        Product.update(updated_at=utcnow()).where(Product.id == product_id).execute()
    delete_unused_files([image.path])


def delete_unused_files(paths):
    """Delete the files no image or video row points at any more."""
    paths = set(paths)
    if not paths:
        return
    used = {path for model in (ProductImage, ProductVideo)
            for (path,) in model.select(model.path).where(model.path.in_(list(paths))).tuples()}
    storage = media_storage()
    for path in paths - used:
        storage.delete(path)
