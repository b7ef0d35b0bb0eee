"""Tile tests: a fresh cache in a temporary folder for each test, and tiny features in the city."""
import gzip

import mapbox_vector_tile
import mercantile
import pytest
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon

from tiles import cache

# two spots in Petropavl about 4 km apart: far enough to sit in different tiles from z12 on
NEAR = (69.1500, 54.8700)
FAR = (69.2100, 54.8900)


@pytest.fixture(autouse=True)
def tile_cache(settings, tmp_path):
    settings.QALA_TILES = {**settings.QALA_TILES, "cache_dir": tmp_path / "tiles", "disk_cache": True}
    cache.reset()
    yield
    cache.reset()


def square(lon, lat, size=0.0002):
    return MultiPolygon(Polygon.from_bbox((lon, lat, lon + size, lat + size)), srid=4326)


def line(lon, lat, length=0.001):
    return LineString((lon, lat), (lon + length, lat + length / 2), srid=4326)


def point(lon, lat):
    return Point(lon, lat, srid=4326)


def tile_of(lonlat, z):
    t = mercantile.tile(lonlat[0], lonlat[1], z)
    return z, t.x, t.y


def fetch(client, source, z, x, y, **headers):
    return client.get(f"/tiles/{source}/{z}/{x}/{y}.mvt", **headers)


def body(resp) -> bytes:
    data = resp.content
    return gzip.decompress(data) if resp.get("Content-Encoding") == "gzip" else data


def decode(resp) -> dict:
    return mapbox_vector_tile.decode(body(resp))
