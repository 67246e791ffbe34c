"""Dashboard sessions (matcher.workflow.sessions): a signed, expiring token that survives a
reload; a one-time login code; revoked at logout and when the account is disabled."""

import pytest

from matcher.store.database import Store
from matcher.workflow import auth, sessions

pytestmark = pytest.mark.both_backends  # the store fixtures on SQLite and PostgreSQL

PASSWORD = "une phrase de passe de test"


def _store(db_target) -> Store:
    store = Store(db_target)
    auth.add_user(store, auth.SYSTEM, "cons", "counsellor", structure="EI Test",
                  password=PASSWORD, phone="0321000000", email="cons@ei-test.fr")  # fmt: skip
    return store


def test_a_login_code_opens_one_session_that_resolves_to_the_account(db_target):
    store = _store(db_target)
    user = auth.get_user(store, "cons")
    code = sessions.grant(store, user)
    token, seconds = sessions.redeem(store, code)
    assert seconds == sessions.SESSION_HOURS * 3600
    assert sessions.resolve(store, token) == user
    assert sessions.redeem(store, code) is None  # a code opens one session only
    assert store.sessions_live("cons") == 1


def test_forged_altered_or_expired_tokens_are_refused(db_target, tmp_path):
    store = _store(db_target)
    token, _ = sessions.open_session(store, "cons")
    raw, expiry, mac = token.split(".")
    assert sessions.resolve(store, f"{raw}.{int(expiry) + 3600}.{mac}") is None  # later expiry
    other = "B" if raw[-1] == "A" else "A"
    assert sessions.resolve(store, f"{raw[:-1]}{other}.{expiry}.{mac}") is None
    assert sessions.resolve(store, "n'importe quoi") is None
    assert sessions.resolve(store, None) is None
    old, _ = sessions.open_session(store, "cons", hours=-1)  # already expired
    assert sessions.resolve(store, old) is None
    # Another database's secret signs differently.
    other = Store(tmp_path / "autre.sqlite3")
    auth.add_user(other, auth.SYSTEM, "cons", "counsellor", structure="EI Test", password=PASSWORD)
    assert sessions.resolve(other, token) is None


def test_logout_and_disabling_the_account_revoke_the_session(db_target):
    store = _store(db_target)
    a, _ = sessions.open_session(store, "cons")
    b, _ = sessions.open_session(store, "cons")
    assert sessions.revoke(store, a) is True
    assert sessions.resolve(store, a) is None
    assert sessions.resolve(store, b) is not None
    auth.disable_user(store, auth.SYSTEM, "cons")
    assert sessions.resolve(store, b) is None
    assert store.sessions_live("cons") == 0
    assert sessions.open_session(store, "cons") is None  # a disabled account gets none


def test_only_hashes_are_stored(db_target):
    store = _store(db_target)
    token, _ = sessions.open_session(store, "cons")
    with store.read() as conn:
        stored = [r[0] for r in conn.execute("SELECT token_hash FROM sessions")]
    assert token.split(".")[0] not in stored and all(len(h) == 64 for h in stored)


def test_counsellor_contact_is_checked_and_kept(db_target):
    store = _store(db_target)
    contacts = store.counsellor_contacts(auth.SYSTEM)
    assert contacts[["login", "phone", "email"]].values.tolist() == [
        ["cons", "03 21 00 00 00", "cons@ei-test.fr"]]  # fmt: skip
    import pytest

    from matcher.errors import UserError

    with pytest.raises(UserError, match="e-mail « pas-un-mail » invalide"):
        auth.add_user(store, auth.SYSTEM, "autre", "counsellor", structure="EI Test",
                      password=PASSWORD, email="pas-un-mail")  # fmt: skip
