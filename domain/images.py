"""The upload guard for images: a file is taken only when it is a whole, decodable bmp, jpeg, png or
webp image (docs/security.md, "Uploads").

Product images and profile pictures must be of the type their name or data URL declares; review
attachments are stored under the type their bytes turn out to be (clients label data URLs loosely).
"""
import base64
import binascii
import io
import re
import struct

from PIL import Image, UnidentifiedImageError

from domain.errors import Unprocessable
from storage.files import max_image_bytes

# kind -> (declared content types accepted, magic-byte test)
IMAGE_TYPES = {
    "bmp": (("image/bmp", "image/x-bmp", "image/x-ms-bmp"), lambda head: head.startswith(b"BM")),
    "jpeg": (("image/jpeg", "image/pjpeg", "image/jpg"), lambda head: head.startswith(b"\xff\xd8\xff")),
    "png": (("image/png",), lambda head: head.startswith(b"\x89PNG\r\n\x1a\n")),
    "webp": (("image/webp",), lambda head: head[:4] == b"RIFF" and head[8:12] == b"WEBP"),
}
PILLOW_FORMATS = {"bmp": "BMP", "jpeg": "JPEG", "png": "PNG", "webp": "WEBP"}
STORED_EXTENSIONS = {"bmp": "bmp", "jpeg": "jpg", "png": "png", "webp": "webp"}
MAX_IMAGE_PIXELS = 40_000_000  # width x height of one frame (a 2 MB file can declare far more)
MAX_DECODED_PIXELS = 100_000_000  # all frames of an animated image together
DATA_URL = re.compile(r"data:([a-z]+/[a-z0-9+.-]+);base64,([A-Za-z0-9+/=\s]*)", re.IGNORECASE)


def decoding_problem(data: bytes, kind: str) -> str | None:
    """Why `data` is not a whole `kind` image (None when Pillow decodes every frame of it as that format):
    a structural check (`verify`: chunk checksums, markers), then a full decode of each frame, refusing
    dimensions that would take too much memory before any pixel is decoded."""
    undecodable = f"The image could not be decoded as a {kind} image."
    try:
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
            image.verify()
        with Image.open(io.BytesIO(data), formats=[PILLOW_FORMATS[kind]]) as image:
            pixels, frames = image.width * image.height, getattr(image, "n_frames", 1)
            if pixels > MAX_IMAGE_PIXELS or pixels * frames > MAX_DECODED_PIXELS:
                return f"The image may not have more than {MAX_IMAGE_PIXELS} pixels."
            for frame in range(frames):
                image.seek(frame)
                image.load()
    except Image.DecompressionBombError:
        return f"The image may not have more than {MAX_IMAGE_PIXELS} pixels."
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError, MemoryError, struct.error):
        return undecodable
    return None


def data_url(value, field: str) -> tuple[str, bytes]:
    """(content type, bytes) of a `data:<type>;base64,<data>` URL; 422 naming `field` otherwise."""
    match = DATA_URL.fullmatch(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise Unprocessable({field: ["Send the image as a data URL: data:image/<type>;base64,<data>."]})
    try:
        raw = base64.b64decode(re.sub(r"\s", "", match[2]), validate=True)
    except (binascii.Error, ValueError):
        raise Unprocessable({field: ["The image is not valid base64."]}) from None
    return match[1].lower(), raw


def detected_image(data: bytes, field: str) -> tuple[bytes, str]:
    """The bytes and stored extension of an image whose type its bytes tell (signature, then a whole
    decode as that type); 422 naming `field` when it is empty, too large or no permitted image."""
    if not data:
        raise Unprocessable({field: ["The image is empty."]})
    limit = max_image_bytes()
    if len(data) > limit:
        raise Unprocessable({field: [f"The image may not be greater than {limit // 1024} kilobytes."]})
    kind = next((kind for kind, (_, looks_right) in IMAGE_TYPES.items() if looks_right(data[:16])), None)
    if kind is None:
        raise Unprocessable({field: ["The file must be an image of type: bmp, jpeg, jpg, png, webp."]})
    problem = decoding_problem(data, kind)
    if problem:
        raise Unprocessable({field: [problem]})
    return data, STORED_EXTENSIONS[kind]
