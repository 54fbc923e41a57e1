"""Admins, roles and integration tokens for the admin API tests (import the fixtures you use).

Test tokens are unlimited (no rate-limit buckets) so long test runs never hit 429.
"""
import uuid
from functools import lru_cache

import pytest
from peewee import fn
from starlette.testclient import TestClient

from domain.access import hash_password, issue_token
from server.context import build_context
from storage.admin_models import AdminRole, AdminUser
from storage.db import database
from storage.models import Attribute, Category

PASSWORD = "secret123"
UNAUTHENTICATED = {"message": "Unauthenticated.", "error": "unauthenticated"}
FORBIDDEN = {"message": "This action is unauthorized.", "error": "forbidden"}


@lru_cache(maxsize=1)
def password_hash() -> str:
    return hash_password(PASSWORD)


def unique_email(label: str = "admin") -> str:
    return f"{label}-{uuid.uuid4().hex[:10]}@example.com"


def make_role(permissions="all", name: str | None = None) -> AdminRole:
    """An `all` role, or a `custom` role with exactly these permission keys."""
    with database.connection_context():
        if permissions == "all":
            return AdminRole.create(name=name or "Test all", description="test", permission_type="all")
        return AdminRole.create(name=name or "Test custom", description="test", permission_type="custom",
                                permissions=sorted(permissions))


def make_admin(role_permissions="all", role: AdminRole | None = None, status: bool = True, label: str = "admin",
               **token_options) -> tuple[AdminUser, str]:
    """An admin (password PASSWORD) whose role has `role_permissions` (or is `role`), with one
    unlimited integration token (`token_options` go to issue_token); returns (admin, raw token)."""
    role = role or make_role(role_permissions)
    options = {"rate_limit_per_minute": None, "rate_limit_per_day": None, **token_options}
    with database.connection_context():
        admin = AdminUser.create(name=f"Test {label}", email=unique_email(label), password=password_hash(),
                                 role=role, status=status)
        _token, raw = issue_token(admin, name=f"{label} token", **options)
    return admin, raw


def admin_context(admin_id: int):
    """A request context as the adapters build it for an all-permissions token of `admin_id`."""
    context = build_context({}, "http://127.0.0.1:8000/storage")
    context.admin = {"admin_id": admin_id, "token_id": 0, "permissions": "all"}
    return context


def bearer(raw_token: str) -> dict:
    return {"Authorization": f"Bearer {raw_token}"}


@pytest.fixture(scope="session")
def super_admin(app):
    """(admin, raw token) with an all-permissions role (after `app` has opened the database)."""
    return make_admin("all", label="super")


@pytest.fixture(scope="session")
def admin_client(app, super_admin):
    with TestClient(app, headers=bearer(super_admin[1])) as test_client:
        yield test_client


@pytest.fixture
def admin_graphql(admin_client):
    def run(query: str, variables: dict | None = None, headers: dict | None = None):
        response = admin_client.post("/api/admin/graphql", json={"query": query, "variables": variables or {}},
                                     headers=headers or {})
        assert response.status_code == 200, response.text
        return response.json()
    return run


@pytest.fixture
def catalog_put_back(admin_client):
    """The categories and attributes a test creates are deleted after it: the shop tests that follow count
    the seeded ones."""
    with database.connection_context():
        last_category = Category.select(fn.MAX(Category.id)).scalar()
        last_attribute = Attribute.select(fn.MAX(Attribute.id)).scalar()
    yield
    with database.connection_context():
        categories = [row.id for row in Category.select(Category.id).where(Category.id > last_category)
                      .order_by(Category.id.desc())]
        attributes = [row.id for row in Attribute.select(Attribute.id).where(Attribute.id > last_attribute)]
    for category in categories:
        assert admin_client.delete(f"/api/admin/catalog/categories/{category}").status_code in (200, 204, 404)
    for attribute in attributes:
        assert admin_client.delete(f"/api/admin/catalog/attributes/{attribute}").status_code in (200, 204, 404)
