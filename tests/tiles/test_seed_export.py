"""`qala tiles seed` fills the cache; `qala tiles export` writes a standard MBTiles file."""
import gzip
import json
import sqlite3
from datetime import timedelta

import mapbox_vector_tile
import mercantile
import pytest
from django.core.management import CommandError, call_command
from django.utils.timezone import now as django_now

from layers.buildings import Building
from tests.tiles.conftest import NEAR, fetch, square, tile_of
from tiles import cache

BBOX = "69.14,54.86,69.16,54.88"


def test_seed_renders_then_the_server_answers_from_cache(client, db, capsys):
    Building.objects.create(street="улица Абая", house_number="1", geom=square(*NEAR))
    call_command("tiles", "seed", "--bbox", BBOX, "--zooms", "14-15", "--layers", "buildings")
    expected = len(list(mercantile.tiles(69.14, 54.86, 69.16, 54.88, [14, 15])))
    assert f"rendered {expected}," in capsys.readouterr().out
    assert fetch(client, "buildings", *tile_of(NEAR, 15))["X-Tile-Cache"] == "memory"


def test_export_writes_mbtiles_with_tms_rows(db, tmp_path):
    b = Building.objects.create(street="улица Абая", house_number="1", geom=square(*NEAR))
    out = tmp_path / "city.mbtiles"
    call_command("tiles", "export", "--out", str(out), "--bbox", BBOX, "--zooms", "13-14", "--layer", "buildings")
    db_ = sqlite3.connect(out)
    meta = dict(db_.execute("SELECT name, value FROM metadata"))
    assert meta["format"] == "pbf" and meta["minzoom"] == "13" and meta["maxzoom"] == "14"
    assert [v["id"] for v in json.loads(meta["json"])["vector_layers"]] == ["buildings"]
    rows = db_.execute("SELECT zoom_level, tile_column, tile_row, tile_data FROM tiles ORDER BY 1").fetchall()
    assert [r[0] for r in rows] == [13, 14]  # one building: one non-empty tile per zoom
    for z, x, row, data in rows:
        t = mercantile.tile(*NEAR, z)
        assert (x, row) == (t.x, (1 << z) - 1 - t.y)
        (f,) = mapbox_vector_tile.decode(gzip.decompress(data))["buildings"]["features"]
        assert f["id"] == b.pk


@pytest.mark.parametrize("args", [["--zooms", "9-x"], ["--zooms", "30"], ["--bbox", "69,54,68,55"],
                                  ["--bbox", "1,2,3"], ["--layers", "nope"]])
def test_bad_arguments_are_one_line_errors(db, args):
    with pytest.raises(CommandError):
        call_command("tiles", "seed", *args)


def test_prune_forgets_old_changes_and_older_disk_tiles(client, db, settings, capsys):
    import os
    import time

    from tiles.models import TileChange

    Building.objects.create(street="улица Абая", house_number="1", geom=square(*NEAR))
    fetch(client, "buildings", *tile_of(NEAR, 16))
    fetch(client, "buildings", *tile_of(NEAR, 15))
    old_tile = next(cache.cache_root().glob("buildings/16/*/*.mvt.gz"))
    ten_days_ago = time.time() - 10 * 86400
    os.utime(old_tile, (ten_days_ago, ten_days_ago))
    TileChange.objects.update(changed_at=django_now() - timedelta(days=10))
    TileChange.objects.create(table_name="layers_building", xact=0)  # a recent one stays
    call_command("tiles", "prune", "--days", "7")
    assert "deleted 1 disk tiles and 1 change rows" in capsys.readouterr().out
    assert not old_tile.exists()
    assert list(cache.cache_root().glob("buildings/15/*/*.mvt.gz"))
    assert TileChange.objects.count() == 1
