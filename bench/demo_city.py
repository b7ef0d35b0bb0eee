"""Bench: loading the full demo city, as `qala run` does on a fresh machine. Goal: well under 2 minutes.

    .venv/bin/python bench/demo_city.py

Runs in a scratch database (qala_bench_demo: created, migrated and dropped here, never
`qala`) and prints the seconds of the first load, of a second (no-op) call, of a forced
reload, and the rows per layer.
"""
from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["QALA_PG_DB"] = "qala_bench_demo"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")

GOAL_SECONDS = 120


def fresh_database() -> None:
    from gis import cluster

    cluster.ensure()
    cluster._psql('DROP DATABASE IF EXISTS "qala_bench_demo"')
    cluster.ensure()  # creates it again, with PostGIS


def main() -> int:
    fresh_database()
    import django

    django.setup()
    from django.core.management import call_command

    from data.load import load_demo_city

    call_command("migrate", verbosity=0)
    started = time.monotonic()
    first = load_demo_city(scale="full")
    cold = time.monotonic() - started
    started = time.monotonic()
    assert not load_demo_city(scale="full").loaded
    again = time.monotonic() - started
    started = time.monotonic()
    load_demo_city(scale="full", force=True)
    forced = time.monotonic() - started
    for layer, n in first.counts.items():
        print(f"{layer:18} {n:>8}")
    print(f"first load {cold:.1f} s ({sum(first.counts.values())} rows), second call {again:.2f} s, "
          f"forced reload {forced:.1f} s; goal < {GOAL_SECONDS} s: {'met' if cold < GOAL_SECONDS else 'NOT met'}")
    from django.db import connections

    from gis import cluster

    connections.close_all()
    cluster._psql('DROP DATABASE IF EXISTS "qala_bench_demo"')
    return 0 if cold < GOAL_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
