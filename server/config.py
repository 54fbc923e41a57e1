"""Runtime settings, read from the environment once at start-up."""
import os
from dataclasses import dataclass, field


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    return default if value is None else value.strip().lower() in ("1", "true", "yes", "on")


def env_int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def env_float(name: str, default: float) -> float:
    return float(os.environ.get(name, default))


@dataclass(frozen=True)
class Settings:
    media_url: str = field(default_factory=lambda: os.environ.get("MEDIA_URL", "http://127.0.0.1:8000/storage"))
    # Where clients reach this API (scheme, host, port, path prefix), for the absolute URLs of API
    # paths in responses; unset: the base URL each request was sent to.
    public_url: str = field(default_factory=lambda: os.environ.get("PUBLIC_URL", ""))
    validate_responses: bool = field(default_factory=lambda: env_flag("VALIDATE_RESPONSES", False))
    worker_threads: int = field(default_factory=lambda: int(os.environ.get("WORKER_THREADS", "8")))
    # The app keeps storefront keys under the settings version (domain/settings_cache.py); only the
    # benchmark's minimal baseline (bench/bare.py) still trusts a key lookup for this many seconds.
    key_cache_seconds: float = field(default_factory=lambda: float(os.environ.get("KEY_CACHE_SECONDS", "5")))
    # Proxies whose X-Forwarded-For / X-Forwarded-Proto are believed (comma-separated addresses or
    # CIDR ranges, "*" for any); none by default, so the client address is the TCP peer.
    forwarded_allow_ips: str = field(default_factory=lambda: os.environ.get("FORWARDED_ALLOW_IPS", "").strip())
    # Invalid storefront keys / bearer tokens one client address may present per minute before 429 (0: off).
    invalid_credentials_per_minute: int = field(
        default_factory=lambda: int(os.environ.get("INVALID_CREDENTIALS_PER_MINUTE", "20")))
    # Seconds a shared cache (CDN) may serve an anonymous catalog read (server/http_cache.py).
    catalog_max_age: int = field(default_factory=lambda: env_int("CATALOG_MAX_AGE", 60))
    # Replay answers built from catalog data only while it is unchanged (server/answer_cache.py).
    answer_cache: bool = field(default_factory=lambda: env_flag("ANSWER_CACHE", True))
    default_per_page: int = 10
    max_per_page: int = 50
    # GraphQL limits (docs/security.md, "GraphQL limits")
    graphql_max_document_bytes: int = field(default_factory=lambda: env_int("GRAPHQL_MAX_DOCUMENT_BYTES", 32768))
    graphql_max_tokens: int = field(default_factory=lambda: env_int("GRAPHQL_MAX_TOKENS", 5000))
    graphql_max_aliases: int = field(default_factory=lambda: env_int("GRAPHQL_MAX_ALIASES", 30))
    graphql_max_depth: int = field(default_factory=lambda: env_int("GRAPHQL_MAX_DEPTH", 15))
    graphql_max_cost: int = field(default_factory=lambda: env_int("GRAPHQL_MAX_COST", 50000))
    graphql_root_item_cost: int = field(default_factory=lambda: env_int("GRAPHQL_ROOT_ITEM_COST", 50))
    graphql_default_list_size: int = field(default_factory=lambda: env_int("GRAPHQL_DEFAULT_LIST_SIZE", 10))
    graphql_timeout_seconds: float = field(default_factory=lambda: env_float("GRAPHQL_TIMEOUT_SECONDS", 10.0))
    graphql_cost_per_request: int = field(default_factory=lambda: env_int("GRAPHQL_COST_PER_REQUEST", 1000))
    graphql_cache_max_bytes: int = field(default_factory=lambda: env_int("GRAPHQL_CACHE_MAX_BYTES", 262144))
    graphql_cache_max_entries: int = field(default_factory=lambda: env_int("GRAPHQL_CACHE_MAX_ENTRIES", 512))

    def public_base(self, request) -> str:
        """PUBLIC_URL, else the base URL `request` was sent to (taken from its Host header: set
        PUBLIC_URL in production); no trailing slash."""
        return (self.public_url or str(request.base_url)).rstrip("/")
