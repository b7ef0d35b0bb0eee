"""Feature counts per layer that stay cheap on tens of millions of rows."""
from django.db import connection

from layers.registry import registry

EXACT_BELOW = 1_000_000


def feature_counts() -> dict[str, int]:
    """Exact counts for ordinary tables; the planner's estimate for the very large ones."""
    tables = {layer.table: layer for layer in registry}
    with connection.cursor() as cur:
        cur.execute("SELECT relname, reltuples::bigint FROM pg_class WHERE relname = ANY(%s)", [list(tables)])
        estimates = dict(cur.fetchall())
    counts = {}
    for table, layer in tables.items():
        estimate = estimates.get(table, -1)
        counts[layer.id] = estimate if estimate >= EXACT_BELOW else layer.model.objects.count()
    return counts
