"""One real file per format, imported into its layer, the stored WKT read back."""
import datetime as dt
import zipfile

import geopandas as gpd
import pytest
from shapely.geometry import Point, Polygon

from tests.importers.conftest import stored

pytestmark = pytest.mark.django_db

LA_BBOX = (-118.7, 33.7, -118.1, 34.4)
RUTLAND_BBOX = (-73.02, 43.58, -72.94, 43.64)
BUTYRSKY_BBOX = (37.57, 55.79, 37.64, 55.84)


def test_la311_csv_with_lon_lat_columns_into_appeals(load, data_dir, city, settings):
    city(LA_BBOX)
    settings.TIME_ZONE = "America/Los_Angeles"  # the file's naive times are LA local time
    report = load(data_dir / "la311_sample.csv", "appeals")
    assert (report.read, report.inserted, report.rejected) == (12, 12, 0)
    rows = stored("appeals", "category", "status", "registered_at", "closed_at", "address", precision=10)
    first = next(r for r in rows if r[0] == "1-1262691971")
    assert first[1:3] == ("Graffiti Removal", "Closed")
    # 12/31/2018 11:55:30 PM in Los Angeles (UTC-8)
    assert first[3] == dt.datetime(2019, 1, 1, 7, 55, 30, tzinfo=dt.timezone.utc)
    assert first[4] == dt.datetime(2019, 1, 3, 6, 20, 5, tzinfo=dt.timezone.utc)
    assert first[5] == "9757 N RESEDA BLVD, 91324"
    assert first[6] == "POINT(-118.536249101 34.2473989385)"


def test_csv_with_a_wkt_column_and_a_reference_by_name(load, tmp_path):
    from layers.organizations import Organization

    builder = Organization.objects.create(name="ТОО Жолдар", kind="contractor")
    path = tmp_path / "orders.csv"
    path.write_text(
        "number,issued_on,restore_by,purpose,contractor,wkt\n"
        'Z-1,2026-03-01,2026-04-15,heating main,ТОО Жолдар,"POLYGON ((69.10 54.86, 69.11 54.86, 69.11 54.87, 69.10 54.86))"\n'
        'Z-2,02.03.2026,20.04.2026,water,ТОО Жолдар,"MULTIPOLYGON (((69.12 54.86, 69.13 54.86, 69.13 54.87, 69.12 54.86)))"\n',
        encoding="utf-8")
    mapping = tmp_path / "orders.yml"
    mapping.write_text("fields:\n  contractor: {column: contractor, match: name}\n", encoding="utf-8")
    report = load(path, "dig_orders", mapping=str(mapping))
    assert report.inserted == 2
    assert stored("dig_orders", "issued_on", "restore_by", "contractor") == [
        ("Z-1", dt.date(2026, 3, 1), dt.date(2026, 4, 15), builder.pk,
         "MULTIPOLYGON(((69.1 54.86,69.11 54.86,69.11 54.87,69.1 54.86)))"),
        ("Z-2", dt.date(2026, 3, 2), dt.date(2026, 4, 20), builder.pk,
         "MULTIPOLYGON(((69.12 54.86,69.13 54.86,69.13 54.87,69.12 54.86)))"),
    ]


def test_rutland_sewer_geojson_with_a_mapping_file(load, data_dir, city, tmp_path):
    city(RUTLAND_BBOX)
    mapping = tmp_path / "rutland.yml"
    mapping.write_text("fields:\n  source_id: OBJECTID\n  kind: {value: sewer}\n"
                       "  diameter_mm: {column: Notes, multiply: 25.4}  # Notes holds inches\n"
                       "  status: Status\n")
    report = load(data_dir / "rutland_sewer_pipes.geojson", "network_segments", mapping=str(mapping))
    assert (report.inserted, report.rejected) == (8, 0)
    rows = stored("network_segments", "kind", "diameter_mm", "status", key="source_id", precision=6)
    assert rows[0][:4] == ("4944", "sewer", 381, "Existing")  # 15 in = 381 mm
    assert rows[0][4] == "LINESTRING(-72.98108 43.629187,-72.980841 43.628137)"
    assert [r[2] for r in rows].count(203) == 6  # 8 in pipes


def test_geopackage_in_utm_is_reprojected_to_wgs84(load, tmp_path):
    house = Polygon([(69.15, 54.87), (69.1505, 54.87), (69.1505, 54.8703), (69.15, 54.8703)])
    gdf = gpd.GeoDataFrame({"osm_id": ["way/1"], "street": ["улица Конституции Казахстана"],
                            "house_number": ["15а"], "floors": [5]}, geometry=[house], crs=4326)
    path = tmp_path / "houses.gpkg"
    gdf.to_crs(32642).to_file(path, driver="GPKG")
    report = load(path, "buildings", key="source_id")
    assert report.inserted == 1
    assert stored("buildings", "street", "house_number", "floors", key="source_id", precision=6) == [
        ("way/1", "улица Конституции Казахстана", "15а", 5,
         "MULTIPOLYGON(((69.15 54.87,69.1505 54.87,69.1505 54.8703,69.15 54.8703,69.15 54.87)))")]


@pytest.mark.filterwarnings("ignore:'crs' was not provided")
def test_srid_names_the_crs_a_file_does_not_give(load, tmp_path):
    """UTM 42N coordinates of (69.15 E, 54.87 N) in a Shapefile without .prj."""
    from pyproj import Transformer

    x, y = Transformer.from_crs(4326, 32642, always_xy=True).transform(69.15, 54.87)
    gpd.GeoDataFrame({"source_id": ["cam-1"]}, geometry=[Point(x, y)]).to_file(tmp_path / "cams.shp")
    load(tmp_path / "cams.shp", "cameras", srid=32642)
    assert stored("cameras", key="source_id", precision=6) == [("cam-1", "POINT(69.15 54.87)")]


def test_zipped_shapefile_of_wells(load, tmp_path):
    gdf = gpd.GeoDataFrame({"id": [7, 8], "kind": ["heating", "water"], "depth": [2.5, 3.25]},
                           geometry=[Point(69.14, 54.86), Point(69.141, 54.861)], crs=4326)
    gdf.to_file(tmp_path / "wells.shp")
    archive = tmp_path / "wells.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in tmp_path.glob("wells.*"):
            if part.suffix != ".zip":
                zf.write(part, part.name)
    report = load(archive, "wells")
    assert report.inserted == 2
    assert stored("wells", "network_kind", "depth_m", key="source_id") == [
        ("7", "heating", pytest.approx(2.5), "POINT(69.14 54.86)"),
        ("8", "water", pytest.approx(3.25), "POINT(69.141 54.861)")]


def test_kml_bus_stops(load, tmp_path):
    path = tmp_path / "stops.kml"
    gdf = gpd.GeoDataFrame({"Name": ["Центральный рынок", "Орталық базар"], "stop_id": ["s1", "s2"]},
                           geometry=[Point(69.152, 54.871), Point(69.153, 54.872)], crs=4326)
    gdf.to_file(path, driver="KML")
    mapping = tmp_path / "m.yml"
    mapping.write_text("fields: {source_id: stop_id}\n")
    report = load(path, "bus_stops", mapping=str(mapping))
    assert report.inserted == 2
    assert stored("bus_stops", "name", key="source_id") == [
        ("s1", "Центральный рынок", "POINT(69.152 54.871)"), ("s2", "Орталық базар", "POINT(69.153 54.872)")]


def test_osm_extract_through_gdal_osm_driver(load, data_dir, city):
    """addr:street and building:levels live in other_tags; the OSM way id becomes the key."""
    city(BUTYRSKY_BBOX)
    report = load(data_dir / "butyrsky_buildings.osm", "buildings")
    assert (report.read, report.inserted, report.rejected) == (30, 30, 0)
    rows = {r[0]: r for r in stored("buildings", "street", "house_number", "floors", "name", key="source_id")}
    assert rows["way/27616864"][1:] == (
        "улица Милашенкова", "4", None, "Матрица",
        "MULTIPOLYGON(((37.5884096 55.8232552,37.5888474 55.823477,37.5902464 55.8225705,"
        "37.5898258 55.8223535,37.5884096 55.8232552)))")
    assert rows["way/28124316"][1:4] == ("улица Фонвизина", "14", 5)
    assert sum(1 for r in rows.values() if r[1].startswith("улица")) == 30


@pytest.mark.parametrize("fmt", ["geojson", "gpkg", "csv"])
def test_export_then_import_changes_nothing(load, tmp_path, fmt):
    from importers.export import export_layer

    path = tmp_path / "works.csv"
    path.write_text(
        "source_id,title,kind,starts_on,ends_on,wkt\n"
        'R-1,"Ремонт двора, ул. Абая 5",paving,2026-05-01,2026-06-01,'
        '"POLYGON ((69.10 54.86, 69.11 54.86, 69.11 54.87, 69.10 54.86))"\n'
        'R-2,Теплотрасса,heating,2026-07-01,,"POLYGON ((69.12 54.86, 69.13 54.86, 69.13 54.87, 69.12 54.86))"\n',
        encoding="utf-8")
    load(path, "repair_works")
    before = stored("repair_works", "title", "kind", "starts_on", "ends_on", precision=15)
    assert before[1][4] is None
    out = tmp_path / f"works.{fmt}"
    assert export_layer("repair_works", fmt, out) == 2
    report = load(out, "repair_works")
    assert (report.read, report.unchanged, report.inserted, report.updated) == (2, 2, 0, 0)
    assert stored("repair_works", "title", "kind", "starts_on", "ends_on", precision=15) == before


def test_osm_pbf_extract(load, data_dir, city):
    city(BUTYRSKY_BBOX)
    report = load(data_dir / "butyrsky_buildings.osm.pbf", "buildings")
    assert (report.read, report.inserted) == (30, 30)
    rows = {r[0]: r for r in stored("buildings", "street", "house_number", "floors", key="source_id")}
    assert rows["way/28124317"][1:] == (
        "улица Фонвизина", "12", 5,
        "MULTIPOLYGON(((37.5870463 55.8201904,37.5869644 55.8202967,37.5874575 55.8204166,"
        "37.5875394 55.8203102,37.5870463 55.8201904)))")


def test_osm_nodes_out_of_id_order_are_all_read(load, data_dir, city, tmp_path):
    """Real extracts list nodes out of id order; GDAL's default OSM index then stopped early, silently."""
    import xml.etree.ElementTree as ET

    root = ET.parse(data_dir / "butyrsky_buildings.osm").getroot()
    nodes = [el for el in root if el.tag == "node"]
    for el in nodes:
        root.remove(el)
    for i, el in enumerate(reversed(nodes)):
        root.insert(i, el)
    ET.ElementTree(root).write(tmp_path / "shuffled.osm", encoding="UTF-8", xml_declaration=True)
    city(BUTYRSKY_BBOX)
    report = load(tmp_path / "shuffled.osm", "buildings")
    assert (report.read, report.inserted) == (30, 30)


def test_geopackage_made_by_gdal_osm_driver_keys_by_osm_element(load, tmp_path):
    gdf = gpd.GeoDataFrame({"osm_id": [None, "77"], "osm_way_id": ["501", None], "addr_street": ["Абая", "Мира"],
                            "building_levels": ["9", "2"]},
                           geometry=[Polygon([(69.1, 54.86), (69.101, 54.86), (69.101, 54.861)]),
                                     Polygon([(69.2, 54.86), (69.201, 54.86), (69.201, 54.861)])], crs=4326)
    gdf.to_file(tmp_path / "osm.gpkg", layer="multipolygons")
    load(tmp_path / "osm.gpkg", "buildings")
    assert stored("buildings", "street", "floors", key="source_id") == [
        ("relation/77", "Мира", 2, "MULTIPOLYGON(((69.2 54.86,69.201 54.86,69.201 54.861,69.2 54.86)))"),
        ("way/501", "Абая", 9, "MULTIPOLYGON(((69.1 54.86,69.101 54.86,69.101 54.861,69.1 54.86)))")]


def test_multi_layer_geopackage_picks_the_layer_by_geometry_or_by_name(load, tmp_path):
    path = tmp_path / "city.gpkg"
    gpd.GeoDataFrame({"source_id": ["k1"], "name": ["Kiosk"]}, geometry=[Point(69.15, 54.87)],
                     crs=4326).to_file(path, layer="kiosks")
    gpd.GeoDataFrame({"source_id": ["b1", "b2"], "street": ["Абая", "Мира"]},
                     geometry=[Polygon([(69.1, 54.86), (69.101, 54.86), (69.101, 54.861)])] * 2,
                     crs=4326).to_file(path, layer="houses")
    assert load(path, "buildings").inserted == 2  # the polygon layer, though listed second
    assert load(path, "cameras", where="name = 'Kiosk'").inserted == 1
    assert stored("cameras", key="source_id") == [("k1", "POINT(69.15 54.87)")]
    report = load(path, "buildings", source_layer="houses", where="street = 'Мира'", replace=True)
    assert (report.unchanged, report.deleted) == (1, 1)


def test_mixed_geometry_geojson_rejects_only_the_misfits(load, tmp_path):
    path = tmp_path / "mixed.geojson"
    path.write_text('{"type": "FeatureCollection", "features": ['
                    '{"type": "Feature", "properties": {"source_id": "m1"}, "geometry": {"type": "Polygon", '
                    '"coordinates": [[[69.1, 54.86], [69.101, 54.86], [69.101, 54.861], [69.1, 54.86]]]}},'
                    '{"type": "Feature", "properties": {"source_id": "m2"}, "geometry": {"type": "Point", '
                    '"coordinates": [69.1, 54.86]}}]}')
    report = load(path, "buildings", skip_rejected=True)
    assert report.issues == [(2, "m2", "rejected", "geometry is POINT, layer needs MultiPolygon")]
    assert stored("buildings", key="source_id") == [
        ("m1", "MULTIPOLYGON(((69.1 54.86,69.101 54.86,69.101 54.861,69.1 54.86)))")]


def test_progress_bar_shows_rows_per_second(tmp_path, capsys):
    from importers.pipeline import ImportOptions, run_import

    path = tmp_path / "a.csv"
    path.write_text("number,category,registered_at,lon,lat\n109-1,heating,2026-01-05,69.15,54.87\n")
    run_import(path, ImportOptions(layer="appeals", progress=True, report=str(tmp_path / "r.csv")))
    err = capsys.readouterr().err
    assert "a.csv -> appeals" in err and "1/1" in err and "rows/s" in err


def test_organizations_without_coordinates(load, tmp_path):
    """A layer whose geometry is optional takes a plain table; a row with coordinates keeps them."""
    path = tmp_path / "orgs.csv"
    path.write_text("source_id,name,kind,phone\nksk-1,КСК Береке,ksk,+7 7152 000000\n"
                    "akimat,Акимат города,akimat,109\n", encoding="utf-8")
    assert load(path, "organizations").inserted == 2
    assert stored("organizations", "name", "kind", key="source_id") == [
        ("akimat", "Акимат города", "akimat", None), ("ksk-1", "КСК Береке", "ksk", None)]
    with_points = tmp_path / "orgs2.csv"
    with_points.write_text("source_id,name,kind,lon,lat\nksk-1,КСК Береке,ksk,69.15,54.87\n"
                           "ksk-2,КСК Достык,ksk,,\n", encoding="utf-8")
    report = load(with_points, "organizations")
    assert (report.inserted, report.updated, report.rejected) == (1, 1, 0)
    assert stored("organizations", key="source_id")[1:] == [("ksk-1", "POINT(69.15 54.87)"), ("ksk-2", None)]
