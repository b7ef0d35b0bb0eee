"""Name lists for the Petropavl demo city (street names with their former names)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent


@dataclass(frozen=True)
class StreetName:
    axis: str  # "ns" or "ew": the grid direction it is drawn along
    main: bool
    name: str
    name_kk: str
    former_names: tuple[str, ...]
    renamed_on: date | None


def street_names() -> list[StreetName]:
    with open(HERE / "streets.csv", encoding="utf-8", newline="") as fh:
        return [
            StreetName(
                axis=row["axis"], main=row["main"] == "1", name=row["name"], name_kk=row["name_kk"],
                former_names=tuple(n for n in row["former_names"].split("|") if n),
                renamed_on=date.fromisoformat(row["renamed_on"]) if row["renamed_on"] else None,
            )
            for row in csv.DictReader(fh)
        ]
