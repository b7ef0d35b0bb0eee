"""Load test with a SIGKILL: no appeal whose number reached a client is lost, none is doubled.

    .venv/bin/pip install -e '.[bench]'        # httpx
    .venv/bin/python bench/load_test.py [--duration 300] [--operators 50] [--viewers 200] [--kill-at 0.4]

127.0.0.1 only. Prepares the scratch database qala_bench_load (migrate + demo city, reused when
already loaded), starts `qala serve` (gunicorn) on a free port, and for --duration seconds runs
--operators staff clients (each loop: search, "what is here", register an appeal with a fresh
Idempotency-Key, retrying the SAME key on a refused/dropped connection, a timeout or a 5xx) and
--viewers anonymous map viewers fetching tiles around the centre at z12-16. At --kill-at of the
run the whole gunicorn (master and workers) gets SIGKILL and is started again at once.

At the end every registration number a client was given is looked up in the database (lost),
and the run's appeals are counted per Idempotency-Key (duplicates). Prints p50/p99 per endpoint,
errors by kind, the downtime window. Rate limits are turned off for this server (QALA_RATE_*=0):
this test is about losing appeals, not throttling. `--json PATH` also writes the raw outcome
(tests/gis/test_kill_restart.py runs a short version against the test database).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import RATE_LIMITS_OFF  # noqa: E402
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")

TILE_SOURCES = ("basemap", "appeals", "buildings")
CATEGORIES = (("water", "water.leak"), ("heating", "heating.cold_flat"), ("roads", "roads.pothole"),
              ("waste", "waste.not_collected"), ("lighting", None))
FALLBACK_QUERIES = ("Жамбыла", "Абая", "Конституции", "Интернациональная", "Букетова", "Мира")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def use_database(name: str) -> None:
    """Point this process (and the servers it starts) at `name`, embedded cluster or DATABASE_URL."""
    from urllib.parse import urlsplit, urlunsplit

    os.environ["QALA_PG_DB"] = name
    if os.environ.get("DATABASE_URL"):
        parts = urlsplit(os.environ["DATABASE_URL"])
        os.environ["DATABASE_URL"] = urlunsplit(parts._replace(path="/" + name))


def ensure_database(name: str) -> None:
    import psycopg2

    from gis import cluster, config

    cluster.ensure()
    if config.DATABASE_URL:
        return  # an external server: the database is the operator's to create
    conn = psycopg2.connect(host=str(cluster.socket_dir()), port=config.PG_PORT, user=config.PG_USER,
                            dbname="postgres")
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')  # our own fixed name, never user input
    conn.close()


def prepare(args) -> dict:
    """Schema, demo city, catalog, one operator and a token per operator client."""
    import django

    if args.create_db:
        ensure_database(args.db)
    django.setup()
    import logging

    logging.getLogger("httpx").setLevel(logging.WARNING)  # not a line per request on stdout
    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    from gis.models import ApiToken
    from gis.workflow import roles
    from gis.workflow.catalog import load_catalog
    from layers.streets import Street

    if args.migrate:
        call_command("migrate", verbosity=0)
    if args.demo:
        call_command("demo_data", verbosity=0)
        fresh_tile_cache()
    load_catalog()
    roles.ensure_groups()
    user, _ = get_user_model().objects.get_or_create(username="load-operator", defaults={"is_staff": True})
    roles.grant(user, "operator")
    run = uuid.uuid4().hex[:8]
    tokens = [ApiToken.issue(f"load test {run} #{i}", channel="app", user=user) for i in range(args.operators)]
    queries = list(Street.objects.exclude(name="").values_list("name", flat=True).distinct()[:200])
    return {"tokens": [(t.pk, key) for t, key in tokens], "queries": [q.split()[-1] for q in queries] or
            list(FALLBACK_QUERIES)}


def fresh_tile_cache() -> None:
    """Start the scratch database's tiles cold: no disk tiles, no change log. The log of the demo
    load (~50,000 rows) is re-sent with every tile request while any transaction in the cluster
    holds the snapshot horizon back (tiles/changes.py), which on a shared machine made each tile
    take ~35 s; with no cached tile nothing can be stale."""
    import shutil

    from django.db import connection

    from tiles.cache import cache_root

    shutil.rmtree(cache_root(), ignore_errors=True)
    with connection.cursor() as cur:
        cur.execute("DELETE FROM qala_tile_change")


def oldest_transaction_s() -> float:
    """Age of the cluster's oldest open transaction: it holds the tile change log's horizon."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SELECT coalesce(extract(epoch FROM max(now() - xact_start)), 0) FROM pg_stat_activity "
                    "WHERE backend_xid IS NOT NULL OR backend_xmin IS NOT NULL")
        return float(cur.fetchone()[0])


class Server:
    """`qala serve` in its own process group, so one killpg reaches the master and every worker."""

    def __init__(self, port: int, workers: int, log: Path):
        self.port, self.workers, self.log = port, workers, log
        self.proc: subprocess.Popen | None = None
        self.env = {**os.environ, "QALA_LOG_LEVEL": "WARNING", **RATE_LIMITS_OFF}

    def start(self) -> None:
        with open(self.log, "ab") as out:
            self.proc = subprocess.Popen(
                [str(Path(sys.executable).with_name("qala")), "serve", "--bind", f"127.0.0.1:{self.port}",
                 "--workers", str(self.workers)], env=self.env, stdout=out, stderr=subprocess.STDOUT,
                start_new_session=True)

    def kill(self) -> None:
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    async def ready(self, client, timeout: float = 300) -> float:
        """Seconds until /ready answers 200 (probes wait up to 10 s: the server may be busy, not down)."""
        started = time.monotonic()
        while time.monotonic() - started < timeout:
            if self.proc.poll() is not None:
                raise SystemExit(f"the server exited ({self.proc.returncode}); see {self.log}")
            try:
                if (await client.get(f"http://127.0.0.1:{self.port}/ready", timeout=10)).status_code == 200:
                    return time.monotonic() - started
            except Exception:  # noqa: BLE001 - not up yet
                pass
            await asyncio.sleep(0.1)
        raise SystemExit(f"the server was not ready in {timeout:.0f} s; see {self.log}")


class Stats:
    def __init__(self):
        self.latency = defaultdict(list)  # endpoint -> ms of answered requests
        self.errors = defaultdict(Counter)  # endpoint -> kind -> count
        self.numbers: dict[str, str] = {}  # "token_id:key" -> number the client was given
        self.replayed = 0
        self.refused_creates = Counter()  # 4xx on a create: status -> count (a bug if any)
        self.unresolved = 0  # keys still failing when time ran out

    def error(self, endpoint: str, kind: str) -> None:
        self.errors[endpoint][kind] += 1


def kind_of(exc: Exception) -> str:
    import httpx

    if isinstance(exc, httpx.ConnectError):
        return "refused"
    if isinstance(exc, httpx.TimeoutException):
        return "timeout"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return "dropped"
    return type(exc).__name__


async def call(client, stats: Stats, endpoint: str, method: str, url: str, **kw):
    """One request, timed; None when it failed (the failure counted by kind)."""
    started = time.perf_counter()
    try:
        response = await client.request(method, url, **kw)
    except Exception as exc:  # noqa: BLE001 - every failure is counted by kind
        stats.error(endpoint, kind_of(exc))
        return None
    ms = (time.perf_counter() - started) * 1000
    if response.status_code >= 500:
        stats.error(endpoint, "5xx")
        return None
    if response.status_code >= 400:
        stats.error(endpoint, f"{response.status_code}")
        return response
    stats.latency[endpoint].append(ms)
    return response


async def operator(base, token, queries, bbox, args, stats: Stats, stop_at: float, give_up_at: float, seed: int):
    import httpx

    rng = random.Random(seed)
    token_id, key = token
    headers = {"Authorization": f"Token {key}"}
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=args.timeout) as client:
        while time.monotonic() < stop_at:
            lon, lat = rng.uniform(bbox[0], bbox[2]), rng.uniform(bbox[1], bbox[3])
            await call(client, stats, "search", "GET", "/api/search", params={"q": rng.choice(queries)})
            await call(client, stats, "here", "GET", "/api/here", params={"lon": f"{lon:.6f}", "lat": f"{lat:.6f}"})
            category, incident_type = rng.choice(CATEGORIES)
            body = {"category": category, "incident_type": incident_type, "lon": round(lon, 6),
                    "lat": round(lat, 6), "caller_phone": f"+7 7{rng.randrange(10**8):08d}",
                    "description": "load test"}
            idem = uuid.uuid4().hex
            while True:  # the same key until an answer: a retry may only ever find the first appeal
                response = await call(client, stats, "create", "POST", "/api/workflow/appeals", json=body,
                                      headers={"Idempotency-Key": idem})
                if response is not None and response.status_code in (200, 201):
                    stats.numbers[f"{token_id}:{idem}"] = response.json()["number"]
                    stats.replayed += response.headers.get("Idempotent-Replayed") == "true"
                    break
                if response is not None:  # a 4xx: the body was refused, retrying cannot help
                    stats.refused_creates[response.status_code] += 1
                    break
                if time.monotonic() > give_up_at:
                    stats.unresolved += 1
                    break
                await asyncio.sleep(rng.uniform(0.2, 0.6))
            await asyncio.sleep(rng.uniform(*args.think))


def random_tile(rng: random.Random, center) -> tuple[int, int, int]:
    z = rng.randint(12, 16)
    n = 1 << z
    x = (center[0] + 180) / 360 * n
    y = (1 - math.asinh(math.tan(math.radians(center[1]))) / math.pi) / 2 * n
    spread = 1 << max(0, z - 11)  # about the city's extent at each zoom
    return z, int(x + rng.uniform(-spread, spread)), int(y + rng.uniform(-spread, spread))


async def viewer(base, center, args, stats: Stats, stop_at: float, seed: int):
    import httpx

    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=base, timeout=args.timeout) as client:
        await asyncio.sleep(rng.uniform(0, args.viewer_think[1]))  # arrive spread out
        while time.monotonic() < stop_at:
            z, x, y = random_tile(rng, center)
            await call(client, stats, "tile", "GET", f"/tiles/{rng.choice(TILE_SOURCES)}/{z}/{x}/{y}.mvt",
                       headers={"Accept-Encoding": "gzip"})
            await asyncio.sleep(rng.uniform(*args.viewer_think))


async def load(args, prepared: dict, server: Server) -> dict:
    import httpx

    from django.conf import settings

    base = f"http://127.0.0.1:{server.port}"
    async with httpx.AsyncClient() as probe:
        server.start()
        boot = await server.ready(probe)
        stats = Stats()
        started = time.monotonic()
        stop_at = started + args.duration
        give_up_at = stop_at + args.grace
        bbox, center = settings.QALA_CITY["bbox"], settings.QALA_CITY["center"]
        # keep the "what is here" points inside the city proper, where the appeals are
        inner = (center[0] - 0.06, center[1] - 0.03, center[0] + 0.06, center[1] + 0.03)
        tasks = [asyncio.create_task(operator(base, tok, prepared["queries"], inner, args, stats, stop_at,
                                              give_up_at, seed=i)) for i, tok in enumerate(prepared["tokens"])]
        tasks += [asyncio.create_task(viewer(base, center, args, stats, stop_at, seed=10_000 + i))
                  for i in range(args.viewers)]
        outage = None
        if args.kill_at is not None:
            await asyncio.sleep(args.duration * args.kill_at)
            killed = time.monotonic()
            await asyncio.to_thread(server.kill)
            server.start()
            up = await server.ready(probe)
            outage = {"at_s": round(killed - started, 1), "down_s": round(time.monotonic() - killed, 2),
                      "boot_s": round(up, 2)}
        await asyncio.gather(*tasks)
        wall = time.monotonic() - started
    return {"stats": stats, "outage": outage, "wall_s": wall, "first_boot_s": boot, "bbox": bbox}


def last_appeal_id() -> int:
    from django.db.models import Max

    from layers.appeals import Appeal

    return Appeal.objects.aggregate(m=Max("id"))["m"] or 0


def verify(stats: Stats, token_ids: list[int], before_id: int) -> dict:
    """Every number a client was given is in the database under its key (lost), and the run
    made exactly one appeal per key (duplicates: appeals created beyond the keys stored)."""
    from django.db.models import Q

    from layers.appeals import Appeal

    prefixes = Q()
    for token_id in token_ids:
        prefixes |= Q(request_key__startswith=f"token{token_id}:")
    stored = dict(Appeal.objects.filter(prefixes).values_list("request_key", "number"))
    created = Appeal.objects.filter(id__gt=before_id).count()
    lost = [n for key, n in stats.numbers.items() if stored.get(f"token{key}") != n]
    given = {f"token{key}" for key in stats.numbers}
    return {"given": len(stats.numbers), "stored": len(stored), "created": created, "lost": len(lost),
            "lost_numbers": lost[:20], "duplicates": created - len(stored),
            "orphans": len(set(stored) - given)}  # made, but the client gave up before learning its number


def percentile(values: list[float], p: float) -> float:
    s = sorted(values)
    return s[min(len(s) - 1, max(0, math.ceil(p / 100 * len(s)) - 1))] if s else float("nan")


def report(args, result: dict, check: dict) -> str:
    stats: Stats = result["stats"]
    kinds = sorted({k for c in stats.errors.values() for k in c})
    lines = [f"| endpoint | answered | p50 ms | p99 ms | max ms | {' | '.join(kinds) or 'errors'} |",
             "|---|---:|---:|---:|---:|" + "---:|" * max(1, len(kinds))]
    for endpoint in ("search", "here", "create", "tile"):
        ms = stats.latency[endpoint]
        errs = [str(stats.errors[endpoint][k]) for k in kinds] or ["0"]
        lines.append(f"| {endpoint} | {len(ms)} | {percentile(ms, 50):.1f} | {percentile(ms, 99):.1f} | "
                     f"{max(ms, default=float('nan')):.1f} | {' | '.join(errs)} |")
    total = sum(len(v) for v in stats.latency.values())
    outage = result["outage"]
    lines += [
        "",
        f"{args.operators} operators + {args.viewers} tile viewers, {args.workers} gunicorn workers × 4 threads, "
        f"{result['wall_s']:.0f} s: {total} answered requests ({total / result['wall_s']:.0f}/s); first start to "
        f"/ready {result['first_boot_s']:.1f} s.",
        f"SIGKILL of the whole gunicorn at {outage['at_s']} s; answering /ready again after {outage['down_s']} s "
        f"(restart to ready {outage['boot_s']} s)." if outage else "No kill (--kill-at none).",
        f"Appeals: {check['given']} numbers given to clients ({stats.replayed} of them on a replayed retry), "
        f"{check['stored']} stored under the run's keys, {check['created']} appeals created in all; LOST {check['lost']}, DUPLICATES {check['duplicates']}; "
        f"created but never acknowledged (client gave up) {check['orphans']}; keys unresolved at the end "
        f"{stats.unresolved}; creates refused with 4xx {dict(stats.refused_creates) or 0}.",
        "Error kinds: refused = connection refused (server down), dropped = connection closed mid-request "
        "(the kill), timeout, 5xx; other columns are HTTP statuses.",
    ]
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=300)
    parser.add_argument("--operators", type=int, default=50)
    parser.add_argument("--viewers", type=int, default=200)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--kill-at", type=lambda v: None if v == "none" else float(v), default=0.4,
                        help="fraction of the run at which gunicorn is SIGKILLed ('none': never)")
    parser.add_argument("--think", type=float, nargs=2, default=(0.5, 1.0), help="operator pause, seconds")
    parser.add_argument("--viewer-think", type=float, nargs=2, default=(1.0, 3.0), help="viewer pause, seconds")
    parser.add_argument("--timeout", type=float, default=30, help="per request, seconds")
    parser.add_argument("--grace", type=float, default=60, help="seconds after the end to finish retries")
    parser.add_argument("--db", default="qala_bench_load")
    parser.add_argument("--no-demo", dest="demo", action="store_false", help="skip loading the demo city")
    parser.add_argument("--no-migrate", dest="migrate", action="store_false")
    parser.add_argument("--no-create-db", dest="create_db", action="store_false")
    parser.add_argument("--log", type=Path, default=Path("/tmp/qala_load_test_server.log"))
    parser.add_argument("--json", type=Path, help="also write the outcome (numbers per key) here")
    args = parser.parse_args(argv)
    if not 0 < (args.kill_at if args.kill_at is not None else 0.5) < 1:
        parser.error("--kill-at is a fraction between 0 and 1, or none")
    use_database(args.db)
    prepared = prepare(args)
    from django.db import connection

    before_id = last_appeal_id()
    held_before = oldest_transaction_s()
    connection.close()  # the server's workers, not this process, hold connections during the run
    server = Server(free_port(), args.workers, args.log)
    try:
        result = asyncio.run(load(args, prepared, server))
    finally:
        server.stop()
    check = verify(result["stats"], [pk for pk, _ in prepared["tokens"]], before_id)
    print(report(args, result, check))
    print(f"Oldest open transaction in the cluster: {held_before:.0f} s at the start, {oldest_transaction_s():.0f} s "
          f"at the end (holds the tile change log's horizon back: see tiles/changes.py).")
    if args.json:
        stats = result["stats"]
        args.json.write_text(json.dumps({
            **check, "outage": result["outage"], "replayed": stats.replayed, "unresolved": stats.unresolved,
            "numbers": stats.numbers, "token_ids": [pk for pk, _ in prepared["tokens"]],
            "answered": {k: len(v) for k, v in stats.latency.items()},
            "errors": {k: dict(v) for k, v in stats.errors.items()}}))
    return 1 if check["lost"] or check["duplicates"] else 0


if __name__ == "__main__":
    sys.exit(main())
