"""Bench: `qala import` of N appeals from CSV and GeoPackage against PostgreSQL's own COPY.

    .venv/bin/python bench/import_appeals.py [--rows 1000000]

Runs in a scratch database (qala_bench, created and migrated here, never `qala`).
The files are generated with a seeded generator inside the city extent, under
bench/out/. The baseline is raw `COPY` of the same CSV into a plain table with
the same typed columns and no index, trigger or check: the floor of what any
loader on this machine can do. The importer also reads the file through GDAL,
types and validates every row, stages it, and merges into the real layer
table with its indexes and guard trigger; the ratio is the figure (goal ≥ 0.5).
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["QALA_PG_DB"] = "qala_bench"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")

CATEGORIES = ["heating", "water", "sewer", "roads", "lighting", "waste", "yards", "power", "gas", "transport"]
STATUSES = ["registered", "accepted", "answered", "closed"]


def ensure_database() -> None:
    import psycopg2

    from gis import cluster, config

    cluster.ensure()
    conn = psycopg2.connect(host=str(cluster.socket_dir()), port=config.PG_PORT, user=config.PG_USER, dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = 'qala_bench'")
        if not cur.fetchone():
            cur.execute("CREATE DATABASE qala_bench")
    conn.close()


def generate(rows: int, out: Path) -> tuple[Path, Path]:
    """Seeded appeals inside the city extent, as CSV (lon/lat) and GeoPackage (points)."""
    import geopandas as gpd
    import numpy as np
    import pandas as pd
    from django.conf import settings

    csv, gpkg = out / f"appeals_{rows}.csv", out / f"appeals_{rows}.gpkg"
    if csv.exists() and gpkg.exists():
        return csv, gpkg
    out.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(109)
    x0, y0, x1, y1 = settings.QALA_CITY["bbox"]
    start = np.datetime64("2023-01-01T00:00:00")
    frame = pd.DataFrame({
        "number": [f"109-{i:08d}" for i in range(rows)],
        "category": np.array(CATEGORIES)[rng.integers(0, len(CATEGORIES), rows)],
        "status": np.array(STATUSES)[rng.integers(0, len(STATUSES), rows)],
        "registered_at": (start + rng.integers(0, 3 * 365 * 86400, rows).astype("timedelta64[s]")).astype(str),
        "lon": rng.uniform(x0 + 0.01, x1 - 0.01, rows).round(6),
        "lat": rng.uniform(y0 + 0.01, y1 - 0.01, rows).round(6),
    })
    frame.to_csv(csv, index=False)
    gdf = gpd.GeoDataFrame(frame.drop(columns=["lon", "lat"]),
                           geometry=gpd.points_from_xy(frame.lon, frame.lat), crs=4326)
    gdf.to_file(gpkg, driver="GPKG", layer="appeals")
    return csv, gpkg


def raw_copy(csv: Path) -> float:
    """Seconds for PostgreSQL's COPY of the CSV into a plain typed table."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_raw_copy")
        cur.execute("CREATE TABLE bench_raw_copy (number text, category text, status text, "
                    "registered_at timestamptz, lon float8, lat float8)")
        started = time.monotonic()
        with open(csv, "rb") as f:
            cur.cursor.copy_expert("COPY bench_raw_copy FROM STDIN WITH (FORMAT csv, HEADER true)", f)
        connection.commit() if not connection.get_autocommit() else None
        seconds = time.monotonic() - started
        cur.execute("DROP TABLE bench_raw_copy")
    return seconds


def copy_into_layer_clone(rows: int) -> float:
    """Seconds for COPY of the same rows, already typed (geometry as EWKB), into a clone of the
    appeals table with all its indexes and generated columns: PostgreSQL's own rate for this table."""
    import io

    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("DROP TABLE IF EXISTS bench_layer_clone")
        cur.execute("CREATE TABLE bench_layer_clone (LIKE layers_appeal INCLUDING ALL)")
        cur.execute("SELECT number, category, status, registered_at, geom, now(), now() FROM layers_appeal")
        buf = io.StringIO()
        cur.cursor.copy_expert(
            "COPY (SELECT number, category, status, 'import', '', '', '', '', '', registered_at, geom, now(), now() "
            "FROM layers_appeal) TO STDOUT", buf)
        buf.seek(0)
        started = time.monotonic()
        cur.cursor.copy_expert(
            "COPY bench_layer_clone (number, category, status, channel, incident_type, address, caller_name, "
            "caller_phone, description, registered_at, geom, created_at, updated_at) FROM STDIN", buf)
        seconds = time.monotonic() - started
        cur.execute("SELECT count(*) FROM bench_layer_clone")
        assert cur.fetchone()[0] == rows
        cur.execute("DROP TABLE bench_layer_clone")
    return seconds


def empty_layer() -> None:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("TRUNCATE layers_appeal CASCADE")
        # the tiles app logs every changed bbox; start each run from the same empty log
        cur.execute("SELECT to_regclass('qala_tile_change') IS NOT NULL")
        if cur.fetchone()[0]:
            cur.execute("TRUNCATE qala_tile_change")
        cur.execute("VACUUM ANALYZE layers_appeal") if connection.get_autocommit() else None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from importers.pipeline import ImportOptions, run_import

    call_command("migrate", verbosity=0)
    csv, gpkg = generate(args.rows, ROOT / "bench" / "out")
    copy_s = raw_copy(csv)
    copy_rate = args.rows / copy_s
    print(f"{args.rows:,} appeals; raw COPY into a plain table: {copy_s:.1f} s = {copy_rate:,.0f} rows/s")
    rates = {}
    for label, path in (("CSV", csv), ("GeoPackage", gpkg)):
        empty_layer()
        report = run_import(path, ImportOptions(layer="appeals", report=str(path) + ".report.csv"))
        assert report.inserted == args.rows, report.summary()
        rates[label] = report.rows_per_second
        print(f"qala import {label:10s} (new rows):       {report.seconds:6.1f} s = "
              f"{report.rows_per_second:9,.0f} rows/s  ratio {report.rows_per_second / copy_rate:.2f}  "
              + ", ".join(f"{k} {v:.1f} s" for k, v in report.timings.items()))
    clone_s = copy_into_layer_clone(args.rows)
    clone_rate = args.rows / clone_s
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM pg_indexes WHERE tablename = 'layers_appeal'")
        indexes = cur.fetchone()[0]
    print(f"raw COPY of the same typed rows into a clone of the appeals table ({indexes} indexes, no trigger): "
          f"{clone_s:.1f} s = {clone_rate:,.0f} rows/s; import/clone ratio "
          + ", ".join(f"{label} {rate / clone_rate:.2f}" for label, rate in rates.items()))
    again = run_import(gpkg, ImportOptions(layer="appeals", report=str(gpkg) + ".report.csv"))
    assert again.unchanged == args.rows, again.summary()
    print(f"qala import GeoPackage (same file again): {again.seconds:6.1f} s = "
          f"{again.rows_per_second:9,.0f} rows/s  ratio {again.rows_per_second / copy_rate:.2f}")


if __name__ == "__main__":
    main()
