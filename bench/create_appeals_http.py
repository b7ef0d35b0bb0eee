"""Bench: POST /api/workflow/appeals over HTTP with 50 concurrent clients against `qala serve`.

    .venv/bin/python bench/create_appeals_http.py [--clients 50] [--per-client 20] [--workers 3]

Scratch database qala_bench_workflow (never `qala`). Starts gunicorn through `qala serve` on
a free port, signs 50 clients in as an operator (session + CSRF, as a browser would), and
times each create from request to response. Prints p50/p95/p99.
"""
from __future__ import annotations

import argparse
import http.cookiejar
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["QALA_PG_DB"] = "qala_bench_workflow"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
PASSWORD = "bench-operator-pw-109"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare() -> None:
    sys.path.insert(0, str(ROOT / "bench"))
    from create_appeals import ensure_database

    ensure_database()
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from gis.workflow import roles
    from gis.workflow.catalog import load_catalog

    call_command("migrate", verbosity=0)
    load_catalog()
    user, _ = get_user_model().objects.get_or_create(username="bench-operator", defaults={"is_staff": True})
    user.set_password(PASSWORD)
    user.save()
    roles.ensure_groups()
    roles.grant(user, "operator")


def session(base: str) -> tuple[urllib.request.OpenerDirector, str]:
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.open(f"{base}/admin/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    form = urllib.parse.urlencode({"username": "bench-operator", "password": PASSWORD,
                                   "csrfmiddlewaretoken": token, "next": "/admin/"}).encode()
    opener.open(urllib.request.Request(f"{base}/admin/login/", data=form,
                                       headers={"Referer": f"{base}/admin/login/"})).read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    return opener, token


def client(base, n, seed, latencies, errors, ready, go):
    rng = random.Random(seed)
    try:
        opener, token = session(base)
    except Exception as exc:
        errors.append(f"login: {exc!r}")
        ready.release()
        return
    ready.release()
    go.wait()
    for _ in range(n):
        body = json.dumps({"category": "water", "incident_type": "water.leak",
                           "lon": rng.uniform(69.10, 69.20), "lat": rng.uniform(54.84, 54.90),
                           "caller_phone": "+7 700 000 00 00", "description": "bench"}).encode()
        req = urllib.request.Request(f"{base}/api/workflow/appeals", data=body, method="POST", headers={
            "Content-Type": "application/json", "X-CSRFToken": token, "Referer": f"{base}/"})
        started = time.perf_counter()
        try:
            with opener.open(req, timeout=30) as resp:
                resp.read()
                ok = resp.status == 201
        except Exception as exc:
            errors.append(repr(exc))
            continue
        latencies.append(time.perf_counter() - started)
        if not ok:
            errors.append("not 201")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    prepare()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "QALA_LOG_LEVEL": "WARNING"}
    server = subprocess.Popen([str(Path(sys.executable).with_name("qala")), "serve", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 60
        while True:
            try:
                urllib.request.urlopen(f"{base}/health", timeout=2).read()
                break
            except OSError:
                if time.time() > deadline:
                    raise SystemExit("server did not start")
                time.sleep(0.3)
        latencies, errors = [], []
        ready, go = threading.Semaphore(0), threading.Event()
        threads = [threading.Thread(target=client, args=(base, args.per_client, i, latencies, errors, ready, go))
                   for i in range(args.clients)]
        for t in threads:
            t.start()
        for _ in threads:
            ready.acquire()
        started = time.perf_counter()
        go.set()
        for t in threads:
            t.join()
        wall = time.perf_counter() - started
    finally:
        server.terminate()
        server.wait(timeout=30)
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    print(f"HTTP: {len(ms)} creates by {args.clients} concurrent clients, {args.workers} gunicorn workers × 4 "
          f"threads, in {wall:.1f} s = {len(ms) / wall:.0f}/s; p50 {q[49]:.1f} ms, p95 {q[94]:.1f} ms, "
          f"p99 {q[98]:.1f} ms, max {ms[-1]:.1f} ms; errors {len(errors)} {errors[:3]}")


if __name__ == "__main__":
    main()
