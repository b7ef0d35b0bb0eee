"""The generator alone (no database): same seed, same city; every geometry valid and inside the city."""
import collections
import re

import numpy as np
import pytest
import shapely

from data.generate import build_city


@pytest.fixture(scope="module")
def city():
    return build_city(seed=109, scale="small")


def _fingerprint(city):
    return {layer: [tuple(v.wkb if hasattr(v, "wkb") else v for v in row) for row in t.rows]
            for layer, t in city.tables.items()}


def test_same_seed_gives_the_same_city(city):
    assert _fingerprint(build_city(seed=109, scale="small")) == _fingerprint(city)


def test_another_seed_gives_another_city(city):
    other = build_city(seed=110, scale="small")
    assert _fingerprint(other)["buildings"] != _fingerprint(city)["buildings"]


def test_every_geometry_is_valid_and_inside_the_city(city, city_bbox):
    extent = shapely.box(*city_bbox)
    for layer, table in city.tables.items():
        geoms = np.array([r[-1] for r in table.rows], dtype=object)
        assert len(geoms), layer
        assert shapely.is_valid(geoms).all(), layer
        assert shapely.covered_by(geoms, extent).all(), layer


def test_buildings_do_not_overlap_and_have_consistent_addresses(city):
    table = city.tables["buildings"]
    col = {c: k for k, c in enumerate(table.columns)}
    polys = np.array([r[-1] for r in table.rows], dtype=object)
    left, right = shapely.STRtree(polys).query(polys, predicate="overlaps")
    assert not (left != right).any()
    numbers = [r[col["house_number"]] for r in table.rows]
    assert all(re.fullmatch(r"\d+[абв]?(/\d+| корп\. \d)?", n) for n in numbers), numbers[:20]
    addresses = collections.Counter((r[col["street"]], r[col["house_number"]]) for r in table.rows)
    assert max(addresses.values()) == 1, "an address names two houses"
    for r in table.rows:
        if r[col["use"]] == "residential":
            assert r[col["apartments"]] >= r[col["floors"]] >= 2
        if r[col["use"]] == "house":
            assert r[col["floors"]] in (1, 2) and r[col["apartments"]] in (1, 2)


def test_renamed_streets_keep_old_names_in_both_languages(city):
    table = city.tables["streets"]
    col = {c: k for k, c in enumerate(table.columns)}
    renamed = [r for r in table.rows if r[col["former_names"]]]
    assert len(renamed) >= 3
    for r in renamed:
        assert r[col["renamed_on"]] is not None
        assert any("көшесі" in n for n in r[col["former_names"]])
        assert any(n.startswith("улица ") for n in r[col["former_names"]])


def test_appeals_follow_deadlines_and_numbering(city):
    table = city.tables["appeals"]
    col = {c: k for k, c in enumerate(table.columns)}
    rows = table.rows
    assert all(re.fullmatch(r"109-20\d\d-\d{6}", r[col["number"]]) for r in rows)
    assert len({r[col["number"]] for r in rows}) == len(rows)
    for r in rows:
        reg, due, closed = r[col["registered_at"]], r[col["due_at"]], r[col["closed_at"]]
        assert due >= reg and (closed is None or reg <= closed <= "2026-11-01")
        assert (closed is None) == (r[col["status"]] not in ("resolved", "closed"))
    channels = collections.Counter(r[col["channel"]] for r in rows)
    assert 0.75 < channels["phone"] / len(rows) < 0.85
    assert {"heating", "water", "sewerage", "roads", "lighting", "waste", "improvement", "housing"} <= {
        r[col["category"]] for r in rows}
