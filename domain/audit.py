"""The audit trail: who changed which entity, how, and from which request.

One place records every admin write: while `recording(context, operation)` is active (the REST adapter
and the GraphQL bridge open it around each admin write), every INSERT, UPDATE and DELETE a model builds
passes `AuditRecorder.observe` (storage/observed.py). The recorder reads the affected rows before and
after the statement, inside the statement's transaction (it opens one when the write runs outside any),
and merges the difference into one `AuditEntry` per entity and request. So a rolled-back write leaves no
entry, a write that changes nothing leaves none either, and bulk `update().where()` / `delete().where()`
(mass actions, imports) give one entry per affected row.

Rows of a related table (a product's translations, attribute values, channels, ...) are changes of their
parent entity, named by path: `translations.en.name`, `channels.1`. Fields whose name says they hold a
secret (passwords, password hashes, tokens, API keys, secrets) are recorded as changed, never with their
values. Tables that only derive from others (the search index, the webhook outbox, price indexes) and
the audit trail itself are not recorded.
"""
import datetime
import re
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal

from peewee import CompositeKey

from domain.common import RequestContext
from storage.admin_models import AdminToken, AdminUser
from storage.audit_models import AuditEntry
from storage.content_models import CmsPageChannel, CmsPageTranslation
from storage.customer_care_models import CustomerImpersonation
from storage.customer_models import Customer, CustomerLoginFailure, CustomerPasswordReset, CustomerToken
from storage.db import database
from storage.models import (
    AttributeTranslation, CategoryTranslation, ChannelCurrency, ChannelLocale, ChannelTranslation,
    ProductAttributeValue, ProductCategory, ProductChannel, ProductCustomerGroupPrice, ProductImage, ProductInventory,
    ProductLink, ProductSuperAttribute, ProductTranslation, ProductVideo, TaxCategoryRate,
    ThemeCustomizationTranslation,
)
from storage.observed import write_observer
from storage.promotion_models import CatalogRuleProductPrice
from storage.search_models import ProductSearchDocument
from storage.webhook_models import WebhookDelivery, WebhookEvent

REDACTED = "[redacted]"
SECRET_FIELD = re.compile(r"password|secret|api_key|token$|_hash$|^token_prefix$")
NOT_CHANGES = {"created_at", "updated_at"}  # every write moves them; the entry has its own time
NOT_RECORDED = {AuditEntry, ProductSearchDocument, WebhookEvent, WebhookDelivery, CatalogRuleProductPrice,
                CustomerToken, CustomerLoginFailure, CustomerPasswordReset}
ACTION_RANK = {"updated": 0, "created": 2, "deleted": 3}  # a domain action (impersonated) ranks 1


@dataclass(frozen=True)
class Part:
    """A table whose rows belong to a parent entity: `parent` is the foreign key naming it, `path` the
    prefix of the changes, `key` the fields naming a row under it (the row's id when empty)."""
    parent: object
    path: str
    key: tuple = ()
    action: str = "updated"
    entity: str | None = None  # the parent's entity type, when `parent` is a plain id column

    @property
    def entity_type(self) -> str:
        return self.entity or self.parent.rel_model._meta.table_name


PARTS = {
    ProductTranslation: Part(ProductTranslation.product, "translations", ("locale",)),
    ProductAttributeValue: Part(ProductAttributeValue.product, "attributes", ("attribute", "channel", "locale")),
    ProductChannel: Part(ProductChannel.product, "channels", ("channel",)),
    ProductCategory: Part(ProductCategory.product, "categories", ("category",)),
    ProductInventory: Part(ProductInventory.product, "inventories", ("inventory_source",)),
    ProductCustomerGroupPrice: Part(ProductCustomerGroupPrice.product, "customer_group_prices", ("unique_id",)),
    ProductSuperAttribute: Part(ProductSuperAttribute.product, "super_attributes", ("attribute",)),
    ProductLink: Part(ProductLink.parent, "links", ("kind", "child")),
    ProductImage: Part(ProductImage.product, "images"),
    ProductVideo: Part(ProductVideo.product, "videos"),
    CategoryTranslation: Part(CategoryTranslation.category, "translations", ("locale",)),
    AttributeTranslation: Part(AttributeTranslation.attribute, "translations", ("locale",)),
    ChannelTranslation: Part(ChannelTranslation.channel, "translations", ("locale",)),
    ChannelLocale: Part(ChannelLocale.channel, "locales", ("locale",)),
    ChannelCurrency: Part(ChannelCurrency.channel, "currencies", ("currency",)),
    ThemeCustomizationTranslation: Part(ThemeCustomizationTranslation.theme_customization, "translations",
                                        ("locale",)),
    TaxCategoryRate: Part(TaxCategoryRate.tax_category, "tax_rates", ("tax_rate",)),
    CmsPageTranslation: Part(CmsPageTranslation.page, "translations", ("locale",)),
    CmsPageChannel: Part(CmsPageChannel.page, "channels", ("channel",)),
    CustomerImpersonation: Part(CustomerImpersonation.customer_id, "impersonations", (), "impersonated",
                                   Customer._meta.table_name),
}


def json_value(value):
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, (datetime.datetime, datetime.date, datetime.time)):
        return value.isoformat()
    if isinstance(value, (bytes, bytearray, memoryview)):
        return None
    return value


def difference(before: dict, after: dict) -> dict:
    """{field: {before, after}} for every field whose value differs; secrets only as changed."""
    changes = {}
    for name in sorted(set(before) | set(after)):
        old, new = before.get(name), after.get(name)
        if old == new or name.rsplit(".", 1)[-1] in NOT_CHANGES:
            continue
        if SECRET_FIELD.search(name.rsplit(".", 1)[-1]):
            changes[name] = {"before": None if old is None else REDACTED, "after": None if new is None else REDACTED}
        else:
            changes[name] = {"before": json_value(old), "after": json_value(new)}
    return changes


def merged(earlier: dict, later: dict) -> dict:
    """Two successive changes of one entity as one: the first `before`, the last `after`."""
    changes = dict(earlier)
    for name, change in later.items():
        first = earlier.get(name, change)["before"]
        if first == change["after"] and first != REDACTED:
            changes.pop(name, None)
        else:
            changes[name] = {"before": first, "after": change["after"]}
    return changes


def data_rows(query) -> list[dict]:
    """The rows an INSERT writes, as {field name: value} (values of model instances as their keys)."""
    model, data = query.model, query._insert
    if isinstance(data, dict):
        rows = [data]
    elif isinstance(data, (list, tuple)):
        rows = list(data)
        query._insert = rows  # a generator (bulk_create) is read once: keep the list for the statement
    else:
        return []  # INSERT ... SELECT: the rows are unknown before it runs
    named = []
    for row in rows:
        if not isinstance(row, dict):
            row = dict(zip(query._columns or [], row))
        values = {}
        for key, value in row.items():
            field = model._meta.combined.get(key) if isinstance(key, str) else key
            if field is not None and hasattr(field, "name"):
                values[field.name] = getattr(value, "_pk", value)
        named.append(values)
    return named


class AuditRecorder:
    """Records the writes of one admin request (or job) as audit entries: see the module docstring."""

    def __init__(self, context: RequestContext | None, operation: str, request_id: str | None = None):
        claims = (context.admin if context else None) or {}
        self.admin_id, self.token_id = claims.get("admin_id"), claims.get("token_id")
        self.operation = operation or ""
        self.request_id = request_id or (context.request_id if context else None) or ""
        self.entries: dict[tuple, int] = {}  # (entity type, id) -> the AuditEntry row of this request
        self.actor: dict | None = None

    # --- the observer protocol (storage/observed.py) ---

    def observe(self, query, kind: str, run):
        model = query.model
        part = PARTS.get(model)
        if model in NOT_RECORDED or (part is None and isinstance(model._meta.primary_key, CompositeKey)):
            return run()
        if database.in_transaction():
            return self.watched(query, kind, run, part)
        with database.atomic():  # the change and its entry commit together
            return self.watched(query, kind, run, part)

    def watched(self, query, kind: str, run, part: Part | None):
        if part is not None:
            return self.watched_part(query, kind, run, part)
        model = query.model
        key = model._meta.primary_key
        if kind == "insert":
            result = run()
            rows = data_rows(query)
            ids = [row[key.name] for row in rows if row.get(key.name) is not None]
            if not ids and len(rows) == 1 and isinstance(result, int) and query._on_conflict is None:
                ids = [result]  # (after an upsert that updated, SQLite's last insert id is not the row's)
            before, after = {}, self.rows(model, key.in_(ids)) if ids else {}
        else:
            before = self.rows(model, query._where)
            result = run()
            after = self.rows(model, key.in_(list(before))) if kind == "update" and before else {}
        for entity_id in sorted(set(before) | set(after), key=str):
            old, new = before.get(entity_id), after.get(entity_id)
            action = "created" if old is None else "deleted" if new is None else "updated"
            self.record(model._meta.table_name, str(entity_id), action, difference(old or {}, new or {}))
        return result

    def watched_part(self, query, kind: str, run, part: Part):
        parent = part.parent
        if kind == "insert":
            parents = {row.get(parent.name) for row in data_rows(query)} - {None}
        else:
            select = query.model.select(parent).distinct()
            parents = {row[0] for row in (select.where(query._where) if query._where is not None else select).tuples()}
        if not parents:
            return run()
        before = self.part_rows(query.model, part, parents)
        result = run()
        after = self.part_rows(query.model, part, parents)
        for parent_id in sorted(parents, key=str):
            changes = difference(before.get(parent_id, {}), after.get(parent_id, {}))
            if changes:
                self.record(part.entity_type, str(parent_id), part.action, changes)
        return result

    # --- reading rows ---

    @staticmethod
    def rows(model, where) -> dict:
        query = model.select()
        if where is not None:
            query = query.where(where)
        key = model._meta.primary_key.name
        return {row[key]: row for row in query.dicts()}

    @staticmethod
    def part_rows(model, part: Part, parents: set) -> dict:
        """{parent id: {path: value}}: every row of the table under each parent, flattened."""
        flat: dict = {}
        own_key = model._meta.primary_key
        hidden = {part.parent.name, *part.key, *([] if isinstance(own_key, CompositeKey) else [own_key.name])}
        for row in model.select().where(part.parent.in_(list(parents))).dicts():
            name = ".".join(str(row[field]) for field in part.key if row.get(field) is not None) or str(
                row.get(getattr(own_key, "name", ""), ""))
            prefix = f"{part.path}.{name}"
            values = {field: value for field, value in row.items() if field not in hidden}
            target = flat.setdefault(row[part.parent.name], {})
            if values:
                target.update({f"{prefix}.{field}": value for field, value in values.items()})
            else:
                target[prefix] = True
        return flat

    # --- writing entries ---

    def record(self, entity_type: str, entity_id: str, action: str, changes: dict):
        if not changes and action == "updated":
            return
        key = (entity_type, entity_id)
        entry = AuditEntry.get_or_none(AuditEntry.id == self.entries[key]) if key in self.entries else None
        if entry is not None:  # a second write to the same entity in this request: one entry
            changes = merged(entry.changes or {}, changes)
            if ACTION_RANK.get(action, 1) < ACTION_RANK.get(entry.action, 1):
                action = entry.action
            if not changes and action == "updated":
                AuditEntry.delete().where(AuditEntry.id == entry.id).execute()
                del self.entries[key]
                return
            AuditEntry.update(action=action, changes=changes).where(AuditEntry.id == entry.id).execute()
            return
        self.entries[key] = AuditEntry.create(entity_type=entity_type, entity_id=entity_id, action=action,
                                              changes=changes, request_id=self.request_id[:128],
                                              operation=self.operation[:128], **self.actor_fields()).id

    def actor_fields(self) -> dict:
        if self.actor is None:
            token = AdminToken.get_or_none(AdminToken.id == self.token_id) if self.token_id else None
            admin = AdminUser.get_or_none(AdminUser.id == self.admin_id) if self.admin_id else None
            if token is not None:
                actor = {"actor_type": "integration_token", "actor_id": token.id, "actor_name": token.name}
            else:
                actor = {"actor_type": "admin_user", "actor_id": self.admin_id, "actor_name": admin.name if admin else ""}
            self.actor = {**actor, "admin_user_id": self.admin_id, "admin_email": admin.email if admin else ""}
        return self.actor


ERASED = "[erased]"


def erase(entity_type: str, ids, fields: tuple | None = None):
    """GDPR erasure: the values recorded for these entities (every field, or only `fields`) become
    "[erased]"; which fields changed, when, how and by whom stay."""
    keys = [str(key) for key in ids]
    if not keys:
        return
    for entry in AuditEntry.select().where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id.in_(keys)):
        changes = {name: {side: ERASED if value is not None and (fields is None or name in fields) else value
                          for side, value in change.items()}
                   for name, change in (entry.changes or {}).items()}
        if changes != entry.changes:
            AuditEntry.update(changes=changes).where(AuditEntry.id == entry.id).execute()


@contextmanager
def recording(context: RequestContext | None, operation: str, request_id: str | None = None):
    """Record the writes made inside the block as audit entries of the caller in `context`."""
    reset = write_observer.set(AuditRecorder(context, operation, request_id))
    try:
        yield
    finally:
        write_observer.reset(reset)


@contextmanager
def on_behalf_of(entity_type: str, entity_id, operation: str):
    """Record a background job's writes as made by the admin request that last changed `entity` (the
    request that queued the job: its actor and request id). Without such an entry nothing is recorded:
    the job acts for nobody the trail knows."""
    last = (AuditEntry.select().where(AuditEntry.entity_type == entity_type, AuditEntry.entity_id == str(entity_id))
            .order_by(AuditEntry.id.desc()).first())
    if last is None:
        yield
        return
    recorder = AuditRecorder(None, operation, last.request_id)
    recorder.actor = {"actor_type": last.actor_type, "actor_id": last.actor_id, "actor_name": last.actor_name,
                      "admin_user_id": last.admin_user_id, "admin_email": last.admin_email}
    reset = write_observer.set(recorder)
    try:
        yield
    finally:
        write_observer.reset(reset)
