"""Street renamings from a CSV file (old_name,new_name[,renamed_on][,note]), loaded as one unit."""
from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.db import transaction

from gis.errors import QalaError
from gis.geocoding.models import StreetRename


class BadRenamesFile(QalaError):
    code = "bad-renames-file"


def load_renames(path: str | Path) -> tuple[int, int]:
    """Upsert every row or none; returns (created, updated)."""
    path = Path(path)
    if not path.exists() or path.stat().st_size == 0:
        raise BadRenamesFile(f"{path}: no such file, or it is empty.")
    rows = []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"old_name", "new_name"} - set(reader.fieldnames or [])
        if missing:
            raise BadRenamesFile(f"{path}: missing column(s) {', '.join(sorted(missing))}.")
        for n, row in enumerate(reader, start=2):
            old, new = (row.get("old_name") or "").strip(), (row.get("new_name") or "").strip()
            if not old or not new:
                raise BadRenamesFile(f"{path}, line {n}: old_name and new_name are required.")
            raw = (row.get("renamed_on") or "").strip()
            try:
                renamed_on = dt.date.fromisoformat(raw) if raw else None
            except ValueError:
                raise BadRenamesFile(f"{path}, line {n}: renamed_on {raw!r} is not a YYYY-MM-DD date.") from None
            rows.append((old, new, renamed_on, (row.get("note") or "").strip()))
    created = updated = 0
    with transaction.atomic():
        for old, new, renamed_on, note in rows:
            _, was_created = StreetRename.objects.update_or_create(
                old_name=old, new_name=new, defaults={"renamed_on": renamed_on, "note": note})
            created += was_created
            updated += not was_created
    return created, updated
