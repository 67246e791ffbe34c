"""Session-state keys and cached access to the library, shared by the pages."""

from __future__ import annotations

import streamlit as st

from matcher.paths import default_db_path
from matcher.store import Store

# Session-state keys (constants, never bare strings in pages).
SELECTED_OFFER = "selected_offer"


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
