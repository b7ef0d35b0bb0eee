"""OGC API Features Part 4: editors create, replace and delete features.

Only the public fields can be written here (callers are registered through the
operator console or Open311), and a feature is checked exactly as the admin
checks it (model validation, valid geometry inside the city) before it is saved.
The workflow's fields (an appeal's state, number, deadlines, executor) are not
writable here, and appeals are not created here: each change of theirs must leave
a history row. Appeals are never deleted: their history is what quality is judged from.
"""
from __future__ import annotations

import json

from django.contrib.gis.gdal import GDALException
from django.contrib.gis.geos import GEOSException, GEOSGeometry
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, RestrictedError

from gis.errors import QalaError
from gis.ogc.collections import Collection
from gis.ogc.errors import FeatureNotFound

class InvalidFeature(QalaError):
    code = "invalid-feature"


class Forbidden(QalaError):
    status = 403
    code = "forbidden"


class NotDeletable(QalaError):
    status = 409
    code = "not-deletable"


class CreatedThroughWorkflow(QalaError):
    status = 405
    code = "created-through-workflow"


def writable(coll: Collection) -> list[str]:
    return [name for name in coll.queryables if name not in coll.layer.workflow_fields]


def _parse(coll: Collection, body: bytes):
    try:
        doc = json.loads(body)
    except (ValueError, RecursionError):  # not JSON, or nested too deep to parse
        raise InvalidFeature("the body is not valid JSON") from None
    if not isinstance(doc, dict) or doc.get("type") != "Feature":
        raise InvalidFeature("the body must be a GeoJSON Feature")
    props = doc.get("properties") or {}
    if not isinstance(props, dict):
        raise InvalidFeature("properties must be an object")
    unknown = set(props) - set(writable(coll))
    if unknown:
        why = "; the workflow sets them" if unknown & set(coll.layer.workflow_fields) else ""
        raise InvalidFeature(f"not writable here: {', '.join(sorted(unknown))[:200]}{why}; "
                             f"writable: {', '.join(writable(coll)) or 'the geometry only'}")
    try:
        geom = GEOSGeometry(json.dumps(doc.get("geometry"))) if doc.get("geometry") else None
    except (GEOSException, GDALException, ValueError, TypeError):
        raise InvalidFeature("geometry is not valid GeoJSON") from None
    if geom is None and coll.layer.geometry_required:
        raise InvalidFeature("geometry is required")
    if geom is not None:
        geom.srid = 4326
        if geom.geom_type != coll.layer.geometry_type:
            raise InvalidFeature(f"geometry must be a {coll.layer.geometry_type}, got {geom.geom_type}")
    values = {}
    opts = coll.layer.model._meta
    for name, value in props.items():
        values[opts.get_field(name).attname] = value
    values[coll.layer.geometry_field] = geom
    return values


def _save(obj) -> None:
    try:
        obj.full_clean()
        with transaction.atomic():
            obj.save()
    except ValidationError as exc:
        detail = "; ".join(f"{k}: {' '.join(str(m) for m in v)}" for k, v in exc.message_dict.items())
        raise InvalidFeature(detail[:500]) from None
    except IntegrityError as exc:
        raise InvalidFeature(f"refused by the database: {str(exc).splitlines()[0][:200]}") from None


def create(coll: Collection, body: bytes) -> int:
    if coll.layer.created_through:
        raise CreatedThroughWorkflow(f"{coll.id} are not created here; use {coll.layer.created_through}")
    obj = coll.layer.model(**_parse(coll, body))
    _save(obj)
    return obj.pk


def _get(coll: Collection, feature_id: str):
    try:
        return coll.layer.model.objects.get(pk=int(feature_id))
    except (ValueError, coll.layer.model.DoesNotExist):
        raise FeatureNotFound(f"no feature {feature_id[:40]!r} in {coll.id}") from None


def replace(coll: Collection, feature_id: str, body: bytes) -> None:
    obj = _get(coll, feature_id)
    for name, value in _parse(coll, body).items():
        setattr(obj, name, value)
    _save(obj)


def delete(coll: Collection, feature_id: str) -> None:
    if coll.layer.never_deleted:
        raise NotDeletable(f"{coll.id} are never deleted; close them instead")
    obj = _get(coll, feature_id)
    try:
        with transaction.atomic():
            obj.delete()
    except (IntegrityError, ProtectedError, RestrictedError):
        raise NotDeletable(f"{coll.id} {feature_id} is still referenced by other features") from None
