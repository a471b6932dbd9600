"""Errors the service layer raises; the API turns each into its HTTP status."""

from __future__ import annotations


class ServiceError(Exception):
    status = 400

    def __init__(self, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}


class Invalid(ServiceError):
    """Input that is well-formed but breaks a rule of the domain (422)."""

    status = 422

    @classmethod
    def field(cls, name: str, message: str) -> Invalid:
        return cls(f"invalid {name}: {message}", {name: [message]})


class Unauthorized(ServiceError):
    """No valid credentials (401)."""

    status = 401


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409


class Forbidden(ServiceError):
    status = 403


class PreconditionFailed(ServiceError):
    status = 412
