"""Who is acting: the :class:`User` every read and write of the store takes, the internal
:data:`SYSTEM` user, the local administrator, and the login limits the store enforces.

A module of its own so that the store and the workflow (matcher/workflow/auth.py: passwords,
accounts, login) both import it without importing each other."""

from __future__ import annotations

import getpass
from dataclasses import dataclass

from matcher.fields import Role

MAX_FAILED_LOGINS = 10  # consecutive failures before the account is locked for a while
LOCK_MINUTES = 15


@dataclass(frozen=True)
class User:
    """The acting user. ``structure`` is set for counsellors only. ``system`` marks internal jobs
    and the local administrator (full rights, profiles in full)."""

    login: str
    role: Role
    structure: str | None = None
    id: int | None = None
    system: bool = False

    @property
    def is_coordinator(self) -> bool:
        return self.role == Role.COORDINATOR

    @property
    def label(self) -> str:
        """French description, e.g. « marie (conseiller, EI Artois Propreté) »."""
        if self.system:
            return f"{self.login} (administration locale)"
        where = f", {self.structure}" if self.structure else ""
        return f"{self.login} ({self.role.label}{where})"


SYSTEM = User(login="système", role=Role.COORDINATOR, system=True)


def local_admin() -> User:
    """The person running the command line without ``--as``: full rights, audited under the
    operating-system account name."""
    try:
        name = getpass.getuser()
    except (KeyError, OSError):
        name = "inconnu"
    return User(login=f"admin-local:{name}", role=Role.COORDINATOR, system=True)


__all__ = ["LOCK_MINUTES", "MAX_FAILED_LOGINS", "SYSTEM", "User", "local_admin"]
