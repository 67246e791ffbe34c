"""Errors that reach people: their message is French and says what is wrong and where."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action. The CLI prints the message and exits with status 2."""


class AccessDenied(UserError):
    """The acting user has no right to this data or action."""
