"""Synthetic offers and profiles written from an occupation referential, with their true codes.

Used by the ranking evaluation (labelled set built from the official ROME), the benchmark
(100,000 generated profiles) and the fairness test. Offers are written the way firms write them
(a job title of the code, a description built from the code's skills, a skills list); profiles
the way counsellors and job seekers write them (another title of the code, skills shortened,
turned into nouns, without accents, with typos and abbreviations), each with its mobility,
licence, contract and schedule. Everything comes from ``random.Random(seed)``: the same seed
gives the same frames.

The true codes are returned apart (:class:`Truth`), never in the columns the matcher reads, so an
evaluation cannot leak them.
"""

from __future__ import annotations

import datetime as dt
import random
import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd

from matcher import fields as F
from matcher.reference.geo import LAT, LON, NAME, POSTAL, territory_communes
from matcher.reference.referential import CODE, CORE, SKILL, TITLE, Referential, close_pairs
from matcher.text.normalise import ABBREVIATIONS_FILE

REFERENCE_DATE = dt.date(2026, 11, 1)

# Verb -> noun, to write "nettoyage des sols" where the referential says "Nettoyer les sols".
_NOUNS = {
    "nettoyer": "nettoyage", "entretenir": "entretien", "utiliser": "utilisation",
    "préparer": "préparation", "conduire": "conduite", "réaliser": "réalisation",
    "contrôler": "contrôle", "gérer": "gestion", "accueillir": "accueil", "vendre": "vente",
    "ranger": "rangement", "trier": "tri", "charger": "chargement", "installer": "installation",
    "monter": "montage", "poser": "pose", "organiser": "organisation", "respecter": "respect",
    "appliquer": "application", "vérifier": "vérification", "surveiller": "surveillance",
    "planifier": "planification", "former": "formation", "conseiller": "conseil",
    "suivre": "suivi", "traiter": "traitement", "analyser": "analyse", "rédiger": "rédaction",
    "réparer": "réparation", "maintenir": "maintenance", "livrer": "livraison",
    "stocker": "stockage", "emballer": "emballage", "peindre": "peinture", "tailler": "taille",
    "planter": "plantation", "servir": "service", "encaisser": "encaissement",
    "accompagner": "accompagnement", "animer": "animation", "coordonner": "coordination",
    "superviser": "supervision", "identifier": "identification", "évaluer": "évaluation",
    "concevoir": "conception", "développer": "développement", "optimiser": "optimisation",
    "communiquer": "communication", "définir": "définition", "décaper": "décapage",
    "laver": "lavage", "doser": "dosage", "découper": "découpe", "assembler": "assemblage",
    "souder": "soudure", "cuisiner": "cuisine", "manipuler": "manipulation",
    "approvisionner": "approvisionnement", "réceptionner": "réception", "expédier": "expédition",
    "diagnostiquer": "diagnostic", "inventorier": "inventaire", "désherber": "désherbage",
}  # fmt: skip
_DROP_LEAD = re.compile(
    r"^(?:faire preuve d[e'] ?|avoir (?:l[ea'] ?|des? |du )?|être |etre |assurer (?:l[ea'] ?|les |des? |du )?"
    r"|effectuer (?:l[ea'] ?|les |des? |du )?|procéder (?:à l[a'] ?|aux |au )?|mettre en |savoir )",
    re.IGNORECASE,
)
_GENDER = re.compile(r"(\S+(?: \S+)?) / (\S+(?: \S+)?)")
_EMPLOYERS = ("une entreprise de propreté", "une association", "un chantier d'insertion",
              "une collectivité", "une PME", "un supermarché", "une agence d'intérim",
              "une entreprise du secteur", "une grande surface", "un particulier")  # fmt: skip
_TRAININGS = ("SST", "CACES R489 cat. 1", "CACES 3", "HACCP", "permis B", "CAP", "BEP",
              "titre professionnel", "remise à niveau", "habilitation électrique", "", "", "")  # fmt: skip
_CONTRACTS = ("CDI", "CDD", "CDDI", "intérim", "alternance", "contrat aidé")
_SCHEDULES = (None, None, None, "journée", "nuit", "week-end", "coupures", "du lundi au vendredi")
_AVAILABILITY = (None, None, "tout horaire", "journée uniquement", "nuit impossible",
                 "pas de week-end", "week-end ok", "horaires décalés ok")  # fmt: skip
_TRANSPORT = ("voiture", "voiture", "bus uniquement", "transports en commun", "vélo", "à pied",
              "scooter", None)  # fmt: skip


def _strip_accents(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "OE")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _typo(text: str, rng: random.Random) -> str:
    """One keyboard slip in a word of 5 letters or more: swap, drop or double a letter."""
    words = text.split(" ")
    long = [i for i, w in enumerate(words) if len(w) >= 5 and w.isalpha()]
    if not long:
        return text
    i = rng.choice(long)
    w = words[i]
    j = rng.randrange(1, len(w) - 2)
    kind = rng.randrange(3)
    if kind == 0:
        w = w[:j] + w[j + 1] + w[j] + w[j + 2 :]
    elif kind == 1:
        w = w[:j] + w[j + 1 :]
    else:
        w = w[:j] + w[j] + w[j:]
    words[i] = w
    return " ".join(words)


def _one_gender(title: str, rng: random.Random) -> str:
    """ "Agent / Agente de propreté" -> "Agent de propreté" or "Agente de propreté"."""
    return _GENDER.sub(lambda m: m.group(1 + (rng.random() < 0.4)), title)


def _abbreviations() -> list[tuple[str, str]]:
    if not ABBREVIATIONS_FILE.is_file():
        return []
    table = pd.read_csv(ABBREVIATIONS_FILE, dtype=str, keep_default_na=False)
    return [
        (a, e) for a, e in zip(table["abreviation"], table["forme_normalisee"], strict=True) if e
    ]


def user_title(title: str, rng: random.Random, sloppy: float) -> str:
    """A job title as a counsellor types it."""
    t = _one_gender(title, rng)
    if rng.random() < 0.6:
        t = t.lower()
    if rng.random() < 0.25:
        t = re.sub(r"\b(?:de|d'|des|du|en) ?", "", t, count=1).strip()
    if rng.random() < sloppy:
        t = _strip_accents(t)
    if rng.random() < sloppy:
        t = _typo(t, rng)
    return t


def user_skill(skill: str, rng: random.Random, sloppy: float) -> str:
    """A referential skill as a person writes it: cut short, turned into a noun, shortened to
    its object, lower case, without accents, with a typo."""
    s = skill
    if rng.random() < 0.6:
        s = re.split(r"[,(]| et | pour | afin | dans | selon ", s)[0].strip()
    s = _DROP_LEAD.sub("", s)
    first, _, rest = s.partition(" ")
    r = rng.random()
    if first.lower() in _NOUNS and rest and r < 0.5:
        rest = re.sub(r"^(?:les|des|la|le|l'|un|une|du)\s?", "", rest)
        s = f"{_NOUNS[first.lower()]} {'d' + chr(39) if rest[:1] in 'aeéèiouyh' else 'de '}{rest}"
    elif rest and r < 0.75:
        s = re.sub(r"^(?:les|des|la|le|l'|un|une|du|de|à|au|aux)\s?", "", rest)
    words = s.split()
    if len(words) > 5 and rng.random() < 0.6:
        s = " ".join(words[:5])
    if rng.random() < 0.7:
        s = s.lower()
    if rng.random() < sloppy:
        s = _strip_accents(s)
    if rng.random() < sloppy:
        s = _typo(s, rng)
    return s.strip(" ,.")


# One generated offer or profile (canonical fields) and the (lat, lon) of its commune.
Row = tuple[dict[str, object], tuple[float, float]]


@dataclass
class Truth:
    """True occupation codes behind the generated rows (not part of the matcher's input)."""

    offer_codes: list[str]  # one per offer
    profile_codes: list[list[str]]  # one list per profile (main target first)
    offer_lat: np.ndarray
    offer_lon: np.ndarray
    profile_lat: np.ndarray
    profile_lon: np.ndarray


class Writer:
    """Writes offers and profiles for codes of a referential."""

    def __init__(self, referential: Referential, seed: int, communes: pd.DataFrame | None = None):
        self.rng = random.Random(seed)
        self.ref = referential
        ok_skills = referential.skills[referential.skills[SKILL].str.len() > 3]
        self.skills: dict[str, list[tuple[str, bool]]] = {}
        for code, skill, core in zip(
            ok_skills[CODE], ok_skills[SKILL], ok_skills[CORE], strict=True
        ):
            self.skills.setdefault(code, []).append((skill, bool(core)))
        self.titles: dict[str, list[str]] = {}
        for code, title in zip(referential.titles[CODE], referential.titles[TITLE], strict=True):
            self.titles.setdefault(code, []).append(title)
        self.codes = sorted(set(self.skills) & set(self.titles))
        self.close: dict[str, list[str]] = {}
        for a, b in sorted(close_pairs(referential)):
            if a in self.skills and b in self.skills:
                self.close.setdefault(a, []).append(b)
        self.by_domain: dict[str, list[str]] = {}
        for c in self.codes:
            self.by_domain.setdefault(c[:3], []).append(c)
        table = communes if communes is not None else territory_communes()
        self.communes = list(zip(table[NAME], table[POSTAL], table[LAT], table[LON], strict=True))
        # Most people and firms are in the agglomeration; a few far away (the last rows).
        self.commune_weights = [1.0] * len(self.communes)
        self.abbreviations = _abbreviations()

    # -- picking -------------------------------------------------------------------------------
    def pick_skills(self, code: str, n: int) -> list[str]:
        items = self.skills[code]
        weights = [3.0 if core else 1.0 for _, core in items]
        chosen: list[str] = []
        pool = list(range(len(items)))
        for _ in range(min(n, len(items))):
            i = self.rng.choices(pool, [weights[j] for j in pool])[0]
            pool.remove(i)
            chosen.append(items[i][0])
        return chosen

    def pick_commune(self) -> tuple[str, str, float, float]:
        return self.rng.choices(self.communes, self.commune_weights)[0]

    def close_code(self, code: str) -> str | None:
        options = self.close.get(code, [])
        return self.rng.choice(options) if options else None

    def domain_code(self, code: str) -> str | None:
        options = [c for c in self.by_domain.get(code[:3], []) if c != code]
        options = [c for c in options if c not in self.close.get(code, [])]
        return self.rng.choice(options) if options else None

    # -- writing -------------------------------------------------------------------------------
    def offer(self, ref: str, code: str, title_index: int | None = None) -> Row:
        """One offer of occupation ``code`` and the (lat, lon) of its commune."""
        rng = self.rng
        titles = self.titles[code]
        title = titles[title_index % len(titles)] if title_index is not None else rng.choice(titles)
        title = _one_gender(title, rng)
        skills = self.pick_skills(code, rng.randint(3, 6))
        extra = self.pick_skills(code, 2)
        listed = [re.split(r"[(]", s)[0].strip() for s in skills]
        name, postal, lat, lon = self.pick_commune()
        mission = "; ".join(s[:1].lower() + s[1:] for s in extra + listed[:2])
        description = (
            f"{rng.choice(_EMPLOYERS).capitalize()} recrute un(e) {title.lower()} H/F. "
            f"Missions : {mission}. "
            f"{rng.choice(['Débutant accepté', 'Première expérience souhaitée', 'Formation assurée en interne', 'Travail en équipe'])}."
        )
        licence = ["B"] if rng.random() < 0.25 else []
        start = REFERENCE_DATE + dt.timedelta(days=rng.randint(0, 90))
        return {
            F.OFFER_REF: ref,
            F.EMPLOYER: f"Entreprise {ref}",
            F.TITLE: title + (" H/F" if rng.random() < 0.5 else ""),
            F.DESCRIPTION: description,
            F.SKILLS: "\n".join(listed) if rng.random() < 0.5 else "; ".join(listed),
            F.COMMUNE: name,
            F.POSTAL_CODE: postal,
            F.CONTRACT_TYPE: [rng.choice(_CONTRACTS[:4])],
            F.WEEKLY_HOURS: float(rng.choice([35, 35, 35, 24, 26, 30, 20])),
            F.SCHEDULE: rng.choice(_SCHEDULES),
            F.LICENCE_REQUIRED: licence,
            F.START_DATE: start,
            F.POSITIONS: rng.choice([1, 1, 1, 1, 2, 3]),
        }, (lat, lon)

    def profile(self, ref: str, codes: list[str], sloppy: float = 0.3) -> Row:
        """One profile targeting ``codes`` (the first is the main one) and the (lat, lon) of
        its commune."""
        rng = self.rng
        main = codes[0]
        targets = [user_title(rng.choice(self.titles[c]), rng, sloppy) for c in codes]
        target_text = self._abbreviate(" / ".join(targets))
        skills: list[str] = []
        for i, c in enumerate(codes):
            skills += self.pick_skills(c, rng.randint(3, 6) if i == 0 else rng.randint(1, 2))
        written = [user_skill(s, rng, sloppy) for s in skills]
        written = [w for w in written if len(w) >= 3]
        past = main if rng.random() < 0.7 else rng.choice(self.codes)
        years = rng.choice(["6 mois", "1 an", "2 ans", "3 ans", "5 ans", "10 ans"])
        experience = (
            f"{years} {user_title(rng.choice(self.titles[past]), rng, sloppy)} chez "
            f"{rng.choice(_EMPLOYERS)}"
        )
        if rng.random() < 0.5:
            experience += ", " + ", ".join(
                user_skill(s, rng, sloppy) for s in self.pick_skills(past, 2)
            )
        if rng.random() < 0.15:
            experience = ""
        name, postal, lat, lon = self.pick_commune()
        r = rng.random()
        licence = ["B"] if r < 0.55 else (["en cours"] if r < 0.65 else ["aucun"])
        transport = rng.choice(_TRANSPORT)
        if licence != ["B"] and transport == "voiture":
            transport = "bus uniquement"
        return {
            F.PROFILE_REF: ref,
            F.STRUCTURE: f"Structure {int(ref[-2:]) % 7 + 1}"
            if ref[-2:].isdigit()
            else "Structure",
            F.TARGET_JOBS: target_text,
            F.SKILLS: ", ".join(written) if rng.random() < 0.5 else "; ".join(written),
            F.EXPERIENCE: experience,
            F.TRAINING: rng.choice(_TRAININGS),
            F.COMMUNE: name if rng.random() < 0.97 else "",
            F.POSTAL_CODE: postal,
            F.MOBILITY_KM: float(rng.choice([5, 10, 10, 15, 15, 20, 25, 30]))
            if rng.random() < 0.75
            else None,
            F.LICENCE: licence,
            F.TRANSPORT: transport,
            F.CONTRACT_TYPES: rng.sample(list(_CONTRACTS[:4]), rng.randint(1, 3))
            if rng.random() < 0.7
            else [],
            F.WANTED_HOURS: float(rng.choice([35, 35, 24, 26, 20, 30]))
            if rng.random() < 0.6
            else None,
            F.AVAILABILITY: rng.choice(_AVAILABILITY),
            F.AVAILABLE_FROM: REFERENCE_DATE + dt.timedelta(days=rng.randint(-30, 60))
            if rng.random() < 0.5
            else None,
        }, (lat, lon)

    def _abbreviate(self, text: str) -> str:
        folded = _strip_accents(text.lower())
        for abbr, expansion in self.abbreviations:
            if len(expansion) > 8 and expansion in folded and self.rng.random() < 0.5:
                return folded.replace(expansion, abbr)
        return text


def _frames(rows: list[Row]) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    frame = pd.DataFrame([r for r, _ in rows])
    coords = np.array([c for _, c in rows], dtype=float).reshape(-1, 2)
    return frame, coords[:, 0], coords[:, 1]


def labelled_set(
    referential: Referential,
    seed: int,
    n_codes: int = 60,
    offers_per_code: tuple[int, int] = (1, 2),
    same: int = 4,
    close: int = 3,
    domain: int = 2,
    noise: int = 1200,
    communes: pd.DataFrame | None = None,
    offer_codes_among: list[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, Truth]:
    """Offers for ``n_codes`` codes drawn from the referential (or among ``offer_codes_among``);
    for each code, profiles of the same code, of close codes and of the same domain; plus
    ``noise`` profiles of random codes of the whole referential. A fifth of the profiles also
    name a second, random target job."""
    w = Writer(referential, seed, communes)
    rng = w.rng
    pool = w.codes
    if offer_codes_among is not None:
        pool = sorted(set(offer_codes_among) & set(w.codes))
    codes = sorted(rng.sample(pool, min(n_codes, len(pool))))
    offers: list[Row] = []
    profiles: list[Row] = []
    profile_codes: list[list[str]] = []
    offer_codes: list[str] = []

    def add_profile(code: str | None) -> None:
        if code is None:
            return
        cs = [code]
        if rng.random() < 0.2:
            cs.append(rng.choice(w.codes))
        profiles.append(w.profile(f"P{len(profiles):05d}", cs))
        profile_codes.append(cs)

    for code in codes:
        for k in range(rng.randint(*offers_per_code)):
            offers.append(w.offer(f"O{len(offers):04d}", code, title_index=k))
            offer_codes.append(code)
        for _ in range(same):
            add_profile(code)
        for _ in range(close):
            add_profile(w.close_code(code))
        for _ in range(domain):
            add_profile(w.domain_code(code))
    for _ in range(noise):
        add_profile(rng.choice(w.codes))
    # Shuffle profiles so that their order says nothing about the codes.
    order = list(range(len(profiles)))
    rng.shuffle(order)
    profiles = [profiles[i] for i in order]
    profile_codes = [profile_codes[i] for i in order]
    po, olat, olon = _frames(offers)
    pp, plat, plon = _frames(profiles)
    pp[F.PROFILE_REF] = [f"P{i:05d}" for i in range(len(pp))]
    return po, pp, Truth(offer_codes, profile_codes, olat, olon, plat, plon)


def synthetic_frames(
    referential: Referential, n_offers: int, n_profiles: int, seed: int
) -> tuple[pd.DataFrame, pd.DataFrame, Truth]:
    """``n_offers`` offers and ``n_profiles`` profiles over the referential's codes, codes drawn
    with a long tail (a few jobs are very common), for benchmarks and fairness tests."""
    w = Writer(referential, seed)
    rng = w.rng
    weights = [1.0 / (1 + i) ** 0.8 for i in range(len(w.codes))]
    order = list(w.codes)
    rng.shuffle(order)
    offer_codes = rng.choices(order, weights, k=n_offers)
    offers = [w.offer(f"O{i:06d}", c) for i, c in enumerate(offer_codes)]
    profile_codes = []
    profiles = []
    for i in range(n_profiles):
        cs = rng.choices(order, weights, k=2 if rng.random() < 0.2 else 1)
        profiles.append(w.profile(f"P{i:06d}", cs))
        profile_codes.append(cs)
    po, olat, olon = _frames(offers)
    pp, plat, plon = _frames(profiles)
    return po, pp, Truth(offer_codes, profile_codes, olat, olon, plat, plon)
