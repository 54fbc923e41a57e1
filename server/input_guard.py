"""The one input guard: what no handler should ever see, checked at each adapter's entry.

A NUL character cannot be stored or compared by PostgreSQL; a lone surrogate cannot be encoded as
UTF-8; NaN and Infinity are not numbers any price, quantity or filter can hold; deeply nested
values only cost stack. Each is a 400 naming the offending field, before any handler runs.
"""
import math
import re

from domain.errors import InvalidRequest, Unprocessable

MAX_DEPTH = 32
UNSAFE_CHARACTERS = re.compile("[\x00\ud800-\udfff]")
MESSAGES = {
    "nul": "The value must not contain NUL characters.",
    "surrogate": "The value must be valid Unicode text (no lone surrogates).",
    "number": "The value must be a finite number.",
    "depth": f"The value must not be nested more than {MAX_DEPTH} levels deep.",
}


def problem(value, depth: int = 0) -> str | None:
    """The first reason `value` is refused, or None."""
    if isinstance(value, str):
        found = UNSAFE_CHARACTERS.search(value)
        return None if found is None else ("nul" if found.group() == "\x00" else "surrogate")
    if isinstance(value, float):
        return None if math.isfinite(value) else "number"
    if isinstance(value, (dict, list, tuple)):
        if depth >= MAX_DEPTH:
            return "depth"
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            reason = problem(key, depth + 1) if isinstance(key, str) else None
            reason = reason or problem(item, depth + 1)
            if reason:
                return reason
    return None


def refused(values: dict) -> dict[str, list[str]]:
    """Every refused entry of `values` (arguments, parameters or body fields) under its own name."""
    errors = {}
    for key, value in values.items():
        reason = problem(value) or (problem(key) if isinstance(key, str) else None)
        if reason:
            errors[str(key) if problem(key) is None else "body"] = [MESSAGES[reason]]
    return errors


def guard(values: dict, status: int = 400):
    """A 400 (parameters, GraphQL arguments) or 422 (a REST body, like its other field errors) listing
    every refused entry."""
    errors = refused(values)
    if errors:
        raise InvalidRequest(errors) if status == 400 else Unprocessable(errors)
