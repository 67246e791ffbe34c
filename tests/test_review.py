"""Review workflow: transitions, decisions and their report, decisions surviving re-import and
re-matching, the spreadsheet round trip, and the pool."""

import datetime as dt
import io

import openpyxl
import pandas as pd
import pytest

from matcher import fields as F
from matcher.errors import UserError
from matcher.export import shortlists as export
from matcher.fields import Status
from matcher.intake.report import ImportReport
from matcher.settings import RankingSettings, Settings
from matcher.workflow import auth, review
from matcher.workflow.service import import_decisions, run_matching, shortlist_rows

from .review_world import STRUCTURE_A, STRUCTURE_B, offers_frame, profiles_frame, suggestions_frame

pytestmark = pytest.mark.both_backends  # the store fixtures on SQLite and PostgreSQL

SYSTEM = auth.SYSTEM
S = Status


# -- statuses ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "current, new, ok",
    [
        (S.SUGGESTED, S.RETAINED, True),
        (S.SUGGESTED, S.INTERVIEW, True),  # a firm may answer "Entretien" straight away
        (S.SUGGESTED, S.REJECTED, True),
        (S.SUGGESTED, S.DROPPED, True),
        (S.RETAINED, S.PROPOSED, True),
        (S.PROPOSED, S.HIRED, True),
        (S.INTERVIEW, S.REJECTED, True),
        (S.REJECTED, S.RETAINED, True),  # reconsidered
        (S.DROPPED, S.RETAINED, True),
        (S.REJECTED, S.REJECTED, True),  # a correction of the reason
        (S.PROPOSED, S.RETAINED, False),  # no going back along the chain
        (S.INTERVIEW, S.SUGGESTED, False),
        (S.HIRED, S.REJECTED, False),  # final
        (S.HIRED, S.DROPPED, False),
        (S.REJECTED, S.HIRED, False),  # reopen first
        (S.SUGGESTED, S.SUGGESTED, False),
    ],
)
def test_transitions(current, new, ok):
    assert review.allowed(current, new) is ok


@pytest.mark.parametrize(
    "text, status",
    [("Retenu par le conseiller", S.RETAINED), ("retenu", S.RETAINED), ("ENTRETIEN", S.INTERVIEW),
     ("Proposé à l'employeur", S.PROPOSED), ("proposé a l’employeur", S.PROPOSED),
     ("Non retenu", S.REJECTED), ("rejected", S.REJECTED), ("Embauchée", S.HIRED),
     (" Sans suite ", S.DROPPED)],
)  # fmt: skip
def test_parse_status_reads_labels_and_values(text, status):
    assert review.parse_status(text) == status


def test_parse_status_and_reason_refuse_in_french():
    with pytest.raises(UserError, match=r"décision « Peut-être » inconnue.*« Entretien »"):
        review.parse_status("Peut-être")
    assert review.parse_reason("Refus de la personne") == F.RejectReason.PERSON_REFUSED
    assert review.parse_reason("mobilite") == F.RejectReason.MOBILITY
    with pytest.raises(UserError, match="motif « trop loin » inconnu"):
        review.parse_reason("trop loin")


# -- single decisions --------------------------------------------------------------------------
def test_decide_records_review_current_status_and_audit(world):
    store, user = world.store, world.counsellor_a
    out = review.decide(store, user, "BUS-001", "A1", "Retenu par le conseiller")
    assert out.result == review.APPLIED and out.previous == "suggested"
    out = review.decide(store, user, "BUS-001", "A1", "rejected", "Contrat ou horaires",
                        "Horaires de nuit impossibles, joignable au 06 12 34 56 78")  # fmt: skip
    row = store.suggestions(user, offer_ref="BUS-001", profile_ref="A1").iloc[0]
    assert row[F.STATUS] == "rejected" and row[F.REASON] == "contract"
    assert row[F.STATUS_BY] == "cons-a" and row[F.STATUS_AT]
    assert "06 12" not in row[F.COMMENT] and "[téléphone masqué]" in row[F.COMMENT]
    history = store.decisions(user)
    assert history["previous_status"].tolist() == ["suggested", "retained"]
    assert history[F.STATUS].tolist() == ["retained", "rejected"]
    audit = store.audit(user, action="decision")
    assert audit["actor"].tolist() == ["cons-a", "cons-a"]
    assert audit.iloc[1]["before"]["status"] == "retained"
    assert audit.iloc[1]["after"]["status"] == "rejected"
    assert audit.iloc[1]["entity_key"] == f"BUS-001 / {STRUCTURE_A} / A1"
    # The same decision again changes nothing and writes nothing.
    again = review.decide(store, user, "BUS-001", "A1", "Non retenu", "contrat ou horaires")
    assert again.result == review.UNCHANGED
    assert len(store.decisions(user)) == 2


@pytest.mark.parametrize(
    "args, code, message",
    [
        (("BUS-001", "A1", "hired"), None, None),
        (("BUS-001", "A1", "rejected"), review.INVALID, "motif obligatoire"),
        (("BUS-001", "ZZ", "retained"), review.UNKNOWN_PAIR, "aucune suggestion"),
        (("BUS-404", "A1", "retained"), review.UNKNOWN_PAIR, "aucune suggestion"),
        (("BUS-001", "B1", "retained"), review.OTHER_STRUCTURE, "autre structure"),
        (("BUS-001", "A1", "bientôt"), review.INVALID, "inconnue"),
    ],
)
def test_decide_refusals(world, args, code, message):
    if code is None:  # hired is allowed from suggested; then nothing else is
        review.decide(world.store, world.counsellor_a, *args)
        with pytest.raises(review.DecisionRefused, match=r"non autorisé.*statut final") as err:
            review.decide(world.store, world.counsellor_a, "BUS-001", "A1", "dropped")
        assert err.value.outcome.code == review.TRANSITION
        return
    with pytest.raises(review.DecisionRefused, match=message) as err:
        review.decide(world.store, world.counsellor_a, *args)
    assert err.value.outcome.code == code
    assert world.store.decisions(SYSTEM).empty


def test_shared_reference_is_ambiguous_for_the_coordinator_only(world):
    # "P1" exists in both structures: each counsellor designates their own...
    review.decide(world.store, world.counsellor_a, "BUS-001", "P1", "retained")
    review.decide(world.store, world.counsellor_b, "BUS-001", "P1", "dropped")
    rows = world.store.suggestions(SYSTEM, offer_ref="BUS-001", profile_ref="P1")
    assert dict(zip(rows[F.STRUCTURE], rows[F.STATUS], strict=True)) == {
        STRUCTURE_A: "retained", STRUCTURE_B: "dropped"}  # fmt: skip
    # ...the coordinator must say which one.
    with pytest.raises(review.DecisionRefused, match="plusieurs structures"):
        review.decide(world.store, world.coordinator, "BUS-001", "P1", "proposed")
    review.decide(world.store, world.coordinator, "BUS-001", "P1", "proposed",
                  structure=STRUCTURE_A)  # fmt: skip
    rows = world.store.suggestions(SYSTEM, offer_ref="BUS-001", profile_ref="P1")
    assert sorted(rows[F.STATUS]) == ["dropped", "proposed"]


def test_base_review_id_detects_a_decision_taken_meanwhile(world):
    store = world.store
    shown = store.suggestions(world.counsellor_a, offer_ref="BUS-001", profile_ref="A1")
    base = int(shown.iloc[0][F.REVIEW_ID])
    review.decide(store, world.coordinator, "BUS-001", "A1", "proposed", structure=STRUCTURE_A)
    with pytest.raises(review.DecisionRefused, match="par coord") as err:
        review.decide(store, world.counsellor_a, "BUS-001", "A1", "dropped", base_review_id=base)
    assert err.value.outcome.code == review.CONFLICT


# -- decisions survive everything --------------------------------------------------------------
def _decide_many(world):
    """A decision of every kind on some pairs of both structures."""
    a, b = world.counsellor_a, world.counsellor_b
    review.decide(world.store, a, "BUS-001", "A1", "retained")
    review.decide(world.store, a, "BUS-001", "A2", "interview")
    review.decide(world.store, a, "BUS-002", "A1", "rejected", "mobility", "Pas de voiture")
    review.decide(world.store, b, "BUS-001", "B1", "hired")
    review.decide(world.store, b, "BUS-003", "B2", "dropped")
    review.decide(world.store, b, "BUS-002", "P1", "proposed")
    return world.store.suggestions(SYSTEM).query("review_id > 0")


KEEP = [F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF, F.STATUS, F.STATUS_AT, F.STATUS_BY, F.REASON,
        F.COMMENT, F.REVIEW_ID]  # fmt: skip


def _decided(store):
    return (store.suggestions(SYSTEM).query("review_id > 0")[KEEP]
            .sort_values([F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF]).reset_index(drop=True))  # fmt: skip


def test_reimport_and_rematch_keep_every_decision(world):
    store = world.store
    _decide_many(world)
    before = _decided(store)
    n_reviews = len(store.decisions(SYSTEM))
    # Same files again, a changed offer, profiles changed, then a new matching run that
    # suggests other pairs, twice.
    store.save_offers(offers_frame(world.offers), ImportReport(kind="offers", source="o.xlsx"))
    store.save_offers(offers_frame(["BUS-002"], title="Agent de propreté H/F"),
                      ImportReport(kind="offers", source="o2.xlsx"))  # fmt: skip
    for structure, refs in world.profiles.items():
        changed = profiles_frame(structure, refs).assign(**{F.SKILLS: "autolaveuse"})
        store.save_profiles(changed, ImportReport(kind="profiles", source="p.xlsx"))
    for _ in range(2):
        other = suggestions_frame([(o, STRUCTURE_A, "P1") for o in world.offers], 0.95)
        store.save_suggestions(other, {}, ranked_offers=world.offers)
    after = _decided(store)
    pd.testing.assert_frame_equal(after, before)
    assert len(store.decisions(SYSTEM)) == n_reviews
    # Never duplicated: one row per pair.
    all_rows = store.suggestions(SYSTEM)
    assert not all_rows.duplicated([F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF]).any()
    # The pair refused before shows as refused, with the date and the reason, and says that its
    # offer changed since the decision.
    shown = review.annotate(store.suggestions(world.counsellor_a, offer_ref="BUS-002",
                                              profile_ref="A1")).iloc[0]  # fmt: skip
    assert shown[F.STATUS_LABEL] == "Non retenu" and shown[F.REASON_LABEL] == "mobilité"
    date = review.fr_datetime(shown[F.STATUS_AT])[:10]
    assert f"Non retenu le {date}" in shown[F.NOTICE] and "(mobilité)" in shown[F.NOTICE]
    assert shown[F.OFFER_CHANGED] and "Offre modifiée depuis la décision" in shown[F.NOTICE]
    unchanged_offer = store.suggestions(SYSTEM, offer_ref="BUS-001", profile_ref="A1")
    assert not unchanged_offer.iloc[0][F.OFFER_CHANGED]


def test_closed_offer_is_said_on_its_suggestions(world):
    store = world.store
    review.decide(store, world.counsellor_a, "BUS-003", "A1", "retained")
    with pytest.raises(UserError, match="réservé"):
        store.set_offer_status(world.counsellor_a, "BUS-003", "closed")
    assert store.set_offer_status(world.coordinator, "BUS-003", "closed")
    assert not store.set_offer_status(world.coordinator, "BUS-003", "closed")
    assert "BUS-003" not in store.offers(world.coordinator)[F.OFFER_REF].tolist()
    # The counsellor still sees the closed offer their person was suggested for.
    closed = store.offers(world.counsellor_a, status="closed")
    assert closed[F.OFFER_REF].tolist() == ["BUS-003"]
    shown = review.annotate(store.suggestions(world.counsellor_a, offer_ref="BUS-003"))
    assert (shown[F.NOTICE].str.startswith("Offre clôturée")).all()
    out = review.decide(store, world.counsellor_a, "BUS-003", "A1", "proposed")
    assert "offre clôturée" in out.message
    assert store.audit(SYSTEM, action="offer_status").iloc[0]["after"] == {"status": "closed"}


def _ranked_world(store):
    offers = pd.DataFrame({
        F.OFFER_REF: ["BUS-001", "BUS-002"], F.EMPLOYER: ["Propreté Artois", "Logistique B"],
        F.TITLE: ["Agent(e) de propreté H/F", "Cariste H/F"], F.COMMUNE: ["Béthune", "Lillers"],
        F.SKILLS: ["autolaveuse; nettoyage des sols", "CACES R489 cat 3"],
    })  # fmt: skip
    profiles = pd.DataFrame({
        F.PROFILE_REF: ["EI-01", "EI-02", "EI-03"], F.STRUCTURE: [STRUCTURE_A] * 3,
        F.TARGET_JOBS: ["agent d'entretien", "cariste", "agent d'entretien"],
        F.COMMUNE: ["Beuvry", "Lillers", "Béthune"],
        F.SKILLS: ["autolaveuse, nettoyage des sols", "CACES R489 cat 3", "nettoyage"],
    })  # fmt: skip
    store.save_offers(offers, ImportReport(kind="offers", source="o.xlsx"))
    store.save_profiles(profiles, ImportReport(kind="profiles", source="p.csv"))
    return offers, profiles


def test_real_matching_rerun_keeps_decisions(store):
    _ranked_world(store)
    run_matching(store)
    first = store.suggestions(SYSTEM)
    pairs = list(zip(first[F.OFFER_REF], first[F.PROFILE_REF], strict=True))
    statuses = ["retained", "interview", "dropped", "hired", "proposed"]
    for (o, p), st in zip(pairs, statuses, strict=False):
        review.decide(store, SYSTEM, o, p, st)
    before = _decided(store)
    assert len(before) == min(len(pairs), len(statuses)) >= 3
    run_matching(store)
    run_matching(store, Settings(ranking=RankingSettings(top_k=1)))
    pd.testing.assert_frame_equal(_decided(store), before)


# -- batches and the spreadsheet round trip ----------------------------------------------------
def test_apply_decisions_reports_each_outcome(world):
    store = world.store
    review.decide(store, world.counsellor_a, "BUS-002", "A2", "hired")
    frame = pd.DataFrame(
        [
            ("BUS-001", "A1", STRUCTURE_A, "Retenu par le conseiller", None, 2),
            ("BUS-001", "A2", STRUCTURE_A, "Suggéré", None, 3),
            ("BUS-001", "B1", STRUCTURE_B, "Entretien", None, 4),
            ("BUS-001", "ZZ", STRUCTURE_A, "Entretien", None, 5),
            ("BUS-002", "A2", STRUCTURE_A, "Proposé à l'employeur", None, 6),
            ("BUS-002", "A1", STRUCTURE_A, "Non retenu", "compétences", 7),
            ("BUS-003", "A1", STRUCTURE_A, "Peut-être", None, 8),
            ("BUS-003", "P1", None, "Entretien", None, 9),
        ],
        columns=[F.OFFER_REF, F.PROFILE_REF, F.STRUCTURE, F.STATUS, F.REASON, review.ROW],
    )
    report = review.apply_decisions(store, world.counsellor_a, frame, source="liste.xlsx")
    got = report.to_frame().set_index(review.ROW)
    assert got["result"].to_dict() == {2: "applied", 3: "unchanged", 4: "refused",
                                       5: "refused", 6: "refused", 7: "applied",
                                       8: "refused", 9: "applied"}  # fmt: skip
    assert got["refusal"].dropna().to_dict() == {4: review.OTHER_STRUCTURE,
                                                 5: review.UNKNOWN_PAIR, 6: review.TRANSITION,
                                                 8: review.INVALID}  # fmt: skip
    assert report.counts() == {"applied": 3, "unchanged": 1, "refused": 4}
    lines = report.summary_lines()
    assert lines[0] == ("liste.xlsx : 8 ligne(s) lue(s), 3 décision(s) appliquée(s), "
                        "1 inchangée(s), 4 refusée(s).")  # fmt: skip
    assert any(line.startswith("ligne 6 : BUS-002 / A2 : refusée (changement de statut non "
                               "autorisé) – de « Embauché » à « Proposé") for line in lines)  # fmt: skip
    # P1 without a structure: for counsellor A it can only be their own.
    p1 = store.suggestions(SYSTEM, offer_ref="BUS-003", profile_ref="P1")
    assert dict(zip(p1[F.STRUCTURE], p1[F.STATUS], strict=True)) == {
        STRUCTURE_A: "interview", STRUCTURE_B: "suggested"}  # fmt: skip


def _export(store, user, **kw) -> bytes:
    return export.structure_workbook(shortlist_rows(store, user, **kw), store.secret())


def _fill(data: bytes, decisions: dict[tuple[str, str], str], created=None) -> bytes:
    """Set the "Décision" cell of some rows, as a firm or a counsellor would."""
    wb = openpyxl.load_workbook(io.BytesIO(data))
    ws = wb.worksheets[-1]  # "Suggestions" for a structure, "Candidats" for a firm
    header = [c.value for c in ws[1]]
    io_, ip, idec = (header.index(h) for h in ("Réf. offre", "Réf. candidat", "Décision"))
    for row in ws.iter_rows(min_row=2):
        key = (row[io_].value, row[ip].value)
        if key in decisions:
            row[idec].value = decisions[key]
    if created is not None:
        wb.properties.created = created
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def test_round_trip_with_the_exported_shortlist(world):
    store, user = world.store, world.counsellor_a
    review.decide(store, user, "BUS-001", "A2", "retained")
    data = _export(store, user, offer_ref="BUS-001")
    frame = export.read_shortlist(data, "liste.xlsx", store.secret()).decisions
    assert frame[review.ROW].tolist() == [2, 3, 4]
    assert set(frame[F.STRUCTURE]) == {STRUCTURE_A}  # from the signed keys
    assert frame[review.EXPORTED_AT].notna().all()
    assert frame.set_index(F.PROFILE_REF)[review.BASE_STATUS].to_dict() == {
        "A1": "suggested", "A2": "retained", "P1": "suggested"}  # fmt: skip
    filled = _fill(data, {("BUS-001", "A1"): "Entretien", ("BUS-001", "A2"): "Embauché"})
    report = import_decisions(store, user, filled, "liste_remplie.xlsx")
    assert report.counts() == {"applied": 2, "unchanged": 1, "refused": 0}
    rows = store.suggestions(user, offer_ref="BUS-001").set_index(F.PROFILE_REF)[F.STATUS]
    assert rows.to_dict() == {"A1": "interview", "A2": "hired", "P1": "suggested"}
    assert set(store.decisions(user)[F.SOURCE]) == {"ligne de commande", "liste_remplie.xlsx"}
    # Importing the same file again changes nothing.
    again = import_decisions(store, user, filled, "liste_remplie.xlsx")
    assert again.counts() == {"applied": 0, "unchanged": 3, "refused": 0}


def test_round_trip_conflict_with_a_newer_decision(world):
    store, user = world.store, world.counsellor_a
    data = _export(store, user, offer_ref="BUS-001")
    review.decide(store, world.coordinator, "BUS-001", "A1", "proposed", structure=STRUCTURE_A)
    # The file was produced before that decision (its creation time says so).
    past = dt.datetime.now(dt.UTC).replace(tzinfo=None) - dt.timedelta(hours=2)
    filled = _fill(data, {("BUS-001", "A1"): "Sans suite", ("BUS-001", "A2"): "Retenu"},
                   created=past)  # fmt: skip
    report = import_decisions(store, user, filled, "liste.xlsx")
    by_ref = {o.decision.profile_ref: o for o in report.outcomes}
    assert by_ref["A1"].code == review.CONFLICT
    assert "« Proposé à l'employeur » enregistré le" in by_ref["A1"].message
    assert "par coord" in by_ref["A1"].message
    assert by_ref["A2"].result == review.APPLIED
    assert store.suggestions(user, offer_ref="BUS-001", profile_ref="A1")[F.STATUS].iloc[0] == (
        "proposed"
    )


def test_counsellor_cannot_apply_another_structures_rows_from_a_file(world):
    data = _export(world.store, world.coordinator, offer_ref="BUS-001")
    filled = _fill(data, {("BUS-001", "A1"): "Retenu", ("BUS-001", "B1"): "Retenu"})
    report = import_decisions(world.store, world.counsellor_b, filled, "liste.xlsx")
    by_ref = {(o.decision.structure, o.decision.profile_ref): o for o in report.outcomes}
    assert by_ref[(STRUCTURE_A, "A1")].code == review.OTHER_STRUCTURE
    assert by_ref[(STRUCTURE_B, "B1")].result == review.APPLIED
    assert (
        world.store.suggestions(SYSTEM, structure=STRUCTURE_A).query("status != 'suggested'").empty
    )


def test_read_decisions_from_csv_and_french_errors(world):
    csv = ("\ufeffRéf. offre;Réf. candidat (pseudonyme);Structure d'accompagnement;Décision;Motif\n"
           f"BUS-001;A1;{STRUCTURE_A};Non retenu;disponibilité\n;;;;\n"
           f"BUS-002;A1;{STRUCTURE_A};Retenu par le conseiller;\n").encode()  # fmt: skip
    frame = review.read_decisions_file(csv, "retour.csv")
    assert frame[review.ROW].tolist() == [2, 4]
    report = review.apply_decisions(world.store, world.counsellor_a, frame, source="retour.csv")
    assert report.counts()["applied"] == 2
    row = world.store.suggestions(SYSTEM, offer_ref="BUS-001", profile_ref="A1",
                                  structure=STRUCTURE_A).iloc[0]  # fmt: skip
    assert (row[F.STATUS], row[F.REASON]) == ("rejected", "availability")
    with pytest.raises(UserError, match=r"retour.csv : colonnes introuvables.*« Décision »"):
        review.read_decisions_file(b"Offre;Nom\nA;B\n", "retour.csv")
    wb = openpyxl.Workbook()
    wb.active.title = "Feuil1"
    wb.active.append(["Réf. offre", "Décision"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(UserError, match=r"x.xlsx, feuille « Feuil1 » : colonnes introuvables"):
        review.read_decisions_file(buf.getvalue(), "x.xlsx")
    with pytest.raises(UserError, match="pas un classeur Excel"):
        review.read_decisions_file(b"not a zip", "x.xlsx")
    # Neither UTF-8 nor Windows-1252 (0x81 and 0x8D are undefined there): a French message,
    # not a crash on an unbound variable.
    with pytest.raises(UserError, match=r"retour.csv : texte illisible.*CSV UTF-8"):
        review.read_decisions_file(b"R\xe9f. offre;D\x81cision\n\x8d;x\n", "retour.csv")


# -- pool ("vivier") ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "code, offer_codes, hit",
    [("K2204", ["K2204"], True), ("K22", ["K2204"], True), ("K", ["K2204"], True),
     ("K2203", ["K2204"], False), ("N11", ["K2204", "N1103"], True), ("N", [], False)],
)  # fmt: skip
def test_pool_pairs_match_codes_and_prefixes(code, offer_codes, hit):
    pool = pd.DataFrame({F.POOL_CODE: [code], F.STRUCTURE: ["S"], F.PROFILE_REF: ["P"]})
    offers = pd.DataFrame({F.OFFER_REF: ["O"], F.OCC_CODES: [offer_codes]})
    pairs = review.pool_pairs(pool, offers)
    assert len(pairs) == int(hit)


@pytest.mark.parametrize("code", ["K220", "Z1", "12", "K22044", "cariste"])
def test_pool_code_is_validated(code):
    with pytest.raises(UserError, match="code ROME"):
        review.pool_code(code)


def test_pool_lists_its_people_first_and_matching_adds_them(store):
    _ranked_world(store)
    settings = Settings(ranking=RankingSettings(top_k=1))
    run_matching(store, settings)
    top1 = store.suggestions(SYSTEM, offer_ref="BUS-001")
    assert len(top1) == 1
    best = top1.iloc[0][F.PROFILE_REF]
    other = "EI-03" if best != "EI-03" else "EI-01"
    assert review.keep_in_pool(store, SYSTEM, other, "k22", structure=STRUCTURE_A)
    assert not review.keep_in_pool(store, SYSTEM, other, "K22", structure=STRUCTURE_A)
    run_matching(store, settings)
    rows = store.suggestions(SYSTEM, offer_ref="BUS-001")
    # The pooled person is added beyond the top 1 and listed first; the cariste offer is not
    # of that kind.
    assert rows[F.PROFILE_REF].tolist() == [other, best]
    assert rows[F.IN_POOL].tolist() == [True, False]
    assert rows.iloc[0][F.RANK] == 2 and rows.iloc[0][F.REASONS]
    assert not store.suggestions(SYSTEM, offer_ref="BUS-002")[F.IN_POOL].any()
    assert review.remove_from_pool(store, SYSTEM, other, "K22", structure=STRUCTURE_A)
    assert not store.suggestions(SYSTEM, offer_ref="BUS-001")[F.IN_POOL].any()
    actions = store.audit(SYSTEM)["action"].tolist()
    assert actions.count("pool_add") == 1 and actions.count("pool_remove") == 1


# -- command line ---------------------------------------------------------------------------------
@pytest.fixture
def cli_world(db_target, monkeypatch):
    from matcher.store.database import Store

    from .review_world import build_world

    monkeypatch.setenv("MATCHER_DB", db_target)
    return build_world(Store(db_target))


def _cli(capsys, *args):
    from matcher.cli import main

    code = main([str(a) for a in args])
    out = capsys.readouterr()
    assert "Traceback" not in out.err
    return code, out.out, out.err


def _jsonl(text):
    import json

    return [json.loads(line) for line in text.splitlines()]


def test_cli_decide_then_list_decisions_and_audit(cli_world, capsys):
    code, out, _ = _cli(capsys, "decide", "BUS-001", "A1", "--status", "Non retenu", "--reason",
                        "mobilité", "--comment", "Pas de bus le dimanche", "--as", "cons-a")  # fmt: skip
    assert code == 0 and "« Suggéré » → « Non retenu » (mobilité)" in out
    code, out, err = _cli(capsys, "decide", "BUS-001", "A1", "--status", "hired", "--as", "cons-a")
    assert code == 2 and "de « Non retenu » à « Embauché » : non autorisé" in err
    code, out, _ = _cli(capsys, "list", "decisions", "--as", "cons-a")
    rows = _jsonl(out)
    assert [(r[F.STATUS], r[F.REASON], r["decided_by"]) for r in rows] == [
        ("rejected", "mobility", "cons-a")]  # fmt: skip
    code, out, _ = _cli(capsys, "list", "audit", "--as", "cons-a", "--limit", "1")
    (entry,) = _jsonl(out)
    assert entry["action"] == "decision" and entry["after"]["comment"] == "Pas de bus le dimanche"
    assert entry["before"]["status"] == "suggested"


def test_cli_import_decisions_reports_and_exit_status(cli_world, tmp_path, capsys):
    xlsx = tmp_path / "liste.xlsx"
    assert _cli(capsys, "export", "--out", xlsx, "--offer", "BUS-002", "--include-suggested",
                "--as", "cons-a")[0] == 0  # fmt: skip
    xlsx.write_bytes(_fill(xlsx.read_bytes(), {("BUS-002", "A1"): "Entretien",
                                               ("BUS-002", "A2"): "Non retenu"}))  # fmt: skip
    code, out, _ = _cli(capsys, "import", "decisions", xlsx, "--as", "cons-a")
    assert code == 1  # done, but a row was refused
    assert "3 ligne(s) lue(s), 1 décision(s) appliquée(s), 1 inchangée(s), 1 refusée(s)" in out
    assert "ligne 3 : BUS-002 / A2 : refusée (valeur invalide) – motif obligatoire" in out
    code, out, _ = _cli(capsys, "import", "decisions", xlsx, "--as", "cons-a")
    assert code == 1 and "0 décision(s) appliquée(s), 2 inchangée(s), 1 refusée(s)" in out
    code, _, err = _cli(capsys, "import", "decisions", tmp_path / "absent.xlsx", "--as", "cons-a")
    assert code == 2 and "fichier introuvable" in err


def test_cli_pool_offer_and_purge(cli_world, capsys):
    code, out, _ = _cli(capsys, "pool", "add", "A1", "k2204", "--as", "cons-a")
    assert code == 0 and "A1 ajouté au vivier pour K2204." in out
    code, _, err = _cli(capsys, "pool", "add", "B1", "K22", "--as", "cons-a")
    assert code == 2 and "candidat « B1 » inconnu dans « EI Artois Propreté »" in err
    code, out, _ = _cli(capsys, "list", "pool", "--as", "cons-a")
    assert [r[F.POOL_CODE] for r in _jsonl(out)] == ["K2204"]
    code, _, err = _cli(capsys, "offer", "close", "BUS-001", "--as", "cons-a")
    assert code == 2 and "réservée au coordinateur" in err
    code, out, _ = _cli(capsys, "offer", "close", "BUS-001", "--as", "coord")
    assert code == 0 and "Offre BUS-001 clôturée." in out
    code, _, err = _cli(capsys, "match", "--as", "cons-a")
    assert code == 2 and "réservé au coordinateur" in err
    code, _, err = _cli(capsys, "purge", "--older-than", "deux ans", "--as", "coord")
    assert code == 2 and "durée « deux ans » invalide" in err
    with cli_world.store.write() as conn:
        conn.execute("UPDATE profiles SET last_activity = '2020-01-01T00:00:00+00:00' "
                     "WHERE profile_ref = 'B2'")  # fmt: skip
    code, out, _ = _cli(capsys, "purge", "--older-than", "24m", "--dry-run", "--as", "coord")
    assert (
        code == 0
        and "à supprimer (simulation, rien n'est supprimé) : 1." in out
        and "ACI Les Jardins : 1 profil(s)" in out
    )
    code, out, _ = _cli(capsys, "purge", "--older-than", "24m")
    assert code == 0 and ", supprimés : 1." in out and "comptages anonymes sont conservés" in out
    assert "B2" not in cli_world.store.profiles(SYSTEM)[F.PROFILE_REF].tolist()


def test_hidden_keys_of_a_future_export_are_understood(world):
    """Issue 7's workbook will carry the decision each row was exported with: an untouched row
    is unchanged even if the pair moved on since; an edited one conflicts."""
    store, user = world.store, world.counsellor_a
    review.decide(store, user, "BUS-001", "A1", "retained")
    exported = store.suggestions(user, offer_ref="BUS-001").set_index(F.PROFILE_REF)
    review.decide(store, user, "BUS-001", "A1", "proposed")  # after the export
    review.decide(store, user, "BUS-001", "A2", "retained")  # after the export
    frame = pd.DataFrame({
        F.OFFER_REF: ["BUS-001"] * 3, F.PROFILE_REF: ["A1", "A2", "P1"],
        F.STATUS: ["Retenu par le conseiller", "Non retenu", "Entretien"],
        F.REASON: [None, "autre", None], review.ROW: [2, 3, 4],
        review.BASE_STATUS: [exported.at[r, F.STATUS] for r in ("A1", "A2", "P1")],
        review.BASE_REVIEW_ID: [exported.at[r, F.REVIEW_ID] for r in ("A1", "A2", "P1")],
    })  # fmt: skip
    report = review.apply_decisions(store, user, frame)
    got = report.to_frame().set_index(review.ROW)
    assert got["result"].to_dict() == {2: "unchanged", 3: "refused", 4: "applied"}
    assert got.at[3, "refusal"] == review.CONFLICT
    assert "ligne non modifiée" in got.at[2, "message"]
    now = store.suggestions(user, offer_ref="BUS-001").set_index(F.PROFILE_REF)[F.STATUS]
    assert now.to_dict() == {"A1": "proposed", "A2": "retained", "P1": "interview"}
