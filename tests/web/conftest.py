"""A small hand-made quarter (houses, yards, a KSK, a utility, dig orders, appeals) and one user per role."""
import datetime as dt

import pytest
from django.contrib.auth.models import Group, User
from django.contrib.gis.geos import LineString, MultiLineString, MultiPolygon, Point, Polygon
from django.utils import timezone

from gis.workflow.catalog import load_catalog

from layers.appeals import Appeal
from layers.buildings import Building
from layers.dig_orders import DigOrder
from layers.districts import District
from layers.network_segments import NetworkSegment
from layers.organizations import Organization
from layers.repair_works import RepairWork
from layers.streets import Street
from layers.yards import Yard

X0, Y0 = 69.150, 54.870
D = 0.0004
PASSWORD = "correct-horse-109"
SECRET_NAME = "Иван Секретов"
SECRET_PHONE = "+77770001122"
XSS = '<script>window.__pwned = 1</script><img src=x onerror="window.__pwned=2">'


def box(x, y, w=D, h=D):
    return MultiPolygon(Polygon.from_bbox((x, y, x + w, y + h)), srid=4326)


def build_quarter() -> dict:
    load_catalog()
    today = timezone.localdate()
    district = District.objects.create(code="N", name="Северный район", name_kk="Солтүстік аудан",
                                       geom=box(X0 - 0.01, Y0 - 0.01, 0.03, 0.03))
    Street.objects.create(name="улица Жамбыла", name_kk="Жамбыл көшесі", geom=MultiLineString(
        LineString((X0 - 0.002, Y0), (X0 + 0.006, Y0)), srid=4326))
    ksk = Organization.objects.create(name="КСК «Береке»", name_kk="«Береке» ПИК", kind="ksk", phone="+7 7152 000000")
    heat = Organization.objects.create(name="Петропавловские тепловые сети", kind="utility", network_kind="heating")
    contractor = Organization.objects.create(name="ТОО Подрядчик", kind="contractor", phone="+7 7152 111111")
    big = Yard.objects.create(name="двор Жамбыла 15", ksk=ksk, district=district, paving_state="unpaved",
                              geom=box(X0, Y0 + 0.0005, 0.003, 0.002))
    small = Yard.objects.create(name="двор Жамбыла 31", district=district, paving_state="poor",
                                geom=box(X0 + 0.004, Y0 + 0.0005, 0.001, 0.001))
    Yard.objects.create(name="двор хороший", district=district, paving_state="good",
                        geom=box(X0 + 0.004, Y0 + 0.002, 0.001, 0.001))
    houses = {}
    for i, number in enumerate(["15", "15а", "17"]):
        houses[number] = Building.objects.create(street="улица Жамбыла", house_number=number, floors=5,
                                                 apartments=60, yard=big, district=district,
                                                 geom=box(X0 + 0.0002 + i * 0.0007, Y0 + 0.0006))
    houses["31"] = Building.objects.create(street="улица Жамбыла", house_number="31", floors=2, apartments=8,
                                           yard=small, district=district, geom=box(X0 + 0.0042, Y0 + 0.0006))
    NetworkSegment.objects.create(kind="heating", operator=heat, diameter_mm=300,
                                  geom=LineString((X0 - 0.001, Y0 + 0.0002), (X0 + 0.004, Y0 + 0.0002), srid=4326))
    DigOrder.objects.create(number="DO-1", contractor=contractor, issued_on=today - dt.timedelta(days=30),
                            restore_by=today - dt.timedelta(days=3), purpose="heating main",
                            geom=box(X0 + 0.0012, Y0 + 0.0001, 0.0002, 0.0002))
    RepairWork.objects.create(title="Ремонт теплотрассы", kind="heating", status="ongoing",
                              starts_on=today - dt.timedelta(days=5), organization=heat,
                              geom=box(X0 + 0.002, Y0 + 0.0001, 0.0003, 0.0002))
    now = timezone.now()
    appeal = Appeal.objects.create(
        number=f"109-{today.year}-000001", category="heating", status="registered", registered_at=now,
        due_at=now + dt.timedelta(days=15), executor=heat, district=district, building=houses["15"],
        caller_name=SECRET_NAME, caller_phone=SECRET_PHONE, description=XSS, address="улица Жамбыла, 15",
        geom=Point(X0 + 0.0003, Y0 + 0.0007, srid=4326))
    late = Appeal.objects.create(
        number=f"109-{today.year}-000002", category="water", status="registered",
        registered_at=now - dt.timedelta(days=20), due_at=now - dt.timedelta(days=5), executor=heat,
        district=district, caller_name=SECRET_NAME, geom=Point(X0 + 0.0043, Y0 + 0.0007, srid=4326))
    return {"houses": houses, "big": big, "small": small, "ksk": ksk, "heat": heat, "appeal": appeal,
            "late": late, "district": district}


@pytest.fixture
def quarter(db):
    return build_quarter()


def make_user(name: str, group: str | None = None) -> User:
    user = User.objects.create_user(name, password=PASSWORD)
    if group:
        user.groups.add(Group.objects.get_or_create(name=group)[0])
    return user


@pytest.fixture
def operator_client(client, db):
    client.force_login(make_user("op1", "operator"))
    return client


@pytest.fixture
def planner_client(client, db):
    client.force_login(make_user("pl1", "planner"))
    return client


@pytest.fixture
def supervisor_client(client, db):
    client.force_login(make_user("sv1", "supervisor"))
    return client
