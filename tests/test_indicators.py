"""Indicators (funnel, key figures) and the store/service reads the dashboard adds: expected
values on small hand-made frames, rights on the new reads."""

import dataclasses

import pandas as pd
import pytest

from matcher import fields as F
from matcher.errors import AccessDenied, UserError
from matcher.fields import Status
from matcher.reference.referential import builtin_referential
from matcher.workflow import auth, indicators, review, service

KEYS = [F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Mont-Liébaut", indicators.IN_QPV),
        ("oui", indicators.IN_QPV),
        ("OUI", indicators.IN_QPV),
        ("non", indicators.OUT_QPV),
        ("Non", indicators.OUT_QPV),
        ("hors QPV", indicators.OUT_QPV),
        ("", indicators.UNKNOWN_QPV),
        (None, indicators.UNKNOWN_QPV),
        (float("nan"), indicators.UNKNOWN_QPV),
        ("ne sait pas", indicators.UNKNOWN_QPV),
    ],
)
def test_qpv_group(value, expected):
    assert indicators.qpv_group(pd.Series([value], dtype=object)).iloc[0] == expected


def test_offer_sectors_from_the_first_code():
    occupations = pd.DataFrame({F.OFFER_REF: ["O1", "O2", "O3"],
                                F.OCC_CODES: [["K2205", "K2204"], [], ["Z9999"]]})  # fmt: skip
    sectors = indicators.offer_sectors(occupations, builtin_referential())
    assert sectors.to_dict() == {"O1": "Propreté", "O2": indicators.UNKNOWN_SECTOR,
                                 "O3": indicators.UNKNOWN_SECTOR}  # fmt: skip


def _pairs(rows):
    frame = pd.DataFrame(rows, columns=[*KEYS, F.STATUS])
    return frame


def test_stage_reached_counts_the_history_and_skipped_steps():
    suggestions = _pairs([
        ("O1", "S", "P1", Status.SUGGESTED),
        ("O1", "S", "P2", Status.REJECTED),   # was interviewed, then not retained
        ("O1", "S", "P3", Status.INTERVIEW),  # straight to the interview
        ("O2", "S", "P1", Status.DROPPED),    # never went anywhere
        ("O2", "S", "P2", Status.HIRED),
    ])  # fmt: skip
    decisions = _pairs([
        ("O1", "S", "P2", Status.RETAINED),
        ("O1", "S", "P2", Status.INTERVIEW),
        ("O1", "S", "P2", Status.REJECTED),
        ("O1", "S", "P3", Status.INTERVIEW),
        ("O2", "S", "P1", Status.DROPPED),
    ])  # fmt: skip
    assert indicators.stage_reached(suggestions, decisions).tolist() == [0, 3, 3, 0, 4]


def test_hires_per_offer_counts_the_highest_stage_reached():
    """The Offres page and the dashboard's figures count hires with this one function: a pair
    hired and then changed (a status corrected by hand) still counts, where the current status
    alone would not."""
    suggestions = _pairs([
        ("O1", "S", "P1", Status.HIRED),
        ("O1", "S", "P2", Status.DROPPED),    # hired, then the status was changed
        ("O2", "S", "P1", Status.INTERVIEW),
        ("O3", "S", "P3", Status.HIRED),
    ])  # fmt: skip
    decisions = _pairs([
        ("O1", "S", "P1", Status.HIRED),
        ("O1", "S", "P2", Status.HIRED),
        ("O1", "S", "P2", Status.DROPPED),
        ("O2", "S", "P1", Status.INTERVIEW),
    ])  # fmt: skip
    assert indicators.hires_per_offer(suggestions, decisions).to_dict() == {"O1": 2, "O3": 1}
    current_only = suggestions[suggestions[F.STATUS] == Status.HIRED][F.OFFER_REF].value_counts()
    assert current_only.to_dict() == {"O1": 1, "O3": 1}  # what the Offres page counted before
    stages = indicators.stage_reached(suggestions, decisions)
    assert int(indicators.hired(stages).sum()) == 3


def test_funnel_total_and_by_dimension():
    offers = pd.DataFrame({
        F.OFFER_REF: ["O1", "O2", "O3"], F.EMPLOYER: ["A", "B", "B"],
        F.POSITIONS: [2, None, 1], indicators.SECTOR_DIM: ["Propreté", "Logistique", "Propreté"],
        indicators.QPV_DIM: [indicators.IN_QPV, indicators.OUT_QPV, indicators.IN_QPV],
        indicators.MONTH_DIM: ["2026-11", "2026-12", "2026-11"],
    })  # fmt: skip
    pairs = pd.DataFrame({
        F.OFFER_REF: ["O1", "O1", "O1", "O2", "O2"],
        F.STRUCTURE: ["S1", "S1", "S2", "S2", "S2"],
        F.PROFILE_REF: ["P1", "P2", "Q1", "Q1", "Q2"],
        indicators.STAGE: [4, 1, 2, 3, 0],
    })  # fmt: skip
    pairs = pairs.merge(offers[[F.OFFER_REF, indicators.SECTOR_DIM, indicators.QPV_DIM,
                                indicators.MONTH_DIM]], on=F.OFFER_REF)  # fmt: skip
    total = indicators.funnel(offers, pairs).iloc[0].to_dict()
    assert total == {"offers": 3, "suggestions": 5, "retained": 4, "proposed": 3,
                     "interview": 2, "hired": 1}  # fmt: skip
    by_sector = indicators.funnel(offers, pairs, indicators.SECTOR_DIM)
    assert by_sector.loc["Propreté"].tolist() == [2, 3, 3, 2, 1, 1]
    assert by_sector.loc["Logistique"].tolist() == [1, 2, 1, 1, 1, 0]
    by_structure = indicators.funnel(offers, pairs, indicators.STRUCTURE_DIM)
    # By structure, offers count where the structure's people were suggested.
    assert by_structure.loc["S2"].tolist() == [2, 3, 2, 2, 1, 0]
    assert indicators.funnel(offers, pairs, indicators.MONTH_DIM).index.tolist() == [
        "2026-11", "2026-12"]  # fmt: skip
    figures = indicators.key_figures(
        offers, pairs, pd.DataFrame({F.STRUCTURE: ["S1", "S1", "S2"],
                                     F.PROFILE_REF: ["P1", "P2", "Q1"]})
    )  # fmt: skip
    assert figures["firms"] == 2 and figures["firms_in_qpv"] == 2
    assert figures["positions"] == 4  # an offer without a number counts one position
    assert figures["people_proposed"] == 2  # P1 and Q1 (Q1 twice)
    assert figures["interviews"] == 2 and figures["hires"] == 1
    assert figures["hire_rate"] == 0.5
    empty = indicators.key_figures(offers, pairs.iloc[0:0], pairs.iloc[0:0])
    assert empty["hire_rate"] is None and empty["structures"] == 0


def test_pair_facts_from_the_store(world):
    store = world.store
    review.decide(store, world.counsellor_a, "BUS-001", "A1", Status.INTERVIEW)
    review.decide(store, world.counsellor_a, "BUS-001", "A1", Status.REJECTED, reason="skills")
    u = world.coordinator
    offers, pairs = indicators.pair_facts(store.suggestions(u), store.decisions(u),
                                          store.offers(u, status=None), store.offer_facts(u),
                                          builtin_referential())  # fmt: skip
    assert len(offers) == 3 and len(pairs) == len(store.suggestions(u))
    row = pairs[(pairs[F.OFFER_REF] == "BUS-001") & (pairs[F.PROFILE_REF] == "A1")
                & (pairs[F.STRUCTURE] == "EI Artois Propreté")]  # fmt: skip
    assert row[indicators.STAGE].tolist() == [3]
    assert set(offers[indicators.MONTH_DIM]) == {store.offer_facts(u)["created_at"].iloc[0][:7]}


def test_offer_facts_latest_run_and_data_version(world):
    store, coordinator, counsellor = world.store, world.coordinator, world.counsellor_a
    facts = store.offer_facts(coordinator)
    assert facts[F.OFFER_REF].tolist() == world.offers
    assert facts[F.OCC_CODES].tolist() == [[], [], []]  # no matching run recorded codes
    store.set_offer_status(coordinator, "BUS-003", "closed")
    store.save_suggestions(store.suggestions(auth.SYSTEM).iloc[0:0], {"weights": {}},
                           offer_codes={"BUS-001": ["K2204"]})  # fmt: skip
    # A counsellor sees closed offers only when their people were suggested for them.
    assert "BUS-003" in store.offer_facts(counsellor)[F.OFFER_REF].tolist()
    assert store.offer_facts(coordinator).set_index(F.OFFER_REF).at["BUS-001", F.OCC_CODES] == [
        "K2204"]  # fmt: skip
    run = store.latest_run(counsellor)
    assert run["settings"] == {"weights": {}} and run["n_suggestions"] == 0
    before = store.data_version()
    review.decide(store, counsellor, "BUS-001", "A1", Status.RETAINED)
    assert store.data_version() > before
    auth.disable_user(store, coordinator, counsellor.login)
    with pytest.raises(AccessDenied):
        store.latest_run(counsellor)


def test_current_settings_follow_the_latest_run(world):
    from matcher.settings import Settings, Weights

    store = world.store
    assert service.current_settings(store, world.coordinator) == Settings()
    wanted = Settings().replace(weights=Weights(text=0.1, skills=0.2, occupation=0.3, commute=0.4))
    service.run_matching(store, wanted, user=world.coordinator)
    assert service.current_settings(store, world.counsellor_a) == wanted
    store.save_suggestions(store.suggestions(auth.SYSTEM).iloc[0:0], {"unknown": {"x": 1}})
    assert service.current_settings(store, world.coordinator) == Settings()  # unusable: defaults


def test_preview_offer_ranking_rights_and_shape(world):
    from matcher.settings import Settings

    store = world.store
    with pytest.raises(AccessDenied):
        service.preview_offer_ranking(store, world.counsellor_a, "BUS-001", Settings())
    with pytest.raises(UserError, match="inconnue"):
        service.preview_offer_ranking(store, world.coordinator, "NOPE", Settings())
    same = service.preview_offer_ranking(store, world.coordinator, "BUS-001", Settings())
    # The same settings: nobody moves (both rankings are computed the same way).
    assert (same["move"] == 0).all() and same[F.RANK].notna().all()
    assert (same[F.SCORE] == same["score_now"]).all()
    changed = Settings().replace(constraints=dataclasses.replace(
        Settings().constraints, licence="penalise"))  # fmt: skip
    preview = service.preview_offer_ranking(store, world.coordinator, "BUS-001", changed)
    ranked = preview[preview[F.RANK].notna()]
    assert ranked[F.RANK].tolist() == list(range(1, len(ranked) + 1))
    both = preview[preview[F.RANK].notna() & preview["rank_now"].notna()]
    assert (both["move"] == both["rank_now"] - both[F.RANK]).all()
    assert F.COMMUNE not in preview.columns and F.POSTAL_CODE not in preview.columns
