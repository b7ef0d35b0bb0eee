"""Change triggers on every registry table, installed from the registry after each migrate
(like layers/guards.py), and the reader that tells the cache what changed.

Statement-level triggers with transition tables log each touched row's old and new
3857 bbox in one set-based INSERT, so a bulk import costs one extra insert per
statement, not a trigger call per row.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, connections

from layers.registry import registry

LOG_FUNCTION = """
CREATE OR REPLACE FUNCTION qala_tile_log() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        INSERT INTO qala_tile_change (table_name, xact, changed_at)
        VALUES (TG_TABLE_NAME, pg_current_xact_id()::text::bigint, now());
        RETURN NULL;
    END IF;
    IF TG_OP IN ('INSERT', 'UPDATE') THEN
        INSERT INTO qala_tile_change (table_name, x0, y0, x1, y1, xact, changed_at)
        SELECT DISTINCT TG_TABLE_NAME, ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g),
               pg_current_xact_id()::text::bigint, now()
        FROM (SELECT geom_3857 AS g FROM new_rows) s WHERE g IS NOT NULL;
    END IF;
    IF TG_OP IN ('UPDATE', 'DELETE') THEN
        INSERT INTO qala_tile_change (table_name, x0, y0, x1, y1, xact, changed_at)
        SELECT DISTINCT TG_TABLE_NAME, ST_XMin(g), ST_YMin(g), ST_XMax(g), ST_YMax(g),
               pg_current_xact_id()::text::bigint, now()
        FROM (SELECT geom_3857 AS g FROM old_rows) s WHERE g IS NOT NULL;
    END IF;
    RETURN NULL;
END $$;
"""

TRIGGERS = {
    "ins": "AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT",
    "upd": "AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT",
    "del": "AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT",
    "trunc": "AFTER TRUNCATE ON {table} FOR EACH STATEMENT",
}


def install(sender=None, using="default", **kwargs) -> None:
    with connections[using].cursor() as cur:
        cur.execute(LOG_FUNCTION)
        for layer in registry:
            table = '"' + layer.table + '"'
            for suffix, when in TRIGGERS.items():
                name = f'"qala_tiles_{suffix}_{layer.table}"'
                cur.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cur.execute(f"CREATE TRIGGER {name} {when.format(table=table)} EXECUTE FUNCTION qala_tile_log()")


@dataclass(frozen=True)
class Change:
    table: str
    box: tuple[float, float, float, float] | None  # None: the whole table


# What became visible since the last read's snapshot S: the writes of transactions that had not
# finished by S (xact >= xmax(S), or listed running in xip(S)), and the reader's own transaction's
# newer rows (a snapshot never lists its own transaction as running). All are index lookups on
# xact, so a transaction left open for hours (a pg_dump, an import) costs nothing here.
READ = """
WITH own AS (SELECT pg_current_xact_id_if_assigned()::text::bigint AS xact)
SELECT pg_current_snapshot()::text AS now, own.xact AS own, c.id, c.xact, c.table_name, c.x0, c.y0, c.x1, c.y1
FROM own
LEFT JOIN qala_tile_change c
       ON c.xact >= pg_snapshot_xmax(%(snap)s::pg_snapshot)::text::bigint
       OR c.xact = ANY(ARRAY(SELECT pg_snapshot_xip(%(snap)s::pg_snapshot)::text::bigint))
       OR (c.xact = own.xact AND c.id > %(own_after)s)
ORDER BY c.id
"""


START = """
WITH own AS (SELECT pg_current_xact_id_if_assigned()::text::bigint AS xact)
SELECT pg_current_snapshot()::text, own.xact,
       coalesce((SELECT max(id) FROM qala_tile_change c WHERE c.xact = own.xact), 0)
FROM own
"""


@dataclass
class ChangeReader:
    """Reads each change once. Changes commit out of id order, so the position is not an id but
    the snapshot of the last read: next time, exactly what was invisible in it and is visible now."""

    snapshot: str | None = None
    own: tuple[int | None, int] = (None, 0)  # the reader's own transaction, and the last id of it read

    def start(self, snapshot: str | None = None, own: tuple[int | None, int] | None = None) -> None:
        """Begin after everything committed so far and this transaction's own writes (or at a saved point)."""
        if snapshot is None:
            with connection.cursor() as cur:
                cur.execute(START)
                snapshot, *own = cur.fetchone()
        self.snapshot, self.own = snapshot, tuple(own) if own else (None, 0)

    def read(self) -> list[Change]:
        if self.snapshot is None:
            self.start()
        own_xact, own_after = self.own
        with connection.cursor() as cur:
            cur.execute(READ, {"snap": self.snapshot, "own_after": own_after})
            rows = cur.fetchall()
        self.snapshot, own_now = rows[0][0], rows[0][1]
        if own_now != own_xact:
            own_after = 0
        out = []
        for _, _, cid, xact, table, x0, y0, x1, y1 in rows:
            if cid is None or (xact == own_now and cid <= own_after):
                continue
            if xact == own_now:
                own_after = cid
            out.append(Change(table, None if x0 is None else (x0, y0, x1, y1)))
        self.own = (own_now, own_after)
        return out


UNSEEN = """
SELECT EXISTS (
    SELECT 1 FROM qala_tile_change c
    WHERE c.xact >= pg_snapshot_xmin(%(snap)s::pg_snapshot)::text::bigint
      AND c.table_name = ANY(%(tables)s)
      AND NOT pg_visible_in_snapshot(c.xact::text::xid8, %(snap)s::pg_snapshot)
      AND c.xact IS DISTINCT FROM pg_current_xact_id_if_assigned()::text::bigint
      AND (c.x0 IS NULL OR (c.x0 <= %(x1)s AND c.x1 >= %(x0)s AND c.y0 <= %(y1)s AND c.y1 >= %(y0)s))
)
"""


def changed_since(snapshot: str, tables: list[str], box: tuple[float, float, float, float]) -> bool:
    """Did a change to these tables inside box commit after a read in this snapshot?

    What lets a process trust a tile another process wrote to disk: the writer may have
    rendered it just before an edit that this process has already applied."""
    with connection.cursor() as cur:
        cur.execute(UNSEEN, {"snap": snapshot, "tables": tables, "x0": box[0], "y0": box[1],
                             "x1": box[2], "y1": box[3]})
        return cur.fetchone()[0]


def prune(days: float) -> int:
    """Forget changes older than days; returns how many rows went. Disk tiles older than that
    must go first (tiles.cache.prune_disk), since they are checked against these rows."""
    with connection.cursor() as cur:
        cur.execute("DELETE FROM qala_tile_change WHERE changed_at < now() - %s * interval '1 day'", [days])
        return cur.rowcount
