"""CQL2 filters (text and JSON) → an SQL WHERE fragment, through pygeofilter.

pygeofilter parses and translates to a Django Q; Django compiles that to
parameterized SQL against the layer's table, which gis.ogc.features adds to
its own WHERE. Every attribute named must be a queryable: a personal field is
refused before any SQL exists, so a filter cannot probe caller data.
"""
from __future__ import annotations

import json
import re

from django.db import connection

from gis.ogc import crs as crs_mod
from gis.ogc.collections import Collection
from gis.ogc.errors import NotQueryable, UnsupportedCrs
from gis.errors import QalaError

GEOMETRY_NAMES = {"geometry", "geom"}
# a district's outline as a filter polygon fits; a 50,000-value IN list or a 30,000-vertex
# polygon took 10+ s of one worker to parse and plan (measured), so longer filters are refused
MAX_FILTER_CHARS = 65_536


class InvalidFilter(QalaError):
    code = "invalid-filter"


def _attributes(node) -> set[str]:
    from pygeofilter import ast

    found = set()
    stack = [node]
    while stack:
        current = stack.pop()
        if isinstance(current, ast.Attribute):
            found.add(current.name)
        if isinstance(current, ast.Node):
            stack.extend(current.get_sub_nodes())
        elif isinstance(current, (list, tuple)):
            stack.extend(current)
    return found


# CQL2 (OGC 21-065) names → the names pygeofilter's grammar knows
TEMPORAL = {"T_AFTER": "T_AFTER", "T_BEFORE": "T_BEFORE", "T_CONTAINS": "T_CONTAINS", "T_DURING": "T_DURING",
            "T_EQUALS": "T_EQUALS", "T_FINISHEDBY": "T_ENDEDBY", "T_FINISHES": "T_ENDS",
            "T_INTERSECTS": "T_INTERSECTS", "T_MEETS": "T_MEETS", "T_METBY": "T_METBY",
            "T_OVERLAPPEDBY": "T_OVERLAPPEDBY", "T_OVERLAPS": "T_OVERLAPS", "T_STARTEDBY": "T_BEGUNBY",
            "T_STARTS": "T_BEGINS"}
_TEMPORAL_CALL = re.compile(r"\b(" + "|".join(TEMPORAL) + r")\s*\(", re.IGNORECASE)


def _close(text: str, start: int) -> tuple[int, int]:
    """From just inside '(' at start: the index of the top-level comma and of the matching ')'."""
    depth, comma, i, quoted = 0, -1, start, False
    while i < len(text):
        ch = text[i]
        if quoted:
            quoted = not (ch == "'" and not text.startswith("''", i))
            i += 2 if ch == "'" and text.startswith("''", i) else 1
            continue
        if ch == "'":
            quoted = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                return comma, i
            depth -= 1
        elif ch == "," and depth == 0 and comma < 0:
            comma = i
        i += 1
    raise InvalidFilter("filter is not valid cql2-text: unbalanced parentheses", parameter="filter")


def temporal_infix(text: str) -> str:
    """CQL2's T_AFTER(a, b) → (a T_AFTER b): pygeofilter 0.4 parses temporal predicates infix only."""
    while match := _TEMPORAL_CALL.search(text):
        comma, end = _close(text, match.end())
        if comma < 0:
            raise InvalidFilter(f"filter: {match.group(1)} takes two arguments", parameter="filter")
        name = TEMPORAL[match.group(1).upper()]
        text = (f"{text[:match.start()]}({text[match.end():comma].strip()} {name} "
                f"{text[comma + 1:end].strip()}){text[end + 1:]}")
    return text


def parse(text: str, lang: str | None):
    lang = lang or "cql2-text"
    if len(text) > MAX_FILTER_CHARS:
        raise InvalidFilter(f"filter is {len(text)} characters; at most {MAX_FILTER_CHARS}", parameter="filter")
    try:
        if lang == "cql2-text":
            from pygeofilter.parsers.cql2_text import parse as parse_text

            return parse_text(temporal_infix(text))
        if lang == "cql2-json":
            from pygeofilter.parsers.cql2_json import parse as parse_json

            return parse_json(json.loads(text))
    except Exception as exc:  # the parsers raise lark/JSON/value errors of many kinds
        raise InvalidFilter(f"filter is not valid {lang}: {str(exc).splitlines()[0][:200]}", parameter="filter") from None
    raise InvalidFilter(f"filter-lang {lang[:30]!r} is not supported; use cql2-text or cql2-json",
                        parameter="filter-lang")


def filter_sql(coll: Collection, text: str, lang: str | None, filter_crs: str | None) -> tuple[str, list]:
    if crs_mod.parse(filter_crs, "filter-crs") is not crs_mod.CRS84:
        raise UnsupportedCrs("filter-crs: only CRS84 is supported for filter geometries", parameter="filter-crs")
    root = parse(text, lang)
    unknown = _attributes(root) - set(coll.queryables) - GEOMETRY_NAMES
    if unknown:
        raise NotQueryable(f"filter names {', '.join(sorted(unknown))[:100]}, not queryables of {coll.id}; "
                           f"queryables: {', '.join(coll.queryables)}", parameter="filter")
    mapping = {name: coll.layer.model._meta.get_field(name).attname for name in coll.queryables}
    mapping.update({name: coll.layer.geometry_field for name in GEOMETRY_NAMES})
    from pygeofilter.backends.django import to_filter

    try:
        q = to_filter(root, mapping)
        query = coll.layer.model.objects.filter(q).query
        sql, params = query.where.as_sql(query.get_compiler(connection=connection), connection)
    except Exception as exc:  # an operator or type the translation cannot express
        raise InvalidFilter(f"filter cannot be applied: {str(exc).splitlines()[0][:200]}", parameter="filter") from None
    return sql, list(params)
