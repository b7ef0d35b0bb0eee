"""Whole-city backups with PostgreSQL's own tools (pg_dump custom format, pg_restore).

The dump holds everything: layers, appeal history, outbox, users. A restore goes
into a database that must not hold a city already, unless --replace is given, so a
mistyped restore cannot silently merge two cities.
"""
from __future__ import annotations

import os
import subprocess
from pathlib import Path

from django.db import connections

from gis.cluster import ClusterError, pg_bin
from gis.errors import QalaError


class BackupError(QalaError):
    code = "backup-failed"


def _tool(name: str) -> str:
    try:
        return pg_bin(name)
    except ClusterError as exc:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client-15).") from exc


def _conn_args(alias: str = "default", dbname: str | None = None) -> tuple[list[str], dict]:
    s = connections[alias].settings_dict
    args = ["--dbname", dbname or s["NAME"]]
    if s.get("HOST"):
        args += ["--host", s["HOST"]]
    if s.get("PORT"):
        args += ["--port", str(s["PORT"])]
    if s.get("USER"):
        args += ["--username", s["USER"]]
    env = dict(os.environ)
    if s.get("PASSWORD"):
        env["PGPASSWORD"] = s["PASSWORD"]
    return args, env


def backup(out: str | Path, alias: str = "default") -> Path:
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_suffix(out.suffix + ".partial")
    args, env = _conn_args(alias)
    res = subprocess.run([_tool("pg_dump"), "--format=custom", "--no-owner", "--file", str(tmp), *args],
                         capture_output=True, text=True, env=env)
    if res.returncode != 0:
        tmp.unlink(missing_ok=True)
        raise BackupError(f"pg_dump failed: {res.stderr.strip()}")
    tmp.replace(out)  # a backup file is either whole or absent
    return out


def restore(path: str | Path, alias: str = "default", dbname: str | None = None, replace: bool = False) -> None:
    path = Path(path)
    if not path.is_file() or path.stat().st_size == 0:
        raise BackupError(f"{path}: no such backup file, or it is empty.")
    args, env = _conn_args(alias, dbname)
    check = subprocess.run([_tool("pg_restore"), "--list", str(path)], capture_output=True, text=True)
    if check.returncode != 0:
        raise BackupError(f"{path} is not a Qala backup (pg_dump custom format): {check.stderr.strip()}")
    cmd = [_tool("pg_restore"), "--no-owner", "--exit-on-error", "--single-transaction", *args]
    if replace:
        cmd += ["--clean", "--if-exists"]
    res = subprocess.run([*cmd, str(path)], capture_output=True, text=True, env=env)
    if res.returncode != 0:
        hint = "" if replace else " (the database already holds a city? use --replace)"
        raise BackupError(f"pg_restore failed{hint}: {res.stderr.strip()[:2000]}")
