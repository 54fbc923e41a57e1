"""REST adapter: operationId -> handler through the generated operation table.

Handlers take (context, **parameters) and return a dict, or a `Page` for
collections; this module turns that into connexion responses (bare arrays with
X-Total-Count / X-Page / X-Per-Page / X-Total-Pages for shop collections).
Operations whose handler does not exist yet answer 501.
"""
import importlib
import math
import re

from connexion import request
from connexion.exceptions import ProblemException
from connexion.resolver import Resolution, Resolver
from connexion.validators.parameter import ParameterValidator

from generated.operations import REST_OPERATIONS
from handlers.common import Page, Window, build_context
from handlers.errors import NotImplementedOperation
from server.config import Settings
from storage.db import database

PAGING_HEADERS = ("X-Total-Count", "X-Page", "X-Per-Page", "X-Total-Pages")


def load_handler(reference: str):
    """'handlers.locales:list_locales' -> the function, or None when it is not written yet."""
    module_name, _, function_name = reference.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name != module_name:
            raise
        return None
    return getattr(module, function_name, None)


def is_implemented(operation_id: str) -> bool:
    return load_handler(REST_OPERATIONS[operation_id]["handler"]) is not None


class OperationResolver(Resolver):
    def __init__(self, settings: Settings):
        super().__init__()
        self.settings = settings

    def resolve(self, operation):
        operation_id = operation.operation_id
        handler = load_handler(REST_OPERATIONS[operation_id]["handler"])
        if handler is None:
            return Resolution(not_implemented(operation_id), operation_id)
        declared = {name: snake_case(name) for name in REST_OPERATIONS[operation_id]["parameters"]}
        endpoint = rest_endpoint(handler, REST_OPERATIONS[operation_id], declared, self.settings)
        return Resolution(endpoint, operation_id)


def not_implemented(operation_id: str):
    def endpoint(**_parameters):
        raise NotImplementedOperation(operation_id)
    endpoint.__name__ = f"not_implemented_{operation_id}"
    return endpoint


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def rest_endpoint(handler, operation: dict, declared: dict[str, str], settings: Settings):
    """Wrap a handler: context from headers, declared parameters in snake_case, paging headers."""
    paginated = operation["pagination"] == "page"

    def endpoint(**arguments):
        parameters = {declared[name]: value for name, value in arguments.items() if name in declared}
        with database.connection_context():
            context = build_context(request.headers, settings.media_url,
                                    locale=parameters.pop("locale", None), channel=parameters.pop("channel", None))
            context.query_params = request.query_params
            if not paginated:
                return handler(context, **parameters)
            page = parameters.pop("page", 1)
            per_page = min(parameters.pop("per_page", settings.default_per_page), settings.max_per_page)
            result: Page = handler(context, window=Window((page - 1) * per_page, per_page), **parameters)
            return result.items, 200, paging_headers(result.total, page, per_page)

    endpoint.__name__ = handler.__name__
    return endpoint


def paging_headers(total: int, page: int, per_page: int) -> dict:
    return {"X-Total-Count": str(total), "X-Page": str(page), "X-Per-Page": str(per_page),
            "X-Total-Pages": str(math.ceil(total / per_page))}


class CollectingParameterValidator(ParameterValidator):
    """Report every invalid query/path/header parameter at once, keyed by name."""

    def validate_request(self, request):
        errors = {}
        checks = (("query", self.validate_query_parameter), ("path", self.validate_path_parameter),
                  ("header", self.validate_header_parameter), ("cookie", self.validate_cookie_parameter))
        for location, check in checks:
            for parameter in self.parameters.get(location, []):
                error = check(parameter, request)
                if error:
                    errors.setdefault(parameter["name"], []).append(error.split("\n", 1)[0])
        if errors:
            raise ProblemException(status=400, title="Bad Request", detail="The given data was invalid.", ext={"errors": errors})
