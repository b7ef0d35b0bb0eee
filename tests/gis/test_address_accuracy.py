"""The operator query set against the demo city: top-1 ≥ 97%, top-5 ≥ 99%.

tests/gis/address_queries.csv holds realistic operator queries (no "ул.", Kazakh and former
names, one and two typos, glued numbers, house letters and fractions, landmarks), made by
make_address_queries.py from the demo city, each with the address it must find.
"""
import collections
import csv
from pathlib import Path

import pytest
from django.db import transaction

from data.load import load_demo_city
from gis.geocoding.search import search
from layers.buildings import Building

QUERIES = Path(__file__).with_name("address_queries.csv")


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker):
    """The full demo city for this module only: loaded in a transaction rolled back at the end."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            load_demo_city(scale="full")
            yield {(b.street, b.house_number): b.id for b in Building.objects.all()}
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_operator_queries_find_the_right_building(demo_city, capsys):
    rows = list(csv.DictReader(QUERIES.open(encoding="utf-8")))
    assert len(rows) >= 300
    top1 = top5 = 0
    misses = collections.Counter()
    shown = []
    for row in rows:
        want = demo_city[(row["street"], row["house_number"])]
        got = [hit.building_id for hit in search(row["query"], limit=5)]
        top1 += got[:1] == [want]
        top5 += want in got
        if got[:1] != [want]:
            misses[row["form"]] += 1
            shown.append(f"  {row['query']!r} -> wanted {row['street']}, {row['house_number']}")
    n = len(rows)
    with capsys.disabled():
        print(f"\naddress search on the demo city: {n} queries, top-1 {top1 / n:.1%}, top-5 {top5 / n:.1%}; "
              f"misses by form: {dict(misses)}")
        print("\n".join(shown[:10]))
    assert top1 / n >= 0.97
    assert top5 / n >= 0.99


def test_query_set_covers_the_forms_operators_use():
    forms = collections.Counter(r["form"] for r in csv.DictReader(QUERIES.open(encoding="utf-8")))
    for form in ("bare", "abbrev", "kazakh", "former", "typo", "typo2", "house_variant", "landmark", "no_space"):
        assert forms[form] >= 10, form
