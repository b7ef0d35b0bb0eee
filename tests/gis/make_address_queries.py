"""Writes tests/gis/address_queries.csv: realistic operator queries for the demo city.

Run once against a database holding the demo city (`qala shell -c "exec(open(...).read())"`
or `python tests/gis/make_address_queries.py` with Django set up). Each query is a form an
operator types in a hurry — no "ул.", a Kazakh or a former name, a typo, a house letter or
fraction, a landmark — with the address of the building it must find. Seeded: the same
city gives the same file.
"""
from __future__ import annotations

import csv
import random
import re
from collections import Counter
from pathlib import Path

OUT = Path(__file__).with_name("address_queries.csv")
TYPES = r"^(улица|проспект|переулок|микрорайон|бульвар)\s+|\s+(көшесі|даңғылы|шағын ауданы)$"


def bare(name: str) -> str:
    return re.sub(TYPES, "", name).strip()


def typo(word: str, rng: random.Random) -> str:
    """One slip of the finger: a letter dropped, doubled or swapped with its neighbour."""
    letters = [i for i, c in enumerate(word) if c.isalpha()]
    if len(letters) < 5:
        return word
    i = rng.choice(letters[1:-1])
    kind = rng.choice(["drop", "double", "swap"])
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + word[i + 1] + word[i] + word[i + 2:]


def forms(street, house: str, rng: random.Random) -> list[tuple[str, str]]:
    name = bare(street.name)
    out = [
        ("bare", f"{name} {house}"),
        ("abbrev", f"ул. {name}, д. {house}"),
        ("lower", f"{name.lower()} {house}"),
        ("comma", f"{name}, {house}"),
        ("typo", f"{typo(name, rng)} {house}"),
    ]
    out.append(("typo2", f"{typo(typo(name, rng), rng)} {house}"))
    out.append(("no_space", f"{name.lower()}{house}"))
    if " " in name:
        out.append(("merged", f"{name.replace(' ', '').lower()} {house}"))
    if re.search(r"\d[абвгде]$", house):
        latin = house[:-1] + "abvgde"["абвгде".index(house[-1])]
        out.append(("latin_letter", f"{name} {latin}"))
    if street.name_kk:
        out.append(("kazakh_typo", f"{typo(bare(street.name_kk), rng)} {house}"))
        out.append(("kazakh", f"{street.name_kk} {house}"))
        out.append(("kazakh_bare", f"{bare(street.name_kk)} {house}"))
    for former in street.former_names[:1]:
        out.append(("former", f"{bare(former)} {house}"))
        out.append(("former_abbrev", f"ул {bare(former).lower()} {house}"))
    if len(name.split()) > 1:
        out.append(("partial", f"{name.split()[-1] if name.split()[0] in {'Каныша', 'Абылай'} else name.split()[0]} {house}"))
    return out


def generate(n_buildings: int = 60, seed: int = 109) -> list[dict]:
    from layers.buildings import Building
    from layers.streets import Street

    rng = random.Random(seed)
    streets = {s.name: s for s in Street.objects.order_by("name")}
    candidates = list(Building.objects.filter(street__in=list(streets)).exclude(house_number="")
                      .order_by("id").values_list("street", "house_number", "name"))
    rows = []
    for street_name, house, _ in rng.sample(candidates, min(n_buildings, len(candidates))):
        street = streets[street_name]
        picked = forms(street, house, rng)
        for form, query in rng.sample(picked, min(6, len(picked))):
            rows.append({"query": query, "street": street_name, "house_number": house, "form": form})
    # house letters and fractions, on purpose
    special = [c for c in candidates if re.search(r"[а-я/]", c[1])]
    for street_name, house, _ in rng.sample(special, min(30, len(special))):
        spaced = re.sub(r"(\d)([а-я])", r"\1 \2", house)
        rows.append({"query": f"{bare(street_name)} {spaced.upper()}", "street": street_name,
                     "house_number": house, "form": "house_variant"})
    # landmarks as callers name them: "школа 7", "поликлиника №4", "детский сад 10"
    names = Counter(c[2] for c in candidates if c[2])
    named = [c for c in candidates if c[2] and names[c[2]] == 1]
    for street_name, house, name in rng.sample(named, min(40, len(named))):
        short = re.sub(r"^(КГУ|ГККП|ТОО)\s*|[«»\"]", "", name).strip()
        short = re.sub(r"^(Средняя|Городская|Областная)\s+", "", short, flags=re.IGNORECASE)
        query = rng.choice([short.lower(), short.replace("№", "").lower(), short.replace("№", "№ ")])
        rows.append({"query": query, "street": street_name, "house_number": house, "form": "landmark"})
    return rows


def write(rows: list[dict]) -> None:
    with OUT.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=["query", "street", "house_number", "form"])
        w.writeheader()
        w.writerows(rows)


if __name__ == "__main__":
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gis.settings")
    django.setup()
    rows = generate()
    write(rows)
    print(f"{len(rows)} queries written to {OUT}")
