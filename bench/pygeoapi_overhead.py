"""Bench: what would serving /ogc/ *through* pygeoapi cost, even with a free provider?

    .venv/bin/python bench/pygeoapi_overhead.py [--db qala_bench_web] [--runs 7]

Issue 4 asks for the layers "via pygeoapi inside the Django process" with "a provider of
ours that renders GeoJSON in SQL". A pygeoapi provider returns a Python dict per page, which
pygeoapi's API layer then walks and serializes itself. This measures that layer alone: a
provider that hands back prebuilt features from memory (no database at all), called through
pygeoapi's own `get_collection_items`, against our whole response (SQL + Django) for the same
page of appeals through the Django test client, in one run. Ratio = pygeoapi's layer / ours.
Needs the bench extra (pygeoapi) and a database with appeals (the web-scale bench's, or `qala`).
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.common import measuring_env  # noqa: E402
LIMITS = (10, 1000, 10000)


def _median_ms(call, runs: int) -> float:
    call()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def ours(runs: int) -> tuple[dict[int, float], list[dict]]:
    """Our whole response per limit, and one real page to feed pygeoapi the same features."""
    import django

    django.setup()
    from django.test import Client

    client = Client()
    url = "/ogc/collections/appeals/items?f=json&limit={}"
    result = {limit: _median_ms(lambda: b"".join(client.get(url.format(limit)).streaming_content), runs)
              for limit in LIMITS}
    page = client.get(url.format(max(LIMITS)))
    import json

    features = json.loads(b"".join(page.streaming_content))["features"]
    one = f"/ogc/collections/appeals/items/{features[0]['id']}?f=json"
    result["item"] = _median_ms(lambda: client.get(one).content, runs)
    return result, features


def pygeoapi_layer(features: list[dict], runs: int) -> dict[int, float]:
    from flask import Flask, request
    from pygeoapi.api import API, APIRequest, itemtypes
    from pygeoapi.provider.base import BaseProvider

    class MemoryProvider(BaseProvider):
        """The cheapest provider there can be: the page is already built."""

        def get_fields(self):
            return {k: {"type": "string"} for k in features[0]["properties"]}

        def query(self, offset=0, limit=10, **kwargs):
            page = [dict(f) for f in features[offset:offset + limit]]
            return {"type": "FeatureCollection", "features": page, "numberReturned": len(page)}

        def get(self, identifier, **kwargs):
            return features[int(identifier)]

    sys.modules[__name__].MemoryProvider = MemoryProvider
    lon, lat = features[0]["geometry"]["coordinates"]
    config = {
        "server": {"bind": {"host": "127.0.0.1", "port": 5000}, "url": "http://127.0.0.1:5000",
                   "mimetype": "application/json; charset=UTF-8", "encoding": "utf-8", "languages": ["en-US"],
                   "limits": {"default_items": 10, "max_items": 10000}, "map": {"url": "-", "attribution": "-"}},
        "logging": {"level": "ERROR"},
        "metadata": {"identification": {"title": "q", "description": "q", "keywords": ["q"],
                                        "keywords_type": "theme", "terms_of_service": "-", "url": "-"},
                     "license": {"name": "-", "url": "-"}, "provider": {"name": "-", "url": "-"},
                     "contact": {"name": "-"}},
        "resources": {"appeals": {
            "type": "collection", "title": "appeals", "description": "appeals", "keywords": ["appeals"], "links": [],
            "extents": {"spatial": {"bbox": [lon - 1, lat - 1, lon + 1, lat + 1],
                                    "crs": "http://www.opengis.net/def/crs/OGC/1.3/CRS84"}},
            "providers": [{"type": "feature", "name": f"{__name__}.MemoryProvider", "data": "", "id_field": "id"}]}},
    }
    api, app = API(config, {}), Flask("bench", root_path=str(ROOT / "bench"))  # bench is a namespace package

    def call(limit):
        with app.test_request_context(f"/collections/appeals/items?f=json&limit={limit}"):
            _, status, body = itemtypes.get_collection_items(api, APIRequest.from_flask(request, ["en-US"]), "appeals")
            assert status == 200 and body, status

    def call_item():
        with app.test_request_context("/collections/appeals/items/0?f=json"):
            _, status, body = itemtypes.get_collection_item(api, APIRequest.from_flask(request, ["en-US"]),
                                                            "appeals", "0")
            assert status == 200 and body, status

    result = {limit: _median_ms(lambda: call(limit), runs) for limit in LIMITS}
    result["item"] = _median_ms(call_item, runs)
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="qala_bench_web")
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    os.environ["QALA_PG_DB"] = args.db
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
    measuring_env()
    whole, features = ours(args.runs)
    if len(features) < max(LIMITS):
        sys.exit(f"{args.db} holds {len(features)} appeals; need {max(LIMITS)}")
    layer = pygeoapi_layer(features, args.runs)
    print(f"{'limit':>6} {'ours, whole response':>22} {'pygeoapi layer, no DB':>23} {'ratio':>6}")
    for limit in (*LIMITS, "item"):
        print(f"{limit:>6} {whole[limit]:>19.1f} ms {layer[limit]:>20.1f} ms {layer[limit] / whole[limit]:>6.2f}")


if __name__ == "__main__":
    main()
