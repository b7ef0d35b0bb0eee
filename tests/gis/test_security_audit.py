"""The audit log of personal data: a staff read of appeals with their callers writes one row
(who, which appeals, through what); a public read writes none; the database keeps the log
append-only."""
import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, connection, transaction

from gis.models import ApiToken, PersonalDataView
from tests.ogc.conftest import city  # noqa: F401  (three appeals with known callers)

ITEMS = "/ogc/collections/appeals/items"


@pytest.fixture
def operator(django_user_model, db):
    user = django_user_model.objects.create_user("operator-1")
    user.groups.add(Group.objects.get_or_create(name="operator")[0])
    return user


def test_a_staff_page_of_appeals_is_one_audit_row(client, city, operator):  # noqa: F811
    client.force_login(operator)
    response = client.get(ITEMS, {"limit": 1000})
    assert "+7 701 555 12 34" in b"".join(response.streaming_content).decode()
    row = PersonalDataView.objects.get()
    assert row.user == operator and row.layer == "appeals" and row.path == ITEMS
    assert sorted(row.object_ids) == sorted(a.pk for a in city["appeals"])
    assert row.client_ip == "127.0.0.1" and row.at is not None


def test_a_single_appeal_in_html_and_through_a_token_is_logged(client, city, operator):  # noqa: F811
    appeal = city["appeals"][1]
    client.force_login(operator)
    assert "Сидоров" in client.get(f"{ITEMS}/{appeal.pk}", {"f": "html"}).content.decode()
    token, key = ApiToken.issue("dispatch integration", user=operator)
    client.logout()
    client.get(f"{ITEMS}/{appeal.pk}", HTTP_AUTHORIZATION=f"Token {key}")
    rows = list(PersonalDataView.objects.order_by("id"))
    assert [r.object_ids for r in rows] == [[appeal.pk], [appeal.pk]]
    assert [r.api_token for r in rows] == ["", token.prefix]


def test_public_reads_and_layers_without_personal_fields_are_not_logged(client, city, operator):  # noqa: F811
    client.get(ITEMS)
    client.get(f"{ITEMS}/{city['appeals'][0].pk}")
    client.force_login(operator)
    client.get("/ogc/collections/dig_orders/items")
    client.get(ITEMS, {"number": "no-such-appeal"})  # nothing shown, nothing to log
    assert not PersonalDataView.objects.exists()


def test_the_log_is_append_only_in_the_database(client, city, operator):  # noqa: F811
    client.force_login(operator)
    client.get(f"{ITEMS}/{city['appeals'][0].pk}")
    row = PersonalDataView.objects.get()
    for sql in ("DELETE FROM qala_personaldataview", "UPDATE qala_personaldataview SET object_ids = '{}'"):
        with pytest.raises(IntegrityError, match="append-only"), transaction.atomic():
            with connection.cursor() as cur:
                cur.execute(sql)
    with pytest.raises(IntegrityError), transaction.atomic():
        row.delete()
    assert PersonalDataView.objects.get().object_ids == [city["appeals"][0].pk]


def test_the_admin_form_of_an_appeal_is_logged(client, city, django_user_model):  # noqa: F811
    root = django_user_model.objects.create_superuser("root")
    client.force_login(root)
    appeal = city["appeals"][0]
    assert "+7 701 555 12 34" in client.get(f"/admin/layers/appeal/{appeal.pk}/change/").content.decode()
    client.get("/admin/layers/appeal/")  # the list shows public fields only
    row = PersonalDataView.objects.get()
    assert row.user == root and row.object_ids == [appeal.pk]
