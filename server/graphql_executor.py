"""GraphQL execution with plain fields completed in a few steps.

graphql-core completes every field through one general path (resolve info, argument values, the
resolver, completion by type, error handling); for a page of product cards, twenty scalars each, that
path is most of the request's time. A field that would be resolved by default to a scalar or an enum,
with no arguments (a key of its parent's document), is completed here by reading the key and
serialising it with its type. Anything else, and every value that would be an error (a missing
non-null value, a value its type refuses, a callable), takes the general path, which answers exactly
as before. Plain fields have no middleware to run (`OwnResolversOnly` leaves them alone).
"""
from graphql import GraphQLNonNull, default_field_resolver, is_leaf_type
from graphql.execution.executor_throwing_on_incremental import ExecutorThrowingOnIncremental
from graphql.pyutils import Undefined

_plain_fields: dict = {}  # (schema id, type name, field name) -> (leaf type, non-null) or None


class PlainFieldsExecutor(ExecutorThrowingOnIncremental):
    def execute_field(self, parent_type, source, field_details_list, path, position_context):
        if type(source) is dict and len(field_details_list) == 1:
            node = field_details_list[0].node
            leaf = None if node.arguments else self.plain_field(parent_type, node.name.value)
            if leaf is not None:
                leaf_type, non_null = leaf
                value = source.get(node.name.value)
                if value is None and not non_null:
                    return None
                if value is not None and not callable(value):
                    try:
                        serialized = leaf_type.serialize(value)
                    except Exception:  # noqa: BLE001 - the general path reports it
                        serialized = Undefined
                    if serialized is not None and serialized is not Undefined:
                        return serialized
        return super().execute_field(parent_type, source, field_details_list, path, position_context)

    def plain_field(self, parent_type, name: str):
        key = (id(self.schema), parent_type.name, name)
        if key not in _plain_fields:
            field = self.schema.get_field(parent_type, name)
            plain = None
            if (field is not None and field.resolve is None and not field.args
                    and self.field_resolver is default_field_resolver):
                non_null = isinstance(field.type, GraphQLNonNull)
                inner = field.type.of_type if non_null else field.type
                plain = (inner, non_null) if is_leaf_type(inner) else None
            _plain_fields[key] = plain
        return _plain_fields[key]
