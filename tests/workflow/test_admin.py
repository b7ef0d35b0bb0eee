"""The admin cannot delete appeals, shows their history read-only, and edits the catalog."""
import pytest
from django.contrib.auth import get_user_model

from layers.appeals import Appeal
from layers.history import AppealEvent


@pytest.fixture
def admin_client(client, db):
    user = get_user_model().objects.create_superuser("root", "", "pw-123456789")
    client.force_login(user)
    return client


def test_no_delete_for_appeals_and_history_is_shown(admin_client, make_appeal):
    appeal = make_appeal(number="109-2026-000042")
    AppealEvent.objects.create(appeal=appeal, action="register", to_state="registered", note="via phone")
    page = admin_client.get(f"/admin/layers/appeal/{appeal.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "via phone" in html, html[-3000:]
    assert f"/admin/layers/appeal/{appeal.pk}/delete/" not in html
    assert admin_client.get(f"/admin/layers/appeal/{appeal.pk}/delete/").status_code == 403
    response = admin_client.post("/admin/layers/appeal/", {"action": "delete_selected",
                                                          "_selected_action": [appeal.pk], "post": "yes"})
    assert response.status_code in (200, 302, 403)
    assert Appeal.objects.filter(pk=appeal.pk).exists()


def test_catalog_is_editable_in_the_admin(admin_client, catalog):
    from layers.catalog import Category

    roads = Category.objects.get(code="roads")
    page = admin_client.get(f"/admin/layers/category/{roads.pk}/change/")
    assert page.status_code == 200 and "roads.open_manhole" in page.content.decode()
    assert admin_client.get("/admin/layers/notice/").status_code == 200
