"""Dig orders (some overdue) and repair works (done, ongoing, planned), placed on streets and yards."""
from __future__ import annotations

from datetime import date, timedelta

import numpy as np
import shapely

from data import vocab
from data.city import Plan

REFERENCE_DAY = date(2026, 11, 1)


def dig_orders(plan: Plan, all_edges, contractors: list[tuple[int, str]]) -> list[tuple]:
    """(number, contractor org, purpose, issued, restore_by, closed, closing act, polygon);
    contractors = (org, kind)."""
    rng = plan.rng
    rows = []
    for _ in range(plan.scale.dig_orders):
        e = all_edges[int(rng.integers(len(all_edges)))]
        a, b = plan.nodes[e.a], plan.nodes[e.b]
        length = float(np.hypot(*(b - a)))
        u = (b - a) / length
        n = np.array([-u[1], u[0]])
        c = a + u * rng.uniform(20, length - 20) + n * rng.uniform(-5, 5)
        w, d = rng.uniform(6, 30), rng.uniform(2, 5)
        hw, hd = u * w / 2, n * d / 2
        poly = shapely.Polygon([c - hw - hd, c + hw - hd, c + hw + hd, c - hw + hd])
        org, kind = contractors[int(rng.integers(len(contractors)))]
        issued = REFERENCE_DAY - timedelta(days=int(rng.integers(1, 3 * 365)))
        restore_by = issued + timedelta(days=int(rng.integers(10, 31)))
        closed = None
        if restore_by < REFERENCE_DAY:
            if rng.random() < 0.88:  # the rest are abandoned excavations: overdue
                closed = issued + timedelta(days=int(rng.integers(3, int((restore_by - issued).days * 1.3) + 1)))
        elif rng.random() < 0.4:
            closed = issued + timedelta(days=int(rng.integers(2, max(3, (REFERENCE_DAY - issued).days))))
        if closed is not None and closed > REFERENCE_DAY:
            closed = REFERENCE_DAY
        rows.append([None, org, vocab.DIG_PURPOSES[kind], issued, restore_by, closed, poly])
    rows.sort(key=lambda r: (r[3], r[4]))
    seq: dict[int, int] = {}
    for r in rows:
        seq[r[3].year] = seq.get(r[3].year, 0) + 1
        r[0] = f"ЗР-{r[3].year}-{seq[r[3].year]:04d}"
        act = f"АВ-{r[5].year}-{seq[r[3].year]:04d}" if r[5] else ""  # the act of restoration closes it
        r.insert(6, act)
    return [tuple(r) for r in rows]


def repair_works(plan: Plan, all_edges, yard_cells, heating_street: int, orgs: dict) -> list[tuple]:
    """(title, kind, status, starts, ends, org, budget, polygon, yard cell or None)."""
    rng = plan.rng
    rows = []
    heating_edges = [e for e in all_edges if e.street == heating_street]
    line = shapely.LineString([plan.nodes[heating_edges[0].a]] + [plan.nodes[e.b] for e in heating_edges])
    name = plan.streets[heating_street].name
    rows.append((f"Замена магистральной теплотрассы, {name}", "heating", "planned", date(2027, 5, 15),
                 date(2027, 9, 15), orgs["heating"], 850_000_000, shapely.buffer(line, 3, cap_style="flat"), None))
    for _ in range(plan.scale.repair_works - 1):
        roll = rng.random()
        starts = REFERENCE_DAY + timedelta(days=int(rng.integers(-3 * 365, 300)))
        ends = starts + timedelta(days=int(rng.integers(10, 120)))
        status = "done" if ends < REFERENCE_DAY else ("ongoing" if starts <= REFERENCE_DAY else "planned")
        if roll < 0.45 and yard_cells:
            cell = yard_cells[int(rng.integers(len(yard_cells)))]
            rows.append(("Ремонт асфальтового покрытия двора", "paving", status, starts, ends, orgs["building"],
                         int(rng.integers(8, 60)) * 1_000_000, None, cell))
            continue
        e = all_edges[int(rng.integers(len(all_edges)))]
        seg = shapely.LineString([plan.nodes[e.a], plan.nodes[e.b]])
        street = plan.streets[e.street].name
        if roll < 0.75:
            rows.append((f"Средний ремонт дороги, {street}", "roads", status, starts, ends, orgs["roads"],
                         int(rng.integers(40, 400)) * 1_000_000, shapely.buffer(seg, 7, cap_style="flat"), None))
        else:
            kind = ["heating", "water", "sewer"][int(rng.integers(3))]
            title = {"heating": "Замена участка теплосети", "water": "Замена водопровода",
                     "sewer": "Реконструкция канализации"}[kind]
            rows.append((f"{title}, {street}", kind, status, starts, ends, orgs[kind],
                         int(rng.integers(20, 300)) * 1_000_000, shapely.buffer(seg, 3, cap_style="flat"), None))
    return rows
