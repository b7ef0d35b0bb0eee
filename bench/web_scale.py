"""Do the pages stay responsive with 1M (or 5M) appeals? The demo city plus the scale appeals
in a database of its own (qala_bench_web for 1M, qala_bench_web5m for 5M), each page and
data endpoint timed through the Django stack in-process, as a table of p50/max over a few
requests; then each dashboard query, the direct one over the appeals (as the dashboard
read them before the rollup), the rollup reads of layers 0010 and the current ones, and
whether their numbers agree.

    .venv/bin/python bench/web_scale.py [--appeals 1000000|5000000] [--repeat 5]
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
sys.path.insert(0, str(ROOT))
from bench.common import measuring_env  # noqa: E402

measuring_env(quiet_log=True)
QALA = str(ROOT / ".venv" / "bin" / "qala")


def qala(*args):
    subprocess.run([QALA, *args], check=True, env=os.environ)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--direct-repeat", type=int, default=1, help="runs of the slow direct queries")
    parser.add_argument("--dashboard-only", action="store_true", help="skip the page timings")
    args = parser.parse_args()
    millions = args.appeals // 1_000_000
    os.environ.setdefault("QALA_PG_DB", "qala_bench_web" if millions <= 1 else f"qala_bench_web{millions}m")
    qala("migrate", "--verbosity", "0")
    qala("load-catalog")
    qala("demo-data")
    import django

    django.setup()
    from django.contrib.auth.models import Group, User
    from django.test import Client

    from layers.appeals import Appeal

    have = Appeal.objects.count()
    if have < args.appeals:
        out = ROOT / "bench" / "out" / f"web_appeals_{args.appeals}.csv"
        out.parent.mkdir(exist_ok=True)
        if not out.exists():
            qala("scale-data", "--appeals", str(args.appeals), "--format", "csv", "--out", str(out))
        t = time.perf_counter()
        qala("import", str(out), "--layer", "appeals")
        print(f"imported {args.appeals:,} appeals in {time.perf_counter() - t:.1f} s")
    total = Appeal.objects.count()
    number = Appeal.objects.order_by("-id").values_list("number", flat=True).first()
    boss, _ = User.objects.get_or_create(username="bench-supervisor")
    for role in ("supervisor", "planner", "operator"):
        boss.groups.add(Group.objects.get(name=role))
    anonymous, staff = Client(), Client()
    staff.force_login(boss)
    cases = [
        ("public map /", anonymous, "/"),
        ("paving queue /paving/", anonymous, "/paving/"),
        ("paving data /paving.json", anonymous, "/paving.json"),
        (f"appeal status /appeal/{number}/", anonymous, f"/appeal/{number}/"),
        ("appeal tile z10 (grid)", anonymous, "/tiles/appeals/10/708/324.mvt"),
        ("appeal tile z12 (grid)", anonymous, "/tiles/appeals/12/2834/1297.mvt"),
        ("appeal tile z14 (points)", anonymous, "/tiles/appeals/14/11339/5192.mvt"),
        ("operator console /operator/", staff, "/operator/"),
        ("planner /planner/", staff, "/planner/"),
        ("dashboard /dashboard/", staff, "/dashboard/"),
        ("dashboard data /dashboard.json", staff, "/dashboard.json"),
    ]
    print(f"\n{total:,} appeals in the database\n{'page':<44}{'status':>7}{'first ms':>10}{'p50 ms':>9}{'max ms':>9}")
    for name, client, url in ([] if args.dashboard_only else cases):
        times, status = [], None
        for _ in range(args.repeat):
            t = time.perf_counter()
            status = client.get(url).status_code
            times.append((time.perf_counter() - t) * 1000)
        print(f"{name:<44}{status:>7}{times[0]:>10.0f}{statistics.median(times):>9.0f}{max(times):>9.0f}")
    dashboard_queries(args.repeat, args.direct_repeat)


# the dashboard's queries before the rollup (web/dashboard.py until layers 0010), as the baseline
DIRECT_GROUPED = """
SELECT {key} AS key, count(*) AS received,
       count(*) FILTER (WHERE a.closed_at IS NOT NULL) AS closed,
       count(*) FILTER (WHERE a.closed_at IS NULL AND a.due_at < %(now)s) AS overdue,
       percentile_cont(0.5) WITHIN GROUP (ORDER BY round(extract(epoch FROM a.closed_at - a.registered_at) / 8640))
           FILTER (WHERE a.closed_at IS NOT NULL) AS median_tenths
FROM layers_appeal a {join}
WHERE a.registered_at >= %(since)s
GROUP BY 1 ORDER BY received DESC LIMIT 50
"""
DIRECT = {
    "by category": DIRECT_GROUPED.format(key="a.category", join=""),
    "by district": DIRECT_GROUPED.format(key="d.id", join="LEFT JOIN layers_district d ON d.id = a.district_id"),
    "by executor": DIRECT_GROUPED.format(key="o.id", join="LEFT JOIN layers_organization o ON o.id = a.executor_id"),
    "trend": """SELECT (a.registered_at AT TIME ZONE %(tz)s)::date AS day, count(*) FROM layers_appeal a
                WHERE a.registered_at >= %(since)s GROUP BY 1 ORDER BY 1""",
}


# the dashboard's rollup reads as layers 0010 made them (before the month snapshots of 0011)
ROLLUP_0010 = {
    "histogram": """
SELECT dim, key, tenths, sum(n)::bigint AS n FROM (
    SELECT dim, key, tenths, n FROM qala_appeal_rollup WHERE day > %(first_day)s
    UNION ALL
    SELECT dim, key, tenths, n FROM qala_appeal_rollup_delta WHERE day > %(first_day)s
    UNION ALL
    SELECT k.dim, k.key, qala_appeal_tenths(a.registered_at, a.closed_at), 1
    FROM layers_appeal a CROSS JOIN LATERAL (VALUES ('c'::"char", a.category::text), ('d', a.district_id::text),
                                                    ('e', a.executor_id::text)) k(dim, key)
    WHERE a.registered_at >= %(since)s AND a.registered_at < %(edge)s
) rows GROUP BY 1, 2, 3 HAVING sum(n) <> 0""",
    "trend": """
SELECT day, sum(n)::bigint AS received FROM (
    SELECT day, n FROM qala_appeal_rollup WHERE dim = 'c' AND day > %(first_day)s
    UNION ALL
    SELECT day, n FROM qala_appeal_rollup_delta WHERE dim = 'c' AND day > %(first_day)s
    UNION ALL
    SELECT %(first_day)s, count(*) FROM layers_appeal a WHERE a.registered_at >= %(since)s AND a.registered_at < %(edge)s
) rows GROUP BY 1 ORDER BY 1""",
}


def _ms(fn, repeat):
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), max(times), result


def dashboard_queries(repeat: int, direct_repeat: int) -> None:
    """Each dashboard query, direct and from the rollup, and whether the numbers agree."""
    import datetime as dt

    from django.db import connection
    from django.utils import timezone

    from web import dashboard

    def run(sql, params):
        def go():
            with connection.cursor() as cur:
                cur.execute(sql, params)
                return cur.fetchall()
        return go

    t = time.perf_counter()
    with connection.cursor() as cur:
        cur.execute("SELECT qala_appeal_rollup_compact()")
        folded = cur.fetchone()[0]
    print(f"\nfirst compaction folded {folded:,} delta rows in {time.perf_counter() - t:.1f} s")
    with connection.cursor() as cur:  # steady state: autovacuum would do this shortly after a bulk import
        cur.execute("VACUUM ANALYZE qala_appeal_rollup_delta")
        for table in ("qala_appeal_rollup", "qala_appeal_rollup_days", "qala_appeal_rollup_prefix",
                      "qala_appeal_rollup_months"):
            cur.execute(f"VACUUM ANALYZE {table}")
        cur.execute("SELECT count(*), count(DISTINCT day) FROM qala_appeal_rollup")
        rows, days = cur.fetchone()
        cur.execute("SELECT count(*), count(DISTINCT before) FROM qala_appeal_rollup_prefix")
        prefix_rows, snapshots = cur.fetchone()
    print(f"rollup: {rows:,} rows over {days:,} days; {snapshots} month snapshots, {prefix_rows:,} rows")
    print(f"\n{'dashboard query':<34}{'days':>6}{'direct p50':>12}{'max':>8}{'rollup p50':>12}{'max':>8}{'agree':>7}")
    for days in (7, 90, 365, 1095):
        now = timezone.now()
        since = now - dt.timedelta(days=days)
        first_day = timezone.localdate(since)
        edge = timezone.make_aware(dt.datetime.combine(first_day + dt.timedelta(days=1), dt.time()))
        params = {"now": now, "since": since, "first_day": first_day, "edge": edge,
                  "tz": timezone.get_current_timezone_name()}
        direct = {name: _ms(run(sql, params), direct_repeat) for name, sql in DIRECT.items()}
        before = {name: _ms(run(sql, params), repeat) for name, sql in ROLLUP_0010.items()}
        rolled = {"histogram (received, closed, median)": _ms(run(dashboard.HISTOGRAM, params), repeat),
                  "overdue counts (open appeals)": _ms(run(dashboard.OVERDUE_COUNTS, params), repeat),
                  "overdue list (top 100)": _ms(run(dashboard.OVERDUE_LIST, params), repeat),
                  "trend": _ms(run(dashboard.TREND, params), repeat)}
        whole = _ms(lambda: dashboard.summary(days, now=now), repeat)
        after = {"histogram": rolled["histogram (received, closed, median)"][2], "trend": rolled["trend"][2]}
        shown = whole[2]
        agree = {
            "by category": {r[0]: r[1:4] for r in direct["by category"][2]}
            == {r["key"]: (r["received"], r["closed"], r["overdue"]) for r in shown["by_category"]},
            "trend": {d: n for d, n in direct["trend"][2]} == {r["day"]: r["received"] for r in shown["trend"]
                                                               if r["received"]},
        }
        for name, (p50, top, _) in direct.items():
            print(f"{'direct ' + name:<34}{days:>6}{p50:>12.0f}{top:>8.0f}{'':>12}{'':>8}"
                  f"{('yes' if agree[name] else 'NO') if name in agree else '':>7}")
        for name, (p50, top, _) in rolled.items():
            print(f"{name:<34}{days:>6}{'':>12}{'':>8}{p50:>12.0f}{top:>8.0f}")
        for name, (p50, top, rows) in before.items():
            print(f"{'0010 ' + name:<34}{days:>6}{'':>12}{'':>8}{p50:>12.0f}{top:>8.0f}"
                  f"{'yes' if set(rows) == set(map(tuple, after[name])) else 'NO':>7}")
        total_direct = sum(v[0] for v in direct.values())
        print(f"{'whole dashboard (summary)':<34}{days:>6}{total_direct:>12.0f}{'':>8}{whole[0]:>12.0f}{whole[1]:>8.0f}")


if __name__ == "__main__":
    main()
