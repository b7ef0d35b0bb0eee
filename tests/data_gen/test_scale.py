"""Benchmark appeals: streamed in chunks, numbered in order, inside the city, same seed same file."""
import csv
import hashlib

import numpy as np
import pyogrio
import pytest
from django.core.management import CommandError, call_command

from data.scale import write


def _read(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def test_csv_is_chunked_ordered_inside_the_city_and_repeatable(tmp_path, city_bbox):
    a, b = tmp_path / "a.csv", tmp_path / "b.csv"
    assert write(5000, "csv", a, chunk=1200, progress=False) == 5000
    write(5000, "csv", b, chunk=1200, progress=False)
    assert hashlib.md5(a.read_bytes()).digest() == hashlib.md5(b.read_bytes()).digest()
    rows = _read(a)
    assert len(rows) == 5000
    numbers = [r["number"] for r in rows]
    assert len(set(numbers)) == 5000
    registered = [r["registered_at"] for r in rows]
    assert registered == sorted(registered), "chunks must follow each other in time"
    for year in {n[4:8] for n in numbers}:
        seq = [int(n[9:]) for n in numbers if n[4:8] == year]
        assert seq == list(range(1, len(seq) + 1))
    lon = np.array([float(r["lon"]) for r in rows])
    lat = np.array([float(r["lat"]) for r in rows])
    x0, y0, x1, y1 = city_bbox
    assert ((lon > x0) & (lon < x1) & (lat > y0) & (lat < y1)).all()
    assert 0.75 < sum(r["channel"] == "phone" for r in rows) / 5000 < 0.85


def test_gpkg_holds_every_appeal_as_a_point(tmp_path):
    out = tmp_path / "a.gpkg"
    write(3000, "gpkg", out, chunk=1000, progress=False)
    info = pyogrio.read_info(out, layer="appeals")
    assert info["features"] == 3000
    assert info["geometry_type"] == "Point" and "4326" in info["crs"]


def test_command_refuses_bad_input_with_a_message(tmp_path):
    with pytest.raises(CommandError, match="must be positive"):
        call_command("scale_data", "--appeals", "0", "--out", str(tmp_path / "x.csv"), verbosity=0)
    with pytest.raises(CommandError, match="does not exist"):
        call_command("scale_data", "--appeals", "10", "--out", str(tmp_path / "no" / "x.csv"), verbosity=0)
