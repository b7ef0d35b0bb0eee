"""Rate limits by client IP on the public endpoints, answered with 429 and Retry-After.

Counters live in PostgreSQL (the UNLOGGED qala_ratecounter table), not in a process's
memory, so every gunicorn worker (and every app server) counts against the same budget.
A fixed window costs one round trip a request: an upsert returning the new count. Expired
windows are deleted at most once a window per process. Signed-in staff (session or API
token) are not limited: they are few, known, and a GIS client pages fast.
"""
from __future__ import annotations

import ipaddress
import logging
import math
import time
from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.db import DatabaseError, connections

from gis.errors import PROBLEM_JSON, PROBLEM_SCHEMA, QalaError, problem_response

UPSERT = ("INSERT INTO qala_ratecounter AS c (key, hits, expires_at) VALUES (%s, 1, to_timestamp(%s)) "
          "ON CONFLICT (key) DO UPDATE SET hits = c.hits + 1 RETURNING hits")
PRUNE = "DELETE FROM qala_ratecounter WHERE expires_at < now()"
UNLIMITED_PREFIXES = ("/health", "/ready", "/static/")
API_PREFIXES = ("/ogc/", "/open311/", "/api/search", "/api/here")
LOGIN_PATHS = ("/login/", "/admin/login/")

_next_prune = 0.0
logger = logging.getLogger(__name__)


class RateLimited(QalaError):
    status = 429
    code = "too-many-requests"


@dataclass(frozen=True)
class Window:
    """The fixed window `now` falls in: its number and the seconds left in it."""

    seconds: int
    index: int
    left: int

    @classmethod
    def at(cls, now: float, seconds: int) -> "Window":
        index = int(now // seconds)
        return cls(seconds, index, max(1, math.ceil((index + 1) * seconds - now)))

    def key(self, name: str) -> str:
        return f"{name}:{self.seconds}:{self.index}"[:200]

    @property
    def expires(self) -> int:
        return (self.index + 1) * self.seconds


def now() -> float:
    """The clock windows are cut from (a function, so a test can move it)."""
    return time.time()


def hit(name: str, seconds: int) -> tuple[int, Window]:
    """Count one hit of `name` in the current window; the count so far, this one included."""
    global _next_prune
    t = now()
    window = Window.at(t, seconds)
    with connections["default"].cursor() as cur:
        if t >= _next_prune:
            _next_prune = t + seconds
            cur.execute(PRUNE)
        cur.execute(UPSERT, [window.key(name), window.expires])
        return cur.fetchone()[0], window


def hits(names: list[str], seconds: int) -> tuple[dict[str, int], Window]:
    """The counts of `names` in the current window, without counting."""
    window = Window.at(now(), seconds)
    keys = {window.key(n): n for n in names}
    with connections["default"].cursor() as cur:
        cur.execute("SELECT key, hits FROM qala_ratecounter WHERE key = ANY(%s)", [list(keys)])
        found = dict(cur.fetchall())
    return {n: found.get(k, 0) for k, n in keys.items()}, window


def forget(name: str, seconds: int) -> None:
    window = Window.at(now(), seconds)
    with connections["default"].cursor() as cur:
        cur.execute("DELETE FROM qala_ratecounter WHERE key = %s", [window.key(name)])


@lru_cache(maxsize=16)
def _networks(proxies: tuple[str, ...]) -> tuple:
    return tuple(ipaddress.ip_network(p, strict=False) for p in proxies)


def parse_ip(text: str):
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


def client_ip(request) -> str:
    """REMOTE_ADDR; behind a trusted proxy, the last X-Forwarded-For hop that is not one of ours
    (the hops left of it were written by the client and prove nothing)."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    trusted = _networks(tuple(settings.QALA_TRUSTED_PROXIES))
    addr = parse_ip(remote)
    if not trusted or addr is None or not any(addr in net for net in trusted):
        return remote
    for hop in reversed(request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")):
        ip = parse_ip(hop)
        if ip is None:
            return remote
        if not any(ip in net for net in trusted):
            return str(ip)
    return remote


def group_of(request) -> str | None:
    """Which budget a request spends: tiles, api, login, pages; None for health checks and static files."""
    path = request.path
    if path.startswith(UNLIMITED_PREFIXES):
        return None
    if path.startswith("/tiles/") or (path.startswith("/ogc/") and "/tiles" in path):
        return "tiles"
    if path.startswith(API_PREFIXES):
        return "api"
    if path in LOGIN_PATHS and request.method == "POST":
        return "login"
    return "pages"


def is_staff(user) -> bool:
    from gis.workflow.roles import roles_of

    return bool(user.is_authenticated and user.is_active and (user.is_staff or roles_of(user)))


class RateLimitMiddleware:
    """After authentication (session and token), before any view work."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        group = group_of(request)
        limits = settings.QALA_RATE_LIMITS
        limit = limits.get(group, 0) if group else 0
        if limit > 0 and not is_staff(request.user):
            try:
                count, window = hit(f"{group}:{client_ip(request)}", limits["window"])
            except DatabaseError as exc:  # e.g. not migrated yet: serve (and /ready says why), do not fail
                logger.warning("request not counted for rate limits: %s", str(exc).splitlines()[0])
                return self.get_response(request)
            if count > limit:
                response = problem_response(RateLimited(
                    f"more than {limit} requests in {window.seconds} s from your address; "
                    f"try again in {window.left} s", retry_after=window.left))
                response["Retry-After"] = str(window.left)
                return response
        return self.get_response(request)


def rate_limited(paths: dict) -> dict:
    """OpenAPI: every operation may answer 429 to a client over its address's limit, a problem
    document with Retry-After (signed-in staff are not limited)."""
    too_many = {"description": "too many requests from this address (RFC 9457 problem)",
                "headers": {"Retry-After": {"schema": {"type": "integer"}, "description": "seconds"}},
                "content": {PROBLEM_JSON: {"schema": PROBLEM_SCHEMA}}}
    for item in paths.values():
        for op in item.values():
            op["responses"]["429"] = too_many
    return paths
