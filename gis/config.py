"""Typed settings read from the environment, with safe defaults, in one place.

gis/settings.py (Django) and the bootstrap code both read from here, so the
cluster can be started before Django is configured.
"""
from __future__ import annotations

import os
from pathlib import Path


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name} must be a whole number, got {raw!r}") from None


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    if raw.lower() in {"1", "true", "yes", "on"}:
        return True
    if raw.lower() in {"0", "false", "no", "off"}:
        return False
    raise SystemExit(f"{name} must be true or false, got {raw!r}")


def env_floats(name: str, default: tuple[float, ...]) -> tuple[float, ...]:
    raw = os.environ.get(name)
    if not raw:
        return default
    try:
        return tuple(float(v) for v in raw.split(","))
    except ValueError:
        raise SystemExit(f"{name} must be comma-separated numbers, got {raw!r}") from None


BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("QALA_VAR_DIR", str(BASE_DIR / "var"))).resolve()

DATABASE_URL = env_str("DATABASE_URL", "")
# a PostgreSQL streaming replica for read-only traffic (tiles, OGC reads, search)
REPLICA_URL = env_str("QALA_REPLICA_URL", "")
PG_PORT = env_int("QALA_PG_PORT", 54329)
PG_USER = env_str("QALA_PG_USER", "qala")
PG_DB = env_str("QALA_PG_DB", "qala")
# Seconds a worker keeps its database connection; 0 closes it after each request, -1 keeps it
# for the process's life (health-checked before each request). A fresh connection makes its
# first create ~30 ms slower (the new backend loads its caches and compiles the triggers):
# with 60 s, each worker thread paid it every minute, which was most of the create's p99.
DB_CONN_MAX_AGE = env_int("QALA_DB_CONN_MAX_AGE", -1)

DEBUG = env_bool("QALA_DEBUG", False)
HOST = env_str("QALA_HOST", "127.0.0.1")
PORT = env_int("QALA_PORT", 8000)
WORKERS = env_int("QALA_WORKERS", 3)

# The city served. Petropavl is the demo, not a special case: another city sets these.
CITY_NAME = env_str("QALA_CITY_NAME", "Petropavl")
# lon_min, lat_min, lon_max, lat_max in EPSG:4326; geometry outside is refused.
CITY_BBOX = env_floats("QALA_CITY_BBOX", (68.95, 54.78, 69.40, 54.97))
# projected CRS for metric work (areas, distances, buffers): UTM 42N for Petropavl
CITY_METRIC_SRID = env_int("QALA_CITY_METRIC_SRID", 32642)
CITY_CENTER = env_floats("QALA_CITY_CENTER", (69.15, 54.87))

# Tiles: on-disk cache folder, in-process cache size, deepest zoom served.
TILE_CACHE_DIR = Path(env_str("QALA_TILE_CACHE_DIR", str(VAR_DIR / "tiles"))).resolve()
TILE_DISK_CACHE = env_bool("QALA_TILE_DISK_CACHE", True)
TILE_MEMORY_MB = env_int("QALA_TILE_MEMORY_MB", 256)
TILE_MAX_ZOOM = env_int("QALA_TILE_MAX_ZOOM", 22)
# imported imagery (orthophotos) as cloud-optimized GeoTIFFs: data, not cache
RASTER_DIR = Path(env_str("QALA_RASTER_DIR", str(VAR_DIR / "rasters"))).resolve()

# Workflow: outgoing mail (dig-order notices) over SMTP, the worker's pace, paving weights.
# empty: no mail server yet, notices are written as .eml files under var/mail (the demo)
EMAIL_HOST = env_str("QALA_EMAIL_HOST", "")
EMAIL_PORT = env_int("QALA_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("QALA_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = env_str("QALA_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("QALA_EMAIL_TLS", False)
NOTICE_FROM = env_str("QALA_NOTICE_FROM", "109@qala.invalid")
WORKER_INTERVAL = env_int("QALA_WORKER_INTERVAL", 60)
PDF_FONT = env_str("QALA_PDF_FONT", "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
# paving queue: weights of apartments served, appeals about the yard, yard area (each scaled 0..1)
PAVING_WEIGHTS = env_floats("QALA_PAVING_WEIGHTS", (0.4, 0.4, 0.2))
# the paving plan: the top N of the queue are planned for this year (0: the current year)
PAVING_YEAR = env_int("QALA_PAVING_YEAR", 0)
PAVING_PER_YEAR = env_int("QALA_PAVING_PER_YEAR", 70)
# a KSK with complaints from more than this many distinct addresses in the period: signal
KSK_SIGNAL_ADDRESSES = env_int("QALA_KSK_SIGNAL_ADDRESSES", 10)

# Imports (importers/): a zip or gzip may unpack to at most this many MB, and a member over
# 16 MB may not be packed tighter than this ratio (real GIS files 5-20x, a zip bomb ~1000x).
IMPORT_MAX_UNPACKED_MB = env_int("QALA_IMPORT_MAX_UNPACKED_MB", 4096)
IMPORT_MAX_RATIO = env_int("QALA_IMPORT_MAX_RATIO", 200)
# a request body (JSON, form) larger than this is refused with 413 before any view parses it
MAX_BODY_MB = env_int("QALA_MAX_BODY_MB", 5)

# Security (docs/security.md). Rate limits: requests per client IP per window, by endpoint group;
# 0 turns a group's limit off. Signed-in staff (session or API token) are not limited by IP.
RATE_WINDOW = env_int("QALA_RATE_WINDOW", 60)
RATE_TILES = env_int("QALA_RATE_TILES", 6000)  # /tiles/ and OGC tiles: a map pans in bursts
RATE_API = env_int("QALA_RATE_API", 600)  # /ogc/, /open311/, /api/search, /api/here
RATE_PAGES = env_int("QALA_RATE_PAGES", 300)  # public web pages and everything else
RATE_LOGIN = env_int("QALA_RATE_LOGIN", 30)  # login form posts
# proxies (IPs or CIDR ranges) whose X-Forwarded-For is believed; empty: REMOTE_ADDR only
TRUSTED_PROXIES = tuple(p.strip() for p in env_str("QALA_TRUSTED_PROXIES", "").split(",") if p.strip())
# login throttling: this many failed logins for one user name (or from one IP) in the window lock it out
LOGIN_FAILURES = env_int("QALA_LOGIN_FAILURES", 5)
LOGIN_IP_FAILURES = env_int("QALA_LOGIN_IP_FAILURES", 20)
LOGIN_WINDOW = env_int("QALA_LOGIN_WINDOW", 900)
# origins (https://host) allowed to read the public read-only APIs from a browser; "*" any; empty: no CORS
CORS_ORIGINS = tuple(o.strip().rstrip("/") for o in env_str("QALA_CORS_ORIGINS", "").split(",") if o.strip())
# "json": one JSON object per line (for a log collector); "text": plain lines for a terminal
LOG_FORMAT = env_str("QALA_LOG_FORMAT", "json")
