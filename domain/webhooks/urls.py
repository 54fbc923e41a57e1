"""Where webhooks may be sent: http(s) only, and never to a private, loopback, link-local or otherwise
internal address unless `WEBHOOKS_ALLOW_PRIVATE_URLS` is set (for development and tests).

The URL is checked when an endpoint is saved (scheme, host, literal addresses, local host names) and
again before every attempt, against every address its host resolves to."""
import ipaddress
import os
import socket
from urllib.parse import urlsplit

LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".localdomain")


class UrlRefused(ValueError):
    pass


def private_allowed() -> bool:
    return os.environ.get("WEBHOOKS_ALLOW_PRIVATE_URLS", "").lower() in ("1", "true", "yes")


def internal(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return (ip.is_private or ip.is_loopback or ip.is_link_local or ip.is_multicast or ip.is_reserved
            or ip.is_unspecified or not ip.is_global)


def literal_address(host: str) -> str | None:
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return None


def check_url(url: str) -> str:
    """The URL as given, or UrlRefused with the reason (no network access)."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a malformed port
    except ValueError:
        raise UrlRefused("The URL is malformed.") from None
    if parts.scheme not in ("http", "https"):
        raise UrlRefused("Only http and https URLs are accepted.")
    if not host:
        raise UrlRefused("The URL has no host.")
    if parts.username or parts.password:
        raise UrlRefused("The URL must not carry credentials.")
    if private_allowed():
        return url
    address = literal_address(host)
    if address is not None and internal(address):
        raise UrlRefused("Private, loopback and link-local addresses are not accepted.")
    if host.lower() == "localhost" or host.lower().endswith(LOCAL_SUFFIXES):
        raise UrlRefused("Local host names are not accepted.")
    return url


def check_resolved(url: str):
    """Before sending: every address the host resolves to must be public (unless allowed)."""
    check_url(url)
    if private_allowed():
        return
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   type=socket.SOCK_STREAM)
    except socket.gaierror as error:
        raise UrlRefused(f"The host does not resolve ({error}).") from None
    if any(internal(info[4][0]) for info in infos):
        raise UrlRefused("The host resolves to a private, loopback or link-local address.")
