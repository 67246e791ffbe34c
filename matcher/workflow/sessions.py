"""Dashboard sessions that survive a reload and a bookmarked page, without a password kept in
the browser.

How it works (serve.py runs the dashboard with two small routes):

1. at login, the dashboard asks :func:`grant` for a one-time code (valid one minute) and sends
   the browser to ``/_session/ouvrir?code=...``;
2. that route calls :func:`redeem`: the code is used up and a session token is returned, which
   the route sets as a cookie that scripts cannot read (HttpOnly, SameSite=Lax, Secure over
   HTTPS), then sends the browser back to the page;
3. every new Streamlit session (a reload, a bookmark, a second tab) reads the cookie from the
   request (``st.context.cookies``) and :func:`resolve` gives back the account.

The token is ``random.expiry.signature``: 32 random bytes, the expiry (Unix seconds) and an
HMAC-SHA256 of both with a secret of the database, so a forged or altered token is refused
before any lookup; the store keeps only a hash of the random part, with the expiry and whether
it was revoked. A session ends after :data:`SESSION_HOURS`, at logout (:func:`revoke`) and when
the account is disabled (:func:`revoke_all`, and the account's state is checked at each
:func:`resolve`)."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import logging
import secrets

from matcher.errors import UserError
from matcher.identity import User
from matcher.store.database import Store
from matcher.store.sessions import GRANT, SESSION
from matcher.workflow.auth import get_user

log = logging.getLogger(__name__)

COOKIE = "circuit_court_session"
SESSION_HOURS = 12  # a working day; then the person logs in again
GRANT_SECONDS = 60
_SECRET = "session"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode("ascii").rstrip("=")


def _hash(secret_part: str) -> str:
    return hashlib.sha256(secret_part.encode("ascii")).hexdigest()


def _mac(store: Store, payload: str) -> str:
    return _b64(hmac.new(store.secret(_SECRET), payload.encode("ascii"), "sha256").digest())


def grant(store: Store, user: User) -> str:
    """A one-time code for ``user``, to exchange within :data:`GRANT_SECONDS` (see
    :func:`redeem`)."""
    code = _b64(secrets.token_bytes(32))
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=GRANT_SECONDS)
    if not store.session_insert(user.login, _hash(code), GRANT, expires):
        raise UserError(f"compte « {user.login} » inconnu ou désactivé")
    return code


def redeem(store: Store, code: str, hours: float = SESSION_HOURS) -> tuple[str, int] | None:
    """A signed session token and its lifetime in seconds for a live one-time code (used up
    by this call); None for an unknown, used or expired code."""
    if not code or len(code) > 100:
        return None
    login = store.session_consume_grant(_hash(code))
    if login is None:
        return None
    return open_session(store, login, hours)


def open_session(store: Store, login: str, hours: float = SESSION_HOURS) -> tuple[str, int] | None:
    """A new signed session token for the active account ``login`` and its lifetime."""
    raw = _b64(secrets.token_bytes(32))
    seconds = int(hours * 3600)
    expires = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=seconds)
    payload = f"{raw}.{int(expires.timestamp())}"
    if not store.session_insert(login, _hash(raw), SESSION, expires):
        return None
    log.info("session opened for %s", login)
    return f"{payload}.{_mac(store, payload)}", seconds


def _checked(store: Store, token: str | None) -> str | None:
    """The random part of a well-signed, unexpired token; None otherwise."""
    if not token or len(token) > 200 or token.count(".") != 2:
        return None
    raw, expiry, mac = token.split(".")
    if not hmac.compare_digest(mac, _mac(store, f"{raw}.{expiry}")):
        return None
    try:
        if int(expiry) <= dt.datetime.now(dt.UTC).timestamp():
            return None
    except ValueError:
        return None
    return raw


def resolve(store: Store, token: str | None) -> User | None:
    """The account of a live session token (signed, unexpired, not revoked, account active);
    None otherwise."""
    raw = _checked(store, token)
    if raw is None:
        return None
    login = store.session_login(_hash(raw))
    if login is None:
        return None
    try:
        return get_user(store, login)
    except UserError:
        return None


def revoke(store: Store, token: str | None) -> bool:
    """End the session of ``token`` (logout); True when it was live."""
    raw = _checked(store, token)
    return raw is not None and store.session_revoke(_hash(raw))


def revoke_all(store: Store, login: str) -> int:
    """End every session of an account (when it is disabled)."""
    return store.sessions_revoke_user(login)


__all__ = ["COOKIE", "SESSION_HOURS", "grant", "open_session", "redeem", "resolve", "revoke",
           "revoke_all"]  # fmt: skip
