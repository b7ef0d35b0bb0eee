"""Gi* per building on a hand-made quarter of 7 x 7 houses."""
from datetime import UTC, datetime

import numpy as np
import pytest

from gis.hotspots.buildings import building_hotspots
from gis.hotspots.errors import BadParameter, EmptyPeriod, UnknownCategory
from layers.buildings import Building
from tests.hotspots.test_network import Local

T0, T1 = datetime(2024, 1, 1, tzinfo=UTC), datetime(2027, 1, 1, tzinfo=UTC)


@pytest.fixture
def quarter(db, appeals_factory):
    at = Local()
    rng = np.random.default_rng(4)
    houses = {}
    for i in range(7):
        for j in range(7):
            b = Building.objects.create(street="ул. Тестовая", house_number=f"{i}-{j}", apartments=30,
                                        geom=at.house(i * 60, j * 60))
            houses[(i, j)] = b
            n = 8 if (i, j) in {(1, 1), (1, 2), (2, 1), (2, 2)} else int(rng.integers(0, 2))
            if n:
                appeals_factory([at(i * 60, j * 60)] * n, category="heating", incident_type="heating.cold_flat",
                                building=b, when=datetime(2025, 12, 1, tzinfo=UTC))
    return houses


def test_the_complaining_block_is_hot(quarter):
    out = building_hotspots(T0, T1, incident_type="heating.cold_flat", k=8).set_index("building")
    block = [quarter[c].id for c in ((1, 1), (1, 2), (2, 1), (2, 2))]
    assert (out.loc[block, "count"] == 8).all()
    assert (out.loc[block, "bin"] >= 2).all()
    assert (out.loc[quarter[(6, 6)].id, "bin"]) <= 0
    assert len(out) == 49


def test_building_errors(quarter):
    with pytest.raises(EmptyPeriod):
        building_hotspots(datetime(2020, 1, 1, tzinfo=UTC), datetime(2021, 1, 1, tzinfo=UTC))
    with pytest.raises(UnknownCategory):
        building_hotspots(T0, T1, incident_type="alien_visit")


def test_building_process(quarter):
    import json

    from gis.hotspots.processes import PROCESSES

    mime, rows = PROCESSES["building-hotspots"]().execute(
        {"start": "2024-01-01", "end": "2027-01-01", "incident_type": "heating.cold_flat"})
    block = {quarter[c].id for c in ((1, 1), (1, 2), (2, 1), (2, 2))}
    assert mime == "application/json" and block <= {r["building"] for r in rows if r["bin"] > 0}
    json.dumps(rows)
    with pytest.raises(BadParameter):
        PROCESSES["building-hotspots"]().execute({"start": "2024-01-01", "end": "2027-01-01", "k": 0})


def test_repair_plan_gives_houses_their_gi_bin(quarter):
    from gis.hotspots.repair_plan import repair_plan

    rows = repair_plan(2026, min_cold=3)  # no heating accidents at all: houses only
    assert {r["kind"] for r in rows} == {"building"} and len(rows) == 4
    assert all(r["gi_bin"] >= 2 and r["recurrence"] == 8 for r in rows)
