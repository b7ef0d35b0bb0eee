"""The web map in a real browser: Debian's chromium driven by Playwright, against the live server.

Every request the page makes must go to the live server: a route handler records any
other host and the test fails (the 109 center works with no internet). Screenshots of
each page go to var/screenshots/.
"""
import os
import re
import shutil
from urllib.parse import urlparse

import pytest
from django.conf import settings

from tests.web.conftest import PASSWORD, SECRET_NAME, SECRET_PHONE, XSS, build_quarter, make_user

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed "
                                "(scripts/install-system installs it)")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--enable-unsafe-swiftshader", "--use-angle=swiftshader"]
SHOTS = settings.BASE_DIR / "var" / "screenshots"


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop in this thread; the ORM calls in the tests are synchronous.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    SHOTS.mkdir(parents=True, exist_ok=True)
    pw = sync_api.sync_playwright().start()
    browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
    yield browser
    browser.close()
    pw.stop()


@pytest.fixture
def page(browser, live_server, settings, tmp_path):
    # tiles rendered from the test database must not land in the shared on-disk tile cache
    settings.QALA_TILES = {**settings.QALA_TILES, "cache_dir": tmp_path / "tiles", "raster_dir": tmp_path / "rasters"}
    server = urlparse(live_server.url)
    outside = []

    def guard(route):
        url = urlparse(route.request.url)
        if url.scheme in ("data", "blob") or (url.hostname, url.port) == (server.hostname, server.port):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context = browser.new_context(viewport={"width": 1280, "height": 800}, base_url=live_server.url)
    context.route("**/*", guard)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()
    assert not outside, f"requests left the server: {outside}"


def log_in(page, username: str, next_url: str):
    page.goto(next_url)
    assert "/login/" in page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("#login button[type=submit]")
    page.wait_for_url(re.compile(re.escape(next_url) + "$"))


def wait_for_map(page):
    page.wait_for_selector("#map .maplibregl-canvas", state="attached")
    page.wait_for_function("document.getElementById('map').dataset.loaded === '1'")


def open_card(page, user: str, query: str = "Жамбыла 15"):
    """An operator signs in, searches, takes the first result and waits for its card."""
    log_in(page, user, "/operator/")
    wait_for_map(page)
    page.fill("#search", query)
    page.wait_for_function("document.querySelectorAll('#results li').length > 0")
    page.press("#search", "Enter")
    page.wait_for_selector("#card:not([hidden])")


def test_operator_finds_the_yard_and_registers_an_appeal(page, transactional_db):
    q = build_quarter()
    make_user("op1", "operator")
    log_in(page, "op1", "/operator/")
    wait_for_map(page)
    page.fill("#search", "Жамбыла 15")  # 15 and 15а: arrows move the choice
    page.wait_for_function("document.querySelectorAll('#results li').length > 1")
    page.press("#search", "ArrowDown")
    assert page.get_attribute("#search", "aria-activedescendant") == "result-1"
    assert "15а" in page.inner_text("#results li.active")
    page.press("#search", "ArrowUp")
    assert "15" in page.inner_text("#results li.active")
    assert page.get_attribute("#search", "aria-activedescendant") == "result-0"
    page.press("#search", "Enter")
    page.wait_for_selector("#card:not([hidden])")
    page.wait_for_function("document.getElementById('card-digs').textContent.includes('DO-1')")
    assert page.inner_text("#card-title") == "улица Жамбыла, 15"  # not 15а
    assert q["ksk"].name in page.inner_text("#card-responsible")
    assert "Heating · Registered" in page.inner_text("#card-appeals")  # catalog and state names, not codes
    assert "overdue" in page.get_attribute("#card-digs li", "class")
    page.wait_for_function("qalaMap.getSource('highlight').serialize().data.features.length > 0")
    page.screenshot(path=SHOTS / "operator-card.png")

    page.select_option("#f-category", "housing")
    page.fill("#f-name", "Пётр Заявитель")
    page.fill("#f-phone", "+7 700 123 4567")
    page.fill("#f-description", XSS)
    page.click("#f-submit")
    page.wait_for_selector("#registered:not([hidden])")
    number = page.inner_text("#registered-number")
    assert re.fullmatch(r"109-\d{4}-\d{6}", number)
    # the new appeal is on the map at once
    page.wait_for_function("qalaMap.getSource('registered').serialize().data.features.length === 1")
    page.click("#next-steps button[data-action=accept]")
    page.wait_for_function("document.getElementById('current-status').textContent === 'Accepted'")
    assert page.is_disabled("#next-steps button[data-action=accept]")
    page.screenshot(path=SHOTS / "operator-registered.png")

    page.click("h2")  # "/" from outside a field comes back to the search
    page.keyboard.press("/")
    assert page.evaluate("document.activeElement.id") == "search"
    page.click("#registered-number")
    page.wait_for_url(f"**/appeal/{number}/")
    assert page.inner_text("#appeal-number") == number
    assert page.get_attribute("#appeal-status", "data-status") == "accepted"
    assert page.inner_text("#appeal-status") == "Accepted"  # the browser asks for English
    body = page.content()
    assert "Пётр Заявитель" not in body and "+7 700 123 4567" not in body and "onerror" not in body
    assert page.evaluate("window.__pwned") is None
    page.screenshot(path=SHOTS / "appeal-status.png")


def test_a_lost_answer_does_not_register_the_appeal_twice(page, transactional_db):
    """The server stores the appeal but the answer never reaches the console; the operator presses again."""
    from layers.appeals import Appeal
    build_quarter()
    make_user("op2", "operator")
    open_card(page, "op2")
    page.select_option("#f-category", "housing")
    page.fill("#f-description", "течёт крыша")
    keys = []

    def lose_some_answers(route):
        keys.append(route.request.headers.get("idempotency-key"))
        if len(keys) in (1, 3):
            route.fetch()  # the server registers the appeal...
            route.abort("connectionreset")  # ...and its answer is lost on the way
        else:
            route.fallback()

    def press_and_fail():
        page.click("#f-submit")
        page.wait_for_selector("#form-error:not([hidden])")
        return page.inner_text("#form-error")

    page.route("**/operator/appeals", lose_some_answers)
    assert "twice" in press_and_fail()
    stored = Appeal.objects.get(description="течёт крыша")
    page.click("#f-submit")  # the same form again: the number already stored, no second appeal
    page.wait_for_selector("#registered:not([hidden])")
    assert page.inner_text("#registered-number") == stored.number
    assert Appeal.objects.filter(description="течёт крыша").count() == 1
    assert keys[0] == keys[1] and re.fullmatch(r"[0-9a-f]{32}", keys[0])

    page.fill("#f-description", "второе обращение")  # the next caller: a new form, a new key
    assert "twice" in press_and_fail()
    second = Appeal.objects.get(description="второе обращение")
    page.fill("#f-description", "второе обращение, подъезд 2")  # changed after the lost answer
    assert second.number in press_and_fail()  # the key is refused for another body, naming what it stored
    page.click("#f-submit")  # ...and the console has taken a new key: this is a new appeal
    page.wait_for_selector("#registered:not([hidden])")
    assert page.inner_text("#registered-number") not in (stored.number, second.number)
    assert keys[2] != keys[0] and keys[3] == keys[2] and keys[4] != keys[3]
    assert Appeal.objects.filter(description__startswith="второе обращение").count() == 2


def test_public_paving_page_lists_the_queue_and_draws_the_map(page, transactional_db):
    build_quarter()
    page.goto("/paving/")
    rows = page.locator("#paving-queue tbody tr")
    assert rows.count() == 2
    assert "двор Жамбыла 15" in rows.nth(0).inner_text()
    wait_for_map(page)
    assert page.locator("#map canvas").count() == 1
    page.wait_for_function("qalaMap.getSource('queue') && qalaMap.getSource('queue').serialize().data.features.length === 2")
    page.screenshot(path=SHOTS / "paving.png")
    assert SECRET_NAME not in page.content() and SECRET_PHONE not in page.content()


def test_language_switch_shows_kazakh_labels(page, transactional_db):
    build_quarter()
    page.goto("/")
    wait_for_map(page)
    # a click on the overdue dig order opens its card
    page.evaluate("qalaMap.jumpTo({center: [69.1513, 54.8702], zoom: 17})")
    page.wait_for_function("qalaMap.loaded() && qalaMap.queryRenderedFeatures({layers: ['dig_orders-fill']}).length > 0")
    x, y = page.evaluate("(() => { const p = qalaMap.project([69.1513, 54.8702]); return [p.x, p.y]; })()")
    box = page.locator("#map canvas").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector(".maplibregl-popup .state-overdue")
    assert "ТОО Подрядчик" in page.inner_text(".maplibregl-popup")
    page.screenshot(path=SHOTS / "home.png")
    page.select_option("#language", "kk")
    with page.expect_navigation():
        page.click("#language-go")
    assert page.get_attribute("html", "lang") == "kk"
    assert "Жұмыстар картасы" in page.inner_text("h1")
    assert "Жер жұмыстарына ордерлер" in page.inner_text("#legend")
    page.screenshot(path=SHOTS / "home-kk.png")


def test_planner_and_dashboard_render_for_a_supervisor(page, transactional_db):
    build_quarter()
    make_user("sv1", "supervisor")
    log_in(page, "sv1", "/planner/")
    wait_for_map(page)
    page.uncheck("input[data-switch='buildings']")
    assert page.evaluate("qalaMap.getLayoutProperty('buildings-fill', 'visibility')") == "none"
    page.check("#toggle-3d")
    assert page.evaluate("qalaMap.getLayoutProperty('buildings-3d', 'visibility')") == "visible"
    page.uncheck("input[data-kind='gas']")
    assert "gas" not in page.evaluate("JSON.stringify(qalaMap.getFilter('network_segments'))")
    page.check("input[data-switch='density']")
    assert page.evaluate("qalaMap.getLayoutProperty('density', 'visibility')") == "visible"
    page.select_option("#period", "30")
    assert page.evaluate("JSON.stringify(qalaMap.getFilter('dig_orders-fill'))").count(">=") == 1
    # a click on the heating main shows its accident history
    page.evaluate("qalaMap.jumpTo({center: [69.1525, 54.8702], zoom: 17, pitch: 0})")
    page.wait_for_function("qalaMap.loaded() && qalaMap.queryRenderedFeatures({layers: ['network_segments']}).length > 0")
    x, y = page.evaluate("(() => { const p = qalaMap.project([69.1525, 54.8702]); return [p.x, p.y]; })()")
    box = page.locator("#map canvas").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)
    page.wait_for_selector("#segment:not([hidden])")
    assert "heating" in page.inner_text("#segment-title")
    page.screenshot(path=SHOTS / "planner.png")
    page.goto("/dashboard/")
    assert page.inner_text("#total-received") == "2"
    page.evaluate("document.querySelector('#overdue tbody').replaceChildren()")
    page.evaluate("qalaDashboardRefresh()")
    page.wait_for_function("document.body.dataset.refreshed")
    assert page.inner_text("#total-overdue") == "1"
    assert page.locator("#trend rect").count() >= 1
    assert page.inner_text("#overdue tbody").startswith("109-")  # the overdue list rebuilt from the JSON
    page.screenshot(path=SHOTS / "dashboard.png")
