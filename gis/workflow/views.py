"""Staff JSON API of the workflow: register, move through the lifecycle, read history.

Thin handlers: parse, call the service (which checks roles and states), format. Every
refusal is a problem document with its status; a session login is required.
"""
from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError
from django.http import JsonResponse
from django.views.decorators.http import require_GET, require_POST

from gis.errors import QalaError
from gis.workflow import appeals, lifecycle, roles, signals
from gis.workflow.errors import IllegalTransition, NotYourAppeal
from gis.workflow.states import STATES
from layers.appeals import Appeal


class NotSignedIn(QalaError):
    status = 401
    code = "not-signed-in"


class AppealNotFound(QalaError):
    status = 404
    code = "appeal-not-found"


class BadRequestBody(QalaError):
    code = "bad-request-body"


def _json(data, status=200):
    return JsonResponse(data, status=status, encoder=DjangoJSONEncoder, json_dumps_params={"ensure_ascii": False})


def api(view):
    """Sign-in check; a database rule the workflow's checks did not foresee is an illegal
    transition. Errors become problem documents in gis.errors.ProblemMiddleware."""
    def wrapped(request, *args, **kwargs):
        if not request.user.is_authenticated:
            raise NotSignedIn("sign in first")
        try:
            return view(request, *args, **kwargs)
        except IntegrityError as exc:
            raise IllegalTransition(str(exc).splitlines()[0]) from exc
    wrapped.__name__ = view.__name__
    return wrapped


def _body(request) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
        raise BadRequestBody("the body must be JSON") from None
    if not isinstance(data, dict):
        raise BadRequestBody("the body must be a JSON object")
    return data


def _appeal(request, number: str) -> Appeal:
    appeal = Appeal.objects.filter(number=number).first()
    if appeal is None:
        raise AppealNotFound(f"no appeal {number[:40]!r}")
    if not roles.visible_appeals(request.user, Appeal.objects.filter(pk=appeal.pk)).exists():
        raise NotYourAppeal(f"appeal {number} is not yours to see")
    return appeal


def brief(appeal: Appeal) -> dict:
    s = STATES.get(appeal.status)
    return {"number": appeal.number, "category": appeal.category, "incident_type": appeal.incident_type,
            "status": appeal.status, "is_open": s.is_open if s else appeal.closed_at is None,
            "urgent": appeal.urgent, "registered_at": appeal.registered_at, "due_at": appeal.due_at,
            "closed_at": appeal.closed_at, "executor": appeal.executor_id,
            "duplicate_of": appeal.duplicate_of.number if appeal.duplicate_of_id else None}


@require_POST
@api
def create(request):
    data = _body(request)
    try:
        point = (float(data["lon"]), float(data["lat"]))
    except (KeyError, TypeError, ValueError):
        raise BadRequestBody("lon and lat are required numbers") from None
    appeal = appeals.register(
        category=str(data.get("category") or ""), incident_type=str(data.get("incident_type") or "") or None,
        point=point, actor=request.user, channel=str(data.get("channel") or "phone"),
        caller_name=str(data.get("caller_name") or ""), caller_phone=str(data.get("caller_phone") or ""),
        description=str(data.get("description") or ""), address=str(data.get("address") or ""),
        request_key=appeals.request_key(client_id(request), request.headers.get("Idempotency-Key")))
    return replayable(_json(brief(appeal), status=201), appeal)


def client_id(request) -> str:
    """Whose Idempotency-Keys these are: the API token's, else the signed-in user's."""
    token = getattr(request, "api_token", None)
    return f"token{token.pk}" if token is not None else f"user{request.user.pk}"


def replayable(response, appeal):
    """A retried create answers 200 with the first appeal and says so; a new one keeps its 201."""
    if getattr(appeal, "replayed", False):
        response.status_code = 200
        response["Idempotent-Replayed"] = "true"
    return response


@require_POST
@api
def transition(request, number: str):
    data = _body(request)
    appeal = _appeal(request, number)
    action = str(data.pop("action", ""))
    note = str(data.pop("note", "") or "")
    params = {k: data[k] for k in ("due_on", "duplicate_of", "executor") if data.get(k) is not None}
    appeal = lifecycle.perform(appeal, action, request.user, note=note, **params)
    return _json(brief(appeal))


@require_GET
@api
def history(request, number: str):
    appeal = _appeal(request, number)
    events = [{"at": e.at, "actor": e.actor.username if e.actor else None, "action": e.action,
               "from": e.from_state, "to": e.to_state, "note": e.note, "data": e.data}
              for e in appeal.events.select_related("actor").order_by("at", "id")]
    return _json({**brief(appeal), "history": events})


@require_GET
@api
def duplicates(request, number: str):
    appeal = _appeal(request, number)
    return _json({"number": appeal.number,
                  "candidates": [brief(a) for a in signals.suggest_duplicates(appeal)]})
