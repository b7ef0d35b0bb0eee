"""Network trace and network Gi*: a hand-made network in the city, and real Rutland sewers."""
from datetime import UTC, datetime
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from django.conf import settings
from django.contrib.gis.geos import LineString, MultiPolygon, Point, Polygon
from pyproj import Transformer
from scipy import sparse
from scipy.sparse.csgraph import connected_components

from gis.hotspots.errors import BadParameter, EmptyPeriod, UnknownSegment
from gis.hotspots.network import Network, network_hotspots, network_trace
from layers.buildings import Building
from layers.network_segments import NetworkSegment
from layers.wells import Well

DATA = Path(__file__).resolve().parent.parent / "data" / "hotspots"


class Local:
    """Metres east/north of the city centre <-> lon/lat."""

    def __init__(self):
        srid = settings.QALA_CITY["metric_srid"]
        self.fwd = Transformer.from_crs(4326, srid, always_xy=True)
        self.back = Transformer.from_crs(srid, 4326, always_xy=True)
        self.x0, self.y0 = self.fwd.transform(*settings.QALA_CITY["center"])

    def __call__(self, x, y):
        return self.back.transform(self.x0 + x, self.y0 + y)

    def line(self, *pts):
        return LineString([self(x, y) for x, y in pts], srid=4326)

    def point(self, x, y):
        return Point(*self(x, y), srid=4326)

    def house(self, x, y, half=5):
        ring = [self(x - half, y - half), self(x + half, y - half), self(x + half, y + half),
                self(x - half, y + half), self(x - half, y - half)]
        return MultiPolygon(Polygon(ring, srid=4326), srid=4326)


@pytest.fixture
def hand_network(db):
    at = Local()
    A, B, C, D, E, F, G, H = (0, 0), (100, 0), (200, 0), (300, 0), (400, 0), (200, 100), (200, 200), (300, 100)
    seg = {name: NetworkSegment.objects.create(kind="heating", geom=at.line(a, b))
           for name, (a, b) in {"s1": (A, B), "s2": (B, C), "s3": (C, D), "s4": (D, E),
                                "s5": (C, F), "s6": (F, G), "s7": (F, H)}.items()}
    NetworkSegment.objects.create(kind="water", geom=at.line(C, F))  # another network on the same street
    NetworkSegment.objects.create(kind="water", geom=at.line(F, (200, 300)))
    for p in (B, D, G):
        Well.objects.create(network_kind="heating", is_valve=True, geom=at.point(*p))
    Well.objects.create(network_kind="heating", is_valve=False, geom=at.point(*C))  # a manhole, not a valve
    Well.objects.create(network_kind="water", is_valve=True, geom=at.point(*F))  # the water network's valve
    houses = {"near s3": ("ул. Абая", "12", (250, 20)), "near s1": ("ул. Абая", "2", (50, 20)),
              "near s7": ("ул. Мира", "5а", (250, 120)), "far": ("ул. Мира", "40", (600, 600))}
    bld = {k: Building.objects.create(street=s, house_number=n, apartments=40, geom=at.house(*xy))
           for k, (s, n, xy) in houses.items()}
    return seg, bld


def test_trace_on_a_hand_made_network(hand_network):
    seg, bld = hand_network
    out = network_trace(seg["s5"].id, buffer_m=30)
    assert sorted(out["segments"]) == sorted(seg[s].id for s in ("s2", "s3", "s5", "s6", "s7"))
    assert len(out["valves"]) == 3 and out["kind"] == "heating"
    assert {b["id"] for b in out["buildings"]} == {bld["near s3"].id, bld["near s7"].id}
    assert {b["address"] for b in out["buildings"]} == {"ул. Абая, 12", "ул. Мира, 5а"}
    assert out["apartments"] == 80
    assert out["geometry"]["segments"]["type"] == "MultiLineString"
    assert len(out["geometry"]["segments"]["coordinates"]) == 5
    assert len(out["geometry"]["valves"]["coordinates"]) == 3
    # a dead-end segment behind a valve is cut off alone
    alone = network_trace(seg["s1"].id, buffer_m=30)
    assert alone["segments"] == [seg["s1"].id] and len(alone["valves"]) == 1
    assert [b["address"] for b in alone["buildings"]] == ["ул. Абая, 2"]


def test_trace_errors(hand_network):
    with pytest.raises(UnknownSegment) as err:
        network_trace(987654321)
    assert err.value.problem()["status"] == 404
    with pytest.raises(BadParameter):
        network_trace(hand_network[0]["s1"].id, buffer_m=-1)


def _components_without(net: Network, closed: set[int]):
    """Independent reference: segments are linked through shared nodes that are not closed."""
    n = len(net.ids)
    rows, cols = [], []
    for s in range(n):
        for t in range(n):
            shared = {net.start[s], net.end[s]} & {net.start[t], net.end[t]}
            if s != t and shared - closed:
                rows.append(s)
                cols.append(t)
    graph = sparse.coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
    return connected_components(graph, directed=False)[1]


def test_trace_on_real_rutland_sewers():
    pipes = gpd.read_file(f"/vsigzip/{DATA / 'rutland_pipes.geojson.gz'}").to_crs(32618)
    manholes = gpd.read_file(f"/vsigzip/{DATA / 'rutland_manholes.geojson.gz'}").to_crs(32618)
    assert len(pipes) > 300 and len(manholes) > 200
    net = Network.from_lines(pipes["OBJECTID"].values, pipes.geometry.values, tolerance=0.5)
    assert len(net.nodes) < 2 * len(pipes)  # pipes do meet at shared nodes
    rng = np.random.default_rng(8)
    mh_xy = np.column_stack([manholes.geometry.x, manholes.geometry.y])
    valves = mh_xy[rng.random(len(mh_xy)) < 0.3]
    closed = net.valve_nodes(valves, tolerance=0.5)
    assert (closed >= 0).sum() > 20  # most manholes sit on a pipe end
    label = _components_without(net, set(closed[closed >= 0].tolist()))
    sizes = []
    for start in pipes["OBJECTID"].values[::25]:
        segs, bounding = net.trace(start, closed)
        k = np.nonzero(net.ids == start)[0][0]
        assert set(segs) == set(net.ids[label == label[k]])
        # every boundary node of the cut-off piece is a valve
        ends = set(net.start[np.isin(net.ids, segs)]) | set(net.end[np.isin(net.ids, segs)])
        outside = set(net.start[~np.isin(net.ids, segs)]) | set(net.end[~np.isin(net.ids, segs)])
        assert ends & outside <= set(bounding.tolist())
        sizes.append((len(segs), start))
    biggest, start = max(sizes)
    assert biggest > 1
    no_valves, _ = net.trace(start, [])  # with every valve open the piece only grows
    assert len(no_valves) > biggest


@pytest.fixture
def lattice(db, appeals_factory):
    """An 8 x 8 lattice of 100 m heating segments; accidents cluster round one corner."""
    at = Local()
    ids = {}
    for i in range(8):
        for j in range(8):
            if i < 7:
                ids[(i, j, "h")] = NetworkSegment.objects.create(kind="heating", geom=at.line((i * 100, j * 100), ((i + 1) * 100, j * 100))).id
            if j < 7:
                ids[(i, j, "v")] = NetworkSegment.objects.create(kind="heating", geom=at.line((i * 100, j * 100), (i * 100, (j + 1) * 100))).id
    rng = np.random.default_rng(5)
    pts = [at(50 + rng.normal(0, 5), 100 + rng.normal(0, 3)) for _ in range(12)]  # on segment (0,1,h)
    pts += [at(100 + rng.normal(0, 3), 50 + rng.normal(0, 5)) for _ in range(10)]  # on (1,0,v)
    pts += [at(150 + rng.normal(0, 5), 100 + rng.normal(0, 3)) for _ in range(10)]  # on (1,1,h)
    pts += [at(rng.uniform(0, 700), 300 + 2.0) for _ in range(6)]  # a few along row 3
    appeals_factory(pts, category="heating", incident_type="heating.pipe_burst")
    appeals_factory([at(350, 350)], category="heating", incident_type="heating.pipe_burst")  # 50 m from all: dropped
    return ids


def test_network_hot_spots_find_the_planted_corner(lattice):
    t0, t1 = datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 1, tzinfo=UTC)
    cells = network_hotspots(t0, t1, category="heating", radius_m=40, hops=1).set_index("segment")
    assert cells.loc[lattice[(0, 1, "h")], "count"] == 12
    assert cells["count"].sum() == 38
    assert cells.loc[lattice[(0, 1, "h")], "bin"] == 3
    assert cells.loc[lattice[(1, 1, "h")], "bin"] >= 2
    assert (cells.loc[[lattice[(6, 6, "h")], lattice[(6, 5, "v")]], "bin"] <= 0).all()
    with pytest.raises(EmptyPeriod):
        network_hotspots(datetime(2019, 1, 1, tzinfo=UTC), datetime(2020, 1, 1, tzinfo=UTC))
    with pytest.raises(BadParameter):
        network_hotspots(t0, t1, category="roads")


def test_network_gi_star_on_rutland_equals_esda():
    """Gi* with k-hop network neighbours on real pipes, against esda on the same weights."""
    from gis.hotspots import weights as W
    from gis.hotspots.getis_ord import gi_star
    from tests.hotspots.test_getis_ord import esda_gi

    pipes = gpd.read_file(f"/vsigzip/{DATA / 'rutland_pipes.geojson.gz'}").to_crs(32618)
    net = Network.from_lines(pipes["OBJECTID"].values, pipes.geometry.values, tolerance=0.5)
    w = W.from_adjacency(net.adjacency(), hops=2)
    assert (w.diagonal() == 1).all() and (w != w.T).nnz == 0
    counts = np.random.default_rng(3).poisson(0.5, len(net.ids)).astype(float)
    ours = gi_star(counts, w, fdr=False)
    ref = esda_gi(counts, w)
    assert np.abs(ours.z - ref.Zs).max() < 1e-6
    assert np.abs(ours.p - 2 * ref.p_norm).max() < 1e-6
