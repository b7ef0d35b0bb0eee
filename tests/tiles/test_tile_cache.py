"""Cache: an edit changes the next response for the tiles it touches and no other."""
import gzip
import json

import pytest
from django.db import connection

from django.contrib.gis.geos import MultiLineString

from layers.buildings import Building
from layers.streets import Street
from tests.tiles.conftest import FAR, NEAR, decode, fetch, line, square, tile_of
from tiles import cache
from tiles.models import TileChange


def make_buildings():
    near = Building.objects.create(street="улица Абая", house_number="1", geom=square(*NEAR))
    far = Building.objects.create(street="улица Букетова", house_number="2", geom=square(*FAR))
    return near, far


def test_second_request_is_served_from_memory(client, db):
    make_buildings()
    first = fetch(client, "buildings", *tile_of(NEAR, 16))
    again = fetch(client, "buildings", *tile_of(NEAR, 16))
    assert (first["X-Tile-Cache"], again["X-Tile-Cache"]) == ("miss", "memory")
    assert first.content == again.content and first["ETag"] == again["ETag"]


def test_an_orm_edit_changes_the_touched_tile_and_not_a_far_one(client, db):
    near, _ = make_buildings()
    for z in (13, 16):
        fetch(client, "buildings", *tile_of(NEAR, z))
        fetch(client, "basemap", *tile_of(NEAR, z))
    far_before = fetch(client, "buildings", *tile_of(FAR, 16))
    near.street = "улица Жамбыла"  # what the admin's save does
    near.save()
    for z in (13, 16):
        for source in ("buildings", "basemap"):
            resp = fetch(client, source, *tile_of(NEAR, z))
            assert resp["X-Tile-Cache"] == "miss", (source, z)
            (f,) = decode(resp)["buildings"]["features"]
            assert f["properties"]["street"] == "улица Жамбыла"
    far_after = fetch(client, "buildings", *tile_of(FAR, 16))
    assert far_after["X-Tile-Cache"] == "memory"
    assert far_after["ETag"] == far_before["ETag"]


def test_moving_a_feature_clears_where_it_was_and_where_it_went(client, db):
    near, _ = make_buildings()
    old_tile, new_tile = tile_of(NEAR, 16), tile_of(FAR, 16)
    assert len(decode(fetch(client, "buildings", *old_tile))["buildings"]["features"]) == 1
    assert len(decode(fetch(client, "buildings", *new_tile))["buildings"]["features"]) == 1
    near.geom = square(FAR[0] + 0.0003, FAR[1])
    near.save()
    assert decode(fetch(client, "buildings", *old_tile)) == {}
    assert len(decode(fetch(client, "buildings", *new_tile))["buildings"]["features"]) == 2


def test_delete_and_bulk_insert_invalidate(client, db):
    near, _ = make_buildings()
    t = tile_of(NEAR, 15)
    assert decode(fetch(client, "buildings", *t))
    near.delete()
    assert decode(fetch(client, "buildings", *t)) == {}
    Building.objects.bulk_create([Building(street="улица Новая", house_number=str(i),
                                           geom=square(NEAR[0] + i * 0.0003, NEAR[1])) for i in range(3)])
    assert len(decode(fetch(client, "buildings", *t))["buildings"]["features"]) == 3


def test_the_trigger_logs_old_and_new_bboxes(db):
    near, _ = make_buildings()
    before = TileChange.objects.filter(table_name="layers_building").count()
    near.geom = square(FAR[0] + 0.0003, FAR[1])
    near.save()
    logged = TileChange.objects.filter(table_name="layers_building").order_by("-id")[:2]
    assert TileChange.objects.filter(table_name="layers_building").count() == before + 2
    xs = sorted(c.x0 for c in logged)
    assert xs[0] < xs[1] - 5000  # the old and new places, ~4 km apart in metres


def test_disk_cache_survives_a_new_process_and_is_invalidated(client, db):
    near, _ = make_buildings()
    t = tile_of(NEAR, 16)
    fetch(client, "buildings", *t)
    cache.reset()  # a new process: empty memory, same folder
    assert fetch(client, "buildings", *t)["X-Tile-Cache"] == "disk"
    cache.reset()
    near.house_number = "1а"
    near.save()
    resp = fetch(client, "buildings", *t)
    assert resp["X-Tile-Cache"] == "miss"
    assert decode(resp)["buildings"]["features"][0]["properties"]["house_number"] == "1а"


def test_unrelated_table_leaves_the_cache_alone(client, db):
    make_buildings()
    t = tile_of(NEAR, 16)
    fetch(client, "buildings", *t)
    Street.objects.create(name="улица Абая", geom=MultiLineString(line(*NEAR), srid=4326))
    assert fetch(client, "buildings", *t)["X-Tile-Cache"] == "memory"
    assert fetch(client, "basemap", *t)["X-Tile-Cache"] == "miss"


def test_etag_gives_304_and_gzip_when_accepted(client, db):
    make_buildings()
    t = tile_of(NEAR, 16)
    plain = fetch(client, "buildings", *t)
    assert "Content-Encoding" not in plain
    zipped = fetch(client, "buildings", *t, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip"
    assert gzip.decompress(zipped.content) == plain.content
    assert zipped["ETag"] == plain["ETag"]
    assert zipped["X-Tile-Cache"] == "memory" and "dur=" in zipped["Server-Timing"]
    resp = fetch(client, "buildings", *t, HTTP_IF_NONE_MATCH=plain["ETag"])
    assert resp.status_code == 304 and resp.content == b""
    assert fetch(client, "buildings", *t, HTTP_IF_NONE_MATCH='"other"').status_code == 200


@pytest.mark.django_db(transaction=True)
def test_a_disk_tile_overtaken_by_an_edit_is_not_served_by_another_process(client, settings):
    """Process A wrote the tile just before an edit; process B has already read that edit from the
    change log (so its own invalidation will not run again) and must still not serve A's file."""
    near, _ = make_buildings()
    t = tile_of(NEAR, 16)
    fetch(client, "buildings", *t)  # "process A" renders and writes to disk
    fetch(client, "buildings", *tile_of(FAR, 16))
    near.street = "улица Жамбыла"
    near.save()  # committed: a real edit from another connection's point of view
    cache.reset()
    with connection.cursor() as cur:
        cur.execute("SELECT pg_current_snapshot()::text")
        snapshot = cur.fetchone()[0]
    cursor_file = cache.cache_root() / "cursor"
    cursor_file.write_text(json.dumps({"snapshot": snapshot}))  # "process B" is past the edit
    resp = fetch(client, "buildings", *t)
    assert resp["X-Tile-Cache"] == "miss"
    assert decode(resp)["buildings"]["features"][0]["properties"]["street"] == "улица Жамбыла"
    # and an untouched disk tile is still trusted
    assert fetch(client, "buildings", *tile_of(FAR, 16))["X-Tile-Cache"] == "disk"


def test_disk_tiles_are_kept_per_database(client, db, settings):
    make_buildings()
    z, x, y = tile_of(NEAR, 16)
    fetch(client, "buildings", z, x, y)
    name = connection.settings_dict["NAME"]  # the test database, never the city's
    assert (settings.QALA_TILES["cache_dir"] / name / "buildings" / str(z) / str(x) / f"{y}.mvt.gz").exists()
    assert not (settings.QALA_TILES["cache_dir"] / "buildings").exists()
