"""Every transition writes one history row; every illegal one is refused and writes nothing."""
import datetime as dt

import pytest

from gis.workflow import appeals, lifecycle
from gis.workflow.errors import IllegalTransition, MissingInput, NoRole, NotYourAppeal
from gis.workflow.states import STATES, TRANSITIONS
from layers.appeals import Appeal

from .conftest import CENTRE, REGISTERED


@pytest.fixture
def staff(catalog, user, org):
    utility = org("utility", name="Qyzyljar Su")
    other = org("utility", name="Sever Energo")
    return {
        "operator": user("operator"), "inspector": user("inspector"), "supervisor": user("supervisor"),
        "executor": user("executor", organization=utility), "stranger": user("executor", organization=other),
        "planner": user("planner"), "utility": utility,
    }


@pytest.fixture
def new_appeal(staff):
    return lambda: appeals.register(category="water", incident_type="water.leak", point=CENTRE,
                                    actor=staff["operator"], registered_at=REGISTERED)


def go(appeal, action, who, **kw):
    kw.setdefault("now", REGISTERED + dt.timedelta(hours=len(appeal.events.all()) + 1))
    return lifecycle.perform(appeal, action, who, **kw)


def walk_to_answered(appeal, s):
    go(appeal, "accept", s["operator"])
    go(appeal, "incident", s["inspector"])
    go(appeal, "route", s["inspector"], executor=s["utility"])
    return go(appeal, "answer", s["executor"], note="valve replaced")


def history(appeal):
    return [(e.action, e.from_state, e.to_state) for e in appeal.events.order_by("id")]


def test_the_whole_road_from_registration_to_closing(staff, new_appeal):
    s = staff
    appeal = walk_to_answered(new_appeal(), s)
    go(appeal, "reject", s["inspector"], note="a formal reply: the leak is still there")
    go(appeal, "answer", s["executor"], note="pipe section replaced, photo attached")
    go(appeal, "approve", s["inspector"])
    go(appeal, "callback", s["operator"], note="the citizen confirms it is dry")
    appeal = go(appeal, "close", s["operator"])
    assert appeal.status == "closed" and STATES[appeal.status].is_closed
    assert appeal.closed_at is not None and appeal.executor == s["utility"]
    assert appeal.inspector == s["inspector"]
    assert history(appeal) == [
        ("register", "", "registered"), ("accept", "registered", "accepted"), ("incident", "accepted", "incident"),
        ("route", "incident", "routed"), ("answer", "routed", "answered"), ("reject", "answered", "routed"),
        ("answer", "routed", "answered"), ("approve", "answered", "checked"), ("callback", "checked", "callback"),
        ("close", "callback", "closed"),
    ]
    actors = [e.actor for e in appeal.events.order_by("id")]
    assert actors[1] == s["operator"] and actors[4] == s["executor"] and actors[5] == s["inspector"]
    assert appeal.events.get(action="reject").note == "a formal reply: the leak is still there"


def test_resolved_at_first_contact(staff, new_appeal):
    appeal = go(new_appeal(), "accept", staff["operator"])
    appeal = go(appeal, "resolve", staff["operator"], note="explained the schedule")
    assert appeal.status == "resolved" and appeal.closed_at
    assert not Appeal.objects.open().filter(pk=appeal.pk).exists()


def test_duplicate_links_to_the_root_and_reopen_tracks_again(staff, new_appeal):
    first, second, third = new_appeal(), new_appeal(), new_appeal()
    go(second, "duplicate", staff["operator"], duplicate_of=first.number)
    third = go(third, "duplicate", staff["operator"], duplicate_of=second.pk)
    assert third.duplicate_of == first and third.status == "duplicate" and third.closed_at
    third = go(third, "reopen", staff["supervisor"], note="a different leak after all")
    assert third.status == "reopened" and third.closed_at is None
    assert Appeal.objects.open().filter(pk=third.pk).exists()
    third = go(third, "incident", staff["inspector"])
    assert third.status == "incident"


def test_a_deferred_appeal_keeps_a_tracked_due_date(staff, new_appeal):
    appeal = go(new_appeal(), "accept", staff["operator"])
    appeal = go(appeal, "defer", staff["supervisor"], due_on="2027-05-01", note="road money next year")
    assert appeal.status == "deferred" and STATES["deferred"].is_open
    assert appeal.due_at.date().isoformat() == "2027-05-01"
    assert Appeal.objects.overdue(dt.datetime(2027, 5, 2, tzinfo=dt.timezone.utc)).filter(pk=appeal.pk).exists()
    assert not Appeal.objects.overdue(dt.datetime(2027, 4, 30, tzinfo=dt.timezone.utc)).filter(pk=appeal.pk).exists()
    appeal = go(appeal, "route", staff["inspector"], executor=staff["utility"])
    assert appeal.status == "routed"


def refused(appeal, action, who, error, match, **kw):
    before = (Appeal.objects.filter(pk=appeal.pk).values().get(), appeal.events.count())
    with pytest.raises(error, match=match):
        go(appeal, action, who, **kw)
    assert (Appeal.objects.filter(pk=appeal.pk).values().get(), appeal.events.count()) == before


def test_closing_without_callback_is_refused(staff, new_appeal):
    appeal = walk_to_answered(new_appeal(), staff)
    go(appeal, "approve", staff["inspector"])
    refused(appeal, "close", staff["operator"], IllegalTransition, "it is checked, and close is allowed only from callback")


def test_answering_another_executors_appeal_is_refused(staff, new_appeal):
    appeal = new_appeal()
    go(appeal, "accept", staff["operator"])
    go(appeal, "incident", staff["inspector"])
    go(appeal, "route", staff["inspector"], executor=staff["utility"])
    refused(appeal, "answer", staff["stranger"], NotYourAppeal, "assigned to another executor", note="done")


@pytest.mark.parametrize("action, role", [("accept", "planner"), ("route", "operator"), ("approve", "executor"),
                                          ("reopen", "executor")])
def test_a_user_without_the_role_is_refused(staff, new_appeal, action, role):
    who = staff["planner"] if role == "planner" else staff[role]
    appeal = new_appeal()
    refused(appeal, action, who, NoRole, "needs the role")


def test_anonymous_and_inactive_users_have_no_role(staff, new_appeal):
    appeal = new_appeal()
    refused(appeal, "accept", None, NoRole, "anonymous")
    staff["operator"].is_active = False
    refused(appeal, "accept", staff["operator"], NoRole, "needs the role")


def test_missing_note_or_unknown_action_is_refused(staff, new_appeal):
    appeal = go(new_appeal(), "accept", staff["operator"])
    refused(appeal, "resolve", staff["operator"], MissingInput, "resolve needs note")
    refused(appeal, "teleport", staff["operator"], IllegalTransition, "unknown action")


def test_every_transition_is_data_that_names_known_states_and_roles():
    from gis.workflow.roles import ROLES

    for t in TRANSITIONS.values():
        assert set(t.sources) <= set(STATES) and (t.target is None or t.target in STATES)
        assert set(t.roles) <= set(ROLES)
    closed = {code for code, s in STATES.items() if s.is_closed}
    assert closed == {"resolved", "closed", "duplicate"}
    # only a callback leads to closed
    assert [t.sources for t in TRANSITIONS.values() if t.target == "closed"] == [("callback",)]
