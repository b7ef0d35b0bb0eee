"""Responsibility by location on a hand-made block: a yard, a street, a water main, a district.

    69.140        69.150          69.160
    +-------------- district N ----------+ 54.880
    |   yard (KSK Berezka)               |
    |   69.142-69.146 / 54.872-54.876    |
    |                                    |
    |====== street Абая  y = 54.870 =====|
    |  water main y = 54.866 (Su)        |
    +------------------------------------+ 54.860
"""
import pytest
from django.contrib.gis.geos import LineString, MultiLineString, MultiPolygon, Point, Polygon

from gis.workflow import appeals, lifecycle, routing
from gis.workflow.errors import NoExecutor
from layers.catalog import Category, IncidentType, Responsibility
from layers.districts import District
from layers.network_segments import NetworkSegment
from layers.streets import Street
from layers.yards import Yard

# ~64 m per 0.001° of longitude and ~111 m per 0.001° of latitude here
IN_YARD = Point(69.144, 54.874, srid=4326)
BY_ROAD = Point(69.150, 54.8701, srid=4326)  # ~11 m from the street
OVER_MAIN = Point(69.150, 54.8662, srid=4326)  # ~22 m from the water main, ~420 m from the street
NOWHERE = Point(69.158, 54.878, srid=4326)  # in the district, far from everything


@pytest.fixture
def block(catalog, org):
    d = District.objects.create(code="N", name="Северный",
                                geom=MultiPolygon(Polygon.from_bbox((69.14, 54.86, 69.16, 54.88)), srid=4326))
    orgs = {
        "ksk": org("ksk", name="КСК Берёзка"),
        "su": org("utility", name="Qyzyljar Su", network_kind="water"),
        "roads": org("city_department", name="Отдел ЖКХ, ПТ и АД"),
        "nature": org("city_department", name="Отдел природных ресурсов"),
        "akimat": org("akimat", name="Акимат района Северный"),
        "city": org("akimat", name="Акимат города"),
    }
    Yard.objects.create(name="двор 1", ksk=orgs["ksk"], district=d,
                        geom=MultiPolygon(Polygon.from_bbox((69.142, 54.872, 69.146, 54.876)), srid=4326))
    Street.objects.create(name="улица Абая", geom=MultiLineString(LineString((69.14, 54.87), (69.16, 54.87)), srid=4326))
    NetworkSegment.objects.create(kind="water", operator=orgs["su"],
                                  geom=LineString((69.14, 54.866), (69.16, 54.866), srid=4326))
    Responsibility.objects.create(scope="roadway", organization=orgs["roads"])
    Responsibility.objects.create(scope="roadway", category=Category.objects.get(code="trees"),
                                  organization=orgs["nature"])
    Responsibility.objects.create(scope="district", district=d, organization=orgs["akimat"])
    Responsibility.objects.create(scope="district", organization=orgs["city"])
    return orgs


def who(point, category, incident=None):
    cat = Category.objects.get(code=category)
    it = IncidentType.objects.get(code=incident) if incident else None
    d = routing.decide(point, cat, it)
    return d.organization.name, d.step


def test_a_tree_in_a_yard_goes_to_the_ksk_and_by_the_road_to_natural_resources(block):
    assert who(IN_YARD, "trees") == ("КСК Берёзка", "yard")
    assert who(BY_ROAD, "trees") == ("Отдел природных ресурсов", "roadway")


def test_roads_go_to_the_roadway_department_near_a_street_else_the_district(block):
    assert who(BY_ROAD, "roads", "roads.pothole") == ("Отдел ЖКХ, ПТ и АД", "roadway")
    assert who(NOWHERE, "roads", "roads.pothole") == ("Акимат района Северный", "district")


def test_a_network_problem_goes_to_the_operator_of_the_nearby_segment(block):
    assert who(OVER_MAIN, "water", "water.leak") == ("Qyzyljar Su", "network")
    # heating: no heating main here, so the rule falls through to the district
    assert who(OVER_MAIN, "heating", "heating.pipe_burst") == ("Акимат района Северный", "district")


def test_pipes_inside_the_house_go_to_the_ksk_even_near_a_main(block):
    # cold flat: the yard comes first in its rule; a burst main: the network only
    assert who(IN_YARD, "heating", "heating.cold_flat") == ("КСК Берёзка", "yard")


def test_the_radius_is_in_metres(block):
    cat = Category.objects.get(code="water")
    cat.routing = "network:15 district"
    cat.save()
    assert who(OVER_MAIN, "water") == ("Акимат района Северный", "district")  # 22 m > 15 m
    cat.routing = "network:30 district"
    cat.save()
    assert who(OVER_MAIN, "water") == ("Qyzyljar Su", "network")


def test_outside_every_district_the_city_wide_fallback_answers(block):
    assert who(Point(69.30, 54.90, srid=4326), "medicine") == ("Акимат города", "district")


def test_no_rule_applies_is_a_clear_error(block):
    Responsibility.objects.filter(scope="district").delete()
    with pytest.raises(NoExecutor, match="no executor found for medicine"):
        routing.decide(NOWHERE, Category.objects.get(code="medicine"))


def test_routing_an_incident_records_the_reason(block, user):
    operator, inspector = user("operator"), user("inspector")
    appeal = appeals.register(category="trees", incident_type="trees.trimming", point=IN_YARD, actor=operator)
    lifecycle.perform(appeal, "accept", operator)
    lifecycle.perform(appeal, "incident", inspector)
    appeal = lifecycle.perform(appeal, "route", inspector)
    assert appeal.executor == block["ksk"]
    assert appeal.events.get(action="route").data["routing"].startswith("yard: the point lies in yard")


def test_imported_appeals_with_bare_or_unknown_codes_route_by_category(block, user, make_appeal):
    inspector = user("inspector")
    bare = make_appeal(category="trees", incident_type="trimming", status="incident", geom=IN_YARD)
    odd = make_appeal(category="trees", incident_type="tree_trimming", status="incident", geom=BY_ROAD)
    assert lifecycle.perform(bare, "route", inspector).executor == block["ksk"]
    assert lifecycle.perform(odd, "route", inspector).executor == block["nature"]
    lost = make_appeal(category="weather", status="incident", geom=IN_YARD)
    with pytest.raises(NoExecutor, match="route it to an executor by hand"):
        lifecycle.perform(lost, "route", inspector)
    assert lifecycle.perform(lost, "route", inspector, executor=block["city"]).status == "routed"
