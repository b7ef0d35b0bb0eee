"""Idempotent upsert by key, --replace, --dry-run, --skip-rejected, geometry type coercion."""
import csv
from pathlib import Path

import geopandas as gpd
import pytest
from shapely.geometry import MultiLineString, Point, Polygon

from importers.errors import BadKey, ReplaceRefused
from tests.importers.conftest import state, stored

pytestmark = pytest.mark.django_db

HEADER = "number,category,registered_at,lon,lat,description\n"
ROWS = ["109-1,heating,2026-01-05 10:00,69.15,54.87,cold flat\n",
        "109-2,water,2026-01-05 11:00,69.16,54.88,no water\n",
        "109-3,roads,2026-01-06 09:30,69.17,54.86,pothole\n"]


def appeals_csv(tmp_path, rows, name="appeals.csv"):
    path = tmp_path / name
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def test_same_file_twice_changes_nothing(load, tmp_path):
    path = appeals_csv(tmp_path, ROWS)
    first = load(path, "appeals")
    assert (first.inserted, first.updated, first.unchanged) == (3, 0, 0)
    before = state("appeals")  # includes updated_at: an untouched row keeps it
    second = load(path, "appeals")
    assert (second.inserted, second.updated, second.unchanged) == (0, 0, 3)
    assert state("appeals") == before


def test_changed_feature_is_updated_and_missing_one_kept(load, tmp_path):
    load(appeals_csv(tmp_path, ROWS), "appeals")
    changed = ["109-1,heating,2026-01-05 10:00,69.151,54.871,cold flat, radiators\n".replace(
        "cold flat, radiators", '"cold flat, radiators"'), ROWS[1]]
    report = load(appeals_csv(tmp_path, changed, "v2.csv"), "appeals")
    assert (report.inserted, report.updated, report.unchanged, report.deleted) == (0, 1, 1, 0)
    assert stored("appeals", "description") == [
        ("109-1", "cold flat, radiators", "POINT(69.151 54.871)"),
        ("109-2", "no water", "POINT(69.16 54.88)"),
        ("109-3", "pothole", "POINT(69.17 54.86)")]


def test_replace_deletes_what_the_file_no_longer_holds(load, tmp_path):
    def cams(ids):
        gdf = gpd.GeoDataFrame({"source_id": ids}, geometry=[Point(69.1 + i / 100, 54.85) for i in range(len(ids))],
                               crs=4326)
        path = tmp_path / f"cams{len(ids)}.geojson"
        gdf.to_file(path)
        return path
    load(cams(["c1", "c2", "c3"]), "cameras")
    report = load(cams(["c1", "c2"]), "cameras", replace=True)
    assert (report.deleted, report.unchanged) == (1, 2)
    assert stored("cameras", key="source_id") == [("c1", "POINT(69.1 54.85)"), ("c2", "POINT(69.11 54.85)")]


def test_replace_never_deletes_appeals(load, tmp_path):
    with pytest.raises(ReplaceRefused, match="never deleted"):
        load(appeals_csv(tmp_path, ROWS), "appeals", replace=True)


def test_dry_run_reports_but_writes_nothing(load, tmp_path):
    report = load(appeals_csv(tmp_path, ROWS), "appeals", dry_run=True)
    assert (report.inserted, report.committed) == (3, False)
    assert state("appeals") == []


def test_key_must_be_unique(load, tmp_path):
    with pytest.raises(BadKey, match="'category' cannot identify"):
        load(appeals_csv(tmp_path, ROWS), "appeals", key="category")


def test_skip_rejected_imports_the_rest_and_reports_each_rejection(load, tmp_path):
    rows = [ROWS[0], "109-2,water,not a date,69.16,54.88,x\n", "109-3,roads,2026-01-06,54.86,69.17,swapped\n",
            ROWS[0].replace("109-1", "109-4").replace("heating", "")]
    report_path = tmp_path / "report.csv"
    report = load(appeals_csv(tmp_path, rows), "appeals", skip_rejected=True, report=str(report_path))
    assert (report.inserted, report.rejected) == (1, 3)
    assert stored("appeals", "category") == [("109-1", "heating", "POINT(69.15 54.87)")]
    with open(report_path, encoding="utf-8") as f:
        lines = list(csv.DictReader(f))
    assert [(r["row"], r["key"], r["action"]) for r in lines] == [
        ("2", "109-2", "rejected"), ("3", "109-3", "rejected"), ("4", "109-4", "rejected")]
    assert "registered_at: not a date is not a date and time" == lines[0]["reason"]
    assert "longitude and latitude look swapped" in lines[1]["reason"]
    assert lines[2]["reason"] == "category: missing (required)"


def test_duplicate_keys_in_one_file_are_rejected(load, tmp_path):
    report = load(appeals_csv(tmp_path, [ROWS[0], ROWS[1], ROWS[0]]), "appeals", skip_rejected=True)
    assert (report.inserted, report.rejected) == (2, 1)
    assert report.issues == [(3, "109-1", "rejected", "duplicate key 109-1, first on row 1")]


def test_polygon_promoted_and_single_part_multiline_demoted(load, tmp_path):
    square = Polygon([(69.1, 54.86), (69.101, 54.86), (69.101, 54.861), (69.1, 54.86)])
    gdf = gpd.GeoDataFrame({"source_id": ["b1"]}, geometry=[square], crs=4326)
    gdf.to_file(tmp_path / "b.geojson")
    load(tmp_path / "b.geojson", "buildings")
    assert stored("buildings", key="source_id") == [
        ("b1", "MULTIPOLYGON(((69.1 54.86,69.101 54.86,69.101 54.861,69.1 54.86)))")]
    pipes = gpd.GeoDataFrame(
        {"source_id": ["p1", "p2", "p3"], "kind": ["heating"] * 3},
        geometry=[MultiLineString([[(69.1, 54.86), (69.11, 54.86)]]),
                  MultiLineString([[(69.1, 54.87), (69.11, 54.87)], [(69.11, 54.87), (69.12, 54.875)]]),
                  MultiLineString([[(69.1, 54.88), (69.11, 54.88)], [(69.12, 54.88), (69.13, 54.88)]])], crs=4326)
    pipes.to_file(tmp_path / "p.geojson")
    report = load(tmp_path / "p.geojson", "network_segments", skip_rejected=True)
    assert stored("network_segments", key="source_id") == [
        ("p1", "LINESTRING(69.1 54.86,69.11 54.86)"),
        ("p2", "LINESTRING(69.1 54.87,69.11 54.87,69.12 54.875)")]  # touching parts merged
    assert report.issues == [(3, "p3", "rejected", "geometry is MULTILINESTRING of 2 parts, layer needs LineString")]


def test_self_intersecting_polygon_is_made_valid_and_reported(load, tmp_path):
    bowtie = Polygon([(69.1, 54.86), (69.12, 54.88), (69.12, 54.86), (69.1, 54.88), (69.1, 54.86)])
    gpd.GeoDataFrame({"source_id": ["y1"]}, geometry=[bowtie], crs=4326).to_file(tmp_path / "yard.geojson")
    report = load(tmp_path / "yard.geojson", "yards")
    assert (report.inserted, report.repaired, report.rejected) == (1, 1, 0)
    assert report.issues[0][2:] == ("repaired", "made valid with ST_MakeValid: Self-intersection[69.11 54.87]")
    [(key, wkt)] = stored("yards", key="source_id")
    # the bow tie split at its crossing into two triangles
    assert wkt == ("MULTIPOLYGON(((69.1 54.88,69.11 54.87,69.1 54.86,69.1 54.88)),"
                   "((69.12 54.86,69.11 54.87,69.12 54.88,69.12 54.86)))")


def test_upload_runs_the_same_pipeline_and_keeps_the_report(tmp_path):
    from importers.pipeline import ImportOptions, import_upload

    data = (HEADER + ROWS[0] + "109-9,water,2026-01-05 11:00,54.88,69.16,swapped\n").encode()
    report = import_upload([data[:40], data[40:]], "../../etc/Обращения.CSV",
                           ImportOptions(layer="appeals", skip_rejected=True), report_dir=tmp_path)
    assert (report.source, report.inserted, report.rejected) == ("Обращения.CSV", 1, 1)
    assert stored("appeals") == [("109-1", "POINT(69.15 54.87)")]
    assert Path(report.report_path).parent == tmp_path
    assert "109-9,rejected,outside the city extent: longitude and latitude look swapped" in \
        Path(report.report_path).read_text(encoding="utf-8")
