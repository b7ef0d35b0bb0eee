"""Bench: the rate limiter's cost and its counters shared between processes.

    .venv/bin/python bench/ratelimit.py [--hits 3000] [--procs 4]

Uses a scratch database (qala_bench_ratelimit, created and migrated here; never `qala`).
Prints a table: the upsert's latency on one connection (many clients, one hot client),
LOGGED against UNLOGGED, and --procs processes hammering one client's counter at once,
whose final count must equal every hit sent (no hit lost between workers).
"""
from __future__ import annotations

import argparse
import multiprocessing
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DB = "qala_bench_ratelimit"


def dsn() -> dict:
    from gis import cluster, config

    return {"host": str(cluster.socket_dir()), "port": config.PG_PORT, "user": config.PG_USER, "dbname": DB}


def prepare() -> None:
    import psycopg2

    from gis import cluster

    cluster.ensure()
    conn = psycopg2.connect(**{**dsn(), "dbname": "postgres"})
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{DB}"')
    conn.close()
    subprocess.run([str(ROOT / ".venv/bin/qala"), "migrate", "-v0"], check=True, env={**os.environ, "QALA_PG_DB": DB})


def connect():
    import psycopg2

    conn = psycopg2.connect(**dsn())
    conn.autocommit = True  # as under gunicorn: each upsert its own transaction
    return conn


def timed_hits(keys: list[str]) -> list[float]:
    from gis.ratelimit import UPSERT

    conn = connect()
    took = []
    with conn.cursor() as cur:
        for key in keys:
            t = time.perf_counter()
            cur.execute(UPSERT, [key, 4_000_000_000])
            cur.fetchone()
            took.append((time.perf_counter() - t) * 1e6)
    conn.close()
    return took


def worker(args) -> float:
    key, n = args
    start = time.perf_counter()
    timed_hits([key] * n)
    return time.perf_counter() - start


def row(name: str, took: list[float]) -> str:
    q = statistics.quantiles(took, n=100)
    return f"| {name} | {len(took):,} | {statistics.median(took):.0f} | {q[94]:.0f} | {q[98]:.0f} |"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hits", type=int, default=3000)
    parser.add_argument("--procs", type=int, default=4)
    args = parser.parse_args()
    prepare()
    conn = connect()
    with conn.cursor() as cur:
        cur.execute("TRUNCATE qala_ratecounter")
    print("| upsert, one connection | hits | p50 µs | p95 µs | p99 µs |\n|---|---|---|---|---|")
    print(row("UNLOGGED, a new client each hit", timed_hits([f"api:10.0.{i // 250}.{i % 250}:60:1" for i in range(args.hits)])))
    print(row("UNLOGGED, one client", timed_hits(["api:10.1.1.1:60:1"] * args.hits)))
    with conn.cursor() as cur:
        cur.execute("ALTER TABLE qala_ratecounter SET LOGGED")
    try:
        print(row("LOGGED, a new client each hit", timed_hits([f"api:10.2.{i // 250}.{i % 250}:60:1" for i in range(args.hits)])))
        print(row("LOGGED, one client", timed_hits(["api:10.3.3.3:60:1"] * args.hits)))
    finally:
        with conn.cursor() as cur:
            cur.execute("ALTER TABLE qala_ratecounter SET UNLOGGED")
    hot = "api:10.9.9.9:60:1"
    start = time.perf_counter()
    with multiprocessing.Pool(args.procs) as pool:
        pool.map(worker, [(hot, args.hits)] * args.procs)
    wall = time.perf_counter() - start
    with conn.cursor() as cur:
        cur.execute("SELECT hits FROM qala_ratecounter WHERE key = %s", [hot])
        counted = cur.fetchone()[0]
    sent = args.procs * args.hits
    print(f"\n{args.procs} processes, one hot counter: {sent:,} hits sent, {counted:,} counted "
          f"({'none lost' if counted == sent else 'LOST HITS'}), {sent / wall:,.0f} hits/s in all")


if __name__ == "__main__":
    main()
