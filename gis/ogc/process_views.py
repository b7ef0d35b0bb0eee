"""OGC API Processes views: list, describe, execute synchronously."""
from __future__ import annotations

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.csrf import csrf_exempt

from gis.ogc import processes
from gis.ogc.formats import JSON, html_response, json_response, ogc_view, wants_html
from gis.ogc.processes import ProcessInputError


def _summary(request: HttpRequest, process) -> dict:
    meta = {k: v for k, v in process.metadata.items() if k not in ("inputs", "outputs")}
    href = request.build_absolute_uri(f"/ogc/processes/{process.id}")
    meta["links"] = [{"href": href, "rel": "self", "type": JSON},
                     {"href": f"{href}/execution", "rel": "http://www.opengis.net/def/rel/ogc/1.0/execute",
                      "type": JSON}]
    return meta


@ogc_view
def process_list(request: HttpRequest) -> HttpResponse:
    doc = {"processes": [_summary(request, p) for p in processes.PROCESSES.values()],
           "links": [{"href": request.build_absolute_uri("/ogc/processes"), "rel": "self", "type": JSON}]}
    if wants_html(request):
        return html_response(request, "processes.html", {"doc": doc})
    return json_response(doc)


@ogc_view
def process_description(request: HttpRequest, process_id: str) -> HttpResponse:
    process = processes.get(process_id)
    doc = {**process.metadata, "links": _summary(request, process)["links"]}
    if wants_html(request):
        return html_response(request, "processes.html", {"doc": {"processes": [doc]}})
    return json_response(doc)


@csrf_exempt
@ogc_view(methods=("POST",))
def execute(request: HttpRequest, process_id: str) -> HttpResponse:
    process = processes.get(process_id)
    try:
        body = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
        raise ProcessInputError("the body is not valid JSON") from None
    if not isinstance(body, dict):
        raise ProcessInputError("the body must be a JSON object with inputs")
    mimetype, output = process.execute(body.get("inputs"))
    return HttpResponse(output, content_type=mimetype)
