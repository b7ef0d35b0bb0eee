"""City features made with the ORM inside the city bbox: three appeals with known callers,
two dig orders, one organization without an office location."""
from datetime import date, datetime, timezone

import pytest
from django.contrib.gis.geos import MultiPolygon, Point, Polygon

from layers.appeals import Appeal
from layers.dig_orders import DigOrder
from layers.organizations import Organization

CALLERS = [("Айгерим Сапарова", "+7 701 555 12 34"), ("Иван Петрович Сидоров", "+7 777 123 98 76"),
           ("Test Callerton", "87015550000")]
SECRET_TEXT = "подъезд 3, код домофона 4471"


@pytest.fixture
def city(db):
    org = Organization.objects.create(name="Горводоканал", kind="utility")
    appeals = [
        Appeal.objects.create(number=f"109-2026-00000{i}", category=cat, status=status, geom=Point(lon, lat),
                              registered_at=datetime(2026, 3, day, 9, tzinfo=timezone.utc), executor=org,
                              caller_name=name, caller_phone=phone, description=SECRET_TEXT,
                              address="ул. Конституции Казахстана, 21")
        for i, ((name, phone), cat, status, lon, lat, day) in enumerate(zip(
            CALLERS, ["heating", "water", "heating"], ["registered", "closed", "registered"],
            [69.15, 69.16, 69.30], [54.87, 54.88, 54.95], [1, 10, 20]), start=1)
    ]
    square = lambda x, y: MultiPolygon(Polygon.from_bbox((x, y, x + 0.001, y + 0.001)))  # noqa: E731
    digs = [DigOrder.objects.create(number="D-1", contractor=org, issued_on=date(2026, 4, 1),
                                    restore_by=date(2026, 4, 20), geom=square(69.10, 54.86)),
            DigOrder.objects.create(number="D-2", contractor=org, issued_on=date(2026, 5, 1),
                                    restore_by=date(2026, 5, 20), geom=square(69.20, 54.90))]
    return {"org": org, "appeals": appeals, "digs": digs}
