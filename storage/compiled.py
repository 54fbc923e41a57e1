"""Peewee queries compiled to SQL once per database, for the reads every request makes.

Building a select's SQL text costs more than running it on a small table: a product detail spent
two thirds of its time there. `Compiled(build, *kinds)` calls `build` once per database (and per
length of each list argument) with markers in place of its arguments, keeps the SQL text and the
parameter list, and remembers where each marker sits in it; every call then puts its arguments in
the markers' places and runs the text as it is. Kinds: "text" (a value of a text column), "int",
"date", and "ints" / "texts" (lists, as `IN` takes them). `rows` answers rows with every selected
column as an attribute (aliased and joined columns too, as `.objects()` does), converted by the
model's fields; `models` answers instances of the query's model, as iterating the query does (for a
select of that model's own columns only); `tuples` answers plain rows.
"""
import threading

from storage.db import database

MAX_LIST = 100  # lists longer than this are not compiled (one text per length would pile up)


class Marker:
    """Stands for a date argument (date fields pass objects other than strings and datetimes through)."""

    def __init__(self, index: int):
        self.index = index


def marker(kind: str, index: int, position: int = 0):
    if kind in ("text", "texts"):
        return f"\x00marker-{index}-{position}"
    if kind in ("int", "ints"):
        return -(7_340_000_000_000 + index * 1_000_000 + position)
    if kind == "date":
        return Marker(index)
    raise ValueError(f"unknown kind {kind!r}")


class Row:
    """One selected row: its columns as attributes, converted by the model's fields (`product_id`,
    `price` as Decimal, `created_at` as datetime); columns of joined tables as they come."""

    def __repr__(self):
        return f"Row({self.__dict__!r})"


def row_shape(model, names: list[str]) -> tuple[list[str], list]:
    columns = model._meta.columns
    return names, [columns[name].python_value if name in columns else None for name in names]


class Compiled:
    def __init__(self, build, *kinds: str):
        self.build, self.kinds = build, kinds
        self.compiled: dict[tuple, tuple] = {}  # (id(database), list lengths) -> (model, sql, slots)
        self.shapes: dict[str, tuple] = {}  # sql -> (column names, their fields' converters)
        self.field_shapes: dict[str, tuple] = {}  # sql -> (field names, their converters), for `models`
        self.lock = threading.Lock()

    def prepared(self, arguments) -> tuple:
        lengths = tuple(len(argument) if kind.endswith("s") else None for kind, argument in zip(self.kinds, arguments))
        key = (id(database.obj), lengths)
        found = self.compiled.get(key)
        if found is None:
            markers = [[marker(kind, index, position) for position in range(length)] if length is not None
                       else marker(kind, index) for index, (kind, length) in enumerate(zip(self.kinds, lengths))]
            query = self.build(*markers)
            sql, params = query.sql()
            places = {}
            for index, value in enumerate(markers):
                for position, item in (enumerate(value) if isinstance(value, list) else [(None, value)]):
                    places[id(item) if isinstance(item, Marker) else item] = (index, position)
            slots = []
            for value in params:
                place = places.get(id(value) if isinstance(value, Marker) else value) \
                    if isinstance(value, (str, int, Marker)) and not isinstance(value, bool) else None
                slots.append(place if place is not None else ("value", value))
            found = (query.model, sql, slots)
            with self.lock:
                self.compiled[key] = found
        return found

    def parameters(self, arguments) -> tuple:
        arguments = [list(argument) if kind.endswith("s") else argument for kind, argument in zip(self.kinds, arguments)]
        if any(isinstance(argument, list) and len(argument) > MAX_LIST for argument in arguments):
            query = self.build(*arguments)  # a long list: built as it comes, not kept
            return (query.model, *query.sql())
        model, sql, slots = self.prepared(arguments)
        params = [slot[1] if slot[0] == "value" else (
            arguments[slot[0]] if slot[1] is None else arguments[slot[0]][slot[1]]) for slot in slots]
        return model, sql, params

    def rows(self, *arguments) -> list:
        model, sql, params = self.parameters(arguments)
        cursor = database.execute_sql(sql, params)
        shape = self.shapes.get(sql)
        if shape is None:
            shape = self.shapes[sql] = row_shape(model, [column[0] for column in cursor.description])
        names, converters = shape
        found = []
        for values in cursor.fetchall():
            row = Row()
            row.__dict__.update(zip(names, [value if convert is None or value is None else convert(value)
                                            for convert, value in zip(converters, values)]))
            found.append(row)
        return found

    def models(self, *arguments) -> list:
        model, sql, params = self.parameters(arguments)
        cursor = database.execute_sql(sql, params)
        shape = self.field_shapes.get(sql)
        if shape is None:
            fields = [model._meta.columns[column[0]] for column in cursor.description]
            shape = self.field_shapes[sql] = ([field.name for field in fields], [field.python_value for field in fields])
        names, converters = shape
        found = []
        for values in cursor.fetchall():
            instance = model(__no_default__=1)  # what the fields' accessors would store, not marked dirty
            instance.__data__.update(zip(names, [value if value is None else convert(value)
                                                 for convert, value in zip(converters, values)]))
            found.append(instance)
        return found

    def tuples(self, *arguments) -> list[tuple]:
        _model, sql, params = self.parameters(arguments)
        return database.execute_sql(sql, params).fetchall()

    def first(self, *arguments):
        found = self.rows(*arguments)
        return found[0] if found else None
