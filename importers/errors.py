"""What an editor can get wrong when importing a file: one type per failure.

Each is a QalaError, so the CLI prints it as one line and the upload view
returns it as a JSON problem document. Raised before or instead of the commit:
the database is never left half-written.
"""
from __future__ import annotations

from gis.errors import QalaError


class ImportFailed(QalaError):
    """Base of every importer error."""

    status = 422
    code = "import-failed"


class EmptyFile(ImportFailed):
    code = "empty-file"


class UnreadableFile(ImportFailed):
    code = "unreadable-file"


class UnknownCRS(ImportFailed):
    code = "unknown-crs"


class WrongGeometryType(ImportFailed):
    code = "wrong-geometry-type"


class BadMapping(ImportFailed):
    """The mapping file itself is malformed (YAML syntax, shape, unknown option)."""

    code = "bad-mapping"


class UnknownField(BadMapping):
    """A mapping targets a field the layer does not have."""

    code = "unknown-field"


class MissingColumn(BadMapping):
    """A field the layer needs (required or the key) has no source column."""

    code = "missing-column"


class BadKey(BadMapping):
    """--key names a field that cannot identify a feature (not unique in the layer)."""

    code = "bad-key"


class FeaturesRejected(ImportFailed):
    """Some features failed validation; nothing was written (see the report)."""

    code = "features-rejected"


class ConstraintViolated(ImportFailed):
    """The database refused a row (a check constraint, a guard, a duplicate)."""

    code = "constraint-violated"


class ReplaceRefused(ImportFailed):
    """--replace would delete features the city must keep."""

    status = 409
    code = "replace-refused"


class ArchiveRefused(ImportFailed):
    """A zip whose members leave the archive (../, absolute paths, links) or are far too many."""

    code = "archive-refused"


class ArchiveTooLarge(ArchiveRefused):
    """A zip or gzip that would unpack to too much, or packed as tight as a bomb."""

    status = 413
    code = "archive-too-large"
