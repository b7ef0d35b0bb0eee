"""OGC API Processes: the features-within-radius analysis, synchronous."""
import json

import pytest
from pyproj import Geod

EXECUTE = "/ogc/processes/features-within-radius/execution"


def run(client, inputs, status=200):
    response = client.post(EXECUTE, json.dumps({"inputs": inputs}), content_type="application/json")
    assert response.status_code == status, response.content[:300]
    return response.json()


def test_process_is_listed_and_described(client, db):
    listed = client.get("/ogc/processes").json()["processes"]
    assert [p["id"] for p in listed][0] == "features-within-radius"
    described = client.get("/ogc/processes/features-within-radius").json()
    assert {"collection", "point", "radius"} <= set(described["inputs"])
    assert client.get("/ogc/processes?f=html").status_code == 200


def test_features_within_radius_nearest_first_with_distance(client, city):
    a1, a2, a3 = city["appeals"]
    expected = Geod(ellps="WGS84").inv(69.15, 54.87, 69.16, 54.88)[2]  # a1 -> a2, about 1.3 km
    doc = run(client, {"collection": "appeals", "point": {"type": "Point", "coordinates": [69.15, 54.87]},
                       "radius": expected + 5})
    assert [f["id"] for f in doc["features"]] == [a1.pk, a2.pk]
    assert doc["features"][0]["properties"]["distance_m"] == 0
    assert abs(doc["features"][1]["properties"]["distance_m"] - expected) < 1
    assert "caller_name" not in doc["features"][0]["properties"]
    closer = run(client, {"collection": "appeals", "point": {"type": "Point", "coordinates": [69.15, 54.87]},
                          "radius": expected - 5})
    assert [f["id"] for f in closer["features"]] == [a1.pk]


@pytest.mark.parametrize("inputs, status, words", [
    ({"collection": "appeals", "point": {"type": "Point", "coordinates": [69.15, 54.87]}}, 400, "missing"),
    ({"collection": "appeals", "point": [69.15, 54.87], "radius": 10}, 400, "GeoJSON Point"),
    ({"collection": "appeals", "point": {"type": "Point", "coordinates": [54.87, 69.15]}, "radius": 10}, 400,
     "outside the city"),
    ({"collection": "appeals", "point": {"type": "Point", "coordinates": [69.15, 54.87]}, "radius": 1e9}, 400,
     "radius"),
    ({"collection": "ghosts", "point": {"type": "Point", "coordinates": [69.15, 54.87]}, "radius": 10}, 404,
     "unknown layer"),
])
def test_bad_process_inputs(client, db, inputs, status, words):
    doc = run(client, inputs, status)
    assert words in doc["detail"]


def test_unknown_process_and_bad_body(client, db):
    assert client.post("/ogc/processes/nope/execution", "{}", content_type="application/json").status_code == 404
    response = client.post(EXECUTE, "{not json", content_type="application/json")
    assert response.status_code == 400 and response["Content-Type"] == "application/problem+json"
