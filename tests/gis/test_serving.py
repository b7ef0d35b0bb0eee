"""The production server: gunicorn workers answer, health and readiness say the truth."""
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

QALA = str(Path(sys.executable).parent / "qala")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.django_db
def test_health_and_ready(client):
    assert client.get("/health").json()["status"] == "ok"
    assert client.get("/ready").json() == {"status": "ready"}


def test_qala_serve_runs_gunicorn_workers():
    port = free_port()
    proc = subprocess.Popen([QALA, "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=dict(os.environ))
    try:
        deadline = time.time() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as resp:
                    assert resp.status == 200
                    break
            except OSError:
                if time.time() > deadline or proc.poll() is not None:
                    raise AssertionError(proc.stdout.read1().decode() if proc.stdout else "no output")
                time.sleep(0.3)
        out = subprocess.run(["pgrep", "-P", str(proc.pid)], capture_output=True, text=True).stdout.split()
        assert len(out) == 2, "two gunicorn workers under the master"
    finally:
        proc.terminate()
        proc.wait(timeout=30)
