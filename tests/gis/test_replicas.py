"""A real primary and a real streaming replica from Debian's PostgreSQL on 127.0.0.1:
reads of read-only requests are served by the replica, writes go to the primary and
are visible on the replica after replication."""
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
import uuid
from pathlib import Path

import pytest

from gis import cluster, config

QALA = str(Path(sys.executable).parent / "qala")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pg(*cmd: str) -> str:
    res = subprocess.run(cluster._as_owner([cluster.pg_bin(cmd[0]), *cmd[1:]]), capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr
    return res.stdout


@pytest.fixture(scope="module")
def primary_and_replica():
    base = config.VAR_DIR / "replication-test" / uuid.uuid4().hex[:8]
    primary, standby = base / "primary", base / "standby"
    base.mkdir(parents=True)
    cluster._chown_for_postgres(base)
    p1, p2 = free_port(), free_port()
    pg("initdb", "-D", str(primary), "-U", "qala", "--auth=trust", "--locale=C.UTF-8")
    opts = f"-c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c wal_level=replica -c max_wal_senders=4"
    pg("pg_ctl", "-D", str(primary), "-l", str(base / "primary.log"), "-w", "-o", f"-p {p1} {opts}", "start")
    try:
        pg("psql", "-h", "127.0.0.1", "-p", str(p1), "-U", "qala", "-d", "postgres", "-c", "CREATE DATABASE city")
        pg("psql", "-h", "127.0.0.1", "-p", str(p1), "-U", "qala", "-d", "city", "-c", "CREATE EXTENSION postgis")
        primary_url = f"postgis://qala@127.0.0.1:{p1}/city"
        env = {**os.environ, "DATABASE_URL": primary_url}
        res = subprocess.run([QALA, "migrate", "--verbosity", "0"], env=env, capture_output=True, text=True)
        assert res.returncode == 0, res.stderr
        pg("pg_basebackup", "-h", "127.0.0.1", "-p", str(p1), "-U", "qala", "-D", str(standby), "-R", "-X", "stream",
           "--checkpoint=fast")
        pg("pg_ctl", "-D", str(standby), "-l", str(base / "standby.log"), "-w", "-o", f"-p {p2} {opts}", "start")
        yield primary_url, f"postgis://qala@127.0.0.1:{p2}/city"
    finally:
        for d in (standby, primary):
            if (d / "postmaster.pid").exists():
                subprocess.run(cluster._as_owner([cluster.pg_bin("pg_ctl"), "-D", str(d), "-m", "immediate",
                                                  "stop"]), capture_output=True)
        shutil.rmtree(base, ignore_errors=True)


SCRIPT = textwrap.dedent("""
    import json, time
    from django.contrib.gis.geos import Point
    from django.db import connections
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from gis.replicas import read_only
    from layers.cameras import Camera

    out = {}
    with connections["replica"].cursor() as c:
        c.execute("SELECT pg_is_in_recovery()"); out["replica_in_recovery"] = c.fetchone()[0]
    with connections["default"].cursor() as c:
        c.execute("SELECT pg_is_in_recovery()"); out["primary_in_recovery"] = c.fetchone()[0]
    cam = Camera.objects.create(source_id="replication-probe", geom=Point(69.15, 54.87, srid=4326))
    out["write_db"] = cam._state.db
    with read_only():
        out["read_db"] = Camera.objects.all().db
        deadline = time.time() + 20
        while not Camera.objects.filter(source_id="replication-probe").exists():
            assert time.time() < deadline, "the write never reached the replica"
            time.sleep(0.1)
        out["seen_on_replica_after_s"] = round(20 - (deadline - time.time()), 2)
    out["plain_read_db"] = Camera.objects.all().db
    with CaptureQueriesContext(connections["replica"]) as rq, CaptureQueriesContext(connections["default"]) as pq:
        status = Client().get("/api/search", {"q": "Жамбыла 15"}).status_code
    # the rate limiter's counter is a write, on the primary by design (gis/ratelimit.py)
    out["search"] = [status, len(rq), len([q for q in pq if "qala_ratecounter" not in q["sql"]])]
    with CaptureQueriesContext(connections["replica"]) as rq:
        Client().get("/admin/login/")
    out["admin_on_replica"] = len(rq)
    print("RESULT" + json.dumps(out))
""")


def test_reads_go_to_the_replica_and_writes_reach_it(primary_and_replica):
    primary_url, replica_url = primary_and_replica
    env = {**os.environ, "DATABASE_URL": primary_url, "QALA_REPLICA_URL": replica_url}
    res = subprocess.run([QALA, "shell", "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stdout + res.stderr
    import json
    out = json.loads(res.stdout.split("RESULT", 1)[1])
    assert out["replica_in_recovery"] is True and out["primary_in_recovery"] is False
    assert out["write_db"] == "default"
    assert out["read_db"] == "replica"
    assert out["plain_read_db"] == "default"  # outside a read-only request: the primary
    status, replica_queries, primary_queries = out["search"]
    assert status == 200 and replica_queries > 0 and primary_queries == 0
    assert out["admin_on_replica"] == 0
