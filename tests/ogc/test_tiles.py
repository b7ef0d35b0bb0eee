"""OGC API Tiles: WebMercatorQuad, a tileset per collection, tiles equal to /tiles/, public fields only."""
import mapbox_vector_tile
import mercantile
import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from layers.appeals import Appeal
from layers.cameras import Camera
from layers.registry import registry


def test_web_mercator_quad_is_the_ogc_definition(client):
    listed = client.get("/ogc/tileMatrixSets").json()["tileMatrixSets"]
    assert [t["id"] for t in listed] == ["WebMercatorQuad"]
    tms = client.get("/ogc/tileMatrixSets/WebMercatorQuad").json()
    z0, z14 = tms["tileMatrices"][0], tms["tileMatrices"][14]
    assert z0["matrixWidth"] == 1 and z14["matrixWidth"] == 2 ** 14
    assert abs(z0["scaleDenominator"] - 559082264.0287178) < 1e-3  # the value in OGC 17-083r4
    assert client.get("/ogc/tileMatrixSets/WorldCRS84Quad").status_code == 404


@pytest.mark.django_db
def test_every_collection_has_a_vector_tileset(client):
    conformance = client.get("/ogc/conformance", HTTP_ACCEPT="application/json").json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt" in conformance
    for layer in registry:
        sets = client.get(f"/ogc/collections/{layer.id}/tiles").json()["tilesets"]
        item = next(link for link in sets[0]["links"] if link["rel"] == "item")
        assert item["href"].endswith(f"/ogc/collections/{layer.id}/tiles/WebMercatorQuad/"
                                     "{tileMatrix}/{tileRow}/{tileCol}")
        assert sets[0]["layers"][0]["minTileMatrix"] == str(layer.min_zoom)


@pytest.mark.django_db
def test_ogc_tile_is_our_tile_with_row_and_column_in_ogc_order(client):
    Camera.objects.create(kind="ptz", geom=Point(69.15, 54.87, srid=4326))
    Appeal.objects.create(number="109-2026-000001", category="heating", registered_at=timezone.now(),
                          caller_name="Секретный Житель", caller_phone="+77001234567",
                          geom=Point(69.1501, 54.8701, srid=4326))
    t = mercantile.tile(69.15, 54.87, 16)
    ogc = client.get(f"/ogc/collections/cameras/tiles/WebMercatorQuad/16/{t.y}/{t.x}")
    ours = client.get(f"/tiles/cameras/16/{t.x}/{t.y}.mvt")
    assert ogc.status_code == 200 and ogc["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert ogc.content == ours.content
    features = mapbox_vector_tile.decode(ogc.content)["cameras"]["features"]
    assert [f["properties"]["kind"] for f in features] == ["ptz"]
    appeals = client.get(f"/ogc/collections/appeals/tiles/WebMercatorQuad/16/{t.y}/{t.x}").content
    assert appeals and "Секретный".encode() not in appeals and b"+77001234567" not in appeals


@pytest.mark.django_db
@pytest.mark.parametrize("url, status", [
    ("/ogc/collections/nope/tiles", 404),
    ("/ogc/collections/cameras/tiles/WorldCRS84Quad", 404),
    ("/ogc/collections/cameras/tiles/WebMercatorQuad/3/9/1", 404),   # row beyond the matrix
    ("/ogc/collections/cameras/tiles/WebMercatorQuad/40/0/0", 404),  # no such tile matrix
])
def test_bad_tile_requests_are_problems(client, url, status):
    resp = client.get(url)
    assert resp.status_code == status
    assert resp["Content-Type"] == "application/problem+json"
