"""The Busin'ESS day with the store: the setup, the problem built from the pairs counsellors
marked for the day, planning and re-planning saved as the day's timetable, hand moves.

The setup (``DaySetup``) holds the day's hours, the tables and rooms, the firms' windows and
priority flags, and the business-to-business meetings; the people's windows are stored per
person (a counsellor sets their own people's). Firms present are those of the pairs for the
day and of the business meetings; a firm in a priority neighbourhood is one whose offers say so
(the setup may say otherwise).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from matcher import fields as F
from matcher.day import model as M
from matcher.day import planner as P
from matcher.errors import UserError
from matcher.identity import User
from matcher.settings import DaySettings
from matcher.store.database import Store

log = logging.getLogger(__name__)

SETUP_FIRM_COLUMNS = (M.FIRM, M.QPV, M.ARRIVAL, M.DEPARTURE, M.CONTACT)
B2B_COLUMNS = (M.FIRM, M.OTHER_FIRM)
_NOT_QPV = {"", "non", "no", "false", "0", "nan", "none"}


@dataclass
class DaySetup:
    """What the coordinator sets up (no personal data)."""

    day: M.DayFrame = field(default_factory=M.DayFrame)
    tables: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(M.TABLE_COLUMNS))
    )
    firms: pd.DataFrame = field(
        default_factory=lambda: pd.DataFrame(columns=list(SETUP_FIRM_COLUMNS))
    )
    b2b: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=list(B2B_COLUMNS)))
    all_retained: bool = False  # every retained pair goes, marked « pour la journée » or not

    def to_dict(self) -> dict[str, Any]:
        def records(frame: pd.DataFrame, columns: Sequence[str]) -> list[dict[str, Any]]:
            out = frame.reindex(columns=list(columns)).astype(object)
            return out.where(out.notna(), "").to_dict("records")

        return {
            "day": self.day.to_dict(),
            "tables": records(self.tables, M.TABLE_COLUMNS),
            "firms": records(self.firms, SETUP_FIRM_COLUMNS),
            "b2b": records(self.b2b, B2B_COLUMNS),
            "all_retained": bool(self.all_retained),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> DaySetup:
        if not data:
            return cls()
        unknown = set(data) - {"day", "tables", "firms", "b2b", "all_retained"}
        if unknown:
            raise UserError(f"préparation de la journée : clé(s) inconnue(s) {', '.join(sorted(unknown))} "
                            "(possibles : day, tables, firms, b2b, all_retained)")  # fmt: skip
        try:
            day = M.DayFrame.from_dict(data.get("day") or {})
        except (TypeError, ValueError) as exc:
            raise UserError(f"préparation de la journée : horaires illisibles ({exc})") from exc

        def frame(key: str, columns: Sequence[str]) -> pd.DataFrame:
            rows = data.get(key) or []
            if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
                raise UserError(f"préparation de la journée : « {key} » doit être une liste "
                                "d'objets")  # fmt: skip
            out = pd.DataFrame(rows, columns=list(columns))
            for c in columns:
                if c != M.QPV:
                    out[c] = out[c].astype(object).fillna("").astype(str).str.strip()
            return out

        firms = frame("firms", SETUP_FIRM_COLUMNS)
        firms[M.QPV] = [M.as_bool(v) for v in firms[M.QPV]]
        return cls(day, frame("tables", M.TABLE_COLUMNS), firms, frame("b2b", B2B_COLUMNS),
                   bool(data.get("all_retained", False)))  # fmt: skip


def make_tables(count: int, rooms: Sequence[str]) -> pd.DataFrame:
    """``count`` shared tables spread evenly over ``rooms`` (T01, T02...)."""
    rooms = [r.strip() for r in rooms if r.strip()]
    if count < 1 or not rooms:
        raise UserError("tables : indiquez au moins une table et une salle")
    return pd.DataFrame({
        M.TABLE: [f"T{i + 1:02d}" for i in range(count)],
        M.ROOM: [rooms[i * len(rooms) // count] for i in range(count)],
        M.FIRM: "",
    })  # fmt: skip


def load_setup(store: Store, user: User) -> DaySetup:
    return DaySetup.from_dict(store.day_setup(user))


def save_setup(store: Store, user: User, setup: DaySetup) -> None:
    """Check the setup (hours, tables) then store it (coordinator only)."""
    setup.day.slots()
    if len(setup.tables):
        M.make_problem(setup.day, setup.tables, pd.DataFrame(columns=list(M.REQUEST_COLUMNS)),
                       setup.firms)  # fmt: skip
    store.save_day_setup(user, setup.to_dict())


def request_id(firm: str, other: str) -> str:
    """A short id that stays the same from one plan to the next (re-plans follow it)."""
    return "R-" + hashlib.sha1(f"{firm}\x1f{other}".encode()).hexdigest()[:8].upper()


def _firm_name(offer: pd.Series | None, offer_ref: str) -> str:
    employer = "" if offer is None else str(offer.get(F.EMPLOYER) or "").strip()
    return employer or f"Entreprise de l'offre {offer_ref}"


def firm_defaults(offers: pd.DataFrame, names: Sequence[str]) -> pd.DataFrame:
    """Setup rows for firms not set up yet: in a priority neighbourhood when one of their
    offers says so, the offers' contact, the whole day."""
    employers = offers[F.EMPLOYER].fillna("").astype(str).str.strip()
    rows = []
    for name in names:
        of_firm = offers[employers == name]
        qpv = any(str(v).strip().lower() not in _NOT_QPV for v in of_firm[F.QPV].dropna())
        contacts = [str(c) for c in of_firm[F.EMPLOYER_CONTACT].dropna() if str(c).strip()]
        rows.append({M.FIRM: name, M.QPV: qpv, M.ARRIVAL: "", M.DEPARTURE: "",
                     M.CONTACT: contacts[0] if contacts else ""})  # fmt: skip
    return pd.DataFrame(rows, columns=list(SETUP_FIRM_COLUMNS))


def build_problem(store: Store, user: User, setup: DaySetup | None = None) -> M.DayProblem:
    """The day's problem from the store: the pairs for the day (one meeting per firm and
    person, with the best score), the business meetings, the setup and the people's windows."""
    setup = setup or load_setup(store, user)
    if setup.tables.empty:
        raise UserError("journée : aucune table ; indiquez les tables et leurs salles "
                        "(préparation de la journée)")  # fmt: skip
    pairs = store.day_pairs(user, all_retained=setup.all_retained)
    offers = store.offers(user, status=None).set_index(F.OFFER_REF)
    rows = []
    for rec in pairs.to_dict("records"):
        offer = offers.loc[rec[F.OFFER_REF]] if rec[F.OFFER_REF] in offers.index else None
        firm = _firm_name(offer, rec[F.OFFER_REF])
        person = M.person_key(rec[F.STRUCTURE], rec[F.PROFILE_REF])
        rows.append({M.FIRM: firm, M.PERSON: person, M.OTHER_FIRM: "",
                     M.OFFER_REF: rec[F.OFFER_REF], M.SCORE: float(rec[F.SCORE] or 0)})  # fmt: skip
    requests = pd.DataFrame(rows, columns=[M.FIRM, M.PERSON, M.OTHER_FIRM, M.OFFER_REF, M.SCORE])
    if len(requests):
        # One meeting per firm and person, whatever the number of its offers they fit.
        requests = (
            requests.sort_values(M.SCORE, ascending=False, kind="stable")
            .groupby([M.FIRM, M.PERSON], sort=True, as_index=False)
            .agg({M.OTHER_FIRM: "first", M.OFFER_REF: lambda s: ", ".join(sorted(set(s))),
                  M.SCORE: "max"})
        )  # fmt: skip
    b2b = setup.b2b[(setup.b2b[M.FIRM] != "") & (setup.b2b[M.OTHER_FIRM] != "")]
    b2b = b2b.assign(**{M.PERSON: "", M.OFFER_REF: "", M.SCORE: 0.0})
    requests = pd.concat([requests, b2b], ignore_index=True) if len(b2b) else requests
    requests[M.REQUEST] = [request_id(f, p or o) for f, p, o in zip(
        requests[M.FIRM], requests[M.PERSON], requests[M.OTHER_FIRM], strict=True)]  # fmt: skip

    # Firms: setup rows first, then defaults read from their offers.
    firm_names = (set(requests[M.FIRM]) | set(requests[M.OTHER_FIRM]) | set(setup.tables[M.FIRM])
                  | set(setup.firms[M.FIRM])) - {""}  # fmt: skip
    defaults = firm_defaults(offers.reset_index(), sorted(firm_names - set(setup.firms[M.FIRM])))
    firms = pd.concat([setup.firms, defaults], ignore_index=True)

    # People: their structure's counsellor and their window.
    profiles = store.profiles(user)
    profiles = profiles.assign(**{M.PERSON: [M.person_key(s, p) for s, p in zip(
        profiles[F.STRUCTURE], profiles[F.PROFILE_REF].astype(str), strict=True)]})  # fmt: skip
    wanted = set(requests[M.PERSON]) - {""}
    people = profiles[profiles[M.PERSON].isin(wanted)][[M.PERSON, F.PROFILE_REF, F.STRUCTURE,
                                                        F.COUNSELLOR]].copy()  # fmt: skip
    people[F.COUNSELLOR] = people[F.COUNSELLOR].fillna("").astype(str)
    windows = store.day_people(user)
    windows[M.PERSON] = [M.person_key(s, p) for s, p in zip(windows[F.STRUCTURE],
                                                             windows[F.PROFILE_REF], strict=True)]  # fmt: skip
    people = people.merge(windows[[M.PERSON, M.ARRIVAL, M.DEPARTURE, M.ACCOMPANIED]],
                          on=M.PERSON, how="left")  # fmt: skip
    people[M.ACCOMPANIED] = people[M.ACCOMPANIED].fillna(False).astype(bool)
    return M.make_problem(setup.day, setup.tables, requests, firms, people)


def plan_day(
    store: Store,
    user: User,
    settings: DaySettings | None = None,
    solver: str = P.DEFAULT_SOLVER,
    progress: P.Progress = P.no_progress,
) -> P.PlanResult:
    """Plan the whole day from the store and save it as the day's timetable."""
    problem = build_problem(store, user)
    result = P.plan(problem, settings, solver=solver, progress=progress)
    store.save_day_plan(user, result.meetings, result.unplaced, result.stats)
    return result


def replan_day(
    store: Store,
    user: User,
    now: str,
    *,
    absent_firms: Sequence[str] = (),
    absent_people: Sequence[str] = (),
    settings: DaySettings | None = None,
    solver: str = P.DEFAULT_SOLVER,
    progress: P.Progress = P.no_progress,
) -> P.PlanResult:
    """Re-plan the rest of the day from ``now``: firms and people (``structure|ref``) absent
    from then are recorded as leaving at ``now`` (in the setup and the people's windows), the
    meetings already held are kept, and as few others as possible move."""
    meetings, _, info = store.day_timetable(user)
    if info is None:
        raise UserError(
            "re-planification : aucun planning enregistré ; planifiez d'abord la journée"
        )
    since = M.fmt_time(M.parse_time(now, "re-planification, heure"))
    setup = load_setup(store, user)
    if absent_firms:
        firms = setup.firms.set_index(M.FIRM) if len(setup.firms) else None
        rows = setup.firms.to_dict("records")
        for name in absent_firms:
            if firms is not None and name in firms.index:
                for r in rows:
                    if r[M.FIRM] == name:
                        r[M.DEPARTURE] = since
            else:
                row = firm_defaults(store.offers(user, status=None), [name]).iloc[0].to_dict()
                rows.append({**row, M.DEPARTURE: since})
        setup.firms = pd.DataFrame(rows, columns=list(SETUP_FIRM_COLUMNS))
        save_setup(store, user, setup)
    if absent_people:
        known = store.day_people(user)
        known[M.PERSON] = [M.person_key(s, p) for s, p in zip(known[F.STRUCTURE],
                                                               known[F.PROFILE_REF], strict=True)]  # fmt: skip
        rows = []
        for key in absent_people:
            structure, _, ref = key.partition("|")
            if not ref:
                raise UserError(f"absence : « {key} » attendu sous la forme structure|référence")
            old = known[known[M.PERSON] == key]
            arrival = old[M.ARRIVAL].iloc[0] if len(old) else ""
            if arrival and M.parse_time(arrival, "arrivée") > M.parse_time(since, "absence"):
                arrival = since
            rows.append({F.STRUCTURE: structure, F.PROFILE_REF: ref, M.ARRIVAL: arrival,
                         M.DEPARTURE: since,
                         M.ACCOMPANIED: bool(old[M.ACCOMPANIED].iloc[0]) if len(old) else False})  # fmt: skip
        store.save_day_people(user, pd.DataFrame(rows))
    problem = build_problem(store, user, setup)
    result = P.replan(problem, meetings, since, settings, solver=solver, progress=progress)
    store.save_day_plan(user, result.meetings, result.unplaced, result.stats)
    return result


def move_in_day(
    store: Store,
    user: User,
    request: str,
    slot: int,
    table: str,
    settings: DaySettings | None = None,
) -> pd.DataFrame:
    """Move (or place) one meeting by hand; refused in French on any conflict. Saved."""
    meetings, unplaced, info = store.day_timetable(user)
    if info is None:
        raise UserError("aucun planning enregistré ; planifiez d'abord la journée")
    problem = build_problem(store, user)
    moved = P.move_meeting(problem, meetings, request, slot, table, settings)
    left = unplaced[unplaced[M.REQUEST] != request]
    stats = dict(info["stats"])
    stats.update({"rencontres": len(moved), "non_placees": len(left),
                  "deplacement_manuel": request})  # fmt: skip
    store.save_day_plan(user, moved, left, stats)
    return moved


def slot_index(problem: M.DayProblem, text: str) -> int:
    """The slot starting at ``text`` ("HH:MM"); a French error listing the slots otherwise."""
    minute = M.parse_time(text, "créneau")
    for s in problem.slots:
        if s.start == minute:
            return s.index
    starts = ", ".join(M.fmt_time(s.start) for s in problem.slots)
    raise UserError(f"aucun créneau ne commence à {text} (créneaux : {starts})")
