"""The web map's pages through the test client: access by role, no personal data in public, the style."""
import re

import pytest
from django.utils import timezone

from layers.appeals import Appeal
from layers.registry import registry
from tests.web.conftest import SECRET_NAME, SECRET_PHONE, X0, Y0, make_user
from tiles.sources import BASEMAP
from web.mapstyle import DEADLINE_COLORS, build_style


@pytest.mark.parametrize("url", ["/operator/", "/planner/", "/dashboard/", "/dashboard.json"])
def test_anonymous_users_are_sent_to_login(client, db, url):
    resp = client.get(url)
    assert resp.status_code == 302
    assert resp["Location"].startswith("/login/?next=")


def test_anonymous_cannot_register_an_appeal(client, quarter):
    resp = client.post("/operator/appeals", {"category": "heating", "description": "x", "lon": X0, "lat": Y0})
    assert resp.status_code == 302
    assert Appeal.objects.count() == 2


@pytest.mark.parametrize("url", ["/operator/", "/dashboard/"])
def test_a_user_without_the_role_gets_a_403_page(client, db, url):
    client.force_login(make_user("citizen"))
    resp = client.get(url)
    assert resp.status_code == 403
    assert b"operator" in resp.content or b"supervisor" in resp.content


def test_roles_open_their_faces(operator_client, quarter):
    assert operator_client.get("/operator/").status_code == 200
    assert operator_client.get("/dashboard/").status_code == 403


@pytest.mark.parametrize("url", ["/", "/paving/", "/paving.json", "/appeal/{n}/", "/map/style.json"])
def test_public_pages_show_no_personal_data(client, quarter, url):
    resp = client.get(url.format(n=quarter["appeal"].number))
    assert resp.status_code == 200
    body = resp.content.decode()
    for secret in (SECRET_NAME, SECRET_PHONE, "__pwned", "улица Жамбыла, 15"):
        assert secret not in body


def test_appeal_status_page(client, quarter):
    resp = client.get(f"/appeal/{quarter['late'].number}/", HTTP_ACCEPT_LANGUAGE="en")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert quarter["heat"].name in body  # the executor organization, never the person
    assert "overdue" in body


@pytest.mark.parametrize("number", ["109-2026-999999", "nonsense", "<script>x</script>"])
def test_unknown_appeal_number_is_a_clear_404(client, quarter, number):
    resp = client.get(f"/appeal/{number}/", HTTP_ACCEPT_LANGUAGE="en")
    assert resp.status_code == 404
    assert b"Appeal not found" in resp.content
    assert b"<script>x" not in resp.content


def test_lookup_form_redirects_to_the_status_page(client, quarter):
    resp = client.get("/appeal/", {"number": " 109-2026-000001 "})
    assert resp.status_code == 302 and resp["Location"] == "/appeal/109-2026-000001/"


def test_paving_queue_ranks_the_big_yard_first_and_shows_weights(client, quarter):
    data = client.get("/paving.json").json()
    names = [y["name"] for y in data["yards"]]
    assert names == ["двор Жамбыла 15", "двор Жамбыла 31"]  # the good yard is not queued
    first = data["yards"][0]
    assert first["apartments"] == 180 and first["appeals"] == 1 and first["score"] > data["yards"][1]["score"]
    assert data["yards"][1]["appeals"] == 1  # an appeal with no building counts by the yard it lies in
    page = client.get("/paving/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert re.search(r"apartments[^<]*: <b>0\.4</b>", page)


def test_style_is_built_from_the_registry_and_stays_on_our_server(client, db):
    style = client.get("/map/style.json").json()
    assert style["sources"]["basemap"]["tiles"] == ["http://testserver/tiles/basemap/{z}/{x}/{y}.mvt"]
    drawn = {lay["metadata"]["qala:layer"]: lay for lay in style["layers"] if "qala:layer" in lay.get("metadata", {})}
    for layer in registry:
        if not layer.on_map:
            assert layer.id not in drawn and layer.id not in style["sources"]
        elif layer.id in BASEMAP:  # one combined tile for the city's base layers
            assert drawn[layer.id]["source"] == "basemap" and drawn[layer.id]["source-layer"] == layer.id
            assert layer.id not in style["sources"]
        else:
            assert style["sources"][layer.id]["tiles"] == [f"http://testserver/tiles/{layer.id}/{{z}}/{{x}}/{{y}}.mvt"]
            assert drawn[layer.id]["source"] == layer.id
    assert "glyphs" not in style and "sprite" not in style
    assert all(lay["type"] != "symbol" for lay in style["layers"])
    urls = re.findall(r"https?://[^/\"]+", client.get("/map/style.json").content.decode())
    assert set(urls) == {"http://testserver"}


def test_dig_orders_are_coloured_by_deadline_state():
    import datetime as dt
    style = build_style("http://x", today=dt.date(2026, 11, 23))
    fill = next(lay for lay in style["layers"] if lay["id"] == "dig_orders-fill")
    expr = fill["paint"]["fill-color"]
    assert DEADLINE_COLORS["overdue"] in expr and "2026-11-23" in str(expr) and "2026-11-30" in str(expr)


def test_legend_follows_the_language(client, db):
    kk = client.get("/", HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    ru = client.get("/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert registry.get("dig_orders").title("kk") in kk
    assert registry.get("dig_orders").title("ru") in ru


def test_operator_registers_an_appeal_and_gets_a_number(operator_client, quarter):
    resp = operator_client.post("/operator/appeals", {
        "category": "housing", "caller_name": "Пётр", "caller_phone": "+7 700 000 0000",
        "description": "течёт крыша", "lon": X0 + 0.0003, "lat": Y0 + 0.0007}, content_type="application/json")
    assert resp.status_code == 201, resp.content
    number = resp.json()["number"]
    year = timezone.localdate().year
    assert number == f"109-{year}-000003"  # the workflow's sequence moves past the stored numbers
    appeal = Appeal.objects.get(number=number)
    assert (appeal.category, appeal.status, appeal.caller_name) == ("housing", "registered", "Пётр")
    assert appeal.district == quarter["district"] and appeal.due_at > appeal.registered_at
    urgent = operator_client.post("/operator/appeals", {
        "category": "roads", "incident_type": "roads.open_manhole", "description": "открытый люк",
        "lon": X0 + 0.0003, "lat": Y0 + 0.0007}, content_type="application/json").json()
    assert urgent["number"] == f"109-{year}-000004" and urgent["urgent"] is True
    status = operator_client.get(f"/appeal/{number}/", HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert "Зарегистрировано" in status and "Пётр" not in status and "течёт крыша" not in status


def test_the_console_retry_with_its_key_returns_the_stored_appeal(operator_client, quarter):
    body = {"category": "housing", "description": "течёт крыша", "lon": X0 + 0.0003, "lat": Y0 + 0.0007}
    post = lambda b, key: operator_client.post("/operator/appeals", b, content_type="application/json",  # noqa: E731
                                               HTTP_IDEMPOTENCY_KEY=key)
    first = post(body, "form-1")
    again = post(body, "form-1")
    assert (first.status_code, again.status_code) == (201, 200)
    assert again["Idempotent-Replayed"] == "true" and again.json()["number"] == first.json()["number"]
    assert Appeal.objects.filter(description="течёт крыша").count() == 1
    changed = post({**body, "description": "течёт крыша и стена"}, "form-1")
    assert changed.status_code == 422 and first.json()["number"] in changed.json()["detail"]
    assert post(body, "form-2").status_code == 201  # a new form, a new appeal
    assert post(body, "ключ").status_code == 400
    assert Appeal.objects.filter(description__startswith="течёт крыша").count() == 2


@pytest.mark.parametrize("body,field", [
    ({"category": "heating", "description": "x"}, "point"),
    ({"category": "heating", "description": "x", "lon": 10, "lat": 10}, "point"),
    ({"category": "", "description": "x", "lon": X0, "lat": Y0}, "category"),
    ({"category": "nope", "description": "x", "lon": X0, "lat": Y0}, "category"),
    ({"category": "heating", "description": "", "lon": X0, "lat": Y0}, "description"),
    ({"category": "heating", "description": "x" * 6000, "lon": X0, "lat": Y0}, "description"),
])
def test_a_bad_appeal_form_is_a_problem_naming_the_field(operator_client, quarter, body, field):
    resp = operator_client.post("/operator/appeals", body, content_type="application/json")
    assert resp.status_code == 400
    assert resp["Content-Type"] == "application/problem+json"
    assert resp.json()["field"] == field and resp.json()["detail"]
    assert Appeal.objects.count() == 2


def test_garbage_json_is_a_problem_not_a_500(operator_client, quarter):
    resp = operator_client.post("/operator/appeals", "[1,", content_type="application/json")
    assert resp.status_code == 400
    assert resp["Content-Type"] == "application/problem+json" and "JSON" in resp.json()["detail"]


def test_dashboard_counts(supervisor_client, quarter):
    data = supervisor_client.get("/dashboard.json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert data["totals"] == {"received": 2, "closed": 0, "overdue": 1}
    assert [a["number"] for a in data["overdue"]] == [quarter["late"].number]
    assert data["by_executor"][0]["label"] == quarter["heat"].name
    assert {r["label"] for r in data["by_category"]} == {"Heating", "Water supply"}  # catalog names
    assert sum(d["received"] for d in data["trend"]) == 2 and len(data["trend"]) == 91
    assert supervisor_client.get("/dashboard.json", {"days": "abc"}).status_code == 400
    page = supervisor_client.get("/dashboard/").content.decode()
    assert quarter["late"].number in page and SECRET_NAME not in page


def test_planner_switcher_lists_every_map_layer(planner_client, db):
    page = planner_client.get("/planner/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for layer in registry:
        if layer.id != "organizations":
            assert f'data-switch="{layer.id}"' in page and layer.title("en") in page


@pytest.mark.parametrize("lang,heading", [("kk", "Аулаларды асфальттау кезегі"), ("ru", "Очередь асфальтирования дворов"),
                                          ("en", "Yard paving queue")])
def test_pages_speak_the_chosen_language(client, quarter, lang, heading):
    resp = client.post("/i18n/setlang/", {"language": lang, "next": "/paving/"})
    assert resp.status_code == 302 and resp["Location"] == "/paving/"
    page = client.get("/paving/").content.decode()
    assert f'<html lang="{lang}">' in page and f"<h1>{heading}</h1>" in page


def test_segment_accident_history_counts_its_network_nearby(planner_client, quarter):
    from django.contrib.gis.geos import Point

    from layers.network_segments import NetworkSegment
    seg = NetworkSegment.objects.get()
    now = timezone.now()
    Appeal.objects.create(number="109-2026-000100", category="heating", registered_at=now,
                          caller_name=SECRET_NAME, geom=Point(X0 + 0.001, Y0 + 0.0003, srid=4326))
    Appeal.objects.create(number="109-2026-000101", category="roads", registered_at=now,
                          geom=Point(X0 + 0.001, Y0 + 0.0003, srid=4326))
    Appeal.objects.create(number="109-2026-000102", category="heating", registered_at=now,
                          geom=Point(X0 + 0.001, Y0 + 0.003, srid=4326))  # 300 m away
    resp = planner_client.get(f"/planner/segments/{seg.pk}/accidents")
    data = resp.json()
    assert resp.status_code == 200 and data["segment"]["kind"] == "heating"
    assert [a["number"] for a in data["accidents"]] == ["109-2026-000100"]
    assert SECRET_NAME not in resp.content.decode()
    assert planner_client.get("/planner/segments/999999/accidents").status_code == 404


def test_dig_order_card_is_public_and_names_the_contractor(client, quarter):
    from layers.dig_orders import DigOrder
    order = DigOrder.objects.get(number="DO-1")
    data = client.get(f"/dig-orders/{order.pk}.json").json()
    assert data["contractor"] == "ТОО Подрядчик" and data["state"] == "overdue"
    assert client.get("/dig-orders/999999.json").status_code == 404


def test_district_report_is_one_offline_html_file(planner_client, quarter):
    resp = planner_client.get(f"/planner/reports/district/{quarter['district'].pk}.html")
    assert resp.status_code == 200 and resp["Content-Disposition"].startswith("attachment")
    html = resp.content.decode()
    assert "L.map(" in html and "leaflet" in html.lower()
    # nothing fetched at view time: no script, stylesheet or image from another host (Leaflet's
    # own attribution link inside the inlined library is text, not a fetch)
    assert not re.search(r'<(script|img)[^>]*src="(https?:)?//', html), "the report must fetch nothing"
    assert not re.search(r'<link[^>]*href="(https?:)?//', html), "the report must fetch nothing"
    assert "<script>" in html and "_leaflet_id" in html  # Leaflet itself is inlined
    assert '"appeals": 1' in html or '"appeals":1' in html  # two appeals, each in its own 250 m cell
    assert SECRET_NAME not in html and SECRET_PHONE not in html
    assert planner_client.get("/planner/reports/district/999999.html").status_code == 404
    assert planner_client.get(f"/planner/reports/district/{quarter['district'].pk}.html?days=x").status_code == 400


def test_appeals_show_as_counted_cells_at_low_zoom_and_points_close_up():
    style = build_style("http://x")
    layers = {lay["id"]: lay for lay in style["layers"]}
    assert style["sources"]["appeals"]["minzoom"] == 0
    assert layers["appeals-cells"]["maxzoom"] == 13 and "count" in str(layers["appeals-cells"]["paint"])
    assert layers["appeals"]["minzoom"] == 13 and layers["appeals"]["type"] == "circle"


def test_operator_settles_an_appeal_at_first_contact(operator_client, client, quarter):
    number = operator_client.post("/operator/appeals", {
        "category": "reference", "description": "график вывоза", "lon": X0, "lat": Y0 + 0.0007},
        content_type="application/json").json()["number"]
    url = f"/operator/appeals/{number}/"
    early = operator_client.post(url + "resolve", {"note": "x"}, content_type="application/json")
    assert early.status_code in (400, 409) and "accepted" in early.json()["detail"]  # not from registered
    assert operator_client.post(url + "accept", {}, content_type="application/json").json()["status"] == "accepted"
    no_note = operator_client.post(url + "resolve", {}, content_type="application/json")
    assert no_note.status_code == 400 and no_note.json()["field"] == "note"
    done = operator_client.post(url + "resolve", {"note": "рассказали график"}, content_type="application/json",
                                HTTP_ACCEPT_LANGUAGE="en")
    assert done.json() == {"number": number, "status": "resolved", "status_title": "Resolved at first contact"}
    assert operator_client.post(url + "route", {}, content_type="application/json").status_code == 400
    assert operator_client.post("/operator/appeals/109-2026-999999/accept").status_code == 404
    page = client.get(f"/appeal/{number}/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert page.count("<li>") == 3 and "Resolved at first contact" in page and "рассказали" not in page
