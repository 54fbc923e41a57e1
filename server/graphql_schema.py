"""The executable GraphQL schema of a surface, built once at start-up.

ariadne's `make_executable_schema(sdl, *bindables)` parses the SDL, validates it, builds the schema
and binds the resolvers. The bindables of a surface are derived from its types (every type with
`id` + `_id`, every nested connection), which needed a first, throwaway build; here the SDL is parsed
and built once and the bindables are derived from that same schema before they are bound to it. The
SDL validation is skipped: `python -m codegen` validated the generated SDL (codegen.tables builds it
with `build_schema`), and its drift check fails whenever generated/ is not what the specs give. The
rest is ariadne 1.1's own sequence, so the schema is the one `make_executable_schema` returns.

Parsing the two SDL files was the largest part of start-up: the parsed document (without source
locations, which nothing reads once the schema is built) is kept in the cache folder
(`SPECSHOP_CACHE_DIR`, default `var/cache`) under a hash of the SDL text and the graphql-core
version, as Python keeps compiled modules, and read back by the next start (a missing, stale or
unreadable file is parsed again and rewritten).
"""
import hashlib
import os
import pickle
from pathlib import Path
from typing import Callable

import graphql
from ariadne.enums_default_values import repair_schema_default_enum_values, validate_schema_default_enum_values
from ariadne.executable_schema import SchemaBindables, normalize_bindables
from graphql import DocumentNode, GraphQLSchema, assert_valid_schema, build_ast_schema, parse


def cache_dir() -> Path:
    return Path(os.environ.get("SPECSHOP_CACHE_DIR") or "var/cache")


def parsed_sdl(sdl: str) -> DocumentNode:
    """The SDL's document, from the cache folder when an earlier start parsed the same text."""
    digest = hashlib.sha256(f"{graphql.__version__}\n{sdl}".encode()).hexdigest()[:24]
    path = cache_dir() / f"sdl-{digest}.pickle"
    try:
        document = pickle.loads(path.read_bytes())
        if isinstance(document, DocumentNode):
            return document
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        pass
    document = parse(sdl, no_location=True)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_bytes(pickle.dumps(document, protocol=pickle.HIGHEST_PROTOCOL))
        partial.replace(path)  # atomic: a concurrent start reads the old file or the whole new one
    except OSError:
        pass  # a read-only folder: parse at every start
    return document


def build_executable_schema(sdl: str, bindables_for: Callable[[GraphQLSchema], list[SchemaBindables]]) -> GraphQLSchema:
    """`make_executable_schema(sdl, *bindables_for(schema))`, with one parse and one build."""
    schema = build_ast_schema(parsed_sdl(sdl), assume_valid_sdl=True)
    for bindable in normalize_bindables(*bindables_for(schema)):
        bindable.bind_to_schema(schema)
    validate_schema_default_enum_values(schema)
    assert_valid_schema(schema)
    repair_schema_default_enum_values(schema)
    return schema
