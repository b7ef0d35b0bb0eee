"""Appeal density: a COG surface in 3857, PNG tiles that show where appeals are, rebuilt on change."""
import io
from datetime import datetime, timezone

import numpy as np
import pytest
import rasterio
from rasterio.io import MemoryFile

from layers.appeals import Appeal
from tests.tiles.conftest import FAR, NEAR, point, tile_of
from tiles import density
from tiles.grid import lonlat_to_3857

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning",
                                        "ignore::PendingDeprecationWarning")

WHEN = datetime(2026, 1, 15, 8, 30, tzinfo=timezone.utc)


def appeals(n, category, lonlat, start=0):
    for i in range(n):
        Appeal.objects.create(number=f"109-D-{start + i:05d}", category=category, registered_at=WHEN,
                              geom=point(lonlat[0] + (i % 5) * 0.0002, lonlat[1] + (i // 5) * 0.0002))


def alpha(resp) -> np.ndarray:
    with MemoryFile(io.BytesIO(resp.content).read()) as mem, mem.open() as png:
        assert png.count == 4 and png.width == png.height == 256
        return png.read(4)


def test_surface_is_a_cog_in_web_mercator(db):
    appeals(20, "heating", NEAR)
    path = density.build("heating")
    with rasterio.open(path) as src:
        assert src.crs.to_epsg() == 3857
        assert src.profile["tiled"] and src.overviews(1)
        assert src.tags()["appeals"] == "20"
        # the peak sits where the appeals are
        row, col = np.unravel_index(np.argmax(src.read(1)), src.shape)
        lon_x, lat_y = src.xy(row, col)
    x, y = lonlat_to_3857(*NEAR)
    assert abs(lon_x - x) < 300 and abs(lat_y - y) < 300


def test_png_tile_is_coloured_near_appeals_and_clear_far_away(client, db):
    from gis.workflow.catalog import load_catalog

    load_catalog()  # water: a catalog category no appeal carries yet; a name outside the catalog is 404
    appeals(20, "heating", NEAR)
    near = client.get("/tiles/raster/density/heating/{}/{}/{}.png".format(*tile_of(NEAR, 14)))
    assert near.status_code == 200 and near["Content-Type"] == "image/png"
    assert alpha(near).max() > 100
    far = client.get("/tiles/raster/density/heating/{}/{}/{}.png".format(*tile_of(FAR, 14)))
    assert alpha(far).max() == 0
    other = client.get("/tiles/raster/density/water/{}/{}/{}.png".format(*tile_of(NEAR, 14)))
    assert alpha(other).max() == 0
    assert client.get("/tiles/raster/density/no-such/{}/{}/{}.png".format(*tile_of(NEAR, 14))).status_code == 404
    assert client.get(near.request["PATH_INFO"], HTTP_IF_NONE_MATCH=near["ETag"]).status_code == 304


def test_new_appeals_rebuild_the_surface(client, db):
    appeals(10, "roads", NEAR)
    url = "/tiles/raster/density/roads/{}/{}/{}.png".format(*tile_of(FAR, 14))
    assert alpha(client.get(url)).max() == 0
    appeals(10, "roads", FAR, start=100)
    assert alpha(client.get(url)).max() > 100


def test_bad_category_and_range_are_problems(client, db):
    assert client.get("/tiles/raster/density/heating/25/0/0.png").status_code == 404
    resp = client.get("/tiles/raster/density/" + "x" * 60 + "/1/0/0.png")
    assert resp.status_code == 400 and resp.json()["type"] == "urn:qala:error:bad-category"
