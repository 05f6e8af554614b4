"""The small errors use cases raise; the web layer maps each to its HTTP status in one handler."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be served as asked; ``message`` is safe to show to the user."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class NotFound(ServiceError):
    """Unknown id, expired, deleted, or a missing or wrong token: all look the same."""

    status = 404


class Conflict(ServiceError):
    """The rehearsal is over, or another turn was written first."""

    status = 409


class TooLarge(ServiceError):
    """Text over the length limit."""

    status = 413


class Invalid(ServiceError):
    """Empty text, characters that cannot be stored, an unknown scenario."""

    status = 422


class Unavailable(ServiceError):
    """The database does not answer."""

    status = 503
