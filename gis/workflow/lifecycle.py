"""Moving an appeal through its lifecycle: one transition, one history row, one transaction.

Who may do what, and from where, is the data in gis/workflow/states.py; this module checks
it all before writing, then writes the appeal and its history row together. Any refusal
leaves both untouched.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from gis.workflow import deadlines, roles, routing
from gis.workflow.catalog import resolve
from gis.workflow.errors import IllegalTransition, MissingInput, NoExecutor, NotYourAppeal, UnknownCategory
from gis.workflow.states import TRANSITIONS, actions_from, state
from layers.appeals import Appeal
from layers.history import AppealEvent
from layers.organizations import Organization


def _iso(moment: dt.datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _catalog_of(appeal):
    """The catalog entries of an appeal; imported appeals may carry a bare incident code
    ('heating.cold_flat') or one the catalog lacks: then the category's own rule routes it."""
    code = appeal.incident_type or ""
    for candidate in (code, f"{appeal.category}.{code}"):
        if code:
            try:
                return resolve(appeal.category, candidate)
            except UnknownCategory:
                continue
    try:
        return resolve(appeal.category)
    except UnknownCategory as exc:
        raise NoExecutor(f"appeal {appeal.number} has category {appeal.category!r}, which the catalog does not "
                         "hold; route it to an executor by hand", category=appeal.category) from exc


def _route(appeal, actor, params, now):
    executor = params.get("executor")
    if executor is None:
        cat, it = _catalog_of(appeal)
        decision = routing.decide(appeal.geom, cat, it)
        executor, why = decision.organization, f"{decision.step}: {decision.reason}"
    else:
        if not isinstance(executor, Organization):
            executor = Organization.objects.get(pk=executor)
        why = "chosen by the inspector"
    appeal.executor = executor
    return {"executor": executor.pk, "executor_name": executor.name, "routing": why}


def _incident(appeal, actor, params, now):
    inspector = params.get("inspector") or (actor if roles.has_role(actor, "inspector") else None)
    if inspector is not None:
        roles.require(inspector, "inspector", doing="be attached to an incident")
        appeal.inspector = inspector
    return {"inspector": inspector.pk if inspector else None}


def _defer(appeal, actor, params, now):
    appeal.due_at = deadlines.deferred_due(params["due_on"], now)
    return {"due_at": _iso(appeal.due_at)}


def _extend(appeal, actor, params, now):
    if appeal.extension_reason:
        raise IllegalTransition(f"appeal {appeal.number} was already extended ({appeal.extension_reason}); "
                                "the law allows one extension")
    old = appeal.due_at
    appeal.due_at = deadlines.extended_due(appeal.registered_at, old)
    appeal.extension_reason = params["note"]
    return {"old_due_at": _iso(old), "due_at": _iso(appeal.due_at)}


def _duplicate(appeal, actor, params, now):
    original = params["duplicate_of"]
    if not isinstance(original, Appeal):
        key = str(original)
        original = Appeal.objects.filter(**{"pk" if key.isdigit() else "number": key}).first()
    if original is None or original.pk == appeal.pk:
        raise IllegalTransition(f"appeal {appeal.number} can only duplicate another existing appeal")
    if original.duplicate_of_id:
        original = original.duplicate_of  # link to the root, never to another duplicate
    appeal.duplicate_of = original
    return {"duplicate_of": original.number}


EFFECTS = {"route": _route, "incident": _incident, "defer": _defer, "extend": _extend, "duplicate": _duplicate}


def perform(appeal: Appeal | int, action: str, actor, *, note: str = "", now: dt.datetime | None = None,
            **params) -> Appeal:
    """Apply `action` to the appeal as `actor`; returns the updated appeal."""
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise IllegalTransition(f"unknown action {action!r}; actions: {', '.join(TRANSITIONS)}")
    now = now or timezone.now()
    pk = appeal.pk if isinstance(appeal, Appeal) else appeal
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update(of=("self",)).filter(pk=pk).first()
        if appeal is None:
            raise IllegalTransition(f"no appeal with id {pk}")
        roles.require(actor, *transition.roles, doing=f"{action} appeal {appeal.number}")
        current = state(appeal.status)
        if current.code not in transition.sources:
            allowed = ", ".join(actions_from(current.code)) or "none"
            raise IllegalTransition(
                f"cannot {action} appeal {appeal.number}: it is {current.code}, and {action} is allowed only "
                f"from {', '.join(transition.sources)} (allowed now: {allowed})",
                state=current.code, action=action)
        if transition.own_appeal and not roles.has_role(actor, "admin"):
            org = roles.organization_of(actor)
            if org is None or appeal.executor_id != org.pk:
                raise NotYourAppeal(f"appeal {appeal.number} is assigned to another executor; "
                                    f"{actor.username} acts for {org or 'no organization'}")
        params["note"] = note.strip()
        for need in transition.needs:
            if not params.get(need):
                raise MissingInput(f"{action} needs {need.replace('_', ' ')}", field=need)
        data = EFFECTS[action](appeal, actor, params, now) if action in EFFECTS else {}
        target = state(transition.target or current.code)
        appeal.status = target.code
        if target.is_closed:
            appeal.closed_at = appeal.closed_at or max(now, appeal.registered_at)
        else:
            appeal.closed_at = None
        # only what a transition may change: a concurrent edit of the address or text survives
        appeal.save(update_fields=["status", "closed_at", "executor", "inspector", "due_at", "extension_reason",
                                   "duplicate_of", "updated_at"])
        AppealEvent.objects.create(appeal=appeal, at=now, actor=actor, action=action, from_state=current.code,
                                   to_state=target.code, note=params["note"], data=data)
    return appeal
