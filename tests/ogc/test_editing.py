"""OGC API Features Part 4: editors create, replace and delete; nobody else can; appeals stay."""
import json

import pytest
from django.contrib.auth.models import Group

from layers.cameras import Camera

ITEMS = "/ogc/collections/cameras/items"
CAMERA = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [69.151, 54.871]},
          "properties": {"kind": "street", "direction_deg": 90}}


@pytest.fixture
def editor(client, django_user_model):
    user = django_user_model.objects.create_user("editor", password="x")
    user.groups.add(Group.objects.get_or_create(name="editor")[0])
    client.force_login(user)
    return client


def post(client, url, doc):
    return client.post(url, json.dumps(doc) if not isinstance(doc, str) else doc, content_type="application/geo+json")


def test_editor_creates_replaces_and_deletes_a_camera(editor):
    response = post(editor, ITEMS, CAMERA)
    assert response.status_code == 201, response.content
    camera = Camera.objects.get()
    assert response["Location"].endswith(f"{ITEMS}/{camera.pk}")
    assert (camera.kind, camera.direction_deg, camera.geom.x) == ("street", 90, 69.151)
    moved = {**CAMERA, "geometry": {"type": "Point", "coordinates": [69.2, 54.9]}, "properties": {"direction_deg": 180}}
    assert editor.put(f"{ITEMS}/{camera.pk}", json.dumps(moved), content_type="application/geo+json").status_code == 204
    camera.refresh_from_db()
    assert (camera.direction_deg, camera.geom.x, camera.kind) == (180, 69.2, "street")
    assert editor.delete(f"{ITEMS}/{camera.pk}").status_code == 204
    assert not Camera.objects.exists()


@pytest.mark.parametrize("doc, words", [
    ("{not json", "not valid JSON"),
    ({"type": "FeatureCollection", "features": []}, "GeoJSON Feature"),
    ({**CAMERA, "geometry": {"type": "Point", "coordinates": "here"}}, "geometry is not valid"),
    ({**CAMERA, "geometry": {"type": "LineString", "coordinates": [[69.1, 54.8], [69.2, 54.9]]}}, "must be a Point"),
    ({**CAMERA, "geometry": {"type": "Point", "coordinates": [54.87, 69.15]}}, "outside the city"),
    ({**CAMERA, "geometry": None}, "required"),
    ({**CAMERA, "properties": {"stream_id": "rtsp://secret"}}, "not writable"),
    ({**CAMERA, "properties": {"direction_deg": "east"}}, "direction_deg"),
])
def test_invalid_features_are_refused(editor, doc, words):
    response = post(editor, ITEMS, doc)
    assert response.status_code == 400, response.content
    assert response["Content-Type"] == "application/problem+json"
    assert words in response.json()["detail"]
    assert not Camera.objects.exists()


def test_only_editors_edit_and_appeals_are_never_deleted(client, editor, city, django_user_model):
    appeal = city["appeals"][0]
    assert editor.delete(f"/ogc/collections/appeals/items/{appeal.pk}").status_code == 409
    editor.logout()
    assert post(editor, ITEMS, CAMERA).status_code == 403
    citizen = django_user_model.objects.create_user("citizen", password="x")
    editor.force_login(citizen)
    assert post(editor, ITEMS, CAMERA).status_code == 403
    assert editor.delete(f"/ogc/collections/dig_orders/items/{city['digs'][0].pk}").status_code == 403
    assert editor.patch(f"{ITEMS}/1").status_code == 405


def test_the_workflow_fields_of_an_appeal_are_not_written_by_editing(editor, city, admin_client):
    """An editor's PUT may move an appeal's point, never close it or change its executor: that would
    skip the history row every change of state leaves."""
    from layers.appeals import Appeal
    from layers.history import AppealEvent

    appeal = city["appeals"][0]
    before = (appeal.status, appeal.closed_at, AppealEvent.objects.count())
    url = f"/ogc/collections/appeals/items/{appeal.pk}"
    for props in ({"status": "closed"}, {"closed_at": "2026-01-01T00:00:00Z"}, {"executor": None}):
        response = editor.put(url, json.dumps({"type": "Feature", "properties": props,
                                               "geometry": {"type": "Point", "coordinates": [69.15, 54.87]}}),
                               content_type="application/geo+json")
        assert response.status_code == 400, response.content
        assert "the workflow sets them" in response.json()["detail"]
    appeal.refresh_from_db()
    assert (appeal.status, appeal.closed_at, AppealEvent.objects.count()) == before
    moved = {"type": "Feature", "properties": {}, "geometry": {"type": "Point", "coordinates": [69.151, 54.871]}}
    assert editor.put(url, json.dumps(moved), content_type="application/geo+json").status_code == 204
    assert Appeal.objects.get(pk=appeal.pk).geom.x == 69.151

    created = post(editor, "/ogc/collections/appeals/items", {**moved, "properties": {"category": "roads"}})
    assert created.status_code == 405 and "/api/workflow/appeals" in created.json()["detail"]
    paths = editor.get("/ogc/openapi?f=json").json()["paths"]
    assert "post" not in paths["/collections/appeals/items"] and "post" in paths["/collections/cameras/items"]

    page = admin_client.get(f"/admin/layers/appeal/{appeal.pk}/change/").content.decode()
    assert 'name="status"' not in page and 'name="closed_at' not in page  # shown read-only, not as inputs
    assert admin_client.get("/admin/layers/appeal/add/").status_code == 403
