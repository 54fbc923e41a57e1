"""Runtime settings, read from the environment once at start-up."""
import os
from dataclasses import dataclass, field


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class Settings:
    media_url: str = field(default_factory=lambda: os.environ.get("MEDIA_URL", "http://127.0.0.1:8000/storage"))
    # Where clients reach this API (scheme, host, port, path prefix), for the absolute URLs of API
    # paths in responses; unset: the base URL each request was sent to.
    public_url: str = field(default_factory=lambda: os.environ.get("PUBLIC_URL", ""))
    validate_responses: bool = field(default_factory=lambda: env_flag("VALIDATE_RESPONSES", False))
    worker_threads: int = field(default_factory=lambda: int(os.environ.get("WORKER_THREADS", "8")))
    key_cache_seconds: float = field(default_factory=lambda: float(os.environ.get("KEY_CACHE_SECONDS", "5")))
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated addresses or
    # CIDR ranges, "*" for any); none by default, so the client address is the TCP peer.
    forwarded_allow_ips: str = field(default_factory=lambda: os.environ.get("FORWARDED_ALLOW_IPS", "").strip())
    # Invalid storefront keys / bearer tokens one client address may present per minute before 429 (0: off).
    invalid_credentials_per_minute: int = field(
        default_factory=lambda: int(os.environ.get("INVALID_CREDENTIALS_PER_MINUTE", "20")))
    default_per_page: int = 10
    max_per_page: int = 50

    def public_base(self, request) -> str:
        """PUBLIC_URL, else the base URL `request` was sent to (taken from its Host header: set
        PUBLIC_URL in production); no trailing slash."""
        return (self.public_url or str(request.base_url)).rstrip("/")
