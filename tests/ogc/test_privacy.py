"""No caller name, phone, description or address of an appeal in any public response.

Scrapes every public endpoint (OGC API in JSON, GeoJSON and HTML, every CRS, single
items, errors, Open311 in JSON and XML) and looks for each secret as it is stored.
"""
import pytest

from layers.registry import registry
from tests.ogc.conftest import CALLERS, SECRET_TEXT
from tests.ogc.helpers import body

SECRETS = [s for pair in CALLERS for s in pair] + [SECRET_TEXT, "Конституции", "555 12 34", "87015550000"]


def public_urls(city) -> list[str]:
    urls = ["/ogc/", "/ogc/conformance", "/ogc/openapi", "/ogc/collections"]
    for layer in registry:
        base = f"/ogc/collections/{layer.id}"
        urls += [base, f"{base}/queryables", f"{base}/items", f"{base}/items?limit=10000"]
    items = "/ogc/collections/appeals/items"
    for crs in ("CRS84", "EPSG:4326", "EPSG:3857", "EPSG:32642"):
        urls.append(f"{items}?crs={crs}")
    for appeal in city["appeals"]:
        urls += [f"{items}/{appeal.pk}", f"{items}?number={appeal.number}",
                 f"/open311/v2/requests/{appeal.number}.json", f"/open311/v2/requests/{appeal.number}.xml"]
    # errors that name the personal fields must not echo their values
    name, phone = CALLERS[0]
    urls += [f"{items}?caller_name={name}", f"{items}?caller_phone={phone}", f"{items}?description={SECRET_TEXT}",
             f"{items}?filter=caller_name='{name}'", f"{items}?filter=address LIKE '%Конституции%'",
             f"{items}?filter=category='{phone}'", f"{items}?number={name}&limit=1",
             "/open311/v2/requests.json?start_date=2000-01-01T00:00:00Z",
             "/open311/v2/requests.xml?start_date=2000-01-01T00:00:00Z", "/open311/v2/services.json"]
    return urls


@pytest.mark.parametrize("fmt", ["json", "html"])
def test_no_personal_data_in_any_public_response(client, city, fmt):
    checked = 0
    for url in public_urls(city):
        sep = "&" if "?" in url else "?"
        full = url if url.startswith("/open311") else f"{url}{sep}f={fmt}"
        response = client.get(full)
        assert response.status_code < 500, full
        text = body(response).decode()
        for secret in SECRETS:
            assert secret not in text, f"{secret!r} leaked by {full}"
        checked += 1
    assert checked > 60
    # the scrape saw the appeals themselves, so the absence above means something
    assert "109-2026-000001" in body(client.get(f"/ogc/collections/appeals/items?f={fmt}")).decode()


def test_operators_see_callers_others_do_not(client, city, django_user_model):
    from django.contrib.auth.models import Group

    name, phone = CALLERS[0]
    url = f"/ogc/collections/appeals/items?number={city['appeals'][0].number}"
    citizen = django_user_model.objects.create_user("citizen", password="x")
    client.force_login(citizen)
    assert name not in body(client.get(url)).decode()
    operator = django_user_model.objects.create_user("operator", password="x")
    operator.groups.add(Group.objects.get_or_create(name="operator")[0])
    client.force_login(operator)
    response = client.get(url)
    props = __import__("json").loads(body(response))["features"][0]["properties"]
    assert props["caller_name"] == name and props["caller_phone"] == phone
    assert response["Cache-Control"] == "private, no-store" and "Cookie" in response["Vary"]
    one = client.get(f"/ogc/collections/appeals/items/{city['appeals'][0].pk}?f=html")
    assert phone in body(one).decode()
    client.logout()
    assert phone not in body(client.get(url)).decode()
