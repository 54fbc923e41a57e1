"""One error envelope per surface: `{"message", "error", "errors"?}` as the shop pages show; on the
resource paths at `/api` the same fields inside API Platform's `hydra:Error` (handlers.resources)."""
import functools
import json
import logging
import re

from connexion.exceptions import OAuthProblem, OAuthResponseProblem, ProblemException
from connexion.lifecycle import ConnexionResponse
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect

from generated.operations import REST_OPERATIONS
from domain.errors import ApiError, TooManyRequests
from handlers.resources import hydra_error

logger = logging.getLogger("specshop")


class InvalidStorefrontKey(ProblemException):
    """Raised by the key check; connexion prefers 403 over 401 when schemes fail."""

    def __init__(self):
        super().__init__(status=403, title="Forbidden", detail="Invalid storefront key")


MISSING_KEY = ApiError(401, "X-STOREFRONT-KEY header is required", "missing_key")
INVALID_KEY = ApiError(403, "Invalid storefront key", "invalid_key")
UNAUTHENTICATED = ApiError(401, "Unauthenticated.", "unauthenticated")


def json_response(status: int, body: dict, headers: dict | None = None) -> ConnexionResponse:
    return ConnexionResponse(status_code=status, body=json.dumps(body), content_type="application/json",
                             headers=headers or {})


def resource_path(path: str) -> bool:
    """Whether `path` is one of the API Platform resource paths of the resources document mounted at `/api`:
    not the shop, admin or GraphQL, and not the document's operations of its own (health, the payment
    providers' notifications, the licensed software's license calls), which answer the plain error body."""
    return path.startswith("/api/") and not re.match(
        r"/api/(?:shop|admin|graphql|graphiql|health|payments|licenses|schema\.graphql)(?:/|$)", path)


def error_response(request, status: int, body: dict, headers: dict | None = None) -> ConnexionResponse:
    if status != 429 and resource_path(request.url.path):
        body = hydra_error(status, body)
    return json_response(status, body, headers)


def handle_api_error(request, error: ApiError):
    headers = {"Retry-After": str(error.retry_after)} if isinstance(error, TooManyRequests) else None
    return error_response(request, error.status, error.body(), headers)


def handle_problem(request, problem: ProblemException):
    if isinstance(problem, InvalidStorefrontKey):
        return handle_api_error(request, INVALID_KEY)
    if isinstance(problem, (OAuthProblem, OAuthResponseProblem)):
        # Shop calls without a storefront key get missing_key; a bad customer or admin token is unauthenticated.
        # (the shop path's admin writes take an admin token without a key: unauthenticated there too)
        is_shop = request.url.path.startswith("/api/shop") and not admin_write(request.method, request.url.path)
        return handle_api_error(request, MISSING_KEY if is_shop and not request.headers.get("X-STOREFRONT-KEY")
                                else UNAUTHENTICATED)
    status = problem.status or 400
    if status == 415:
        return error_response(request, 415, {"message": problem.detail or "Unsupported media type",
                                             "error": "unsupported_media_type"})
    errors = getattr(problem, "ext", None) or {}
    return error_response(request, status, {"message": problem.detail or problem.title or "Bad request",
                                            "error": "validation_failed" if status in (400, 422) else "http_error",
                                            **({"errors": errors["errors"]} if "errors" in errors else {})})


def handle_http_exception(request, error: HTTPException):
    if error.status_code == 404:
        return error_response(request, 404, {"message": "Not found", "error": "not_found"})
    if error.status_code == 405:
        return error_response(request, 405, {"message": "Method not allowed", "error": "method_not_allowed"},
                              headers={"Allow": ", ".join(allowed_methods(request.url.path))})
    return error_response(request, error.status_code, {"message": error.detail, "error": "http_error"})


@functools.cache
def path_patterns() -> list[tuple[re.Pattern, frozenset]]:
    """Every spec path as a regex with the methods it documents (connexion's own 405 lists only one route's)."""
    methods: dict[str, set] = {}
    for operation in REST_OPERATIONS.values():
        methods.setdefault(operation["path"], set()).add(operation["method"])
    return [(re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(path)) + "$"), frozenset(found))
            for path, found in methods.items()]


def admin_write(method: str, path: str) -> bool:
    """Whether `method path` is an operation that takes an admin token (shop-resources.md's product writes)."""
    return any(pattern.match(path) for pattern in admin_write_patterns().get(method.upper(), ()))


@functools.cache
def admin_write_patterns() -> dict[str, list]:
    patterns: dict[str, list] = {}
    for operation in REST_OPERATIONS.values():
        if "adminToken" in operation["auth"] and operation["surface"] != "admin":
            regex = re.compile(re.sub(r"\\\{[^}]+\\\}", "[^/]+", re.escape(operation["path"])) + "$")
            patterns.setdefault(operation["method"], []).append(regex)
    return patterns


def allowed_methods(path: str) -> list[str]:
    """Methods of the route that serves `path`: a literal path wins over a templated one, and a
    template with fewer placeholders over one with more (`/images/reorder` over `/images/{id}`)."""
    allowed = set()
    for operation in REST_OPERATIONS.values():
        if operation["path"] == path:
            allowed.add(operation["method"])
    matches = [(pattern.pattern.count("[^/]+"), methods) for pattern, methods in path_patterns()
               if not allowed and pattern.match(path)]
    for placeholders, methods in matches:
        if placeholders == min(count for count, _methods in matches):
            allowed |= methods
    if "GET" in allowed:
        allowed.add("HEAD")
    return sorted(allowed)


def handle_unexpected(request, error: Exception):
    logger.exception("unhandled error", exc_info=error)
    return json_response(500, {"message": "Internal server error", "error": "server_error"})


def handle_client_disconnect(request, error: ClientDisconnect):
    """The client went away while its body was read (a closed keep-alive connection): nobody is left
    to answer, and nothing failed."""
    return json_response(400, {"message": "The client disconnected.", "error": "client_disconnected"})


def install(app):
    app.add_error_handler(ClientDisconnect, handle_client_disconnect)
    app.add_error_handler(ApiError, handle_api_error)
    app.add_error_handler(ProblemException, handle_problem)
    app.add_error_handler(HTTPException, handle_http_exception)
    app.add_error_handler(Exception, handle_unexpected)
