"""The tile change log: what the cache reads to drop exactly the tiles an edit touched."""
from django.db import models


class TileChange(models.Model):
    """The 3857 bbox of a feature as it was or became, written by a trigger on every layer
    table (tiles/changes.py). `xact` is the writing transaction's id: a reader uses it, not the
    id, to catch changes that commit out of order. A NULL bbox means the whole table (TRUNCATE)."""

    table_name = models.CharField(max_length=100)
    x0 = models.FloatField(null=True)
    y0 = models.FloatField(null=True)
    x1 = models.FloatField(null=True)
    y1 = models.FloatField(null=True)
    xact = models.BigIntegerField(db_index=True)
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "qala_tile_change"
