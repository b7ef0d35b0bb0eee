"""Load the demo city with COPY in one transaction, once.

Demo rows carry source_id 'demo:<layer>:<row>'; a one-row marker table records the
seed and scale. A second load is a no-op unless forced, and a forced load replaces only
demo rows, refusing if real data (an appeal, say) points at them.
"""
from __future__ import annotations

import io
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime

import shapely
from django.apps import apps
from django.db import connection, transaction
from tqdm import tqdm

from data.generate import DEFAULT_SEED, City, build_city
from gis.errors import QalaError
from layers.registry import registry

DEMO_PREFIX = "demo:"
MARKER = """CREATE TABLE IF NOT EXISTS qala_demo_city (
    id integer PRIMARY KEY CHECK (id = 1), seed integer NOT NULL, scale text NOT NULL,
    loaded_at timestamptz NOT NULL DEFAULT now())"""


class DemoCityInUse(QalaError):
    status = 409
    code = "demo-city-in-use"


@dataclass
class LoadResult:
    loaded: bool
    seed: int | None
    scale: str | None
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _text(value) -> str:
    """One value in PostgreSQL COPY text format."""
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, list):
        inner = ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value)
        value = "{" + inner + "}"
    s = str(value)
    if any(c in s for c in "\\\t\n\r"):
        s = s.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    return s


def loaded_demo(cur) -> tuple[int, str] | None:
    """(seed, scale) of the loaded demo city; None when absent, also after the layers were flushed
    under a marker left behind."""
    cur.execute(MARKER)
    cur.execute("SELECT seed, scale FROM qala_demo_city WHERE id = 1")
    row = cur.fetchone()
    if row is None:
        return None
    cur.execute(f'SELECT EXISTS (SELECT 1 FROM "{registry.get("districts").table}" WHERE source_id LIKE %s)',
                [DEMO_PREFIX + "%"])
    return (row[0], row[1]) if cur.fetchone()[0] else None


def _allocate_ids(cur, table: str, n: int) -> list[int]:
    cur.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, n])
    return [r[0] for r in cur.fetchall()]


def _history_model():
    """AppealEvent, the appeals' append-only history, when this schema has it."""
    try:
        return apps.get_model("layers", "AppealEvent")
    except LookupError:
        return None


def _remove_demo_history(cur) -> None:
    """The history of demo appeals is demo data too, whoever wrote it."""
    history = _history_model()
    if history is None:
        return
    table = history._meta.db_table
    column = history._meta.get_field("appeal").column
    with _guards_off(cur, table):
        cur.execute(f'DELETE FROM "{table}" WHERE "{column}" IN (SELECT id FROM "{registry.get("appeals").table}" '
                    "WHERE source_id LIKE %s)", [DEMO_PREFIX + "%"])


def _remove_demo(cur) -> None:
    """Delete demo rows, last layer first. Rows outside the demo that point at demo rows are
    unlinked where the link may be cleared; otherwise (an appeal's history, an appeal on a demo
    house) the replacement is refused: nothing but demo data is ever lost."""
    layers = list(registry)
    demo = DEMO_PREFIX + "%"
    _remove_demo_history(cur)
    for layer in layers:
        for rel in layer.model._meta.related_objects:
            if rel.many_to_many:
                continue
            src = rel.related_model._meta
            where = f'"{rel.field.column}" IN (SELECT id FROM "{layer.table}" WHERE source_id LIKE %s)'
            params = [demo]
            if any(f.name == "source_id" for f in src.concrete_fields):
                where += " AND (source_id IS NULL OR source_id NOT LIKE %s)"
                params.append(demo)
            if rel.on_delete.__name__ == "SET_NULL":
                cur.execute(f'UPDATE "{src.db_table}" SET "{rel.field.column}" = NULL WHERE {where}', params)
                continue
            cur.execute(f'SELECT count(*) FROM "{src.db_table}" WHERE {where}', params)
            n = cur.fetchone()[0]
            if n:
                raise DemoCityInUse(f"{n} rows of {src.db_table} that are not demo data refer to demo {layer.id}; "
                                    "the demo city cannot be replaced without losing them")
    for layer in reversed(layers):
        for m2m in layer.model._meta.local_many_to_many:
            through = m2m.remote_field.through._meta
            cur.execute(f'DELETE FROM "{through.db_table}" WHERE "{m2m.m2m_column_name()}" IN '
                        f'(SELECT id FROM "{layer.table}" WHERE source_id LIKE %s)', [demo])
        with _guards_off(cur, layer.table):  # appeals are never deleted; demo appeals are not anyone's
            cur.execute(f'DELETE FROM "{layer.table}" WHERE source_id LIKE %s', [demo])
    cur.execute("DELETE FROM qala_demo_city")


@contextmanager
def _guards_off(cur, table: str):
    """Within this transaction only, lift the append-only guards (qala_refuse_change) on `table`
    around a demo-row delete; other triggers (tile caches) keep running."""
    cur.execute("""SELECT t.tgname FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                   WHERE t.tgrelid = %s::regclass AND NOT t.tgisinternal AND p.proname = 'qala_refuse_change'
                   AND t.tgenabled <> 'D' ORDER BY t.tgname""", [table])
    names = [r[0] for r in cur.fetchall()]

    def settle():  # ALTER TABLE needs the deferred foreign-key checks of this transaction done first
        if names:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET CONSTRAINTS ALL DEFERRED")

    settle()
    for name in names:
        cur.execute(f'ALTER TABLE "{table}" DISABLE TRIGGER "{name}"')
    yield
    settle()
    for name in names:
        cur.execute(f'ALTER TABLE "{table}" ENABLE TRIGGER "{name}"')


def _copy(cur, table: str, columns: list[str], lines: list[str]) -> None:
    buf = io.StringIO("".join(lines))
    cols = ", ".join(f'"{c}"' for c in columns)
    cur.copy_expert(f'COPY "{table}" ({cols}) FROM STDIN', buf)


def write_city(cur, city: City, progress: bool = False) -> dict[str, int]:
    """COPY every table of `city`; foreign keys (row indexes) become the ids allocated up front."""
    cur.execute("SELECT now()")
    now = cur.fetchone()[0].isoformat()
    ids = {layer.id: _allocate_ids(cur, layer.table, len(city.tables[layer.id].rows))
           for layer in registry if layer.id in city.tables}
    counts = {}
    bar = tqdm(list(registry), desc="demo city", unit="layer", disable=not progress)
    for layer in bar:
        table = city.tables.get(layer.id)
        if table is None:
            continue
        bar.set_postfix_str(f"{layer.id} ({len(table.rows)})")
        # a column the model does not have (yet) is left out: the generator may run ahead of a migration
        known = {f.column for f in layer.model._meta.concrete_fields}
        keep = [k for k, c in enumerate(table.columns) if c in known]
        fk_pos = {table.columns.index(c): ids[ref] for c, ref in table.fks.items()}
        geoms = shapely.set_srid([r[-1] for r in table.rows], 4326)
        hexes = shapely.to_wkb(geoms, hex=True, include_srid=True) if table.rows else []
        lines = []
        for k, row in enumerate(table.rows):
            values = [ids[layer.id][k], f"{DEMO_PREFIX}{layer.id}:{k:06d}", now, now]
            for pos in keep:
                v = row[pos]
                values.append(fk_pos[pos][v] if pos in fk_pos and v is not None else v)
            values.append(hexes[k])
            lines.append("\t".join(_text(v) for v in values) + "\n")
        columns = [table.columns[k] for k in keep]
        _copy(cur, layer.table, ["id", "source_id", "created_at", "updated_at", *columns, layer.geometry_field],
              lines)
        counts[layer.id] = len(table.rows)
    history = _history_model()
    if history is not None and city.events:
        cols = ["appeal_id", "at", "action", "from_state", "to_state", "note", "data"]
        appeal_ids = ids["appeals"]
        _copy(cur, history._meta.db_table, [history._meta.get_field(c.removesuffix("_id")).column for c in cols],
              ["\t".join(_text(v) for v in (appeal_ids[e[0]], *e[1:])) + "\n" for e in city.events])
        counts["appeal_events"] = len(city.events)
    stops = registry.get("bus_stops").model._meta.get_field("routes")
    through = stops.remote_field.through._meta.db_table
    _copy(cur, through, [stops.m2m_column_name(), stops.m2m_reverse_name()],
          [f"{ids['bus_stops'][s]}\t{ids['bus_routes'][r]}\n" for s, r in city.links])
    for layer in registry:
        cur.execute(f'ANALYZE "{layer.table}"')
    return counts


def load_demo_city(seed: int = DEFAULT_SEED, scale: str = "full", force: bool = False,
                   progress: bool = False) -> LoadResult:
    """Load the demo city unless it is there already; `force` replaces it (seed and scale may change)."""
    started = time.monotonic()
    with transaction.atomic(), connection.cursor() as cur:
        loaded_demo(cur)  # creates the marker table on first use
        cur.execute("LOCK TABLE qala_demo_city IN EXCLUSIVE MODE")  # two `qala run`s load it once
        present = loaded_demo(cur)
        if present and not force:
            return LoadResult(False, present[0], present[1])
        _remove_demo(cur)
        city = build_city(seed, scale)
        counts = write_city(cur, city, progress)
        cur.execute("INSERT INTO qala_demo_city (id, seed, scale) VALUES (1, %s, %s)", [seed, scale])
    return LoadResult(True, seed, scale, counts, time.monotonic() - started)
