"""Per-layer count and md5 of the demo rows as stored, to prove a seed gives the same city.

Rows are ordered by source_id; ids and timestamps are left out and a foreign key is
written as the referenced row's source_id, so two loads of one seed hash alike.
"""
from __future__ import annotations

from django.contrib.gis.db.models import GeometryField
from django.db import connection

from data.load import DEMO_PREFIX, _history_model
from layers.registry import registry

SKIP = {"id", "created_at", "updated_at"}


def _row_expression(model) -> str:
    parts = []
    for f in model._meta.concrete_fields:
        if f.name in SKIP or getattr(f, "generated", False):
            continue
        col = f't."{f.column}"'
        if f.is_relation and any(r.name == "source_id" for r in f.related_model._meta.concrete_fields):
            expr = f'(SELECT r.source_id FROM "{f.related_model._meta.db_table}" r WHERE r.id = {col})'
        elif isinstance(f, GeometryField):
            expr = f"encode(ST_AsBinary({col}), 'hex')"
        else:
            expr = f"{col}::text"
        parts.append(f"coalesce({expr}, '~')")
    for m2m in model._meta.local_many_to_many:
        through = m2m.remote_field.through._meta.db_table
        ref = m2m.related_model._meta.db_table
        parts.append(f"""coalesce((SELECT string_agg(r.source_id, ',' ORDER BY r.source_id)
            FROM "{through}" m JOIN "{ref}" r ON r.id = m."{m2m.m2m_reverse_name()}"
            WHERE m."{m2m.m2m_column_name()}" = t.id), '~')""")
    return " || '|' || ".join(parts)


def checksums() -> dict[str, tuple[int, str]]:
    out = {}
    with connection.cursor() as cur:
        for layer in registry:
            cur.execute(
                f"""SELECT count(*), md5(coalesce(string_agg({_row_expression(layer.model)}, E'\\n'
                    ORDER BY t.source_id), '')) FROM "{layer.table}" t WHERE t.source_id LIKE %s""",
                [DEMO_PREFIX + "%"])
            out[layer.id] = tuple(cur.fetchone())
        history = _history_model()
        if history is not None:
            appeal = history._meta.get_field("appeal").column
            cur.execute(
                f"""SELECT count(*), md5(coalesce(string_agg(concat_ws('|', a.source_id, e.at, e.action, e.from_state,
                    e.to_state, e.note, e.data::text), E'\n' ORDER BY a.source_id, e.at, e.to_state), ''))
                    FROM "{history._meta.db_table}" e JOIN "{registry.get('appeals').table}" a ON a.id = e."{appeal}"
                    WHERE a.source_id LIKE %s""", [DEMO_PREFIX + "%"])
            out["appeal_events"] = tuple(cur.fetchone())
    return out
