"""KSK signal (>10 addresses), executor ratings, duplicate suggestions, excavation links, visibility."""
import datetime as dt

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from gis.workflow import appeals, dig_orders, lifecycle, roles, signals
from layers.yards import Yard

from .conftest import CENTRE, REGISTERED

SINCE, UNTIL = dt.datetime(2026, 1, 1, tzinfo=dt.timezone.utc), dt.datetime(2027, 1, 1, tzinfo=dt.timezone.utc)


@pytest.fixture
def ksk_yard(org):
    ksk = org("ksk", name="КСК Берёзка")
    Yard.objects.create(ksk=ksk, geom=MultiPolygon(Polygon.from_bbox((69.142, 54.872, 69.146, 54.876)), srid=4326))
    return ksk


def complain(n_addresses, per_address=1, first=0, **kw):
    for i in range(first, first + n_addresses):
        for _ in range(per_address):
            appeals.register(category="housing", point=Point(69.143 + i * 0.0002, 54.874, srid=4326),
                             address=f"ул. Абая, {i + 1}", registered_at=REGISTERED, **kw)


def test_eleven_addresses_raise_a_signal_ten_do_not(catalog, ksk_yard):
    complain(10, per_address=3)
    assert signals.ksk_signals(SINCE, UNTIL) == []  # 30 appeals, but only 10 residents' addresses
    complain(1, first=10)
    [signal] = signals.ksk_signals(SINCE, UNTIL)
    assert (signal["ksk"], signal["addresses"], signal["appeals"]) == ("КСК Берёзка", 11, 31)
    assert signals.ksk_signals(SINCE, REGISTERED) == []  # outside the period


def test_executor_ratings_count_on_time_and_rejected(catalog, org, user):
    utility = org("utility", name="Qyzyljar Su")
    op, insp, ex = user("operator"), user("inspector"), user("executor", organization=utility)

    def through(note_rejected=False, close_after_days=1):
        a = appeals.register(category="water", point=CENTRE, actor=op, registered_at=REGISTERED)
        t = REGISTERED
        for action, who, kw in [("accept", op, {}), ("incident", insp, {}), ("route", insp, {"executor": utility}),
                                ("answer", ex, {"note": "done"})]:
            lifecycle.perform(a, action, who, now=t, **kw)
        if note_rejected:
            lifecycle.perform(a, "reject", insp, note="formal", now=t)
            lifecycle.perform(a, "answer", ex, note="really done", now=t)
        end = REGISTERED + dt.timedelta(days=close_after_days)
        lifecycle.perform(a, "approve", insp, now=end)
        lifecycle.perform(a, "callback", op, note="ok", now=end)
        lifecycle.perform(a, "close", op, now=end)

    through()
    through(note_rejected=True)
    through(close_after_days=40)  # past the 15-day term
    [rating] = signals.executor_ratings(SINCE, UNTIL, now=UNTIL)
    assert (rating["appeals"], rating["closed"], rating["on_time"], rating["rejected_answers"]) == (3, 3, 2, 1)
    assert float(rating["on_time_share"]) == pytest.approx(0.667, abs=0.001)


def test_duplicates_are_suggested_by_category_place_and_time(catalog):
    first = appeals.register(category="water", point=CENTRE, registered_at=REGISTERED)
    appeals.register(category="roads", point=CENTRE, registered_at=REGISTERED)  # another category
    appeals.register(category="water", point=Point(69.16, 54.87, srid=4326), registered_at=REGISTERED)  # 640 m
    appeals.register(category="water", point=CENTRE, registered_at=REGISTERED - dt.timedelta(days=20))  # old
    near = Point(69.1505, 54.8702, srid=4326)  # ~40 m away
    new = appeals.register(category="water", point=near, registered_at=REGISTERED + dt.timedelta(hours=5))
    assert signals.suggest_duplicates(new) == [first]


def test_an_abandoned_excavation_links_to_the_open_dig_order_beside_it(catalog, org):
    contractor = org("contractor", name="ТОО Дорстрой")
    pit = MultiPolygon(Polygon.from_bbox((69.1500, 54.8700, 69.1503, 54.8702)), srid=4326)
    order = dig_orders.register(number="ЗР-7", contractor=contractor, area=pit, issued_on="2026-01-10",
                                restore_by="2026-02-10")
    here = appeals.register(category="roads", incident_type="roads.abandoned_excavation",
                            point=Point(69.1505, 54.8701, srid=4326), registered_at=REGISTERED)
    far = appeals.register(category="roads", incident_type="roads.abandoned_excavation",
                           point=Point(69.16, 54.87, srid=4326), registered_at=REGISTERED)
    assert here.dig_order == order and far.dig_order is None


def test_an_executor_sees_only_its_organizations_appeals(catalog, org, user):
    mine, theirs = org("utility", name="A"), org("utility", name="B")
    a = appeals.register(category="water", point=CENTRE, registered_at=REGISTERED)
    b = appeals.register(category="water", point=CENTRE, registered_at=REGISTERED)
    from layers.appeals import Appeal

    Appeal.objects.filter(pk=a.pk).update(executor=mine)
    Appeal.objects.filter(pk=b.pk).update(executor=theirs)
    assert list(roles.visible_appeals(user("executor", organization=mine))) == [a]
    assert set(roles.visible_appeals(user("supervisor"))) == {a, b}
    assert not roles.visible_appeals(user()).exists()


def test_systemic_rating_ranks_recurrent_critical_resonant_problems_first(catalog, user):
    op, insp = user("operator"), user("inspector")

    def appeal(category, phone="", channel="phone", incident=False):
        a = appeals.register(category=category, point=CENTRE, caller_phone=phone, channel=channel,
                             registered_at=REGISTERED)
        if incident:
            lifecycle.perform(a, "accept", op, now=REGISTERED)
            lifecycle.perform(a, "incident", insp, now=REGISTERED)

    for i in range(3):  # heating: three incidents, criticality 4, one caller twice, one social
        appeal("heating", phone=f"+7 1{i}", incident=True)
    appeal("heating", phone="+7 10", channel="social")
    appeal("transport", phone="+7 20")  # transport: one appeal, no incident, criticality 2
    heating, transport = signals.systemic_ratings(SINCE, UNTIL)
    assert (heating["category"], heating["appeals"], heating["incidents"]) == ("heating", 4, 3)
    assert heating["criticality"] == 4.0
    assert heating["repeat_share"] == 0.5 and heating["social_share"] == 0.25
    # 100 × (0.4·3/3 + 0.3·4/5 + 0.3·(min(4/3/5, 1) + 0.5 + 0.25)/3)
    assert heating["score"] == pytest.approx(100 * (0.4 + 0.3 * 0.8 + 0.3 * ((4 / 3 / 5) + 0.75) / 3), abs=0.1)
    assert transport["category"] == "transport" and transport["score"] < heating["score"]
