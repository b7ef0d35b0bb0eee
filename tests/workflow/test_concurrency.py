"""Concurrent writers: one appeal accepted by two operators at once, numbers drawn in parallel."""
import threading

import pytest
from django.db import connection

from gis.workflow import appeals, lifecycle
from gis.workflow.catalog import load_catalog
from gis.workflow.errors import IllegalTransition
from layers.appeals import Appeal

from .conftest import CENTRE, REGISTERED

# committed tests: a year of their own, its number sequence dropped after, so other tests'
# numbering (rolled back with their transactions) starts at 1 as ever
YEAR = REGISTERED.replace(year=2031)


@pytest.fixture(autouse=True)
def drop_sequence():
    yield
    with connection.cursor() as cur:
        cur.execute("DROP SEQUENCE IF EXISTS qala_appeal_number_2031")


def in_threads(n, work):
    results, barrier = [None] * n, threading.Barrier(n)

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # collected for the assertions
            results[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_operators_accepting_at_once_write_one_transition(user):
    load_catalog()
    ops = [user("operator"), user("operator")]
    appeal = appeals.register(category="water", point=CENTRE, registered_at=YEAR)
    results = in_threads(2, lambda i: lifecycle.perform(appeal.pk, "accept", ops[i]))
    assert sum(isinstance(r, Appeal) for r in results) == 1
    assert sum(isinstance(r, IllegalTransition) for r in results) == 1
    assert list(appeal.events.values_list("action", flat=True).order_by("id")) == ["register", "accept"]


@pytest.mark.django_db(transaction=True)
def test_numbers_drawn_in_parallel_are_unique_and_consecutive():
    load_catalog()
    results = in_threads(8, lambda i: [appeals.register(category="roads", point=CENTRE, registered_at=YEAR).number
                                       for _ in range(5)])
    numbers = [n for r in results for n in r]
    assert len(numbers) == 40 and len(set(numbers)) == 40
    assert sorted(numbers) == [f"109-2031-{i:06d}" for i in range(1, 41)]
