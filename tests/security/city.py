"""The hand-made quarter of tests/web with secrets that are easy to look for, and the row counts
a refused request must leave as they were."""
from __future__ import annotations

import html
import json
import math
from urllib.parse import quote

from django.contrib.auth.models import Group, User
from django.db import connection

from gis.models import ApiToken
from layers.appeals import Appeal
from layers.history import AppealEvent
from layers.registry import registry
from tests.web.conftest import SECRET_NAME, SECRET_PHONE, X0, Y0, build_quarter

SECRET_DESCRIPTION = "Кодовый замок 4471, ключ у соседки Зарины"
SECRET_ADDRESS = "улица Тайная, 99, кв. 17"
SECRETS = (SECRET_NAME, SECRET_PHONE, SECRET_DESCRIPTION, SECRET_ADDRESS)


def build_city() -> dict:
    """build_quarter() with both appeals carrying a caller, a description and an address to hunt for."""
    q = build_quarter()
    Appeal.objects.filter(pk__in=[q["appeal"].pk, q["late"].pk]).update(
        caller_name=SECRET_NAME, caller_phone=SECRET_PHONE, description=SECRET_DESCRIPTION, address=SECRET_ADDRESS)
    q["appeal"].refresh_from_db()
    return q


def leaked(content: bytes) -> list[str]:
    """The secrets found in a body as stored, HTML-escaped, JSON-escaped (\\uXXXX) or URL-quoted."""
    text = content.decode("utf-8", "replace")
    found = []
    for secret in SECRETS:
        forms = {secret, html.escape(secret), json.dumps(secret)[1:-1], quote(secret), quote(secret, safe="")}
        if any(form in text for form in forms):
            found.append(secret)
    return found


def counts() -> dict[str, int]:
    """Rows of every registry layer, the appeals' history, users, groups and API tokens."""
    tables = {layer.id: layer.table for layer in registry}
    tables.update({"history": AppealEvent._meta.db_table, "users": User._meta.db_table,
                   "groups": Group._meta.db_table, "tokens": ApiToken._meta.db_table})
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join(f"SELECT %s, count(*) FROM \"{t}\"" for t in tables.values()),
                    list(tables))
        return dict(cur.fetchall())


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    """The WebMercatorQuad tile (z, x, y) holding a point."""
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


QUARTER_TILE = tile_of(X0 + 0.001, Y0 + 0.0007, 15)


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content
