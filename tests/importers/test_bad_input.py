"""Bad input: each stops with one clear error and leaves the layer exactly as it was."""
import re

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon

from importers.errors import (BadMapping, ConstraintViolated, EmptyFile, FeaturesRejected, MissingColumn,
                              UnknownCRS, UnknownField, UnreadableFile, WrongGeometryType)
from tests.importers.conftest import state

pytestmark = pytest.mark.django_db

HOUSE = Polygon([(69.15, 54.87), (69.1505, 54.87), (69.1505, 54.8703), (69.15, 54.8703)])


@pytest.fixture
def houses(load, tmp_path):
    """Two buildings already in the layer; returns the layer's state to compare against."""
    gdf = gpd.GeoDataFrame({"source_id": ["h1", "h2"], "street": ["Абая", "Абая"], "house_number": ["1", "2"]},
                           geometry=[HOUSE, HOUSE], crs=4326)
    gdf.to_file(tmp_path / "seed.geojson")
    load(tmp_path / "seed.geojson", "buildings")
    before = state("buildings")
    assert len(before) == 2
    return before


def houses_file(tmp_path, name="new.geojson", **columns):
    data = {"source_id": ["h3"], "street": ["Мира"], "house_number": ["7"], **columns}
    gdf = gpd.GeoDataFrame(data, geometry=columns.pop("geometry", [HOUSE]), crs=4326)
    gdf.to_file(tmp_path / name)
    return tmp_path / name


@pytest.mark.parametrize("name,content,error,message", [
    ("empty.geojson", b"", EmptyFile, "is empty (0 bytes)"),
    ("empty.zip", b"", EmptyFile, "is empty (0 bytes)"),
    ("none.geojson", b'{"type": "FeatureCollection", "features": []}', EmptyFile, "contains no features"),
    ("header.csv", "source_id,street,wkt\n".encode(), EmptyFile, "contains no features"),
    ("junk.zip", b"PK\x03\x04 not really a zip", UnreadableFile, "not a valid zip archive"),
])
def test_empty_or_broken_files(load, tmp_path, houses, name, content, error, message):
    (tmp_path / name).write_bytes(content)
    with pytest.raises(error, match=re.escape(message)):
        load(tmp_path / name, "buildings")
    assert state("buildings") == houses


def test_wrong_geometry_type(load, tmp_path, houses):
    path = houses_file(tmp_path, geometry=[Point(69.15, 54.87)])
    with pytest.raises(WrongGeometryType, match="holds Point features; layer 'buildings' needs MultiPolygon"):
        load(path, "buildings")
    assert state("buildings") == houses


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_unknown_crs(load, tmp_path, houses):
    gdf = gpd.GeoDataFrame({"source_id": ["h3"]}, geometry=[HOUSE])  # no CRS: no .prj written
    gdf.to_file(tmp_path / "noprj.shp")
    with pytest.raises(UnknownCRS, match="does not say which coordinate reference system"):
        load(tmp_path / "noprj.shp", "buildings")
    with pytest.raises(UnknownCRS, match="EPSG:999999 is not a coordinate reference system"):
        load(tmp_path / "noprj.shp", "buildings", srid=999999)
    assert state("buildings") == houses


def test_lat_lon_swapped_is_rejected_with_its_row(load, tmp_path, houses):
    swapped = Polygon([(y, x) for x, y in HOUSE.exterior.coords])
    path = houses_file(tmp_path, geometry=[swapped])
    with pytest.raises(FeaturesRejected, match="row 1: outside the city extent: longitude and latitude look swapped"):
        load(path, "buildings")
    assert state("buildings") == houses


def test_truncated_geopackage(load, tmp_path, houses):
    path = houses_file(tmp_path, name="whole.gpkg")
    data = path.read_bytes()
    (tmp_path / "cut.gpkg").write_bytes(data[: len(data) // 3])
    with pytest.raises(UnreadableFile, match="cut.gpkg could not be opened: it is damaged, truncated"):
        load(tmp_path / "cut.gpkg", "buildings")
    assert state("buildings") == houses


def test_csv_with_a_broken_row(load, tmp_path):
    path = tmp_path / "appeals.csv"
    path.write_text("number,category,registered_at,lon,lat\n"
                    "109-1,heating,2026-01-05 10:00,69.15,54.87\n"
                    "109-2,water,2026-01-05 11:00,69.16,fifty-four\n"
                    "109-3,roads,2026-01-06 09:30,69.17,54.86\n", encoding="utf-8")
    with pytest.raises(FeaturesRejected, match=r"1 of 3 features rejected, nothing written \(first: row 2: no geometry"):
        load(path, "appeals")
    assert state("appeals") == []


def test_csv_with_an_unclosed_quote_would_lose_the_rows_after_it(load, tmp_path):
    path = tmp_path / "appeals.csv"
    path.write_text("number,category,registered_at,lon,lat\n"
                    '109-1,"heating, ""cold""",2026-01-05 10:00,69.15,54.87\n'
                    '109-2,"water,2026-01-05 11:00,69.16,54.88\n'
                    "109-3,roads,2026-01-06 09:30,69.17,54.86\n", encoding="utf-8")
    with pytest.raises(UnreadableFile, match="the quoted field opened on line 3 is never closed"):
        load(path, "appeals")
    assert state("appeals") == []


def test_mapping_to_a_field_that_does_not_exist(load, tmp_path, houses):
    mapping = tmp_path / "m.yml"
    mapping.write_text("fields:\n  storeys: levels\n")
    with pytest.raises(UnknownField, match="names field 'storeys', which layer 'buildings' does not have"):
        load(houses_file(tmp_path), "buildings", mapping=str(mapping))
    assert state("buildings") == houses


def test_mapping_from_a_column_the_file_lacks(load, tmp_path, houses):
    mapping = tmp_path / "m.yml"
    mapping.write_text("fields:\n  floors: levels\n")
    with pytest.raises(MissingColumn, match="from column 'levels', which the file does not have"):
        load(houses_file(tmp_path), "buildings", mapping=str(mapping))


def test_multiply_on_a_text_field(load, tmp_path):
    mapping = tmp_path / "m.yml"
    mapping.write_text("fields:\n  street: {column: street, multiply: 2}\n")
    with pytest.raises(BadMapping, match="field 'street' is not a number"):
        load(houses_file(tmp_path), "buildings", mapping=str(mapping))


def test_mapping_file_that_is_not_yaml(load, tmp_path):
    mapping = tmp_path / "m.yml"
    mapping.write_text("fields: [unclosed\n")
    with pytest.raises(BadMapping, match="is not valid YAML"):
        load(houses_file(tmp_path), "buildings", mapping=str(mapping))


def test_required_field_without_a_column(load, tmp_path):
    path = tmp_path / "a.csv"
    path.write_text("number,lon,lat\n109-1,69.15,54.87\n")
    with pytest.raises(MissingColumn, match="needs field 'category'"):
        load(path, "appeals")


def test_a_row_breaking_a_model_rule_is_rejected_with_its_row(load, tmp_path, houses):
    path = houses_file(tmp_path, floors=[200])  # building_floors_range: 1..150
    with pytest.raises(FeaturesRejected, match="row 1: breaks the rule building_floors_range: floors=200"):
        load(path, "buildings")
    assert state("buildings") == houses


def test_closed_before_registered_is_rejected(load, tmp_path):
    path = tmp_path / "appeals.csv"
    path.write_text("number,category,registered_at,closed_at,lon,lat\n"
                    "109-1,heating,2026-01-05 10:00,2026-01-06 10:00,69.15,54.87\n"
                    "109-2,heating,2026-01-05 10:00,2026-01-04 10:00,69.15,54.87\n", encoding="utf-8")
    report = load(path, "appeals", skip_rejected=True)
    assert report.issues == [(2, "109-2", "rejected", "breaks the rule appeal_closed_after_registered: "
                                                      "closed_at=2026-01-04 05:00:00+00, registered_at=2026-01-05 05:00:00+00")]  # Almaty is UTC+5


def test_database_refusal_rolls_everything_back(load, tmp_path, houses):
    """A rule only the database knows (here the guard, after the city shrank under our check) still
    stops the whole import with a clear error."""
    from django.db import connection

    with connection.cursor() as cur:  # the guard now refuses every geometry
        cur.execute("CREATE OR REPLACE FUNCTION pg_temp.never() RETURNS trigger LANGUAGE plpgsql AS "
                    "$$ BEGIN RAISE EXCEPTION 'not today' USING ERRCODE = 'check_violation'; END $$")
        cur.execute('CREATE TRIGGER zz_never BEFORE INSERT ON layers_building FOR EACH ROW '
                    'EXECUTE FUNCTION pg_temp.never()')
    with pytest.raises(ConstraintViolated, match="the database refused a feature: not today; nothing was written"):
        load(houses_file(tmp_path), "buildings")
    with connection.cursor() as cur:
        cur.execute("DROP TRIGGER zz_never ON layers_building")
    assert state("buildings") == houses
