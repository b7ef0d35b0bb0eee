"""The audit log of personal data shown to staff: who saw which appeals' callers, when, through what.

One row a request, whatever the number of features shown (a 1,000-feature page is one
insert); written on the primary even when the page was read from a replica. The views that
show personal fields call `record` right after reading them.
"""
from __future__ import annotations

from gis.models import PersonalDataView
from gis.ratelimit import client_ip, parse_ip


def record(request, layer: str, ids) -> PersonalDataView | None:
    ids = [int(i) for i in ids]
    if not ids:
        return None
    user = request.user if request.user.is_authenticated else None
    token = getattr(request, "api_token", None)
    ip = client_ip(request)
    return PersonalDataView.objects.using("default").create(
        user=user, layer=layer, object_ids=ids, path=request.path[:500],
        api_token=token.prefix if token is not None else "", client_ip=ip if parse_ip(ip) else None)
