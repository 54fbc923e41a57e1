"""The one place a request context is built, for both transports.

The scope comes from `X-Channel` / `X-Locale` / `X-Currency` (or a `channel` / `locale` parameter or
argument, which wins over its header); the caller comes from the claims the security checks produced:
a customer token, a guest cart token or an admin integration token.
"""
from domain.common import RequestContext
from domain.scope import scoped_context


def header(headers, name: str) -> str | None:
    value = headers.get(name) or headers.get(name.lower())
    return value.strip() if value and value.strip() else None


def build_context(headers, media_url: str, claims=(), locale: str | None = None,
                  channel: str | None = None, client_ip: str | None = None, public_url: str = "",
                  request_id: str | None = None) -> RequestContext:
    context = scoped_context(media_url, channel=channel or header(headers, "X-Channel"),
                             locale=locale or header(headers, "X-Locale"), currency=header(headers, "X-Currency"))
    context.client_ip, context.public_url, context.request_id = client_ip, public_url, request_id
    requested = channel if channel is not None else header(headers, "X-Channel")
    context.requested_channel = None if requested is None or requested == "" else str(requested)
    for claim in claims:
        if "customer_id" in claim:
            context.customer_id, context.customer_token_id = claim["customer_id"], claim.get("token_id")
            context.customer_token = claim.get("token")
        if "cart_id" in claim:
            context.cart_id, context.cart_token = claim["cart_id"], claim.get("cart_token")
            context.cart_row = claim.get("cart")
        if "key_id" in claim:
            context.storefront_key_id = claim["key_id"]
        if "admin_id" in claim:
            context.admin = claim
    return context


def claims_of(token_info: dict | None) -> list[dict]:
    """connexion's `token_info` as a list of claims: one scheme's claims, or {scheme name: claims}
    when an operation accepts several schemes."""
    if not token_info:
        return []
    if any(key in token_info for key in ("customer_id", "admin_id", "key_id", "cart_id")):
        return [token_info]
    return [claim for claim in token_info.values() if isinstance(claim, dict)]
