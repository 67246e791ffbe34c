"""Deterministic generator of realistic, messy sample input files.

The files written here imitate what the partners of the Béthune-Bruay territory really send: two
coordinator spreadsheets of job offers collected from local firms, and one file per insertion
structure (ACI, EI, AI, GEIQ, ETTI, PLIE) listing anonymised job-seeker profiles. Each file has
its own column names, header position, encoding and habits (typos, free-text dates, several
skills in one cell, a duplicated row, a row without identifier, a comment column where a
counsellor wrote a phone number, a file carrying personal columns it should not have...), so
that the importer and the matcher are exercised on what they will meet in the field.

Everything is drawn from ``random.Random(seed)`` and from the built-in referential
(``data/referentiel``) and communes table (``data/communes``); no current date is used (the
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
import io
import logging
import math
import random
import re
import unicodedata
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import pandas as pd
from openpyxl.utils import get_column_letter

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

log = logging.getLogger(__name__)

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
REFERENCE_DATE = dt.date(2026, 11, 1)
COLLECTION_DATE = "12/10/2026"
FIXED_TIMESTAMP = dt.datetime(2026, 11, 1, 9, 0, 0)
_ZIP_DATE = (2026, 11, 1, 9, 0, 0)
_EXCEL_EPOCH = dt.date(1899, 12, 30)

OFFERS_MAIN_FILE = "offres_busin_ess_2026.xlsx"
OFFERS_EXTRA_FILE = "offres_complementaires.xlsx"

# Pseudo-fields for columns that have no canonical field (documented in the README).
FORBIDDEN = "forbidden"  # personal data the importer must drop
COMMENT = "comment"  # free-text comment column: may hold contact details to redact
IGNORED = "ignored"  # column without use for matching

# --------------------------------------------------------------------------------------------
# Offer files: headers as each coordinator writes them, mapped to canonical fields
# --------------------------------------------------------------------------------------------
OFFERS_MAIN_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Réf.", OFFER_REF),
    ("Entreprise", EMPLOYER),
    ("Intitulé du poste", TITLE),
    ("Descriptif", DESCRIPTION),
    ("Compétences recherchées", SKILLS),
    ("Ville", COMMUNE),
    ("CP", POSTAL_CODE),
    ("QPV", QPV),
    ("Type de contrat", CONTRACT_TYPE),
    ("Durée hebdo", WEEKLY_HOURS),
    ("Horaires", SCHEDULE),
    ("Permis", LICENCE_REQUIRED),
    ("Date de début", START_DATE),
    ("Nb de postes", POSITIONS),
    ("Expérience", EXPERIENCE_REQUIRED),
    ("Code ROME", ROME_CODE),
    ("Contact", EMPLOYER_CONTACT),
)
OFFERS_EXTRA_COLUMNS: tuple[tuple[str, str], ...] = (
    ("Raison sociale", EMPLOYER),
    ("Poste", TITLE),
    ("Contrat", CONTRACT_TYPE),
    ("Temps de travail", WEEKLY_HOURS),
    ("Lieu de travail", COMMUNE),
    ("Code postal", POSTAL_CODE),
    ("Quartier prioritaire", QPV),
    ("Missions", DESCRIPTION),
    ("Savoir-faire attendus", SKILLS),
    ("Contraintes horaires", SCHEDULE),
    ("Permis requis", LICENCE_REQUIRED),
    ("Démarrage", START_DATE),
    ("Nombre de postes", POSITIONS),
    ("Expérience demandée", EXPERIENCE_REQUIRED),
    ("Interlocuteur", EMPLOYER_CONTACT),
    ("Remarques", IGNORED),
)


# --------------------------------------------------------------------------------------------
# Firms (invented names) and insertion structures (invented names)
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Firm:
    name: str
    commune: str
    codes: tuple[str, ...]
    kind: str  # pme, ess, collectivite, ehpad, distribution, association
    qpv: str | None = None


_FIRMS: tuple[_Firm, ...] = (
    _Firm("Propreté Artois Services", "Béthune", ("K2205", "K2204", "K2202"), "pme"),
    _Firm(
        "Net'Express Bruaysien", "Bruay-la-Buissière", ("K2205", "K2202"), "pme", "Les Terrasses"
    ),
    _Firm("Clean Industrie Nord", "Isbergues", ("K2204", "K2205"), "pme"),
    _Firm("Hygiène Services Lys", "Lillers", ("K2205",), "pme", "Cité des Provinces"),
    _Firm("Vitres et Façades du Béthunois", "Beuvry", ("K2202", "K2205"), "pme"),
    _Firm(
        "Ville de Bruay-la-Buissière – services techniques",
        "Bruay-la-Buissière",
        ("K2307", "A1203", "I1203"),
        "collectivite",
    ),
    _Firm("Les Jardins de la Lawe", "Béthune", ("A1203", "A1208"), "ess", "Mont-Liébaut"),
    _Firm("Paysages de l'Artois", "Annezin", ("A1208", "A1203", "F1707"), "pme"),
    _Firm("Verts Horizons Paysage", "Hersin-Coupigny", ("A1203", "F1707"), "pme"),
    _Firm("Rivières et Marais de la Clarence", "Chocques", ("A1202", "A1203"), "association"),
    _Firm("Tonte et Taille Gohelle", "Vermelles", ("A1203",), "pme"),
    _Firm("Peinture Décor Béthune", "Béthune", ("F1606", "F1604"), "pme"),
    _Firm("Bâti Rénov Artois", "Nœux-les-Mines", ("F1703", "F1704", "F1608"), "pme", "Cité 3"),
    _Firm("Plâtrerie Isolation du Nord", "Beuvry", ("F1604", "F1601"), "pme"),
    _Firm("Carrelage Sols Artois", "Auchel", ("F1608",), "pme"),
    _Firm("Menuiseries Ouvertures de la Lys", "Lillers", ("F1616",), "pme"),
    _Firm("Plomberie Sanitaire Bruaysienne", "Bruay-la-Buissière", ("F1603", "I1203"), "pme"),
    _Firm("Élec Habitat 62", "Divion", ("F1602",), "pme"),
    _Firm("TP Voirie Artois", "Douvrin", ("F1702", "F1704"), "pme"),
    _Firm(
        "Habitat Béthune-Bruay (bailleur social)",
        "Béthune",
        ("K2501", "I1203", "K2205"),
        "pme",
        "Le Perroy – Catorive",
    ),
    _Firm("Rénov'Solidaire", "Marles-les-Mines", ("F1606", "F1704", "I1203"), "ess", "Cité 5"),
    _Firm("Logistique Béthunoise", "Béthune", ("N1103", "N1101", "N1105"), "pme"),
    _Firm("Entrepôts de la Lys", "Lillers", ("N1103", "N1101", "N1110"), "pme"),
    _Firm("Plateforme Artois Distribution", "Douvrin", ("N1103", "N1101", "N1106"), "pme"),
    _Firm("Transports Express Gohelle", "Nœux-les-Mines", ("N1106", "N4105"), "pme"),
    _Firm("Messagerie du Béthunois", "Beuvry", ("N1106", "N1105", "N4105"), "pme"),
    _Firm("Déménagements Artois Lys", "Chocques", ("N1102", "N4105"), "pme"),
    _Firm("Négoce Matériaux Bruaysien", "Bruay-la-Buissière", ("N1110", "N4105"), "pme"),
    _Firm(
        "Cuisine centrale de l'Agglomération",
        "Bruay-la-Buissière",
        ("G1606", "G1607", "G1605"),
        "collectivite",
    ),
    _Firm("Artois Resto Entreprises", "Douvrin", ("G1602", "G1605", "G1607"), "pme"),
    _Firm("Brasserie Le Beffroi", "Béthune", ("G1803", "G1602", "G1605"), "pme"),
    _Firm("EHPAD Les Tilleuls", "Lillers", ("J1301", "G1607", "D1242"), "ehpad"),
    _Firm(
        "Snack Gourmand Bruay", "Bruay-la-Buissière", ("G1603",), "pme", "Cité 32 – Quartier Nord"
    ),
    _Firm(
        "Ville de Béthune – restauration scolaire", "Béthune", ("G1607", "G1606"), "collectivite"
    ),
    _Firm(
        "Aide et Maintien à Domicile Artois", "Béthune", ("K1304", "K1311", "K1302"), "association"
    ),
    _Firm(
        "Domicile Services Bruay",
        "Bruay-la-Buissière",
        ("K1304", "K1311", "K1303"),
        "association",
        "Les Terrasses",
    ),
    _Firm("Petits Bouts à Domicile", "Beuvry", ("K1303", "K1304"), "pme"),
    _Firm(
        "Résidence Le Clos Fleuri (EHPAD)",
        "Auchel",
        ("J1301", "D1242", "K1302"),
        "ehpad",
        "Cité de Rimbert",
    ),
    _Firm("Aide à Domicile du Pays de Lillers", "Lillers", ("K1304", "K1311"), "association"),
    _Firm(
        "Supermarché Artois Marché",
        "Bruay-la-Buissière",
        ("D1507", "D1505", "N1113", "D1106"),
        "distribution",
    ),
    _Firm(
        "Hyper Béthune Sud", "Fouquières-lès-Béthune", ("D1507", "D1505", "K2503"), "distribution"
    ),
    _Firm("Boutique Solidaire Trait d'Union", "Béthune", ("D1214",), "ess", "Mont-Liébaut"),
    _Firm("Épicerie Solidaire du Pays Minier", "Barlin", ("D1106", "D1507"), "ess", "Cité 7"),
    _Firm("Proxi Marché Houdain", "Houdain", ("D1505", "D1507"), "distribution", "Cité 24"),
    _Firm("La Recyclerie de Beuvry", "Beuvry", ("K2309", "K2308", "D1214"), "ess"),
    _Firm("Artois Valorisation – centre de tri", "Labourse", ("K2304",), "pme"),
    _Firm("Collecte Services Environnement", "Nœux-les-Mines", ("K2303", "K2307"), "pme"),
    _Firm(
        "Syndicat des déchetteries du Béthunois",
        "Haillicourt",
        ("K2318",),
        "collectivite",
        "Cité des Fleurs",
    ),
    _Firm("Textiles Réemploi Nord", "Divion", ("K2308",), "ess", "Cité 34"),
    _Firm("Conserverie Artois Flandres", "Lillers", ("H2105", "H2102", "H3302"), "pme"),
    _Firm("Biscuiterie du Béthunois", "Annezin", ("H2105", "H3302", "H3301"), "pme"),
    _Firm("Artois Pack Emballages", "Ruitz", ("H3302", "H3301"), "pme"),
    _Firm("Mécanique Assemblage Douvrin", "Douvrin", ("H2909",), "pme"),
    _Firm("Légumes de la Lys", "Saint-Venant", ("H2105", "H3302"), "pme"),
    _Firm("Atelier Conditionnement Solidaire", "Calonne-Ricouart", ("H3302",), "ess", "Cité 6"),
    _Firm("Sécurité Prévention Artois", "Béthune", ("K2503",), "pme"),
    _Firm(
        "Blanchisserie Industrielle de l'Artois", "Bruay-la-Buissière", ("K2201", "N1105"), "pme"
    ),
    _Firm("Béthune Lavage Auto", "Fouquières-lès-Béthune", ("I1611",), "pme"),
    _Firm("Auto Center Bruay", "Bruay-la-Buissière", ("I1611",), "pme"),
    _Firm("Centre social Lys Romane", "Lillers", ("M1601", "G1607"), "association"),
    _Firm("Hôtel du Parc Béthune", "Béthune", ("G1803", "K2205", "M1601"), "pme"),
)


@dataclass(frozen=True)
class _Structure:
    key: str
    name: str
    home: str
    filename: str
    size: int
    counsellors: tuple[str, ...]
    weights: dict[str, int]
    columns: tuple[tuple[str, str], ...]
    sheet: str | None = None  # None for CSV files
    header_row: int = 1  # 1-based row of the header, as Excel shows it
    title: str | None = None
    notes: tuple[str, ...] = field(default=())


_STRUCTURES: tuple[_Structure, ...] = (
    _Structure(
        key="aci_jb",
        name="ACI Les Jardins du Béthunois",
        home="Béthune",
        filename="aci_jardins_bethunois.xlsx",
        size=80,
        counsellors=("Mme Durand (CIP)", "M. Lefort (CIP)", "Mme Benali (CIP)"),
        weights={
            "A1203": 30,
            "A1208": 8,
            "A1202": 10,
            "F1707": 6,
            "F1704": 8,
            "K2307": 8,
            "I1203": 5,
            "K2205": 4,
            "N1105": 4,
            "F1606": 3,
        },
        columns=(
            ("ID", PROFILE_REF),
            ("CIP", COUNSELLOR),
            ("Métier(s) visé(s)", TARGET_JOBS),
            ("Compétences", SKILLS),
            ("Expériences", EXPERIENCE),
            ("Formations", TRAINING),
            ("Ville", COMMUNE),
            ("CP", POSTAL_CODE),
            ("Mobilité", MOBILITY_KM),
            ("Permis", LICENCE),
            ("Véhicule", TRANSPORT),
            ("Contrats acceptés", CONTRACT_TYPES),
            ("Temps de travail souhaité", WANTED_HOURS),
            ("Disponibilités horaires", AVAILABILITY),
            ("Disponible à partir du", AVAILABLE_FROM),
            ("Observations", COMMENT),
        ),
        sheet="Salariés en parcours",
        header_row=3,
        title="ACI Les Jardins du Béthunois – suivi des salariés en parcours – mise à jour 15/10/2026",
    ),
    _Structure(
        key="ei_ap",
        name="EI Artois Propreté",
        home="Bruay-la-Buissière",
        filename="ei_artois_proprete.xlsx",
        size=85,
        counsellors=("Mme Caron", "Mme Wallet", "M. Haddad"),
        weights={
            "K2205": 35,
            "K2204": 12,
            "K2202": 6,
            "J1301": 12,
            "K1304": 6,
            "K2201": 6,
            "D1242": 5,
            "I1611": 3,
        },
        columns=(
            ("N° dossier", PROFILE_REF),
            ("Référent(e)", COUNSELLOR),
            ("Poste recherché", TARGET_JOBS),
            ("Savoir-faire", SKILLS),
            ("Parcours", EXPERIENCE),
            ("Diplômes / habilitations", TRAINING),
            ("Commune de résidence", COMMUNE),
            ("Code postal", POSTAL_CODE),
            ("Mobilité", MOBILITY_KM),
            ("Permis", LICENCE),
            ("Moyen de transport", TRANSPORT),
            ("Type de contrat", CONTRACT_TYPES),
            ("Temps de travail", WANTED_HOURS),
            ("Horaires possibles", AVAILABILITY),
            ("Date de dispo", AVAILABLE_FROM),
        ),
        sheet="Candidats",
        header_row=1,
    ),
    _Structure(
        key="ai_bs",
        name="AI Bruay Services",
        home="Bruay-la-Buissière",
        filename="ai_bruay_services.csv",
        size=75,
        counsellors=("Mme Lemaire (conseillère)", "M. Dupuis (conseiller)"),
        weights={
            "K1304": 22,
            "K1311": 8,
            "K1303": 8,
            "K2205": 12,
            "A1203": 8,
            "N1105": 6,
            "N1102": 4,
            "I1203": 5,
            "J1301": 4,
            "G1605": 3,
        },
        columns=(
            ("Réf. bénéficiaire", PROFILE_REF),
            ("Conseiller", COUNSELLOR),
            ("Nom", FORBIDDEN),
            ("Prénom", FORBIDDEN),
            ("Date de naissance", FORBIDDEN),
            ("Sexe", FORBIDDEN),
            ("Projet pro", TARGET_JOBS),
            ("Compétences", SKILLS),
            ("Expériences", EXPERIENCE),
            ("Formations", TRAINING),
            ("Ville", COMMUNE),
            ("CP", POSTAL_CODE),
            ("Mobilité", MOBILITY_KM),
            ("Permis", LICENCE),
            ("Contrats acceptés", CONTRACT_TYPES),
            ("Temps de travail souhaité", WANTED_HOURS),
            ("Disponibilités", AVAILABILITY),
            ("Disponible le", AVAILABLE_FROM),
        ),
        notes=(
            "The `Mobilité` column mixes distance and means of transport "
            '("permis B + voiture", "bus uniquement"): there is no separate transport column.',
        ),
    ),
    _Structure(
        key="geiq",
        name="GEIQ BTP Artois",
        home="Nœux-les-Mines",
        filename="geiq_btp_artois.xlsx",
        size=60,
        counsellors=("M. Vasseur (chargé de suivi)", "Mme Piquet (chargée de suivi)"),
        weights={
            "F1606": 10,
            "F1604": 8,
            "F1601": 3,
            "F1608": 6,
            "F1703": 8,
            "F1704": 8,
            "F1702": 6,
            "F1616": 4,
            "F1603": 5,
            "F1602": 4,
            "I1203": 3,
        },
        columns=(
            ("Code anonyme", PROFILE_REF),
            ("Chargé(e) de suivi", COUNSELLOR),
            ("Métier visé", TARGET_JOBS),
            ("Code(s) ROME", ROME_CODES),
            ("Compétences", SKILLS),
            ("Expérience BTP", EXPERIENCE),
            ("Habilitations / CACES", TRAINING),
            ("Ville", COMMUNE),
            ("Code postal", POSTAL_CODE),
            ("Rayon de mobilité (km)", MOBILITY_KM),
            ("Permis B", LICENCE),
            ("Véhiculé", TRANSPORT),
            ("Contrat souhaité", CONTRACT_TYPES),
            ("Temps plein / partiel", WANTED_HOURS),
            ("Disponibilité horaires", AVAILABILITY),
            ("Disponible à partir de", AVAILABLE_FROM),
        ),
        sheet="Vivier 2026",
        header_row=1,
        notes=("`Rayon de mobilité (km)` holds plain numbers; `Code postal` holds numbers.",),
    ),
    _Structure(
        key="etti",
        name="ETTI Intérim Solidaire",
        home="Béthune",
        filename="etti_interim_solidaire.csv",
        size=110,
        counsellors=("Mme Fontaine (chargée de recrutement)", "M. Roussel (chargé de recrutement)"),
        weights={
            "N1103": 20,
            "N1101": 10,
            "N1105": 10,
            "N1110": 6,
            "N1106": 6,
            "N4105": 5,
            "H3302": 10,
            "H2105": 8,
            "H2102": 3,
            "H3301": 3,
            "H2909": 5,
            "F1704": 6,
            "K2204": 5,
            "K2205": 4,
            "I1611": 2,
            "K2503": 2,
        },
        columns=(
            ("ID", PROFILE_REF),
            ("Conseiller", COUNSELLOR),
            ("Postes recherchés", TARGET_JOBS),
            ("Compétences", SKILLS),
            ("Expériences", EXPERIENCE),
            ("Formations", TRAINING),
            ("Ville", COMMUNE),
            ("CP", POSTAL_CODE),
            ("Mobilité", MOBILITY_KM),
            ("Permis", LICENCE),
            ("Véhicule", TRANSPORT),
            ("Contrats acceptés", CONTRACT_TYPES),
            ("Temps de travail souhaité", WANTED_HOURS),
            ("Disponibilités horaires", AVAILABILITY),
            ("Disponibilité", AVAILABLE_FROM),
        ),
        notes=(
            "Some `Disponibilité` values are Excel serial numbers written as text (e.g. 46357 = "
            "01/12/2026), left by a copy-paste from a spreadsheet.",
        ),
    ),
    _Structure(
        key="aci_rl",
        name="ACI Ressourcerie de la Lys",
        home="Lillers",
        filename="aci_ressourcerie_lys.xlsx",
        size=55,
        counsellors=("Mme Leroy (CIP)", "M. Kaci (CIP)"),
        weights={
            "K2309": 15,
            "K2308": 12,
            "K2304": 6,
            "K2303": 5,
            "K2318": 4,
            "D1214": 6,
            "N1102": 5,
            "N4105": 3,
            "N1105": 4,
        },
        columns=(
            ("Réf.", PROFILE_REF),
            ("CIP", COUNSELLOR),
            ("Projet professionnel", TARGET_JOBS),
            ("Acquis", SKILLS),
            ("Parcours", EXPERIENCE),
            ("Formations suivies", TRAINING),
            ("Commune", COMMUNE),
            ("CP", POSTAL_CODE),
            ("Mobilité", MOBILITY_KM),
            ("Permis", LICENCE),
            ("Transport", TRANSPORT),
            ("Contrats acceptés", CONTRACT_TYPES),
            ("Temps souhaité", WANTED_HOURS),
            ("Contraintes horaires", AVAILABILITY),
            ("Dispo", AVAILABLE_FROM),
            ("Observations", COMMENT),
        ),
        sheet="Liste",
        header_row=3,
        title="Ressourcerie de la Lys – ACI – liste des salariés en parcours (octobre 2026)",
    ),
    _Structure(
        key="ei_rs",
        name="EI Restauration Solidaire",
        home="Bruay-la-Buissière",
        filename="ei_restauration_solidaire.xlsx",
        size=60,
        counsellors=("M. Morel (encadrant)", "Mme Bouchard (CIP)"),
        weights={
            "G1605": 12,
            "G1607": 14,
            "G1602": 12,
            "G1606": 6,
            "G1803": 6,
            "G1603": 5,
            "D1106": 3,
            "J1301": 3,
        },
        columns=(
            ("Matricule anonyme", PROFILE_REF),
            ("Encadrant / CIP", COUNSELLOR),
            ("Poste(s) visé(s)", TARGET_JOBS),
            ("Compétences acquises", SKILLS),
            ("Expériences", EXPERIENCE),
            ("Formations / certificats", TRAINING),
            ("Ville", COMMUNE),
            ("CP", POSTAL_CODE),
            ("Mobilité", MOBILITY_KM),
            ("Permis", LICENCE),
            ("Véhicule", TRANSPORT),
            ("Contrats", CONTRACT_TYPES),
            ("Temps de travail", WANTED_HOURS),
            ("Horaires", AVAILABILITY),
            ("Disponible à partir de", AVAILABLE_FROM),
        ),
        sheet="Profils",
        header_row=1,
    ),
    _Structure(
        key="plie",
        name="PLIE Béthune-Bruay",
        home="Béthune",
        filename="plie_bethune_bruay.xlsx",
        size=75,
        counsellors=(
            "Mme Carpentier (référente)",
            "M. Delcourt (référent)",
            "Mme Ouali (référente)",
        ),
        weights={
            "D1507": 8,
            "D1505": 7,
            "N1113": 4,
            "D1214": 2,
            "K2503": 6,
            "K2501": 4,
            "M1601": 6,
            "I1611": 3,
            "K1311": 4,
            "K1302": 4,
            "H2105": 4,
            "N1103": 5,
            "K2205": 4,
            "G1607": 3,
            "A1203": 3,
            "K2201": 2,
            "D1106": 3,
            "F1606": 2,
        },
        columns=(
            ("Code participant", PROFILE_REF),
            ("Référent(e) de parcours", COUNSELLOR),
            ("Métier(s) visé(s)", TARGET_JOBS),
            ("Code ROME", ROME_CODES),
            ("Compétences", SKILLS),
            ("Expériences", EXPERIENCE),
            ("Formations", TRAINING),
            ("Commune", COMMUNE),
            ("CP", POSTAL_CODE),
            ("Mobilité (km)", MOBILITY_KM),
            ("Permis", LICENCE),
            ("Moyen de locomotion", TRANSPORT),
            ("Contrat(s) recherché(s)", CONTRACT_TYPES),
            ("Durée hebdo souhaitée", WANTED_HOURS),
            ("Disponibilités horaires", AVAILABILITY),
            ("Date de disponibilité", AVAILABLE_FROM),
            ("Observations", COMMENT),
        ),
        sheet="Participants",
        header_row=2,
        title="Extraction du 20/10/2026 – participants actifs",
        notes=("Row 1 holds an extraction note (not merged); the header is on row 2.",),
    ),
)


# --------------------------------------------------------------------------------------------
# Vocabulary used to write values the way people do
# --------------------------------------------------------------------------------------------
_TYPOS: dict[str, str] = {
    "entretien": "entretient",
    "préparateur": "preparateur",
    "commandes": "commande",
    "ménage": "menage",
    "propreté": "proprete",
    "manutentionnaire": "manutentionaire",
    "déchets": "dechets",
    "sécurité": "securite",
    "hôtesse": "hotesse",
    "électricien": "electricien",
    "maçon": "macon",
    "débroussailleuse": "débrousailleuse",
    "autolaveuse": "auto laveuse",
    "restauration": "restaurattion",
    "collectivité": "collectivite",
    "équipier": "equipier",
    "hygiène": "hygiene",
    "véhicules": "vehicules",
    "plâtre": "platre",
    "espaces verts": "espace vert",
    "carrelage": "carelage",
    "conditionnement": "conditionement",
    "cuisinier": "cuisiner",
}

_GENDERED: dict[str, str] = {
    "Agent ": "Agent(e) ",
    "Cuisinier": "Cuisinier/ère",
    "Préparateur": "Préparateur/trice",
    "Serveur": "Serveur/euse",
    "Employé ": "Employé(e) ",
    "Ouvrier ": "Ouvrier/ère ",
    "Magasinier": "Magasinier/ère",
    "Vendeur": "Vendeur/euse",
    "Laveur": "Laveur/euse",
    "Conducteur": "Conducteur/trice",
    "Opérateur": "Opérateur/trice",
    "Plongeur": "Plongeur/euse",
    "Chauffeur livreur": "Chauffeur(se) livreur(se)",
    "Jardinier": "Jardinier/ère",
    "Caissier": "Caissier/ère",
    "Carreleur": "Carreleur/euse",
    "Gardien": "Gardien(ne)",
    "Électricien": "Électricien(ne)",
    "Assistant ": "Assistant(e) ",
    "Déménageur": "Déménageur/euse",
    "Équipier": "Équipier/ère",
}

# How people shorten some skills in a cell (our own wording).
_SHORT_FORMS: dict[str, tuple[str, ...]] = {
    "Conduite de chariot élévateur (CACES R489 cat. 3)": (
        "CACES 3",
        "cariste cat.3",
        "CACES R489 cat 3",
        "chariot élévateur cat 3",
    ),
    "Conduite de chariot à mât rétractable (CACES R489 cat. 5)": ("CACES 5", "cariste cat 5"),
    "Conduite de transpalette électrique (CACES R485)": (
        "transpalette électrique",
        "CACES R485",
        "gerbeur",
    ),
    "Respecter les règles d'hygiène HACCP": ("HACCP", "hygiène HACCP", "normes HACCP"),
    "Respecter les protocoles d'hygiène": ("protocoles d'hygiène", "respect des protocoles"),
    "Nettoyer et désinfecter les sols et surfaces": (
        "ménage",
        "nettoyage des sols",
        "désinfection",
    ),
    "Entretenir le logement": ("ménage", "entretien de la maison", "ménage chez particuliers"),
    "Utiliser une autolaveuse": ("autolaveuse", "auto-laveuse"),
    "Utiliser une monobrosse": ("monobrosse", "mono brosse"),
    "Tondre les pelouses": ("tonte",),
    "Tailler les haies et arbustes": ("taille de haies", "taille"),
    "Débroussailler à la débroussailleuse": ("débroussaillage", "débroussailleuse"),
    "Laver la vaisselle en machine": ("plonge", "vaisselle"),
    "Aider à la toilette": ("aide à la toilette", "toilette"),
    "Bionettoyage des chambres et des locaux": ("bionettoyage", "bio-nettoyage"),
    "Mettre en rayon les produits": ("mise en rayon", "mise en rayons"),
    "Encaisser les achats": ("caisse", "encaissement"),
    "Carte professionnelle CNAPS": ("carte pro", "carte CNAPS"),
    "SSIAP 1": ("SSIAP1",),
    "Habilitation électrique B1V BR": ("habilitation élec B1V", "B1V BR"),
    "Préparer les commandes selon le bon de préparation": (
        "préparation de commandes",
        "prépa de commandes",
        "picking",
    ),
    "Porter et déplacer des charges": ("port de charges", "manutention"),
    "Porter des charges lourdes": ("port de charges lourdes",),
    "Repasser le linge": ("repassage",),
    "Servir à table": ("service en salle", "service"),
    "Trier les déchets sur un tapis": ("tri sur tapis", "tri"),
    "Poser des rails et des plaques de plâtre": ("pose de placo", "placo"),
    "Appliquer la peinture au rouleau et au pinceau": ("peinture", "peinture rouleau"),
    "Préparer le mortier et le béton": ("faire le mortier", "gâchage béton"),
    "Monter des murs en parpaings et briques": ("montage parpaings", "maçonnerie parpaing"),
    "Garder des enfants à domicile": ("garde d'enfants",),
    "Éplucher et préparer les légumes": ("épluchage", "légumerie"),
}

_NOUNS: dict[str, str] = {
    "Utiliser": "utilisation",
    "Respecter": "respect",
    "Conduire": "conduite",
    "Réaliser": "réalisation",
    "Poser": "pose",
    "Entretenir": "entretien",
    "Préparer": "préparation",
    "Tailler": "taille",
    "Tondre": "tonte",
    "Trier": "tri",
    "Charger": "chargement",
    "Accueillir": "accueil",
    "Contrôler": "contrôle",
    "Monter": "montage",
    "Laver": "lavage",
    "Ranger": "rangement",
    "Livrer": "livraison",
    "Emballer": "emballage",
    "Gérer": "gestion",
    "Planter": "plantation",
    "Servir": "service",
    "Encaisser": "encaissement",
    "Assembler": "assemblage",
    "Collecter": "collecte",
    "Surveiller": "surveillance",
    "Repasser": "repassage",
    "Vider": "vidage",
    "Balayer": "balayage",
    "Réceptionner": "réception",
    "Filmer": "filmage",
    "Étiqueter": "étiquetage",
    "Peser": "pesée",
    "Conditionner": "conditionnement",
    "Alimenter": "alimentation",
    "Approvisionner": "approvisionnement",
    "Garder": "garde",
    "Accompagner": "accompagnement",
    "Aider": "aide",
    "Nettoyer": "nettoyage",
    "Tirer": "tirage",
    "Raccorder": "raccordement",
    "Décaper": "décapage",
    "Désherber": "désherbage",
    "Couper": "coupe",
    "Distribuer": "distribution",
}
_DETERMINERS: dict[str, str] = {
    "les": "des",
    "le": "du",
    "la": "de la",
    "l'": "de l'",
    "un": "d'un",
    "une": "d'une",
    "des": "de",
    "du": "de",
    "à": "à",
    "aux": "aux",
}

_SECTOR_CONTEXTS: dict[str, tuple[str, ...]] = {
    "Propreté": (
        "en entreprise de propreté",
        "dans des bureaux",
        "en milieu hospitalier",
        "dans un collège",
        "en intérim",
        "sur chantier d'insertion",
    ),
    "Espaces verts": (
        "en ACI espaces verts",
        "chez un paysagiste",
        "pour la mairie",
        "en chantier d'insertion",
        "chez des particuliers",
    ),
    "Bâtiment second œuvre": (
        "en entreprise du bâtiment",
        "sur chantiers de rénovation",
        "en intérim BTP",
        "chez un artisan",
        "en chantier d'insertion",
    ),
    "Bâtiment gros œuvre et VRD": (
        "en entreprise de maçonnerie",
        "en intérim BTP",
        "sur chantiers TP",
        "chez un artisan",
    ),
    "Logistique": (
        "en entrepôt",
        "en intérim logistique",
        "en plateforme de distribution",
        "dans la grande distribution",
        "en messagerie",
    ),
    "Restauration collective": (
        "en cantine scolaire",
        "en cuisine centrale",
        "en restaurant",
        "en EHPAD",
        "en self d'entreprise",
        "en friterie",
    ),
    "Services à la personne": (
        "chez des particuliers",
        "en association d'aide à domicile",
        "en EHPAD",
        "auprès de personnes âgées",
        "en structure petite enfance",
    ),
    "Commerce": (
        "en supermarché",
        "en magasin",
        "en boutique solidaire",
        "en grande surface",
        "sur les marchés",
    ),
    "Réemploi et recyclage": (
        "en ressourcerie",
        "en centre de tri",
        "en chantier d'insertion",
        "en déchetterie",
    ),
    "Industrie": (
        "en usine agroalimentaire",
        "en intérim industrie",
        "sur ligne de production",
        "en atelier de conditionnement",
        "chez un équipementier automobile",
    ),
    "Autres services": (
        "en entreprise",
        "en intérim",
        "en collectivité",
        "en station de lavage",
        "en EHPAD",
    ),
}

_CODE_TRAININGS: dict[str, tuple[str, ...]] = {
    "K2205": ("CAP APH", "CQP agent machiniste", "formation autolaveuse"),
    "K2204": ("CQP agent machiniste", "CAP APH"),
    "K2202": ("formation travail en hauteur", "CACES R486 nacelle"),
    "K2307": ("formation gestes et postures",),
    "A1203": ("CAPa jardinier paysagiste", "CAPA JP", "Certiphyto", "formation débroussailleuse"),
    "A1208": (
        "CAPa jardinier paysagiste",
        "Bac pro aménagements paysagers",
        "BPA travaux paysagers",
    ),
    "A1202": ("formation tronçonneuse", "CAPa"),
    "F1707": ("CAPa JP", "titre pro maçon VRD"),
    "F1606": ("CAP peintre applicateur de revêtements", "titre pro peintre en bâtiment"),
    "F1604": ("titre pro plaquiste", "CAP plâtrier plaquiste"),
    "F1601": ("CAP plâtrier plaquiste",),
    "F1608": ("CAP carreleur mosaïste", "titre pro carreleur chapiste"),
    "F1616": ("titre pro menuisier poseur", "CAP menuisier"),
    "F1603": ("CAP installateur sanitaire", "titre pro installateur sanitaire"),
    "F1602": ("CAP électricien", "habilitation électrique B1V BR", "habilitation BR"),
    "I1203": ("titre pro agent d'entretien du bâtiment", "habilitation BS"),
    "F1703": ("CAP maçon", "titre pro maçon"),
    "F1704": ("AIPR opérateur", "formation travail en hauteur"),
    "F1702": ("AIPR opérateur", "titre pro canalisateur"),
    "N1103": ("CACES R489 cat 1", "CACES R485", "titre pro préparateur de commandes"),
    "N1101": ("CACES R489 cat 1 et 3", "CACES 1-3-5", "CACES R489 cat 3"),
    "N1110": ("titre pro magasinier cariste", "CACES 1 3 5"),
    "N1105": ("formation gestes et postures", "CACES R485"),
    "N1106": ("CACES R485 cat 1",),
    "N4105": ("FIMO en cours", "formation éco-conduite"),
    "N1102": ("formation gestes et postures",),
    "G1602": ("CAP cuisine", "HACCP", "CAP APR"),
    "G1605": ("HACCP",),
    "G1607": ("CAP APR", "HACCP", "titre pro agent de restauration"),
    "G1606": ("CAP cuisine", "HACCP", "BEP hôtellerie"),
    "G1803": ("CAP CS HCR", "HACCP"),
    "G1603": ("HACCP",),
    "K1304": ("titre pro ADVF en cours", "SST"),
    "K1311": ("titre pro ADVF", "SST", "DEAES en cours"),
    "K1302": ("DEAES", "titre pro ADVF", "SST"),
    "K1303": ("CAP AEPE", "PSC1"),
    "J1301": ("formation bionettoyage", "SST", "ASH qualifiée"),
    "D1507": ("CAP équipier polyvalent du commerce", "Bac pro commerce"),
    "D1505": ("titre pro employé commercial", "CAP EPC"),
    "D1214": ("CAP EPC", "Bac pro vente"),
    "D1106": ("HACCP", "CAP EPC"),
    "N1113": ("CACES R485",),
    "K2304": ("formation tri des déchets",),
    "K2308": ("formation réemploi textile",),
    "K2303": ("formation gestes et postures",),
    "K2309": ("habilitation électrique BS", "formation réemploi"),
    "K2318": ("formation accueil en déchetterie",),
    "H3302": ("CQP agent de fabrication", "HACCP"),
    "H3301": ("CQP conducteur de ligne", "CACES R489 cat 1"),
    "H2105": ("HACCP", "CQP opérateur de production"),
    "H2102": ("CQP conducteur de ligne", "Bac pro pilote de ligne de production"),
    "H2909": ("CQP opérateur régleur", "habilitation électrique H0B0"),
    "K2503": ("CQP APS", "SSIAP 1", "carte pro CNAPS"),
    "K2501": ("titre pro gardien d'immeuble", "habilitation BS"),
    "K2201": ("formation blanchisserie RABC",),
    "I1611": ("formation lavage sans eau",),
    "M1601": ("Bac pro ARCU", "titre pro agent d'accueil"),
    "D1242": ("CAP métiers de la mode", "formation blanchisserie"),
}
_CODE_CONTEXTS: dict[str, tuple[str, ...]] = {
    "K1303": ("chez des particuliers", "en structure petite enfance", "en accueil périscolaire"),
    "J1301": ("en EHPAD", "en clinique", "en centre hospitalier", "en maison de retraite"),
    "K1302": ("auprès de personnes âgées", "en EHPAD", "à domicile", "en foyer de vie"),
    "K2503": ("en grande surface", "sur sites industriels", "en événementiel"),
    "I1611": ("en station de lavage", "en concession automobile", "chez un loueur"),
    "M1601": ("en mairie", "en entreprise", "en centre social"),
}
# Entry-level jobs people held before, whatever their project.
_COMMON_PAST_JOBS: tuple[str, ...] = (
    "K2205",
    "N1105",
    "G1605",
    "D1507",
    "A1203",
    "H3302",
    "N1103",
    "F1704",
    "K2304",
    "G1607",
)
_GENERIC_TRAININGS: tuple[str, ...] = (
    "SST",
    "CléA",
    "remise à niveau français",
    "permis B en cours",
    "aucun diplôme",
    "Brevet des collèges",
    "BEP vente",
    "CAP (autre métier)",
    "Bac pro commerce",
    "formation FLE",
)
_SOFT_SKILLS: tuple[str, ...] = (
    "ponctuel(le)",
    "travail en équipe",
    "motivé(e)",
    "sens du service",
    "autonome",
    "rigoureux(se)",
    "bon relationnel",
)

# Sector-level offer vocabulary.
_HOURS_BY_SECTOR: dict[str, tuple[str, ...]] = {
    "Services à la personne": (
        "24 h/sem",
        "mi-temps",
        "26h",
        "temps partiel 28h",
        "20 à 30h",
        "30 h/semaine",
        "temps plein",
    ),
    "Propreté": ("20h", "24 h/sem", "mi-temps", "26 h", "35h", "temps partiel", "12h/semaine"),
}
_HOURS_DEFAULT: tuple[str, ...] = (
    "35h",
    "35 h",
    "temps plein",
    "39h",
    "35h annualisées",
    "temps plein (35h)",
    "30 h/sem",
    "mi-temps",
)
_SCHEDULES_BY_SECTOR: dict[str, tuple[str, ...]] = {
    "Propreté": (
        "horaires décalés 5h-8h / 17h-20h",
        "coupures",
        "tôt le matin (6h-9h)",
        "soirée 18h-21h",
        "du lundi au vendredi",
        "travail le samedi matin",
    ),
    "Espaces verts": (
        "journée 8h-16h",
        "du lundi au vendredi",
        "7h30-15h30",
        "travail en extérieur",
    ),
    "Bâtiment second œuvre": (
        "journée",
        "7h30-16h30 du lundi au vendredi",
        "déplacements sur chantiers",
    ),
    "Bâtiment gros œuvre et VRD": ("journée", "7h-16h", "déplacements sur chantiers"),
    "Logistique": (
        "horaires décalés 5h-12h",
        "2x8",
        "nuit",
        "équipe de nuit 21h-5h",
        "travail le samedi",
        "13h-20h",
        "journée",
    ),
    "Restauration collective": (
        "coupures",
        "travail le samedi",
        "7h-14h30",
        "week-end 1 sur 2",
        "du lundi au vendredi 6h30-14h",
        "soirées et week-ends",
    ),
    "Services à la personne": (
        "coupures",
        "week-end 1 sur 2",
        "interventions 8h-20h",
        "travail le samedi",
        "amplitude 7h-21h",
    ),
    "Commerce": (
        "travail le samedi",
        "horaires décalés 5h-12h",
        "dimanche matin",
        "coupures",
        "13h-20h30",
    ),
    "Réemploi et recyclage": (
        "journée",
        "du mardi au samedi",
        "travail le samedi",
        "tôt le matin (collecte 5h)",
    ),
    "Industrie": (
        "2x8",
        "3x8",
        "nuit",
        "équipe de nuit",
        "horaires décalés 5h-13h / 13h-21h",
        "journée",
    ),
    "Autres services": ("journée", "travail le samedi", "horaires décalés"),
}
_SCHEDULES_BY_CODE: dict[str, tuple[str, ...]] = {
    "K2503": ("nuit", "week-end et jours fériés", "12h de jour ou de nuit", "nuit (19h-7h)"),
    "K1302": ("nuit (garde de nuit)", "week-end 1 sur 2", "coupures"),
    "M1601": ("journée", "du lundi au vendredi 8h30-17h"),
    "K2501": ("journée", "astreintes le week-end"),
    "K2201": ("6h-13h", "horaires décalés 5h-12h"),
    "K2303": ("tôt le matin (5h-12h)", "horaires décalés 5h-12h"),
    "N1106": ("nuit", "horaires décalés 4h-11h", "équipe de nuit 22h-5h"),
}
_CONTRACTS_BY_KIND: dict[str, tuple[str, ...]] = {
    "pme": (
        "CDI",
        "CDD 6 mois",
        "CDD 3 mois renouvelable",
        "CDI temps partiel",
        "Intérim",
        "CDD 1 an",
        "Alternance",
        "CDI",
    ),
    "ess": ("CDDI", "CDDI 4 mois renouvelable", "CDDI 6 mois", "CDD d'insertion", "CDI"),
    "collectivite": ("contrat PEC", "PEC 12 mois", "CDD 1 an", "Contrat aidé (PEC)", "CDD 6 mois"),
    "ehpad": ("CDD 6 mois", "CDI", "CDD remplacement", "CDI temps partiel", "contrat PEC"),
    "distribution": (
        "CDI temps partiel",
        "CDD 3 mois",
        "CDD saisonnier (fêtes)",
        "CDI",
        "Alternance",
    ),
    "association": ("CDI temps partiel", "CDD 6 mois", "CDI", "CDD puis CDI", "contrat PEC"),
}
_INTERIM_CONTRACTS: tuple[str, ...] = (
    "Intérim",
    "Intérim longue mission",
    "interim 1 mois",
    "Intérim + CDI à la clé",
)
_LICENCE_NEED: dict[str, float] = {
    "N4105": 1.0,
    "K1304": 0.6,
    "K1311": 0.7,
    "K1302": 0.6,
    "I1611": 0.7,
    "K2309": 0.3,
    "A1203": 0.3,
    "A1208": 0.4,
    "A1202": 0.3,
    "F1606": 0.3,
    "F1616": 0.5,
    "F1603": 0.5,
    "F1602": 0.5,
    "I1203": 0.4,
    "K2501": 0.2,
    "N1102": 0.3,
}
_RARE_SKILLS: dict[str, tuple[str, ...]] = {
    "Propreté": ("Travail sur nacelle (CACES R486)", "Cordiste (travaux en hauteur)"),
    "Espaces verts": ("Certiphyto", "Conduite de mini-pelle (CACES R482 cat. A)"),
    "Bâtiment second œuvre": ("Habilitation électrique B2V", "Lecture de plans d'exécution"),
    "Bâtiment gros œuvre et VRD": ("AIPR opérateur", "Conduite de mini-pelle (CACES R482 cat. A)"),
    "Logistique": ("CACES R489 cat. 5", "Permis C", "Gestion des retours sous WMS"),
    "Restauration collective": ("Textures modifiées (mixé)", "Liaison froide"),
    "Services à la personne": ("Utilisation du lève-personne", "Accompagnement Alzheimer"),
    "Commerce": (
        "Découpe à la coupe (fromage / charcuterie)",
        "Gestion des commandes fournisseurs",
    ),
    "Réemploi et recyclage": ("Diagnostic électroménager", "Permis C"),
    "Industrie": ("Maintenance de premier niveau électrique", "Lecture de plans"),
    "Autres services": ("SSIAP 2", "Anglais courant"),
}
_DESC_EXTRA: dict[str, tuple[str, ...]] = {
    "Propreté": (
        "Interventions sur plusieurs sites de l'agglomération.",
        "Équipe de 6 agents, matériel fourni.",
    ),
    "Espaces verts": (
        "Chantiers chez des particuliers et collectivités.",
        "Travail en extérieur par tous temps.",
    ),
    "Bâtiment second œuvre": (
        "Chantiers de rénovation de logements.",
        "Travail en binôme avec un compagnon.",
    ),
    "Bâtiment gros œuvre et VRD": (
        "Chantiers dans un rayon de 30 km.",
        "Travail physique en extérieur.",
    ),
    "Logistique": (
        "Entrepôt de 20 000 m2, travail au froid possible.",
        "Travail en équipe, cadences soutenues.",
    ),
    "Restauration collective": ("Production de 800 repas par jour.", "Service du midi en self."),
    "Services à la personne": (
        "Interventions chez des personnes âgées du secteur.",
        "Frais kilométriques remboursés.",
    ),
    "Commerce": ("Magasin de proximité, clientèle fidèle.", "Formation assurée en interne."),
    "Réemploi et recyclage": (
        "Structure de l'économie sociale et solidaire.",
        "Travail en équipe, port de charges.",
    ),
    "Industrie": ("Site agroalimentaire certifié IFS.", "Travail posté, tenue fournie."),
    "Autres services": ("Formation au poste assurée.", "Tenue fournie."),
}
_MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
_MONTHS_SHORT = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)
_FAR_COMMUNES = ("Lens", "Liévin", "Arras", "Lille", "Saint-Omer", "Hazebrouck")

_PHONE_RE = re.compile(r"(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}")
_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")


# --------------------------------------------------------------------------------------------
# Referential
# --------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Ref:
    label: dict[str, str]
    sector: dict[str, str]
    titles: dict[str, list[str]]
    skills: dict[str, list[tuple[str, bool]]]
    close: dict[str, list[str]]
    communes: dict[str, tuple[str, str, float, float]]  # nom -> (insee, cp, lat, lon)
    qpv: dict[str, list[str]]  # commune -> QPV names


def _read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")


def _load_ref(data_dir: Path = DATA_DIR) -> _Ref:
    ref_dir = data_dir / "referentiel"
    metiers = _read(ref_dir / "metiers.csv")
    label = dict(zip(metiers["code"], metiers["libelle"], strict=True))
    sector = dict(zip(metiers["code"], metiers["secteur"], strict=True))
    titles: dict[str, list[str]] = {code: [] for code in metiers["code"]}
    for code, title in _read(ref_dir / "appellations.csv").itertuples(index=False):
        titles[code].append(title)
    skills: dict[str, list[tuple[str, bool]]] = {code: [] for code in metiers["code"]}
    for code, skill, core in _read(ref_dir / "competences.csv").itertuples(index=False):
        skills[code].append((skill, core == "1"))
    close: dict[str, list[str]] = {code: [] for code in metiers["code"]}
    for a, b in _read(ref_dir / "proximites.csv").itertuples(index=False):
        close[a].append(b)
        close[b].append(a)
    communes = {
        row.nom: (row.code_insee, row.code_postal, float(row.latitude), float(row.longitude))
        for row in _read(data_dir / "communes" / "territoire.csv").itertuples(index=False)
    }
    qpv: dict[str, list[str]] = {}
    for name, commune in _read(data_dir / "communes" / "qpv_territoire.csv").itertuples(
        index=False
    ):
        qpv.setdefault(commune, []).append(name)
    return _Ref(label, sector, titles, skills, close, communes, qpv)


# --------------------------------------------------------------------------------------------
# Small writing helpers
# --------------------------------------------------------------------------------------------
def _strip_accents(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "OE")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def _lower_first(text: str) -> str:
    if len(text) > 1 and text[1].isupper():  # acronym: keep ("ASH", "CACES")
        return text
    return text[:1].lower() + text[1:]


def _typo(text: str, rng: random.Random) -> str:
    low = text.lower()
    hits = [k for k in _TYPOS if k in low]
    if not hits:
        return text
    key = rng.choice(hits)
    start = low.index(key)
    return text[:start] + _TYPOS[key] + text[start + len(key) :]


def _nominalise(skill: str) -> str:
    """'Utiliser une autolaveuse' -> 'utilisation d'une autolaveuse' (when the form allows it)."""
    parts = skill.split(" ", 2)
    if len(parts) < 3 or parts[0] not in _NOUNS or parts[1] == "et":
        return skill
    noun, det, rest = _NOUNS[parts[0]], parts[1], parts[2]
    if det.startswith("l'"):
        return f"{noun} de {det} {rest}".replace("l' ", "l'")
    if det in _DETERMINERS:
        joined = f"{_DETERMINERS[det]} {rest}"
    else:
        joined = f"de {det} {rest}"
    if joined.startswith("de ") and joined[3:4].lower() in "aeéèiouyh":
        joined = "d'" + joined[3:]
    return f"{noun} {joined}"


def _write_skill(skill: str, rng: random.Random, sloppy: float) -> str:
    """One skill as a person would type it (short form, nominal form, typo, no accents)."""
    text = skill
    if skill in _SHORT_FORMS and rng.random() < 0.45:
        text = rng.choice(_SHORT_FORMS[skill])
    elif rng.random() < 0.3:
        text = _nominalise(skill)
    if rng.random() < 0.5:
        text = _lower_first(text)
    if rng.random() < sloppy:
        text = _typo(text, rng)
    if rng.random() < sloppy / 2:
        text = _strip_accents(text)
    return text


def _offer_skills_of(offer: dict[str, object]) -> list[str]:
    """The skills list that :func:`_make_offer` keeps under ``_skills``."""
    return cast(list[str], offer["_skills"])


def _join_list(items: list[str], rng: random.Random, styles: tuple[str, ...]) -> str:
    style = rng.choice(styles)
    if style == "bullets":
        return "\n".join(f"- {item}" for item in items)
    if style == "lines":
        return "\n".join(items)
    return style.join(items)


def _mess_commune(name: str, rng: random.Random, p: float) -> str:
    if rng.random() >= p:
        return name
    variant = rng.randrange(5)
    if variant == 0:
        return _strip_accents(name).upper().replace("-", " ")
    if variant == 1:
        return _strip_accents(name)
    if variant == 2:
        return name.replace("-", " ")
    if variant == 3:
        return name.upper()
    return "-".join(w[:1].upper() + w[1:] for w in name.split("-"))


def _gendered_title(title: str, rng: random.Random) -> str:
    for masc, both in _GENDERED.items():
        if title.startswith(masc) and rng.random() < 0.6:
            return both + title[len(masc) :]
    return title


def _offer_title(title: str, rng: random.Random) -> str:
    text = _gendered_title(title, rng)
    r = rng.random()
    if r < 0.45:
        text += " H/F"
    elif r < 0.65:
        text += " (F/H)"
    elif r < 0.75:
        text += " - H/F"
    if rng.random() < 0.1:
        text = _typo(text, rng)
    if rng.random() < 0.06:
        text = _strip_accents(text).lower()
    return text


def _french_date(day: dt.date, rng: random.Random) -> str:
    style = rng.randrange(6)
    if style == 0:
        return day.strftime("%d/%m/%Y")
    if style == 1:
        first = "1er" if day.day == 1 else str(day.day)
        return f"{first} {_MONTHS[day.month - 1]}"
    if style == 2:
        return f"{_MONTHS_SHORT[day.month - 1]} {day.year}"
    if style == 3:
        return day.strftime("%d/%m/%y")
    if style == 4:
        return f"début {_MONTHS[day.month - 1]}"
    return day.strftime("%d/%m/%Y")


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
def _offer_skills(code: str, ref: _Ref, rng: random.Random) -> list[str]:
    core = [s for s, c in ref.skills[code] if c]
    other = [s for s, c in ref.skills[code] if not c]
    chosen = rng.sample(core, k=min(len(core), rng.randint(2, 3)))
    chosen += rng.sample(other, k=min(len(other), rng.randint(1, 3)))
    if rng.random() < 0.12:
        chosen.append(rng.choice(_RARE_SKILLS[ref.sector[code]]))
    return [_write_skill(s, rng, sloppy=0.12) for s in chosen]


def _description(firm: _Firm, code: str, title: str, ref: _Ref, rng: random.Random) -> str:
    if rng.random() < 0.08:
        return ""
    plain = re.sub(r"\s*[-(]?\s*(H/F|F/H)\)?$", "", title).strip()
    intro = rng.choice(
        (
            f"{firm.name} recrute un(e) {_lower_first(plain)} pour renforcer son équipe.",
            f"Dans le cadre de son développement, {firm.name} recherche un(e) {_lower_first(plain)}.",
            f"Poste de {_lower_first(plain)} à pourvoir à {firm.commune}.",
            f"Nous recherchons un(e) {_lower_first(plain)} motivé(e).",
        )
    )
    core = [_lower_first(s) for s, c in ref.skills[code] if c]
    missions = rng.sample(core, k=min(2, len(core)))
    text = f"{intro} Missions : {', '.join(missions)}."
    if rng.random() < 0.6:
        text += " " + rng.choice(_DESC_EXTRA[ref.sector[code]])
    if firm.kind == "ess" and rng.random() < 0.7:
        text += " Poste en parcours d'insertion, accompagnement socioprofessionnel assuré."
    return text


def _make_offer(firm: _Firm, ref: _Ref, rng: random.Random, hard: bool) -> dict[str, object]:
    codes = firm.codes
    code = rng.choices(codes, weights=[4] + [2] * (len(codes) - 1), k=1)[0]
    sector = ref.sector[code]
    title = _offer_title(rng.choice(ref.titles[code]), rng)
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
            skills.append(_write_skill(rng.choice(_RARE_SKILLS[sector]), rng, 0.0))
    if rng.random() < need:
        licence = rng.choice(("Permis B", "oui", "VL", "Permis B obligatoire", "B + véhicule"))
    else:
        licence = rng.choice(("non", "", "", "Non", "pas nécessaire", "souhaité"))
    if rng.random() < 0.18:
        start: object = rng.choice(("dès que possible", "ASAP", "immédiat", "Dès que possible"))
    else:
        start = _french_date(_future_day(rng), rng)
    multi = sector in ("Logistique", "Industrie", "Propreté") and rng.random() < 0.4
    positions = rng.randint(2, 5) if multi else 1
    experience = rng.choice(
        (
            "Débutant accepté",
            "débutant(e) accepté(e)",
            "6 mois minimum",
            "1 an souhaité",
            "Expérience exigée",
            "Première expérience appréciée",
            "",
            "2 ans",
            "non exigée",
        )
    )
    role = rng.choice(
        (
            "Service RH",
            "Responsable d'exploitation",
            "Chef d'équipe",
            "Direction",
            "Responsable de secteur",
            "Gérant",
            "Responsable du site",
            "Service recrutement",
        )
    )
    contact = rng.choice(
        (
            f"{role} – 03 21 xx xx xx",
            f"{role} (standard : 03 21 xx xx xx)",
            f"{role} – passer par la coordinatrice Busin'ESS",
            role,
        )
    )
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


def _generate_offers(ref: _Ref, rng: random.Random) -> list[dict[str, object]]:
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
        skills_cell = _join_list(
            _offer_skills_of(offer), rng, ("; ", ", ", " / ", "lines", "bullets")
        )
        rows.append(
            {
                OFFER_REF: f"BUS26-{number:03d}",
                EMPLOYER: offer[EMPLOYER],
                TITLE: offer[TITLE],
                DESCRIPTION: offer[DESCRIPTION],
                SKILLS: skills_cell,
                COMMUNE: _mess_commune(str(offer[COMMUNE]), rng, 0.2),
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
    remarks = (
        "",
        "",
        "",
        "offre transmise par la Mission locale",
        "à relancer",
        "entretien collectif prévu",
        "poste déjà proposé en septembre",
        "visite d'entreprise possible",
    )
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
        skills_cell = _join_list(
            _offer_skills_of(offer), rng, (" - ", "; ", "lines", "bullets", ", ")
        )
        rows.append(
            {
                EMPLOYER: offer[EMPLOYER],
                TITLE: offer[TITLE],
                CONTRACT_TYPE: offer[CONTRACT_TYPE],
                WEEKLY_HOURS: offer[WEEKLY_HOURS],
                COMMUNE: _mess_commune(str(offer[COMMUNE]), rng, 0.25),
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
                IGNORED: rng.choice(remarks),
            }
        )
    return pd.DataFrame(rows, columns=[f for _, f in OFFERS_EXTRA_COLUMNS])


# --------------------------------------------------------------------------------------------
# Profiles
# --------------------------------------------------------------------------------------------
def _pick_codes(struct: _Structure, ref: _Ref, rng: random.Random) -> list[str]:
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


def _pick_commune(struct: _Structure, ref: _Ref, rng: random.Random) -> str:
    if rng.random() < 0.04:
        return rng.choice(_FAR_COMMUNES)
    home = ref.communes[struct.home][2:]
    weights = {
        name: math.exp(-_distance_km(home, (lat, lon)) / 7.0) + (0.8 if name == struct.home else 0)
        for name, (_, _, lat, lon) in ref.communes.items()
        if name not in _FAR_COMMUNES
    }
    return _weighted(rng, weights)


def _experience_text(codes: list[str], level: int, ref: _Ref, rng: random.Random) -> str:
    entries: list[str] = []
    if level == 0:
        job = _lower_first(rng.choice(ref.titles[codes[0]]))
        entries.append(
            rng.choice(
                (
                    "aucune expérience",
                    "pas d'expérience dans le métier",
                    f"PMSMP 2 semaines {job}",
                    f"stage de 3 semaines {rng.choice(_SECTOR_CONTEXTS[ref.sector[codes[0]]])}",
                    "première expérience en ACI (6 mois)",
                    f"PMSMP 1 semaine comme {job}",
                )
            )
        )
    else:
        for code in codes[: 1 + (level == 2) + (rng.random() < 0.3)]:
            job = _lower_first(rng.choice(ref.titles[code]))
            if level == 2:
                duration = rng.choice(("2 ans", "3 ans", "5 ans", "18 mois", "10 ans", "1 an"))
            else:
                duration = rng.choice(("6 mois", "3 mois", "1 an", "8 mois", "4 mois"))
            ctx = rng.choice(_CODE_CONTEXTS.get(code, _SECTOR_CONTEXTS[ref.sector[code]]))
            entries.append(f"{duration} {job} {ctx}")
    if rng.random() < 0.25:
        other = rng.choice(_COMMON_PAST_JOBS)
        entries.append(
            f"{rng.choice(('6 mois', '3 mois', '1 an'))} {_lower_first(ref.titles[other][0])}"
        )
    return _join_list(entries, rng, (", ", "; ", "lines", " / "))


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


def _target_jobs_text(codes: list[str], ref: _Ref, rng: random.Random) -> str:
    names = []
    for code in codes:
        name = rng.choice(ref.titles[code])
        if rng.random() < 0.5:
            name = _lower_first(name)
        if rng.random() < 0.08:
            name = _typo(name, rng)
        names.append(name)
    if len(codes) == 1 and rng.random() < 0.08:
        return rng.choice((f"tout poste en {ref.sector[codes[0]].lower()}", ref.sector[codes[0]]))
    return _join_list(names, rng, (" / ", "; ", " ou ", ", ", "/"))


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


def _make_person(struct: _Structure, ref: _Ref, rng: random.Random) -> _Person:
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
    skills = list(dict.fromkeys(_write_skill(s, rng, sloppy=0.15) for s in raw))
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
        transport = rng.choice(
            ("transports en commun", "vélo", "à pied", "covoiturage", "scooter", "bus")
        )
        km = rng.choice((3, 5, 5, 8, 10, 10, 15))
    if rng.random() < 0.08:
        km = None
    hours = rng.choice(
        (
            "temps plein",
            "temps plein",
            "mi-temps",
            "24h",
            "20 à 26h",
            "temps partiel",
            "35h",
            "indifférent",
        )
    )
    if ref.sector[codes[0]] == "Services à la personne" and rng.random() < 0.5:
        hours = rng.choice(("mi-temps", "24h", "20 à 26h", "temps partiel", "pas plus de 30h"))
    availability = rng.choice(
        (
            "pas de week-end",
            "nuit impossible",
            "horaires décalés ok",
            "journée uniquement",
            "tout horaire",
            "pas le mercredi (enfants)",
            "pas avant 8h30 (garde d'enfants)",
            "week-end ok",
            "nuit ok",
            "",
            "",
        )
    )
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
        contracts=rng.choice(
            (
                "CDI/CDD",
                "tout contrat",
                "CDDI",
                "intérim ok",
                "CDD, intérim",
                "CDI uniquement",
                "tous sauf intérim",
            )
        ),
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


def _licence_text(p: _Person, struct: _Structure, rng: random.Random) -> str:
    if struct.key == "geiq":
        return {"B": "oui", "en cours": "en cours", "aucun": "non"}[p.licence]
    vocab = {
        "B": ("B", "oui", "Permis B", "B"),
        "en cours": ("en cours", "code obtenu", "en cours (conduite)"),
        "aucun": ("non", "aucun", "non", "pas de permis"),
    }
    return rng.choice(vocab[p.licence])


def _available_cell(p: _Person, struct: _Structure, rng: random.Random) -> object:
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
            f"fin {_MONTHS[day.month - 1]}",
            f"{_MONTHS_SHORT[day.month - 1]} {day.year}",
            f"fin de contrat le {day.strftime('%d/%m/%Y')}",
            f"après sa formation ({_MONTHS[day.month - 1]})",
        )
    )


def _profile_row(
    p: _Person, struct: _Structure, ref: _Ref, number: int, rng: random.Random
) -> dict[str, object]:
    ids = {
        "aci_jb": f"ACI-JB-{number:04d}",
        "ei_ap": f"EIAP/{number:03d}",
        "ai_bs": f"2026-{number:03d}",
        "geiq": f"GBA-26-{number:03d}",
        "etti": f"ETTI-IS-{number:04d}",
        "aci_rl": f"RDL-2026-{number:02d}",
        "ei_rs": f"ERS-{number:03d}",
        "plie": f"PLIE-2026-{number:04d}",
    }
    _, postal, _, _ = ref.communes[p.commune]
    skill_styles = {
        "aci_jb": (", ", "; ", "bullets"),
        "ei_ap": ("lines", "bullets", " / "),
        "ai_bs": (", ", " / ", "; "),
        "geiq": ("; ", ", "),
        "etti": (", ", "; ", " / ", "lines"),
        "aci_rl": ("bullets", ", ", "lines"),
        "ei_rs": (", ", " - ", "; "),
        "plie": ("; ", ", ", "lines", "bullets"),
    }[struct.key]
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
        PROFILE_REF: ids[struct.key],
        COUNSELLOR: rng.choice(struct.counsellors),
        TARGET_JOBS: _target_jobs_text(p.codes, ref, rng),
        SKILLS: _join_list(p.skills, rng, skill_styles),
        EXPERIENCE: p.experience,
        TRAINING: _join_list(p.training, rng, (", ", " / ", "; ", "lines")) if p.training else "",
        COMMUNE: _mess_commune(p.commune, rng, 0.15),
        POSTAL_CODE: postal_cell,
        MOBILITY_KM: mobility,
        LICENCE: _licence_text(p, struct, rng),
        TRANSPORT: transport,
        CONTRACT_TYPES: contracts,
        WANTED_HOURS: hours,
        AVAILABILITY: p.availability,
        AVAILABLE_FROM: _available_cell(p, struct, rng),
        COMMENT: rng.choice(
            (
                "",
                "",
                "",
                "",
                "motivé(e)",
                "à revoir en entretien",
                "PMSMP prévue",
                "en attente de financement formation",
                "bonne dynamique",
                "souhaite se réorienter",
                "absent(e) au dernier RDV",
                "positionné(e) sur une offre Busin'ESS",
            )
        ),
    }
    if struct.key in ("geiq", "plie"):
        codes = p.codes if struct.key == "geiq" or rng.random() < 0.7 else []
        row[ROME_CODES] = rng.choice((" / ", ", ", ";")).join(codes)
    return row


_FAKE_FIRST = ("Test", "Exemple", "Anonyme", "Fictif", "Xxx")


def _forbidden_values(number: int, rng: random.Random) -> list[object]:
    """Obviously fake personal values for the columns the importer must drop."""
    return [
        f"FICTIF-{number:03d}",
        rng.choice(_FAKE_FIRST),
        f"01/01/19{70 + number % 30:02d}",
        rng.choice(("F", "M")),
    ]


def _profiles_frame(struct: _Structure, ref: _Ref, rng: random.Random) -> pd.DataFrame:
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


def _excel_row(struct: _Structure, index: int) -> int:
    """Row number as Excel (or a spreadsheet opening the CSV) shows it, for frame position index."""
    return struct.header_row + 1 + index


def _apply_profile_messes(
    struct: _Structure, frame: pd.DataFrame, rng: random.Random
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
        planted = {
            "aci_jb": (
                "joignable au 06 39 98 12 34 après 17h",
                "préfère les SMS : 06.39.98.57.21",
            ),
            "aci_rl": (),
            "plie": ("envoyer les offres par mail : beneficiaire.test@example.com",),
        }[struct.key]
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


def _shift_notes(notes: list[str], struct: _Structure, after: int) -> list[str]:
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
# Writers
# --------------------------------------------------------------------------------------------
@dataclass
class _Sheet:
    name: str
    frame: pd.DataFrame
    header_row: int = 1
    title: str | None = None
    merge_title: bool = False
    hidden: bool = False
    widths: dict[str, float] = field(default_factory=dict)


def _stabilise_xlsx(path: Path) -> None:
    """Rewrite the zip with fixed entry dates and a fixed 'modified' property."""
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info.filename)) for info in src.infolist()]
    stamp = FIXED_TIMESTAMP.strftime("%Y-%m-%dT%H:%M:%SZ")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as dst:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                text = data.decode("utf-8")
                text = re.sub(
                    r"(<dcterms:(?:created|modified)[^>]*>)[^<]*(</dcterms:)",
                    rf"\g<1>{stamp}\g<2>",
                    text,
                )
                data = text.encode("utf-8")
            new = zipfile.ZipInfo(info.filename, date_time=_ZIP_DATE)
            new.compress_type = zipfile.ZIP_DEFLATED
            new.external_attr = 0o600 << 16
            dst.writestr(new, data)
    path.write_bytes(buffer.getvalue())


def _write_xlsx(path: Path, sheets: list[_Sheet]) -> None:
    with pd.ExcelWriter(
        path, engine="openpyxl", date_format="DD/MM/YYYY", datetime_format="DD/MM/YYYY"
    ) as writer:
        for sheet in sheets:
            sheet.frame.to_excel(
                writer, sheet_name=sheet.name, startrow=sheet.header_row - 1, index=False
            )
            ws = writer.sheets[sheet.name]
            if sheet.title:
                ws.cell(row=1, column=1, value=sheet.title)
                if sheet.merge_title:
                    ws.merge_cells(
                        start_row=1, start_column=1, end_row=1, end_column=len(sheet.frame.columns)
                    )
            for letter, width in sheet.widths.items():
                ws.column_dimensions[letter].width = width
            if sheet.hidden:
                ws.sheet_state = "hidden"
        book = writer.book
        book.properties.creator = "circuit-court sample generator"
        book.properties.lastModifiedBy = "circuit-court sample generator"
        book.properties.created = FIXED_TIMESTAMP
        book.properties.modified = FIXED_TIMESTAMP
    _stabilise_xlsx(path)


def _default_widths(frame: pd.DataFrame) -> dict[str, float]:
    widths = {}
    for i, col in enumerate(frame.columns, start=1):
        longest = max([len(str(col))] + [len(str(v).split("\n")[0]) for v in frame[col].head(30)])
        widths[get_column_letter(i)] = float(min(max(10, longest + 2), 60))
    return widths


# --------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------
def _columns_table(columns: tuple[tuple[str, str], ...]) -> list[str]:
    meaning = {
        FORBIDDEN: "— (personal data: must be dropped)",
        COMMENT: "— (free comment: may be kept as a note, contact details must be redacted)",
        IGNORED: "— (free remark of the coordinator: not needed for matching)",
    }
    lines = ["| column (as written) | canonical field |", "|---|---|"]
    for header, fld in columns:
        lines.append(f"| `{header}` | {meaning.get(fld, f'`{fld}`')} |")
    return lines


def _readme(
    offers_main: pd.DataFrame,
    offers_extra: pd.DataFrame,
    offer_notes: dict[str, list[str]],
    profile_info: list[tuple[_Structure, int, list[str]]],
    seed: int,
) -> str:
    out = [
        "# Sample data (generated)",
        "",
        f"Written by `matcher.sample.generate_sample(out_dir, seed={seed})`: do not edit by hand,",
        "re-run the generator instead. Everything here is invented (firms, structures, counsellors,",
        "job seekers); identifiers are pseudonymous codes. Firm phone numbers are masked",
        "(`03 21 xx xx xx`); the few personal contact details planted on purpose use the ranges",
        "reserved for fiction (06 39 98 ..) and the reserved domain `example.com`.",
        "",
        "Row numbers below are as a spreadsheet shows them (1-based, header and title rows",
        "included), i.e. the `source_row` of `matcher/fields.py`. The structure of a profile is not",
        "a column: each file belongs to one structure (table below).",
        "",
        "## Files",
        "",
        "| file | content | format | sheets | header row | data rows |",
        "|---|---|---|---|---|---|",
        f"| `{OFFERS_MAIN_FILE}` | job offers, coordinator Busin'ESS | xlsx | `Offres 2026` | 3 | "
        f"{len(offers_main)} (+ total row) |",
        f"| `{OFFERS_EXTRA_FILE}` | job offers, second coordinator | xlsx | `Feuil1` | 1 | "
        f"{len(offers_extra)} |",
    ]
    for struct, n_rows, _ in profile_info:
        if struct.sheet is None:
            enc = "cp1252, `;`" if struct.key == "ai_bs" else "UTF-8 with BOM, `,`"
            fmt, sheets = f"CSV ({enc})", "—"
        else:
            fmt = "xlsx"
            sheets = f"`{struct.sheet}`" + (
                " + hidden `paramètres`" if struct.key == "ei_ap" else ""
            )
        out.append(
            f"| `{struct.filename}` | profiles, {struct.name} | {fmt} | {sheets} | "
            f"{struct.header_row} | {n_rows} |"
        )
    out += [
        "",
        "## Offers",
        "",
        f"### {OFFERS_MAIN_FILE}",
        "",
        "Row 1: merged title `Busin'ESS 2026 – Offres collectées le "
        f"{COLLECTION_DATE}`; row 2: empty; row 3: header.",
        "",
        *_columns_table(OFFERS_MAIN_COLUMNS),
        "",
        "Messes:",
        *[f"- {n}" for n in offer_notes[OFFERS_MAIN_FILE]],
        "",
        f"### {OFFERS_EXTRA_FILE}",
        "",
        "Header on row 1, other column names and order, no reference column (references must",
        "be generated), no ROME code column.",
        "",
        *_columns_table(OFFERS_EXTRA_COLUMNS),
        "",
        "Messes:",
        *[f"- {n}" for n in offer_notes[OFFERS_EXTRA_FILE]],
        "",
        "## Profiles",
        "",
        "Common habits: several target jobs in one cell (separated by `/`, `;`, `,` or `ou`),",
        "skills separated by `,` `;` `/` ` - `, line breaks or `- ` bullets, typos and missing",
        "accents, abbreviations (CACES 3, HACCP, ADVF...), commune names without accents or in",
        "upper case, a few postal codes missing, dates as text (`immédiate`, `01/12/2026`,",
        "`fin novembre`) or as real date cells.",
    ]
    for struct, _, notes in profile_info:
        where = (
            f"sheet `{struct.sheet}`, header on row {struct.header_row}"
            if struct.sheet
            else "CSV, header on line 1"
        )
        out += ["", f"### {struct.filename} — {struct.name}", "", where + "."]
        if struct.title and struct.header_row == 3:
            out.append(f"Row 1: merged title `{struct.title}`; row 2: empty.")
        if struct.key == "ei_ap":
            out.append(
                "A second, hidden sheet `paramètres` holds the drop-down lists of the workbook "
                "(counsellors, contract types): it is not data and must be skipped."
            )
        out += ["", *_columns_table(struct.columns)]
        extra = list(struct.notes) + notes
        if extra:
            out += ["", "Messes and particularities:", *[f"- {n}" for n in extra]]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------------------------
# Entry point
# --------------------------------------------------------------------------------------------
STRUCTURES_MANIFEST = "structures.csv"


def generate_sample(out_dir: Path, seed: int = 2026) -> list[Path]:
    """Write the sample offer and profile files into ``out_dir``; return their paths, sorted.

    Writes two offer workbooks (``offres_busin_ess_2026.xlsx``, ``offres_complementaires.xlsx``),
    one profile file per insertion structure (8 files, xlsx or CSV) and a ``README.md`` that
    maps every column header to its canonical field and lists the deliberate messes with their
    row numbers. The output depends only on ``seed`` and on the files under ``data/``.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    ref = _load_ref()
    written: list[Path] = []

    # ---- offers -------------------------------------------------------------------------
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
    main_headers = main.rename(columns={f: h for h, f in OFFERS_MAIN_COLUMNS})
    total: dict[str, object] = {h: "" for h, _ in OFFERS_MAIN_COLUMNS}
    total["Entreprise"] = "TOTAL"
    total["Nb de postes"] = int(pd.to_numeric(main[POSITIONS]).sum())
    main_headers = pd.concat([main_headers, pd.DataFrame([total])], ignore_index=True)
    path = out_dir / OFFERS_MAIN_FILE
    _write_xlsx(
        path,
        [
            _Sheet(
                "Offres 2026",
                main_headers,
                header_row=3,
                title=f"Busin'ESS 2026 – Offres collectées le {COLLECTION_DATE}",
                merge_title=True,
                widths=_default_widths(main_headers),
            )
        ],
    )
    written.append(path)
    extra_headers = extra.rename(columns={f: h for h, f in OFFERS_EXTRA_COLUMNS})
    path = out_dir / OFFERS_EXTRA_FILE
    _write_xlsx(path, [_Sheet("Feuil1", extra_headers, widths=_default_widths(extra_headers))])
    written.append(path)
    log.info("offers: %d + %d rows from %d firms", len(main), len(extra), len(_FIRMS))

    # ---- profiles -----------------------------------------------------------------------
    profile_info: list[tuple[_Structure, int, list[str]]] = []
    for struct in _STRUCTURES:
        frame = _profiles_frame(struct, ref, rng)
        frame, notes = _apply_profile_messes(struct, frame, rng)
        path = out_dir / struct.filename
        if struct.key == "ai_bs":
            frame.to_csv(path, sep=";", index=False, encoding="cp1252", lineterminator="\r\n")
        elif struct.key == "etti":
            frame.to_csv(path, sep=",", index=False, encoding="utf-8-sig", lineterminator="\n")
        else:
            sheets = [
                _Sheet(
                    str(struct.sheet),
                    frame,
                    header_row=struct.header_row,
                    title=struct.title,
                    merge_title=struct.header_row == 3,
                    widths=_default_widths(frame),
                )
            ]
            if struct.key == "ei_ap":
                params = pd.DataFrame(
                    {
                        "Référents": list(struct.counsellors) + ["", ""],
                        "Contrats": ["CDDI", "CDD", "CDI", "Intérim", "tout contrat"],
                    }
                )
                sheets.append(_Sheet("paramètres", params, hidden=True))
            _write_xlsx(path, sheets)
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
        _readme(main, extra, offer_notes, profile_info, seed), encoding="utf-8", newline="\n"
    )
    written.append(readme)
    return sorted(written)
