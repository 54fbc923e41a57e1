"""The executable GraphQL schema of a surface, built once at start-up.

ariadne's `make_executable_schema(sdl, *bindables)` parses the SDL, validates it, builds the schema
and binds the resolvers. The bindables of a surface are derived from its types (every type with
`id` + `_id`, every nested connection), which needed a first, throwaway build; here the SDL is parsed
and built once and the bindables are derived from that same schema before they are bound to it. The
SDL validation is skipped: `python -m codegen` validated the generated SDL (codegen.tables builds it
with `build_schema`), and its drift check fails whenever generated/ is not what the specs give. The
rest is ariadne 1.1's own sequence, so the schema is the one `make_executable_schema` returns.
"""
from typing import Callable

from ariadne.enums_default_values import repair_schema_default_enum_values, validate_schema_default_enum_values
from ariadne.executable_schema import SchemaBindables, normalize_bindables
from graphql import GraphQLSchema, assert_valid_schema, build_ast_schema, parse


def build_executable_schema(sdl: str, bindables_for: Callable[[GraphQLSchema], list[SchemaBindables]]) -> GraphQLSchema:
    """`make_executable_schema(sdl, *bindables_for(schema))`, with one parse and one build."""
    schema = build_ast_schema(parse(sdl), assume_valid_sdl=True)
    for bindable in normalize_bindables(*bindables_for(schema)):
        bindable.bind_to_schema(schema)
    validate_schema_default_enum_values(schema)
    assert_valid_schema(schema)
    repair_schema_default_enum_values(schema)
    return schema
