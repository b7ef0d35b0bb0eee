"""Address search: what an operator types, in whatever form, to the building meant.

Normalisation is the SQL functions in sql.py, so the index and the query can never
disagree. The query is split into a street part and a house number; streets are
matched by trigram similarity over every name variant (current, Kazakh, former),
landmarks (named buildings, bus stops) by their names.
"""
from __future__ import annotations

import re
from dataclasses import asdict, dataclass



from gis.errors import QalaError
from gis.replicas import reading_connection

MAX_QUERY = 200
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
HOUSE = re.compile(
    r"(?:^|\s|,|(?<=[а-яёәіңғүұқөһa-z]))(?:д\.?|дом)?\s*(\d{1,4}\s*[а-яёәіa-z]?(?:\s*/\s*\d{1,4})?(?:\s*(?:корпус|корп\.?|кор\.?|к\.?)\s*\d{1,3})?)"
    r"\s*[а-яёa-z]?\s*$",
    re.IGNORECASE,
)

HOUSE_FIRST = re.compile(r"^\s*(\d{1,4}\s*[а-яёa-z]?(?:/\d{1,4})?)[\s,]+(\D.*)$", re.IGNORECASE)


class BadQuery(QalaError):
    code = "bad-query"


@dataclass
class Hit:
    kind: str  # address, landmark, bus_stop
    score: float
    label: str
    lon: float
    lat: float
    building_id: int | None = None
    yard_id: int | None = None
    street: str = ""
    house_number: str = ""
    matched: str = ""

    def as_dict(self) -> dict:
        return asdict(self)


def split_query(q: str) -> tuple[str, str]:
    """'ул. Жамбыла, д. 15 корп 2' -> ('ул. Жамбыла', '15 корп 2'); the last number is the house."""
    m = HOUSE.search(q)
    if not m:
        first = HOUSE_FIRST.match(q)
        if first:  # the number first: "15 Жамбыла"
            return first.group(2).strip(" ,"), first.group(1)
        return q.strip(), ""
    street = q[: m.start(1)].strip(" ,")
    street = re.sub(r"(?:^|\s|,)(?:д\.?|дом)\s*$", "", street, flags=re.IGNORECASE).strip(" ,")
    if not street:  # a number alone
        return "", m.group(1)
    return street, m.group(1)


ADDRESS_SQL = "SELECT * FROM qala_address_search(%(street)s, %(house)s, %(limit)s)"
LANDMARK_SQL = "SELECT * FROM qala_landmark_search(%(q)s, %(limit)s)"


def search(q: str, limit: int = 10) -> list[Hit]:
    """Ranked buildings (and landmarks) for what the operator typed."""
    if q is None or not q.strip():
        raise BadQuery("The search query is empty: type a street and a house number, or a landmark.")
    if len(q) > MAX_QUERY:
        raise BadQuery(f"The search query is longer than {MAX_QUERY} characters.")
    if not 1 <= limit <= 50:
        raise BadQuery("limit must be between 1 and 50.")
    q = CONTROL.sub(" ", q).strip()
    if not q:
        raise BadQuery("The search query is empty: type a street and a house number, or a landmark.")
    street, house = split_query(q)
    hits: list[Hit] = []
    with reading_connection().cursor() as cur:
        if house and street:
            cur.execute(ADDRESS_SQL, {"street": street, "house": house, "limit": limit})
            for bid, st, hn, name, yard, matched, score, lon, lat in cur.fetchall():
                label = f"{st}, {hn}" + (f" ({name})" if name else "")
                hits.append(Hit("address", round(score, 4), label, lon, lat, bid, yard, st, hn, matched))
        cur.execute(LANDMARK_SQL, {"q": q, "limit": limit})
        for kind, bid, yard, name, st, hn, sim, lon, lat in cur.fetchall():
            # a landmark competes with addresses on similarity alone; an exact name match wins, and a
            # building beats the bus stop named after it (callers name the school, not the stop)
            score = sim * (2.0 if sim > 0.99 else 1.2) * (1.0 if kind == "landmark" else 0.95)
            label = name + (f" — {st}, {hn}" if st else "")
            hits.append(Hit(kind, round(score, 4), label, lon, lat, bid, yard, st, hn, name))
    hits.sort(key=lambda h: (-h.score, h.building_id or 0))
    seen, unique = set(), []
    for h in hits:
        key = (h.kind == "bus_stop", h.building_id, h.label)
        if key not in seen:
            seen.add(key)
            unique.append(h)
    return unique[:limit]
