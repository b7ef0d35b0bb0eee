"""Structured logs: one JSON object per request with its method, path, status, time, user,
address and request id; never the query string or the body (a caller's phone stays out)."""
import json
import logging

from gis.jsonlog import JsonFormatter

PHONE = "+7 701 555 12 34"


def lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "qala.request"]


def test_a_request_is_one_json_line_without_personal_data(client, db, caplog, django_user_model):
    user = django_user_model.objects.create_user("operator-7")
    client.force_login(user)
    with caplog.at_level(logging.INFO, logger="qala.request"):
        response = client.get("/ogc/collections/appeals/items", {"caller_phone": PHONE},
                              HTTP_X_REQUEST_ID="req-12345678")
        client.logout()
        client.post("/open311/v2/requests.json", {"phone": PHONE, "service_code": "water"})
    first, second = lines(caplog)
    assert first["method"] == "GET" and first["path"] == "/ogc/collections/appeals/items"
    assert first["status"] == response.status_code == 400  # personal fields are not queryable
    assert first["user"] == user.pk and first["client_ip"] == "127.0.0.1"
    assert first["request_id"] == "req-12345678" == response["X-Request-ID"]
    assert isinstance(first["duration_ms"], float) and first["level"] == "INFO" and first["time"]
    assert second["method"] == "POST" and len(second["request_id"]) == 32  # generated
    assert second["user"] == "anonymous"
    text = "\n".join(JsonFormatter().format(r) for r in caplog.records)
    assert PHONE not in text and "555" not in text


def test_the_console_handler_writes_json(settings):
    assert settings.LOGGING["handlers"]["console"]["formatter"] == "json"
    handler = logging.getLogger().handlers[0]
    record = logging.LogRecord("qala.request", logging.INFO, __file__, 1, "GET %s", ("/x",), None)
    assert json.loads(handler.format(record))["message"] == "GET /x"
