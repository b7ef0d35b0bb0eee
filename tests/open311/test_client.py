"""A real Open311 client (georeport from PyPI) over HTTP; a filed request then shows on the map.

georeport 0.3 reads only, so the POST is made with `requests` exactly as the spec describes.
"""
import requests
from georeport import GeoReport

from gis.models import ApiToken


def test_georeport_client_lists_services_and_reads_back_a_posted_request(transactional_db, live_server):
    _, key = ApiToken.issue("Telegram bot", channel="telegram")
    root = f"{live_server.url}/open311/v2"
    client = GeoReport(root, api_key=key)
    assert "heating" in {s["service_code"] for s in client.get_service_list()}

    posted = requests.post(f"{root}/requests.json", data={
        "api_key": key, "service_code": "heating", "lat": 54.8731, "long": 69.1587,
        "first_name": "Асель", "phone": "+7 702 333 44 55", "description": "холодно в квартире"}, timeout=10)
    assert posted.status_code == 201, posted.text
    number = posted.json()[0]["service_request_id"]

    read = client.get_service_request(number)
    assert read["service_code"] == "heating" and read["status"] == "open" and read["lat"] == 54.8731
    assert "Асель" not in str(read)
    assert number in {r["service_request_id"] for r in client.get_service_requests(status="open")}
    xml = GeoReport(root, output_format="xml").get_service_request(number)
    assert xml["service_request_id"] == number

    on_map = requests.get(f"{live_server.url}/ogc/collections/appeals/items", params={"number": number},
                          timeout=10).json()
    assert on_map["features"][0]["geometry"]["coordinates"] == [69.1587, 54.8731]
    assert on_map["features"][0]["properties"]["channel"] == "telegram"
