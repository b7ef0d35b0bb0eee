"""Open311 GeoReport v2: services, reading requests (public fields only) and filing one with a key."""
import json
from datetime import datetime, timedelta, timezone
from xml.etree import ElementTree as ET

import pytest
from django.contrib.gis.geos import Point

from gis.models import ApiToken
from layers.appeals import Appeal

V2 = "/open311/v2"


@pytest.fixture
def token(db):
    return ApiToken.issue("Telegram bot", channel="telegram")


@pytest.fixture
def appeals(db):
    now = datetime.now(timezone.utc)
    return [Appeal.objects.create(number=f"109-2026-00010{i}", category=cat, geom=Point(69.15 + i / 100, 54.87),
                                  registered_at=now - timedelta(days=days), closed_at=closed,
                                  caller_name="Сауле Ахметова", caller_phone="+7 705 111 22 33",
                                  description="течёт труба в подвале", address="ул. Абая, 10")
            for i, (cat, days, closed) in enumerate([("heating", 1, None), ("water", 2, now), ("heating", 200, None)])]


def test_services_list_the_categories(client, db):
    services = client.get(f"{V2}/services.json").json()
    codes = {s["service_code"] for s in services}
    assert {"heating", "water", "roads"} <= codes
    assert all(s["type"] == "realtime" and isinstance(s["metadata"], bool) for s in services)
    root = ET.fromstring(client.get(f"{V2}/services.xml").content)
    assert {el.findtext("service_code") for el in root.findall("service")} == codes


def test_requests_show_public_fields_only_and_filter(client, appeals):
    rows = client.get(f"{V2}/requests.json").json()
    assert [r["service_request_id"] for r in rows] == ["109-2026-000100", "109-2026-000101"]  # last 90 days
    assert {r["status"] for r in rows} == {"open", "closed"}
    text = json.dumps(rows, ensure_ascii=False)
    for secret in ("Сауле", "Ахметова", "705 111 22 33", "труба", "Абая"):  # whole values: a timestamp may hold "705"
        assert secret not in text
    assert [r["service_request_id"] for r in client.get(f"{V2}/requests.json?status=closed").json()] == \
        ["109-2026-000101"]
    old = client.get(f"{V2}/requests.json?start_date=2020-01-01T00:00:00Z&service_code=heating").json()
    assert [r["service_request_id"] for r in old] == ["109-2026-000100", "109-2026-000102"]
    page2 = client.get(f"{V2}/requests.json?start_date=2020-01-01T00:00:00Z&page_size=2&page=2").json()
    assert [r["service_request_id"] for r in page2] == ["109-2026-000102"]
    one = client.get(f"{V2}/requests/109-2026-000101.json").json()
    assert one[0]["lat"] == 54.87 and one[0]["long"] == 69.16


def test_post_files_an_appeal_with_a_number(client, token, appeals):
    _, key = token
    response = client.post(f"{V2}/requests.json", {
        "api_key": key, "service_code": "water", "lat": "54.8712", "long": "69.1432",
        "first_name": "Ержан", "last_name": "Нурланов", "phone": "+7 700 000 11 22",
        "description": "нет холодной воды"})
    assert response.status_code == 201, response.content
    number = response.json()[0]["service_request_id"]
    year = datetime.now().year
    assert number.startswith(f"109-{year}-") and len(number) == len("109-2026-000001")
    appeal = Appeal.objects.get(number=number)
    assert appeal.channel == "telegram" and appeal.caller_name == "Ержан Нурланов"
    from gis.workflow.deadlines import initial_due

    assert appeal.due_at == initial_due(appeal.registered_at, "law")  # 15 calendar days, the workflow's rule
    assert [e.action for e in appeal.events.all()] == ["register"]  # filed through the workflow: history kept
    assert abs(appeal.geom.x - 69.1432) < 1e-9
    again = client.post(f"{V2}/requests.json", {"api_key": key, "service_code": "water", "lat": "54.87",
                                                 "long": "69.15"}).json()[0]["service_request_id"]
    assert int(again[-6:]) == int(number[-6:]) + 1
    shown = client.get(f"{V2}/requests/{number}.json").json()[0]
    assert shown["service_code"] == "water" and "Ержан" not in json.dumps(shown, ensure_ascii=False)


@pytest.mark.parametrize("data, status, words", [
    ({"service_code": "water", "lat": "54.87", "long": "69.15"}, 403, "api_key"),
    ({"api_key": "wrong", "service_code": "water", "lat": "54.87", "long": "69.15"}, 403, "api_key"),
    ({"service_code": "water", "lat": "51.17", "long": "71.43"}, 400, "outside the city"),
    ({"service_code": "water", "lat": "69.15", "long": "54.87"}, 400, "outside the city"),
    ({"service_code": "water", "lat": "north", "long": "69.15"}, 400, "numbers"),
    ({"service_code": "water"}, 400, "required"),
    ({"service_code": "unicorns", "lat": "54.87", "long": "69.15"}, 400, "service_code"),
])
def test_bad_posts_are_refused_with_the_error_list(client, token, data, status, words):
    data = {"api_key": token[1], **data} if "api_key" not in data and status != 403 else data
    before = Appeal.objects.count()
    response = client.post(f"{V2}/requests.json", data)
    assert response.status_code == status
    error = response.json()[0]
    assert error["code"] == status and words in error["description"]
    assert Appeal.objects.count() == before


def test_errors_in_xml_and_unknown_things(client, db):
    response = client.get(f"{V2}/requests/109-2026-999999.xml")
    assert response.status_code == 404
    assert ET.fromstring(response.content).find("error/code").text == "404"
    assert client.get(f"{V2}/requests.json?start_date=last-week").status_code == 400
    assert client.get(f"{V2}/requests.json?page_size=0").status_code == 400
    assert client.get(f"{V2}/services.csv").status_code == 404


def test_api_keys_are_stored_hashed(token):
    saved, key = token
    assert key not in saved.key_hash and ApiToken.authenticate(key) == saved
    saved.active = False
    saved.save()
    assert ApiToken.authenticate(key) is None


def test_issue_api_token_command_prints_a_working_key(db):
    from io import StringIO

    from django.core.management import call_command

    out = StringIO()
    call_command("issue_api_token", "Mobile app", "--channel", "app", stdout=out)
    key = out.getvalue().strip().rsplit(" ", 1)[-1]
    assert ApiToken.authenticate(key).name == "Mobile app"


def test_service_definition_lists_incident_types_and_post_accepts_one(client, token):
    services = {s["service_code"]: s for s in client.get(f"{V2}/services.json").json()}
    assert services["heating"]["metadata"] is True
    definition = client.get(f"{V2}/services/heating.json").json()
    keys = [v["key"] for v in definition["attributes"][0]["values"]]
    assert definition["service_code"] == "heating" and "heating.cold_flat" in keys
    xml = ET.fromstring(client.get(f"{V2}/services/heating.xml").content)
    assert "heating.cold_flat" in [k.text for k in xml.iter("key")]
    assert client.get(f"{V2}/services/nope.json").status_code == 404
    _, key = token
    number = client.post(f"{V2}/requests.json", {
        "api_key": key, "service_code": "heating", "attribute[incident_type]": "heating.cold_flat",
        "lat": "54.8712", "long": "69.1432"}).json()[0]["service_request_id"]
    assert Appeal.objects.get(number=number).incident_type == "heating.cold_flat"
    wrong = client.post(f"{V2}/requests.json", {
        "api_key": key, "service_code": "heating", "attribute[incident_type]": "roads.pothole",
        "lat": "54.8712", "long": "69.1432"})
    assert wrong.status_code == 400


def test_status_notes_are_the_history_states_never_staff_notes(client, token):
    from layers.history import AppealEvent

    _, key = token
    number = client.post(f"{V2}/requests.json", {"api_key": key, "service_code": "water", "lat": "54.8712",
                                                 "long": "69.1432"}).json()[0]["service_request_id"]
    appeal = Appeal.objects.get(number=number)
    AppealEvent.objects.create(appeal=appeal, action="accept", from_state="registered", to_state="accepted",
                               note="called Ержан back on +7 700 000 11 22")
    shown = client.get(f"{V2}/requests/{number}.json").json()[0]
    assert shown["status_notes"].startswith("registered ") and "; accepted " in shown["status_notes"]
    assert "Ержан" not in json.dumps(shown, ensure_ascii=False) and "000 11 22" not in shown["status_notes"]
