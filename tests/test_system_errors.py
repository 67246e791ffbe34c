"""What the system says of a refused file reaches people in French."""

import errno

import pytest

from matcher.errors import system_reason


@pytest.mark.parametrize(
    "code, reason",
    [
        (errno.EACCES, "droits insuffisants"),
        (errno.ENOENT, "chemin introuvable"),
        (errno.ENOSPC, "plus de place sur le disque"),
        (errno.EROFS, "système de fichiers en lecture seule"),
        (errno.ENOTDIR, "un élément du chemin n'est pas un dossier"),
        (errno.ECHILD, f"erreur système {errno.ECHILD}"),  # not a file's trouble: its number
        (None, "erreur système"),
    ],
)
def test_system_reasons_are_french(code, reason):
    exc = OSError(code, "English text from the system") if code else OSError("no number")
    assert system_reason(exc) == reason
