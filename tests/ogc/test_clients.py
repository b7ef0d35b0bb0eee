"""Real clients over real HTTP: GDAL's OAPIF driver (ogrinfo) reads what the database holds."""
import re
import shutil
import subprocess

import pytest

from layers.registry import registry

pytestmark = pytest.mark.skipif(shutil.which("ogrinfo") is None, reason="ogrinfo (gdal-bin) is not installed")


def ogrinfo(*args: str) -> str:
    done = subprocess.run(["ogrinfo", "-ro", *args], capture_output=True, text=True, timeout=60,
                          env={"GDAL_HTTP_TIMEOUT": "20", "CPL_DEBUG": "OFF", "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def served(transactional_db, live_server, city):
    return f"OAPIF:{live_server.url}/ogc/"


def test_ogrinfo_lists_every_collection(served):
    out = ogrinfo(served)
    listed = re.findall(r"^\d+: (\w+)", out, re.M)
    assert listed == registry.ids()


def test_ogrinfo_counts_match_the_database_for_every_collection(served):
    out = ogrinfo("-al", "-so", served)
    counts = dict(re.findall(r"^Layer name: (\w+)\n(?:.*\n)*?Feature Count: (\d+)", out, re.M))
    assert set(counts) == set(registry.ids())
    for layer in registry:
        assert int(counts[layer.id]) == layer.model.objects.count(), layer.id
    assert int(counts["appeals"]) == 3 and int(counts["dig_orders"]) == 2


def test_ogrinfo_reads_features_with_a_bbox_and_no_personal_field(served):
    out = ogrinfo("-al", "-spat", "69.14", "54.86", "69.17", "54.89", served, "appeals")
    assert len(re.findall(r"^OGRFeature\(appeals\)", out, re.M)) == 2
    assert "number (String) = 109-2026-000001" in out
    assert "caller" not in out and "description" not in out


def test_owslib_lists_collections_and_reads_items_with_bbox_and_cql2(transactional_db, live_server, city):
    from owslib.ogcapi.features import Features

    api = Features(f"{live_server.url}/ogc/")
    assert [c["id"] for c in api.collections()["collections"]] == registry.ids()
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
    a1, a2, a3 = city["appeals"]
    boxed = api.collection_items("appeals", bbox=[69.14, 54.86, 69.17, 54.89])
    assert [f["id"] for f in boxed["features"]] == [a1.pk, a2.pk]
    filtered = api.collection_items("appeals", filter="category = 'heating' AND status = 'registered'", limit=1)
    assert [f["id"] for f in filtered["features"]] == [a1.pk] and filtered["numberMatched"] == 2
    assert api.collection_item("appeals", str(a3.pk))["properties"]["number"] == a3.number
