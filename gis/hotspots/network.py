"""Network hot spots and the valve-bounded trace on a utility network.

The graph is made from segment endpoints: endpoints closer than `tolerance` metres
are one node. A trace walks outward from a broken segment through every node that
is not a valve; valve wells (Well.is_valve) within `tolerance` of a node close it.
A valve lying mid-segment (not at an endpoint) is not a node and does not bound the
trace: the network would have to be split there first.
"""
from __future__ import annotations

import json
from collections import deque
from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import numpy as np
import shapely
from django.conf import settings
from django.db import connection
from scipy import sparse
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from . import weights as W
from .errors import BadParameter, EmptyPeriod, UnknownSegment
from .getis_ord import gi_star
from .grid import check_filters


def network_of(category: str | None) -> str | None:
    """The network an appeal category's accidents happen on: the catalog's network_kind."""
    from layers.catalog import Category

    if not category:
        return None
    return Category.objects.filter(code=category).values_list("network_kind", flat=True).first() or None


@dataclass
class Network:
    """Segments of one network kind: ids, metric endpoints and the node at each end."""
    ids: np.ndarray
    start: np.ndarray  # node index of each segment's first point
    end: np.ndarray
    nodes: np.ndarray  # node coordinates (metric)

    @classmethod
    def from_endpoints(cls, ids, first_xy, last_xy, tolerance: float = 0.5) -> Network:
        ids = np.asarray(ids)
        pts = np.vstack([np.asarray(first_xy, float), np.asarray(last_xy, float)])
        n = len(ids)
        pairs = cKDTree(pts).query_pairs(tolerance, output_type="ndarray") if len(pts) else np.empty((0, 2), int)
        link = sparse.coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(2 * n, 2 * n))
        _, label = connected_components(link, directed=False)
        nodes = np.zeros((label.max() + 1 if n else 0, 2))
        nodes[label] = pts
        return cls(ids=ids, start=label[:n], end=label[n:], nodes=nodes)

    @classmethod
    def from_lines(cls, ids, lines, tolerance: float = 0.5) -> Network:
        lines = np.asarray(lines)
        first = shapely.get_coordinates(shapely.get_point(lines, 0))
        last = shapely.get_coordinates(shapely.get_point(lines, -1))
        return cls.from_endpoints(ids, first, last, tolerance)

    def adjacency(self) -> sparse.csr_matrix:
        """Segments sharing a node (segment x segment, no diagonal)."""
        n = len(self.ids)
        inc = sparse.csr_matrix((np.ones(2 * n), (np.r_[np.arange(n), np.arange(n)], np.r_[self.start, self.end])),
                                shape=(n, len(self.nodes)))
        adj = (inc @ inc.T).tolil()
        adj.setdiag(0)
        adj = adj.tocsr()
        adj.eliminate_zeros()
        return (adj > 0).astype(float)

    def valve_nodes(self, valve_xy, tolerance: float = 0.5) -> np.ndarray:
        """Node index of each valve, -1 for a valve at no node."""
        valve_xy = np.asarray(valve_xy, float).reshape(-1, 2)
        if not len(valve_xy) or not len(self.nodes):
            return np.full(len(valve_xy), -1)
        d, idx = cKDTree(self.nodes).query(valve_xy)
        return np.where(d <= tolerance, idx, -1)

    def trace(self, segment_id, closed_nodes) -> tuple[np.ndarray, np.ndarray]:
        """Segments cut off when the closed nodes (valves) are shut around a broken segment,
        and the closed nodes that bound them."""
        where = np.nonzero(self.ids == segment_id)[0]
        if not len(where):
            raise UnknownSegment(f"no segment {segment_id} in this network", segment=segment_id)
        closed = {int(c) for c in np.asarray(closed_nodes).ravel() if c >= 0}
        incident: dict[int, list[int]] = {}
        for s, (a, b) in enumerate(zip(self.start, self.end)):
            incident.setdefault(int(a), []).append(s)
            incident.setdefault(int(b), []).append(s)
        seen_seg = {int(where[0])}
        queue = deque([int(self.start[where[0]]), int(self.end[where[0]])])
        seen_node, bounding = set(), set()
        while queue:
            node = queue.popleft()
            if node in seen_node:
                continue
            seen_node.add(node)
            if node in closed:
                bounding.add(node)
                continue
            for s in incident[node]:
                if s not in seen_seg:
                    seen_seg.add(s)
                    queue.extend((int(self.start[s]), int(self.end[s])))
        return self.ids[sorted(seen_seg)], np.array(sorted(bounding), dtype=int)


SEGMENTS_SQL = """
SELECT s.id, ST_X(a), ST_Y(a), ST_X(b), ST_Y(b)
FROM layers_networksegment s,
     LATERAL ST_Transform(ST_StartPoint(s.geom), %(srid)s) AS a,
     LATERAL ST_Transform(ST_EndPoint(s.geom), %(srid)s) AS b
WHERE s.kind = %(kind)s AND s.status <> 'abandoned'
ORDER BY s.id
"""

VALVES_SQL = """
SELECT w.id, ST_X(p), ST_Y(p) FROM layers_well w, LATERAL ST_Transform(w.geom, %(srid)s) AS p
WHERE w.network_kind = %(kind)s AND w.is_valve ORDER BY w.id
"""

BUILDINGS_SQL = """
SELECT b.id, b.street, b.house_number, b.name, b.apartments,
       min(ST_Distance(ST_Transform(b.geom, %(srid)s), ST_Transform(s.geom, %(srid)s)))
FROM layers_networksegment s JOIN layers_building b
  ON b.geom && ST_Expand(s.geom, %(deg)s)
 AND ST_DWithin(ST_Transform(b.geom, %(srid)s), ST_Transform(s.geom, %(srid)s), %(buffer)s)
WHERE s.id = ANY(%(ids)s)
GROUP BY b.id ORDER BY b.street, b.house_number, b.id
"""


GEOMETRY_SQL = """
SELECT (SELECT ST_AsGeoJSON(ST_Collect(geom ORDER BY id), 7) FROM layers_networksegment WHERE id = ANY(%(ids)s)),
       (SELECT ST_AsGeoJSON(ST_Collect(geom ORDER BY id), 7) FROM layers_well WHERE id = ANY(%(valves)s))
"""


def _degrees(metres: float) -> float:
    """A longitude span at least `metres` long anywhere in the city, for index prefilters."""
    lat = max(abs(settings.QALA_CITY["bbox"][1]), abs(settings.QALA_CITY["bbox"][3]))
    return float(metres / (111_320.0 * max(np.cos(np.radians(lat)), 0.05)))


def load_network(kind: str, srid: int, tolerance: float = 0.5):
    with connection.cursor() as cur:
        cur.execute(SEGMENTS_SQL, {"kind": kind, "srid": srid})
        rows = np.array(cur.fetchall(), dtype=float).reshape(-1, 5)
        cur.execute(VALVES_SQL, {"kind": kind, "srid": srid})
        valves = np.array(cur.fetchall(), dtype=float).reshape(-1, 3)
    net = Network.from_endpoints(rows[:, 0].astype(np.int64), rows[:, 1:3], rows[:, 3:5], tolerance)
    return net, valves[:, 0].astype(np.int64), net.valve_nodes(valves[:, 1:3], tolerance)


def network_trace(segment_id: int, buffer_m: float = 30.0, tolerance: float = 0.5) -> dict:
    """What shutting the valves around a broken segment cuts off: segments, the valves
    to close, and the buildings within `buffer_m` of the cut-off segments, with addresses."""
    if not buffer_m >= 0:
        raise BadParameter(f"buffer must be zero or more metres, got {buffer_m}")
    srid = settings.QALA_CITY["metric_srid"]
    with connection.cursor() as cur:
        cur.execute("SELECT kind FROM layers_networksegment WHERE id = %s", [segment_id])
        row = cur.fetchone()
    if row is None:
        raise UnknownSegment(f"no network segment has the id {segment_id}", segment=segment_id)
    kind = row[0]
    net, valve_ids, valve_nodes = load_network(kind, srid, tolerance)
    segments, bounding = net.trace(segment_id, valve_nodes)
    with connection.cursor() as cur:
        cur.execute(BUILDINGS_SQL, {"srid": srid, "deg": _degrees(buffer_m), "buffer": float(buffer_m),
                                    "ids": [int(s) for s in segments]})
        buildings = [{"id": b, "address": ", ".join(x for x in (street, number) if x) or name,
                      "street": street, "house_number": number, "name": name, "apartments": apartments,
                      "distance_m": round(dist, 1)}
                     for b, street, number, name, apartments, dist in cur.fetchall()]
        valves = [int(v) for v in valve_ids[np.isin(valve_nodes, bounding)]]
        cur.execute(GEOMETRY_SQL, {"ids": [int(s) for s in segments], "valves": valves})
        lines, points = cur.fetchone()
    return {"segment": segment_id, "kind": kind, "segments": [int(s) for s in segments], "valves": valves,
            "buildings": buildings, "apartments": sum(b["apartments"] or 0 for b in buildings),
            "geometry": {"segments": json.loads(lines), "valves": json.loads(points) if points else None}}


SNAP_SQL = """
SELECT n.id, count(*)
FROM layers_appeal a CROSS JOIN LATERAL (
    SELECT s.id FROM layers_networksegment s
    WHERE s.kind = %(kind)s AND s.status <> 'abandoned' AND s.geom && ST_Expand(a.geom, %(deg)s)
      AND ST_DWithin(ST_Transform(s.geom, %(srid)s), ST_Transform(a.geom, %(srid)s), %(radius)s)
    ORDER BY ST_Distance(ST_Transform(s.geom, %(srid)s), ST_Transform(a.geom, %(srid)s)), s.id
    LIMIT 1) n
WHERE a.registered_at >= %(start)s AND a.registered_at < %(end)s
  AND (%(category)s::text IS NULL OR a.category = %(category)s)
  AND (%(incident_type)s::text IS NULL OR a.incident_type = %(incident_type)s)
GROUP BY n.id
"""


def network_hotspots(start: datetime, end: datetime, category: str | None = "heating", kind: str | None = None,
                     incident_type: str | None = None, radius_m: float = 50.0, hops: int = 2,
                     tolerance: float = 0.5, fdr: bool = True, permutations: int = 0,
                     seed: int = 0) -> gpd.GeoDataFrame:
    """Appeals snapped to the nearest segment of their network within `radius_m`, and Gi*
    along the network: a segment's neighbours are the segments within `hops` shared nodes."""
    kind = kind or network_of(category)
    if kind is None:
        raise BadParameter(f"no network is known for the category {category!r}; give the network kind")
    if not radius_m > 0:
        raise BadParameter(f"snapping radius must be positive metres, got {radius_m}")
    srid = settings.QALA_CITY["metric_srid"]
    with connection.cursor() as cur:
        check_filters(cur, category, None, start, end, incident_type)
        cur.execute(SNAP_SQL, {"kind": kind, "srid": srid, "deg": _degrees(radius_m), "radius": float(radius_m),
                               "start": start, "end": end, "category": category, "incident_type": incident_type})
        snapped = dict(cur.fetchall())
    if not snapped:
        raise EmptyPeriod(f"no appeals within {radius_m:g} m of the {kind} network between "
                          f"{start:%Y-%m-%d} and {end:%Y-%m-%d}")
    net, _, _ = load_network(kind, srid, tolerance)
    counts = np.array([snapped.get(int(i), 0) for i in net.ids], dtype=float)
    result = gi_star(counts, W.from_adjacency(net.adjacency(), hops), fdr=fdr,
                     permutations=permutations, seed=seed)
    from layers.network_segments import NetworkSegment

    geoms = dict(NetworkSegment.objects.filter(id__in=[int(i) for i in net.ids]).values_list("id", "geom"))
    frame = gpd.GeoDataFrame({"segment": net.ids, "count": counts.astype(int), "z": result.z, "p": result.p,
                              "bin": result.bins},
                             geometry=[shapely.from_wkb(bytes(geoms[int(i)].wkb)) for i in net.ids], crs=4326)
    return frame
