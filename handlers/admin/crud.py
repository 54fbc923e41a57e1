"""The generic admin CRUD path: one declarative `AdminResource` per resource; its factories build the
list, detail, create, update, delete, mass-delete and mass-update-status handlers.

The spec stays the source of truth: the operation table names each handler and its permission,
connexion (REST) and `body_from_input` (GraphQL) validate bodies against the request schemas, and
`x-pagination: envelope` gives lists their `{data, meta}`. A resource states only what a schema
cannot: how a row becomes a document, how each query parameter filters, which columns sort, which
fields are unique, and which deletes are refused. Behaviour the docs describe for one resource only
is written by hand beside it (hooks `values`, `after_save`, `before_delete`, or a plain handler).

Usage (see handlers/admin_settings_currencies.py):

    currencies = AdminResource(
        model=Currency, label="Currency", plural="Currencies",
        document=plain_document("id", "code", "name", "symbol"),
        filters={"code": partial(Currency.code), "name": partial(Currency.name)},
        sorts={"id": Currency.id, "code": Currency.code, "name": Currency.name},
        unique=("code",), immutable=("code",), refuse_delete=refuse_currency_delete)

    list_admin_currencies = currencies.list_handler()        # operationId listAdminCurrencies
    get_admin_currency = currencies.get_handler()
    create_admin_currency = currencies.create_handler()
    update_admin_currency = currencies.update_handler()
    delete_admin_currency = currencies.delete_handler()
    mass_delete_admin_currencies = currencies.mass_delete_handler()

    # GraphQL twins (`@handler(name: "handlers.admin.settings.currencies:graphql_create_admin_currency")`)
    graphql_create_admin_currency = mutation(create_admin_currency, "adminSettingsCurrency",
                                             "AdminCurrencyCreateBody", uses_id=False)
    graphql_mass_delete_admin_currencies = mutation(mass_delete_admin_currencies,
                                                    "adminSettingsCurrencyMassDelete", "AdminMassDeleteBody",
                                                    uses_id=False)

List query parameters and GraphQL arguments arrive as keyword arguments: `sort`/`order` pick a
column of `sorts`, every other non-empty one goes through its `filters` entry (tests/test_admin_crud.py
checks that the spec declares exactly these). Declare `order` without a default in the spec (the shared
`AdminOrder` parameter) so `default_order` applies. Refusals are `{message, error}` with the
`Refusal`'s status (400 unless a page documents another); taken unique values and unknown foreign
keys are 422 naming the body field; unknown ids are 404 `<label> not found`.
Shared spec pieces: `AdminMassDeleteBody`/`Result`, `AdminMassUpdateStatusBody`/`Result` and the
`AdminRefused` response (specs/openapi/admin/_document.yaml); `AdminMassDeleteResult`,
`AdminMassUpdateStatusResult` and the `Iterable` JSON scalar (specs/graphql/admin/_schema.graphql).
"""
import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Callable

from peewee import SQL, ForeignKeyField, IntegrityError

from domain.access import created
from domain.common import Page, RequestContext, Window, camel_case, iso, json_number
from domain.errors import ApiError, InvalidRequest, NotFound, Unprocessable
from storage.db import database
from storage.models import utcnow


@dataclass(frozen=True)
class Refusal:
    """Why a row cannot be deleted: `{message, error}` with `status` (400 unless a page documents
    another, e.g. 403 or 409), or a `skipped` entry in skip mode."""
    message: str
    error: str
    status: int = 400


# --- filters: query value -> peewee expression ----------------------------------

def partial(column):
    """Case-insensitive substring match (SQL LIKE %value%)."""
    return lambda value: column.contains(value)


def exact(column):
    return lambda value: column == value


def flag(column):
    """0/1 on a boolean column."""
    return lambda value: column == bool(int(value))


def id_list(column, name: str = "id"):
    """A single id or a comma-separated list ("1" or "1,2")."""
    def expression(value):
        parts = [part.strip() for part in str(value).split(",")]
        if not all(part.isdigit() and len(part) <= 10 for part in parts):
            raise InvalidRequest({name: ["Must be an integer or a comma-separated list of integers."]})
        return column.in_([int(part) for part in parts])
    return expression


def at_least(column):
    """`<field>_from`: inclusive lower bound."""
    return lambda value: column >= storable(column, value)


def at_most(column):
    """`<field>_to`: inclusive upper bound."""
    return lambda value: column <= storable(column, value)


def storable(column, value):
    """`value` if the column can hold it (raises ValueError otherwise: a 400 naming the parameter)."""
    try:
        stored = column.db_value(value)
    except (ArithmeticError, TypeError) as error:
        raise ValueError(str(error)) from None
    if isinstance(stored, int) and not -2**63 <= stored < 2**63:
        raise ValueError("out of range")
    return value


# --- documents ------------------------------------------------------------------

def plain_value(value):
    """Booleans as 0/1, money and rates as JSON numbers, timestamps as ISO 8601."""
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, Decimal):
        return json_number(value)
    if isinstance(value, datetime.datetime):
        return iso(value)
    return value


def plain_document(*names: str):
    """A document of row attributes under camelCase keys (`channel_id` -> `channelId`)."""
    def document(row) -> dict:
        return {camel_case(name): plain_value(getattr(row, name)) for name in names}
    return document


def taken(body_field: str) -> str:
    return f"The {body_field.replace('_', ' ')} has already been taken."


NUL_MESSAGE = "The value must not contain NUL characters."


def holds_nul(value) -> bool:
    """Whether a string, or any key or value nested in a list or object, holds U+0000 (which
    PostgreSQL cannot store, so both databases refuse it)."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(holds_nul(key) or holds_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(holds_nul(item) for item in value)
    return False


def refuse_nul(body: dict):
    errors = {key: [NUL_MESSAGE] for key, value in body.items() if holds_nul(value)}
    if errors:
        raise Unprocessable(errors)


# --- the resource ---------------------------------------------------------------

@dataclass
class AdminResource:
    model: type
    label: str                                   # "Currency": "Currency not found", "Currency deleted."
    plural: str                                  # "Currencies": "Currencies deleted."
    document: Callable | None = None             # row -> dict
    documents: Callable | None = None            # (rows, context) -> [dict]: relations batched per page,
                                                 # or the request context (locale, media URLs) needed
    detail: Callable | None = None               # (row, context) -> dict for detail/create/update
    query: Callable | None = None                # () -> select with joins (default: model.select())
    filters: dict = field(default_factory=dict)  # query parameter -> filter (partial, exact, ...)
    sorts: dict = field(default_factory=lambda: {"id": None})  # sort value -> column (None: the id)
    default_sort: str = "id"
    default_order: str = "asc"
    unique: tuple = ()                           # body fields that must be unique -> 422 naming the field
    immutable: tuple = ()                        # body fields silently dropped on update
    values: Callable | None = None               # (body, row or None) -> column values to write
    after_save: Callable | None = None           # (row, body, is_new) -> write relations, same transaction
    refuse_delete: Callable | None = None        # (rows) -> {id: Refusal}; whole batch or skipped
    skip_refused: bool = False                   # mass delete: skip refused rows instead of refusing all
    before_delete: Callable | None = None        # (ids) -> delete dependent rows, same transaction
    status_column: str = "status"
    messages: dict = field(default_factory=dict)  # overrides: deleted, mass_deleted, status_updated

    # --- reading -----------------------------------------------------------------

    def select(self):
        return self.query() if self.query else self.model.select()

    def present(self, rows: list, context: RequestContext) -> list[dict]:
        return self.documents(rows, context) if self.documents else [self.document(row) for row in rows]

    def present_one(self, row, context: RequestContext) -> dict:
        return self.detail(row, context) if self.detail else self.present([row], context)[0]

    def find(self, key: int):
        row = self.select().where(self.model.id == key).first()
        if row is None:
            raise NotFound(self.label)
        return row

    def list_handler(self):
        def handler(context: RequestContext, window: Window, sort: str | None = None, order: str | None = None,
                    **filters) -> Page:
            query = self.filtered(filters)
            rows = list(query.order_by(*self.ordering(sort, order)).offset(window.offset).limit(window.limit))
            return Page(self.present(rows, context), query.count())
        return self.named(handler, "list")

    def filtered(self, filters: dict):
        """The select narrowed by every non-empty filter value (AND-combined)."""
        query = self.select()
        for name, value in filters.items():
            if value is None or value == "":
                continue
            if holds_nul(value):
                return query.where(SQL("1 = 0"))  # nothing stored holds NUL (writes refuse it)
            try:
                query = query.where(self.filters[name](value))
            except ValueError:
                raise InvalidRequest({name: ["The value is out of range."]}) from None
        return query

    def ordering(self, sort: str | None, order: str | None) -> list:
        name = sort or self.default_sort
        if name not in self.sorts:
            raise InvalidRequest({"sort": [f"Sort by one of: {', '.join(self.sorts)}."]})
        column = self.sorts[name] or self.model.id
        descending = (order or self.default_order) == "desc"
        tie_break = self.model.id.desc() if descending else self.model.id
        return [column.desc() if descending else column.asc(), tie_break]

    def get_handler(self):
        def handler(context: RequestContext, id: int) -> dict:
            return self.present_one(self.find(id), context)
        return self.named(handler, "get")

    # --- writing -----------------------------------------------------------------

    def create_handler(self):
        def handler(context: RequestContext, body: dict):
            refuse_nul(body)
            with database.atomic():
                changes = self.changes(body, None)
                self.check(changes, body, None)
                row = self.save(lambda: self.model.create(**changes), body)
                if self.after_save:
                    self.after_save(row, body, True)
            return created(self.present_one(self.find(row.id), context))
        return self.named(handler, "create")

    def update_handler(self):
        def handler(context: RequestContext, id: int, body: dict) -> dict:
            refuse_nul(body)
            with database.atomic():
                row = self.find(id)
                body = {key: value for key, value in body.items() if key not in self.immutable}
                changes = self.changes(body, row)
                self.check(changes, body, row)
                if "updated_at" in self.model._meta.fields:
                    changes["updated_at"] = utcnow()
                if changes:
                    self.save(lambda: self.model.update(changes).where(self.model.id == row.id).execute(), body)
                if self.after_save:
                    self.after_save(row, body, False)
            return self.present_one(self.find(row.id), context)
        return self.named(handler, "update")

    def changes(self, body: dict, row) -> dict:
        """Column values to write: the `values` hook, else every body key that names a column."""
        if self.values:
            return self.values(body, row)
        columns = {}
        for key, value in body.items():
            column = self.column_for(key)
            if column is not None:
                columns[column.name] = value
        return columns

    def column_for(self, key: str):
        """The model field a body key names: its field name or its column (`channel_id`)."""
        for column in self.model._meta.sorted_fields:
            if key in (column.name, column.column_name) and column.name != "id":
                return column
        return None

    def check(self, changes: dict, body: dict, row):
        """422 for taken unique values and references to rows that do not exist, every field at once."""
        errors = {}
        for body_field in self.unique:
            column = self.column_for(body_field)
            if column is None or changes.get(column.name) is None:
                continue
            clash = self.model.select().where(column == changes[column.name])
            if row is not None:
                clash = clash.where(self.model.id != row.id)
            if clash.exists():
                errors[body_field] = [taken(body_field)]
        for key in body:
            column = self.column_for(key)
            if isinstance(column, ForeignKeyField) and changes.get(column.name) is not None:
                target = column.rel_model
                if not target.select().where(target.id == changes[column.name]).exists():
                    errors[key] = [f"The selected {key.replace('_', ' ')} is invalid."]
        if errors:
            raise Unprocessable(errors)

    def save(self, write, body: dict):
        """Run the write; a unique index that a concurrent request won names the first unique field."""
        try:
            with database.atomic():
                return write()
        except IntegrityError:
            field_name = next((name for name in self.unique if name in body), None)
            if field_name is None:
                raise
            raise Unprocessable({field_name: [taken(field_name)]}) from None

    # --- deleting ----------------------------------------------------------------

    def delete_handler(self):
        def handler(context: RequestContext, id: int) -> dict:
            with database.atomic():
                row = self.find(id)
                refusal = self.refusals([row]).get(row.id)
                if refusal:
                    raise ApiError(refusal.status, refusal.message, refusal.error)
                self.remove([row.id])
            return {"message": self.messages.get("deleted", f"{self.label} deleted.")}
        return self.named(handler, "delete")

    def mass_delete_handler(self):
        """Unknown ids are skipped silently. A refused id refuses the whole batch (400), or with
        `skip_refused` is reported in `skipped` while the others are deleted."""
        def handler(context: RequestContext, body: dict) -> dict:
            with database.atomic():
                rows = list(self.model.select().where(self.model.id.in_(sorted(set(body["indices"]))))
                            .order_by(self.model.id))
                refusals = self.refusals(rows)
                if refusals and not self.skip_refused:
                    first = refusals[min(refusals)]
                    raise ApiError(first.status, first.message, first.error)
                deleted = [row.id for row in rows if row.id not in refusals]
                self.remove(deleted)
            result = {"deleted": deleted,
                      "message": self.messages.get("mass_deleted", f"{self.plural} deleted.")}
            if self.skip_refused:
                result["skipped"] = [{"id": key, "reason": refusals[key].message} for key in sorted(refusals)]
            return result
        return self.named(handler, "mass_delete")

    def refusals(self, rows: list) -> dict:
        return self.refuse_delete(rows) if self.refuse_delete and rows else {}

    def remove(self, ids: list[int]):
        if not ids:
            return
        if self.before_delete:
            self.before_delete(ids)
        self.model.delete().where(self.model.id.in_(ids)).execute()

    def mass_update_status_handler(self):
        """`{indices, value}`: sets the status column of the existing rows among `indices`."""
        def handler(context: RequestContext, body: dict) -> dict:
            column = getattr(self.model, self.status_column)
            with database.atomic():
                ids = [row.id for row in self.model.select(self.model.id)
                       .where(self.model.id.in_(sorted(set(body["indices"])))).order_by(self.model.id)]
                if ids:
                    changes = {column: bool(body["value"])}
                    if "updated_at" in self.model._meta.fields:
                        changes[self.model.updated_at] = utcnow()
                    self.model.update(changes).where(self.model.id.in_(ids)).execute()
            return {"updated": ids, "value": body["value"],
                    "message": self.messages.get("status_updated", "Statuses updated.")}
        return self.named(handler, "mass_update_status")

    def named(self, handler, kind: str):
        handler.__name__ = f"{kind}_{self.model.__name__}"
        handler.admin_resource = self
        handler.admin_kind = kind
        return handler
