"""Bench: POST /api/workflow/appeals over HTTP with 50 concurrent clients against `qala serve`.

    .venv/bin/python bench/create_appeals_http.py [--clients 50] [--per-client 20] [--workers 2]
                                                  [--think 5.0] [--operator-creates 12]

Scratch database qala_bench_workflow (never `qala`). Starts gunicorn through `qala serve` on
a free port (workers = cores by default), gives 50 clients an operator's session (made in the
database, with a CSRF cookie and header as a browser sends them) from threads of this separate process, and times each create from
request to response. One run prints two rows side by side:

(a) saturation: every client sends its next create as soon as the last one is answered
    (closed loop, no think time) — the ceiling; p99 is queueing-bound on 2 cores.
(b) operators: each client waits a random think time (exponential, mean --think seconds)
    between creates, as an operator taking calls does. 50 operators at 5 s offer ≈ 10
    creates/s = 36,000/h; the product's load is 1M appeals a year ≈ 2,740/day, 14,000 on
    the peak day, so a peak hour of ≈ 1,400 (a tenth of the peak day): (b) is ≥ 25× that.
The issue's goal (p99 < 50 ms for a create) is judged on (b).
"""
from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
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


def sessions(n: int) -> list[str]:
    """Signed-in operator sessions made in the database, as a login would: the server's login
    throttle (per IP) would refuse 100 form logins from one address in a minute."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY, get_user_model

    user = get_user_model().objects.get(username="bench-operator")
    store = import_module(settings.SESSION_ENGINE).SessionStore
    keys = []
    for _ in range(n):
        s = store()
        s.update({SESSION_KEY: str(user.pk), BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[0],
                  HASH_SESSION_KEY: user.get_session_auth_hash()})
        s.create()
        keys.append(s.session_key)
    return keys


def client(base, n, seed, latencies, errors, ready, go, think=0.0, session_key=""):
    rng = random.Random(seed)
    token = f"{rng.getrandbits(128):032x}"  # the CSRF secret: the same in the cookie and the header
    opener = urllib.request.build_opener()
    opener.addheaders = [("Cookie", f"sessionid={session_key}; csrftoken={token}")]
    ready.release()
    go.wait()
    for _ in range(n):
        if think:
            time.sleep(rng.expovariate(1 / think))
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


def run(base, clients, per_client, think=0.0) -> dict:
    """All clients signed in first, then started together; latencies of the creates in ms."""
    latencies, errors = [], []
    ready, go = threading.Semaphore(0), threading.Event()
    keys = sessions(clients)
    threads = [threading.Thread(target=client, args=(base, per_client, i + int(think * 1000), latencies, errors,
                                                     ready, go, think, keys[i])) for i in range(clients)]
    for t in threads:
        t.start()
    for _ in threads:
        ready.acquire()
    started = time.perf_counter()
    go.set()
    for t in threads:
        t.join()
    wall = time.perf_counter() - started
    ms = sorted(x * 1000 for x in latencies)
    q = statistics.quantiles(ms, n=100)
    return {"creates": len(ms), "wall": wall, "rate": len(ms) / wall, "p50": q[49], "p95": q[94], "p99": q[98],
            "max": ms[-1], "errors": errors}


def server_times(log, mark: int) -> dict:
    """Percentiles of the server's own duration_ms for the creates logged since `mark`: what the
    application spent (middleware in to middleware out), apart from sockets, gunicorn and the client."""
    time.sleep(0.5)
    log.seek(mark)
    ms = []
    for line in log.read().decode(errors="replace").splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if entry.get("method") == "POST" and entry.get("path") == "/api/workflow/appeals":
            ms.append(float(entry["duration_ms"]))
    if len(ms) < 2:
        return {}
    q = statistics.quantiles(sorted(ms), n=100)
    return {"p50": q[49], "p99": q[98]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--per-client", type=int, default=20, help="creates per client in (a)")
    parser.add_argument("--operator-creates", type=int, default=12, help="creates per client in (b)")
    parser.add_argument("--think", type=float, default=5.0, help="mean think time in (b), seconds")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    prepare()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "QALA_LOG_LEVEL": "INFO", "QALA_LOG_FORMAT": "json"}
    log = tempfile.TemporaryFile()  # the server's JSON request log: its own view of each create's time
    server = subprocess.Popen([str(Path(sys.executable).with_name("qala")), "serve", "--bind", f"127.0.0.1:{port}",
                               "--workers", str(args.workers)], env=env, stdout=subprocess.DEVNULL, stderr=log)
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
        run(base, 5, 10)  # warm-up: imports, connections, the catalog copy in each worker
        rows = []
        for name, kwargs in (("(a) saturation, no think time", {"per_client": args.per_client}),
                             (f"(b) operators, think {args.think:g} s",
                              {"per_client": args.operator_creates, "think": args.think})):
            mark = log.seek(0, os.SEEK_END)
            result = run(base, args.clients, **kwargs)
            result["server"] = server_times(log, mark)
            rows.append((name, result))
    finally:
        server.terminate()
        server.wait(timeout=30)
    print(f"POST /api/workflow/appeals, {args.clients} concurrent clients, {args.workers} gunicorn workers × 4 threads, "
          f"load average {os.getloadavg()[0]:.1f}")
    print(f"{'mode':<34}{'creates':>8}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'max ms':>9}{'errors':>8}"
          f"{'server p50':>12}{'server p99':>12}")
    for name, r in rows:
        srv = r.get("server") or {}
        print(f"{name:<34}{r['creates']:>8}{r['rate']:>8.1f}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['p99']:>9.1f}"
              f"{r['max']:>9.1f}{len(r['errors']):>8}{srv.get('p50', float('nan')):>12.1f}{srv.get('p99', float('nan')):>12.1f}")
        if r["errors"]:
            print(f"  errors: {r['errors'][:3]}")


if __name__ == "__main__":
    main()
