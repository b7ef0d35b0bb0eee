"""The pygeoapi-style process classes: metadata, outputs, and bad input as problems."""
import json

import pytest

from gis.errors import QalaError
from gis.hotspots.processes import PROCESSES
from tests.hotspots.test_grid_db import field  # noqa: F401  (fixture)
from tests.hotspots.test_network import Local, hand_network  # noqa: F401  (fixture)


def test_metadata_is_complete():
    assert set(PROCESSES) == {"hotspots", "emerging-hotspots", "network-hotspots", "network-trace",
                              "building-hotspots", "repair-plan"}
    for pid, cls in PROCESSES.items():
        meta = cls.metadata
        assert meta["id"] == pid and meta["inputs"] and meta["outputs"]
        for name, spec in meta["inputs"].items():
            assert "type" in spec["schema"] and spec["minOccurs"] in (0, 1)
        for name in meta["example"]["inputs"]:
            assert name in meta["inputs"]
        json.dumps(meta)


def test_hotspots_process_returns_geojson_cells(field):  # noqa: F811
    mime, doc = PROCESSES["hotspots"]().execute({"start": "2025-01-01", "end": "2026-01-01", "category": "heating",
                                                 "cell_size": 500, "only_significant": True})
    assert mime == "application/geo+json" and doc["type"] == "FeatureCollection"
    props = doc["features"][0]["properties"]
    assert {"count", "z", "p", "bin"} <= set(props) and props["bin"] != 0
    lon, lat = doc["features"][0]["geometry"]["coordinates"][0][0]
    assert 68 < lon < 70 and 54 < lat < 56  # WGS84 out
    json.dumps(doc)


@pytest.mark.parametrize("data, status", [
    ({"start": "2025-01-01", "end": "2026-01-01", "category": "ufo"}, 400),
    ({"start": "2025-01-01", "end": "2026-01-01", "cell_size": 0}, 400),
    ({"start": "2025-01-01", "end": "2026-01-01", "cell_size": "big"}, 400),
    ({"start": "2026-01-01", "end": "2025-01-01"}, 400),
    ({"end": "2026-01-01"}, 400),
    ({"start": "yesterday", "end": "2026-01-01"}, 400),
    ({"start": "2025-01-01", "end": "2026-01-01", "distance_band": 0}, 400),
    ({"start": "2025-01-01", "end": "2026-01-01", "k": 0}, 400),
    ({"start": "2025-01-01", "end": "2026-01-01", "k": 2.5}, 400),
    ({"start": "2025-01-01", "end": "2026-01-01", "fdr": "maybe"}, 400),
])
def test_bad_hotspots_input_is_a_problem_not_a_crash(field, data, status):  # noqa: F811
    with pytest.raises(QalaError) as err:
        PROCESSES["hotspots"]().execute(data)
    assert err.value.problem()["status"] == status


def test_trace_process(hand_network):  # noqa: F811
    seg, _ = hand_network
    mime, out = PROCESSES["network-trace"]().execute({"segment": seg["s5"].id})
    assert mime == "application/json" and len(out["segments"]) == 5 and len(out["buildings"]) == 2
    json.dumps(out)
    with pytest.raises(QalaError) as err:
        PROCESSES["network-trace"]().execute({"segment": 10**9})
    assert err.value.problem()["status"] == 404 and err.value.problem()["type"].endswith("unknown-segment")
    with pytest.raises(QalaError):
        PROCESSES["network-trace"]().execute({})


def test_hotspots_command(field, tmp_path):  # noqa: F811
    from django.core.management import CommandError, call_command

    out = tmp_path / "hot.geojson"
    call_command("hotspots", "--start", "2025-01-01", "--end", "2026-01-01", "--category", "heating",
                 "--cell", "500", "--out", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert any(f["properties"]["bin"] == 3 for f in doc["features"])
    with pytest.raises(CommandError, match="cell size"):
        call_command("hotspots", "--start", "2025-01-01", "--end", "2026-01-01", "--cell", "0", "--out", str(out))
