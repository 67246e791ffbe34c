"""Cached reads of the dashboard never leak between users and follow every change: the user is
part of the cache key, and so is the store's data version."""

import inspect

from app_pages import _state as S
from matcher import fields as F
from matcher.fields import Status
from matcher.workflow import review

from .app_world import STRUCTURE_A, STRUCTURE_B


def test_funnel_facts_are_per_user(dash):
    _, pairs_a, people_a = S.funnel_facts(dash.counsellor_a)
    _, pairs_b, people_b = S.funnel_facts(dash.counsellor_b)
    _, pairs_all, people_all = S.funnel_facts(dash.coordinator)
    assert set(people_a[F.STRUCTURE]) == {STRUCTURE_A}
    assert set(people_b[F.STRUCTURE]) == {STRUCTURE_B}
    assert set(pairs_a[F.STRUCTURE]) == {STRUCTURE_A}
    assert set(pairs_b[F.STRUCTURE]) == {STRUCTURE_B}
    assert len(pairs_all) == len(pairs_a) + len(pairs_b)
    assert len(people_all) == len(people_a) + len(people_b)


def test_cached_facts_follow_a_decision(dash):
    _, before, _ = S.funnel_facts(dash.counsellor_a)
    assert before["stage"].max() == 0
    review.decide(dash.store, dash.counsellor_a, "OFF-1", "A-01", Status.INTERVIEW)
    _, after, _ = S.funnel_facts(dash.counsellor_a)
    assert after["stage"].max() == 3


def test_cached_functions_take_the_user():
    """Every st.cache_data function of _state takes the acting user (part of the key)."""
    cached = [f for name, f in vars(S).items()
              if name.startswith("_") and hasattr(f, "clear") and callable(f)
              and name != "_store"]  # fmt: skip
    assert cached, "no cached function found"
    for f in cached:
        assert "user" in inspect.signature(f).parameters, f.__name__
