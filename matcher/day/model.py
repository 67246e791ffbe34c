"""The Busin'ESS day's inputs: the day's hours and slots, the tables, the firms, the people and
the meetings asked for, as plain frames with named columns, checked once with French messages.

A meeting request has two parties and needs one table for one slot:

- a firm and a person (``kind = "candidat"``): a pair a counsellor retained or marked « pour la
  journée »; the person's counsellor accompanies them when the person is marked so;
- two firms (``kind = "entreprises"``): a business-to-business meeting of the club.

Tables belong to rooms. A table given to a firm is that firm's (its meetings are held there; a
firm with two tables receives two people at once); the other tables are shared by the firms
without a table of their own and by the business-to-business meetings.

Times are "HH:MM" text in the frames and minutes since midnight inside the planner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from matcher.errors import UserError

if TYPE_CHECKING:
    import pandas as pd

# ---------------------------------------------------------------------------------------------
# Column names of the day's frames (inputs and timetable)
# ---------------------------------------------------------------------------------------------
TABLE = "table"  # table label, unique ("A1", "Table 12"...)
ROOM = "room"  # room label ("Salle A")
FIRM = "firm"  # firm name (the offers' employer)
OTHER_FIRM = "other_firm"  # the second firm of a business-to-business meeting
QPV = "qpv"  # the firm is in a priority neighbourhood (bool)
ARRIVAL = "arrival"  # "HH:MM" or "" (from the start of the day)
DEPARTURE = "departure"  # "HH:MM" or "" (until the end of the day)
PERSON = "person"  # person key: "structure|profile_ref"
PROFILE_REF = "profile_ref"
STRUCTURE = "structure"
COUNSELLOR = "counsellor"
ACCOMPANIED = "accompanied"  # the person's counsellor comes to each of their meetings (bool)
REQUEST = "request"  # meeting request id, unique
KIND = "kind"  # KIND_PERSON or KIND_FIRMS
OFFER_REF = "offer_ref"
SCORE = "score"  # the pair's matching score in [0, 1] (0 for business meetings)
CONTACT = "contact"  # the firm's contact for the day (optional)
SLOT = "slot"  # slot index in the day (0-based)
START = "start"  # "HH:MM"
END = "end"
HELD = "held"  # the meeting has started or is over: a re-plan keeps it where it is
REASON = "reason"  # French: why a request was not placed
MOVED = "moved"  # re-plan: the meeting moved from where the previous plan had it

KIND_PERSON = "candidat"
KIND_FIRMS = "entreprises"

TABLE_COLUMNS = (TABLE, ROOM, FIRM)
FIRM_COLUMNS = (FIRM, QPV, ARRIVAL, DEPARTURE, CONTACT)
PEOPLE_COLUMNS = (PERSON, PROFILE_REF, STRUCTURE, COUNSELLOR, ARRIVAL, DEPARTURE, ACCOMPANIED)
REQUEST_COLUMNS = (REQUEST, KIND, FIRM, PERSON, OTHER_FIRM, OFFER_REF, SCORE)
MEETING_COLUMNS = (
    REQUEST, KIND, SLOT, START, END, ROOM, TABLE, FIRM, PERSON, OTHER_FIRM, PROFILE_REF,
    STRUCTURE, COUNSELLOR, ACCOMPANIED, OFFER_REF, SCORE, HELD,
)  # fmt: skip
UNPLACED_COLUMNS = (REQUEST, KIND, FIRM, PERSON, OTHER_FIRM, PROFILE_REF, STRUCTURE, OFFER_REF,
                    SCORE, REASON)  # fmt: skip

_TIME = re.compile(r"^\s*(\d{1,2})\s*[hH:]\s*(\d{2})?\s*$")


def person_key(structure: str, profile_ref: str) -> str:
    """The key of a person in the day's frames (a reference is unique within its structure)."""
    return f"{structure}|{profile_ref}"


def parse_time(text: object, where: str) -> int:
    """ "9:30", "09h30", "14h" -> minutes since midnight; a French error naming ``where``."""
    match = _TIME.match(str(text))
    if match:
        hours, minutes = int(match.group(1)), int(match.group(2) or 0)
        if hours < 24 and minutes < 60:
            return hours * 60 + minutes
    raise UserError(f"{where} : heure « {text} » illisible (attendu HH:MM, par exemple 09:30)")


def fmt_time(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


@dataclass(frozen=True)
class Slot:
    index: int
    start: int  # minutes since midnight
    end: int

    @property
    def label(self) -> str:
        return f"{fmt_time(self.start)}–{fmt_time(self.end)}"


@dataclass(frozen=True)
class DayFrame:
    """The day's hours: start, end, slot length and breaks (lunch...). The defaults give the
    Busin'ESS day's 16 slots of 20 minutes (9:00-12:00 and 14:00-16:20)."""

    date: str = ""  # ISO date, shown on the documents ("" when not set)
    start: str = "09:00"
    end: str = "16:20"
    slot_minutes: int = 20
    breaks: tuple[tuple[str, str], ...] = (("12:00", "14:00"),)

    def slots(self) -> list[Slot]:
        """The meeting slots: consecutive slots of ``slot_minutes`` from the start, none
        overlapping a break; after a break slots start again at its end."""
        start = parse_time(self.start, "journée, début")
        end = parse_time(self.end, "journée, fin")
        if end <= start:
            raise UserError(
                f"journée : la fin ({self.end}) doit être après le début ({self.start})"
            )
        if not 5 <= self.slot_minutes <= 240:
            raise UserError(
                f"journée : durée d'un créneau de {self.slot_minutes} min (entre 5 et 240 min)"
            )
        breaks = sorted(
            (parse_time(a, f"pause {i}, début"), parse_time(b, f"pause {i}, fin"))
            for i, (a, b) in enumerate(self.breaks, start=1)
        )
        for a, b in breaks:
            if b <= a:
                raise UserError(
                    f"pause {fmt_time(a)}–{fmt_time(b)} : la fin doit être après le début"
                )
        slots: list[Slot] = []
        t = start
        while t + self.slot_minutes <= end:
            clash = next(((a, b) for a, b in breaks if t < b and a < t + self.slot_minutes), None)
            if clash is not None:
                t = max(t, clash[1])
                continue
            slots.append(Slot(len(slots), t, t + self.slot_minutes))
            t += self.slot_minutes
        if not slots:
            raise UserError("journée : aucun créneau possible avec ces horaires et ces pauses")
        return slots

    def to_dict(self) -> dict:
        return {"date": self.date, "start": self.start, "end": self.end,
                "slot_minutes": self.slot_minutes, "breaks": [list(b) for b in self.breaks]}  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict) -> DayFrame:
        return cls(
            date=str(data.get("date") or ""),
            start=str(data.get("start", cls.start)),
            end=str(data.get("end", cls.end)),
            slot_minutes=int(data.get("slot_minutes", cls.slot_minutes)),
            breaks=tuple((str(a), str(b)) for a, b in data.get("breaks", cls.breaks)),
        )


def _frame(data: pd.DataFrame | None, columns: tuple[str, ...], defaults: dict) -> pd.DataFrame:
    import pandas as pd

    frame = pd.DataFrame(columns=list(columns)) if data is None else data.copy()
    for c in columns:
        if c not in frame:
            frame[c] = defaults.get(c, "")
    frame = frame[list(columns)].reset_index(drop=True)
    for c, v in defaults.items():
        if isinstance(v, str):
            frame[c] = frame[c].fillna(v).astype(str).str.strip()
    return frame


def as_bool(value: object) -> bool:
    import pandas as pd

    if isinstance(value, str):
        return value.strip().lower() in ("oui", "o", "yes", "y", "true", "vrai", "1", "x")
    return bool(value) and not pd.isna(value)


@dataclass
class DayProblem:
    """Everything the planner needs. Build with :func:`make_problem` (checks and defaults)."""

    day: DayFrame
    tables: pd.DataFrame  # TABLE_COLUMNS; FIRM "" for a shared table
    firms: pd.DataFrame  # FIRM_COLUMNS
    people: pd.DataFrame  # PEOPLE_COLUMNS
    requests: pd.DataFrame  # REQUEST_COLUMNS
    slots: list[Slot] = field(default_factory=list)

    def window(self, arrival: str, departure: str, where: str) -> tuple[int, int]:
        """(from, to) in minutes of a party's presence; empty fields mean the whole day."""
        first, last = self.slots[0].start, self.slots[-1].end
        a = parse_time(arrival, f"{where}, arrivée") if arrival else first
        b = parse_time(departure, f"{where}, départ") if departure else last
        return a, b


def make_problem(
    day: DayFrame,
    tables: pd.DataFrame,
    requests: pd.DataFrame,
    firms: pd.DataFrame | None = None,
    people: pd.DataFrame | None = None,
) -> DayProblem:
    """A checked problem: missing firms and people are added with the whole day as window, not
    accompanied; every problem is a French :class:`UserError` saying what and where.

    ``requests`` needs FIRM and either PERSON (with STRUCTURE and PROFILE_REF in ``people``) or
    OTHER_FIRM; REQUEST ids are made when absent."""
    slots = day.slots()
    tables = _checked_tables(tables)
    requests = _checked_requests(requests)
    firms = _all_firms(firms, requests, tables)
    people = _all_people(people, requests)
    problem = DayProblem(day, tables, firms, people, requests.reset_index(drop=True), slots)
    for _, f in firms.iterrows():
        problem.window(f[ARRIVAL], f[DEPARTURE], f"entreprise « {f[FIRM]} »")
    for _, p in people.iterrows():
        problem.window(p[ARRIVAL], p[DEPARTURE], f"personne {p[PROFILE_REF]} ({p[STRUCTURE]})")
    return problem


def _checked_tables(tables: pd.DataFrame) -> pd.DataFrame:
    """Every table named, in a room, once."""
    tables = _frame(tables, TABLE_COLUMNS, {TABLE: "", ROOM: "", FIRM: ""})
    if tables.empty:
        raise UserError("journée : aucune table ; indiquez les tables et leurs salles")
    for i, t in tables.iterrows():
        if not t[TABLE]:
            raise UserError(f"tables, ligne {i + 1} : nom de table vide")
        if not t[ROOM]:
            raise UserError(f"table « {t[TABLE]} » : salle non précisée")
    dup = tables[TABLE][tables[TABLE].duplicated()]
    if not dup.empty:
        raise UserError(f"tables : la table « {dup.iloc[0]} » apparaît deux fois")
    return tables


def _checked_requests(requests: pd.DataFrame) -> pd.DataFrame:
    """Every request with an id, a firm and either a person or another firm, asked once; its
    score between 0 and 1."""
    import pandas as pd

    requests = _frame(
        requests, REQUEST_COLUMNS,
        {REQUEST: "", KIND: "", FIRM: "", PERSON: "", OTHER_FIRM: "", OFFER_REF: ""},
    )  # fmt: skip
    requests[SCORE] = pd.to_numeric(requests[SCORE], errors="coerce").fillna(0.0).clip(0, 1)
    missing_id = requests[REQUEST] == ""
    requests.loc[missing_id, REQUEST] = [f"R{i + 1:04d}" for i in requests.index[missing_id]]
    dup = requests[REQUEST][requests[REQUEST].duplicated()]
    if not dup.empty:
        raise UserError(f"rendez-vous : l'identifiant « {dup.iloc[0]} » apparaît deux fois")
    for _, r in requests.iterrows():
        where = f"rendez-vous {r[REQUEST]}"
        if not r[FIRM]:
            raise UserError(f"{where} : entreprise non précisée")
        if bool(r[PERSON]) == bool(r[OTHER_FIRM]):
            raise UserError(f"{where} : indiquez soit une personne, soit une seconde entreprise")
        if r[OTHER_FIRM] == r[FIRM]:
            raise UserError(f"{where} : une entreprise ne se rencontre pas elle-même")
    requests[KIND] = [KIND_PERSON if p else KIND_FIRMS for p in requests[PERSON]]
    pair = requests[[FIRM, PERSON, OTHER_FIRM]].duplicated()
    if pair.any():
        r = requests[pair].iloc[0]
        raise UserError(f"rendez-vous {r[REQUEST]} : demandé deux fois (même entreprise, même "
                        "personne ou entreprise)")  # fmt: skip
    return requests


def _all_firms(
    firms: pd.DataFrame | None, requests: pd.DataFrame, tables: pd.DataFrame
) -> pd.DataFrame:
    """The firms given, plus those the requests and tables name (the whole day, not QPV)."""
    import pandas as pd

    firms = _frame(firms, FIRM_COLUMNS, {FIRM: "", ARRIVAL: "", DEPARTURE: "", CONTACT: ""})
    firms[QPV] = [as_bool(v) for v in firms[QPV]]
    firms = firms[firms[FIRM] != ""].drop_duplicates(FIRM, keep="first")
    named = set(requests[FIRM]) | set(requests[OTHER_FIRM]) | set(tables[FIRM])
    named.discard("")
    extra = sorted(named - set(firms[FIRM]))
    if extra:
        add = pd.DataFrame({FIRM: extra, QPV: False, ARRIVAL: "", DEPARTURE: "", CONTACT: ""})
        firms = pd.concat([firms, add], ignore_index=True) if len(firms) else add
    firms = firms.reset_index(drop=True)
    return firms


def _all_people(people: pd.DataFrame | None, requests: pd.DataFrame) -> pd.DataFrame:
    """The people given, plus those the requests name (the whole day, not accompanied)."""
    import pandas as pd

    people = _frame(
        people, PEOPLE_COLUMNS,
        {PERSON: "", PROFILE_REF: "", STRUCTURE: "", COUNSELLOR: "", ARRIVAL: "", DEPARTURE: ""},
    )  # fmt: skip
    people[ACCOMPANIED] = [as_bool(v) for v in people[ACCOMPANIED]]
    no_key = people[PERSON] == ""
    people.loc[no_key, PERSON] = [
        person_key(s, p)
        for s, p in zip(people.loc[no_key, STRUCTURE], people.loc[no_key, PROFILE_REF], strict=True)
    ]
    people = people.drop_duplicates(PERSON, keep="first")
    unknown = sorted(set(requests[PERSON]) - set(people[PERSON]) - {""})
    if unknown:
        _structure, _, ref = unknown[0].partition("|")
        if not ref:
            raise UserError(f"rendez-vous : personne « {unknown[0]} » inconnue (attendu "
                            "« structure|référence »)")  # fmt: skip
        add = pd.DataFrame([
            {PERSON: k, PROFILE_REF: k.partition("|")[2], STRUCTURE: k.partition("|")[0],
             COUNSELLOR: "", ARRIVAL: "", DEPARTURE: "", ACCOMPANIED: False}
            for k in unknown
        ])  # fmt: skip
        people = pd.concat([people, add], ignore_index=True) if len(people) else add
    people = people.reset_index(drop=True)
    return people


def counsellor_key(person: pd.Series | dict) -> str:
    """Who accompanies a person: their structure's counsellor (the structure itself when the
    profile names none: one accompanying counsellor for the structure)."""
    return f"{person[STRUCTURE]}|{person[COUNSELLOR] or '(conseiller)'}"
