"""Items of a collection, rendered as GeoJSON by PostGIS (no Python object per row).

Each feature is one `json_build_object` text from the database; Python only
joins the strings. Paging is keyset (`after` the last id) with `offset` kept for
clients that compute pages themselves. `numberMatched` is exact or absent: it is
counted only up to COUNT_CAP rows, beyond that the planner's estimate is given
under its own name.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field

from gis.ogc import crs as crs_mod
from gis.ogc.collections import Collection
from gis.ogc.errors import FeatureNotFound
from gis.ogc.params import Interval
from gis.replicas import reading_connection

COUNT_CAP = 1_000
# Pages are short queries: PostGIS's high function costs make the planner JIT-compile
# and start parallel workers, which cost more than they save here (see bench/ogc_items.py).
# A page's ids come back by primary key: a hash join would read the whole table instead.
SHORT_QUERIES = ("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0; "
                 "SET LOCAL enable_hashjoin = off; SET LOCAL enable_mergejoin = off")


@dataclass
class Query:
    """A parsed items request; every value here has been validated."""

    limit: int = 10
    offset: int = 0
    after: int | None = None
    bbox: tuple[float, float, float, float] | None = None
    bbox_crs: crs_mod.Crs = crs_mod.CRS84
    crs: crs_mod.Crs = crs_mod.CRS84
    interval: Interval | None = None
    equals: dict[str, object] = field(default_factory=dict)  # queryable name -> parsed value
    extra_where: list[tuple[str, list]] = field(default_factory=list)  # e.g. a CQL2 filter
    sortby: list[tuple[str, bool]] = field(default_factory=list)  # (queryable, descending); then by id
    personal: bool = False  # add the layer's personal fields (staff whose role allows it)


@dataclass
class Page:
    features: list[str]  # GeoJSON Feature texts
    last_id: int | None
    more: bool
    number_matched: int | None
    estimate: int | None
    ids: list[int] = field(default_factory=list)  # the features' ids, in page order (for the audit log)


def geometry_sql(coll: Collection, target: crs_mod.Crs) -> str:
    geom = coll.qualified(coll.layer.geometry_field)
    if target.srid != coll.layer.srid:
        geom = f"ST_Transform({geom}, {int(target.srid)})"
    if target.lat_first:
        geom = f"ST_FlipCoordinates({geom})"
    return f"ST_AsGeoJSON({geom}, {int(target.decimals)}, 0)::json"


def feature_sql(coll: Collection, target: crs_mod.Crs, computed: dict[str, str] | None = None) -> str:
    """The SELECT list of one feature: id, geometry, public properties only (plus computed ones)."""
    pairs = [(q.name, coll.qualified(q.column)) for q in coll.queryables.values()]
    props = ", ".join(f"'{name}', {sql}" for name, sql in [*pairs, *(computed or {}).items()])
    pk = coll.qualified(coll.layer.model._meta.pk.column)
    return (f"json_build_object('type', 'Feature', 'id', {pk}, 'geometry', {geometry_sql(coll, target)}, "
            f"'properties', json_build_object({props}))::text, {pk}")


def personal_sql(coll: Collection) -> dict[str, str]:
    """The layer's personal fields as computed properties: only for staff with the role."""
    opts = coll.layer.model._meta
    return {name: coll.qualified(opts.get_field(name).column) for name in coll.layer.personal_fields
            if not opts.get_field(name).many_to_many}


def where_sql(coll: Collection, q: Query) -> tuple[list[str], list]:
    clauses, params = [], []
    if q.bbox:
        x0, y0, x1, y1 = q.bbox
        if q.bbox_crs.lat_first:
            x0, y0, x1, y1 = y0, x0, y1, x1
        envelope = "ST_MakeEnvelope(%s, %s, %s, %s, %s)"
        if q.bbox_crs.srid != coll.layer.srid:
            envelope = f"ST_Transform({envelope}, {int(coll.layer.srid)})"
        clauses.append(f"ST_Intersects({coll.qualified(coll.layer.geometry_field)}, {envelope})")
        params += [x0, y0, x1, y1, q.bbox_crs.srid]
    if q.interval and coll.temporal:
        col = coll.qualified(coll.temporal.column)
        if q.interval.start:
            clauses.append(f"{col} >= %s")
            params.append(q.interval.start)
        if q.interval.end:
            clauses.append(f"{col} < %s")
            params.append(q.interval.end)
    for name, value in q.equals.items():
        col = coll.qualified(coll.queryables[name].column)
        if value is None:
            clauses.append(f"{col} IS NULL")
        else:
            clauses.append(f"{col} = %s")
            params.append(value)
    for sql, extra in q.extra_where:
        clauses.append(f"({sql})")
        params += extra
    return clauses, params


def page(coll: Collection, q: Query) -> Page:
    table = f'"{coll.layer.table}"'
    pk = coll.qualified(coll.layer.model._meta.pk.column)
    clauses, params = where_sql(coll, q)
    page_clauses, page_params = list(clauses), list(params)
    if q.after is not None:
        page_clauses.append(f"{pk} > %s")
        page_params.append(q.after)
    where = f"WHERE {' AND '.join(page_clauses)}" if page_clauses else ""
    order = [f"{coll.qualified(coll.queryables[name].column)} {'DESC' if desc else 'ASC'}" for name, desc in q.sortby]
    order = ", ".join([*order, pk])
    select = feature_sql(coll, q.crs, personal_sql(coll) if q.personal else None)
    if q.offset:
        # the page's ids are chosen first (an index-only scan when possible) and rendered after,
        # so OFFSET skips rows without reading or rendering them; looked up by primary key
        sql = (f"SELECT {select} FROM {table} WHERE {pk} IN "
               f"(SELECT {pk} FROM {table} {where} ORDER BY {order} LIMIT %s OFFSET %s) ORDER BY {order}")
    else:
        sql = f"SELECT {select} FROM {table} {where} ORDER BY {order} LIMIT %s OFFSET %s"
    with reading_connection().cursor() as cur:
        # one round trip: a multi-statement query is one implicit transaction, so SET LOCAL holds
        cur.execute(f"{SHORT_QUERIES}; {sql}", [*page_params, q.limit + 1, q.offset])
        rows = cur.fetchall()
        more = len(rows) > q.limit
        rows = rows[: q.limit]
        matched = estimate = None
        if not more and q.after is None:
            matched = q.offset + len(rows)
        else:
            matched, estimate = _count(cur, table, clauses, params)
    return Page([r[0] for r in rows], rows[-1][1] if rows else None, more, matched, estimate, [r[1] for r in rows])


def _count(cur, table: str, clauses: list[str], params: list) -> tuple[int | None, int | None]:
    """Exact count up to COUNT_CAP rows; above it, the planner's estimate (labelled as one)."""
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    cur.execute(f"SELECT count(*) FROM (SELECT 1 FROM {table} {where} LIMIT %s) AS capped", [*params, COUNT_CAP + 1])
    n = cur.fetchone()[0]
    if n <= COUNT_CAP:
        return n, None
    cur.execute(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {table} {where}", params)
    plan = cur.fetchone()[0]
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return None, int(plan[0]["Plan"]["Plan Rows"])


def one(coll: Collection, feature_id: str, target: crs_mod.Crs, personal: bool = False) -> str:
    try:
        pk_value = int(feature_id)
    except ValueError:
        raise FeatureNotFound(f"no feature {feature_id[:40]!r} in {coll.id}") from None
    pk = coll.qualified(coll.layer.model._meta.pk.column)
    with reading_connection().cursor() as cur:
        select = feature_sql(coll, target, personal_sql(coll) if personal else None)
        cur.execute(f'SELECT {select} FROM "{coll.layer.table}" WHERE {pk} = %s', [pk_value])
        row = cur.fetchone()
    if row is None:
        raise FeatureNotFound(f"no feature {pk_value} in {coll.id}")
    return row[0]
