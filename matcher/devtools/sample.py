"""Deterministic generator of realistic, messy sample input files.

The files written here imitate what the partners of the Béthune-Bruay territory really send: two
coordinator spreadsheets of job offers collected from local firms, and one file per insertion
structure (ACI, EI, AI, GEIQ, ETTI, PLIE) listing anonymised job-seeker profiles. Each file has
its own column names, header position, encoding and habits (typos, free-text dates, several
skills in one cell, a duplicated row, a row without identifier, a comment column where a
counsellor wrote a phone number, a file carrying personal columns it should not have...), so
that the importer and the matcher are exercised on what they will meet in the field.

Everything is drawn from ``random.Random(seed)``, from the sample's specification
(``data/sample_spec``: firms, structures, their files' columns and the vocabulary people use, read
by :mod:`matcher.devtools.sample_spec`) and from the built-in referential (``data/referentiel``)
and communes table (``data/communes``); no current date is used (the
reference date is :data:`REFERENCE_DATE`). Two runs with the same seed write byte-identical CSV
files and xlsx files with identical cells (and, as far as openpyxl allows, identical bytes: the
workbook timestamps and the zip entry dates are fixed).

No real person appears anywhere: identifiers are pseudonymous codes, counsellor names are
invented, phone numbers are masked or taken from the ranges reserved for fiction, e-mail
addresses use the reserved ``example.com`` domain, and the deliberately forbidden columns
("Nom", "Prénom", "Date de naissance", "Sexe") hold obviously fake values.

Usage::

    from pathlib import Path
    from matcher.devtools.sample import generate_sample
    generate_sample(Path("data/sample"), seed=2026)
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import cast

import pandas as pd

from matcher.devtools.sample_files import (
    ProfileInfo,
    Sheet,
    default_widths,
    readme_text,
    write_xlsx,
)
from matcher.devtools.sample_spec import (
    COLLECTION_DATE,
    COMMENT,
    FORBIDDEN,
    IGNORED,
    OFFERS_EXTRA_COLUMNS,
    OFFERS_EXTRA_FILE,
    OFFERS_MAIN_COLUMNS,
    OFFERS_MAIN_FILE,
    REFERENCE_DATE,
    STRUCTURES_MANIFEST,
    Firm,
    Reference,
    Structure,
    load_firms,
    load_reference,
    load_structures,
    load_table,
)
from matcher.devtools.sample_writing import (
    MONTHS,
    MONTHS_SHORT,
    french_date,
    join_list,
    lower_first,
    mess_commune,
    offer_title,
    typo,
    write_skill,
)
from matcher.fields import (
    AVAILABILITY,
    AVAILABLE_FROM,
    COMMUNE,
    CONTRACT_TYPE,
    CONTRACT_TYPES,
    COUNSELLOR,
    DESCRIPTION,
    EMPLOYER,
    EMPLOYER_CONTACT,
    EXPERIENCE,
    EXPERIENCE_REQUIRED,
    LICENCE,
    LICENCE_REQUIRED,
    MOBILITY_KM,
    OFFER_REF,
    POSITIONS,
    POSTAL_CODE,
    PROFILE_REF,
    QPV,
    ROME_CODE,
    ROME_CODES,
    SCHEDULE,
    SKILLS,
    START_DATE,
    TARGET_JOBS,
    TITLE,
    TRAINING,
    TRANSPORT,
    WANTED_HOURS,
    WEEKLY_HOURS,
)

__all__ = [
    "COMMENT",
    "FORBIDDEN",
    "IGNORED",
    "OFFERS_EXTRA_COLUMNS",
    "OFFERS_EXTRA_FILE",
    "OFFERS_MAIN_COLUMNS",
    "OFFERS_MAIN_FILE",
    "REFERENCE_DATE",
    "STRUCTURES_MANIFEST",
    "generate_sample",
]

log = logging.getLogger(__name__)

_EXCEL_EPOCH = dt.date(1899, 12, 30)

# The spec (data/sample_spec/): firms, structures and the vocabulary of offers and profiles.
_FIRMS: tuple[Firm, ...] = load_firms()
_STRUCTURES: tuple[Structure, ...] = load_structures()
_Firm = Firm  # the names the tests have always used
_Structure = Structure

_OFFERS = load_table("offers.toml")
_DESCRIPTION_INTROS = _OFFERS.texts("description_intros")
_EXPERIENCE_REQUIRED = _OFFERS.texts("experience_required")
_CONTACT_ROLES = _OFFERS.texts("contact_roles")
_CONTACT_FORMATS = _OFFERS.texts("contact_formats")
_EXTRA_REMARKS = _OFFERS.texts("extra_remarks")
_INTERIM_CONTRACTS = _OFFERS.texts("interim_contracts")
_HOURS_DEFAULT = _OFFERS.texts("hours_default")
_CONTRACTS_BY_KIND = _OFFERS.texts_map("contracts_by_kind")
_HOURS_BY_SECTOR = _OFFERS.texts_map("hours_by_sector")
_SCHEDULES_BY_SECTOR = _OFFERS.texts_map("schedules_by_sector")
_SCHEDULES_BY_CODE = _OFFERS.texts_map("schedules_by_code")
_LICENCE_NEED = _OFFERS.number_map("licence_need")
_RARE_SKILLS = _OFFERS.texts_map("rare_skills")
_DESC_EXTRA = _OFFERS.texts_map("description_extras")

_PROFILES = load_table("profiles.toml")
_FIRST_STEPS = _PROFILES.texts("first_steps")
_COMMON_PAST_JOBS = _PROFILES.texts("common_past_jobs")
_GENERIC_TRAININGS = _PROFILES.texts("generic_trainings")
_SOFT_SKILLS = _PROFILES.texts("soft_skills")
_SECTOR_CONTEXTS = _PROFILES.texts_map("sector_contexts")
_CODE_CONTEXTS = _PROFILES.texts_map("code_contexts")
_CODE_TRAININGS = _PROFILES.texts_map("code_trainings")
_WANTED_HOURS = _PROFILES.texts("wanted_hours")
_WANTED_HOURS_HOME_CARE = _PROFILES.texts("wanted_hours_home_care")
_AVAILABILITIES = _PROFILES.texts("availabilities")
_ACCEPTED_CONTRACTS = _PROFILES.texts("accepted_contracts")
_TRANSPORTS = _PROFILES.texts("transports")
_COUNSELLOR_COMMENTS = _PROFILES.texts("counsellor_comments")
_FAR_COMMUNES = _PROFILES.texts("far_communes")
_FAKE_FIRST = _PROFILES.texts("fake_first_names")


# --------------------------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------------------------
def _future_day(rng: random.Random, max_days: int = 120) -> dt.date:
    return REFERENCE_DATE + dt.timedelta(days=rng.randint(1, max_days))


def _as_datetime(day: dt.date) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day)


def _distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371 * math.asin(math.sqrt(h))


def _weighted(rng: random.Random, weights: Mapping[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys], k=1)[0]


# --------------------------------------------------------------------------------------------
# Offers
# --------------------------------------------------------------------------------------------
def _offer_skills(code: str, ref: Reference, rng: random.Random) -> list[str]:
    core = [s for s, c in ref.skills[code] if c]
    other = [s for s, c in ref.skills[code] if not c]
    chosen = rng.sample(core, k=min(len(core), rng.randint(2, 3)))
    chosen += rng.sample(other, k=min(len(other), rng.randint(1, 3)))
    if rng.random() < 0.12:
        chosen.append(rng.choice(_RARE_SKILLS[ref.sector[code]]))
    return [write_skill(s, rng, sloppy=0.12) for s in chosen]


def _description(firm: Firm, code: str, title: str, ref: Reference, rng: random.Random) -> str:
    if rng.random() < 0.08:
        return ""
    plain = re.sub(r"\s*[-(]?\s*(H/F|F/H)\)?$", "", title).strip()
    intro = rng.choice(_DESCRIPTION_INTROS).format(
        firm=firm.name, job=lower_first(plain), commune=firm.commune
    )
    core = [lower_first(s) for s, c in ref.skills[code] if c]
    missions = rng.sample(core, k=min(2, len(core)))
    text = f"{intro} Missions : {', '.join(missions)}."
    if rng.random() < 0.6:
        text += " " + rng.choice(_DESC_EXTRA[ref.sector[code]])
    if firm.kind == "ess" and rng.random() < 0.7:
        text += " Poste en parcours d'insertion, accompagnement socioprofessionnel assuré."
    return text


def _make_offer(firm: Firm, ref: Reference, rng: random.Random, hard: bool) -> dict[str, object]:
    codes = firm.codes
    code = rng.choices(codes, weights=[4] + [2] * (len(codes) - 1), k=1)[0]
    sector = ref.sector[code]
    title = offer_title(rng.choice(ref.titles[code]), rng)
    skills = _offer_skills(code, ref, rng)
    contracts = list(_CONTRACTS_BY_KIND[firm.kind])
    if sector in ("Logistique", "Industrie") and firm.kind == "pme":
        contracts += list(_INTERIM_CONTRACTS)
    hours = _HOURS_BY_SECTOR.get(sector, _HOURS_DEFAULT)
    schedules = _SCHEDULES_BY_CODE.get(code, _SCHEDULES_BY_SECTOR[sector])
    schedule = rng.choice(schedules) if rng.random() < 0.75 else ""
    need = _LICENCE_NEED.get(code, 0.08)
    if hard:
        kind = rng.randrange(3)
        if kind == 0:
            need = 1.0
        elif kind == 1:
            schedule = rng.choice(("nuit", "travail de nuit 21h-5h", "3x8 dont nuits"))
        else:
            skills.append(write_skill(rng.choice(_RARE_SKILLS[sector]), rng, 0.0))
    if rng.random() < need:
        licence = rng.choice(("Permis B", "oui", "VL", "Permis B obligatoire", "B + véhicule"))
    else:
        licence = rng.choice(("non", "", "", "Non", "pas nécessaire", "souhaité"))
    if rng.random() < 0.18:
        start: object = rng.choice(("dès que possible", "ASAP", "immédiat", "Dès que possible"))
    else:
        start = french_date(_future_day(rng), rng)
    multi = sector in ("Logistique", "Industrie", "Propreté") and rng.random() < 0.4
    positions = rng.randint(2, 5) if multi else 1
    experience = rng.choice(_EXPERIENCE_REQUIRED)
    role = rng.choice(_CONTACT_ROLES)
    contact = rng.choice(_CONTACT_FORMATS).format(role=role)
    return {
        EMPLOYER: firm.name,
        TITLE: title,
        DESCRIPTION: _description(firm, code, title, ref, rng),
        "_skills": skills,
        COMMUNE: firm.commune,
        POSTAL_CODE: ref.communes[firm.commune][1],
        QPV: firm.qpv,
        CONTRACT_TYPE: rng.choice(contracts),
        WEEKLY_HOURS: rng.choice(hours),
        SCHEDULE: schedule,
        LICENCE_REQUIRED: licence,
        START_DATE: start,
        POSITIONS: positions,
        EXPERIENCE_REQUIRED: experience,
        ROME_CODE: code,
        EMPLOYER_CONTACT: contact,
        "_code": code,
        "_hard": hard,
    }


def _offer_skills_of(offer: dict[str, object]) -> list[str]:
    """The skills list that :func:`_make_offer` keeps under ``_skills``."""
    return cast(list[str], offer["_skills"])


def _generate_offers(ref: Reference, rng: random.Random) -> list[dict[str, object]]:
    offers: list[dict[str, object]] = []
    for firm in _FIRMS:
        n = 1 + (rng.random() < 0.66) + (rng.random() < 0.34)
        for _ in range(n):
            offers.append(_make_offer(firm, ref, rng, hard=rng.random() < 0.12))
    rng.shuffle(offers)
    return offers


def _offers_main_frame(offers: list[dict[str, object]], rng: random.Random) -> pd.DataFrame:
    rows = []
    number = 0
    for offer in offers:
        number += 1 + (rng.random() < 0.04)  # a few numbers skipped (offers withdrawn)
        qpv = offer[QPV]
        if qpv:
            qpv_cell = qpv if rng.random() < 0.8 else "oui"
        else:
            qpv_cell = "non" if rng.random() < 0.4 else ""
        start = offer[START_DATE]
        if rng.random() < 0.25 and start not in ("dès que possible", "ASAP", "immédiat"):
            start = _as_datetime(_future_day(rng))  # a real date cell
        rome = str(offer[ROME_CODE]) if rng.random() < 0.35 else ""  # a code: already a str
        if rome and rng.random() < 0.08:
            rome = rng.choice((rome.lower(), f"{rome} ", f"{rome[0]} {rome[1:]}"))
        skills_cell = join_list(
            _offer_skills_of(offer), rng, ("; ", ", ", " / ", "lines", "bullets")
        )
        rows.append(
            {
                OFFER_REF: f"BUS26-{number:03d}",
                EMPLOYER: offer[EMPLOYER],
                TITLE: offer[TITLE],
                DESCRIPTION: offer[DESCRIPTION],
                SKILLS: skills_cell,
                COMMUNE: mess_commune(str(offer[COMMUNE]), rng, 0.2),
                POSTAL_CODE: "" if rng.random() < 0.07 else offer[POSTAL_CODE],
                QPV: qpv_cell,
                CONTRACT_TYPE: offer[CONTRACT_TYPE],
                WEEKLY_HOURS: offer[WEEKLY_HOURS],
                SCHEDULE: offer[SCHEDULE],
                LICENCE_REQUIRED: offer[LICENCE_REQUIRED],
                START_DATE: start,
                POSITIONS: offer[POSITIONS],
                EXPERIENCE_REQUIRED: offer[EXPERIENCE_REQUIRED],
                ROME_CODE: rome,
                EMPLOYER_CONTACT: offer[EMPLOYER_CONTACT],
            }
        )
    return pd.DataFrame(rows, columns=[f for _, f in OFFERS_MAIN_COLUMNS])


def _offers_extra_frame(offers: list[dict[str, object]], rng: random.Random) -> pd.DataFrame:
    rows = []
    for offer in offers:
        qpv = offer[QPV]
        if qpv:
            qpv_cell = "oui" if rng.random() < 0.85 else qpv
        else:
            qpv_cell = rng.choice(("non", "", "Non"))
        postal: object = offer[POSTAL_CODE]
        if rng.random() < 0.5:
            postal = int(str(postal))  # typed as a number in this spreadsheet
        if rng.random() < 0.05:
            postal = ""
        positions: object = offer[POSITIONS]
        if rng.random() < 0.15:
            positions = f"{positions} poste{'s' if int(str(positions)) > 1 else ''}"
        skills_cell = join_list(
            _offer_skills_of(offer), rng, (" - ", "; ", "lines", "bullets", ", ")
        )
        rows.append(
            {
                EMPLOYER: offer[EMPLOYER],
                TITLE: offer[TITLE],
                CONTRACT_TYPE: offer[CONTRACT_TYPE],
                WEEKLY_HOURS: offer[WEEKLY_HOURS],
                COMMUNE: mess_commune(str(offer[COMMUNE]), rng, 0.25),
                POSTAL_CODE: postal,
                QPV: qpv_cell,
                DESCRIPTION: offer[DESCRIPTION],
                SKILLS: skills_cell,
                SCHEDULE: offer[SCHEDULE],
                LICENCE_REQUIRED: offer[LICENCE_REQUIRED],
                START_DATE: offer[START_DATE],
                POSITIONS: positions,
                EXPERIENCE_REQUIRED: offer[EXPERIENCE_REQUIRED],
                EMPLOYER_CONTACT: offer[EMPLOYER_CONTACT],
                IGNORED: rng.choice(_EXTRA_REMARKS),
            }
        )
    return pd.DataFrame(rows, columns=[f for _, f in OFFERS_EXTRA_COLUMNS])


# --------------------------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------------------------
def _pick_codes(struct: Structure, ref: Reference, rng: random.Random) -> list[str]:
    first = _weighted(rng, struct.weights)
    codes = [first]
    n_extra = (rng.random() < 0.5) + (rng.random() < 0.12)
    for _ in range(n_extra):
        near = [c for c in ref.close[codes[-1]] if c not in codes]
        local = [c for c in near if c in struct.weights]
        pool = local if local and rng.random() < 0.75 else near
        if not pool:
            pool = [c for c in struct.weights if c not in codes]
        if pool:
            codes.append(rng.choice(sorted(pool)))
    return codes


def _pick_commune(struct: Structure, ref: Reference, rng: random.Random) -> str:
    if rng.random() < 0.04:
        return rng.choice(_FAR_COMMUNES)
    home = ref.communes[struct.home][2:]
    weights = {
        name: math.exp(-_distance_km(home, (lat, lon)) / 7.0) + (0.8 if name == struct.home else 0)
        for name, (_, _, lat, lon) in ref.communes.items()
        if name not in _FAR_COMMUNES
    }
    return _weighted(rng, weights)


def _experience_text(codes: list[str], level: int, ref: Reference, rng: random.Random) -> str:
    entries: list[str] = []
    if level == 0:
        job = lower_first(rng.choice(ref.titles[codes[0]]))
        context = rng.choice(_SECTOR_CONTEXTS[ref.sector[codes[0]]])  # drawn before the phrase
        entries.append(rng.choice(_FIRST_STEPS).format(job=job, context=context))
    else:
        for code in codes[: 1 + (level == 2) + (rng.random() < 0.3)]:
            job = lower_first(rng.choice(ref.titles[code]))
            if level == 2:
                duration = rng.choice(("2 ans", "3 ans", "5 ans", "18 mois", "10 ans", "1 an"))
            else:
                duration = rng.choice(("6 mois", "3 mois", "1 an", "8 mois", "4 mois"))
            ctx = rng.choice(_CODE_CONTEXTS.get(code, _SECTOR_CONTEXTS[ref.sector[code]]))
            entries.append(f"{duration} {job} {ctx}")
    if rng.random() < 0.25:
        other = rng.choice(_COMMON_PAST_JOBS)
        entries.append(
            f"{rng.choice(('6 mois', '3 mois', '1 an'))} {lower_first(ref.titles[other][0])}"
        )
    return join_list(entries, rng, (", ", "; ", "lines", " / "))


def _training_items(codes: list[str], skills: list[str], rng: random.Random) -> list[str]:
    items: list[str] = []
    for code in codes:
        if rng.random() < 0.55:
            items.append(rng.choice(_CODE_TRAININGS[code]))
    joined = " ".join(skills)
    if "CACES R489" in joined and not any("CACES" in i for i in items):
        items.append(rng.choice(("CACES R489 cat 1 et 3", "CACES 1-3-5", "CACES R489 cat 3")))
    if "CNAPS" in joined and not any("APS" in i for i in items):
        items.append("CQP APS")
    if rng.random() < 0.35:
        items.append(rng.choice(_GENERIC_TRAININGS))
    return list(dict.fromkeys(items))


def _target_jobs_text(codes: list[str], ref: Reference, rng: random.Random) -> str:
    names = []
    for code in codes:
        name = rng.choice(ref.titles[code])
        if rng.random() < 0.5:
            name = lower_first(name)
        if rng.random() < 0.08:
            name = typo(name, rng)
        names.append(name)
    if len(codes) == 1 and rng.random() < 0.08:
        return rng.choice((f"tout poste en {ref.sector[codes[0]].lower()}", ref.sector[codes[0]]))
    return join_list(names, rng, (" / ", "; ", " ou ", ", ", "/"))


@dataclass
class _Person:
    codes: list[str]
    level: int
    skills: list[str]
    raw_skills: list[str]
    experience: str
    training: list[str]
    commune: str
    km: int | None
    licence: str  # "B", "en cours", "aucun"
    vehicle: bool
    transport: str
    contracts: str
    hours: str
    availability: str
    available: dt.date | None  # None = immediately


def _make_person(struct: Structure, ref: Reference, rng: random.Random) -> _Person:
    codes = _pick_codes(struct, ref, rng)
    level = rng.choices((0, 1, 2), weights=(25, 45, 30), k=1)[0]
    n_skills = (rng.randint(2, 3), rng.randint(3, 5), rng.randint(5, 8))[level]
    pool: list[tuple[str, bool]] = []
    for i, code in enumerate(codes):
        pool += [(s, core) for s, core in ref.skills[code] if i == 0 or core]
    pool = list(dict.fromkeys(pool))
    core_first = [s for s, c in pool if c] + [s for s, c in pool if not c]
    raw: list[str] = []
    for skill in core_first:
        if len(raw) >= n_skills:
            break
        if rng.random() < 0.7:
            raw.append(skill)
    if not raw:
        raw.append(core_first[0])
    if rng.random() < 0.05:
        raw.append(rng.choice(_RARE_SKILLS[ref.sector[codes[0]]]))
    skills = list(dict.fromkeys(write_skill(s, rng, sloppy=0.15) for s in raw))
    if rng.random() < 0.25:
        skills.append(rng.choice(_SOFT_SKILLS))
    needs_car = any(_LICENCE_NEED.get(c, 0.0) >= 0.6 for c in codes)
    odds = (75, 15, 10) if needs_car else (45, 12, 43)
    licence = rng.choices(("B", "en cours", "aucun"), weights=odds, k=1)[0]
    vehicle = licence == "B" and rng.random() < 0.7
    if vehicle:
        transport = "voiture"
        km: int | None = rng.choice((10, 15, 20, 25, 30, 30, 40))
    else:
        transport = rng.choice(_TRANSPORTS)
        km = rng.choice((3, 5, 5, 8, 10, 10, 15))
    if rng.random() < 0.08:
        km = None
    hours = rng.choice(_WANTED_HOURS)
    if ref.sector[codes[0]] == "Services à la personne" and rng.random() < 0.5:
        hours = rng.choice(_WANTED_HOURS_HOME_CARE)
    availability = rng.choice(_AVAILABILITIES)
    available = None if rng.random() < 0.4 else _future_day(rng, 100)
    return _Person(
        codes=codes,
        level=level,
        skills=skills,
        raw_skills=raw,
        experience=_experience_text(codes, level, ref, rng),
        training=_training_items(codes, raw, rng),
        commune=_pick_commune(struct, ref, rng),
        km=km,
        licence=licence,
        vehicle=vehicle,
        transport=transport,
        contracts=rng.choice(_ACCEPTED_CONTRACTS),
        hours=hours,
        availability=availability,
        available=available,
    )


def _mobility_text(p: _Person, rng: random.Random) -> str:
    if p.km is None:
        return ""
    if p.vehicle and rng.random() < 0.25:
        return rng.choice(("permis B + voiture", "véhiculé(e)", f"{p.km} km en voiture"))
    if not p.vehicle and rng.random() < 0.35:
        return rng.choice(
            {
                "vélo": ("vélo", "vélo uniquement"),
                "à pied": ("à pied", "pas de mobilité"),
                "bus": ("bus uniquement",),
                "transports en commun": ("bus uniquement", "transports en commun"),
            }.get(p.transport, ("bus uniquement", f"{p.km} km"))
        )
    return rng.choice((f"{p.km} km", f"{p.km}kms", f"{p.km} km max", f"{p.km}km", f"{p.km} kms"))


def _licence_text(p: _Person, struct: Structure, rng: random.Random) -> str:
    if struct.key == "geiq":
        return {"B": "oui", "en cours": "en cours", "aucun": "non"}[p.licence]
    vocab = {
        "B": ("B", "oui", "Permis B", "B"),
        "en cours": ("en cours", "code obtenu", "en cours (conduite)"),
        "aucun": ("non", "aucun", "non", "pas de permis"),
    }
    return rng.choice(vocab[p.licence])


def _available_cell(p: _Person, struct: Structure, rng: random.Random) -> object:
    if p.available is None:
        return rng.choice(("immédiate", "immédiatement", "de suite", "dès maintenant", "immédiate"))
    day = p.available
    if struct.key in ("geiq", "ei_rs", "ei_ap") and rng.random() < 0.8:
        return _as_datetime(day)
    if struct.key == "etti" and rng.random() < 0.3:
        return str((day - _EXCEL_EPOCH).days)  # serial number pasted as text
    if struct.key in ("aci_jb", "plie") and rng.random() < 0.4:
        return _as_datetime(day)
    if rng.random() < 0.6:
        return day.strftime("%d/%m/%Y")
    return rng.choice(
        (
            f"fin {MONTHS[day.month - 1]}",
            f"{MONTHS_SHORT[day.month - 1]} {day.year}",
            f"fin de contrat le {day.strftime('%d/%m/%Y')}",
            f"après sa formation ({MONTHS[day.month - 1]})",
        )
    )


def _profile_row(
    p: _Person, struct: Structure, ref: Reference, number: int, rng: random.Random
) -> dict[str, object]:
    _, postal, _, _ = ref.communes[p.commune]
    transport: object = p.transport
    if struct.key in ("geiq", "aci_jb", "etti", "ei_rs"):
        transport = "oui" if p.vehicle else rng.choice(("non", "non", ""))
    mobility: object = _mobility_text(p, rng)
    if struct.key in ("geiq", "plie") and p.km is not None and rng.random() < 0.85:
        mobility = p.km  # plain number of km
    if struct.key == "ai_bs":
        mobility = (
            rng.choice(("permis B + voiture", f"{p.km} km, véhiculé", "voiture"))
            if p.vehicle
            else rng.choice(("bus uniquement", "vélo", "à pied", f"{p.km or 5} km en bus", ""))
        )
    contracts = p.contracts
    if struct.key == "geiq":
        contracts = rng.choice(
            ("Alternance", "contrat de pro", "CDI/CDD", "contrat de professionnalisation")
        )
    hours = p.hours
    if struct.key == "geiq":
        hours = rng.choice(("temps plein", "temps plein", "Temps plein", "partiel"))
    postal_cell: object = postal if rng.random() > 0.05 else ""
    if struct.key == "geiq" and postal_cell:
        postal_cell = int(postal)
    row: dict[str, object] = {
        PROFILE_REF: struct.id_format.format(number=number),
        COUNSELLOR: rng.choice(struct.counsellors),
        TARGET_JOBS: _target_jobs_text(p.codes, ref, rng),
        SKILLS: join_list(p.skills, rng, struct.skill_separators),
        EXPERIENCE: p.experience,
        TRAINING: join_list(p.training, rng, (", ", " / ", "; ", "lines")) if p.training else "",
        COMMUNE: mess_commune(p.commune, rng, 0.15),
        POSTAL_CODE: postal_cell,
        MOBILITY_KM: mobility,
        LICENCE: _licence_text(p, struct, rng),
        TRANSPORT: transport,
        CONTRACT_TYPES: contracts,
        WANTED_HOURS: hours,
        AVAILABILITY: p.availability,
        AVAILABLE_FROM: _available_cell(p, struct, rng),
        COMMENT: rng.choice(_COUNSELLOR_COMMENTS),
    }
    if struct.key in ("geiq", "plie"):
        codes = p.codes if struct.key == "geiq" or rng.random() < 0.7 else []
        row[ROME_CODES] = rng.choice((" / ", ", ", ";")).join(codes)
    return row


def _forbidden_values(number: int, rng: random.Random) -> list[object]:
    """Obviously fake personal values for the columns the importer must drop."""
    return [
        f"FICTIF-{number:03d}",
        rng.choice(_FAKE_FIRST),
        f"01/01/19{70 + number % 30:02d}",
        rng.choice(("F", "M")),
    ]


def _profiles_frame(struct: Structure, ref: Reference, rng: random.Random) -> pd.DataFrame:
    """Profiles of one structure, in its own columns and its own way of writing values."""
    number = rng.randint(5, 60)
    records: list[list[object]] = []
    for _ in range(struct.size):
        person = _make_person(struct, ref, rng)
        row = _profile_row(person, struct, ref, number, rng)
        fake = _forbidden_values(number, rng)
        records.append(
            [fake.pop(0) if f == FORBIDDEN else row.get(f, "") for _, f in struct.columns]
        )
        number += 1 + (rng.random() < 0.1)  # gaps: people who left the structure
    return pd.DataFrame(records, columns=[h for h, _ in struct.columns])


def _excel_row(struct: Structure, index: int) -> int:
    """Row number as Excel (or a spreadsheet opening the CSV) shows it, for frame position index."""
    return struct.header_row + 1 + index


def _apply_profile_messes(
    struct: Structure, frame: pd.DataFrame, rng: random.Random
) -> tuple[pd.DataFrame, list[str]]:
    notes: list[str] = []
    id_col = struct.columns[0][0]
    skills_col = next(h for h, f in struct.columns if f == SKILLS)
    comment_col = next((h for h, f in struct.columns if f == COMMENT), None)
    frame = frame.copy()
    # A skills cell written as a bulleted list on several lines.
    i = rng.randrange(5, len(frame) - 5)
    items = re.split(r"\n- |\n|; |, | / | - ", str(frame.at[i, skills_col]).lstrip("- "))
    frame.at[i, skills_col] = "Compétences :\n" + "\n".join(f"- {x}" for x in items if x)
    notes.append(f"row {_excel_row(struct, i)}: skills written as a bulleted list on several lines")
    if comment_col is not None:
        planted = struct.planted_contacts
        free = [k for k in range(len(frame)) if k != i]
        for text in planted:
            k = free.pop(rng.randrange(len(free)))
            frame.at[k, comment_col] = text
            notes.append(
                f"row {_excel_row(struct, k)}: `{comment_col}` holds contact details typed by a "
                f'counsellor ("{text}"); the importer must redact them'
            )
    if struct.key == "etti":
        # duplicated row, row without identifier, empty row in the middle
        d = rng.randrange(10, len(frame) - 10)
        dup = frame.iloc[[d]]
        frame = pd.concat([frame.iloc[: d + 1], dup, frame.iloc[d + 1 :]], ignore_index=True)
        notes.append(
            f"rows {_excel_row(struct, d)} and {_excel_row(struct, d + 1)}: same person twice"
        )
        m = rng.randrange(d + 3, len(frame) - 3)
        frame.at[m, id_col] = ""
        notes.append(f"row {_excel_row(struct, m)}: identifier missing (to be rejected)")
        e = rng.randrange(5, d - 2)
        blank = pd.DataFrame([[""] * len(frame.columns)], columns=frame.columns)
        frame = pd.concat([frame.iloc[:e], blank, frame.iloc[e:]], ignore_index=True)
        notes = _shift_notes(notes, struct, after=e)
        notes.append(f"row {_excel_row(struct, e)}: empty row in the middle of the data")
    if struct.key == "aci_rl":
        m = rng.randrange(3, len(frame) - 3)
        frame.at[m, id_col] = ""
        notes.append(f"row {_excel_row(struct, m)}: identifier missing (to be rejected)")
    if struct.key == "ei_rs":
        e = rng.randrange(10, len(frame) - 10)
        blank = pd.DataFrame([[None] * len(frame.columns)], columns=frame.columns)
        frame = pd.concat([frame.iloc[:e], blank, frame.iloc[e:]], ignore_index=True)
        notes = _shift_notes(notes, struct, after=e)
        notes.append(f"row {_excel_row(struct, e)}: empty row in the middle of the data")
    if struct.key == "ai_bs":
        notes.append(
            "columns `Nom`, `Prénom`, `Date de naissance`, `Sexe` must not be there: they hold "
            "obviously fake values (FICTIF-nnn, Test...) and the importer must drop them"
        )
    return frame, notes


def _shift_notes(notes: list[str], struct: Structure, after: int) -> list[str]:
    """Row numbers in earlier notes move down by one when a row is inserted before them."""
    limit = _excel_row(struct, after)

    def bump(match: re.Match[str]) -> str:
        n = int(match.group(1))
        return f"row {n + 1}" if n >= limit else match.group(0)

    def bump_pair(match: re.Match[str]) -> str:
        a, b = int(match.group(1)), int(match.group(2))
        a, b = (a + 1 if a >= limit else a), (b + 1 if b >= limit else b)
        return f"rows {a} and {b}"

    out = []
    for note in notes:
        note = re.sub(r"rows (\d+) and (\d+)", bump_pair, note)
        out.append(re.sub(r"(?<!s )\brow (\d+)", bump, note))
    return out


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------
def _offer_frames(
    ref: Reference, rng: random.Random
) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, list[str]]]:
    """The two coordinators' offer tables (canonical columns) and the messes of each file."""
    offers = _generate_offers(ref, rng)
    n_main = round(len(offers) * 2 / 3)
    main_offers, extra_offers = offers[:n_main], offers[n_main:]
    # the same offer sent to both coordinators
    shared_row = rng.randrange(len(main_offers))
    shared = main_offers[shared_row]
    insert_at = rng.randrange(len(extra_offers))
    extra_offers = extra_offers[:insert_at] + [shared] + extra_offers[insert_at:]
    main = _offers_main_frame(main_offers, rng)
    extra = _offers_extra_frame(extra_offers, rng)
    # an offer sent without its job title (to be rejected)
    untitled = rng.choice([i for i in range(len(extra)) if i != insert_at])
    extra.at[untitled, TITLE] = ""
    offer_notes = {
        OFFERS_MAIN_FILE: [
            "`Date de début` mixes real date cells and text (`1er décembre`, `dès que possible`, "
            "`janv. 2027`, `15/12/26`)",
            "`Code ROME` is filled for about a third of the offers, a few written `k2205` or "
            "`K 2205`",
            "`QPV` holds the neighbourhood name, `oui`, `non` or nothing",
            "reference numbers have gaps (offers withdrawn)",
            f"row {len(main) + 4}: a `TOTAL` row after the data (no job title: not an offer)",
        ],
        OFFERS_EXTRA_FILE: [
            "`Code postal` is a number in about half the rows, text in the others",
            "`Nombre de postes` is sometimes text (`2 postes`)",
            "`Quartier prioritaire` holds `oui`/`non`/nothing, rarely the neighbourhood name",
            f"row {untitled + 2}: job title missing (to be rejected)",
            f"row {insert_at + 2}: same offer as row {shared_row + 4} of `{OFFERS_MAIN_FILE}` "
            "(sent to both coordinators)",
        ],
    }
    return main, extra, offer_notes


def _write_offer_files(out_dir: Path, main: pd.DataFrame, extra: pd.DataFrame) -> list[Path]:
    """Both offer workbooks, with the coordinators' headers (and a TOTAL row in the main one)."""
    main_headers = main.rename(columns={f: h for h, f in OFFERS_MAIN_COLUMNS})
    total: dict[str, object] = {h: "" for h, _ in OFFERS_MAIN_COLUMNS}
    total["Entreprise"] = "TOTAL"
    total["Nb de postes"] = int(pd.to_numeric(main[POSITIONS]).sum())
    main_headers = pd.concat([main_headers, pd.DataFrame([total])], ignore_index=True)
    main_path = out_dir / OFFERS_MAIN_FILE
    write_xlsx(
        main_path,
        [
            Sheet(
                "Offres 2026",
                main_headers,
                header_row=3,
                title=f"Busin'ESS 2026 – Offres collectées le {COLLECTION_DATE}",
                merge_title=True,
                widths=default_widths(main_headers),
            )
        ],
    )
    extra_headers = extra.rename(columns={f: h for h, f in OFFERS_EXTRA_COLUMNS})
    extra_path = out_dir / OFFERS_EXTRA_FILE
    write_xlsx(extra_path, [Sheet("Feuil1", extra_headers, widths=default_widths(extra_headers))])
    return [main_path, extra_path]


def _write_profile_file(path: Path, struct: Structure, frame: pd.DataFrame) -> None:
    """One structure's profile file, in its own format (CSV flavour or workbook)."""
    if struct.key == "ai_bs":
        frame.to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")
        return
    if struct.key == "etti":
        frame.to_csv(path, sep=",", index=False, encoding="utf-8-sig", lineterminator="\n")
        return
    sheets = [
        Sheet(
            str(struct.sheet),
            frame,
            header_row=struct.header_row,
            title=struct.title,
            merge_title=struct.header_row == 3,
            widths=default_widths(frame),
        )
    ]
    if struct.key == "ei_ap":
        params = pd.DataFrame(
            {
                "Référents": list(struct.counsellors) + ["", ""],
                "Contrats": ["CDDI", "CDD", "CDI", "Intérim", "tout contrat"],
            }
        )
        sheets.append(Sheet("paramètres", params, hidden=True))
    write_xlsx(path, sheets)


def generate_sample(out_dir: Path, seed: int = 2026) -> list[Path]:
    """Write the sample offer and profile files into ``out_dir``; return their paths, sorted.

    Writes two offer workbooks (``offres_busin_ess_2026.xlsx``, ``offres_complementaires.xlsx``),
    one profile file per insertion structure (8 files, xlsx or CSV) and a ``README.md`` that
    maps every column header to its canonical field and lists the deliberate messes with their
    row numbers. The output depends only on ``seed`` and on the files under ``data/`` (the
    sample's specification is in ``data/sample_spec``).
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    ref = load_reference()

    main, extra, offer_notes = _offer_frames(ref, rng)
    written = _write_offer_files(out_dir, main, extra)
    log.info("offers: %d + %d rows from %d firms", len(main), len(extra), len(_FIRMS))

    profile_info: list[ProfileInfo] = []
    for struct in _STRUCTURES:
        frame = _profiles_frame(struct, ref, rng)
        frame, notes = _apply_profile_messes(struct, frame, rng)
        path = out_dir / struct.filename
        _write_profile_file(path, struct, frame)
        written.append(path)
        profile_info.append((struct, len(frame), notes))
        log.info("profiles: %s, %d rows", struct.filename, len(frame))

    # Which structure sent which file: the files themselves carry no structure column, as in
    # real life (the structure is given at import time).
    manifest = out_dir / STRUCTURES_MANIFEST
    pd.DataFrame(
        {"fichier": [s.filename for s in _STRUCTURES], "structure": [s.name for s in _STRUCTURES]}
    ).to_csv(manifest, index=False, encoding="utf-8", lineterminator="\n")
    written.append(manifest)

    readme = out_dir / "README.md"
    readme.write_text(
        readme_text(main, extra, offer_notes, profile_info, seed), encoding="utf-8", newline="\n"
    )
    written.append(readme)
    return sorted(written)
