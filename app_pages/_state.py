"""Session-state keys and cached access to the library, shared by the pages."""

from __future__ import annotations

import streamlit as st

from matcher.auth import User, authenticate
from matcher.errors import UserError
from matcher.paths import default_db_path
from matcher.store import Store

# Session-state keys (constants, never bare strings in pages).
SELECTED_OFFER = "selected_offer"
USER = "user"  # the logged-in matcher.auth.User of this session


@st.cache_resource
def _store(path: str) -> Store:
    # The Store holds only its path and opens short-lived connections: safe to share between
    # sessions (no user data in it).
    return Store(path)


def get_store() -> Store:
    """The store of this server (``$MATCHER_DB`` or data/matcher.sqlite3)."""
    return _store(str(default_db_path()))


def fr_number(value: float, decimals: int = 0) -> str:
    """French number format: 1 234,5."""
    text = f"{value:,.{decimals}f}".replace(",", "\u202f").replace(".", ",")
    return text


def require_user() -> User:
    """The logged-in user of this session; otherwise a login form, and the page stops.

    Every page calls this before reading anything: the store filters what it returns by this
    user (a counsellor never gets another structure's rows, whatever the page asks). Seam for
    OpenID Connect: when ``st.login`` is configured, map ``st.user.sub`` with
    ``matcher.auth.user_for_external_identity`` here instead of the form."""
    user = st.session_state.get(USER)
    if isinstance(user, User):
        with st.sidebar:
            st.caption(f"Connecté(e) : {user.label}")
            if st.button("Se déconnecter"):
                del st.session_state[USER]
                st.rerun()
        return user
    st.title("Connexion")
    if get_store().counts()["users"] == 0:
        st.info(
            "Aucun compte dans cette base : créez-en un avec « python -m matcher user add "
            "IDENTIFIANT --role coordinator », ou rechargez les données de démonstration "
            "(« make demo », comptes décrits dans le README)."
        )
    with st.form("login"):
        login = st.text_input("Identifiant")
        password = st.text_input("Mot de passe", type="password")
        submitted = st.form_submit_button("Se connecter")
    if submitted:
        try:
            st.session_state[USER] = authenticate(get_store(), login, password)
        except UserError as exc:
            st.error(str(exc))
        else:
            st.rerun()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises
