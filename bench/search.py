"""p50/p95 of /api/search and /api/here: the demo city, then a 100k-address scale city.

Runs in a database of its own (qala_bench_search on the embedded cluster), through the
Django stack in-process (view, SQL, JSON; no HTTP). The scale city is the demo city
copied 16 times across the city extent, each copy's streets with a name of its own,
so the street vocabulary grows with it (~580 streets, ~100k buildings).

    .venv/bin/python bench/search.py
"""
from __future__ import annotations

import csv
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
os.environ.setdefault("QALA_PG_DB", "qala_bench_search")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
sys.path.insert(0, str(ROOT))
from bench.common import measuring_env  # noqa: E402

measuring_env(quiet_log=True)

QUERIES = ROOT / "tests" / "gis" / "address_queries.csv"
COPY_WORDS = ["Береке", "Достык", "Сарыарка", "Бирлик", "Жастар", "Самал", "Нурлы", "Алтын", "Кокше",
              "Есиль", "Тулпар", "Шугыла", "Акбота", "Ынтымак", "Болашак", "Мерей"]
CLONE = """
INSERT INTO layers_street (name, name_kk, former_names, renamed_on, kind, geom, created_at, updated_at)
SELECT name || ' ' || %(word)s, CASE WHEN name_kk = '' THEN '' ELSE name_kk || ' ' || %(word)s END,
       ARRAY(SELECT f || ' ' || %(word)s FROM unnest(former_names) f), renamed_on, kind,
       ST_Translate(geom, %(dx)s, %(dy)s), now(), now()
FROM layers_street WHERE source_id LIKE 'demo:%%';
INSERT INTO layers_building (street, house_number, name, use, floors, apartments, year_built, geom,
                             created_at, updated_at)
SELECT street || ' ' || %(word)s, house_number, '', use, floors, apartments, year_built,
       ST_Translate(geom, %(dx)s, %(dy)s), now(), now()
FROM layers_building WHERE source_id LIKE 'demo:%%';
"""


def percentile(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def measure(client, rows, points):
    search_ms, here_ms = [], []
    for _ in range(2):  # the first pass warms caches; both passes count
        for row in rows:
            t = time.perf_counter()
            resp = client.get("/api/search", {"q": row["query"]})
            search_ms.append((time.perf_counter() - t) * 1000)
            assert resp.status_code == 200
        for lon, lat in points:
            t = time.perf_counter()
            resp = client.get("/api/here", {"lon": lon, "lat": lat})
            here_ms.append((time.perf_counter() - t) * 1000)
            assert resp.status_code == 200, resp.content
    return search_ms, here_ms


def main():
    subprocess.run([str(ROOT / ".venv" / "bin" / "qala"), "migrate", "--verbosity", "0"], check=True,
                   env=os.environ)
    import django

    django.setup()
    from django.db import connection
    from django.test import Client

    from data.load import load_demo_city
    from layers.buildings import Building

    load_demo_city(scale="full", force=True)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM layers_building WHERE source_id IS NULL")
        cur.execute("DELETE FROM layers_street WHERE source_id IS NULL")
    rows = list(csv.DictReader(QUERIES.open(encoding="utf-8")))
    by_address = {(b.street, b.house_number): b.geom.point_on_surface for b in Building.objects.all()}
    points = [(p.x, p.y) for p in (by_address[(r["street"], r["house_number"])] for r in rows)]
    client = Client()
    results = [("demo city", Building.objects.count(), *measure(client, rows, points))]

    offsets = [(dx, dy) for dx in (-0.16, -0.08, 0.0, 0.08, 0.16) for dy in (-0.07, -0.035, 0.0, 0.035)
               if (dx, dy) != (0.0, 0.0)][:len(COPY_WORDS)]
    with connection.cursor() as cur:
        for word, (dx, dy) in zip(COPY_WORDS, offsets):
            cur.execute(CLONE, {"word": word, "dx": dx, "dy": dy})
        cur.execute("ANALYZE layers_building; ANALYZE layers_street")
    results.append(("scale city", Building.objects.count(), *measure(client, rows, points)))

    print(f"\n{'city':<12}{'buildings':>10}  {'endpoint':<12}{'n':>6}{'p50 ms':>9}{'p95 ms':>9}  goal p95")
    for name, n_buildings, search_ms, here_ms in results:
        for endpoint, xs, goal in (("/api/search", search_ms, 15), ("/api/here", here_ms, 20)):
            print(f"{name:<12}{n_buildings:>10,}  {endpoint:<12}{len(xs):>6}{statistics.median(xs):>9.1f}"
                  f"{percentile(xs, 95):>9.1f}  < {goal} ms")
    ratio = percentile(results[1][2], 95) / percentile(results[0][2], 95)
    print(f"search p95, scale city / demo city: {ratio:.2f}x for {results[1][1] / results[0][1]:.1f}x the buildings")


if __name__ == "__main__":
    main()
