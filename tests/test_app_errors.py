"""Errors on screen: a library error is shown as its French message; an unexpected one as a
short French message saying what to do, its traceback only in the server log."""

import logging

from matcher.errors import UserError
from matcher.store.database import Store

from .app_world import page


def test_unexpected_error_shows_no_traceback(dash, monkeypatch, caplog):
    def broken(self, user, *args, **kwargs):
        raise RuntimeError("boom: internal detail")

    monkeypatch.setattr(Store, "suggestions", broken)
    with caplog.at_level(logging.ERROR):
        at = page("offres.py", dash.coordinator).run()
    assert not at.exception
    [error] = at.error
    assert error.value.startswith("Une erreur inattendue est survenue")
    assert "Rechargez la page" in error.value
    assert "boom" not in error.value and "Traceback" not in error.value
    assert "boom: internal detail" in caplog.text  # the details go to the log


def test_library_error_is_shown_in_french(dash, monkeypatch):
    def refused(self, user, *args, **kwargs):
        raise UserError("base occupée par une autre opération depuis 30 s ; réessayez")

    monkeypatch.setattr(Store, "suggestions", refused)
    at = page("tableau_de_bord.py", dash.coordinator).run()
    assert not at.exception
    assert at.error[0].value == "Base occupée par une autre opération depuis 30 s ; réessayez."


def test_config_hides_tracebacks_and_developer_menu():
    import tomllib

    from .app_world import ROOT

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text(encoding="utf-8"))
    assert config["client"]["showErrorDetails"] == "none"
    assert config["client"]["toolbarMode"] == "minimal"
