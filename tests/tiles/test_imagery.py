"""An orthophoto in the city's metric CRS, imported through rasterio and served as PNG tiles."""
import io

import numpy as np
import pytest
import rasterio
from django.core.management import CommandError, call_command
from rasterio.io import MemoryFile
from rasterio.transform import from_origin
from rasterio.warp import transform as warp

from tests.tiles.conftest import FAR, NEAR, tile_of

pytestmark = pytest.mark.filterwarnings("ignore::rasterio.errors.NotGeoreferencedWarning",
                                        "ignore::PendingDeprecationWarning")


@pytest.fixture
def rasters(settings, tmp_path):
    settings.QALA_TILES = {**settings.QALA_TILES, "raster_dir": tmp_path / "rasters"}


def orthophoto(path, centre=NEAR, size_m=400, px=200):
    """A UTM 42N image around centre: red west half, blue east half."""
    (x,), (y,) = warp("EPSG:4326", "EPSG:32642", [centre[0]], [centre[1]])
    rgb = np.zeros((3, px, px), dtype="uint8")
    rgb[0, :, : px // 2] = 255
    rgb[2, :, px // 2:] = 255
    with rasterio.open(path, "w", driver="GTiff", width=px, height=px, count=3, dtype="uint8", crs="EPSG:32642",
                       transform=from_origin(x - size_m / 2, y + size_m / 2, size_m / px, size_m / px)) as dst:
        dst.write(rgb)
    return path


def pixels(resp):
    with MemoryFile(io.BytesIO(resp.content).read()) as mem, mem.open() as png:
        return png.read()


def test_imported_orthophoto_is_served_in_web_mercator(client, db, rasters, tmp_path, capsys):
    call_command("tiles", "import-raster", str(orthophoto(tmp_path / "ortho.tif")), "--name", "ortho2026")
    assert "imported" in capsys.readouterr().out
    with rasterio.open(tmp_path / "rasters" / "ortho2026.tif") as cog:
        assert cog.crs.to_epsg() == 3857 and cog.profile["tiled"]
    resp = client.get("/tiles/raster/imagery/ortho2026/{}/{}/{}.png".format(*tile_of(NEAR, 16)))
    assert resp.status_code == 200 and resp["Content-Type"] == "image/png"
    r, g, b, a = pixels(resp).astype(int)
    opaque = a > 0
    assert opaque.any()
    red = opaque & (r > 200) & (b < 50)
    blue = opaque & (b > 200) & (r < 50)
    assert red.any() and blue.any()
    # red lies west of blue, as in the source image
    assert np.nonzero(red)[1].mean() < np.nonzero(blue)[1].mean()
    far = client.get("/tiles/raster/imagery/ortho2026/{}/{}/{}.png".format(*tile_of(FAR, 16)))
    assert pixels(far)[3].max() == 0  # transparent outside the image


def test_unknown_imagery_and_bad_files(client, db, rasters, tmp_path):
    resp = client.get("/tiles/raster/imagery/nothing/10/0/0.png")
    assert resp.status_code == 404 and resp.json()["type"] == "urn:qala:error:unknown-imagery"
    not_an_image = tmp_path / "notes.tif"
    not_an_image.write_text("hello")
    with pytest.raises(CommandError, match="cannot read"):
        call_command("tiles", "import-raster", str(not_an_image), "--name", "x")
