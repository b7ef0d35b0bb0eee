"""Run tipg against a PostgreSQL that listens only on a unix socket (as the embedded cluster does).

tipg validates DATABASE_URL as a URL with a host; asyncpg itself takes a socket folder as
`host`, so this launcher passes it through. Used by bench/tiles_bench.py, in tipg's own venv:
    TIPG_PG_SOCKET_DIR=var/pg/run DATABASE_URL=postgresql://qala@localhost:54329/DB \
        /tmp/tipg-venv/bin/uvicorn --app-dir bench tiles_tipg:app --port 8601
"""
import os

import asyncpg

_create_pool = asyncpg.create_pool


def create_pool(dsn, **kwargs):
    return _create_pool(dsn, host=os.environ["TIPG_PG_SOCKET_DIR"], port=int(os.environ.get("TIPG_PG_PORT", "54329")),
                        **kwargs)


asyncpg.create_pool = create_pool

from tipg.main import app  # noqa: E402  (after the patch)

__all__ = ["app"]
