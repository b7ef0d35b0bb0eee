"""Bench: registering appeals through the workflow service with 50 concurrent clients.

    .venv/bin/python bench/create_appeals.py [--clients 50] [--per-client 40]

Runs in a scratch database (qala_bench_workflow, created and migrated here, never `qala`).
Each client is a thread with its own database connection calling
gis.workflow.appeals.register — the call every channel (operator form, API, bot) makes:
catalog lookup, district lookup, number from the year's sequence, insert with the
guard trigger, and the first history row, in one transaction. Prints p50/p95/p99 latency
and throughput. Goal from issue 7: p99 < 50 ms for a create.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["QALA_PG_DB"] = "qala_bench_workflow"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")


def ensure_database() -> None:
    import psycopg2

    from gis import cluster, config

    cluster.ensure()
    conn = psycopg2.connect(host=str(cluster.socket_dir()), port=config.PG_PORT, user=config.PG_USER,
                            dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = 'qala_bench_workflow'")
        if not cur.fetchone():
            cur.execute("CREATE DATABASE qala_bench_workflow")
    conn.close()


def client(n: int, seed: int, latencies: list[float], errors: list[str]) -> None:
    from django.db import connection

    from gis.workflow import appeals

    rng = random.Random(seed)
    categories = [("heating", "heating.cold_flat"), ("water", "water.leak"), ("roads", "roads.pothole"),
                  ("waste", "waste.not_collected"), ("medicine", None)]
    try:
        for _ in range(n):
            cat, it = rng.choice(categories)
            point = (rng.uniform(69.10, 69.20), rng.uniform(54.84, 54.90))
            started = time.perf_counter()
            appeals.register(category=cat, incident_type=it, point=point, channel="phone",
                             caller_phone=f"+7 7{rng.randrange(10**8):08d}", description="bench")
            latencies.append(time.perf_counter() - started)
    except Exception as exc:  # reported, not hidden
        errors.append(repr(exc))
    finally:
        connection.close()


def in_process(n: int, seed: int) -> tuple[list[float], list[str]]:
    latencies: list[float] = []
    errors: list[str] = []
    client(n, seed, latencies, errors)
    return latencies, errors


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=40)
    parser.add_argument("--processes", action="store_true",
                        help="One process per client (as separate server workers) instead of threads.")
    args = parser.parse_args()
    ensure_database()
    import django

    django.setup()
    from django.core.management import call_command

    from gis.workflow.catalog import load_catalog

    call_command("migrate", verbosity=0)
    load_catalog()
    latencies: list[float] = []
    errors: list[str] = []
    if args.processes:
        import multiprocessing

        from django.db import connections

        connections.close_all()
        started = time.perf_counter()
        with multiprocessing.get_context("fork").Pool(args.clients) as pool:
            for lat, err in pool.starmap(in_process, [(args.per_client, i) for i in range(args.clients)]):
                latencies += lat
                errors += err
    else:
        threads = [threading.Thread(target=client, args=(args.per_client, i, latencies, errors))
                   for i in range(args.clients)]
        started = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    wall = time.perf_counter() - started
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    mode = "processes" if args.processes else "threads"
    print(f"{len(ms)} appeals by {args.clients} concurrent clients ({mode}) in {wall:.1f} s = {len(ms) / wall:.0f}/s; "
          f"latency p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, p99 {q[98]:.1f} ms, max {ms[-1]:.1f} ms; "
          f"errors {len(errors)} {errors[:3]}")


if __name__ == "__main__":
    main()
