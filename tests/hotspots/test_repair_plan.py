"""Repair plan: hot heating segments and cold houses, as CSV and an offline map."""
import csv
import re
from datetime import UTC, datetime

import pytest
from django.core.management import CommandError, call_command

from gis.hotspots.errors import BadParameter, EmptyPeriod
from gis.hotspots.repair_plan import repair_plan
from layers.buildings import Building
from tests.hotspots.test_network import Local, lattice  # noqa: F401  (fixture)


@pytest.fixture
def cold_houses(db, appeals_factory):
    at = Local()
    a = Building.objects.create(street="ул. Жамбыла", house_number="7", apartments=60, geom=at.house(900, 900))
    b = Building.objects.create(street="ул. Жамбыла", house_number="9", apartments=30, geom=at.house(950, 900))
    c = Building.objects.create(street="ул. Жамбыла", house_number="11", apartments=90, geom=at.house(1000, 900))
    d = Building.objects.create(street="ул. Ленина", house_number="1", apartments=20, geom=at.house(50, 120))
    for building, n, year in ((a, 5, 2024), (b, 3, 2025), (c, 2, 2025), (c, 9, 2021), (d, 2, 2025)):
        appeals_factory([at(0, 0)] * n, category="heating", incident_type="heating.cold_flat", building=building,
                        when=datetime(year, 11, 20, tzinfo=UTC))
    return a, b, c


def test_plan_ranks_hot_segments_then_cold_houses(lattice, cold_houses):  # noqa: F811
    a, b, _ = cold_houses
    rows = repair_plan(2026, min_cold=3)
    segments = [r for r in rows if r["kind"] == "segment"]
    houses = [r for r in rows if r["kind"] == "building"]
    assert segments[0]["id"] == lattice[(0, 1, "h")] and segments[0]["gi_bin"] == 3
    assert all(r["gi_bin"] > 0 for r in segments)
    # the house 15 m from the hottest segment complained twice: its resonance
    assert segments[0]["cold_nearby"] == 2 and segments[0]["apartments"] == 20
    # house 11's nine complaints are older than three years, and two recent ones are too few
    assert [(r["id"], r["recurrence"]) for r in houses] == [(a.id, 5), (b.id, 3)]
    assert houses[0]["label"] == "ул. Жамбыла, 7"
    assert [r["rank"] for r in rows] == list(range(1, len(rows) + 1))


def test_command_writes_csv_and_an_offline_map(lattice, cold_houses, tmp_path):  # noqa: F811
    out, page = tmp_path / "plan.csv", tmp_path / "plan.html"
    call_command("repair_plan", "--year", "2026", "--out", str(out), "--map", str(page))
    with out.open(encoding="utf-8") as f:
        table = list(csv.DictReader(f))
    assert table[0]["kind"] == "segment" and table[-1]["label"] == "ул. Жамбыла, 9"
    text = page.read_text(encoding="utf-8")
    assert "ул. Жамбыла, 7" in text and "L.polyline" in text.replace("L.polyLine", "L.polyline")
    assert "Leaflet 1.9.4" in text or "leaflet" in text.lower()
    # nothing fetched at view time: no script or stylesheet from another host
    assert not re.search(r'<script[^>]*src="(https?:)?//', text)
    assert not re.search(r'<link[^>]*href="(https?:)?//', text)
    assert "tile.openstreetmap" not in text  # no outside base map unless one is asked for


def test_look_back_can_end_with_the_heating_season(lattice, cold_houses):  # noqa: F811
    from datetime import date

    from gis.hotspots.repair_plan import plan_period

    start, end = plan_period(2027, date(2026, 5, 15))
    assert (start.date(), end.date()) == (date(2023, 5, 15), date(2026, 5, 15))
    # house 7's complaints (Nov 2024) are in a look-back ending 15 May 2026, not in one ending 1 Nov 2024
    assert any(r["label"] == "ул. Жамбыла, 7" for r in repair_plan(2027, until=date(2026, 5, 15)))
    assert not any(r["label"] == "ул. Жамбыла, 7" for r in repair_plan(2025, until=date(2024, 11, 1)))
    with pytest.raises(BadParameter):
        plan_period(2027, date(2027, 6, 1))


def test_plan_errors(db):
    with pytest.raises(EmptyPeriod):
        repair_plan(2026)
    with pytest.raises(BadParameter):
        repair_plan(1066)
    with pytest.raises(CommandError, match="nothing to plan"):
        call_command("repair_plan", "--year", "2026")
