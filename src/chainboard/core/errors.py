"""Domain errors: services raise them, the API and views turn them into 400/403/404."""

from __future__ import annotations


class DomainError(Exception):
    """A business rule refused the operation; ``message`` is shown to the user."""

    status_code = 400
    code = "invalid"

    def __init__(self, message: str, *, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class OutOfScope(DomainError):
    """The acting user may not see or change this object (their region, park or firm)."""

    status_code = 403
    code = "out_of_scope"


class NotFound(DomainError):
    status_code = 404
    code = "not_found"
