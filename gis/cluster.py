"""The embedded PostGIS: a private PostgreSQL cluster under var/pg.

It exists so that a newcomer needs nothing but `make run`. With DATABASE_URL set
none of this runs and Qala talks to that server instead.
"""
from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import time
from pathlib import Path

from gis import config


class ClusterError(RuntimeError):
    """The embedded cluster could not be created or started."""


def pg_bin(tool: str) -> str:
    """PostgreSQL's own tool (initdb, pg_ctl, pg_dump …), the server's version first."""
    for version in ("15", "16", "17"):
        path = Path(f"/usr/lib/postgresql/{version}/bin/{tool}")
        if path.exists():
            return str(path)
    found = shutil.which(tool)
    if not found:
        raise ClusterError(
            f"PostgreSQL's {tool} is not installed; run `make run` as root or "
            "`apt-get install postgresql-15-postgis-3`."
        )
    return found


def _as_owner(cmd: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run its tools as the `postgres` user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *cmd]
    return cmd


def _run(cmd: list[str], **kw) -> subprocess.CompletedProcess:
    res = subprocess.run(_as_owner(cmd), capture_output=True, text=True, **kw)
    if res.returncode != 0:
        raise ClusterError(f"{' '.join(cmd)} failed:\n{res.stdout}{res.stderr}")
    return res


def data_dir() -> Path:
    return config.VAR_DIR / "pg" / "data"


def socket_dir() -> Path:
    return config.VAR_DIR / "pg" / "run"


def log_file() -> Path:
    return config.VAR_DIR / "pg" / "postgres.log"


def _chown_for_postgres(path: Path) -> None:
    if os.geteuid() != 0:
        return
    pw = pwd.getpwnam("postgres")
    for p in [path, *path.rglob("*")]:
        os.chown(p, pw.pw_uid, pw.pw_gid)
    # the postgres user must be able to reach var/ through its parents
    for parent in path.parents:
        if parent == Path("/"):
            break
        mode = parent.stat().st_mode
        if not mode & 0o001:
            os.chmod(parent, mode | 0o001)


def is_running() -> bool:
    res = subprocess.run(
        [pg_bin("pg_isready"), "-h", str(socket_dir()), "-p", str(config.PG_PORT)],
        capture_output=True,
    )
    return res.returncode == 0


def init() -> bool:
    """Create the cluster once; returns True when it was created now."""
    if (data_dir() / "PG_VERSION").exists():
        return False
    base = config.VAR_DIR / "pg"
    base.mkdir(parents=True, exist_ok=True)
    socket_dir().mkdir(parents=True, exist_ok=True)
    data_dir().mkdir(parents=True, exist_ok=True)
    _chown_for_postgres(base)
    _run([
        pg_bin("initdb"), "-D", str(data_dir()), "-U", config.PG_USER,
        "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8",
    ])
    with open(data_dir() / "postgresql.conf", "a") as conf:
        conf.write(
            "\n# Qala embedded defaults\n"
            "listen_addresses = ''\n"
            f"unix_socket_directories = '{socket_dir()}'\n"
            f"port = {config.PG_PORT}\n"
            "shared_buffers = 512MB\n"
            "work_mem = 32MB\n"
            "maintenance_work_mem = 512MB\n"
            "max_wal_size = 4GB\n"
            "fsync = on\n"
        )
    return True


def start() -> None:
    """Create (first time) and start the cluster, then make sure the database exists."""
    init()
    if not is_running():
        # a stale pid file after a crash would stop pg_ctl from starting
        pid = data_dir() / "postmaster.pid"
        if pid.exists():
            pid.unlink()
        _run([pg_bin("pg_ctl"), "-D", str(data_dir()), "-l", str(log_file()), "-w", "-t", "60", "start"])
    for _ in range(60):
        if is_running():
            break
        time.sleep(0.5)
    else:
        raise ClusterError(f"PostgreSQL did not come up; see {log_file()}")
    _ensure_database()


def stop() -> None:
    if (data_dir() / "PG_VERSION").exists() and is_running():
        _run([pg_bin("pg_ctl"), "-D", str(data_dir()), "-m", "fast", "-w", "stop"])


def _psql(sql: str, db: str = "postgres") -> str:
    res = subprocess.run(
        [pg_bin("psql"), "-h", str(socket_dir()), "-p", str(config.PG_PORT), "-U", config.PG_USER,
         "-d", db, "-tAc", sql],
        capture_output=True, text=True,
    )
    if res.returncode != 0:
        raise ClusterError(res.stderr)
    return res.stdout.strip()


def _ensure_database() -> None:
    if _psql(f"SELECT 1 FROM pg_database WHERE datname = '{config.PG_DB}'") != "1":
        _psql(f'CREATE DATABASE "{config.PG_DB}"')
    _psql("CREATE EXTENSION IF NOT EXISTS postgis", db=config.PG_DB)


def ensure() -> None:
    """Start the embedded cluster unless DATABASE_URL points elsewhere."""
    if not config.DATABASE_URL:
        start()
