"""Load the category catalog from its data file, idempotently (update by code, never delete)."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import connection, transaction

from gis.workflow.errors import BadCatalog, UnknownCategory
from layers.catalog import Category, Deadline, IncidentType, routing_steps

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "layers" / "catalog.csv"
COLUMNS = ("code", "category", "name_ru", "name_kk", "name_en", "deadline", "criticality", "urgent",
           "network_kind", "routing")
YES = {"yes": True, "no": False, "": False}
VERSION_SQL = "SELECT version FROM qala_catalog_version"


@dataclass
class CatalogReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _row_fields(line: int, row: dict) -> dict:
    """Check one row whole before anything is written; errors name the line and the column."""
    def fail(column, why):
        raise BadCatalog(f"catalog line {line}, column {column}: {why}", line=line, column=column)

    if not row["code"]:
        fail("code", "empty")
    for lang in ("ru", "kk", "en"):
        if not row[f"name_{lang}"].strip():
            fail(f"name_{lang}", "every entry needs Russian, Kazakh and English names")
    if row["deadline"] and row["deadline"] not in Deadline.values:
        fail("deadline", f"{row['deadline']!r} is not one of {', '.join(Deadline.values)}")
    if row["urgent"].lower() not in YES:
        fail("urgent", "yes or no")
    criticality = None
    if row["criticality"]:
        try:
            criticality = int(row["criticality"])
        except ValueError:
            fail("criticality", "a whole number 1-5")
        if not 1 <= criticality <= 5:
            fail("criticality", "a whole number 1-5")
    if row["routing"]:
        try:
            routing_steps(row["routing"])
        except ValueError as exc:
            fail("routing", str(exc))
    fields = {"name_ru": row["name_ru"].strip(), "name_kk": row["name_kk"].strip(),
              "name_en": row["name_en"].strip(), "urgent": YES[row["urgent"].lower()]}
    if row["category"]:
        fields.update(deadline=row["deadline"], criticality=criticality, routing=row["routing"])
    else:
        if not row["routing"]:
            fail("routing", "a category needs a routing rule")
        fields.update(deadline=row["deadline"] or Deadline.LAW, criticality=criticality or 2,
                      routing=row["routing"], network_kind=row["network_kind"])
    return fields


def load_catalog(path: Path | str = DEFAULT_PATH) -> CatalogReport:
    """Create or update every category and incident type in the file, all or nothing."""
    path = Path(path)
    with path.open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise BadCatalog(f"{path.name}: missing columns {', '.join(sorted(missing))}")
        rows = [(i, {k: (v or "").strip() for k, v in row.items()}) for i, row in enumerate(reader, start=2)]
    checked = [(line, row, _row_fields(line, row)) for line, row in rows]
    report = CatalogReport()
    with transaction.atomic():
        categories = {c.code: c for c in Category.objects.all()}
        for line, row, fields in sorted(checked, key=lambda r: bool(r[1]["category"])):
            if row["category"]:
                parent = categories.get(row["category"])
                if parent is None:
                    raise BadCatalog(f"catalog line {line}: incident type {row['code']} names an unknown "
                                     f"category {row['category']!r}", line=line, column="category")
                model, fields = IncidentType, {**fields, "category": parent}
            else:
                model = Category
            obj = model.objects.filter(code=row["code"]).first()
            if obj is None:
                obj = model(code=row["code"], **fields)
                report.created += 1
            elif all(getattr(obj, k) == v for k, v in fields.items()):
                report.unchanged += 1
                continue
            else:
                for k, v in fields.items():
                    setattr(obj, k, v)
                report.updated += 1
            try:
                obj.full_clean()
            except ValidationError as exc:
                raise BadCatalog(f"catalog line {line}: {exc.messages[0]}", line=line) from None
            obj.save()
            if model is Category:
                categories[obj.code] = obj
    return report


@dataclass(frozen=True)
class _Snapshot:
    version: int | None
    categories: dict
    types: dict


_snapshot = _Snapshot(None, {}, {})  # this process's copy of the active catalog; replaced whole, never edited


def catalog_version() -> int:
    """The catalog's version (layers/migrations/0009): a fresh value after every edit, never reused."""
    with connection.cursor() as cur:
        cur.execute(VERSION_SQL)
        return cur.fetchone()[0]


def _active(version: int) -> _Snapshot:
    """The active entries as of `version`, read from the database only when the version moved.

    The version is read before the entries, so a copy is never older than the version it is kept under."""
    global _snapshot
    snap = _snapshot
    if snap.version != version:
        snap = _snapshot = _Snapshot(
            version, {c.code: c for c in Category.objects.filter(active=True)},
            {t.code: t for t in IncidentType.objects.filter(active=True).select_related("category")})
    return snap


def resolve(category: str, incident_type: str | None = None, *,
            version: int | None = None) -> tuple[Category, IncidentType | None]:
    """The catalog entries an appeal names; an unknown or retired code is refused.

    Served from memory while the catalog's version stands; a caller that already read the
    version in a query of its own passes it, saving the round trip. Callers must not edit
    the returned objects (they are shared)."""
    snap = _active(catalog_version() if version is None else version)
    cat = snap.categories.get(category)
    if cat is None:
        raise UnknownCategory(f"unknown category {category!r}; load the catalog (qala load-catalog) "
                              "or pick one from it", category=category)
    if not incident_type:
        return cat, None
    it = snap.types.get(incident_type)
    if it is None or it.category_id != cat.id:
        raise UnknownCategory(f"unknown incident type {incident_type!r} in category {category!r}",
                              category=category, incident_type=incident_type)
    return cat, it
