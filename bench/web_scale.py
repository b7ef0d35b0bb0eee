"""Do the pages stay responsive with 1M appeals? The demo city plus 1M scale appeals in a
database of its own (qala_bench_web), each page and data endpoint timed through the Django
stack in-process, as a table of p50/max over a few requests.

    .venv/bin/python bench/web_scale.py [--appeals 1000000]
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
os.environ.setdefault("QALA_PG_DB", "qala_bench_web")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
sys.path.insert(0, str(ROOT))
QALA = str(ROOT / ".venv" / "bin" / "qala")


def qala(*args):
    subprocess.run([QALA, *args], check=True, env=os.environ)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--appeals", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
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
    for name, client, url in cases:
        times, status = [], None
        for _ in range(args.repeat):
            t = time.perf_counter()
            status = client.get(url).status_code
            times.append((time.perf_counter() - t) * 1000)
        print(f"{name:<44}{status:>7}{times[0]:>10.0f}{statistics.median(times):>9.0f}{max(times):>9.0f}")


if __name__ == "__main__":
    main()
