"""The worker folds the dashboard's rollup deltas each round, so they never pile up unread."""
import subprocess
import sys
from pathlib import Path

from django.contrib.gis.geos import Point
from django.db import connection
from django.utils import timezone

from gis.workflow import rollup
from layers.appeals import Appeal
from tests.conftest import qala_subprocess_env

QALA = str(Path(sys.executable).with_name("qala"))


def appeal(number: str, category: str = "roads") -> Appeal:
    return Appeal.objects.create(number=number, category=category, registered_at=timezone.now(),
                                 geom=Point(69.15, 54.87, srid=4326))


def pending_and_today():
    with connection.cursor() as cur:
        cur.execute("SELECT count(*) FROM qala_appeal_rollup_delta")
        pending = cur.fetchone()[0]
        cur.execute("SELECT coalesce(sum(n), 0) FROM qala_appeal_rollup_days WHERE day = %s", [timezone.localdate()])
        return pending, cur.fetchone()[0]


def test_a_worker_round_folds_the_deltas(transactional_db):
    for i in range(3):
        appeal(f"T-{i}")
    pending, today = pending_and_today()
    assert pending > 0 and today == 0
    done = subprocess.run([QALA, "worker", "--once"], env=qala_subprocess_env(QALA_LOG_LEVEL="WARNING"),
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert pending_and_today() == (0, 3)


def test_fold_returns_what_it_folded(transactional_db):
    appeal("T-9")
    assert rollup.fold() > 0
    assert rollup.fold() == 0 and pending_and_today() == (0, 1)


def vacuums_of_the_deltas() -> int:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_stat_clear_snapshot()")
        cur.execute("SELECT vacuum_count FROM pg_stat_user_tables WHERE relname = 'qala_appeal_rollup_delta'")
        return cur.fetchone()[0]


def test_a_large_fold_vacuums_the_deltas_a_small_one_does_not(transactional_db, monkeypatch):
    monkeypatch.setattr(rollup, "VACUUM_AFTER", 4)  # a bulk import in miniature: one appeal folds 3 rows
    before = vacuums_of_the_deltas()
    appeal("T-20")
    assert rollup.fold() == 3 and vacuums_of_the_deltas() == before
    for i in range(3):
        appeal(f"T-3{i}", category=f"cat{i}")
    assert rollup.fold() >= 4 and vacuums_of_the_deltas() == before + 1
