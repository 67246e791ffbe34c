"""A synthetic Busin'ESS day of any size, for the benchmark and the tests (no real data).

The default is the issue's benchmark: 120 firms, 60 tables in 3 rooms, 400 people, 1,200
meeting requests, 16 slots of 20 minutes. A third of the firms have a table of their own (the
big recruiters, some with two); the others share the remaining tables. Some firms come for the
morning or the afternoon only; some people have school hours or a late bus; a quarter of the
people are accompanied by their counsellor; a sixth of the requests are business-to-business.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from matcher.day import model as M


def synthetic_problem(
    n_firms: int = 120,
    n_tables: int = 60,
    n_people: int = 400,
    n_requests: int = 1200,
    *,
    n_rooms: int = 3,
    seed: int = 2026,
    b2b_share: float = 1 / 6,
    own_table_share: float = 1 / 3,
    day: M.DayFrame | None = None,
) -> M.DayProblem:
    """A reproducible day (same seed, same problem); sizes as given."""
    rng = np.random.default_rng(seed)  # drawn in this order: tables, firms, people, requests
    day = day or M.DayFrame(date="2027-03-18")
    firms = [f"Entreprise {i + 1:03d}" for i in range(n_firms)]
    table_frame = _tables(rng, firms, n_tables, n_rooms, own_table_share)
    firm_frame = _firms(rng, firms)
    people = _people(rng, n_people)
    requests = _requests(rng, firms, people, n_requests, b2b_share)
    return M.make_problem(day, table_frame, requests, firm_frame, people)


def _tables(
    rng: np.random.Generator, firms: list[str], n_tables: int, n_rooms: int, own_share: float
) -> pd.DataFrame:
    """Firms with their own table(s): a third, some with two; the rest share what is left."""
    rooms = [f"Salle {chr(ord('A') + i)}" for i in range(n_rooms)]
    tables = [f"T{i + 1:02d}" for i in range(n_tables)]
    n_own = min(int(len(firms) * own_share), n_tables // 2)
    owners: list[str] = []
    for f in firms[:n_own]:
        owners += [f] * (2 if rng.random() < 0.15 and len(owners) + 2 <= n_tables // 2 + 5 else 1)
    owners = owners[: max(n_tables - max(n_tables // 4, 1), 0)]
    owners += [""] * (n_tables - len(owners))
    return pd.DataFrame({
        M.TABLE: tables,
        M.ROOM: [rooms[i * n_rooms // n_tables] for i in range(n_tables)],
        M.FIRM: owners,
    })  # fmt: skip


def _firms(rng: np.random.Generator, firms: list[str]) -> pd.DataFrame:
    """30 % in a QPV; a tenth for the morning only, a tenth for the afternoon only."""
    n_firms = len(firms)
    firm_frame = pd.DataFrame({
        M.FIRM: firms,
        M.QPV: rng.random(n_firms) < 0.3,
        M.ARRIVAL: "",
        M.DEPARTURE: "",
        M.CONTACT: [f"contact-{i + 1}" for i in range(n_firms)],
    })  # fmt: skip
    half = rng.random(n_firms)
    firm_frame.loc[half < 0.1, M.DEPARTURE] = "12:00"  # morning only
    firm_frame.loc[(half >= 0.1) & (half < 0.2), M.ARRIVAL] = "14:00"  # afternoon only
    return firm_frame


def _people(rng: np.random.Generator, n_people: int) -> pd.DataFrame:
    """People of eight structures, three counsellors each; school hours, late buses, early
    departures; a quarter accompanied."""
    structures = [f"Structure {chr(ord('A') + i)}" for i in range(8)]
    people_rows = []
    for i in range(n_people):
        s = structures[i % len(structures)]
        counsellor = f"Conseiller {s[-1]}{(i // len(structures)) % 3 + 1}"
        arrival, departure = "", ""
        r = rng.random()
        if r < 0.08:
            arrival, departure = "09:20", "16:00"  # school hours
        elif r < 0.15:
            arrival = "10:00"  # a late bus
        elif r < 0.2:
            departure = "15:00"
        people_rows.append({
            M.PROFILE_REF: f"P{i + 1:04d}", M.STRUCTURE: s, M.COUNSELLOR: counsellor,
            M.ARRIVAL: arrival, M.DEPARTURE: departure, M.ACCOMPANIED: rng.random() < 0.25,
        })  # fmt: skip
    people = pd.DataFrame(people_rows)
    people[M.PERSON] = [M.person_key(s, p) for s, p in zip(people[M.STRUCTURE],
                                                            people[M.PROFILE_REF], strict=True)]  # fmt: skip
    return people


def _requests(
    rng: np.random.Generator,
    firms: list[str],
    people: pd.DataFrame,
    n_requests: int,
    b2b_share: float,
) -> pd.DataFrame:
    """Requests of people (every person at least once while there are enough, popular firms
    drawing more), then business-to-business ones."""
    n_firms, n_people = len(firms), len(people)
    n_b2b = round(n_requests * b2b_share)
    n_person = n_requests - n_b2b
    # Popular firms get more requests (a few big recruiters draw many people).
    popularity = rng.pareto(1.5, n_firms) + 1
    popularity /= popularity.sum()
    pairs: set[tuple[str, str, str]] = set()
    rows: list[dict[str, object]] = []
    tries = 0
    while len(rows) < n_person and tries < n_person * 20:
        tries += 1
        f = firms[rng.choice(n_firms, p=popularity)]
        p = (
            people[M.PERSON].iat[len(rows) % n_people]
            if len(rows) < n_people
            else people[M.PERSON].iat[int(rng.integers(n_people))]
        )
        if (f, p, "") in pairs:
            continue
        pairs.add((f, p, ""))
        rows.append({M.FIRM: f, M.PERSON: p, M.OTHER_FIRM: "", M.SCORE: float(rng.uniform(0.3, 1)),
                     M.OFFER_REF: f"OFF-{firms.index(f) + 1:03d}"})  # fmt: skip
    while len(rows) < n_requests and tries < n_requests * 40:
        tries += 1
        a, b = rng.choice(n_firms, 2, replace=False)
        fa, fb = firms[int(a)], firms[int(b)]
        if (fa, "", fb) in pairs or (fb, "", fa) in pairs:
            continue
        pairs.add((fa, "", fb))
        rows.append({M.FIRM: fa, M.PERSON: "", M.OTHER_FIRM: fb, M.SCORE: 0.0, M.OFFER_REF: ""})
    requests = pd.DataFrame(rows)
    requests[M.REQUEST] = [f"R{i + 1:04d}" for i in range(len(requests))]
    return requests
