"""A fixed-shape ORM query compiled to SQL once per process and database, for the few reads
that every page pays (the bell's count): the ORM stays the one home of the query's rule, and
the per-request cost of building and compiling it (several times its SQL's own time for a
count with subqueries) is paid once.

`compiled_count(name, build, using=..., **values)`: `build(**placeholders)` returns the
queryset with a placeholder integer for each named value (each an id); the SQL is compiled
once for (name, the database's alias) and then run with the placeholders swapped for the
values in the compiled parameters. Placeholders are negative and distinct, never a real id,
and a build whose parameters do not hold each placeholder once or more is refused.
"""

from django.db import connections

# Negative ids no table holds; one per named value, in the order the names are sorted.
_PLACEHOLDER_BASE = -7_300_001
_COMPILED: dict[tuple[str, str], tuple[str, list]] = {}


def _compile(name: str, build, using: str, names: list[str]) -> tuple[str, list]:
    placeholders = {key: _PLACEHOLDER_BASE - n for n, key in enumerate(names)}
    queryset = build(**placeholders).using(using)
    sql, params = queryset.query.get_compiler(using).as_sql()
    slots = []
    by_value = {value: key for key, value in placeholders.items()}
    for param in params:
        found = by_value.get(param) if isinstance(param, int) else None
        slots.append(("value", found) if found else ("literal", param))
    missing = set(names) - {slot for kind, slot in slots if kind == "value"}
    if missing:
        raise ValueError(f"{name}: the compiled SQL does not use {sorted(missing)}")
    return f"SELECT COUNT(*) FROM ({sql}) AS counted", slots


def compiled_count(name: str, build, *, using: str, **values: int) -> int:
    """COUNT(*) over `build(**values)`'s rows (slice it in `build` to cap the count)."""
    names = sorted(values)
    key = (name, using)
    compiled = _COMPILED.get(key)
    if compiled is None:
        compiled = _COMPILED[key] = _compile(name, build, using, names)
    sql, slots = compiled
    params = [values[slot] if kind == "value" else slot for kind, slot in slots]
    with connections[using].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchone()[0]
