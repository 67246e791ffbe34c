"""Mapping: raw column labels -> canonical fields, through French synonyms, accents and typos."""

from __future__ import annotations

import logging
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from matcher import fields as F

log = logging.getLogger(__name__)

# Synonyms are written folded (lower case, no accents, single spaces); see ``fold_header``.
OFFER_SYNONYMS: dict[str, tuple[str, ...]] = {
    F.OFFER_REF: (
        "ref",
        "reference",
        "ref offre",
        "reference offre",
        "n offre",
        "numero offre",
        "id offre",
        "identifiant offre",
        "code offre",
        "n",
    ),
    F.EMPLOYER: (
        "entreprise",
        "employeur",
        "raison sociale",
        "societe",
        "structure employeuse",
        "etablissement",
        "nom entreprise",
        "recruteur",
    ),
    F.TITLE: (
        "intitule du poste",
        "intitule",
        "poste",
        "libelle offre",
        "libelle du poste",
        "metier",
        "emploi",
        "titre",
        "titre de l offre",
        "intitule offre",
        "poste propose",
    ),
    F.DESCRIPTION: (
        "descriptif",
        "description",
        "missions",
        "description du poste",
        "descriptif du poste",
        "detail",
        "activites",
    ),
    F.SKILLS: (
        "competences",
        "competences recherchees",
        "competences requises",
        "savoir faire",
        "profil recherche",
        "aptitudes",
        "qualites requises",
        "profil",
    ),
    F.COMMUNE: ("ville", "commune", "lieu de travail", "lieu", "localisation", "site"),
    F.POSTAL_CODE: ("cp", "code postal", "postal"),
    F.QPV: ("qpv", "quartier prioritaire", "quartier politique de la ville", "quartier"),
    F.CONTRACT_TYPE: ("type de contrat", "contrat", "nature du contrat", "type contrat"),
    F.WEEKLY_HOURS: (
        "duree hebdo",
        "duree hebdomadaire",
        "temps de travail",
        "horaire hebdo",
        "nb heures",
        "heures",
        "volume horaire",
        "duree du travail",
    ),
    F.SCHEDULE: (
        "horaires",
        "planning",
        "amplitude horaire",
        "conditions de travail",
        "horaires de travail",
    ),
    F.LICENCE_REQUIRED: ("permis", "permis requis", "permis exige", "permis de conduire"),
    F.START_DATE: (
        "date de debut",
        "debut",
        "demarrage",
        "date de demarrage",
        "prise de poste",
        "date d embauche",
        "date de prise de poste",
        "a pourvoir le",
    ),
    F.POSITIONS: ("nb de postes", "nombre de postes", "postes", "nb postes", "quantite"),
    F.EXPERIENCE_REQUIRED: (
        "experience",
        "experience requise",
        "experience souhaitee",
        "niveau d experience",
    ),
    F.ROME_CODE: ("code rome", "rome", "code metier"),
    F.EMPLOYER_CONTACT: (
        "contact",
        "contact employeur",
        "interlocuteur",
        "contact entreprise",
        "contact rh",
    ),
}

PROFILE_SYNONYMS: dict[str, tuple[str, ...]] = {
    F.PROFILE_REF: (
        "code participant",
        "code beneficiaire",
        "n participant",
        "id participant",
        "id",
        "identifiant",
        "n dossier",
        "numero dossier",
        "ref beneficiaire",
        "reference beneficiaire",
        "code anonyme",
        "ref",
        "reference",
        "code",
        "id beneficiaire",
        "matricule anonyme",
        "pseudonyme",
        "n beneficiaire",
    ),
    F.STRUCTURE: ("structure", "structure d insertion", "siae", "organisme", "structure porteuse"),
    F.COUNSELLOR: (
        "charge e de suivi",
        "charge de suivi",
        "encadrant cip",
        "encadrant",
        "referent e de parcours",
        "referent de parcours",
        "cip",
        "conseiller",
        "conseillere",
        "referent",
        "referente",
        "referent e",
        "charge d accompagnement",
        "accompagnateur",
        "conseiller referent",
    ),
    F.TARGET_JOBS: (
        "poste s vise s",
        "metier s vise",
        "metier vise",
        "metiers vises",
        "metier s vise s",
        "projet pro",
        "projet professionnel",
        "poste recherche",
        "postes recherches",
        "emploi recherche",
        "metier recherche",
        "metiers recherches",
    ),
    F.SKILLS: ("competences", "savoir faire", "acquis", "competences acquises", "savoirs"),
    F.EXPERIENCE: (
        "experience btp",
        "experiences",
        "experience",
        "parcours",
        "experience professionnelle",
        "experiences professionnelles",
        "parcours professionnel",
    ),
    F.TRAINING: (
        "habilitations caces",
        "formations suivies",
        "formations certificats",
        "formations",
        "formation",
        "diplomes",
        "diplomes habilitations",
        "qualifications",
        "diplome",
        "certifications",
        "habilitations",
    ),
    F.COMMUNE: (
        "ville",
        "commune",
        "commune de residence",
        "lieu de residence",
        "residence",
        "localite",
    ),
    F.POSTAL_CODE: ("cp", "code postal", "postal"),
    F.MOBILITY_KM: (
        "mobilite",
        "rayon",
        "rayon de mobilite",
        "mobilite km",
        "distance max",
        "perimetre",
    ),
    F.LICENCE: ("permis", "permis de conduire", "permis b"),
    F.TRANSPORT: (
        "vehicule",
        "moyen de transport",
        "moyens de transport",
        "vehicule personnel",
        "transport",
        "vehicule motorise",
    ),
    F.CONTRACT_TYPES: (
        "contrats acceptes",
        "type de contrat",
        "contrat souhaite",
        "contrats souhaites",
        "contrat",
        "contrats",
    ),
    F.WANTED_HOURS: (
        "temps plein partiel",
        "duree hebdo souhaitee",
        "temps de travail souhaite",
        "temps de travail",
        "duree souhaitee",
        "heures souhaitees",
        "temps souhaite",
        "quotite",
    ),
    F.AVAILABILITY: (
        "disponibilites horaires",
        "disponibilite horaire",
        "horaires possibles",
        "contraintes horaires",
        "horaires",
        "disponibilites",
    ),
    F.AVAILABLE_FROM: (
        "date de dispo",
        "disponible a partir de",
        "disponible a partir du",
        "disponible le",
        "disponibilite",
        "date de disponibilite",
        "disponible",
        "dispo",
        "date dispo",
    ),
    F.ROME_CODES: ("code rome", "codes rome", "rome", "code s rome"),
}

FUZZY_CUTOFF = 88.0


def fold_header(label: str) -> str:
    """Fold a column label for comparison: lower case, no accents, words only."""
    text = unicodedata.normalize("NFKD", str(label).replace("œ", "oe").replace("Œ", "oe"))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z0-9]+", " ", text)
    return re.sub(r"\s+", " ", text).strip()


@dataclass
class ColumnMapping:
    """Which raw column feeds which field; what was left unmapped."""

    columns: dict[str, str]  # raw label -> canonical field
    unmapped: list[str] = field(default_factory=list)
    how: dict[str, str] = field(default_factory=dict)  # raw label -> "synonyme", "approché"...

    def missing(self, required: Iterable[str]) -> list[str]:
        have = set(self.columns.values())
        return [r for r in required if r not in have]


def header_signature(labels: Iterable[str]) -> str:
    """A stable key for a header, used to remember a confirmed mapping."""
    return "|".join(sorted(fold_header(x) for x in labels))


def map_columns(
    labels: Iterable[str],
    synonyms: Mapping[str, tuple[str, ...]],
    overrides: Mapping[str, str] | None = None,
) -> ColumnMapping:
    """Map raw labels to canonical fields. Exact synonyms win over fuzzy matches; each field is
    fed by one column at most (the first, or the closest one)."""
    labels = list(labels)
    overrides = dict(overrides or {})
    by_synonym = {syn: fld for fld, syns in synonyms.items() for syn in syns}
    by_synonym.update({fld: fld for fld in synonyms})  # canonical names are accepted too
    result: dict[str, str] = {}
    how: dict[str, str] = {}
    taken: set[str] = set()
    folded_overrides = {fold_header(k): v for k, v in overrides.items()}
    for label in labels:
        target = overrides.get(label) or folded_overrides.get(fold_header(label))
        if target:
            result[label] = target
            how[label] = "choisi par l'utilisateur"
            taken.add(target)
    for label in labels:
        if label in result:
            continue
        fld = by_synonym.get(fold_header(label))
        if fld and fld not in taken:
            result[label] = fld
            how[label] = "nom reconnu"
            taken.add(fld)
    choices = list(by_synonym)
    for label in labels:
        if label in result:
            continue
        folded = fold_header(label)
        if not folded:
            continue
        best = process.extractOne(folded, choices, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        if best is None:
            continue
        fld = by_synonym[best[0]]
        if fld not in taken:
            result[label] = fld
            how[label] = f"nom approché de « {best[0]} »"
            taken.add(fld)
    unmapped = [x for x in labels if x not in result]
    log.debug("mapping %s, unmapped %s", result, unmapped)
    return ColumnMapping(columns=result, unmapped=unmapped, how=how)
