"""What every raw-SQL reader needs: rows as dicts named by the query's columns."""
from __future__ import annotations


def fetch_dicts(cur, sql: str, params=None) -> list[dict]:
    cur.execute(sql, params)
    cols = [c.name for c in cur.description]
    return [dict(zip(cols, row)) for row in cur.fetchall()]
