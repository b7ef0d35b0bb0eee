"""CQL2 filters (text and JSON) → an SQL WHERE fragment, through pygeofilter.

pygeofilter parses and translates to a Django Q; Django compiles that to
parameterized SQL against the layer's table, which gis.ogc.features adds to
its own WHERE. Every attribute named must be a queryable: a personal field is
refused before any SQL exists, so a filter cannot probe caller data.
"""
from __future__ import annotations

import json

from django.db import connection

from gis.ogc import crs as crs_mod
from gis.ogc.collections import Collection
from gis.ogc.errors import NotQueryable, UnsupportedCrs
from gis.errors import QalaError

GEOMETRY_NAMES = {"geometry", "geom"}


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


def parse(text: str, lang: str | None):
    lang = lang or "cql2-text"
    try:
        if lang == "cql2-text":
            from pygeofilter.parsers.cql2_text import parse as parse_text

            return parse_text(text)
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
