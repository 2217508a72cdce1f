"""Errors a service may raise: each has a stable code and a message safe to show a user."""

from __future__ import annotations


class WalletError(Exception):
    """Base of every expected failure; ``code`` is stable, ``message`` is user-safe."""

    code = "wallet_error"
    http_status = 400

    def __init__(self, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        if code is not None:
            self.code = code


class ConfigurationError(WalletError):
    """The application's configuration is invalid; start-up must stop."""

    code = "configuration"


class ValidationError(WalletError):
    """A user-supplied value is malformed."""

    code = "invalid"


class NotFoundError(WalletError):
    """The object does not exist or does not belong to the caller."""

    code = "not_found"
    http_status = 404


class ConflictError(WalletError):
    """The change conflicts with stored state (a duplicate, for instance)."""

    code = "conflict"
    http_status = 409


class AuthenticationError(WalletError):
    """Credentials given at log-in or for a sensitive change are wrong."""

    code = "authentication"
    http_status = 401


class FetchError(WalletError):
    """A network fetch was refused by policy or failed."""

    code = "fetch"
    http_status = 502


class CredentialFormatError(ValidationError):
    """Credential bytes cannot be read: the message names what is wrong."""

    code = "credential_format"
    http_status = 422


def N_(message: str) -> str:
    """Mark ``message`` for the translation catalogue; the route layer translates it."""
    return message


class PathwayFormatError(ValidationError):
    """A pathway document cannot be read: the message names the field that is wrong."""

    code = "pathway_format"
    http_status = 422
