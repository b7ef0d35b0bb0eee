"""An API token acts as its staff account: an editor's key edits from a GIS client (no cookie,
no CSRF); a key without an account, a revoked one, or a citizen's cannot."""
import json

import pytest
from django.contrib.auth.models import Group
from django.test import Client

from gis.models import ApiToken
from layers.cameras import Camera

ITEMS = "/ogc/collections/cameras/items"
CAMERA = {"type": "Feature", "geometry": {"type": "Point", "coordinates": [69.151, 54.871]},
          "properties": {"kind": "street"}}


def post(key: str):
    client = Client(enforce_csrf_checks=True)  # a desktop GIS client has no CSRF cookie
    return client.post(ITEMS, json.dumps(CAMERA), content_type="application/geo+json",
                       HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def editor_key(django_user_model, db):
    user = django_user_model.objects.create_user("qgis-editor")
    user.groups.add(Group.objects.get_or_create(name="editor")[0])
    return ApiToken.issue("QGIS of the GIS department", user=user)


def test_an_editors_token_edits_without_a_session(editor_key):
    token, key = editor_key
    assert post(key).status_code == 201
    assert Camera.objects.count() == 1
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_revoked_unknown_and_account_less_tokens_are_401(editor_key):
    token, key = editor_key
    token.active = False
    token.save()
    for bad in (key, "not-a-key", ApiToken.issue("Telegram bot", "telegram")[1]):
        resp = post(bad)
        assert resp.status_code == 401 and resp["Content-Type"] == "application/problem+json"
    assert not Camera.objects.exists()


def test_a_token_of_someone_without_the_role_cannot_edit(django_user_model, db):
    citizen = django_user_model.objects.create_user("citizen")
    _, key = ApiToken.issue("someone's script", user=citizen)
    assert post(key).status_code == 403
    assert not Camera.objects.exists()
