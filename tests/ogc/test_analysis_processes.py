"""The planners' analyses are OGC API processes: listed, described, executed, with 4xx on bad input."""
import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from gis.hotspots.processes import PROCESSES as ANALYSES
from layers.appeals import Appeal


def test_every_analysis_is_listed_and_described(client):
    listed = {p["id"] for p in client.get("/ogc/processes", HTTP_ACCEPT="application/json").json()["processes"]}
    assert set(ANALYSES) | {"features-within-radius"} <= listed
    for process_id in ANALYSES:
        doc = client.get(f"/ogc/processes/{process_id}", HTTP_ACCEPT="application/json").json()
        assert doc["id"] == process_id and doc["inputs"] and doc["outputs"]


@pytest.mark.django_db
def test_hotspots_process_finds_a_planted_cluster(client):
    when = timezone.make_aware(dt.datetime(2026, 6, 1, 12))
    n = 0
    for i in range(12):  # a background of scattered appeals
        for j in range(8):
            Appeal.objects.create(number=f"109-2026-{n:06d}", category="heating", registered_at=when,
                                  geom=Point(69.10 + i * 0.008, 54.84 + j * 0.008, srid=4326))
            n += 1
    for k in range(60):  # and a cluster
        Appeal.objects.create(number=f"109-2026-{n:06d}", category="heating", registered_at=when,
                              geom=Point(69.15 + (k % 6) * 0.0003, 54.87 + (k // 6) * 0.0003, srid=4326))
        n += 1
    resp = client.post("/ogc/processes/hotspots/execution", content_type="application/json", data={
        "inputs": {"cell_size": 500, "start": "2026-01-01", "end": "2026-12-31", "category": "heating",
                   "cells": "occupied", "distance_band": 1500}})
    assert resp.status_code == 200, resp.content
    assert resp["Content-Type"].startswith("application/geo+json")
    hot = [f for f in resp.json()["features"] if f["properties"]["bin"] >= 2]
    assert hot and max(f["properties"]["count"] for f in hot) >= 30


@pytest.mark.django_db
def test_analysis_bad_input_is_a_problem_document(client):
    resp = client.post("/ogc/processes/hotspots/execution", content_type="application/json",
                       data={"inputs": {"cell_size": 0, "start": "2026-01-01", "end": "2026-12-31"}})
    assert resp.status_code == 400
    assert "cell" in resp.json()["detail"].lower()
    resp = client.post("/ogc/processes/network-trace/execution", content_type="application/json",
                       data={"inputs": {"segment": 987654}})
    assert resp.status_code == 404
