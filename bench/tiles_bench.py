"""Tile throughput: ours uncached and cached, side by side with tipg on the same tables.

Everything goes over HTTP on 127.0.0.1, one request at a time, no keep-alive; uncached
requests ask for no gzip, so both servers are measured the same way; cached ones ask for gzip
as a browser does. The script starts and stops its own servers:
  gunicorn (1 worker) with the tile cache off      -> our uncached SQL path
  gunicorn (1 worker) with the in-memory cache     -> our cached path (warmed first)
  tipg (uvicorn, 1 worker), if --tipg-venv is given -> asked for complete tiles (limit lifted)

Data: a database of its own, never the dev database:
    createdb -h var/pg/run -p 54329 -U qala qala_bench_tiles
    QALA_PG_DB=qala_bench_tiles .venv/bin/qala migrate
    psql -h $PWD/var/pg/run -p 54329 -U qala -d qala_bench_tiles -f bench/tiles_data.sql
    python3 -m venv /tmp/tipg-venv && /tmp/tipg-venv/bin/pip install tipg uvicorn
    QALA_PG_DB=qala_bench_tiles .venv/bin/python bench/tiles_bench.py --tipg-venv /tmp/tipg-venv
Goals (issue 5): >= 1.2x tipg uncached at every zoom; cached p99 < 5 ms.
"""
from __future__ import annotations

import argparse
import os
import signal
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import mapbox_vector_tile
import mercantile

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import measuring_env  # noqa: E402

measuring_env()
LAYERS = {  # our layer id -> (tipg collection, the public columns tipg is asked for)
    "buildings": ("public.layers_building",
                  "street,house_number,name,use,floors,apartments,year_built,yard_id,district_id"),
    "yards": ("public.layers_yard", "name,area_m2,paving_state,last_works_on,last_works,ksk_id,district_id"),
    "network_segments": ("public.layers_networksegment", "kind,material,diameter_mm,year_laid,status,operator_id"),
    "appeals": ("public.layers_appeal", "number,category,incident_type,status,channel,registered_at,due_at,"
                                        "closed_at,executor_id,district_id"),
}
ZOOMS = (10, 12, 14, 16)
CENTRE = (69.155, 54.872)
CORE = (69.10, 54.850, 69.21, 54.895)


def pick_tiles(z: int, n: int) -> list[tuple[int, int, int]]:
    tiles = list(mercantile.tiles(*CORE, [z]))
    c = mercantile.tile(*CENTRE, z)
    tiles.sort(key=lambda t: (t.x - c.x) ** 2 + (t.y - c.y) ** 2)
    return [(t.z, t.x, t.y) for t in tiles[:n]]


SERVER_MS: list[float] = []


def get(url: str, gzip: bool = False) -> tuple[float, bytes]:
    """One request; the cached path is asked the way browsers ask (gzip), the rest uncompressed.
    Our Server-Timing header (time inside the view) is kept in SERVER_MS."""
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip"} if gzip else {})
    t0 = time.perf_counter()
    with urllib.request.urlopen(req, timeout=600) as resp:
        data = resp.read()
        timing = resp.headers.get("Server-Timing", "")
    if "dur=" in timing:
        SERVER_MS.append(float(timing.rsplit("dur=", 1)[1]))
    return (time.perf_counter() - t0) * 1000, data


def wait(url: str, proc: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server for {url} exited; see its log")
        try:
            urllib.request.urlopen(url, timeout=5).read()
            return
        except Exception:
            time.sleep(0.5)
    raise SystemExit(f"{url} did not answer in {seconds} s")


def start(cmd: list[str], env: dict, log: str) -> subprocess.Popen:
    return subprocess.Popen(cmd, env={**os.environ, **env}, stdout=open(log, "w"), stderr=subprocess.STDOUT,
                            cwd=ROOT, start_new_session=True)


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=30)


def features(data: bytes) -> int:
    """Features in a tile; an aggregated cell counts the appeals in it."""
    total = 0
    for layer in mapbox_vector_tile.decode(data).values():
        for f in layer["features"]:
            total += f["properties"].get("count", 1) if "count" in f["properties"] else 1
    return total


def p(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tipg-venv", help="a venv with tipg and uvicorn installed")
    ap.add_argument("--tiles", type=int, default=6, help="tiles per zoom (nearest the centre)")
    ap.add_argument("--repeat", type=int, default=3, help="uncached requests per tile")
    ap.add_argument("--cached-requests", type=int, default=300)
    ap.add_argument("--layers", default=",".join(LAYERS))
    ap.add_argument("--zooms", default=",".join(map(str, ZOOMS)))
    args = ap.parse_args()
    db = os.environ.get("QALA_PG_DB", "qala")
    if db == "qala":
        raise SystemExit("set QALA_PG_DB to a benchmark database (see the docstring), not the dev database")
    gunicorn = str(ROOT / ".venv/bin/gunicorn")
    base = ["--workers", "1", "--worker-class", "sync", "--timeout", "600", "gis.wsgi:application"]
    servers = {
        "uncached": start([gunicorn, "--bind", "127.0.0.1:8602", *base],
                          {"QALA_TILE_MEMORY_MB": "0", "QALA_TILE_DISK_CACHE": "false"},
                          "/tmp/tiles_bench_uncached.log"),
        "cached": start([gunicorn, "--bind", "127.0.0.1:8603", *base],
                        {"QALA_TILE_DISK_CACHE": "false"}, "/tmp/tiles_bench_cached.log"),
    }
    urls = {"uncached": "http://127.0.0.1:8602", "cached": "http://127.0.0.1:8603"}
    if args.tipg_venv:
        servers["tipg"] = start(
            [f"{args.tipg_venv}/bin/uvicorn", "--app-dir", "bench", "tiles_tipg:app", "--host", "127.0.0.1",
             "--port", "8601", "--workers", "1", "--no-access-log"],
            {"TIPG_PG_SOCKET_DIR": str(ROOT / "var/pg/run"), "TIPG_MAX_FEATURES_PER_TILE": "100000000",
             "DATABASE_URL": f"postgresql://qala@localhost:54329/{db}"}, "/tmp/tiles_bench_tipg.log")
        urls["tipg"] = "http://127.0.0.1:8601"
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    try:
        for name, url in urls.items():
            wait(url + ("/collections" if name == "tipg" else "/tiles/buildings.json"), servers[name])
        rows = []
        for layer in args.layers.split(","):
            collection, props = LAYERS[layer]
            for z in map(int, args.zooms.split(",")):
                tiles = pick_tiles(z, args.tiles)
                ours, theirs, sizes, tsizes, nf, tnf = [], [], [], [], 0, 0
                for tz, tx, ty in tiles:
                    for _ in range(args.repeat):
                        ms, data = get(f"{urls['uncached']}/tiles/{layer}/{tz}/{tx}/{ty}.mvt")
                        ours.append(ms)
                    sizes.append(len(data))
                    nf += features(data) if data else 0
                    if "tipg" in urls:
                        for _ in range(args.repeat):
                            ms, tdata = get(f"{urls['tipg']}/collections/{collection}/tiles/WebMercatorQuad/"
                                            f"{tz}/{tx}/{ty}?limit=100000000&geom-column=geom&properties={props}")
                            theirs.append(ms)
                        tsizes.append(len(tdata))
                        tnf += features(tdata) if tdata else 0
                cached_urls = [f"{urls['cached']}/tiles/{layer}/{tz}/{tx}/{ty}.mvt" for tz, tx, ty in tiles]
                for u in cached_urls:
                    get(u)  # warm
                SERVER_MS.clear()
                cached = [get(cached_urls[i % len(cached_urls)], gzip=True)[0] for i in range(args.cached_requests)]
                server = list(SERVER_MS)
                rows.append((layer, z, len(tiles), statistics.mean(sizes) / 1024, nf,
                             statistics.median(ours), 1000 * len(ours) / sum(ours),
                             statistics.median(theirs) if theirs else None,
                             statistics.mean(tsizes) / 1024 if tsizes else None, tnf,
                             p(cached, 0.5), p(cached, 0.99), p(server, 0.99)))
                print_row(rows[-1], header=len(rows) == 1)
        return 0
    finally:
        for proc in servers.values():
            stop(proc)


def print_row(r, header=False):
    if header:
        print(f"{'layer':17} {'z':>2} {'tiles':>5} | {'ours KB':>8} {'feat':>8} {'unc ms':>8} {'tiles/s':>8} | "
              f"{'tipg ms':>8} {'tipg KB':>8} {'feat':>8} {'ratio':>6} | {'cache p50':>9} {'p99':>6} {'view p99':>8}")
        print("(ms are medians over HTTP; ratio = tipg ms / ours; 'empty' = below the layer's min_zoom, "
              "served as an empty tile by design, so no ratio)")
    layer, z, n, kb, nf, med, tps, tmed, tkb, tnf, c50, c99, s99 = r
    ratio = f"{tmed / med:5.2f}x" if nf else " empty"
    tipg = (f"{tmed:8.1f} {tkb:8.1f} {tnf:8d} {ratio}" if tmed is not None
            else f"{'-':>8} {'-':>8} {'-':>8} {'-':>6}")
    print(f"{layer:17} {z:>2} {n:>5} | {kb:8.1f} {nf:8d} {med:8.1f} {tps:8.1f} | {tipg} | "
          f"{c50:9.2f} {c99:6.2f} {s99:8.2f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
