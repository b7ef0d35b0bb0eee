"""Every layer is editable in the admin, with a map served by us and counts on the index."""
import re

import pytest
from django.contrib.gis.geos import Point

from layers.cameras import Camera
from layers.registry import registry

OUTSIDE = re.compile(r"""(src|href)=["']https?://(?!127\.0\.0\.1|testserver)""")


@pytest.mark.django_db
def test_admin_index_lists_every_layer_with_its_count(admin_client):
    Camera.objects.create(geom=Point(69.15, 54.87, srid=4326))
    Camera.objects.create(geom=Point(69.16, 54.87, srid=4326))
    html = admin_client.get("/admin/").content.decode()
    for layer in registry:
        assert str(layer.model._meta.verbose_name_plural).capitalize() in html
    assert re.search(r"Cameras — 2\b", html)


@pytest.mark.django_db
@pytest.mark.parametrize("layer", [lr for lr in registry if not lr.created_through], ids=lambda layer: layer.id)
def test_add_form_has_an_offline_map_editor(admin_client, layer):
    """Appeals are added by the workflow, not here (tests/ogc/test_editing.py checks the refusal)."""
    opts = layer.model._meta
    resp = admin_client.get(f"/admin/{opts.app_label}/{opts.model_name}/add/")
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "/static/vendor/ol/ol.js" in html
    assert "new MapWidget" in html
    assert not OUTSIDE.search(html), OUTSIDE.search(html)
    assert admin_client.get(f"/admin/{opts.app_label}/{opts.model_name}/").status_code == 200


@pytest.mark.django_db
def test_admin_refuses_a_point_outside_the_city_with_a_message(admin_client):
    resp = admin_client.post("/admin/layers/camera/add/", {
        "kind": "fixed", "stream_id": "", "geom": '{"type": "Point", "coordinates": [37.6, 55.8]}',
    })
    assert resp.status_code == 200  # the form comes back with the error, nothing stored
    assert "outside the city extent" in resp.content.decode()
    assert Camera.objects.count() == 0
