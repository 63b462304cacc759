"""The first rows of several querysets at once: each group's newest few, in one query.

A page per group (each vendor's newest entries, say) is cheap on its own: a LIMIT subquery
read off the group's index. The ORM cannot put several of them in one query well:
``union()`` refuses sliced parts on SQLite, and ``Q(pk__in=a) | Q(pk__in=b)`` makes
PostgreSQL scan the whole table against a hashed subplan per part. ``slices_union`` compiles
each part with ``Query.sql_with_params`` (not a documented API: this is the one place that
reaches inside the ORM) and joins them with ``UNION ALL``, which both databases read part by
part off their indexes.
"""

from django.db.models.expressions import RawSQL


def slices_union(querysets) -> RawSQL:
    """Every row of ``querysets`` (each selecting one column, such as ``values("pk")[:5]``),
    as one subquery for ``filter(pk__in=...)``. ``querysets`` must not be empty."""
    parts, params = [], []
    for number, queryset in enumerate(querysets):
        sql, part_params = queryset.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS part_{number}")
        params.extend(part_params)
    return RawSQL(" UNION ALL ".join(parts), params)
