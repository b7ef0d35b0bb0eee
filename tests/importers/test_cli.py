"""The real `qala` command in a subprocess: one-line errors, and kill -9 mid-import."""
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest
from django.db import connection

from importers.pipeline import ImportOptions, run_import
from tests.conftest import qala_subprocess_env

QALA = str(Path(sys.executable).with_name("qala"))


def qala(*args, **kw):
    return subprocess.Popen([QALA, *map(str, args)], env=qala_subprocess_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, **kw)


def appeals_csv(path: Path, rows: int) -> Path:
    rng = np.random.default_rng(109)
    lon = rng.uniform(69.0, 69.3, rows).round(6)
    lat = rng.uniform(54.8, 54.95, rows).round(6)
    with open(path, "w") as f:
        f.write("number,category,registered_at,lon,lat\n")
        for i in range(rows):
            f.write(f"109-{i:07d},heating,2026-01-05 10:00,{lon[i]},{lat[i]}\n")
    return path


@pytest.mark.django_db
def test_cli_error_is_one_line_and_exit_code_2(tmp_path):
    (tmp_path / "empty.geojson").write_bytes(b"")
    proc = qala("import", tmp_path / "empty.geojson", "--layer", "buildings")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 2
    assert err.strip() == "CommandError: empty.geojson is empty (0 bytes)"


@pytest.mark.django_db
def test_cli_dry_run_prints_the_report(tmp_path):
    path = appeals_csv(tmp_path / "a.csv", 5)
    proc = qala("import", path, "--layer", "appeals", "--dry-run", "--verbosity", "0")
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, err
    assert "5 would be inserted, 0 updated, 0 unchanged" in out
    assert "[dry run: nothing written]" in out


def _backends(pattern):
    with connection.cursor() as cur:
        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid() AND query LIKE %s", [pattern])
        return [r[0] for r in cur.fetchall()]


@pytest.mark.django_db(transaction=True)
def test_kill_9_mid_import_leaves_no_partial_rows(tmp_path):
    path = appeals_csv(tmp_path / "big.csv", 40_000)
    proc = qala("import", path, "--layer", "appeals", "--batch-size", "500", "--verbosity", "0")
    deadline = time.monotonic() + 60
    while not _backends("COPY qala_staging%"):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, "the import never started copying"
        time.sleep(0.02)
    time.sleep(0.3)  # several batches staged
    assert proc.poll() is None, "the import finished before it could be killed; make the file bigger"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 30
    while _backends("%qala_staging%") or _backends("%qala_checked%") or _backends("%layers_appeal%"):
        assert time.monotonic() < deadline, "the killed import's session did not end"
        time.sleep(0.1)
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM layers_appeal")
        assert cur.fetchone()[0] == 0
    # nothing was left locked or half-made: the same file now imports whole
    report = run_import(path, ImportOptions(layer="appeals", report=str(tmp_path / "r.csv")))
    assert (report.inserted, report.rejected) == (40_000, 0)
