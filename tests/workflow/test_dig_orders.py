"""Dig orders: bad input refused before writing; closing needs an act, in the service and the database."""
import datetime as dt

import pytest
from django.contrib.gis.geos import Polygon
from django.db import IntegrityError, connection, transaction

from gis.workflow import dig_orders
from gis.workflow.errors import BadDigOrder, NoRole, OutsideCity
from layers.dig_orders import DigOrder

PIT = Polygon.from_bbox((69.150, 54.870, 69.1503, 54.8702))
PIT.srid = 4326


@pytest.fixture
def contractor(org):
    return org("contractor", name="ТОО Дорстрой", email="dorstroy@example.kz")


def new(contractor, **kw):
    args = dict(number="ЗР-2026-001", contractor=contractor, area=PIT, issued_on="2026-04-01",
                restore_by="2026-04-20", purpose="замена водопровода")
    args.update(kw)
    return dig_orders.register(**args)


def test_an_order_is_registered_and_closed_with_its_act(contractor):
    order = new(contractor)
    assert order.geom.geom_type == "MultiPolygon" and order.restore_by == dt.date(2026, 4, 20)
    order = dig_orders.close(order, closing_act="АКТ-17", closed_on="2026-04-18")
    order.refresh_from_db()
    assert (order.closed_on, order.closing_act) == (dt.date(2026, 4, 18), "АКТ-17")
    assert not DigOrder.objects.overdue(dt.date(2026, 5, 1)).exists()


@pytest.mark.parametrize("kwargs, error, match", [
    ({"restore_by": "2026-03-01"}, BadDigOrder, "precedes the issue date"),
    ({"issued_on": "first of April"}, BadDigOrder, "not a date"),
    ({"area": Polygon.from_bbox((37.6, 55.7, 37.61, 55.71))}, OutsideCity, "outside the city"),
    ({"number": " "}, BadDigOrder, "needs its number"),
])
def test_bad_orders_are_refused_and_nothing_is_written(contractor, kwargs, error, match):
    if "area" in kwargs:
        kwargs["area"].srid = 4326
    with pytest.raises(error, match=match):
        new(contractor, **kwargs)
    assert not DigOrder.objects.exists()


def test_a_person_without_the_role_cannot_register(contractor, user):
    with pytest.raises(NoRole):
        new(contractor, actor=user("operator"))
    assert new(contractor, actor=user("editor")).pk


def test_closing_without_an_act_is_refused_by_the_service_and_the_database(contractor):
    order = new(contractor)
    with pytest.raises(BadDigOrder, match="without a closing act"):
        dig_orders.close(order, closing_act="  ")
    with pytest.raises(IntegrityError, match="cannot be closed without a closing act"), transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("UPDATE layers_digorder SET closed_on = '2026-04-19' WHERE id = %s", [order.pk])
    order.refresh_from_db()
    assert order.closed_on is None


def test_the_database_refuses_a_deadline_before_the_issue_date(contractor):
    with pytest.raises(IntegrityError, match="dig_order_deadline_after_issue"), transaction.atomic():
        DigOrder.objects.create(number="X", contractor=contractor, geom=new(contractor).geom,
                                issued_on=dt.date(2026, 4, 1), restore_by=dt.date(2026, 3, 1))
