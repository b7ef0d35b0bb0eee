"""The dashboard's appeal rollup (migrations layers 0010-0011).

Triggers append a delta row for every appeal change; folding them into the daily rollup and
the month snapshots is what keeps a dashboard read at ~35k rows whatever the period. The
dashboard folds before it reads, and the worker folds every round, so a dashboard opened
after a quiet month does not pay for the month's backlog and the delta table stays small.
"""
from __future__ import annotations

from django.db import connection


# after a fold this large (a bulk import), readers would scan its dead delta rows until autovacuum
VACUUM_AFTER = 10_000


def fold() -> int:
    """Fold the pending deltas; 0 when another fold holds the lock (its rows wait for the next)."""
    with connection.cursor() as cur:
        cur.execute("SELECT qala_appeal_rollup_compact()")
        folded = cur.fetchone()[0] or 0
        if folded >= VACUUM_AFTER and connection.get_autocommit():  # VACUUM cannot run in a transaction
            cur.execute("VACUUM qala_appeal_rollup_delta")
    return folded
