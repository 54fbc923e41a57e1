"""Trusted proxies (docs/security.md, "Trusted proxies"): no implicit pass for 127.0.0.1 in the admin
IP allowlist, and X-Forwarded-For believed only from the proxies FORWARDED_ALLOW_IPS names (none by
default), for REST and admin GraphQL."""
import argparse

import pytest
from starlette.testclient import TestClient

from server.app import create_app
from server.cli import serve_options
from server.config import Settings
from tests.admin_fixtures import UNAUTHENTICATED, bearer, make_admin

PROFILE = "/api/admin/get"
GRAPHQL = "/api/admin/graphql"
PROFILE_QUERY = {"query": "{ readAdminProfile { id } }"}


@pytest.fixture(scope="module")
def restricted_token(app):
    return make_admin(["settings.users.view"], label="allowlisted", allowed_ips=["10.0.0.0/8"])[1]


@pytest.fixture(scope="module")
def proxied_app(app):
    """The app behind a proxy on 127.0.0.1 and a private proxy range."""
    return create_app(Settings(validate_responses=True, forwarded_allow_ips="127.0.0.1, 172.16.0.0/12"))


def status(app, peer: str, token: str, forwarded: str | None = None, graphql: bool = False) -> int:
    headers = bearer(token)
    if forwarded is not None:
        headers["X-Forwarded-For"] = forwarded
    client = TestClient(app, client=(peer, 40000))
    response = client.post(GRAPHQL, json=PROFILE_QUERY, headers=headers) if graphql else client.get(PROFILE,
                                                                                                     headers=headers)
    if response.status_code == 401:
        assert response.json() == UNAUTHENTICATED
    return response.status_code


def test_loopback_gets_no_implicit_pass_through_an_allowlist(app, restricted_token):
    for graphql in (False, True):
        assert status(app, "127.0.0.1", restricted_token, graphql=graphql) == 401
        assert status(app, "::1", restricted_token, graphql=graphql) == 401
        assert status(app, "10.20.30.40", restricted_token, graphql=graphql) == 200


def test_forwarded_headers_are_ignored_by_default(app, restricted_token):
    assert Settings().forwarded_allow_ips == ""
    for peer in ("127.0.0.1", "172.16.0.5", "192.0.2.10"):
        assert status(app, peer, restricted_token, forwarded="10.1.2.3") == 401
        assert status(app, peer, restricted_token, forwarded="10.1.2.3", graphql=True) == 401
    # a real allowlisted peer is not harmed by a forged header either
    assert status(app, "10.1.2.3", restricted_token, forwarded="192.0.2.10") == 200


def test_forwarded_address_is_believed_from_a_configured_proxy_only(proxied_app, restricted_token):
    for graphql in (False, True):
        assert status(proxied_app, "127.0.0.1", restricted_token, "10.1.2.3", graphql) == 200
        assert status(proxied_app, "172.20.1.1", restricted_token, "10.1.2.3", graphql) == 200
        assert status(proxied_app, "192.0.2.10", restricted_token, "10.1.2.3", graphql) == 401  # not a proxy
        assert status(proxied_app, "127.0.0.1", restricted_token, "192.0.2.10", graphql) == 401
    # a client prepending an allowed address: the right-most untrusted entry is the client
    assert status(proxied_app, "127.0.0.1", restricted_token, "10.1.2.3, 192.0.2.10") == 401
    # the proxy itself, without a forwarded header, is just its own address
    assert status(proxied_app, "127.0.0.1", restricted_token) == 401


def test_specshop_run_turns_uvicorns_proxy_handling_off():
    options = serve_options(argparse.Namespace(host="0.0.0.0", port=8080, workers=2))
    assert options == {"host": "0.0.0.0", "port": 8080, "workers": 2, "log_level": "warning",
                       "proxy_headers": False}
