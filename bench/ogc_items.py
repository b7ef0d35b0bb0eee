"""Bench: OGC API Features items pages, ours against pygeoapi's stock PostgreSQL provider and tipg.

    .venv/bin/python bench/ogc_items.py [--rows 1000000] [--runs 7]

All three serve the same `layers_appeal` table of a scratch database (qala_bench_ogc,
created, migrated and filled here with seeded appeals inside the city; never `qala`),
on this machine, in one run, one worker process each: ours under gunicorn, pygeoapi
under gunicorn (its Flask app), tipg under uvicorn. pygeoapi and tipg are asked for
the same public properties ours serves. Each row is the median wall time of --runs
requests (after 2 warm-ups) of the whole body; ratios > 1 mean ours is faster.
Needs the bench extra: pip install -e '.[bench]'.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import measuring_env  # noqa: E402

measuring_env()
DB = "qala_bench_ogc"
OUT = ROOT / "bench" / "out" / "ogc"
PUBLIC = ["number", "category", "incident_type", "status", "channel", "registered_at", "due_at", "closed_at",
          "executor_id", "district_id"]
PORTS = {"ours": 8701, "pygeoapi": 8702, "tipg": 8703}
FILL = """
SELECT setseed(0.109);
INSERT INTO layers_appeal (number, category, incident_type, status, channel, registered_at, address,
                           caller_name, caller_phone, description, geom, created_at, updated_at)
SELECT '109-B-' || lpad(i::text, 8, '0'),
       (ARRAY['heating','water','sewerage','roads','lighting','waste','improvement','power','gas','transport'])[1 + mod(i, 10)],
       '', (ARRAY['registered','accepted','answered','closed'])[1 + mod(i, 4)], 'phone',
       timestamptz '2023-01-01' + i * interval '90 seconds', '', 'Caller ' || i, '+7 700 ' || i, 'bench',
       ST_SetSRID(ST_MakePoint(68.96 + random() * 0.43, 54.79 + random() * 0.17), 4326), now(), now()
FROM generate_series(1, %s) AS i;
ANALYZE layers_appeal;
"""


def psql_dsn(dbname: str) -> dict:
    from gis import cluster, config

    return {"host": str(cluster.socket_dir()), "port": config.PG_PORT, "user": config.PG_USER, "dbname": dbname}


def prepare(rows: int) -> None:
    import psycopg2

    from gis import cluster

    cluster.ensure()
    conn = psycopg2.connect(**psql_dsn("postgres"))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{DB}"')
    conn.close()
    env = {**os.environ, "QALA_PG_DB": DB}
    subprocess.run([str(ROOT / ".venv/bin/qala"), "migrate", "-v0"], check=True, env=env)
    conn = psycopg2.connect(**psql_dsn(DB))
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM layers_appeal")
        have = cur.fetchone()[0]
        if have != rows:
            print(f"filling {rows:,} appeals (had {have:,}) ...", flush=True)
            cur.execute("TRUNCATE layers_appeal CASCADE")
            started = time.perf_counter()
            cur.execute(FILL, [rows])
            print(f"  {time.perf_counter() - started:.0f} s", flush=True)
    conn.close()


def pygeoapi_config() -> Path:
    import yaml

    dsn = psql_dsn(DB)
    config = {
        "server": {"bind": {"host": "127.0.0.1", "port": PORTS["pygeoapi"]},
                   "url": f"http://127.0.0.1:{PORTS['pygeoapi']}", "mimetype": "application/json; charset=UTF-8",
                   "encoding": "utf-8", "language": "en-US", "limits": {"default_items": 10, "max_items": 10000},
                   "map": {"url": "https://tile.openstreetmap.org/{z}/{x}/{y}.png", "attribution": "OSM"}},
        "logging": {"level": "ERROR"},
        "metadata": {"identification": {"title": "bench", "description": "bench", "keywords": ["bench"],
                                        "keywords_type": "theme", "terms_of_service": "", "url": "http://x"},
                     "license": {"name": "CC-BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"}, "provider": {"name": "bench", "url": "http://x"},
                     "contact": {"name": "bench"}},
        "resources": {"appeals": {
            "type": "collection", "title": "appeals", "description": "appeals", "keywords": ["appeals"],
            "extents": {"spatial": {"bbox": [68.95, 54.78, 69.40, 54.97],
                                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
            "providers": [{"type": "feature", "name": "PostgreSQL",
                           "data": {"host": dsn["host"], "port": dsn["port"], "dbname": DB, "user": dsn["user"],
                                    "password": "", "search_path": ["public"]},
                           "id_field": "id", "table": "layers_appeal", "geom_field": "geom",
                           "properties": PUBLIC}]}},
    }
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / "pygeoapi.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True))
    openapi = OUT / "pygeoapi-openapi.yml"
    subprocess.run([str(ROOT / ".venv/bin/pygeoapi"), "openapi", "generate", str(path), "--output-file", str(openapi)],
                   check=True, env={**os.environ, "PYGEOAPI_CONFIG": str(path)}, capture_output=True)
    return path


def start_servers() -> list[subprocess.Popen]:
    dsn = psql_dsn(DB)
    bin_ = ROOT / ".venv/bin"
    config = pygeoapi_config()
    common = {**os.environ, "PYTHONUNBUFFERED": "1"}
    logs = {name: open(OUT / f"{name}.log", "w") for name in PORTS}
    return [
        subprocess.Popen([str(bin_ / "gunicorn"), "gis.wsgi", "-w", "1", "-b", f"127.0.0.1:{PORTS['ours']}"],
                         cwd=ROOT, stdout=logs["ours"], stderr=subprocess.STDOUT,
                         env={**common, "QALA_PG_DB": DB, "QALA_LOG_LEVEL": "ERROR"}),
        subprocess.Popen([str(bin_ / "gunicorn"), "pygeoapi.flask_app:APP", "-w", "1",
                          "-b", f"127.0.0.1:{PORTS['pygeoapi']}"], cwd=OUT, stdout=logs["pygeoapi"],
                         stderr=subprocess.STDOUT,
                         env={**common, "PYGEOAPI_CONFIG": str(config),
                              "PYGEOAPI_OPENAPI": str(OUT / "pygeoapi-openapi.yml")}),
        subprocess.Popen([str(bin_ / "uvicorn"), "tipg.main:app", "--port", str(PORTS["tipg"]), "--workers", "1",
                          "--log-level", "error"], cwd=OUT, stdout=logs["tipg"], stderr=subprocess.STDOUT,
                         env={**common, "DATABASE_URL": f"postgresql://{dsn['user']}@{quote(dsn['host'], safe='')}:{dsn['port']}/{DB}",
                              "TIPG_DB_SCHEMAS": '["public"]', "TIPG_DB_TABLES": '["public.layers_appeal"]',
                              "TIPG_MAX_FEATURES_PER_QUERY": "10000"}),
    ]


def items_url(server: str, query: dict) -> str:
    base = f"http://127.0.0.1:{PORTS[server]}"
    query = dict(query)
    if server == "ours":
        path = "/ogc/collections/appeals/items"
    elif server == "pygeoapi":
        path = "/collections/appeals/items"
        query["f"] = "json"
    else:
        path = "/collections/public.layers_appeal/items"
        query["properties"] = ",".join(PUBLIC)
        query["f"] = "geojson"
    return f"{base}{path}?" + "&".join(f"{k}={v}" for k, v in query.items())


def item_url(server: str, fid: int) -> str:
    base = f"http://127.0.0.1:{PORTS[server]}"
    return {"ours": f"{base}/ogc/collections/appeals/items/{fid}",
            "pygeoapi": f"{base}/collections/appeals/items/{fid}?f=json",
            "tipg": f"{base}/collections/public.layers_appeal/items/{fid}?f=geojson"
                    f"&properties={','.join(PUBLIC)}"}[server]


def wait_ready(procs) -> None:
    probes = {"ours": items_url("ours", {"limit": 1}), "pygeoapi": items_url("pygeoapi", {"limit": 1}),
              "tipg": items_url("tipg", {"limit": 1})}
    deadline = time.time() + 90
    pending = set(probes)
    while pending and time.time() < deadline:
        for name in list(pending):
            try:
                if requests.get(probes[name], timeout=30).status_code == 200:
                    pending.discard(name)
            except requests.RequestException:
                pass
        time.sleep(0.5)
    if pending:
        raise SystemExit(f"not ready: {', '.join(pending)}; see {OUT}/*.log")


def timed(url: str, runs: int) -> tuple[float, int]:
    for _ in range(2):
        requests.get(url, timeout=300)
    times, features = [], 0
    for _ in range(runs):
        started = time.perf_counter()
        response = requests.get(url, timeout=300)
        body = response.content
        times.append(time.perf_counter() - started)
        if response.status_code != 200:
            raise SystemExit(f"{url}: HTTP {response.status_code}: {body[:300]!r}")
    doc = json.loads(body)
    features = len(doc.get("features", [])) if "features" in doc else 1
    return statistics.median(times), features


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ["QALA_PG_DB"] = DB
    prepare(args.rows)
    procs = start_servers()
    try:
        wait_ready(procs)
        deep = args.rows // 2
        cases = [
            ("items limit=10", {"limit": 10}),
            ("items limit=1000 bbox", {"limit": 1000, "bbox": "69.10,54.84,69.20,54.90"}),
            ("items limit=10000", {"limit": 10000}),
            (f"deep page offset={deep:,} limit=10", {"limit": 10, "offset": deep}),
        ]
        print(f"{args.rows:,} appeals; median of {args.runs} (ms); ratio = theirs / ours")
        print(f"{'case':38} {'ours':>9} {'pygeoapi':>9} {'tipg':>9} {'x pygeoapi':>11} {'x tipg':>7}  features")
        rows = [(name, {s: items_url(s, q) for s in PORTS}) for name, q in cases]
        rows.append(("single item", {s: item_url(s, deep) for s in PORTS}))
        for name, urls in rows:
            result = {s: timed(u, args.runs) for s, u in urls.items()}
            ours, pyg, tipg = (result[s][0] * 1000 for s in ("ours", "pygeoapi", "tipg"))
            counts = "/".join(str(result[s][1]) for s in PORTS)
            print(f"{name:38} {ours:9.1f} {pyg:9.1f} {tipg:9.1f} {pyg / ours:11.1f} {tipg / ours:7.2f}  {counts}",
                  flush=True)
        ours_keyset, n = timed(items_url("ours", {"limit": 10, "after": deep}), args.runs)
        print(f"{'(ours, keyset after=' + format(deep, ',') + ' limit=10)':38} {ours_keyset * 1000:9.1f}"
              f"{'':31}  {n}")
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            proc.wait(timeout=20)


if __name__ == "__main__":
    main()
