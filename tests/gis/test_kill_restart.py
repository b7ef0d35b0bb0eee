"""SIGKILL of the whole server under load: no appeal whose number a client got is lost, none doubled.

A short run of bench/load_test.py (10 operators retrying with their Idempotency-Key, a few map
viewers) against the test database; the outcome is checked here again, in the database.
"""
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from layers.appeals import Appeal
from tests.conftest import qala_subprocess_env

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def own_numbering():
    """The server's appeals are committed: drop this year's number sequence after, so other tests'
    numbering starts at 000001 as ever."""
    yield
    years = {dt.date.today().year + d for d in (-1, 0, 1)}
    with connection.cursor() as cur:
        for year in years:
            cur.execute(f"DROP SEQUENCE IF EXISTS qala_appeal_number_{int(year)}")


@pytest.mark.django_db(transaction=True)
def test_no_appeal_is_lost_or_doubled_when_the_server_is_killed(tmp_path, own_numbering):
    outcome_file = tmp_path / "outcome.json"
    run = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "load_test.py"), "--db", connection.settings_dict["NAME"],
         "--no-create-db", "--no-migrate", "--no-demo", "--duration", "14", "--operators", "10", "--viewers", "10",
         "--workers", "2", "--kill-at", "0.4", "--think", "0.1", "0.3", "--grace", "120",
         "--log", str(tmp_path / "server.log"), "--json", str(outcome_file)],
        env=qala_subprocess_env(), cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    outcome = json.loads(outcome_file.read_text())

    assert outcome["outage"]["down_s"] > 0
    create_errors = outcome["errors"].get("create", {})
    assert create_errors.get("refused", 0) + create_errors.get("dropped", 0) > 0, "the kill was never felt"
    assert outcome["unresolved"] == 0

    numbers = outcome["numbers"]  # "<token id>:<key>" -> the number the client was given
    assert len(numbers) >= 10
    stored = dict(Appeal.objects.filter(request_key__isnull=False).values_list("request_key", "number"))
    lost = [n for key, n in numbers.items() if stored.get(f"token{key}") != n]
    assert lost == []
    assert len(set(numbers.values())) == len(numbers)
    assert Appeal.objects.count() == len(stored) == len(numbers)  # one appeal per key, none unacknowledged
