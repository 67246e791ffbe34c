"""Canonical names shared by every stage: fields, statuses, reasons, roles.

Every column name, status and role used in more than one module is defined here once, so that a
rename is one edit and a typo is an ImportError instead of a silent empty column.
"""

from __future__ import annotations

from enum import StrEnum

# --------------------------------------------------------------------------------------------
# Offer fields (canonical column names of the offers frame)
# --------------------------------------------------------------------------------------------
OFFER_REF = "offer_ref"
EMPLOYER = "employer"
TITLE = "title"
DESCRIPTION = "description"
SKILLS = "skills"
COMMUNE = "commune"
POSTAL_CODE = "postal_code"
QPV = "qpv"  # priority neighbourhood: name of the quartier, or "oui"/"non"
CONTRACT_TYPE = "contract_type"
WEEKLY_HOURS = "weekly_hours"
SCHEDULE = "schedule"  # nights, weekends, split shifts (free text, parsed into flags)
LICENCE_REQUIRED = "licence_required"
START_DATE = "start_date"
POSITIONS = "positions"
EXPERIENCE_REQUIRED = "experience_required"
ROME_CODE = "rome_code"
EMPLOYER_CONTACT = "employer_contact"
# Added for the France Travail format (issue 12); every one is optional.
APPELLATION = "rome_appellation"  # the official job title (ROME appellation) given with the code
INSEE_CODE = "insee_code"  # official code of the commune (COG), "62119", "2A004"
GIVEN_LAT = "latitude"  # coordinates given by the file (workplace), decimal degrees
GIVEN_LON = "longitude"
SKILLS_DESIRED = "skills_desired"  # skills the offer wishes for (France Travail "S"), not required
LICENCE_DESIRED = "licence_desired"  # licences wished for ("S"): a preference, never a constraint
TRAINING_LEVEL = "training_level"  # level and field of training asked for, as text
LANGUAGES = "languages"  # languages asked for, as text ("Anglais (souhaité)")
ALTERNANCE = "alternance"  # the offer is a work-study contract (yes/no)
ACCESSIBLE_TH = "accessible_th"  # the offer is open to disabled workers (France Travail flag)
SECTOR = "sector"  # sector of activity given by the file (NAF label)
PUBLISHED_ON = "published_on"  # date the offer was published (France Travail "dateCreation")

OFFER_FIELDS: tuple[str, ...] = (
    OFFER_REF,
    EMPLOYER,
    TITLE,
    DESCRIPTION,
    SKILLS,
    COMMUNE,
    POSTAL_CODE,
    QPV,
    CONTRACT_TYPE,
    WEEKLY_HOURS,
    SCHEDULE,
    LICENCE_REQUIRED,
    START_DATE,
    POSITIONS,
    EXPERIENCE_REQUIRED,
    ROME_CODE,
    EMPLOYER_CONTACT,
    APPELLATION,
    INSEE_CODE,
    GIVEN_LAT,
    GIVEN_LON,
    SKILLS_DESIRED,
    LICENCE_DESIRED,
    TRAINING_LEVEL,
    LANGUAGES,
    ALTERNANCE,
    ACCESSIBLE_TH,
    SECTOR,
    PUBLISHED_ON,
)
OFFER_REQUIRED: tuple[str, ...] = (TITLE,)

# --------------------------------------------------------------------------------------------
# Profile fields (canonical column names of the profiles frame)
# --------------------------------------------------------------------------------------------
PROFILE_REF = "profile_ref"
STRUCTURE = "structure"
COUNSELLOR = "counsellor"
TARGET_JOBS = "target_jobs"
# SKILLS, COMMUNE, POSTAL_CODE are shared with offers
EXPERIENCE = "experience"
TRAINING = "training"
MOBILITY_KM = "mobility_km"
LICENCE = "licence"
TRANSPORT = "transport"  # vehicle or other means: "voiture", "transports en commun", "vélo"...
CONTRACT_TYPES = "contract_types"  # accepted contract types
WANTED_HOURS = "wanted_hours"
AVAILABILITY = "availability"  # schedule availability (nights, weekends accepted or refused)
AVAILABLE_FROM = "available_from"
ROME_CODES = "rome_codes"

PROFILE_FIELDS: tuple[str, ...] = (
    PROFILE_REF,
    STRUCTURE,
    COUNSELLOR,
    TARGET_JOBS,
    SKILLS,
    EXPERIENCE,
    TRAINING,
    COMMUNE,
    POSTAL_CODE,
    MOBILITY_KM,
    LICENCE,
    TRANSPORT,
    CONTRACT_TYPES,
    WANTED_HOURS,
    AVAILABILITY,
    AVAILABLE_FROM,
    ROME_CODES,
    INSEE_CODE,
)
PROFILE_REQUIRED: tuple[str, ...] = (PROFILE_REF, STRUCTURE)

# Fields added after records were first stored: written to a stored record only when they hold a
# value, so that records imported before they existed keep the same stored form (no spurious
# "offer changed" after an upgrade).
SPARSE_FIELDS: frozenset[str] = frozenset(
    {APPELLATION, INSEE_CODE, GIVEN_LAT, GIVEN_LON, SKILLS_DESIRED, LICENCE_DESIRED,
     TRAINING_LEVEL, LANGUAGES, ALTERNANCE, ACCESSIBLE_TH, SECTOR, PUBLISHED_ON}
)  # fmt: skip

# --------------------------------------------------------------------------------------------
# Derived columns, added by the pipeline stages (never read from files)
# --------------------------------------------------------------------------------------------
SOURCE_FILE = "source_file"
SOURCE_SHEET = "source_sheet"
SOURCE_ROW = "source_row"  # row number as Excel shows it (1-based, header included)
SKILL_LIST = "skill_list"  # list[str] of normalised skills
# list[str] aligned with SKILL_LIST: each skill's comparison key (matcher/features/skills.py),
# computed while preparing (on two processes when the preparation is split)
SKILL_KEYS = "skill_keys"
TEXT_NORM = "text_norm"  # normalised text used by the text similarity
OCC_CODES = "occ_codes"  # list[str] of ROME codes (given or classified)
OCC_CONFIDENCE = "occ_confidence"  # float in [0, 1], 1.0 when the code was given
OCC_LABEL = "occ_label"
OCC_CLOSE = "occ_close"  # list[str] of close jobs of OCC_CODES (referential's close-job links)
OCC_SOURCE = "occ_source"  # "fichier" (code given), "titre" (classified), "" (unknown)
# list[list[int]] aligned with SKILL_LIST: ids of the referential skills each skill is linked to
# (matcher.text.vocabulary; two skills meet when their id lists intersect)
SKILL_VOCAB = "skill_vocab"
LAT = "lat"
LON = "lon"
NIGHTS = "nights"  # bool-ish flags parsed from schedule / availability (NaN = unknown)
WEEKENDS = "weekends"
SPLIT_SHIFTS = "split_shifts"
MEANS = "means"  # "voiture", "transports en commun", "deux-roues", "" (unknown)
RADIUS_KM = "radius_km"  # mobility radius used by the commute component
OFFER_POS = "offer_pos"  # positions of a pair in the prepared frames
PROFILE_POS = "profile_pos"
# 4 same code, 3 same job family (ROME parent/child), 2 close job, 1 same domain, 0 none, -1 unknown
OCC_KIND = "occ_kind"

# --------------------------------------------------------------------------------------------
# Suggestion columns (output of the ranking)
# --------------------------------------------------------------------------------------------
RANK = "rank"
SCORE = "score"
S_TEXT = "s_text"
S_SKILLS = "s_skills"
S_OCCUPATION = "s_occupation"
S_COMMUTE = "s_commute"
S_CONSTRAINTS = "s_constraints"
COMPONENTS: tuple[str, ...] = (S_TEXT, S_SKILLS, S_OCCUPATION, S_COMMUTE, S_CONSTRAINTS)
DISTANCE_KM = "distance_km"
MATCHED_SKILLS = "matched_skills"
MISSING_SKILLS = "missing_skills"
REASONS = "reasons"  # list[str] of French sentences
EXCLUDED = "excluded"
# Reachability (issue 13): tier 0 reachable, 1 distance unknown (policy "below"), 2 "à discuter"
# (cannot reach the workplace: beyond the radius, licence missing, not available; demoted after
# every reachable person). TO_DISCUSS is tier 2, REACH_REASON says why (French, "" otherwise).
REACH_TIER = "reach_tier"
TO_DISCUSS = "to_discuss"
REACH_REASON = "reach_reason"
DISTANCE_UNKNOWN = "distance_unknown"
TIER_REACHABLE, TIER_UNKNOWN, TIER_TO_DISCUSS = 0, 1, 2
TO_DISCUSS_LABEL = "Hors rayon / à discuter"

SUGGESTION_FIELDS: tuple[str, ...] = (OFFER_REF, PROFILE_REF, RANK, SCORE, *COMPONENTS, REASONS)


# --------------------------------------------------------------------------------------------
# Review statuses and reasons
# --------------------------------------------------------------------------------------------
class Status(StrEnum):
    """Status of a suggestion (stored value in English, label in French)."""

    SUGGESTED = "suggested"
    RETAINED = "retained"
    PROPOSED = "proposed"
    INTERVIEW = "interview"
    HIRED = "hired"
    REJECTED = "rejected"
    DROPPED = "dropped"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS: dict[Status, str] = {
    Status.SUGGESTED: "Suggéré",
    Status.RETAINED: "Retenu par le conseiller",
    Status.PROPOSED: "Proposé à l'employeur",
    Status.INTERVIEW: "Entretien",
    Status.HIRED: "Embauché",
    Status.REJECTED: "Non retenu",
    Status.DROPPED: "Sans suite",
}


class RejectReason(StrEnum):
    """Fixed list of reasons for "Non retenu"."""

    SKILLS = "skills"
    MOBILITY = "mobility"
    AVAILABILITY = "availability"
    CONTRACT = "contract"
    PERSON_REFUSED = "person_refused"
    FILLED = "filled"
    OTHER = "other"

    @property
    def label(self) -> str:
        return REJECT_REASON_LABELS[self]


REJECT_REASON_LABELS: dict[RejectReason, str] = {
    RejectReason.SKILLS: "compétences",
    RejectReason.MOBILITY: "mobilité",
    RejectReason.AVAILABILITY: "disponibilité",
    RejectReason.CONTRACT: "contrat ou horaires",
    RejectReason.PERSON_REFUSED: "refus de la personne",
    RejectReason.FILLED: "poste pourvu",
    RejectReason.OTHER: "autre",
}


class Role(StrEnum):
    COORDINATOR = "coordinator"
    COUNSELLOR = "counsellor"

    @property
    def label(self) -> str:
        return {Role.COORDINATOR: "coordinateur", Role.COUNSELLOR: "conseiller"}[self]


# --------------------------------------------------------------------------------------------
# Closed vocabularies for parsed values
# --------------------------------------------------------------------------------------------
class Contract(StrEnum):
    CDI = "CDI"
    CDD = "CDD"
    CDDI = "CDDI"
    INTERIM = "intérim"
    ALTERNANCE = "alternance"
    PEC = "contrat aidé"
    SEASONAL = "saisonnier"
    INTERNSHIP = "stage/PMSMP"
    # Not a job contract: franchise, liberal or commercial profession, taking over a business
    # (France Travail CCE, FRA, LIB, REP). Never part of "tout contrat".
    SELF_EMPLOYED = "indépendant"


class Licence(StrEnum):
    """Driving licence categories (the official French ones) and two states."""

    NONE = "aucun"
    IN_PROGRESS = "en cours"
    AM = "AM"
    A1 = "A1"
    A2 = "A2"
    A = "A"
    B = "B"
    BE = "BE"
    C1 = "C1"
    C1E = "C1E"
    C = "C"
    CE = "CE"
    D1 = "D1"
    D1E = "D1E"
    D = "D"
    DE = "DE"


# What a licence lets one drive besides its own category (official equivalences of the French
# licence, art. R221-4 of the Code de la route): CE covers C, C1, C1E, BE, B; D covers D1...
LICENCE_COVERS: dict[str, frozenset[str]] = {
    "A": frozenset({"A2", "A1", "AM"}),
    "A2": frozenset({"A1", "AM"}),
    "A1": frozenset({"AM"}),
    "B": frozenset({"AM"}),
    "BE": frozenset({"B", "AM"}),
    "C1": frozenset({"B", "AM"}),
    "C1E": frozenset({"C1", "BE", "B", "AM"}),
    "C": frozenset({"C1", "B", "AM"}),
    "CE": frozenset({"C", "C1", "C1E", "BE", "B", "AM"}),
    "D1": frozenset({"B", "AM"}),
    "D1E": frozenset({"D1", "BE", "B", "AM"}),
    "D": frozenset({"D1", "B", "AM"}),
    "DE": frozenset({"D", "D1", "D1E", "BE", "B", "AM"}),
}


# --------------------------------------------------------------------------------------------
# Review workflow (issue 6): columns of the suggestions/decisions/audit frames read from the store
# --------------------------------------------------------------------------------------------
STATUS = "status"  # current Status value of a suggestion
STATUS_LABEL = "status_label"  # its French label
STATUS_AT = "status_at"  # when the current status was decided (ISO, UTC); None if never
STATUS_BY = "status_by"  # login of who decided it
REASON = "reason"  # RejectReason value (only for Status.REJECTED)
REASON_LABEL = "reason_label"
COMMENT = "comment"  # free comment of the decision (personal data masked)
REVIEW_ID = "review_id"  # id of the latest decision of the pair (0 when never decided)
OFFER_STATUS = "offer_status"  # OfferStatus value of the offer now
OFFER_VERSION = "offer_version"  # version of the offer now
OFFER_CHANGED = "offer_changed"  # the offer changed since the suggestion or its decision
IN_POOL = "in_pool"  # the profile is in its counsellor's pool ("vivier") for this kind of job
IN_LATEST_RUN = "in_latest_run"  # the pair was produced by the latest matching run
NOTICE = "notice"  # French sentence: offer closed / changed since the decision
UPDATED_AT = "updated_at"
POOL_CODE = "pool_code"  # ROME code or prefix (domain "N11", family "N") of a pool entry
SOURCE = "source"  # where a decision came from: "ligne de commande", "tableau de bord", file


class OfferStatus(StrEnum):
    OPEN = "open"
    CLOSED = "closed"

    @property
    def label(self) -> str:
        return {OfferStatus.OPEN: "ouverte", OfferStatus.CLOSED: "clôturée"}[self]
