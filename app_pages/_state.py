"""Session-state keys, the logged-in user, and cached access to the library, shared by the pages.

Caching rules (a server serves several people at once):
- ``st.cache_resource`` holds only the Store (a path and an idle connection, no user data);
- ``st.cache_data`` functions take the acting user as an argument (so the user is part of the
  key) and the store's data version (so a change by anyone is seen at the next rerun);
- nothing user-specific lives at module level; the session's own state is ``st.session_state``.
"""

from __future__ import annotations

import json
import logging
import os
import urllib.parse
from collections.abc import Callable

import pandas as pd
import streamlit as st

from matcher.errors import AccessDenied, UserError
from matcher.export import shortlists as export
from matcher.fields import Role
from matcher.identity import User
from matcher.intake import importer
from matcher.paths import default_database
from matcher.reference.referential import active_referential
from matcher.settings import Settings
from matcher.store.database import Store
from matcher.workflow import indicators, service, sessions
from matcher.workflow.auth import authenticate

log = logging.getLogger(__name__)

# --------------------------------------------------------------------------------------------
# Session-state keys (constants, never bare strings in pages)
# --------------------------------------------------------------------------------------------
USER = "user"  # the logged-in matcher.auth.User of this session
SELECTED_OFFER = "selected_offer"  # offer_ref chosen on Offres / Correspondances
SELECTED_PROFILE = "selected_profile"  # "structure|profile_ref" chosen on Correspondances
MATCH_VIEW = "match_view"  # Correspondances: "offre" or "personne"
STATUS_FILTER = "status_filter"  # Correspondances: which statuses to show
FLASH = "flash"  # list of (kind, message) shown once at the top of the next run
IMPORT_KIND = "import_kind"
IMPORT_STRUCTURE = "import_structure"
IMPORT_NEW_STRUCTURE = "import_new_structure"
IMPORT_FILE = "import_file"
IMPORT_MAPPING = "import_mapping"  # data_editor of the mapping (its edit state)
IMPORT_REPORT = "import_report"  # last import's report lines and counts (this session)
IMPORT_MATCH = "import_match"  # recompute the suggestions after the import
IMPORT_SETTLED = "import_settled"  # possible duplicates already merged or kept (new refs)
DECISIONS_FILE = "decisions_file"
DECISIONS_REPORT = "decisions_report"
OFFER_TABLE = "offer_table"  # Offres: the table (its row selection)
GOTO = "goto"  # a page to switch to, asked by a button callback
OFFER_OPENED = "offer_opened"  # Offres: the offer whose detail dialog was opened last
OFFER_FILTERS = "offer_filters_"  # prefix of the Offres filter widgets
DASHBOARD_DIMENSION = "dashboard_dimension"
SETTINGS_FORM = "settings_"  # prefix of the Paramètres widgets
PREVIEW_OFFER = "preview_offer"
PREVIEW_RESULT = "preview_result"
LIST_EMPLOYER = "list_employer"
LIST_STRUCTURE = "list_structure"
LIST_OFFER = "list_offer"
LIST_WORKBOOK = "list_workbook"  # the coordinator's workbook once built: (file name, bytes)
NEW_USER = "new_user_"  # prefix of the account creation form
DAY = "day_"  # prefix of the Journée Busin'ESS widgets (app_pages/journee.py)
DAY_RESULT = "day_result"  # the last plan's figures shown after planning (this session)
QUEUE_VIEW = "queue_view"  # À traiter: "todo" or "none"
QUEUE_FILTERS = "queue_filter_"  # prefix of the À traiter filter widgets
QUEUE_SIGNATURE = "queue_signature"  # the filters in force (a change clears the selection)
QUEUE_TABLE_N = "queue_table_n"  # bumped after a bulk decision: a fresh table, no selection

COOKIE_REFUSED = "cookie_refused"  # the session cookie of this connection was refused
UNKNOWN_PAGE_PARAM, UNKNOWN_PAGE_VALUE = "page", "inconnue"  # set by serve.py's redirect
SESSION_ROUTES_ENV = "CIRCUIT_COURT_SESSION_ROUTES"  # set by serve.py
SESSION_OPEN = "/_session/ouvrir"
SESSION_CLOSE = "/_session/fermer"

# Pages (paths relative to app.py, for st.switch_page and st.Page).
PAGE_LOGIN = "app_pages/connexion.py"
PAGE_QUEUE = "app_pages/a_traiter.py"
PAGE_IMPORT = "app_pages/importer.py"
PAGE_OFFERS = "app_pages/offres.py"
PAGE_MATCHES = "app_pages/correspondances.py"
PAGE_LISTS = "app_pages/listes.py"
PAGE_DASHBOARD = "app_pages/tableau_de_bord.py"
PAGE_SETTINGS = "app_pages/parametres.py"
PAGE_DAY = "app_pages/journee.py"


# --------------------------------------------------------------------------------------------
# Store and cached reads
# --------------------------------------------------------------------------------------------
@st.cache_resource
def _store(path: str) -> Store:
    # The Store holds only its target and an idle connection (SQLite) or a connection pool
    # (PostgreSQL): safe to share between sessions (no user data in it). Every read takes the
    # acting user and is filtered in SQL.
    return Store(path)


def get_store() -> Store:
    """The store of this server (``$MATCHER_DB``: a file or a postgresql:// URL; else
    data/matcher.sqlite3)."""
    return _store(default_database())


@st.cache_data(max_entries=64, show_spinner=False)
def _funnel_facts(
    path: str, user: User, version: int, referential_stamp: str | None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    store = _store(path)
    offers, pairs = indicators.pair_facts(
        store.suggestions(user),
        store.decisions(user),
        store.offers(user, status=None),
        store.offer_facts(user),
        active_referential(store),
    )
    return offers, pairs, store.profiles(user)[["structure", "profile_ref"]]


def funnel_facts(user: User) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(offers, pairs, profiles) facts for the indicators, as ``user`` may see them. Cached per
    user and data version: a decision taken by anyone is counted at the next rerun."""
    store = get_store()
    return _funnel_facts(store.target, user, store.data_version(), store.referential_stamp())


@st.cache_data(max_entries=16, show_spinner=False)
def _offer_sectors(path: str, user: User, version: int, referential_stamp: str | None) -> dict:
    store = _store(path)
    sectors = indicators.offer_sectors(store.offer_facts(user), active_referential(store))
    return sectors.to_dict()


def offer_sectors(user: User) -> dict[str, str]:
    """offer_ref -> sector label, for the offers ``user`` may see (cached per user and data)."""
    store = get_store()
    return _offer_sectors(store.target, user, store.data_version(), store.referential_stamp())


@st.cache_data(max_entries=16, show_spinner=False)
def _refusal_reasons(path: str, user: User, version: int) -> pd.DataFrame:
    return indicators.refusal_reasons(_store(path).suggestions(user))


def refusal_reasons(user: User) -> pd.DataFrame:
    """Why candidacies ended (reason, count), as ``user`` may see them (cached per data)."""
    store = get_store()
    return _refusal_reasons(str(store.path), user, store.data_version())


def current_settings(user: User) -> Settings:
    """The settings of the latest matching run (see :func:`matcher.service.current_settings`)."""
    return service.current_settings(get_store(), user)


# --------------------------------------------------------------------------------------------
# Messages carried over a rerun
# --------------------------------------------------------------------------------------------
def flash(kind: str, message: str) -> None:
    """Show ``message`` (kind: success, info, warning, error) at the top of the next run."""
    st.session_state.setdefault(FLASH, []).append((kind, message))


def show_flash() -> None:
    for kind, message in st.session_state.pop(FLASH, []):
        getattr(st, kind)(message)


# --------------------------------------------------------------------------------------------
# Login
# --------------------------------------------------------------------------------------------
def session_routes() -> bool:
    """True when the server has the session routes (served by serve.py, as ``make run``
    does); under a bare ``streamlit run app.py`` the login lives in the Streamlit session only."""
    return os.environ.get(SESSION_ROUTES_ENV) == "1"


def session_cookie() -> str | None:
    """The session token the browser sent (HttpOnly cookie set by serve.py), if any."""
    try:
        return st.context.cookies.get(sessions.COOKIE)
    except Exception:  # no browser request (AppTest, bare script run)
        return None


def current_user() -> User | None:
    """The logged-in user of this session; on a new session (a reload, a bookmarked page, a
    second tab) the account of a live session cookie."""
    user = st.session_state.get(USER)
    if isinstance(user, User):
        return user
    if st.session_state.get(COOKIE_REFUSED):
        return None
    token = session_cookie()
    if token:
        user = sessions.resolve(get_store(), token)
        if user is not None:
            st.session_state[USER] = user
            return user
        # Expired, revoked (logout, account disabled) or forged: the login form, once.
        st.session_state[COOKIE_REFUSED] = True
    return None


def _go(path: str) -> None:
    """Send the browser to ``path`` of this server (a full page load)."""
    st.html(f"<script>window.location.replace({json.dumps(path)});</script>",
            unsafe_allow_javascript=True)  # fmt: skip


def log_out() -> None:
    """End the session: revoked in the database, cookie cleared, session state emptied."""
    sessions.revoke(get_store(), session_cookie())
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    st.session_state[COOKIE_REFUSED] = True  # the cookie of this connection is now dead
    if session_routes():
        _go(SESSION_CLOSE)
        st.stop()


def login_form() -> None:
    """The login form; on success the user is kept in the session and the app reruns.

    Seam for OpenID Connect: when ``st.login`` is configured (``[auth]`` in secrets.toml),
    map ``st.user.sub`` with ``matcher.auth.user_for_external_identity`` here instead of the
    form; roles and structures stay managed in the store."""
    store = get_store()
    if store.counts()["users"] == 0:
        st.info(
            "Aucun compte dans cette base. Demandez à la personne qui a installé l'outil de "
            "créer le compte du coordinateur (« python -m matcher user add IDENTIFIANT --role "
            "coordinator »), ou chargez les données de démonstration (« make demo », comptes "
            "décrits dans le README)."
        )
    with st.form("login", border=True):
        login = st.text_input("Identifiant", autocomplete="username")
        password = st.text_input("Mot de passe", type="password", autocomplete="current-password")
        submitted = st.form_submit_button("Se connecter", type="primary")
    if submitted:
        if not login.strip() or not password:
            st.error("Saisissez votre identifiant et votre mot de passe.")
            return
        try:
            user = authenticate(store, login, password)
        except UserError as exc:
            st.error(_sentence(str(exc)))
            return
        st.session_state[USER] = user
        st.session_state.pop(COOKIE_REFUSED, None)
        if session_routes():
            # The cookie is set by the server's route, which sends the browser back here.
            code = sessions.grant(store, user)
            path = _current_path()
            _go(f"{SESSION_OPEN}?code={code}&suite={urllib.parse.quote(path)}")
            st.stop()
        st.rerun()


def _current_path() -> str:
    try:
        path = urllib.parse.urlsplit(st.context.url or "").path or "/"
    except Exception:
        path = "/"
    return path if path.startswith("/") else "/"


def require_user() -> User:
    """The logged-in user of this session; otherwise the login form, and the page stops.

    Every page calls this before reading anything: the store filters what it returns by this
    user (a counsellor never gets another structure's rows, whatever the page asks)."""
    user = current_user()
    if user is not None:
        return user
    st.title("Connexion")
    show_flash()
    login_form()
    st.stop()
    raise AssertionError("unreachable")  # st.stop() raises


def require_coordinator() -> User:
    """The logged-in coordinator; a counsellor gets a French refusal and the page stops."""
    user = require_user()
    if user.role != Role.COORDINATOR:
        st.error("Cette page est réservée au coordinateur.")
        st.stop()
    return user


def sidebar_account(user: User) -> None:
    """Who is logged in, and the logout button (sidebar)."""
    with st.sidebar:
        st.caption(f"Connecté(e) : **{user.login}**  \n{_role_text(user)}")
        if st.button("Se déconnecter", key="logout", icon=":material/logout:"):
            log_out()
            st.rerun()


def _role_text(user: User) -> str:
    if user.role == Role.COORDINATOR:
        return "Coordination du club"
    return f"Conseiller(ère) – {user.structure}"


# --------------------------------------------------------------------------------------------
# Errors: never a traceback on screen
# --------------------------------------------------------------------------------------------
def _sentence(text: str) -> str:
    """A library message as a sentence: capital first letter (unless it starts with a file
    name or a reference, kept as written) and a final full stop."""
    text = text.strip()
    if not text:
        return text
    first = text.split(" ", 1)[0]
    if first.isalpha():
        text = text[0].upper() + text[1:]
    return text if text.endswith((".", "!", "?", "…")) else text + "."


def show_error(exc: Exception) -> None:
    """A French message for a library error; a disabled account is logged out."""
    if isinstance(exc, AccessDenied) and "désactivé" in str(exc) and current_user():
        # The account was disabled meanwhile (its sessions were revoked): back to the login
        # page, with the reason.
        del st.session_state[USER]
        st.session_state[COOKIE_REFUSED] = True
        flash("error", "Votre compte a été désactivé ou supprimé : reconnectez-vous ou voyez "
              "le coordinateur.")  # fmt: skip
        st.rerun()
    st.error(_sentence(str(exc)))


def guarded(action: Callable[[], None]) -> None:
    """Run a page (or an action): a library error is shown in French; an unexpected error is
    logged with its traceback and shown as a short French message saying what to do."""
    try:
        action()
    except UserError as exc:
        show_error(exc)
    except Exception:  # last resort: the traceback goes to the log, not the screen
        log.exception("unexpected error in the dashboard")
        st.error(
            "Une erreur inattendue est survenue ; rien n'a été perdu de ce qui était enregistré, "
            "et vous restez connecté(e). Rechargez la page (touche F5). Si l'erreur revient, notez l'heure et ce que vous "
            "faisiez, et signalez-le à la personne qui administre l'outil."
        )


# --------------------------------------------------------------------------------------------
# Import preview (header found, mapping proposed, first rows; nothing imported)
# --------------------------------------------------------------------------------------------
@st.cache_data(max_entries=8, show_spinner=False)
def _preview(
    user: User, data: bytes, name: str, kind: str, sheet: str | None, overrides_json: str,
    remembered_json: str, structure: str | None,
) -> importer.Preview:  # fmt: skip
    return importer.preview_file(
        data, name, kind, sheet=sheet, overrides=json.loads(overrides_json),
        remembered=json.loads(remembered_json), limits=current_settings(user).import_limits,
        rows=5, structure=structure,
    )  # fmt: skip


def import_preview(
    user: User, data: bytes, name: str, kind: str, *, sheet: str | None = None,
    overrides: dict[str, str | None] | None = None, structure: str | None = None,
) -> importer.Preview:  # fmt: skip
    """What importing ``data`` would do (cached per user, file and choices): sheets with the
    header row, the proposed mapping, the missing required fields and the first rows."""
    remembered = get_store().remembered_mappings(kind)
    return _preview(
        user, data, name, kind, sheet, json.dumps(overrides or {}, sort_keys=True),
        json.dumps(remembered, sort_keys=True), structure,
    )  # fmt: skip


# --------------------------------------------------------------------------------------------
# Shortlists (workbooks are built when the download button is clicked)
# --------------------------------------------------------------------------------------------
FIRM, STRUCTURE_LIST, COORDINATION = "firm", "structure", "coordinator"


def shortlist_rows(
    user: User, *, offer_ref: str | None = None, structure: str | None = None,
    employer: str | None = None, statuses: tuple[str, ...] | None = None,
) -> pd.DataFrame:  # fmt: skip
    """The rows a shortlist is built from, as ``user`` may see them."""
    return service.shortlist_rows(get_store(), user, offer_ref=offer_ref, structure=structure,
                                  employer=employer, statuses=statuses)  # fmt: skip


def shortlist_builder(user: User, audience: str, rows: pd.DataFrame) -> Callable[[], bytes]:
    """A function that builds the workbook of ``rows`` for ``audience`` (firm, structure,
    coordinator): called by the download button when clicked, so nothing is built for
    nothing. It closes over this session's user and rows only."""
    store = get_store()
    settings = current_settings(user).to_dict()

    def build() -> bytes:
        secret = store.secret()
        if audience == FIRM:  # a firm never gets the ranking's internal settings
            return export.firm_workbook(rows, secret)
        if audience == STRUCTURE_LIST:
            return export.structure_workbook(rows, secret, settings)
        return export.coordinator_workbook(rows, store.offers(user, status=None), secret, settings)

    return build
