"""Script in what callers and editors type, shown back in a real browser: nothing runs.

An appeal's description and address, an executor's name, a KSK, a yard and a repair work
carry `<script>` and `<img onerror>` payloads; every page that shows them (the operator's card,
OGC items and item as HTML for an operator, the admin's change page, the dashboard before and
after its JSON refresh, the public status page) must show the payload as text and leave
window.__xss undefined. Reuses the browser fixtures of tests/web/test_browser.py.
"""
import os

import pytest

from layers.appeals import Appeal
from layers.organizations import Organization
from layers.repair_works import RepairWork
from layers.yards import Yard
from tests.security.city import build_city
from tests.web.conftest import make_user
from tests.web.test_browser import CHROMIUM, browser, log_in, open_card, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="Debian's chromium is not installed "
                                "(scripts/install-system installs it)")
SCRIPT = "<script>window.__xss=1</script>"
IMG = '<img src=x onerror="window.__xss=1">'
PAYLOAD = f"{IMG}{SCRIPT}"


def hostile_city() -> dict:
    q = build_city()
    Appeal.objects.filter(pk__in=[q["appeal"].pk, q["late"].pk]).update(
        description=f"Течёт {PAYLOAD}", address=f"Жамбыла 15 {IMG}")
    Organization.objects.filter(pk=q["heat"].pk).update(name=f"Теплосети {SCRIPT}")
    Organization.objects.filter(pk=q["ksk"].pk).update(name=f"КСК {IMG}")
    Yard.objects.filter(pk=q["big"].pk).update(name=f"двор {IMG}")
    RepairWork.objects.update(title=f"Ремонт {SCRIPT}")
    return q


def assert_inert(page, *shown: str):
    """No payload ran, and each payload is on the page as text (escaped, not parsed)."""
    assert page.evaluate("window.__xss") is None, page.url
    text = page.inner_text("body")
    for s in shown:
        assert s in text, f"{s!r} not shown as text on {page.url}"


def test_payloads_stay_text_on_every_page_that_shows_them(page, transactional_db):  # noqa: F811
    q = hostile_city()
    appeal = Appeal.objects.get(pk=q["appeal"].pk)
    make_user("op-x", "operator")
    open_card(page, "op-x")
    page.wait_for_function("document.getElementById('card-repairs').textContent.includes('Ремонт')")
    assert_inert(page, f"КСК {IMG}", f"двор {IMG}", f"Ремонт {SCRIPT}")

    # an operator sees the personal fields on the OGC HTML pages: shown as text
    page.goto(f"/ogc/collections/appeals/items?f=html&number={appeal.number}")
    assert_inert(page, f"Течёт {PAYLOAD}", f"Жамбыла 15 {IMG}")
    page.goto(f"/ogc/collections/appeals/items/{appeal.pk}?f=html")
    assert_inert(page, f"Течёт {PAYLOAD}")
    page.goto(f"/appeal/{appeal.number}/")
    assert_inert(page, f"Теплосети {SCRIPT}")
    assert "Течёт" not in page.content()  # the public page never shows the description

    boss = make_user("sv-x", "supervisor")
    boss.is_staff = boss.is_superuser = True
    boss.save()
    page.context.clear_cookies()
    log_in(page, "sv-x", "/dashboard/")
    assert_inert(page, f"Теплосети {SCRIPT}")
    page.evaluate("qalaDashboardRefresh()")  # the overdue list rebuilt from dashboard.json
    page.wait_for_function("document.body.dataset.refreshed")
    assert_inert(page, f"Теплосети {SCRIPT}")
    page.goto(f"/admin/layers/appeal/{appeal.pk}/change/")
    assert page.input_value("textarea[name=description]") == f"Течёт {PAYLOAD}"
    assert page.evaluate("window.__xss") is None
    # the control: the same payload parsed as HTML does run here, so the checks above could fail
    page.evaluate(f"document.body.insertAdjacentHTML('beforeend', {IMG!r})")
    page.wait_for_function("window.__xss === 1")
