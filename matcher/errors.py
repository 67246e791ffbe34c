"""Errors that reach people: their message is French and says what is wrong and where."""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action. The CLI prints the message and exits with status 2."""


class AccessDenied(UserError):
    """The acting user has no right to this data or action."""


# What the system says of a file it refused, in French (the common cases; others by number).
_SYSTEM_REASONS = {
    "EACCES": "droits insuffisants",
    "EPERM": "opération non permise",
    "ENOENT": "chemin introuvable",
    "ENOSPC": "plus de place sur le disque",
    "EDQUOT": "quota de disque atteint",
    "EROFS": "système de fichiers en lecture seule",
    "EISDIR": "c'est un dossier",
    "ENOTDIR": "un élément du chemin n'est pas un dossier",
    "ENAMETOOLONG": "nom trop long",
    "EMFILE": "trop de fichiers ouverts",
    "EIO": "erreur d'entrée-sortie",
}


def system_reason(exc: OSError) -> str:
    """Why the system refused a file operation, in French."""
    import errno

    name = errno.errorcode.get(exc.errno or 0, "")
    return _SYSTEM_REASONS.get(
        name, f"erreur système {exc.errno}" if exc.errno else "erreur système"
    )
