"""Appeals, drawn in bulk with numpy: season-shaped categories, places on houses or streets, and a
lifecycle consistent with the 7/15/30-day deadlines. The benchmark writer reuses the same sampler.
"""
from __future__ import annotations

import csv
import functools
from dataclasses import dataclass

import numpy as np

from data import vocab

REFERENCE = np.datetime64("2026-11-01T00:00:00", "s")  # "today" of the demo city, never the clock
YEARS_BACK = 3
DAY = 86400

CATEGORY_NAMES = list(vocab.CATEGORIES)
TYPE_NAMES = [t for c in CATEGORY_NAMES for t in vocab.CATEGORIES[c][1]]
TYPE_CATEGORY = np.array([CATEGORY_NAMES.index(c) for c in CATEGORY_NAMES for _ in vocab.CATEGORIES[c][1]])
TYPE_ON_STREET = np.array([place == "street" for c in CATEGORY_NAMES for _, place in vocab.CATEGORIES[c][1].values()])


@functools.cache
def type_due_days() -> np.ndarray:
    """Each incident type's deadline in days, from the catalog file the workflow loads, so the demo's
    due dates are the ones the workflow would have set (a type's own deadline, else its category's)."""
    from gis.workflow.catalog import DEFAULT_PATH
    from layers.catalog import DEADLINE_DAYS, Deadline

    with open(DEFAULT_PATH, encoding="utf-8", newline="") as f:
        rows = {r["code"]: r for r in csv.DictReader(f)}

    def kind(code: str) -> str:
        row = rows[code]
        return row["deadline"] or rows[row["category"]]["deadline"] or Deadline.LAW

    return np.array([DEADLINE_DAYS[kind(t)] for t in TYPE_NAMES])


@dataclass
class Sites:
    """Where appeals can come from: house centroids (weighted by flats) and street edges."""

    house_xy: np.ndarray  # (B, 2)
    house_weight: np.ndarray  # (B,)
    edge_a: np.ndarray  # (E, 2)
    edge_b: np.ndarray  # (E, 2)


def month_matrix() -> np.ndarray:
    """(12, categories) probabilities of a category in each month of the year."""
    shares = np.array([vocab.CATEGORIES[c][0] for c in CATEGORY_NAMES])
    season = np.array([vocab.SEASON.get(c, [1.0] * 12) for c in CATEGORY_NAMES]).T  # (12, C)
    w = season * shares
    return w / w.sum(axis=1, keepdims=True)


def sample_times(rng, n: int, start: np.datetime64, end: np.datetime64) -> np.ndarray:
    """Registration times on the days from start to end (midnights), more in the cold months,
    mostly in the day; sorted."""
    days = np.arange(start.astype("datetime64[D]"), end.astype("datetime64[D]"))
    months = (days.astype("datetime64[M]").astype(int) % 12)
    weight = np.where(np.isin(months, [0, 1, 10, 11]), 1.5, 1.0)  # the cold months call more
    day = rng.choice(len(days), n, p=weight / weight.sum())
    seconds = rng.normal(13.5 * 3600, 4 * 3600, n).astype("int64") % DAY  # a night call wraps, never piles up
    t = days[day].astype("datetime64[s]") + seconds.astype("timedelta64[s]")
    return np.sort(t)


def sample_types(rng, t: np.ndarray) -> np.ndarray:
    """Incident type index per appeal (its category follows), by the month's mix."""
    months = t.astype("datetime64[M]").astype(int) % 12
    cum = np.cumsum(month_matrix(), axis=1)[months]
    cat = np.minimum((rng.random(len(t))[:, None] > cum).sum(axis=1), len(CATEGORY_NAMES) - 1)
    type_cum = np.ones((len(CATEGORY_NAMES), max(len(v[1]) for v in vocab.CATEGORIES.values())))
    first = np.zeros(len(CATEGORY_NAMES), dtype=int)
    for c, name in enumerate(CATEGORY_NAMES):
        shares = np.array([s for s, _ in vocab.CATEGORIES[name][1].values()])
        type_cum[c, :len(shares)] = np.cumsum(shares / shares.sum())
        first[c] = TYPE_NAMES.index(next(iter(vocab.CATEGORIES[name][1])))
    within = (rng.random(len(t))[:, None] > type_cum[cat]).sum(axis=1)
    return first[cat] + within


def sample_places(rng, sites: Sites, types: np.ndarray):
    """(xy, house index or -1, edge index or -1): street types fall beside a street, others on a house."""
    n = len(types)
    on_street = TYPE_ON_STREET[types]
    house = rng.choice(len(sites.house_xy), n, p=sites.house_weight / sites.house_weight.sum())
    lengths = np.hypot(*(sites.edge_b - sites.edge_a).T)
    edge = rng.choice(len(lengths), n, p=lengths / lengths.sum())
    along = rng.uniform(0.1, 0.9, n)[:, None]
    d = sites.edge_b[edge] - sites.edge_a[edge]
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / lengths[edge][:, None]
    street_xy = sites.edge_a[edge] + d * along + normal * rng.uniform(-6, 6, n)[:, None]
    xy = np.where(on_street[:, None], street_xy, sites.house_xy[house])
    return xy, np.where(on_street, -1, house), np.where(on_street, edge, -1)


def lifecycle(rng, registered: np.ndarray, types: np.ndarray, now: np.datetime64 = REFERENCE) -> dict:
    """Status (the codes of gis.workflow.states), due and closing times: 80% solved at first contact, the rest by their deadline, a few late,
    deferred to next year's budget or stuck open (overdue)."""
    n = len(registered)
    cats = np.array(CATEGORY_NAMES)[TYPE_CATEGORY[types]]
    due_days = type_due_days()[types]
    first = rng.random(n) < 0.8
    late = rng.random(n) < 0.08
    share = np.where(late, rng.uniform(1.0, 1.8, n), rng.uniform(0.1, 1.0, n))
    seconds = np.where(first, rng.uniform(180, 1800, n), share * due_days * DAY).astype("int64")
    closed = registered + seconds.astype("timedelta64[s]")
    due = registered + (due_days * DAY).astype("timedelta64[s]")
    deferred = ~first & np.isin(cats, ["roads", "improvement"]) & (rng.random(n) < 0.06)
    stuck = ~first & ~deferred & (rng.random(n) < 0.01)
    still_open = (closed > now) | deferred | stuck
    next_june = (registered.astype("datetime64[Y]") + 1).astype("datetime64[M]") + 5
    due = np.where(deferred, next_june.astype("datetime64[s]"), due)
    progress = (now - registered).astype("int64") / np.maximum(seconds, 1)
    status = np.select([~still_open & first, ~still_open, deferred, (now - registered) < np.timedelta64(600, "s"),
                        progress < 0.2, progress < 0.7],
                       ["resolved", "closed", "deferred", "registered", "accepted", "routed"], "answered")
    return {"status": status, "due": due, "closed": np.where(still_open, np.datetime64("NaT"), closed)}


def channels(rng, n: int) -> np.ndarray:
    names, p = zip(*vocab.CHANNELS)
    return np.array(names)[rng.choice(len(names), n, p=np.array(p) / sum(p))]


def numbers(registered: np.ndarray, offsets: dict[int, int] | None = None) -> list[str]:
    """109-<year>-<sequence in the year>, in registration order (registered must be sorted)."""
    years = registered.astype("datetime64[Y]").astype(int) + 1970
    out, seq = [], dict(offsets or {})
    for y in years.tolist():
        seq[y] = seq.get(y, 0) + 1
        out.append(f"109-{y}-{seq[y]:06d}")
    if offsets is not None:
        offsets.update(seq)
    return out


def callers(rng, n: int) -> tuple[list[str], list[str]]:
    kazakh = rng.random(n) < 0.6
    female = rng.random(n) < 0.55
    s_kk, s_ru = vocab.SURNAMES_KK, vocab.SURNAMES_RU
    names = []
    sur = rng.integers(0, 16, n)
    first = rng.integers(0, 10, n)
    for k, f, s, i in zip(kazakh.tolist(), female.tolist(), sur.tolist(), first.tolist()):
        surname = (s_kk if k else s_ru)[s] + ("а" if f else "")
        given = ((vocab.FIRST_KK_F if k else vocab.FIRST_RU_F) if f else (vocab.FIRST_KK_M if k else vocab.FIRST_RU_M))[i]
        names.append(f"{surname} {given}")
    prefixes = np.array(vocab.MOBILE_PREFIXES)[rng.integers(0, len(vocab.MOBILE_PREFIXES), n)]
    digits = rng.integers(0, 10_000_000, n)
    phones = [f"+7 {p} {d // 10000:03d} {d // 100 % 100:02d} {d % 100:02d}" for p, d in zip(prefixes, digits.tolist())]
    return names, phones


def heating_seasons(rng, n: int, start: np.datetime64, end: np.datetime64) -> np.ndarray:
    """Times inside the heating seasons (15 Oct – 15 Apr) between start and end."""
    t = sample_times(rng, n * 4, start, end)
    md = (t.astype("datetime64[D]") - t.astype("datetime64[Y]").astype("datetime64[D]")).astype(int)
    t = t[(md < 105) | (md > 287)]
    return np.sort(rng.choice(t, n, replace=len(t) < n))
