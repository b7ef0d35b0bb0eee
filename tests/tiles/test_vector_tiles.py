"""Vector tiles decode with the registry's public attributes, and nothing else."""
import json
from datetime import datetime, timezone

import mercantile
import pytest

from layers.appeals import Appeal
from layers.buildings import Building
from layers.network_segments import NetworkSegment
from layers.organizations import Organization
from layers.registry import registry
from layers.streets import Street
from layers.yards import Yard
from tests.tiles.conftest import NEAR, body, decode, fetch, line, point, square, tile_of
from tiles.sources import BASEMAP

WHEN = datetime(2026, 1, 15, 8, 30, tzinfo=timezone.utc)


def test_building_tile_has_the_public_attributes(client, db):
    yard = Yard.objects.create(name="Двор 7", geom=square(*NEAR, size=0.001))
    b = Building.objects.create(street="улица Жамбыла", house_number="15а", floors=5, apartments=60,
                                year_built=1975, yard=yard, geom=square(NEAR[0] + 0.0002, NEAR[1] + 0.0002))
    resp = fetch(client, "buildings", *tile_of((NEAR[0] + 0.0003, NEAR[1] + 0.0003), 16))
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/vnd.mapbox-vector-tile"
    layer = decode(resp)["buildings"]
    (feature,) = layer["features"]
    assert feature["id"] == b.pk
    assert feature["geometry"]["type"] == "Polygon"
    assert feature["properties"] == {"street": "улица Жамбыла", "house_number": "15а", "name": "",
                                     "use": "residential", "floors": 5, "apartments": 60,
                                     "year_built": 1975, "yard": yard.pk}


def test_foreign_keys_dates_and_numbers_are_encoded(client, db):
    org = Organization.objects.create(name="Горводоканал", kind="utility")
    NetworkSegment.objects.create(kind="water", material="steel", diameter_mm=300, year_laid=1981,
                                  operator=org, geom=line(*NEAR))
    props = decode(fetch(client, "network_segments", *tile_of(NEAR, 15)))["network_segments"]["features"][0][
        "properties"]
    assert props == {"kind": "water", "material": "steel", "diameter_mm": 300, "year_laid": 1981,
                     "status": "active", "operator": org.pk}


def test_every_layer_renders_a_decodable_tile(client, db):
    Street.objects.create(name="улица Абая", former_names=["ул. Старая", "ул. Ветхая"], geom=line(*NEAR).union(
        line(NEAR[0], NEAR[1] + 0.0005)))
    for layer in registry:
        resp = fetch(client, layer.id, *tile_of(NEAR, 16))
        assert resp.status_code == 200, layer.id
        tile = decode(resp)
        assert set(tile) <= {layer.id}
    streets = decode(fetch(client, "streets", *tile_of(NEAR, 16)))["streets"]["features"]
    assert streets[0]["properties"]["former_names"] == "ул. Старая; ул. Ветхая"


def test_basemap_is_one_tile_with_several_layers(client, db):
    Yard.objects.create(name="Двор", geom=square(*NEAR, size=0.001))
    Building.objects.create(street="улица Абая", house_number="1", geom=square(NEAR[0] + 0.0002, NEAR[1] + 0.0002))
    Street.objects.create(name="улица Абая", geom=line(*NEAR).union(line(NEAR[0], NEAR[1] + 0.0001)))
    tile = decode(fetch(client, "basemap", *tile_of(NEAR, 16)))
    assert set(tile) == {"yards", "buildings", "streets"}
    assert set(tile) <= set(BASEMAP)
    # at z12 buildings and yards are below their min zoom; streets (min 11) remain
    assert set(decode(fetch(client, "basemap", *tile_of(NEAR, 12)))) == {"streets"}


def make_appeal(n, category, lonlat, **extra):
    return Appeal.objects.create(number=f"109-2026-{n:06d}", category=category, registered_at=WHEN,
                                 geom=point(*lonlat), **extra)


def test_appeals_at_low_zoom_are_counted_per_category_not_capped(client, db):
    for i in range(30):
        make_appeal(i, "heating", (NEAR[0] + i * 0.00001, NEAR[1]))
    for i in range(30, 37):
        make_appeal(i, "water", (NEAR[0], NEAR[1] + 0.00001))
    cells = decode(fetch(client, "appeals", *tile_of(NEAR, 12)))["appeals"]["features"]
    assert sum(c["properties"]["count"] for c in cells) == 37
    assert sum(c["properties"].get("count_heating", 0) for c in cells) == 30
    assert sum(c["properties"].get("count_water", 0) for c in cells) == 7
    assert {c["geometry"]["type"] for c in cells} == {"Polygon"}
    points = decode(fetch(client, "appeals", *tile_of(NEAR, 13)))["appeals"]["features"]
    assert len(points) == 37 and {p["geometry"]["type"] for p in points} == {"Point"}


def test_aggregated_cells_count_each_appeal_once_across_tiles(client, db):
    # appeals spread over several z10 tiles' worth of city; the whole-world sum must match
    for i in range(20):
        make_appeal(i, "roads", (69.0 + i * 0.019, 54.80 + i * 0.008))
    for z in (8, 10, 12):
        total = 0
        lons = [69.0, 69.0 + 19 * 0.019]
        lats = [54.80, 54.80 + 19 * 0.008]
        for t in mercantile.tiles(lons[0], lats[0], lons[1], lats[1], [z]):
            tile = decode(fetch(client, "appeals", z, t.x, t.y))
            total += sum(f["properties"]["count"] for f in tile.get("appeals", {}).get("features", []))
        assert total == 20, z


PERSONAL = {"caller_name": "Секретова Айгерим", "caller_phone": "+77015550123",
            "description": "Течёт батарея в квартире 42", "address": "улица Тайная, 99"}


def test_no_personal_field_reaches_any_tile(client, db):
    for i in range(5):
        make_appeal(i, "heating", (NEAR[0] + i * 0.0003, NEAR[1]), **PERSONAL)
    secrets = [v.encode() for v in PERSONAL.values()]
    for z in range(0, 19):
        for source in [*registry.ids(), "basemap"]:
            resp = fetch(client, source, *tile_of(NEAR, z))
            data = body(resp)
            assert resp.status_code == 200
            for secret in secrets:
                assert secret not in data, (source, z)
            for layer in decode(resp).values():
                for f in layer["features"]:
                    assert not set(f["properties"]) & set(PERSONAL), (source, z)
    # and the aggregated/point switch really had data to leak at these zooms
    assert decode(fetch(client, "appeals", *tile_of(NEAR, 18)))["appeals"]["features"]


def test_below_min_zoom_is_an_empty_200_tile(client, db):
    Building.objects.create(street="улица Абая", house_number="1", geom=square(*NEAR))
    resp = fetch(client, "buildings", *tile_of(NEAR, 12), HTTP_ACCEPT_ENCODING="gzip")
    assert resp.status_code == 200
    assert resp["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert resp.content == b"" and "Content-Encoding" not in resp
    assert decode(resp) == {}


def test_tile_with_nothing_in_it_is_empty(client, db):
    Building.objects.create(street="улица Абая", house_number="1", geom=square(*NEAR))
    resp = fetch(client, "buildings", 16, 0, 0)
    assert resp.status_code == 200 and resp.content == b""


@pytest.mark.parametrize("path", ["buildings/23/0/0", "buildings/-1/0/0", "buildings/3/8/0", "buildings/3/0/8",
                                  "buildings/3/-1/2", "basemap/30/1/1"])
def test_out_of_range_is_a_404_problem(client, db, path):
    resp = client.get(f"/tiles/{path}.mvt")
    assert resp.status_code == 404
    assert resp["Content-Type"] == "application/problem+json"
    assert json.loads(resp.content)["type"] == "urn:qala:error:tile-out-of-range"


def test_unknown_layer_is_a_404_problem(client, db):
    resp = client.get("/tiles/secrets/14/1/1.mvt")
    assert resp.status_code == 404
    assert json.loads(resp.content)["type"] == "urn:qala:error:unknown-layer"
    assert client.get("/tiles/secrets.json").status_code == 404


def test_tilejson_lists_public_fields_only(client, db):
    doc = client.get("/tiles/appeals.json").json()
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == ["http://testserver/tiles/appeals/{z}/{x}/{y}.mvt"]
    (vl,) = doc["vector_layers"]
    assert set(vl["fields"]) == set(registry.get("appeals").public_fields)
    assert vl["minzoom"] == 0  # aggregated below 13
    base = client.get("/tiles/basemap.json").json()
    assert [v["id"] for v in base["vector_layers"]] == list(BASEMAP)
    assert {v["id"]: v["minzoom"] for v in base["vector_layers"]}["buildings"] == 13


def test_low_zoom_simplification_drops_features_smaller_than_a_pixel(client, db):
    from layers.districts import District

    District.objects.create(code="tiny", name="Крошечный", geom=square(*NEAR, size=0.00005))
    District.objects.create(code="big", name="Большой", geom=square(NEAR[0] - 0.05, NEAR[1] - 0.03, size=0.04))
    tile = decode(fetch(client, "districts", *tile_of(NEAR, 9)))
    assert [f["properties"]["code"] for f in tile["districts"]["features"]] == ["big"]
    both = decode(fetch(client, "districts", *tile_of(NEAR, 16)))["districts"]["features"]
    assert [f["properties"]["code"] for f in both] == ["tiny"]  # z16 near NEAR: the big one is elsewhere
