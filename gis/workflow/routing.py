"""Responsibility by location: who must answer an appeal, from its point and category.

The rule for each category is data (layers/catalog.csv `routing`, editable in the admin):
steps tried in order until one finds an organization.
  yard            point inside a yard that has a KSK → that KSK
  roadway:<m>     within <m> metres of a street → the Responsibility row for the roadway
  network:<m>     within <m> metres of a segment of the category's network kind → its operator
  district        the Responsibility row for the point's district, else the city-wide one
"""
from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q

from gis.workflow.errors import NoExecutor
from layers.catalog import Category, IncidentType, Responsibility, routing_steps
from layers.organizations import Organization

# metres → degrees to pre-filter with the spatial index before the exact geography test;
# generous at any latitude below 80° (a degree of longitude ≥ 19 km there)
DEGREES_PER_METRE = 1 / 19_000

NEAREST = """
SELECT {key} FROM {table}
WHERE {extra} geom && ST_Expand(ST_GeomFromEWKT(%(pt)s), %(deg)s)
  AND ST_DWithin(geom::geography, ST_GeomFromEWKT(%(pt)s)::geography, %(m)s)
ORDER BY geom::geography <-> ST_GeomFromEWKT(%(pt)s)::geography
LIMIT 1
"""


@dataclass(frozen=True)
class Decision:
    organization: Organization
    step: str
    reason: str


def _nearest(table: str, key: str, point, metres: float, extra: str = "", **params):
    sql = NEAREST.format(table=table, key=key, extra=extra)
    with connection.cursor() as cur:
        cur.execute(sql, {"pt": point.ewkt, "deg": metres * DEGREES_PER_METRE, "m": metres, **params})
        row = cur.fetchone()
    return row[0] if row else None


def _responsible(scope: str, category: Category, district_id: int | None = None) -> Organization | None:
    rows = Responsibility.objects.filter(scope=scope).filter(Q(category=category) | Q(category__isnull=True))
    if scope == Responsibility.Scope.DISTRICT:
        rows = rows.filter(Q(district_id=district_id) | Q(district__isnull=True))
    # most specific first: a named category, then a named district
    best = sorted(rows.select_related("organization"),
                  key=lambda r: (r.category_id is None, r.district_id is None))
    return best[0].organization if best else None


def _yard(point, category, radius):
    with connection.cursor() as cur:
        cur.execute("SELECT id, ksk_id FROM layers_yard WHERE ksk_id IS NOT NULL "
                    "AND ST_Intersects(geom, ST_GeomFromEWKT(%s)) ORDER BY area_m2 LIMIT 1", [point.ewkt])
        row = cur.fetchone()
    if row:
        return Organization.objects.get(pk=row[1]), f"the point lies in yard {row[0]}, kept by its KSK"
    return None


def _roadway(point, category, radius):
    street = _nearest("layers_street", "name", point, radius)
    if street is None:
        return None
    org = _responsible(Responsibility.Scope.ROADWAY, category)
    if org is None:
        return None
    return org, f"within {radius:g} m of the roadway of {street}"


def _network(point, category, radius):
    if not category.network_kind:
        return None
    found = _nearest("layers_networksegment", "operator_id", point, radius,
                     extra="kind = %(kind)s AND operator_id IS NOT NULL AND status <> 'abandoned' AND",
                     kind=category.network_kind)
    if found is None:
        return None
    return (Organization.objects.get(pk=found),
            f"within {radius:g} m of a {category.network_kind} network segment it operates")


def _district(point, category, radius):
    with connection.cursor() as cur:
        cur.execute("SELECT id, name FROM layers_district WHERE ST_Intersects(geom, ST_GeomFromEWKT(%s)) LIMIT 1",
                    [point.ewkt])
        row = cur.fetchone()
    org = _responsible(Responsibility.Scope.DISTRICT, category, row[0] if row else None)
    if org is None:
        return None
    return org, (f"responsible for {category.code} in {row[1]}" if row else f"city-wide for {category.code}")


STEPS = {"yard": _yard, "roadway": _roadway, "network": _network, "district": _district}


def decide(point, category: Category, incident_type: IncidentType | None = None) -> Decision:
    """The executor for an appeal at `point`; NoExecutor when no rule applies."""
    rule = incident_type.effective_routing if incident_type else category.routing
    for step, radius in routing_steps(rule):
        found = STEPS[step](point, category, radius)
        if found:
            org, reason = found
            return Decision(org, step, reason)
    raise NoExecutor(f"no executor found for {category.code} here (rule: {rule}); add a district "
                     "responsibility for it in the admin", category=category.code)
