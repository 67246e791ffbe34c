"""Accounts: memory-hard password hashes, validation, login, lock-out, demo accounts, and the
``user`` command line."""

import hashlib
import io

import pytest

from matcher.cli import main
from matcher.errors import AccessDenied, UserError
from matcher.fields import Role
from matcher.workflow import auth
from matcher.workflow.service import demo_accounts

from .review_world import PASSWORD, STRUCTURE_A

pytestmark = pytest.mark.both_backends  # the store fixtures on SQLite and PostgreSQL


def test_hash_uses_memory_hard_scrypt_with_per_user_salt(monkeypatch):
    monkeypatch.setattr(auth, "SCRYPT_N", 2**15)  # the real parameters (tests use light ones)
    monkeypatch.setattr(auth, "SCRYPT_P", 3)
    h1, h2 = (
        auth.hash_password("correct horse battery"),
        auth.hash_password("correct horse battery"),
    )
    assert h1.startswith("scrypt$32768$8$3$") and h1 != h2  # a fresh salt each time
    assert auth.verify_password("correct horse battery", h1)
    assert not auth.verify_password("correct horse batterz", h1)
    assert not auth.needs_rehash(h1)
    # 32 MiB are needed: with less memory allowed, scrypt refuses to compute it.
    with pytest.raises(ValueError):
        hashlib.scrypt(b"x", salt=b"s" * 16, n=2**15, r=8, p=3, maxmem=16 * 1024 * 1024)


@pytest.mark.parametrize("encoded", [None, "", "md5$abc", "scrypt$1$2", "scrypt$x$8$1$AA==$AA=="])
def test_verify_refuses_malformed_hashes(encoded):
    assert not auth.verify_password("anything at all", encoded)


def test_weaker_hashes_need_rehash():
    assert auth.needs_rehash(auth.hash_password("a long passphrase", n=auth.SCRYPT_N // 2))
    assert auth.needs_rehash(auth.hash_password("a long passphrase", r=auth.SCRYPT_R - 1))
    assert auth.needs_rehash("garbage")


@pytest.mark.parametrize(
    "kwargs, message",
    [
        (dict(login="Marie Dupont", role="counsellor", structure="S"), "identifiant"),
        (dict(login="marie", role="admin", structure="S"), "rôle « admin » inconnu"),
        (dict(login="marie", role="counsellor"), "précisez --structure"),
        (dict(login="marie", role="coordinator", structure="S"), "n'indiquez pas"),
        (dict(login="marie", role="counsellor", structure="S", password="court"), "trop court"),
        (dict(login="marie", role="counsellor", structure="S", password="marie-1234567890"),
         "contenir l'identifiant"),
    ],
)  # fmt: skip
def test_add_user_validates_in_french(store, kwargs, message):
    kwargs.setdefault("password", PASSWORD)
    with pytest.raises(UserError, match=message):
        auth.add_user(store, auth.SYSTEM, **kwargs)
    assert store.counts()["users"] == 0


def test_only_the_coordinator_manages_accounts(world):
    with pytest.raises(AccessDenied, match="réservé"):
        auth.add_user(world.store, world.counsellor_a, "other", "counsellor",
                      structure=STRUCTURE_A, password=PASSWORD)  # fmt: skip
    with pytest.raises(AccessDenied):
        auth.list_users(world.store, world.counsellor_a)
    with pytest.raises(AccessDenied):
        auth.set_password(world.store, world.counsellor_a, "cons-b", PASSWORD + "!")
    with pytest.raises(UserError, match="existe déjà"):
        auth.add_user(world.store, world.coordinator, "cons-a", "counsellor",
                      structure=STRUCTURE_A, password=PASSWORD)  # fmt: skip
    users = auth.list_users(world.store, world.coordinator)
    assert users["login"].tolist() == ["cons-a", "cons-b", "coord"]  # by login
    assert "password_hash" not in users.columns
    # Nothing about a password ever reaches the audit log.
    audit = world.store.audit(world.coordinator).to_json()
    assert "scrypt" not in audit and PASSWORD not in audit


def test_login(world):
    store = world.store
    user = auth.authenticate(store, " Cons-A ", PASSWORD)
    assert (user.login, user.role, user.structure) == ("cons-a", Role.COUNSELLOR, STRUCTURE_A)
    for login, password in [("cons-a", "wrong password!"), ("nobody", PASSWORD), ("", "")]:
        with pytest.raises(AccessDenied, match=r"^identifiant ou mot de passe incorrect$"):
            auth.authenticate(store, login, password)
    actions = store.audit(world.coordinator)["action"].tolist()
    assert actions.count("login") == 1 and actions.count("login_failed") == 3
    # A user may change their own password; the old one stops working.
    auth.set_password(store, user, "cons-a", "une autre phrase de passe")
    with pytest.raises(AccessDenied):
        auth.authenticate(store, "cons-a", PASSWORD)
    assert auth.authenticate(store, "cons-a", "une autre phrase de passe").login == "cons-a"


def test_disabled_account_can_neither_log_in_nor_act(world):
    auth.disable_user(world.store, world.coordinator, "cons-a")
    with pytest.raises(AccessDenied, match="incorrect"):
        auth.authenticate(world.store, "cons-a", PASSWORD)
    with pytest.raises(AccessDenied, match="désactivé"):
        auth.get_user(world.store, "cons-a")
    # A session opened before is refused at its next read: the store checks every time.
    with pytest.raises(AccessDenied, match="désactivé"):
        world.store.suggestions(world.counsellor_a)


def test_account_locks_after_repeated_failures(world):
    for _ in range(auth.MAX_FAILED_LOGINS):
        with pytest.raises(AccessDenied, match="incorrect"):
            auth.authenticate(world.store, "cons-b", "not the password")
    with pytest.raises(AccessDenied, match="temporairement bloqué"):
        auth.authenticate(world.store, "cons-b", PASSWORD)
    auth.set_password(world.store, world.coordinator, "cons-b", PASSWORD)  # unlocks
    assert auth.authenticate(world.store, "cons-b", PASSWORD).login == "cons-b"


def test_demo_accounts_and_rehash_at_first_login(store, monkeypatch):
    monkeypatch.setattr(auth, "SCRYPT_N", 2**13)  # above the demo's light hash, still quick
    accounts = demo_accounts()
    assert len(accounts) == 8 and accounts["ei-artois-proprete"] == "EI Artois Propreté"
    created = auth.ensure_demo_users(store, accounts)
    assert len(created) == 9 and auth.ensure_demo_users(store, accounts) == []
    light = store.user_record("coordination")["password_hash"]
    assert auth.needs_rehash(light)
    user = auth.authenticate(store, "coordination", auth.DEMO_PASSWORD)
    assert user.role == Role.COORDINATOR
    assert not auth.needs_rehash(store.user_record("coordination")["password_hash"])
    counsellor = auth.authenticate(store, "geiq-btp-artois", auth.DEMO_PASSWORD)
    assert counsellor.structure == "GEIQ BTP Artois"


def test_external_identity_seam(store):
    auth.add_user(store, auth.SYSTEM, "marie", "counsellor", structure=STRUCTURE_A,
                  external_subject="oidc|1234")  # fmt: skip
    assert auth.user_for_external_identity(store, "oidc|1234").structure == STRUCTURE_A
    with pytest.raises(AccessDenied, match="aucun compte actif"):
        auth.user_for_external_identity(store, "oidc|9999")
    with pytest.raises(AccessDenied):  # no password: no local login
        auth.authenticate(store, "marie", "")


# -- command line -------------------------------------------------------------------------------
def _run(capsys, monkeypatch, *args, stdin=None):
    if stdin is not None:
        monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    code = main([str(a) for a in args])
    return code, capsys.readouterr()


def test_cli_user_add_list_and_as(tmp_path, capsys, monkeypatch):
    db = tmp_path / "u.sqlite3"
    code, out = _run(capsys, monkeypatch, "user", "add", "coordination", "--role", "coordinator",
                     "--password-stdin", "--db", db, stdin=PASSWORD + "\n")  # fmt: skip
    assert code == 0 and "Compte créé : coordination (coordinateur)" in out.out
    # An unknown structure is refused unless asked for, with the close names suggested.
    code, out = _run(capsys, monkeypatch, "user", "add", "marie", "--role", "counsellor",
                     "--structure", STRUCTURE_A, "--password-stdin", "--db", db, stdin=PASSWORD)  # fmt: skip
    assert code == 2 and "--new-structure" in out.err
    code, out = _run(capsys, monkeypatch, "user", "add", "marie", "--role", "counsellor",
                     "--structure", STRUCTURE_A, "--new-structure", "--password-stdin", "--db", db,
                     stdin=PASSWORD)  # fmt: skip
    assert code == 0 and f"Structure « {STRUCTURE_A} » créée" in out.out
    code, out = _run(capsys, monkeypatch, "user", "add", "paul", "--role", "counsellor",
                     "--structure", "EI Artois Proprete", "--password-stdin", "--db", db,
                     stdin=PASSWORD)  # fmt: skip
    assert code == 2 and f"vouliez-vous dire « {STRUCTURE_A} »" in out.err
    code, out = _run(capsys, monkeypatch, "user", "list", "--as", "coordination", "--db", db)
    assert code == 0 and '"login": "marie"' in out.out and "scrypt" not in out.out
    code, out = _run(capsys, monkeypatch, "user", "list", "--as", "marie", "--db", db)
    assert code == 2 and "réservée au coordinateur (liste des comptes)" in out.err
    code, out = _run(capsys, monkeypatch, "list", "suggestions", "--as", "inconnu", "--db", db)
    assert code == 2 and "utilisateur « inconnu » inconnu ou désactivé" in out.err
    # Without a terminal and without --password-stdin: a clear message, no hang.
    code, out = _run(capsys, monkeypatch, "user", "add", "zoe", "--role", "coordinator",
                     "--db", db, stdin="")  # fmt: skip
    assert code == 2 and "--password-stdin" in out.err
    code, out = _run(capsys, monkeypatch, "user", "disable", "marie", "--as", "coordination",
                     "--db", db)  # fmt: skip
    assert code == 0
    code, out = _run(capsys, monkeypatch, "list", "offers", "--as", "marie", "--db", db)
    assert code == 2 and "désactivé" in out.err
