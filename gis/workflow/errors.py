"""One error type per failure a user can cause in the workflow; each carries its HTTP status."""
from __future__ import annotations

from gis.errors import QalaError, OutsideCity  # noqa: F401  (re-exported: an appeal outside the city)


class UnknownCategory(QalaError):
    status = 400
    code = "unknown-category"


class BadCatalog(QalaError):
    status = 400
    code = "bad-catalog"


class IllegalTransition(QalaError):
    status = 409
    code = "illegal-transition"


class NoRole(QalaError):
    status = 403
    code = "no-role"


class NotYourAppeal(QalaError):
    status = 403
    code = "not-your-appeal"


class BadDeadline(QalaError):
    status = 400
    code = "bad-deadline"


class NoExecutor(QalaError):
    status = 422
    code = "no-executor"


class BadDigOrder(QalaError):
    status = 400
    code = "bad-dig-order"


class UnknownChannel(QalaError):
    status = 400
    code = "unknown-channel"


class MissingInput(QalaError):
    status = 400
    code = "missing-input"


class BadIdempotencyKey(QalaError):
    status = 400
    code = "bad-idempotency-key"


class IdempotencyKeyReused(QalaError):
    status = 422
    code = "idempotency-key-reused"


class InvalidText(QalaError):
    """A caller's words the appeal cannot hold: longer than its column, or with a NUL character."""

    code = "invalid-text"
