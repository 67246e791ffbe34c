"""The shortlists' columns and what each row shows, without pandas or openpyxl (issue 15: an
export to CSV starts at once): the columns of the shortlist rows and of each audience, their
French headers, the display values of one row (``display_record``) and the CSV file
(``shortlist_csv``). The workbooks (:mod:`matcher.export.shortlists`) use the same columns,
headers and labels."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import sys
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from matcher import fields as F
from matcher.export.cells import csv_safe, fr_date

KEY_HEADER = "Clé (ne pas modifier)"

# Export-only columns of the shortlist rows frame (canonical ones come from fields.py).
OFFER_COMMUNE = "offer_commune"
STATUS = F.STATUS
DECISION_REASON = F.REASON
COMMENT = F.COMMENT
DECIDED_AT = F.STATUS_AT
OCC_LINK = "occupation_link"
COMMUTE = "commute"
AVAILABILITY_TEXT = "availability_text"
KEY = "key"
BASE_STATUS = "base_status"  # stored status the row was exported with (signed in the key)

ROW_COLUMNS: tuple[str, ...] = (
    F.OFFER_REF, F.EMPLOYER, F.TITLE, OFFER_COMMUNE, F.START_DATE, F.PROFILE_REF, F.STRUCTURE,
    F.COUNSELLOR, F.AVAILABLE_FROM, F.RANK, F.SCORE, F.DISTANCE_KM, F.OCC_KIND,
    F.MATCHED_SKILLS, F.MISSING_SKILLS, F.REASONS, STATUS, DECISION_REASON, COMMENT, DECIDED_AT,
    F.REVIEW_ID,
)  # fmt: skip

# What each column is called in the workbooks, and what it means (for the "Lisez-moi" sheet).
COLUMN_DOC: dict[str, tuple[str, str]] = {
    F.OFFER_REF: ("Réf. offre", "Référence de l'offre d'emploi"),
    F.EMPLOYER: ("Entreprise", "Entreprise qui recrute"),
    F.TITLE: ("Poste", "Intitulé du poste proposé"),
    OFFER_COMMUNE: ("Lieu de travail", "Commune du poste"),
    F.START_DATE: ("Début du poste", "Date de prise de poste souhaitée (jj/mm/aaaa)"),
    F.PROFILE_REF: ("Réf. candidat", "Référence pseudonyme du candidat : elle ne permet pas de "
                    "l'identifier ; pour toute suite, contactez la structure"),
    F.STRUCTURE: ("Structure", "Structure d'insertion qui accompagne le candidat"),
    F.COUNSELLOR: ("Conseiller à contacter", "Conseiller en insertion, intermédiaire pour toute "
                   "prise de contact"),
    AVAILABILITY_TEXT: ("Disponibilité", "Date à partir de laquelle le candidat est disponible"),
    F.RANK: ("Rang", "Rang du candidat pour cette offre (1 = le plus adapté)"),
    F.SCORE: ("Score", "Adéquation estimée entre l'offre et le profil, de 0 % à 100 %"),
    OCC_LINK: ("Lien métier", "Métier visé par le candidat par rapport au poste"),
    F.MATCHED_SKILLS: ("Compétences présentes", "Compétences demandées que le candidat possède"),
    F.MISSING_SKILLS: ("Compétences manquantes", "Compétences demandées non repérées dans le profil"),
    COMMUTE: ("Trajet", "Distance à vol d'oiseau entre le domicile et le lieu de travail"),
    F.REASONS: ("Pourquoi", "Raisons de la suggestion, à lire au candidat ou à l'employeur"),
    STATUS: ("Décision", "À remplir : choisissez une décision dans la liste"),
    DECISION_REASON: ("Motif si non retenu", "À remplir si la décision est « Non retenu »"),
    COMMENT: ("Commentaire", "Commentaire libre (sans donnée personnelle)"),
    DECIDED_AT: ("Date de décision", "Date de la dernière décision enregistrée"),
    KEY: (KEY_HEADER, "Colonne masquée qui identifie la ligne : ne pas la modifier"),
    F.S_TEXT: ("Texte", "Proximité des textes de l'offre et du profil (0 à 1)"),
    F.S_SKILLS: ("Compétences", "Part des compétences demandées présentes dans le profil (0 à 1)"),
    F.S_OCCUPATION: ("Métier", "Lien entre le métier de l'offre et le métier visé (0 à 1)"),
    F.S_COMMUTE: ("Trajet (note)", "Distance comparée au rayon de mobilité de la personne (0 à 1)"),
    F.S_CONSTRAINTS: ("Contraintes", "1 sans contrainte non respectée, moins sinon"),
    F.DISTANCE_KM: ("Distance (km)", "Distance à vol d'oiseau en kilomètres"),
    F.OCC_KIND: ("Lien métier (code)", "4 même métier, 3 même famille, 2 proche, 1 même domaine, 0 autre, -1 inconnu"),
    F.TO_DISCUSS: (F.TO_DISCUSS_LABEL, "Vrai quand le lieu de travail est au-delà de ce que la personne peut rejoindre : à discuter avec elle"),
    F.REACH_REASON: ("Pourquoi à discuter", "Ce qui rend le trajet à discuter (vide sinon)"),
}  # fmt: skip

# The only columns a firm's workbook may contain (a whitelist, not a blacklist).
FIRM_COLUMNS: tuple[str, ...] = (
    F.OFFER_REF, F.TITLE, F.PROFILE_REF, F.STRUCTURE, F.COUNSELLOR, OCC_LINK, F.MATCHED_SKILLS,
    F.MISSING_SKILLS, COMMUTE, AVAILABILITY_TEXT, F.SCORE, STATUS, DECISION_REASON, COMMENT,
)  # fmt: skip
STRUCTURE_COLUMNS: tuple[str, ...] = (
    F.PROFILE_REF, F.COUNSELLOR, F.OFFER_REF, F.EMPLOYER, F.TITLE, OFFER_COMMUNE, F.START_DATE,
    F.RANK, F.SCORE, F.REASONS, STATUS, DECISION_REASON, COMMENT, DECIDED_AT,
)  # fmt: skip
OFFER_SHEET_COLUMNS: tuple[str, ...] = (
    F.RANK, F.PROFILE_REF, F.STRUCTURE, F.COUNSELLOR, F.SCORE, OCC_LINK, F.MATCHED_SKILLS,
    F.MISSING_SKILLS, COMMUTE, AVAILABILITY_TEXT, F.REASONS, STATUS, DECISION_REASON, COMMENT,
    DECIDED_AT,
)  # fmt: skip
DECISION_COLUMNS = (STATUS, DECISION_REASON, COMMENT)
# Pairs a firm may receive: the counsellor retained the person (or later). Refused or dropped
# pairs never leave; not yet reviewed ones only when asked (e.g. on the Busin'ESS day).
FIRM_STATUSES = tuple(
    s.value for s in (F.Status.RETAINED, F.Status.PROPOSED, F.Status.INTERVIEW, F.Status.HIRED)
)
FIRM_STATUSES_WITH_SUGGESTED = (F.Status.SUGGESTED.value, *FIRM_STATUSES)
PERCENT_COLUMNS = (F.SCORE,)
DATE_COLUMNS = (F.START_DATE, DECIDED_AT)
WRAP_COLUMNS = (F.REASONS, F.MATCHED_SKILLS, F.MISSING_SKILLS, COMMENT, F.TITLE)

OCC_LINK_LABELS = {
    4: "Même métier",
    3: "Même famille de métiers",
    2: "Métier proche",
    1: "Même domaine professionnel",
    0: "Autre métier",
    -1: "Non déterminé",
}


def header(column: str) -> str:
    return COLUMN_DOC[column][0] if column in COLUMN_DOC else column


def as_date(value: object) -> object:
    """An ISO timestamp (as stored) -> a date cell; dates stay dates; anything else empty."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value
    if isinstance(value, str) and value:
        try:
            return dt.datetime.fromisoformat(value).date()
        except ValueError:
            return None
    return None


def status_label(value: object) -> str:
    if not value:
        return F.Status.SUGGESTED.label
    if isinstance(value, str):  # only text can be a stored status
        try:
            return F.Status(value).label
        except ValueError:
            pass
    return str(value)


def reason_label(value: object) -> str:
    if not value or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, str):  # only text can be a stored reason
        try:
            return F.RejectReason(value).label
        except ValueError:
            pass
    return str(value)


def is_missing(value: object) -> bool:
    """None, NaN (and pandas' NA and NaT once pandas is loaded): what a frame calls missing."""
    if value is None:
        return True
    if isinstance(value, float):
        return math.isnan(value)
    pd = sys.modules.get("pandas")  # pandas' markers exist only once pandas was imported
    return pd is not None and (value is pd.NA or value is pd.NaT)


def as_records(rows: Any) -> list[dict[str, Any]]:
    """Shortlist rows given as a frame (the dashboard) or as records (the command line)."""
    if hasattr(rows, "to_dict"):
        return rows.to_dict("records")
    return [dict(r) for r in rows]


def _number(value: object) -> float | None:
    """A number as ``pd.to_numeric(..., errors="coerce")`` reads one cell; None if missing."""
    if value is None or isinstance(value, bool):
        return None if value is None else float(value)
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else float(value)
    try:
        number = float(str(value))
    except ValueError:
        return None
    return None if math.isnan(number) else number


def occupation_link(kind: object) -> str:
    """« Même métier »... from the occupation link's code (« Non déterminé » when missing)."""
    k = _number(kind)
    return OCC_LINK_LABELS[-1] if k is None else OCC_LINK_LABELS.get(int(k), "")


def commute(distance_km: object) -> str:
    d = _number(distance_km)
    return "inconnu" if d is None else ("moins de 1 km" if d < 1 else f"{d:.0f} km")


def availability(available_from: object, today: dt.date) -> str:
    d = available_from
    return "immédiate" if not isinstance(d, dt.date) or d <= today else fr_date(d)


def score_points(score: object) -> int:
    """The score as people see it, out of 100: :func:`matcher.ranking.explain.score_points`
    (rounded half up, 0 when missing), here because that module imports pandas; tests check
    that both agree."""
    value = _number(score)
    if value is None:
        return 0
    return math.floor(round(min(max(value, 0.0), 1.0) * 100, 6) + 0.5)


def display_record(rec: Mapping[str, Any], today: dt.date | None = None) -> dict[str, Any]:
    """One shortlist row with its display columns, as
    :func:`matcher.export.shortlists.prepare_rows` makes them for a frame."""
    today = today or dt.date.today()
    out = {c: None for c in ROW_COLUMNS} | dict(rec)
    out[OCC_LINK] = occupation_link(out[F.OCC_KIND])
    out[COMMUTE] = commute(out[F.DISTANCE_KM])
    out[AVAILABILITY_TEXT] = availability(out[F.AVAILABLE_FROM], today)
    score = out[F.SCORE]
    out[F.SCORE] = None if is_missing(score) else score_points(score) / 100
    status = out[STATUS]
    out[BASE_STATUS] = F.Status.SUGGESTED.value if is_missing(status) else status
    out[STATUS] = status_label(status)
    out[DECISION_REASON] = reason_label(out[DECISION_REASON])
    out[DECIDED_AT] = as_date(out[DECIDED_AT])
    return out


def shortlist_csv(records: Iterable[Mapping[str, Any]], columns: Sequence[str]) -> bytes:
    """CSV for other tools: ``;`` separator, UTF-8 with BOM (Excel in French opens it right),
    the French headers, every cell made safe (:func:`matcher.export.cells.csv_safe`)."""
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow([header(c) for c in columns])
    today = dt.date.today()
    for rec in records:
        shown = display_record(rec, today)
        writer.writerow([csv_safe(shown[c]) for c in columns])
    return buf.getvalue().encode("utf-8-sig")
