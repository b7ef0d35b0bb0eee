from django.db import migrations

# 0010's rollup keeps every (day, dimension, key, closing time in tenths) for the exact median:
# ~1,100 rows a day at 5M appeals, so a three-year window read 1.2M rows. The page's window
# is open-ended (registered after its first day), so it is the total minus what came before:
# qala_appeal_rollup_prefix holds, at every month start `before` and at 'infinity' (the
# total), the rollup summed over the days < before. A window reads the total, minus the
# snapshot nearest its first day, plus or minus the ≤ half a month of daily rows between
# them: ~35k rows for any window. The trend reads qala_appeal_rollup_days (one row a day).
# Both fold from the same append-only deltas in qala_appeal_rollup_compact(); a missing
# snapshot only makes a read slower (it falls back to a farther one), never wrong.
SNAPSHOTS = """
CREATE TABLE qala_appeal_rollup_days (day date PRIMARY KEY, n bigint NOT NULL);
CREATE TABLE qala_appeal_rollup_months (before date PRIMARY KEY);
CREATE TABLE qala_appeal_rollup_prefix (
    before date NOT NULL, dim "char" NOT NULL, key text, tenths integer, n bigint NOT NULL,
    CONSTRAINT qala_appeal_rollup_prefix_key UNIQUE NULLS NOT DISTINCT (before, dim, key, tenths)
);

-- the snapshot at month start b from the one at base: plus the days between if base is earlier, minus if later
CREATE FUNCTION qala_appeal_rollup_snapshot(b date, base date) RETURNS void LANGUAGE sql AS $$
    DELETE FROM qala_appeal_rollup_prefix WHERE before = b;  -- stale rows of a snapshot no longer listed
    INSERT INTO qala_appeal_rollup_prefix (before, dim, key, tenths, n)
    SELECT b, dim, key, tenths, sum(n) FROM (
        SELECT dim, key, tenths, n FROM qala_appeal_rollup_prefix WHERE before = base
        UNION ALL
        SELECT dim, key, tenths, CASE WHEN base < b THEN n ELSE -n END FROM qala_appeal_rollup
        WHERE day >= least(b, base) AND day < greatest(b, base)
    ) s GROUP BY 2, 3, 4 HAVING sum(n) <> 0;
    INSERT INTO qala_appeal_rollup_months VALUES (b);
$$;

-- a snapshot at every month start from the oldest appeal's (or this month's) to next month's
CREATE FUNCTION qala_appeal_rollup_snapshots() RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    today date := (SELECT (now() AT TIME ZONE tz)::date FROM qala_appeal_rollup_conf);
    lo date := date_trunc('month', least(today, (SELECT min(day) FROM qala_appeal_rollup)));
    hi date := date_trunc('month', today) + interval '1 month';
    b date;
BEGIN
    IF NOT EXISTS (SELECT FROM qala_appeal_rollup_months WHERE before = 'infinity') THEN  -- the total, after TRUNCATE
        PERFORM qala_appeal_rollup_snapshot('infinity', '-infinity');
    END IF;
    IF NOT EXISTS (SELECT FROM qala_appeal_rollup_months WHERE before < 'infinity') THEN
        PERFORM qala_appeal_rollup_snapshot(lo, '-infinity');
    END IF;
    FOR b IN SELECT generate_series(max(before) + interval '1 month', hi, interval '1 month')::date
             FROM qala_appeal_rollup_months WHERE before < 'infinity' LOOP
        PERFORM qala_appeal_rollup_snapshot(b, (SELECT max(before) FROM qala_appeal_rollup_months WHERE before < b));
    END LOOP;
    FOR b IN SELECT generate_series(min(before) - interval '1 month', lo, interval '-1 month')::date
             FROM qala_appeal_rollup_months LOOP  -- older appeals imported since: downwards from the oldest
        PERFORM qala_appeal_rollup_snapshot(b, (SELECT min(before) FROM qala_appeal_rollup_months WHERE before > b));
    END LOOP;
END $$;

-- past rebuild_over folded rows (a bulk import of old appeals, each row touching every later
-- month) the month snapshots are rebuilt from the daily rollup instead: seconds, not minutes
DROP FUNCTION qala_appeal_rollup_compact();
CREATE FUNCTION qala_appeal_rollup_compact(rebuild_over bigint DEFAULT 50000) RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
BEGIN
    -- one compaction at a time; deltas committed meanwhile stay for the next one (readers sum both)
    IF NOT pg_try_advisory_xact_lock(hashtext('qala_appeal_rollup_compact')) THEN
        RETURN 0;
    END IF;
    WITH gone AS (DELETE FROM qala_appeal_rollup_delta RETURNING *),
    g AS (SELECT day, dim, key, tenths, sum(n) AS n FROM gone GROUP BY 1, 2, 3, 4 HAVING sum(n) <> 0),
    daily AS (
        INSERT INTO qala_appeal_rollup AS r (day, dim, key, tenths, n) SELECT * FROM g
        ON CONFLICT ON CONSTRAINT qala_appeal_rollup_key DO UPDATE SET n = r.n + excluded.n RETURNING 1),
    days AS (
        INSERT INTO qala_appeal_rollup_days AS r (day, n) SELECT day, sum(n) FROM g WHERE dim = 'c' GROUP BY 1
        ON CONFLICT (day) DO UPDATE SET n = r.n + excluded.n RETURNING 1),
    prefix AS (
        INSERT INTO qala_appeal_rollup_prefix AS r (before, dim, key, tenths, n)
        SELECT m.before, g.dim, g.key, g.tenths, sum(g.n) FROM g JOIN qala_appeal_rollup_months m ON g.day < m.before
        WHERE m.before = 'infinity' OR (SELECT count(*) FROM g) <= rebuild_over
        GROUP BY 1, 2, 3, 4
        ON CONFLICT ON CONSTRAINT qala_appeal_rollup_prefix_key DO UPDATE SET n = r.n + excluded.n RETURNING 1)
    SELECT count(*) INTO folded FROM daily;  -- the other inserts run to completion all the same
    IF folded > rebuild_over THEN
        DELETE FROM qala_appeal_rollup_prefix WHERE before < 'infinity';
        DELETE FROM qala_appeal_rollup_months WHERE before < 'infinity';
    END IF;
    PERFORM qala_appeal_rollup_snapshots();
    RETURN folded;
END $$;

CREATE OR REPLACE FUNCTION qala_appeal_rollup_trunc() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE qala_appeal_rollup, qala_appeal_rollup_delta, qala_appeal_rollup_days,
             qala_appeal_rollup_months, qala_appeal_rollup_prefix;
    RETURN NULL;
END $$;

-- the backlog first (it also builds the snapshots); the days from the daily rollup, which holds the backlog
SELECT qala_appeal_rollup_compact();
INSERT INTO qala_appeal_rollup_days AS r (day, n) SELECT day, sum(n) FROM qala_appeal_rollup WHERE dim = 'c' GROUP BY 1
ON CONFLICT (day) DO UPDATE SET n = excluded.n;
ALTER TABLE qala_appeal_rollup_days SET (autovacuum_vacuum_scale_factor = 0.01);
"""

DROP = """
DROP FUNCTION qala_appeal_rollup_compact(bigint);
CREATE FUNCTION qala_appeal_rollup_compact() RETURNS bigint LANGUAGE plpgsql AS $$
DECLARE
    folded bigint;
BEGIN
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
CREATE OR REPLACE FUNCTION qala_appeal_rollup_trunc() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    TRUNCATE qala_appeal_rollup, qala_appeal_rollup_delta;
    RETURN NULL;
END $$;
DROP FUNCTION IF EXISTS qala_appeal_rollup_snapshots(), qala_appeal_rollup_snapshot(date, date);
DROP TABLE IF EXISTS qala_appeal_rollup_days, qala_appeal_rollup_months, qala_appeal_rollup_prefix;
"""


class Migration(migrations.Migration):
    """Month snapshots of the rollup so any window reads ~35k rows (web/dashboard.py)."""

    dependencies = [("layers", "0010_appeal_dashboard_rollup")]

    operations = [migrations.RunSQL(SNAPSHOTS, DROP)]
