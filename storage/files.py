"""Uploaded files (product images): a small storage interface and its local-folder implementation.

Handlers only see `FileStorage`: `save` a file under a relative path such as
`product/12/3f9c….webp`, `read` it back, `delete` it, and ask its public `url`. The database stores
the relative path; the shop and the admin API turn it into a URL with the same media base
(`MEDIA_URL`), which the app serves from `LocalFileStorage.root`. An object store (S3, GCS) fits the
same protocol: the path becomes the object key and `url` the bucket or CDN address.
"""
import os
import tempfile
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Protocol

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MEDIA_ROOT = ROOT / "var" / "media"
DEFAULT_MEDIA_URL = "http://127.0.0.1:8000/storage"
DEFAULT_MAX_IMAGE_BYTES = 2 * 1024 * 1024


# Folders of the storage that are never served under MEDIA_URL: files only the admin API hands out
# (import files and their error reports may hold customer data).
PRIVATE_FOLDERS = ("imports",)


def is_private(path: str) -> bool:
    parts = PurePosixPath(path).parts
    return bool(parts) and parts[0] in PRIVATE_FOLDERS


class FileStorage(Protocol):
    def save(self, path: str, data: bytes) -> None: ...

    def read(self, path: str) -> bytes | None: ...

    def delete(self, path: str) -> None: ...

    def url(self, path: str) -> str: ...


def safe_relative(path: str) -> PurePosixPath:
    """A relative path that stays inside the storage root (no `..`, no absolute paths)."""
    relative = PurePosixPath(path)
    if not path or relative.is_absolute() or ".." in relative.parts or "\\" in path:
        raise ValueError(f"not a storage path: {path!r}")
    return relative


class LocalFileStorage:
    """Files in a folder on this machine; writes are atomic (temporary file, then rename)."""

    def __init__(self, root: Path | str, base_url: str):
        self.root = Path(root)
        self.base_url = base_url.rstrip("/")

    def location(self, path: str) -> Path:
        return self.root.joinpath(*safe_relative(path).parts)

    def save(self, path: str, data: bytes) -> None:
        target = self.location(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".upload-")
        try:
            with os.fdopen(handle, "wb") as stream:
                stream.write(data)
            os.replace(temporary, target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise

    def read(self, path: str) -> bytes | None:
        try:
            return self.location(path).read_bytes()
        except (FileNotFoundError, IsADirectoryError, ValueError):
            return None

    def delete(self, path: str) -> None:
        try:
            self.location(path).unlink(missing_ok=True)
        except (IsADirectoryError, ValueError):
            pass

    def url(self, path: str) -> str:
        return f"{self.base_url}/{safe_relative(path)}"


@lru_cache(maxsize=1)
def media_storage() -> LocalFileStorage:
    """The configured storage: `MEDIA_ROOT` (default var/media) served under `MEDIA_URL`."""
    return LocalFileStorage(os.environ.get("MEDIA_ROOT") or DEFAULT_MEDIA_ROOT,
                            os.environ.get("MEDIA_URL") or DEFAULT_MEDIA_URL)


def max_image_bytes() -> int:
    """Largest accepted product image (`MAX_IMAGE_BYTES`, default 2 MB)."""
    return int(os.environ.get("MAX_IMAGE_BYTES") or DEFAULT_MAX_IMAGE_BYTES)
