"""Who sees what, enforced in the data layer: for each role and each read function, command and
export, a counsellor gets 0 rows of another structure (and the coordinator does get them, so
that each check could fail)."""

import json

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from app_pages._state import MATCH_VIEW, SELECTED_OFFER, USER
from matcher import fields as F
from matcher.cli import main
from matcher.errors import AccessDenied
from matcher.export import shortlists as export
from matcher.fields import Role
from matcher.intake.report import ImportReport
from matcher.store.scope import COORDINATOR_HIDDEN_PROFILE_FIELDS
from matcher.workflow import auth, review
from matcher.workflow.service import shortlist_rows

from .conftest import ROOT
from .review_world import (
    STRUCTURE_A,
    STRUCTURE_B,
    build_world,
    offers_frame,
    profiles_frame,
    suggestions_frame,
)

pytestmark = pytest.mark.both_backends  # the store fixtures on SQLite and PostgreSQL

# Profile references that exist only in structure B ("P1" exists in both on purpose).
B_ONLY = ("B1", "B2")


@pytest.fixture
def busy(db_target, monkeypatch):
    """Both structures have decisions, pool entries, imports; an offer only B's people were
    suggested for has been closed. On each backend."""
    monkeypatch.setenv("MATCHER_DB", db_target)
    from matcher.store.database import Store

    w = build_world(Store(db_target))
    s = w.store
    review.decide(s, w.counsellor_a, "BUS-001", "A1", "retained")
    review.decide(s, w.counsellor_a, "BUS-002", "P1", "rejected", "skills", "Manque le CACES")
    review.decide(s, w.counsellor_b, "BUS-001", "B1", "interview")
    review.decide(s, w.counsellor_b, "BUS-002", "P1", "rejected", "mobility", "Trop loin")
    review.keep_in_pool(s, w.counsellor_a, "A2", "K22")
    review.keep_in_pool(s, w.counsellor_b, "B2", "K2204")
    s.save_profiles(profiles_frame(STRUCTURE_B, ["B2"]), ImportReport(kind="profiles",
                                                                     source="b.xlsx"),
                    w.counsellor_b)  # fmt: skip
    s.save_offers(offers_frame(["BUS-009"]), ImportReport(kind="offers", source="o9.xlsx"))
    s.save_suggestions(suggestions_frame([("BUS-009", STRUCTURE_B, "B1")]), {})
    s.set_offer_status(w.coordinator, "BUS-009", "closed")
    return w


def _structures_frame(store, user):
    return pd.DataFrame({F.STRUCTURE: store.structures(user)})


def _workbook_rows(data: bytes, store) -> pd.DataFrame:
    """Every data row of an exported workbook, identified by its hidden signed key."""
    return export.read_shortlist(data, "liste.xlsx", store.secret()).decisions


def _shortlist(kind):
    def read(store, user):
        rows = shortlist_rows(store, user)
        if kind == "firm":
            data = export.firm_workbook(rows, store.secret())
        elif kind == "structure":
            data = export.structure_workbook(rows, store.secret())
        else:
            offers = store.offers(user, status=None)
            data = export.coordinator_workbook(rows, offers, store.secret())
        return _workbook_rows(data, store)

    return read


READS = {
    "profiles": lambda s, u: s.profiles(u),
    "suggestions": lambda s, u: s.suggestions(u),
    "suggestions of an offer": lambda s, u: s.suggestions(u, offer_ref="BUS-001"),
    "suggestions of a reference": lambda s, u: s.suggestions(u, profile_ref="P1"),
    "decided suggestions": lambda s, u: s.suggestions(u, status=["interview", "rejected"]),
    "decisions": lambda s, u: s.decisions(u),
    "decisions of an offer": lambda s, u: s.decisions(u, offer_ref="BUS-002"),
    "audit": lambda s, u: s.audit(u),
    "pool": lambda s, u: s.pool(u),
    "statistics": lambda s, u: s.statistics(u),
    "imports": lambda s, u: s.imports(u).query("kind == 'profiles'"),
    "structures": _structures_frame,
    "firm workbook": _shortlist("firm"),
    "structure workbook": _shortlist("structure"),
    "coordinator workbook": _shortlist("coordinator"),
}


@pytest.mark.parametrize("read", list(READS))
def test_counsellor_sees_no_row_of_another_structure(busy, read):
    fn = READS[read]
    mine = fn(busy.store, busy.counsellor_a)
    everything = fn(busy.store, busy.coordinator)
    assert len(mine) > 0, "the counsellor sees their own rows"
    assert (mine[F.STRUCTURE] == STRUCTURE_B).sum() == 0
    assert set(mine[F.STRUCTURE].dropna()) == {STRUCTURE_A}
    assert (everything[F.STRUCTURE] == STRUCTURE_B).sum() > 0  # the check could fail
    text = mine.to_json(force_ascii=False)
    for ref in B_ONLY:
        assert f'"{ref}"' not in text and f"/ {ref}" not in text
    assert "Trop loin" not in text  # B's comment


def test_counsellor_sees_open_offers_and_only_their_closed_ones(busy):
    a = busy.store.offers(busy.counsellor_a, status=None)[F.OFFER_REF].tolist()
    b = busy.store.offers(busy.counsellor_b, status=None)[F.OFFER_REF].tolist()
    coord = busy.store.offers(busy.coordinator, status=None)[F.OFFER_REF].tolist()
    assert a == ["BUS-001", "BUS-002", "BUS-003"]  # all open offers
    assert b == coord == ["BUS-001", "BUS-002", "BUS-003", "BUS-009"]
    assert busy.store.counts(busy.counsellor_a) == {
        "offers": 3, "profiles": 3, "structures": 1, "suggestions": 9, "imports": 3}  # fmt: skip


def test_coordinator_sees_profiles_in_pseudonymous_form(busy):
    coord = busy.store.profiles(busy.coordinator)
    counsellor = busy.store.profiles(busy.counsellor_a)
    for hidden in COORDINATOR_HIDDEN_PROFILE_FIELDS:
        assert hidden not in coord.columns
        assert hidden in counsellor.columns
    assert "Beuvry" not in coord.to_json(force_ascii=False)
    assert set(counsellor[F.COMMUNE]) == {"Beuvry"}
    assert len(coord) == 6


@pytest.mark.parametrize(
    "call",
    [
        lambda s, u: s.profiles(u, structure=STRUCTURE_B),
        lambda s, u: s.suggestions(u, structure=STRUCTURE_B),
        lambda s, u: s.decisions(u, structure=STRUCTURE_B),
        lambda s, u: s.pool(u, structure=STRUCTURE_B),
        lambda s, u: s.users(u),
        lambda s, u: s.purge(u, pd.Timestamp("2020-01-01", tz="UTC").to_pydatetime()),
        lambda s, u: s.set_offer_status(u, "BUS-001", "closed"),
        lambda s, u: s.save_offers(offers_frame(["X"]), ImportReport(kind="offers", source="x"), u),
        lambda s, u: s.save_profiles(profiles_frame(STRUCTURE_B, ["Z"]),
                                     ImportReport(kind="profiles", source="z.csv"), u),
        lambda s, u: s.pool_add(u, "B1", "K22", structure=STRUCTURE_B),
    ],
)  # fmt: skip
def test_asking_for_another_structure_or_a_coordinator_action_is_refused(busy, call):
    before = busy.store.counts()
    with pytest.raises(AccessDenied) as err:
        call(busy.store, busy.counsellor_a)
    message = str(err.value)
    assert "réservée au coordinateur" in message or "structure" in message
    assert busy.store.counts() == before


def test_counsellor_cannot_decide_for_another_structure(busy):
    with pytest.raises(review.DecisionRefused, match="autre structure"):
        review.decide(busy.store, busy.counsellor_a, "BUS-003", "B1", "retained")
    with pytest.raises(review.DecisionRefused, match="autre structure"):
        review.decide(busy.store, busy.counsellor_a, "BUS-003", "B1", "retained",
                      structure=STRUCTURE_B)  # fmt: skip
    b1 = busy.store.suggestions(busy.coordinator, offer_ref="BUS-003", structure=STRUCTURE_B)
    assert set(b1[F.STATUS]) == {"suggested"}


def test_rights_come_from_the_database_not_from_the_caller(busy):
    """A forged or stale User object gets the rights the database gives its login."""
    forged = auth.User("cons-a", Role.COORDINATOR)
    assert set(busy.store.suggestions(forged)[F.STRUCTURE]) == {STRUCTURE_A}
    with pytest.raises(AccessDenied):
        busy.store.users(forged)
    with pytest.raises(AccessDenied, match="inconnu ou désactivé"):
        busy.store.suggestions(auth.User("intrus", Role.COORDINATOR))
    with pytest.raises(TypeError):
        busy.store.suggestions("cons-a")  # a bare login is not an acting user


# -- command line ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    "what", ["profiles", "suggestions", "decisions", "audit", "pool", "imports", "stats"]
)
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_cli_list_as_counsellor(busy, capsys, what, fmt):
    assert main(["list", what, "--as", "cons-a", "--format", fmt]) == 0
    out = capsys.readouterr().out
    assert STRUCTURE_A in out and STRUCTURE_B not in out
    for ref in B_ONLY:
        assert f'"{ref}"' not in out and f",{ref}," not in out
    assert main(["list", what, "--as", "coord", "--format", fmt]) == 0
    assert STRUCTURE_B in capsys.readouterr().out


def test_cli_list_suggestions_shows_decisions_in_french(busy, capsys):
    assert main(["list", "suggestions", "--as", "cons-a", "--status", "Non retenu"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert len(rows) == 1
    assert rows[0][F.STATUS_LABEL] == "Non retenu" and rows[0][F.REASON_LABEL] == "compétences"
    assert rows[0][F.NOTICE].startswith("Non retenu le ")


@pytest.mark.parametrize("suffix", [".xlsx", ".csv"])
def test_cli_export_as_counsellor(busy, tmp_path, capsys, suffix):
    out = tmp_path / f"liste{suffix}"
    assert main(["export", "--out", str(out), "--as", "cons-a"]) == 0
    if suffix == ".xlsx":
        frame = _workbook_rows(out.read_bytes(), busy.store)
    else:
        frame = pd.read_csv(out, sep=";", encoding="utf-8-sig").rename(
            columns={"Structure": F.STRUCTURE}
        )
    assert len(frame) == 9 and set(frame[F.STRUCTURE]) == {STRUCTURE_A}
    capsys.readouterr()
    code = main(["export", "--out", str(out), "--structure", STRUCTURE_B, "--as", "cons-a"])
    err = capsys.readouterr().err
    assert code == 2 and f"pas d'accès aux données de la structure « {STRUCTURE_B} »" in err
    code = main(["export", "--out", str(out), "--offer", "BUS-009", "--as", "cons-a"])
    assert (
        code == 2 and "aucune suggestion à exporter visible par cons-a" in capsys.readouterr().err
    )


def test_cli_decide_as(busy, capsys):
    assert main(["decide", "BUS-003", "A1", "--status", "retained", "--as", "cons-a"]) == 0
    assert "« Suggéré » → « Retenu par le conseiller »" in capsys.readouterr().out
    code = main(["decide", "BUS-003", "B1", "--status", "retained", "--as", "cons-a"])
    err = capsys.readouterr().err
    assert code == 2 and "profil d'une autre structure" in err and "Traceback" not in err
    code = main(["decide", "BUS-003", "A2", "--status", "retained", "--reason", "skills",
                 "--as", "cons-a"])  # fmt: skip
    assert code == 2 and "le motif ne s'applique qu'à « Non retenu »" in capsys.readouterr().err


# -- dashboard ------------------------------------------------------------------------------
def _page(name: str, user: auth.User) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app_pages" / name), default_timeout=30)
    at.session_state[USER] = user
    return at


def test_dashboard_pages_show_a_counsellor_only_their_people(busy):
    at = _page("offres.py", busy.counsellor_a).run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table["suggestions"].tolist() == [3, 3, 3]
    for offer in ("BUS-001", "BUS-002", "BUS-003"):
        at = _page("correspondances.py", busy.counsellor_a)
        at.session_state[MATCH_VIEW] = "offre"
        at.session_state[SELECTED_OFFER] = offer
        at.run()
        assert not at.exception
        cards = " ".join(m.value for m in at.markdown if m.value.startswith("**n°"))
        shown = " ".join(c.value for c in [*at.caption, *at.markdown])
        assert "A1" in cards and not any(ref in cards for ref in B_ONLY)
        assert STRUCTURE_B not in shown
