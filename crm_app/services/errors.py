"""Errors the services raise for the UI and the CLI to show."""

from __future__ import annotations


class ValidationError(Exception):
    """Bad input: ``errors`` maps each field name to a message to show beside that field."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors


class PermissionDenied(Exception):
    """The caller's role does not allow this action."""


class NotFound(Exception):
    """The record does not exist (or is not visible to the caller)."""
