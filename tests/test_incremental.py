"""Incremental re-matching in the store: only the offers whose list can change are re-scored,
and the stored suggestions are those of a run that re-scores every offer."""

from __future__ import annotations

import dataclasses
import io
import pickle

import pandas as pd
import pytest

from matcher import fields as F
from matcher.devtools.synthetic import synthetic_frames
from matcher.reference.referential import builtin_referential
from matcher.settings import Settings
from matcher.workflow import review
from matcher.workflow.auth import SYSTEM
from matcher.workflow.service import import_into_store, run_matching

# Columns that say when or by which run a row was written, not what it says.
VOLATILE = {"id", "run_id", "created_at", "updated_at", "status_at"}


def _csv(frame: pd.DataFrame) -> bytes:
    out = io.BytesIO()
    frame.map(lambda v: ", ".join(map(str, v)) if isinstance(v, list) else v).to_csv(
        out, index=False
    )
    return out.getvalue()


def _stored(store) -> pd.DataFrame:
    f = store.suggestions(SYSTEM)
    f = f[[c for c in f.columns if c not in VOLATILE]].astype(str)
    return f.sort_values([F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF]).reset_index(drop=True)


@pytest.fixture(scope="module")
def frames():
    offers, profiles, _ = synthetic_frames(builtin_referential(), 45, 300, seed=11)
    profiles[F.STRUCTURE] = "AI Test"
    return offers, profiles


@pytest.fixture
def matched(store, frames):
    offers, profiles = frames
    import_into_store(store, _csv(offers.iloc[:40]), "offres.csv", "offers")
    import_into_store(store, _csv(profiles), "profils.csv", "profiles", structure="AI Test")
    report = run_matching(store).attrs["report"]
    assert report.full and len(report.rescored) == 40
    return store


def _report(store, **kw):
    return run_matching(store, **kw).attrs["report"]


def test_nothing_changed_nothing_rescored(matched):
    before = _stored(matched)
    full = run_matching(matched, incremental=False)
    again = run_matching(matched)
    report = again.attrs["report"]
    # The returned lists are every open offer's, as a full run returns them.
    key = [F.OFFER_REF, F.RANK]
    pd.testing.assert_frame_equal(
        again.sort_values(key).reset_index(drop=True)[full.columns],
        full.sort_values(key).reset_index(drop=True),
    )
    assert not report.full and report.rescored == []
    assert report.prepared_offers == report.prepared_profiles == 0
    after = _stored(matched)
    pd.testing.assert_frame_equal(after, before)
    assert after["in_latest_run"].eq("True").sum() == before["in_latest_run"].eq("True").sum() > 0


def test_new_offers_and_a_changed_person_rescore_only_what_they_touch(matched, frames):
    offers, profiles = frames
    import_into_store(matched, _csv(offers.iloc[40:]), "nouvelles.csv", "offers")
    person = profiles.iloc[[7]].copy()
    person[F.SKILLS] = "conduite de chariot élévateur, CACES R489 cat. 3, gestion des stocks"
    import_into_store(matched, _csv(person), "maj.csv", "profiles", structure="AI Test")

    report = _report(matched)
    new = set(offers[F.OFFER_REF].iloc[40:])
    assert not report.full
    assert new <= set(report.rescored)  # the 5 new offers are ranked
    assert len(report.rescored) < 45  # ... and not every offer
    assert (report.prepared_offers, report.prepared_profiles) == (5, 1)
    incremental = _stored(matched)

    full = _report(matched, incremental=False)
    assert full.full and len(full.rescored) == 45
    pd.testing.assert_frame_equal(_stored(matched), incremental)


def test_a_pool_change_rescores_that_offer_like_a_full_run(matched, frames):
    _, profiles = frames
    suggested = matched.suggestions(SYSTEM)
    state = pickle.loads(matched.match_state())
    coded = state.offers[state.offers[F.OCC_CODES].map(len) > 0]
    ref, code = coded[F.OFFER_REF].iloc[0], coded[F.OCC_CODES].iloc[0][0]
    # A person not in that offer's list, kept in the pool for the offer's job.
    listed = set(suggested.loc[suggested[F.OFFER_REF] == ref, F.PROFILE_REF])
    outsider = next(p for p in profiles[F.PROFILE_REF] if p not in listed)
    review.keep_in_pool(matched, SYSTEM, outsider, code, structure="AI Test")

    report = _report(matched)
    assert ref in report.rescored and len(report.rescored) < 40
    incremental = _stored(matched)
    _report(matched, incremental=False)
    pd.testing.assert_frame_equal(_stored(matched), incremental)


def test_other_settings_rescore_every_offer(matched):
    settings = Settings()
    settings = settings.replace(ranking=dataclasses.replace(settings.ranking, top_k=5))
    report = _report(matched, settings=settings)
    assert report.full and len(report.rescored) == 40
    assert _stored(matched).groupby(F.OFFER_REF).size().max() <= 5 + 5  # top 5 (+ pooled)


def test_refit_rescores_every_offer_and_purge_forgets_the_state(matched):
    assert _report(matched, refit=True).full
    assert matched.match_state() is not None
    matched.clear_match_state()
    assert _report(matched).full


def test_purge_clears_the_matching_state(matched):
    import datetime as dt

    assert matched.match_state() is not None
    matched.purge(SYSTEM, dt.datetime.now(dt.UTC) + dt.timedelta(days=1))
    assert matched.match_state() is None
