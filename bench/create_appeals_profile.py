"""Where one create goes: POST /api/workflow/appeals through the Django test client, serial.

    .venv/bin/python bench/create_appeals_profile.py [--n 300] [--profile]

Scratch database qala_bench_workflow (never `qala`). Prints the SQL statements one create
sends (counted with CaptureQueriesContext, listed once) and the serial ms per create after
warm-up; --profile adds a cProfile of the timed loop (top functions by cumulative time).
"""
from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import statistics
import sys
import time

os.environ.setdefault("QALA_LOG_LEVEL", "WARNING")  # no log line per request on the terminal

from create_appeals_http import prepare  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=300)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()
    prepare()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(get_user_model().objects.get(username="bench-operator"))
    rng = random.Random(109)
    kinds = [("water", "water.leak"), ("heating", "heating.cold_flat"), ("roads", "roads.pothole"),
             ("medicine", None)]

    def create():
        cat, it = rng.choice(kinds)
        body = {"category": cat, "incident_type": it, "lon": rng.uniform(69.10, 69.20),
                "lat": rng.uniform(54.84, 54.90), "caller_phone": "+7 700 000 00 00", "description": "bench"}
        resp = client.post("/api/workflow/appeals", json.dumps(body), content_type="application/json")
        if resp.status_code != 201:
            raise SystemExit(f"create answered {resp.status_code}: {resp.content[:300]!r}")

    for _ in range(20):  # warm-up: imports, caches, prepared plans
        create()
    with CaptureQueriesContext(connection) as ctx:
        create()
    print(f"SQL statements per create: {len(ctx.captured_queries)}")
    for q in ctx.captured_queries:
        print(f"  {q['time']:>6}s  {q['sql'][:150]}")
    profiler = cProfile.Profile() if args.profile else None
    if profiler:
        profiler.enable()
    times = []
    for _ in range(args.n):
        t = time.perf_counter()
        create()
        times.append((time.perf_counter() - t) * 1000)
    if profiler:
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    q = statistics.quantiles(times, n=100)
    print(f"serial creates through the view: {args.n}, mean {statistics.mean(times):.2f} ms, "
          f"p50 {q[49]:.2f} ms, p99 {q[98]:.2f} ms")


if __name__ == "__main__":
    sys.exit(main())
