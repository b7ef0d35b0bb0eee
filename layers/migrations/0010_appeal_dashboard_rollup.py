from django.conf import settings
from django.db import migrations

# The dashboard's counts kept up to date by the database itself, exactly: appeals per local
# registration day × dimension (category 'c', district 'd', executor 'e') × key × closing
# time in tenths of a day (NULL while open). Statement triggers append signed deltas
# (+1 new row, -1 old row) to qala_appeal_rollup_delta: creates never update a shared row,
# so concurrent creates do not wait for each other. qala_appeal_rollup_compact() folds the
# deltas into qala_appeal_rollup (the dashboard calls it before reading); readers sum both.
# Overdue depends on the clock, so it is counted live over the open appeals (partial index).
ROLLUP = """
CREATE TABLE qala_appeal_rollup_conf (tz text NOT NULL);
INSERT INTO qala_appeal_rollup_conf VALUES (%s);

CREATE FUNCTION qala_appeal_tenths(registered timestamptz, closed timestamptz) RETURNS integer
IMMUTABLE LANGUAGE sql AS
$$ SELECT round(extract(epoch FROM closed - registered) / 8640)::integer $$;

CREATE TABLE qala_appeal_rollup (
    day date NOT NULL, dim "char" NOT NULL, key text, tenths integer, n bigint NOT NULL,
    CONSTRAINT qala_appeal_rollup_key UNIQUE NULLS NOT DISTINCT (day, dim, key, tenths)
);
CREATE TABLE qala_appeal_rollup_delta (day date NOT NULL, dim "char" NOT NULL, key text, tenths integer,
                                       n bigint NOT NULL);
-- emptied by every compaction: vacuum it early, or readers scan the dead rows of a bulk import
ALTER TABLE qala_appeal_rollup_delta SET (autovacuum_vacuum_scale_factor = 0, autovacuum_vacuum_threshold = 1000,
                                          autovacuum_vacuum_insert_scale_factor = 0);

CREATE FUNCTION qala_appeal_rollup_ins() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO qala_appeal_rollup_delta (day, dim, key, tenths, n)
    SELECT (a.registered_at AT TIME ZONE c.tz)::date, k.dim, k.key,
           qala_appeal_tenths(a.registered_at, a.closed_at), count(*)
    FROM new_rows a CROSS JOIN qala_appeal_rollup_conf c
    CROSS JOIN LATERAL (VALUES ('c'::"char", a.category::text), ('d', a.district_id::text),
                               ('e', a.executor_id::text)) k(dim, key)
    GROUP BY 1, 2, 3, 4;
    RETURN NULL;
END $$;

CREATE FUNCTION qala_appeal_rollup_upd() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO qala_appeal_rollup_delta (day, dim, key, tenths, n)
    SELECT day, dim, key, tenths, sum(n) FROM (
        SELECT (a.registered_at AT TIME ZONE c.tz)::date AS day, k.dim, k.key,
               qala_appeal_tenths(a.registered_at, a.closed_at) AS tenths, 1 AS n
        FROM new_rows a CROSS JOIN qala_appeal_rollup_conf c
        CROSS JOIN LATERAL (VALUES ('c'::"char", a.category::text), ('d', a.district_id::text),
                                   ('e', a.executor_id::text)) k(dim, key)
        UNION ALL
        SELECT (a.registered_at AT TIME ZONE c.tz)::date, k.dim, k.key,
               qala_appeal_tenths(a.registered_at, a.closed_at), -1
        FROM old_rows a CROSS JOIN qala_appeal_rollup_conf c
        CROSS JOIN LATERAL (VALUES ('c'::"char", a.category::text), ('d', a.district_id::text),
                                   ('e', a.executor_id::text)) k(dim, key)
    ) d GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0;  -- an update that moves no count writes nothing
    RETURN NULL;
END $$;

CREATE FUNCTION qala_appeal_rollup_del() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO qala_appeal_rollup_delta (day, dim, key, tenths, n)
    SELECT (a.registered_at AT TIME ZONE c.tz)::date, k.dim, k.key,
           qala_appeal_tenths(a.registered_at, a.closed_at), -count(*)
    FROM old_rows a CROSS JOIN qala_appeal_rollup_conf c
    CROSS JOIN LATERAL (VALUES ('c'::"char", a.category::text), ('d', a.district_id::text),
                               ('e', a.executor_id::text)) k(dim, key)
    GROUP BY 1, 2, 3, 4;
    RETURN NULL;
END $$;

CREATE FUNCTION qala_appeal_rollup_trunc() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE qala_appeal_rollup, qala_appeal_rollup_delta;
    RETURN NULL;
END $$;

CREATE FUNCTION qala_appeal_rollup_compact() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
BEGIN
    -- one compaction at a time; deltas committed meanwhile stay for the next one (readers sum both)
    IF NOT pg_try_advisory_xact_lock(hashtext('qala_appeal_rollup_compact')) THEN
        RETURN 0;
    END IF;
    WITH gone AS (DELETE FROM qala_appeal_rollup_delta RETURNING *)
    INSERT INTO qala_appeal_rollup AS r (day, dim, key, tenths, n)
    SELECT day, dim, key, tenths, sum(n) FROM gone GROUP BY 1, 2, 3, 4
    ON CONFLICT ON CONSTRAINT qala_appeal_rollup_key DO UPDATE SET n = r.n + excluded.n;
    GET DIAGNOSTICS folded = ROW_COUNT;
    RETURN folded;
END $$;

INSERT INTO qala_appeal_rollup (day, dim, key, tenths, n)
SELECT (a.registered_at AT TIME ZONE c.tz)::date, k.dim, k.key, qala_appeal_tenths(a.registered_at, a.closed_at),
       count(*)
FROM layers_appeal a CROSS JOIN qala_appeal_rollup_conf c
CROSS JOIN LATERAL (VALUES ('c'::"char", a.category::text), ('d', a.district_id::text),
                           ('e', a.executor_id::text)) k(dim, key)
GROUP BY 1, 2, 3, 4;

CREATE TRIGGER qala_appeal_rollup_ins AFTER INSERT ON layers_appeal REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qala_appeal_rollup_ins();
CREATE TRIGGER qala_appeal_rollup_upd AFTER UPDATE ON layers_appeal
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION qala_appeal_rollup_upd();
CREATE TRIGGER qala_appeal_rollup_del AFTER DELETE ON layers_appeal REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION qala_appeal_rollup_del();
CREATE TRIGGER qala_appeal_rollup_trunc AFTER TRUNCATE ON layers_appeal
    FOR EACH STATEMENT EXECUTE FUNCTION qala_appeal_rollup_trunc();

CREATE INDEX layers_appeal_open_due ON layers_appeal (due_at) WHERE closed_at IS NULL;
"""

DROP = """
DROP INDEX IF EXISTS layers_appeal_open_due;
DROP TRIGGER IF EXISTS qala_appeal_rollup_ins ON layers_appeal;
DROP TRIGGER IF EXISTS qala_appeal_rollup_upd ON layers_appeal;
DROP TRIGGER IF EXISTS qala_appeal_rollup_del ON layers_appeal;
DROP TRIGGER IF EXISTS qala_appeal_rollup_trunc ON layers_appeal;
DROP FUNCTION IF EXISTS qala_appeal_rollup_ins(), qala_appeal_rollup_upd(), qala_appeal_rollup_del(),
    qala_appeal_rollup_trunc(), qala_appeal_rollup_compact();
DROP TABLE IF EXISTS qala_appeal_rollup, qala_appeal_rollup_delta, qala_appeal_rollup_conf;
DROP FUNCTION IF EXISTS qala_appeal_tenths(timestamptz, timestamptz);
"""


class Migration(migrations.Migration):
    """Dashboard counts from a rollup the triggers keep exact (web/dashboard.py reads it)."""

    dependencies = [("layers", "0009_catalog_version")]

    operations = [migrations.RunSQL([(ROLLUP, [settings.TIME_ZONE])], DROP)]
