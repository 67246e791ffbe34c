"""Users, roles and login: who is acting, and with which rights.

Every read and write of the store takes the acting :class:`User`; the store resolves the user's
*current* role and structure from the database at each call (a disabled account or a changed
structure takes effect at once), and filters in SQL:

- coordinator: every offer, every suggestion, profiles in pseudonymous form (no place of
  residence), statistics, users;
- counsellor: belongs to one structure; sees and decides only for that structure's profiles;
  sees every open offer (and the closed ones their people were suggested for);
- :data:`SYSTEM` / :func:`local_admin`: internal jobs (matching, demo loading) and the command
  line run without ``--as``: full rights. Whoever can run them can read the database file anyway.

Passwords are hashed with scrypt (memory-hard, standard library), with a per-user random salt;
the parameters are stored in the hash so they can be raised later (:func:`needs_rehash`).

Seam for OpenID Connect (Streamlit's ``st.login``): :func:`user_for_external_identity` maps the
identity provider's subject to a local account created with ``external_subject``; roles and
structures stay managed here.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from typing import TYPE_CHECKING

from matcher.errors import AccessDenied, UserError
from matcher.fields import Role

# The acting user and the login limits live in matcher/identity.py (the store needs them and must
# not import this module, which needs the store); re-exported here for the callers of auth.
from matcher.identity import LOCK_MINUTES, MAX_FAILED_LOGINS, SYSTEM, User, local_admin

if TYPE_CHECKING:
    import pandas as pd

    from matcher.store.database import Store
    from matcher.store.records import Rows

log = logging.getLogger(__name__)

# scrypt parameters: N=2^15, r=8, p=3 is one of OWASP's recommended settings (32 MiB of memory,
# about 0.1-0.2 s per hash on the project's machines).
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 3
SALT_BYTES = 16
KEY_BYTES = 32
_MAXMEM = 128 * 1024 * 1024

MIN_PASSWORD_LENGTH = 12

LOGIN_RE = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")

# Demo accounts created by ``python -m matcher demo`` (documented in the README).
DEMO_PASSWORD = "circuit-court-demo"
DEMO_COORDINATOR = "coordination"


# ------------------------------------------------------------------------------------------------
# Password hashing
# ------------------------------------------------------------------------------------------------
def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def hash_password(
    password: str, *, n: int | None = None, r: int | None = None, p: int | None = None
) -> str:
    """``scrypt$N$r$p$salt$key`` (base64): a fresh random salt for every call; parameters
    default to ``SCRYPT_N``, ``SCRYPT_R``, ``SCRYPT_P``."""
    n, r, p = n or SCRYPT_N, r or SCRYPT_R, p or SCRYPT_P
    salt = secrets.token_bytes(SALT_BYTES)
    key = hashlib.scrypt(
        password.encode("utf-8"), salt=salt, n=n, r=r, p=p, maxmem=_MAXMEM, dklen=KEY_BYTES
    )
    return f"scrypt${n}${r}${p}${_b64(salt)}${_b64(key)}"


def verify_password(password: str, encoded: str | None) -> bool:
    """True when ``password`` matches ``encoded`` (constant-time comparison)."""
    if not encoded:
        return False
    try:
        algo, n, r, p, salt, key = encoded.split("$")
        if algo != "scrypt":
            return False
        expected = base64.b64decode(key)
        got = hashlib.scrypt(
            password.encode("utf-8"),
            salt=base64.b64decode(salt),
            n=int(n),
            r=int(r),
            p=int(p),
            maxmem=_MAXMEM,
            dklen=len(expected),
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, expected)


def needs_rehash(encoded: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    try:
        _, n, r, p, *_ = encoded.split("$")
        return int(n) < SCRYPT_N or int(r) < SCRYPT_R or int(p) < SCRYPT_P
    except ValueError:
        return True


# A hash to verify against when the login is unknown, so that a wrong login and a wrong password
# take the same time. Computed lazily (not at import).
_DUMMY_HASH: list[str] = []


def _dummy_hash() -> str:
    if not _DUMMY_HASH:
        _DUMMY_HASH.append(hash_password(secrets.token_urlsafe(16)))
    return _DUMMY_HASH[0]


def check_password_policy(password: str, login: str) -> None:
    """Refuse passwords too short or equal to the login (French message)."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise UserError(
            f"mot de passe trop court : au moins {MIN_PASSWORD_LENGTH} caractères "
            "(une phrase de passe est plus facile à retenir)"
        )
    if login.lower() in password.lower():
        raise UserError("le mot de passe ne doit pas contenir l'identifiant")


def check_login(login: str) -> str:
    """Normalised login (lower case) or a French error."""
    norm = login.strip().lower()
    if not LOGIN_RE.fullmatch(norm):
        raise UserError(
            f"identifiant « {login} » invalide : 2 à 64 caractères parmi lettres minuscules sans "
            "accent, chiffres, point, tiret et souligné, en commençant par une lettre ou un chiffre"
        )
    return norm


# ------------------------------------------------------------------------------------------------
# Accounts (the SQL lives in the store)
# ------------------------------------------------------------------------------------------------
def add_user(
    store: Store,
    actor: User,
    login: str,
    role: Role | str,
    *,
    structure: str | None = None,
    password: str | None = None,
    external_subject: str | None = None,
    create_structure: bool = True,
    phone: str | None = None,
    email: str | None = None,
) -> User:
    """Create a local account. Only the coordinator (or the local administrator) may.
    ``phone``/``email``: a counsellor's work contact, written in the firms' shortlists.

    A counsellor needs ``structure``; the coordinator must not have one. A password is required
    unless the account logs in through an identity provider (``external_subject``)."""
    login = check_login(login)
    try:
        role = Role(role)
    except ValueError as exc:
        raise UserError(f"rôle « {role} » inconnu (coordinator ou counsellor)") from exc
    if role == Role.COUNSELLOR and not structure:
        raise UserError("un conseiller appartient à une structure : précisez --structure")
    if role == Role.COORDINATOR and structure:
        raise UserError("le coordinateur voit toutes les structures : n'indiquez pas --structure")
    if password is None and external_subject is None:
        raise UserError("mot de passe manquant")
    phone, email = check_phone(phone), check_email(email)
    password_hash = None
    if password is not None:
        check_password_policy(password, login)
        password_hash = hash_password(password)
    return store.insert_user(
        actor,
        login=login,
        role=role,
        structure=structure.strip() if structure else None,
        password_hash=password_hash,
        external_subject=external_subject,
        create_structure=create_structure,
        phone=phone,
        email=email,
    )


_EMAIL_RE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_PHONE_RE = re.compile(r"\+?[0-9][0-9 .\-]{7,18}[0-9]")


def check_email(email: str | None) -> str | None:
    """A work e-mail (trimmed), None when not given, or a French error."""
    if email is None or not email.strip():
        return None
    email = email.strip()
    if not _EMAIL_RE.fullmatch(email) or len(email) > 254:
        raise UserError(
            f"e-mail « {email} » invalide (attendu par exemple prenom.nom@structure.fr)"
        )
    return email


def check_phone(phone: str | None) -> str | None:
    """A work phone number written « 03 21 00 00 00 », None when not given, or a French
    error."""
    if phone is None or not phone.strip():
        return None
    phone = phone.strip()
    if not _PHONE_RE.fullmatch(phone):
        raise UserError(f"téléphone « {phone} » invalide (attendu par exemple 03 21 00 00 00)")
    digits = re.sub(r"\D", "", phone)
    if not phone.startswith("+") and len(digits) == 10:
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return phone


def set_password(store: Store, actor: User, login: str, password: str) -> None:
    """Change a password: the coordinator for anyone, a user for themselves."""
    login = check_login(login)
    if not (actor.system or actor.is_coordinator or actor.login == login):
        raise AccessDenied("seul le coordinateur peut changer le mot de passe d'un autre compte")
    check_password_policy(password, login)
    store.update_user(actor, login, password_hash=hash_password(password))


def disable_user(store: Store, actor: User, login: str) -> None:
    """Disable an account (kept for the audit trail; it can no longer log in or act)."""
    store.update_user(actor, check_login(login), disabled=True)


def list_users(store: Store, actor: User) -> pd.DataFrame:
    """Accounts (never their password hash). Coordinator only."""
    return store.users(actor)


def user_rows(store: Store, actor: User) -> Rows:
    """:func:`list_users` as rows, for commands that print them (no pandas)."""
    return store.user_rows(actor)


def get_user(store: Store, login: str) -> User:
    """The active account ``login`` (for ``--as``), or a French refusal."""
    row = store.user_record(login.strip().lower())
    if row is None or row["disabled_at"]:
        raise AccessDenied(f"utilisateur « {login} » inconnu ou désactivé")
    return User(login=row["login"], role=Role(row["role"]), structure=row["structure"],
                id=row["id"])  # fmt: skip


def authenticate(store: Store, login: str, password: str) -> User:
    """Check a login and password; the same French message whatever was wrong, so that logins
    cannot be guessed. Locks the account for a while after repeated failures."""
    refused = AccessDenied("identifiant ou mot de passe incorrect")
    norm = login.strip().lower()
    row = store.user_record(norm) if LOGIN_RE.fullmatch(norm) else None
    if row is None or row["disabled_at"] or not row["password_hash"]:
        verify_password(password, _dummy_hash())  # same time as a real check
        store.record_login(norm[:64] or "?", ok=False, known=False)
        raise refused
    if store.login_locked(norm):
        raise AccessDenied(
            f"compte temporairement bloqué après {MAX_FAILED_LOGINS} échecs : réessayez dans "
            f"{LOCK_MINUTES} minutes ou demandez au coordinateur"
        )
    if not verify_password(password, row["password_hash"]):
        store.record_login(norm, ok=False, known=True)
        raise refused
    store.record_login(norm, ok=True, known=True)
    if needs_rehash(row["password_hash"]):
        store.update_user(SYSTEM, norm, password_hash=hash_password(password), audit=False)
    return get_user(store, norm)


def user_for_external_identity(store: Store, subject: str) -> User:
    """Seam for OpenID Connect: the local account bound to the identity provider's ``sub``
    claim (``st.user.sub`` once ``st.login`` is configured). Roles stay managed locally."""
    row = store.user_by_external_subject(subject)
    if row is None or row["disabled_at"]:
        raise AccessDenied(
            "aucun compte actif n'est associé à cette identité : voyez le coordinateur"
        )
    return get_user(store, row["login"])


def demo_login(structure_file_stem: str) -> str:
    """Login of the demo counsellor of a sample structure: its file name with dashes."""
    return check_login(structure_file_stem.replace("_", "-"))


def ensure_demo_users(store: Store, structures: dict[str, str]) -> list[User]:
    """Create the demo accounts if missing: « coordination » and one counsellor per sample
    structure (``{login: structure}``), all with :data:`DEMO_PASSWORD`."""
    wanted: list[tuple[str, Role, str | None]] = [(DEMO_COORDINATOR, Role.COORDINATOR, None)]
    wanted += [(login, Role.COUNSELLOR, s) for login, s in structures.items()]
    created = []
    for login, role, structure in wanted:
        if store.user_record(login) is None:
            # The demo password is public: light scrypt parameters keep ``demo`` quick; the
            # hash is raised to the full parameters at the first login (needs_rehash).
            created.append(
                store.insert_user(SYSTEM, login=login, role=role, structure=structure,
                                  password_hash=hash_password(DEMO_PASSWORD, n=2**12, p=1))
            )  # fmt: skip
    return created


__all__ = [
    "DEMO_COORDINATOR",
    "DEMO_PASSWORD",
    "LOCK_MINUTES",
    "MAX_FAILED_LOGINS",
    "SYSTEM",
    "User",
    "add_user",
    "authenticate",
    "check_password_policy",
    "disable_user",
    "ensure_demo_users",
    "get_user",
    "hash_password",
    "list_users",
    "local_admin",
    "needs_rehash",
    "set_password",
    "user_for_external_identity",
    "verify_password",
]
