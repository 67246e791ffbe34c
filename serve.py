"""The dashboard as served to people: ``streamlit run serve.py`` (``make run``).

app.py is the Streamlit script; this wraps it in an ``st.App`` with what a script cannot do
itself, because it talks to the browser over a WebSocket and never sends HTTP headers:

- ``/_session/ouvrir?code=...&suite=/page``: exchanges the one-time code made at login for a
  session cookie that scripts cannot read (HttpOnly, SameSite=Lax, Secure over HTTPS), then
  back to the page; a reload or a bookmarked page then finds the session
  (see matcher/workflow/sessions.py);
- ``/_session/fermer``: logout ends the session in the database and clears the cookie;
- an address that is no page of the dashboard goes home with a French message, instead of
  Streamlit's English « Page not found » dialog.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import quote

import streamlit as st
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import RedirectResponse
from starlette.routing import Route

from matcher.paths import default_database
from matcher.store.database import Store
from matcher.workflow import sessions

ROOT = Path(__file__).resolve().parent
# Tells the pages that the session routes exist (under a bare ``streamlit run app.py`` they
# do not, and the login stays in the Streamlit session only).
os.environ["CIRCUIT_COURT_SESSION_ROUTES"] = "1"
UNKNOWN = "/?page=inconnue"
# Page addresses: one per file of app_pages/ (Streamlit names a page after its file).
PAGES = {"", *(p.stem for p in (ROOT / "app_pages").glob("*.py") if not p.stem.startswith("_"))}
RESERVED = ("_stcore", "_session", "static", "media", "component", "app", "~")


def _store() -> Store:
    # A path and an idle connection: no user data (the sessions are rows of the database).
    return Store(default_database())


def _next(request: Request) -> str:
    """Where to go back: a path of this site only (never another host)."""
    path = request.query_params.get("suite", "/")
    if not path.startswith("/") or path.startswith("//") or "\\" in path:
        return "/"
    return quote(path, safe="/?=&")


def _secure(request: Request) -> bool:
    return request.url.scheme == "https" or request.headers.get("x-forwarded-proto") == "https"


def open_session(request: Request) -> RedirectResponse:
    made = sessions.redeem(_store(), request.query_params.get("code", ""))
    response = RedirectResponse(_next(request), status_code=303)
    if made is not None:
        token, seconds = made
        response.set_cookie(sessions.COOKIE, token, max_age=seconds, path="/", httponly=True,
                            samesite="lax", secure=_secure(request))  # fmt: skip
    response.headers["Cache-Control"] = "no-store"
    return response


def close_session(request: Request) -> RedirectResponse:
    sessions.revoke(_store(), request.cookies.get(sessions.COOKIE))
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(sessions.COOKIE, path="/", httponly=True, samesite="lax")
    response.headers["Cache-Control"] = "no-store"
    return response


class UnknownPages:
    """ASGI middleware: a GET of an address that is neither a page nor a file goes home."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and scope["method"] == "GET":
            path = scope["path"].strip("/")
            # The frontend also probes its own routes under the page's path
            # (« /offres/_stcore/health »): anything with a reserved part is left alone.
            reserved = any(part in RESERVED for part in path.split("/"))
            if not reserved and "." not in path and path not in PAGES:
                await RedirectResponse(UNKNOWN, status_code=303)(scope, receive, send)
                return
        await self.app(scope, receive, send)


app = st.App(
    str(ROOT / "app.py"),
    routes=[
        Route("/_session/ouvrir", open_session, methods=["GET"]),
        Route("/_session/fermer", close_session, methods=["GET"]),
    ],
    middleware=[Middleware(UnknownPages)],
)
