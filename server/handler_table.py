"""Handlers by reference ('handlers.shop.locales:list_locales'), loaded once at start-up.

A handler the spec names must exist: a missing module or function is a start-up error, so a renamed
module can never turn a working operation into a silent 501. Only operations the spec marks as
planned (`x-planned: true` in OpenAPI, `@planned` in the SDL) may lack one; they answer 501 and the
coverage report lists them.
"""
import importlib

from generated.operations import REST_OPERATIONS


class HandlerMissing(RuntimeError):
    pass


def load_handler(reference: str, planned: bool = False):
    """The function named by `reference`; None for a planned operation that has no handler yet."""
    module_name, _, function_name = reference.partition(":")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if not planned or error.name != module_name:
            raise HandlerMissing(f"{reference}: module {module_name} cannot be imported ({error})") from error
        return None
    handler = getattr(module, function_name, None)
    if handler is None and not planned:
        raise HandlerMissing(f"{reference}: {module_name} has no function {function_name}")
    if handler is not None and planned:
        raise HandlerMissing(f"{reference} exists: drop the planned mark from its operation")
    return handler


def check_every_handler():
    """Load the handler of every REST operation now, so a missing one stops start-up (connexion itself
    resolves operations only when the first request arrives)."""
    for operation in REST_OPERATIONS.values():
        load_handler(operation["handler"], planned=operation["planned"])
