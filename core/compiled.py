"""A fixed-shape ORM query compiled to SQL once per process and database, for the few reads
that every page pays (the bell's count): the ORM stays the one home of the query's rule, and
the per-request cost of building and compiling it (several times its SQL's own time for a
count with subqueries) is paid once.

`compiled_count(name, build, using=..., **values)`: `build(**placeholders)` returns the
queryset with a placeholder integer for each named value (each an id); the SQL is compiled
once for (name, the database's alias) and then run with the placeholders swapped for the
values in the compiled parameters. Placeholders are negative and distinct, never a real id,
and a build whose parameters do not hold each placeholder once or more is refused.

The same for `compiled_values` (a `values_list` query's rows: a served page's key state) and
`compiled_models` / `compiled_first` (rows as model instances, with their `select_related`
relations and annotations: the signed-in user on every page, the API token on every API call,
the lead a change answers with). A value may
also be a text (a token's key): its placeholder is a text no key holds (it has a NUL).
"""

from django.db import connections
from django.db.models.query import get_related_populators

# Negative ids no table holds, or text no key is (a NUL): one per named value.
_PLACEHOLDER_BASE = -7_300_001
_COMPILED: dict[tuple[str, str], tuple[str, list]] = {}


def _placeholders(names: list[str], kinds: dict) -> dict:
    """A distinct placeholder per named value, of the value's kind (an id or a text)."""
    return {
        key: f"\x00compiled:{key}\x00" if kinds[key] is str else _PLACEHOLDER_BASE - n
        for n, key in enumerate(names)
    }


def _compile_sql(name: str, build, using: str, names: list[str], kinds: dict) -> tuple[str, list]:
    placeholders = _placeholders(names, kinds)
    queryset = build(**placeholders).using(using)
    sql, params = queryset.query.get_compiler(using).as_sql()
    slots = []
    by_value = {value: key for key, value in placeholders.items()}
    for param in params:
        found = by_value.get(param) if isinstance(param, int | str) else None
        slots.append(("value", found) if found else ("literal", param))
    missing = set(names) - {slot for kind, slot in slots if kind == "value"}
    if missing:
        raise ValueError(f"{name}: the compiled SQL does not use {sorted(missing)}")
    return sql, slots


def _kinds(values: dict) -> dict:
    return {key: str if isinstance(value, str) else int for key, value in values.items()}


def _compile(name: str, build, using: str, names: list[str], kinds: dict) -> tuple[str, list]:
    sql, slots = _compile_sql(name, build, using, names, kinds)
    return f"SELECT COUNT(*) FROM ({sql}) AS counted", slots


def _run(using: str, compiled: tuple[str, list], values: dict, fetch):
    sql, slots = compiled
    params = [values[slot] if kind == "value" else slot for kind, slot in slots]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return fetch(cursor)


def compiled_count(name: str, build, *, using: str, **values: int) -> int:
    """COUNT(*) over `build(**values)`'s rows (slice it in `build` to cap the count)."""
    key = (name, using)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _COMPILED[key] = _compile(name, build, using, sorted(values), _kinds(values))
    return _run(using, compiled, values, lambda cursor: cursor.fetchone()[0])


_VALUES: dict[tuple[str, str], tuple[str, list]] = {}


def compiled_values(name: str, build, *, using: str, **values: int) -> list[tuple]:
    """The rows of `build(**values)` (a `values_list` query) as the database returns them: for
    a key's state, not for display (no field converters run)."""
    key = (name, using)
    compiled = _VALUES.get(key)
    if compiled is None:
        compiled = _VALUES[key] = _compile_sql(name, build, using, sorted(values), _kinds(values))
    return _run(using, compiled, values, lambda cursor: cursor.fetchall())


# --- Rows as model instances, with their select_related relations --------------------------

_ROWS: dict[tuple[str, str], tuple] = {}


def _compile_models(name: str, build, using: str, names: list[str], kinds: dict) -> tuple:
    sql, slots = _compile_sql(name, build, using, names, kinds)
    # What Django's ModelIterable builds per query, built once: how a row becomes the model
    # instance and its related instances (the compiler's select and klass_info, filled when
    # it compiles).
    compiler = build(**_placeholders(names, kinds)).using(using).query.get_compiler(using)
    compiler.as_sql()
    select, klass_info = compiler.select, compiler.klass_info
    fields = klass_info["select_fields"]
    start, end = fields[0], fields[-1] + 1
    init_list = [column[0].target.attname for column in select[start:end]]
    populators = get_related_populators(klass_info, select, using)
    converters = compiler.get_converters([column[0] for column in select])
    annotations = list(compiler.annotation_col_map.items())
    return (
        sql,
        slots,
        compiler,
        klass_info["model"],
        (start, end, init_list, annotations),
        populators,
        converters,
    )


def compiled_models(name: str, build, *, using: str, **values: int | str) -> list:
    """The rows of `build(**values)` as model instances, with the relations its
    `select_related` names loaded and its annotations set; built and compiled once."""
    key = (name, using)
    compiled = _ROWS.get(key)
    if compiled is None:
        names = sorted(values)
        compiled = _ROWS[key] = _compile_models(name, build, using, names, _kinds(values))
    sql, slots, compiler, model, (start, end, init_list, annotations), populators, converters = (
        compiled
    )
    rows = _run(using, (sql, slots), values, lambda cursor: cursor.fetchall())
    if converters:
        rows = compiler.apply_converters(rows, converters)
    found = []
    for row in rows:
        obj = model.from_db(using, init_list, row[start:end])
        for populator in populators:
            populator.populate(row, obj)
        for attname, position in annotations:
            setattr(obj, attname, row[position])
        found.append(obj)
    return found


def compiled_first(name: str, build, *, using: str, **values: int | str):
    """The first of `compiled_models` (slice `build` to one row), or None."""
    found = compiled_models(name, build, using=using, **values)
    return found[0] if found else None
