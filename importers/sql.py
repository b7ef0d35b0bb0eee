"""The SQL of one import: staging table, checks, merge. Identifiers come from the
registry (never from the file); values travel as COPY data or query parameters."""
from __future__ import annotations

from django.db import DatabaseError
from django.db.models import CheckConstraint, F, Q
from django.db.models.expressions import BaseExpression
from django.db.models.sql import Query

from importers.errors import ConstraintViolated, ReplaceRefused
from importers.mapping import Mapping
from layers.registry import Layer

DROP_TEMP = "DROP TABLE IF EXISTS qala_staging, qala_checked"
DIMENSION = {"Point": 1, "LineString": 2, "Polygon": 3}


def q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def col(field_name: str) -> str:
    return q(f"f_{field_name}")


class Plan:
    def __init__(self, layer: Layer, mapping: Mapping, connection):
        self.layer, self.mapping, self.connection = layer, mapping, connection
        self.fields = {name: mapping.model_field(name) for name in mapping.sources}
        self.key = mapping.key
        self.table = q(layer.table)
        self.geom = q(layer.geometry_field)

    # -- staging ---------------------------------------------------------------
    def create_staging(self) -> str:
        typed = ", ".join(f"{col(n)} {'text' if f.is_relation else f.cast_db_type(self.connection)}"
                          for n, f in self.fields.items())
        return ("CREATE TEMP TABLE qala_staging (_n bigint, _geom geometry(Geometry, 4326), _reason text"
                + (", " + typed if typed else "") + ") ON COMMIT DROP")

    def copy_statement(self) -> str:
        names = ", ".join(["_n", "_geom", "_reason", *(col(n) for n in self.fields)])
        return f"COPY qala_staging ({names}) FROM STDIN WITH (FORMAT csv)"

    # -- checks ----------------------------------------------------------------
    def _coerce(self) -> str:
        """The geometry in the layer's type, or NULL when it cannot be (wrong type, several parts)."""
        target = self.layer.geometry_type
        multi = target.startswith("Multi")
        single = target.removeprefix("Multi")
        d = DIMENSION[single]
        up, mup = single.upper(), f"MULTI{single.upper()}"
        if multi:
            return (f"CASE WHEN GeometryType(a.v) IN ('{up}', '{mup}') THEN ST_Multi(a.v) "
                    f"WHEN GeometryType(a.v) = 'GEOMETRYCOLLECTION' AND NOT ST_IsEmpty(ST_CollectionExtract(a.v, {d})) "
                    f"THEN ST_Multi(ST_CollectionExtract(a.v, {d})) END")
        merge = ("WHEN GeometryType(a.v) = 'MULTILINESTRING' AND GeometryType(ST_LineMerge(a.v)) = 'LINESTRING' "
                 "THEN ST_LineMerge(a.v) " if single == "LineString" else "")
        return (f"CASE WHEN GeometryType(a.v) = '{up}' THEN a.v "
                f"WHEN GeometryType(a.v) = '{mup}' AND ST_NumGeometries(a.v) = 1 THEN ST_GeometryN(a.v, 1) "
                + merge +
                f"WHEN GeometryType(a.v) = 'GEOMETRYCOLLECTION' AND ST_NumGeometries(ST_CollectionExtract(a.v, {d})) = 1 "
                f"THEN ST_GeometryN(ST_CollectionExtract(a.v, {d}), 1) END")

    def required(self) -> list[str]:
        """Mapped fields a row cannot do without: the registry's required ones, and NOT NULL ones
        that have no default to fall back on."""
        out = [n for n, f in self.fields.items() if n in self.layer.required_fields or n == self.key
               or (f.is_relation and not f.null)]
        for n, f in self.fields.items():
            if n not in out and not f.null and not f.has_default() and f.get_internal_type() not in (
                    "CharField", "TextField"):
                out.append(n)
        return out

    def check(self, extent: tuple[float, float, float, float]) -> tuple[str, list]:
        """Build qala_checked: each staged row with its final geometry, its rejection reason
        (NULL if it goes in) and its repair note, in one pass over the staging table."""
        want = self.layer.geometry_type
        missing_geom = ("WHEN s._geom IS NULL THEN 'no geometry (missing or unreadable coordinates)'"
                        if self.layer.geometry_required else "")
        required = " ".join(
            f"WHEN s.{col(n)} IS NULL THEN %s" for n in self.required())
        key = col(self.key)
        refs = {n: f for n, f in self.fields.items() if f.is_relation}
        params = [f"{n}: no {f.related_model.__name__} with {self.mapping.sources[n].match} = that value"
                  for n, f in refs.items()]
        params += [f"{n}: missing (required)" for n in self.required()]
        fields = ", ".join(f"r_{n}.id AS {col(n)}" if n in refs else f"s.{col(n)}" for n in self.fields)
        joins = "".join(
            f" LEFT JOIN LATERAL (SELECT r.{q(f.target_field.column)} AS id FROM {q(f.related_model._meta.db_table)} r "
            f"WHERE r.{q(f.related_model._meta.get_field(self.mapping.sources[n].match).column)}::text = s.{col(n)} "
            f"LIMIT 1) r_{n} ON true" for n, f in refs.items())
        unresolved = " ".join(f"WHEN s.{col(n)} IS NOT NULL AND r_{n}.id IS NULL THEN %s" for n in refs)
        statement = f"""
        CREATE TEMP TABLE qala_checked ON COMMIT DROP AS
        WITH city AS (SELECT ST_MakeEnvelope(%s, %s, %s, %s, 4326) AS extent)
        SELECT s._n, {fields}, b.g AS _geom,
          CASE WHEN s._reason IS NOT NULL THEN s._reason
               {missing_geom}
               WHEN s._geom IS NOT NULL AND ST_IsEmpty(s._geom) THEN 'empty geometry'
               WHEN s._geom IS NOT NULL AND b.g IS NULL THEN 'geometry is ' || GeometryType(a.v)
                    || CASE WHEN ST_NumGeometries(a.v) > 1 THEN ' of ' || ST_NumGeometries(a.v) || ' parts' ELSE '' END
                    || ', layer needs {want}'
               WHEN b.g IS NOT NULL AND NOT ST_CoveredBy(b.g, city.extent) THEN
                    CASE WHEN ST_CoveredBy(ST_FlipCoordinates(b.g), city.extent)
                         THEN 'outside the city extent: longitude and latitude look swapped'
                         ELSE 'outside the city extent (check the CRS and the lon/lat order)' END
               {unresolved}
               {required}
               WHEN s._n <> min(s._n) OVER (PARTITION BY s.{key})
                    THEN 'duplicate key ' || s.{key} || ', first on row ' || min(s._n) OVER (PARTITION BY s.{key})
          END AS _reason,
          CASE WHEN NOT a.ok THEN 'made valid with ST_MakeValid: ' || ST_IsValidReason(s._geom) END AS _repaired
        FROM qala_staging s CROSS JOIN city
        CROSS JOIN LATERAL (SELECT s._geom IS NULL OR ST_IsValid(s._geom) AS ok) o
        CROSS JOIN LATERAL (SELECT CASE WHEN o.ok THEN s._geom ELSE ST_MakeValid(s._geom) END AS v, o.ok) a
        CROSS JOIN LATERAL (SELECT {self._coerce()} AS g) b{joins}
        """
        return statement, [*extent, *params]

    def constraint_checks(self) -> list[tuple[str, list]]:
        """The model's CHECK constraints over mapped fields, run on the checked rows, so a row that
        breaks one is rejected with its row number instead of failing the whole merge."""
        table = q(self.layer.table)
        plain = {n: f for n, f in self.fields.items() if not f.is_relation}
        columns = ", ".join(f"{col(n)} AS {q(f.column)}" for n, f in plain.items())
        out = []
        for constraint in self.layer.model._meta.constraints:
            if not isinstance(constraint, CheckConstraint):
                continue
            names = _q_fields(constraint.condition)
            if not names or not names <= set(plain):
                continue
            query = Query(self.layer.model, alias_cols=True)
            condition, params = query.build_where(constraint.condition).as_sql(
                query.get_compiler(connection=self.connection), self.connection)
            values = " || ', ' || ".join(
                f"'{n}=' || coalesce({table}.{q(plain[n].column)}::text, 'empty')" for n in sorted(names))
            out.append((
                f"UPDATE qala_checked c SET _reason = %s || {values} "
                f"FROM (SELECT _n, {columns} FROM qala_checked WHERE _reason IS NULL) AS {table} "
                f"WHERE c._n = {table}._n AND ({condition}) IS FALSE",
                [f"breaks the rule {constraint.name}: ", *params]))
        return out

    def counts(self) -> str:
        return "SELECT count(_reason), count(_repaired) FILTER (WHERE _reason IS NULL) FROM qala_checked"

    def _issues_query(self) -> str:
        return (f"SELECT _n, {col(self.key)}::text, CASE WHEN _reason IS NOT NULL THEN 'rejected' ELSE 'repaired' END, "
                f"coalesce(_reason, _repaired) FROM qala_checked "
                f"WHERE _reason IS NOT NULL OR _repaired IS NOT NULL ORDER BY _n")

    def issues(self, limit: int) -> str:
        return self._issues_query() + f" LIMIT {int(limit)}"

    def issues_copy(self) -> str:
        return f"COPY ({self._issues_query()}) TO STDOUT WITH (FORMAT csv)"

    # -- merge -----------------------------------------------------------------
    def _defaults(self) -> dict[str, object]:
        """NOT NULL fields the file does not fill: their model default on insert."""
        out = {}
        for f in self.layer.model._meta.concrete_fields:
            if f.name in self.fields or f.primary_key or f.null or f.name in ("created_at", "updated_at") \
                    or f.name == self.layer.geometry_field:
                continue
            if f.has_default() or f.get_internal_type() in ("CharField", "TextField"):
                out[f.column] = f.get_default() if f.has_default() else ""
        return out

    def merge(self) -> tuple[str, list]:
        """Insert new features, update changed ones, leave identical ones untouched."""
        params: list = []
        names, values = [], []
        for n, f in self.fields.items():
            names.append(q(f.column))
            if not f.null and (f.has_default() or f.get_internal_type() in ("CharField", "TextField")):
                values.append(f"coalesce(c.{col(n)}, %s)")
                params.append(f.get_default() if f.has_default() else "")
            else:
                values.append(f"c.{col(n)}")
        names.append(self.geom)
        values.append("c._geom")
        for column, default in self._defaults().items():
            names.append(q(column))
            values.append("%s")
            params.append(default)
        names += ['"created_at"', '"updated_at"']
        values += ["now()", "now()"]
        key_column = q(self.mapping.model_field(self.key).column)
        changing = [q(self.fields[n].column) for n in self.fields if n != self.key] + [self.geom]
        sets = ", ".join(f"{c} = EXCLUDED.{c}" for c in changing)
        old = ", ".join(f"t.{c}" for c in changing)
        new = ", ".join(f"EXCLUDED.{c}" for c in changing)
        statement = f"""
        WITH merged AS (
          INSERT INTO {self.table} AS t ({", ".join(names)})
          SELECT {", ".join(values)} FROM qala_checked c WHERE c._reason IS NULL
          ON CONFLICT ({key_column}) DO UPDATE SET {sets}, "updated_at" = EXCLUDED."updated_at"
          WHERE ({old}, NULL::int) IS DISTINCT FROM ({new}, NULL::int)
          RETURNING (xmax = 0) AS inserted)
        SELECT count(*) FILTER (WHERE inserted), count(*) FILTER (WHERE NOT inserted) FROM merged
        """
        return statement, params

    def delete_missing(self) -> str:
        """--replace: remove the layer's features the file does not hold (rejected rows count as held)."""
        key_column = q(self.mapping.model_field(self.key).column)
        return (f"DELETE FROM {self.table} t WHERE t.{key_column} IS NULL OR NOT EXISTS "
                f"(SELECT 1 FROM qala_checked c WHERE c.{col(self.key)} = t.{key_column})")


def _q_fields(node: Q) -> set[str] | None:
    """Field names a constraint's condition reads; None if it uses expressions we cannot place."""
    out: set[str] = set()
    for child in node.children:
        if isinstance(child, Q):
            inner = _q_fields(child)
            if inner is None:
                return None
            out |= inner
            continue
        lookup, value = child
        out.add(lookup.split("__")[0])
        if isinstance(value, F):
            out.add(value.name.split("__")[0])
        elif isinstance(value, BaseExpression):
            return None
    return out


def refusal(exc: DatabaseError, layer_id: str) -> Exception:
    """The database's own refusal (guard trigger, check constraint, protected reference) as a user error."""
    cause = exc.__cause__ or exc
    diag = getattr(cause, "diag", None)
    message = (diag.message_primary if diag and diag.message_primary else str(cause)).strip()
    constraint = diag.constraint_name if diag else None
    detail = f" ({constraint})" if constraint else ""
    if getattr(cause, "pgcode", None) == "23503":
        return ReplaceRefused(f"layer {layer_id}: other records still refer to features the import would "
                              f"delete{detail}; nothing was written")
    return ConstraintViolated(f"layer {layer_id}: the database refused a feature: {message}{detail}; "
                              "nothing was written", constraint=constraint)
