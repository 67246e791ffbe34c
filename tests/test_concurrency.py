"""Many people deciding at once on the same database: nothing lost, nothing locked, every
decision audited. On each backend (SQLite file, PostgreSQL database)."""

import multiprocessing as mp
import threading

import pytest

from matcher import fields as F
from matcher.intake.report import ImportReport
from matcher.store.database import Store
from matcher.workflow import auth, review

from .review_world import PASSWORD, offers_frame, profiles_frame, suggestions_frame

pytestmark = pytest.mark.both_backends  # the store fixtures on SQLite and PostgreSQL

N_THREADS = 16
PER_THREAD = 200
STRUCTURES = [f"Structure {k}" for k in range(4)]
N_OFFERS = 16
PROFILES_PER_STRUCTURE = 50  # 16 offers x 4 x 50 = 3,200 pairs


def _setup(path):
    store = Store(path)
    offers = [f"OFF-{i:02d}" for i in range(N_OFFERS)]
    store.save_offers(offers_frame(offers), ImportReport(kind="offers", source="o.xlsx"))
    pairs = []
    for k, structure in enumerate(STRUCTURES):
        refs = [f"S{k}-{j:02d}" for j in range(PROFILES_PER_STRUCTURE)]
        store.save_profiles(profiles_frame(structure, refs),
                            ImportReport(kind="profiles", source=f"p{k}.csv"))  # fmt: skip
        auth.add_user(store, auth.SYSTEM, f"cons-{k}", "counsellor", structure=structure,
                      password=PASSWORD)  # fmt: skip
        pairs += [(o, structure, r) for o in offers for r in refs]
    store.save_suggestions(suggestions_frame(pairs), {})
    return offers


def _work(thread: int, offers: list[str]) -> tuple[str, list[tuple[str, str]]]:
    """Thread t: counsellor of structure t % 4, 4 offers x 50 profiles = 200 decisions."""
    k = thread % len(STRUCTURES)
    chunk = thread // len(STRUCTURES)
    mine = offers[chunk * 4 : chunk * 4 + 4]
    refs = [f"S{k}-{j:02d}" for j in range(PROFILES_PER_STRUCTURE)]
    return f"cons-{k}", [(o, r) for o in mine for r in refs]


def test_16_threads_x_200_decisions(db_target):
    path = db_target
    offers = _setup(path)
    errors: list[BaseException] = []
    start = threading.Barrier(N_THREADS)

    def run(thread: int) -> None:
        try:
            store = Store(path)  # one per session, as the dashboard's sessions would
            login, pairs = _work(thread, offers)
            user = auth.get_user(store, login)
            assert len(pairs) == PER_THREAD
            start.wait()
            for offer, ref in pairs:
                out = review.decide(store, user, offer, ref, "retained")
                assert out.result == review.APPLIED
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(t,)) for t in range(N_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []  # in particular no "database is locked"
    store = Store(path)
    decisions = store.decisions(auth.SYSTEM)
    assert len(decisions) == N_THREADS * PER_THREAD == 3200
    assert not decisions.duplicated([F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF]).any()
    suggestions = store.suggestions(auth.SYSTEM)
    assert len(suggestions) == 3200 and set(suggestions[F.STATUS]) == {"retained"}
    audit = store.audit(auth.SYSTEM, action="decision")
    assert len(audit) == 3200
    # Each entry names the right person and pair.
    expected = {f"{o} / {s} / {r}": f"cons-{STRUCTURES.index(s)}"
                for o, s, r in zip(decisions[F.OFFER_REF], decisions[F.STRUCTURE],
                                   decisions[F.PROFILE_REF], strict=True)}  # fmt: skip
    assert dict(zip(audit["entity_key"], audit["actor"], strict=True)) == expected
    assert store.integrity_check() == []


def _process_work(path: str, k: int, pairs: list[tuple[str, str]], queue) -> None:
    try:
        store = Store(path)
        user = auth.get_user(store, f"cons-{k}")
        for offer, ref in pairs:
            review.decide(store, user, offer, ref, "proposed")
        queue.put(None)
    except BaseException as exc:  # report to the parent, which fails the test
        queue.put(repr(exc))


def test_4_processes_deciding_at_once(db_target):
    """Across processes only the database serialises the writers (SQLite: busy timeout and
    BEGIN IMMEDIATE; PostgreSQL: the writers' advisory lock)."""
    path = db_target
    offers = _setup(path)
    ctx = mp.get_context("fork")
    queue = ctx.Queue()
    procs = []
    for k in range(4):
        pairs = [(o, f"S{k}-{j:02d}") for o in offers[:5] for j in range(20)]  # 100 each
        procs.append(ctx.Process(target=_process_work, args=(str(path), k, pairs, queue)))
    for p in procs:
        p.start()
    results = [queue.get(timeout=120) for _ in procs]
    for p in procs:
        p.join(timeout=30)
    assert results == [None] * 4
    store = Store(path)
    assert len(store.decisions(auth.SYSTEM)) == 400
    assert len(store.audit(auth.SYSTEM, action="decision")) == 400
    assert (store.suggestions(auth.SYSTEM)[F.STATUS] == "proposed").sum() == 400


@pytest.mark.parametrize("repeat", range(3))
def test_two_people_on_the_same_pair_one_wins_the_other_is_told(db_target, repeat):
    path = db_target
    store = Store(path)
    store.save_offers(offers_frame(["O1"]), ImportReport(kind="offers", source="o.xlsx"))
    store.save_profiles(profiles_frame("S", ["P1"]), ImportReport(kind="profiles", source="p"))
    store.save_suggestions(suggestions_frame([("O1", "S", "P1")]), {})
    for login in ("marie", "paul"):
        auth.add_user(store, auth.SYSTEM, login, "counsellor", structure="S", password=PASSWORD)
    base = int(store.suggestions(auth.SYSTEM).iloc[0][F.REVIEW_ID])
    start = threading.Barrier(2)
    results: dict[str, str] = {}

    def run(login: str, status: str) -> None:
        s = Store(path)
        user = auth.get_user(s, login)
        start.wait()
        try:
            review.decide(s, user, "O1", "P1", status, base_review_id=base)
            results[login] = "applied"
        except review.DecisionRefused as exc:
            results[login] = exc.outcome.code or ""

    threads = [threading.Thread(target=run, args=a) for a in (("marie", "retained"),
                                                              ("paul", "dropped"))]  # fmt: skip
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results.values()) == ["applied", review.CONFLICT]
    winner = next(k for k, v in results.items() if v == "applied")
    row = store.suggestions(auth.SYSTEM).iloc[0]
    assert row[F.STATUS_BY] == winner and len(store.decisions(auth.SYSTEM)) == 1
