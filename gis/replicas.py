"""Read replicas: read-only traffic goes to a PostgreSQL streaming replica, every write
(and every read in a request that writes) to the primary.

Only GET/HEAD requests under the read-only prefixes (OGC, search, "what is here") are
routed to the replica; tiles stay on the primary, whose change log keeps their cache exact; an operator registering an appeal reads their own write
from the primary. Commands and the worker always use the primary.
"""
from __future__ import annotations

from contextvars import ContextVar

from django.conf import settings

REPLICA = "replica"
_read_only: ContextVar[bool] = ContextVar("qala_read_only", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        if _read_only.get() and REPLICA in settings.DATABASES:
            return REPLICA
        return "default"

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the same database

    def allow_migrate(self, db, app_label, **hints):
        return db == "default"


class ReadOnlyRequestMiddleware:
    """Marks safe requests to read-only endpoints so the router may send them to the replica."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.prefixes = tuple(settings.QALA_REPLICA_READ_PREFIXES)

    def __call__(self, request):
        read_only = request.method in ("GET", "HEAD") and request.path.startswith(self.prefixes)
        token = _read_only.set(read_only)
        try:
            return self.get_response(request)
        finally:
            _read_only.reset(token)


class read_only:
    """`with read_only():` routes the reads inside to the replica (for jobs that only read)."""

    def __enter__(self):
        self._token = _read_only.set(True)

    def __exit__(self, *exc):
        _read_only.reset(self._token)


def reading_connection():
    """The connection raw-SQL readers (search, OGC items) should use."""
    from django.db import connections

    if _read_only.get() and REPLICA in settings.DATABASES:
        return connections[REPLICA]
    return connections["default"]
