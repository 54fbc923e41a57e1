"""REST adapter: operationId -> handler through the generated operation table.

Handlers take (context, **parameters) and return a dict, or a `Page` for
collections; this module turns that into connexion responses (bare arrays with
X-Total-Count / X-Page / X-Per-Page / X-Total-Pages for shop collections).
Only operations the spec marks as planned may lack a handler; they answer 501.
"""
import json
import math
import re
from contextlib import nullcontext

from connexion import request, uri_parsing
from connexion.utils import is_json_mimetype
from connexion.exceptions import ProblemException
from connexion.resolver import Resolution, Resolver
from connexion.validators.form_data import MultiPartFormDataValidator
from connexion.validators.json import JSONRequestBodyValidator
from connexion.validators.parameter import ParameterValidator
from starlette.datastructures import QueryParams, UploadFile
from starlette.formparsers import MultiPartException

from domain.access import has_permission
from domain.audit import recording
from domain.common import Page, Window, snake_case
from domain.errors import ApiError, Forbidden, NotImplementedOperation
from generated.operations import REST_OPERATIONS
from server.config import Settings
from server.context import build_context, claims_of
from server.handler_table import load_handler
from server.input_guard import guard, refused
from storage.db import database

PAGING_HEADERS = ("X-Total-Count", "X-Page", "X-Per-Page", "X-Total-Pages")


def all_json(media_types) -> bool:
    """connexion reads an encoding's `contentType` as one media type, and fails (500) on the list OpenAPI
    allows ("image/png, image/jpeg") when a form sends text where the spec wants a file."""
    return all(is_json_mimetype(media.strip()) for entry in media_types for media in str(entry).split(","))


uri_parsing.all_json = all_json


def is_implemented(operation_id: str) -> bool:
    operation = REST_OPERATIONS[operation_id]
    return load_handler(operation["handler"], planned=operation["planned"]) is not None


class OperationResolver(Resolver):
    def __init__(self, settings: Settings):
        super().__init__()
        self.settings = settings

    def resolve(self, operation):
        operation_id = operation.operation_id
        handler = load_handler(REST_OPERATIONS[operation_id]["handler"], planned=REST_OPERATIONS[operation_id]["planned"])
        if handler is None:
            return Resolution(not_implemented(operation_id), operation_id)
        declared = {name: snake_case(name) for name in REST_OPERATIONS[operation_id]["parameters"]}
        endpoint = rest_endpoint(handler, REST_OPERATIONS[operation_id], declared, self.settings,
                                 file_media_types(operation), operation_id)
        return Resolution(endpoint, operation_id)


def not_implemented(operation_id: str):
    """A planned operation: 501, after the same permission check it will have (403 stays 403)."""
    permission = REST_OPERATIONS[operation_id]["permission"]

    def endpoint(**_parameters):
        if permission:
            admin = next((claim for claim in claims_of(request.context.get("token_info")) if "admin_id" in claim), None)
            if not has_permission(admin, permission):
                raise Forbidden()
        raise NotImplementedOperation(operation_id)
    endpoint.__name__ = f"not_implemented_{operation_id}"
    return endpoint


def rest_endpoint(handler, operation: dict, declared: dict[str, str], settings: Settings,
                  file_types: frozenset = frozenset(), operation_id: str = ""):
    """Wrap a handler: context from headers and credentials, permission check, declared parameters in
    snake_case (plus `body`, with uploaded files of a multipart body under their field names), and the
    surface's collection format. Operations answering only with files (CSV) get 406 when the request
    accepts none of their media types. Admin writes are recorded in the audit trail."""
    pagination = operation["pagination"]
    # admin writes, also those of another surface (the resource paths' catalog writes name a permission)
    audited = (operation["surface"] == "admin" or operation["permission"] is not None) and operation["method"] != "GET"
    trimming = operation.get("fields")

    def endpoint(**arguments):
        selected = arguments.pop("fields", None) if trimming else None
        answer = respond(**arguments)
        return trimmed_answer(answer, trimming, selected) if selected else answer

    def respond(**arguments):
        current = request._get_current_object()  # the proxy builds a new request object on every access
        parameters = {declared[name]: value for name, value in arguments.items() if name in declared}
        guard({name: value for name, value in arguments.items() if name in declared})
        guard(dict(current.query_params))
        guard({"-".join(part.capitalize() for part in name.split("-")): value for name, value in current.headers.items()})
        if "body" in arguments:
            parameters["body"] = arguments["body"]
        uploads = {name: value for name, value in arguments.items() if isinstance(value, UploadFile)}
        if uploads:
            parameters["body"] = {**(parameters.get("body") or {}), **uploads}
        if getattr(handler, "raw_body", False):  # a signed body is verified over its exact bytes
            parameters["raw_body"] = current.scope.get("extensions", {}).get(RAW_BODY, b"")
            parameters["headers"] = {name.lower(): value for name, value in current.headers.items()}
        if getattr(handler, "without_database", False):
            return handler(**parameters)  # answers whether the database is reachable (GET /api/health)
        with database.connection_context():
            context = build_context(current.headers, settings.media_url, claims_of(current.context.get("token_info")),
                                    locale=parameters.pop("locale", None), channel=parameters.pop("channel", None),
                                    client_ip=current.client.host if current.client else None,
                                    public_url=settings.public_base(current),
                                    request_id=(current.scope.get("state") or {}).get("request_id"))
            # `fields` is the adapter's: handlers that read the raw query (attribute filters) never see it
            context.query_params = current.query_params if not trimming else QueryParams(
                [(name, value) for name, value in current.query_params.multi_items() if name != "fields"])
            if operation["permission"] and not has_permission(context.admin, operation["permission"]):
                raise Forbidden()
            if file_types and not accepts(current.headers.get("Accept"), file_types):
                raise ApiError(406, f"This endpoint produces {', '.join(sorted(file_types))} only.", "not_acceptable")
            with recording(context, operation_id) if audited else nullcontext():
                if pagination not in ("page", "envelope"):
                    return handler(context, **parameters)
                page = parameters.pop("page", 1)
                per_page = min(page_size(parameters, current.query_params, settings.default_per_page),
                               settings.max_per_page)
                result: Page = handler(context, window=Window((page - 1) * per_page, per_page), **parameters)
            if pagination == "envelope":
                return {"data": result.items, "meta": envelope_meta(result, page, per_page)}
            return result.items, 200, paging_headers(result.total, page, per_page)

    endpoint.__name__ = handler.__name__
    return endpoint


def trimmed_answer(answer, trimming: dict, selected: list[str]):
    """A JSON read answered with only the `fields` asked for (each element of a list; of `data` in an envelope),
    the fields its schema requires always kept; `a.b` trims a nested object, or each element of a nested list."""
    if isinstance(answer, tuple):
        body, status, *rest = answer
        return (trimmed_answer(body, trimming, selected) if status == 200 else body, status, *rest)
    if isinstance(answer, list):
        return [trimmed(element, trimming, selected) for element in answer]
    if isinstance(answer, dict) and trimming["root"]:
        return {**answer, trimming["root"]: trimmed_answer(answer.get(trimming["root"]), trimming, selected)}
    return trimmed(answer, trimming, selected)


def trimmed(document, trimming: dict, selected: list[str]):
    if not isinstance(document, dict):
        return document
    whole = {name for name in selected if "." not in name}
    inner: dict[str, set] = {}
    for name in selected:
        if "." in name:
            outer, _, part = name.partition(".")
            inner.setdefault(outer, set()).add(part)
    kept = set(trimming["required"]) | whole | set(inner)
    answer = {key: value for key, value in document.items() if key in kept}
    for outer, parts in inner.items():
        if outer in answer and outer not in whole:
            keep = parts | set(trimming["nested"].get(outer) or ())
            value = answer[outer]
            answer[outer] = ([{k: v for k, v in element.items() if k in keep} if isinstance(element, dict) else element
                              for element in value] if isinstance(value, list)
                             else {k: v for k, v in value.items() if k in keep} if isinstance(value, dict) else value)
    return answer


def file_media_types(operation) -> frozenset:
    """Media types of the success responses, when none of them is JSON (file downloads such as CSV)."""
    types = set()
    for code, response in operation._operation.get("responses", {}).items():  # resolved before .responses is set
        if str(code).startswith("2") and isinstance(response, dict):
            types |= set(response.get("content") or {})
    return frozenset() if not types or any("json" in media for media in types) else frozenset(types)


def accepts(accept: str | None, media_types: frozenset) -> bool:
    """Whether an Accept header admits one of `media_types` (no header accepts anything)."""
    if not accept or not accept.strip():
        return True
    for entry in accept.split(","):
        media, *options = [part.strip().lower() for part in entry.split(";")]
        if any(option.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for option in options):
            continue
        kind = media.split("/", 1)[0]
        if media in ("*/*", "*") or media in media_types or f"{kind}/*" == media and any(
                candidate.startswith(f"{kind}/") for candidate in media_types):
            return True
    return False


def page_size(parameters: dict, query, default: int) -> int:
    """`per_page`, else its aliases `itemsPerPage` / `limit` (codegen/bundle.py adds them), else the default."""
    per_page = parameters.pop("per_page", default)
    aliases = [parameters.pop(name, None) for name in ("items_per_page", "limit")]
    if "per_page" in query:
        return per_page
    return next((size for size in aliases if size is not None), per_page)


def paging_headers(total: int, page: int, per_page: int) -> dict:
    return {"X-Total-Count": str(total), "X-Page": str(page), "X-Per-Page": str(per_page),
            "X-Total-Pages": str(math.ceil(total / per_page))}


def envelope_meta(result: Page, page: int, per_page: int) -> dict:
    """Admin list metadata; `from`/`to` are 1-based positions, null on an empty page."""
    first = (page - 1) * per_page + 1
    return {"currentPage": page, "perPage": per_page, "lastPage": max(1, math.ceil(result.total / per_page)),
            "total": result.total, "from": first if result.items else None,
            "to": first + len(result.items) - 1 if result.items else None}


NO_BODY = object()  # an empty request body, as opposed to a JSON `null`
RAW_BODY = "specshop.raw_body"  # scope extension: the JSON body's bytes as received


def checked_body(validator, body):
    """The body when valid; else 422 listing every failing field (a missing property under its name)."""
    errors = refused(body) if isinstance(body, dict) else refused({"body": body})
    if errors:
        raise ProblemException(status=422, title="Unprocessable Entity",
                               detail="The given data was invalid.", ext={"errors": errors})
    for error in validator.iter_errors(body):
        path = [str(part) for part in error.path]
        if error.validator == "required":  # name the missing property, Laravel style
            path.append(re.match(r"'(.+?)'", error.message).group(1))
        errors.setdefault(".".join(path) or "body", []).append(error.message)
    if errors:
        raise ProblemException(status=422, title="Unprocessable Entity",
                               detail="The given data was invalid.", ext={"errors": errors})
    return body


def refuse_constant(name: str):
    """NaN and Infinity are not JSON, whatever Python's parser allows."""
    raise ValueError(f"{name} is not a JSON number")


class CollectingBodyValidator(JSONRequestBodyValidator):
    """422 listing every failing body field (connexion reports only the first, as 400), and a 400
    instead of a 500 for a body that is not UTF-8."""

    async def _parse(self, stream, scope):
        raw = b"".join([message async for message in stream])
        scope.setdefault("extensions", {})[RAW_BODY] = raw
        try:
            text = raw.decode(self._encoding)
        except UnicodeDecodeError:
            raise ProblemException(status=400, title="Bad Request", detail="The body is not valid UTF-8.") from None
        if not text:
            return NO_BODY
        try:
            return json.loads(text, parse_constant=refuse_constant)
        except RecursionError:
            raise ProblemException(status=400, title="Bad Request", detail="The body is nested too deeply.") from None
        except ValueError as error:
            raise ProblemException(status=400, title="Bad Request", detail=f"The body is not valid JSON: {error}")

    def _validate(self, body):
        if body is NO_BODY:
            if not self._required:
                return None  # an optional body may be left out (a JSON `null` is still checked)
            body = None
        if not self._nullable and body is None:
            raise ProblemException(status=422, title="Unprocessable Entity", detail="The given data was invalid.",
                                   ext={"errors": {"body": ["A JSON body is required."]}})
        return checked_body(self._validator, body)


class CollectingMultiPartValidator(MultiPartFormDataValidator):
    """Multipart bodies: 422 listing every failing form field, like JSON bodies (connexion: the first, as 400);
    a body that is not multipart (no boundary, broken parts) is a 400."""

    async def _parse(self, stream, scope):
        try:
            return await super()._parse(stream, scope)
        except MultiPartException as error:
            raise ProblemException(status=400, title="Bad Request", detail=f"The body is not a form: {error}") from None

    def _validate(self, body):
        if not isinstance(body, dict):
            raise ProblemException(status=400, title="Bad Request", detail="The body is not a form.")
        return checked_body(self._validator, body)


class CollectingParameterValidator(ParameterValidator):
    """Report every invalid query/path/header parameter at once, keyed by name."""

    def validate_request(self, request):
        errors = {}
        checks = (("query", self.validate_query_parameter), ("path", self.validate_path_parameter),
                  ("header", self.validate_header_parameter), ("cookie", self.validate_cookie_parameter))
        for location, check in checks:
            for parameter in self.parameters.get(location, []):
                error = check(parameter, request)
                if error and location == "query" and parameter["name"] == "fields":
                    errors["fields"] = unknown_fields(parameter, request.query_params.get("fields", "")) or [
                        error.split("\n", 1)[0]]
                elif error:
                    errors.setdefault(parameter["name"], []).append(error.split("\n", 1)[0])
        if errors:
            raise ProblemException(status=400, title="Bad Request", detail="The given data was invalid.", ext={"errors": errors})


def unknown_fields(parameter: dict, sent) -> list[str]:
    """`fields` names the answer does not have, one message each (the enum lists every name it has)."""
    known = set(((parameter.get("schema") or {}).get("items") or {}).get("enum") or ())
    names = sent.split(",") if isinstance(sent, str) else [str(name) for name in sent or ()]
    return [f"Unknown field: {name}." if name else "A field name is empty." for name in names
            if known and name not in known]
