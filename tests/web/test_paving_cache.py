"""The public paving ranking is cached for a minute, and the cache follows the weights."""
from web import paving


def test_ranking_is_computed_once_per_minute_and_per_weights(monkeypatch, db):
    calls = []
    monkeypatch.setattr(paving, "_rank", lambda w, limit: calls.append((tuple(sorted(w.items())), limit)) or [])
    paving.paving_queue()
    paving.paving_queue()
    assert len(calls) == 1
    monkeypatch.setattr(paving, "weights", lambda: {"apartments": 1.0, "appeals": 0.0, "area": 0.0})
    paving.paving_queue()
    assert len(calls) == 2


def test_the_top_of_the_queue_carries_the_plan_year(client, settings, db):
    from django.contrib.gis.geos import MultiPolygon, Polygon

    from layers.yards import Yard

    for i in range(4):
        Yard.objects.create(name=f"двор {i}", paving_state="unpaved", geom=MultiPolygon(Polygon.from_bbox(
            (69.15 + i * 0.002, 54.87, 69.15 + i * 0.002 + 0.0005 * (i + 1), 54.8705)), srid=4326))
    settings.QALA_PAVING_PLAN = {"year": 2027, "per_year": 2}
    body = client.get("/paving.json").json()
    assert body["plan"] == {"year": 2027, "yards": 2}
    assert [y["planned_year"] for y in body["yards"]] == [2027, 2027, None, None]
    html = client.get("/paving/").content.decode()
    assert "2027" in html and 'id="paving-plan"' in html
