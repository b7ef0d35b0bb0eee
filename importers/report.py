"""What an import did, for the editor: counts, and each rejected or repaired feature
with its row number, its key and the reason. Printed by the CLI, shown by the
upload page, and written in full as CSV."""
from __future__ import annotations

from dataclasses import dataclass, field

REPORT_COLUMNS = ("row", "key", "action", "reason")


@dataclass
class ImportReport:
    layer: str
    source: str
    key: str
    read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    repaired: int = 0
    rejected: int = 0
    deleted: int = 0
    dry_run: bool = False
    committed: bool = False
    seconds: float = 0.0
    report_path: str | None = None
    issues: list[tuple] = field(default_factory=list)  # the first few (row, key, action, reason)
    timings: dict[str, float] = field(default_factory=dict)  # seconds per phase

    @property
    def rows_per_second(self) -> float:
        return self.read / self.seconds if self.seconds else 0.0

    def summary(self) -> str:
        verb = "would be" if self.dry_run else "were"
        lines = [
            f"{self.source} -> {self.layer} (key {self.key}): {self.read} features read in "
            f"{self.seconds:.1f} s ({self.rows_per_second:,.0f} rows/s)",
            f"  {self.inserted} {verb} inserted, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.deleted} deleted; {self.repaired} repaired, {self.rejected} rejected"
            + ("  [dry run: nothing written]" if self.dry_run else ""),
        ]
        for row, key, action, reason in self.issues:
            lines.append(f"  row {row} ({key or 'no key'}): {action}: {reason}")
        shown = len(self.issues)
        if self.rejected + self.repaired > shown:
            lines.append(f"  … and {self.rejected + self.repaired - shown} more")
        if self.report_path:
            lines.append(f"  report: {self.report_path}")
        return "\n".join(lines)
