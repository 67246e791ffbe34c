"""Mapping: raw column labels -> canonical fields, through French synonyms, accents and typos.

The synonyms live in ``data/colonnes.csv`` (type;champ;synonyme;exact), written as people write
headers, so that a coordinator can add the column names of a new firm without touching code. A
label is matched, from the surest to the loosest:

1. the user's choice (``--map "Libellé=title"``, the dashboard's mapping editor, a mapping
   remembered for the same header);
2. the same words as a synonym (case, accents, punctuation ignored): "Intitulé du poste";
3. the same words once abbreviations are expanded, small words dropped and plurals folded:
   "Nbre de postes" = "Nombre de postes";
4. a label containing every word of a synonym, the longest synonym winning:
   "Intitulé du poste proposé (H/F)" contains "intitulé poste"; synonyms marked ``exact`` (short,
   generic words such as "ID" or "Code") never match this way;
5. typos: each word is compared with the words of the synonyms ("Intitullé", "Vile").

A field is fed by one column, except list-like fields (skills, target jobs, training...) which
gather every column mapped to them ("Compétence 1", "Compétence 2"). A synonym may point to
``ignorer``: a known column the product has no use for (remarks, SIRET, salary), so that it is
not mistaken for another field.
"""

from __future__ import annotations

import csv
import functools
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from matcher import fields as F
from matcher.errors import UserError
from matcher.paths import DATA_DIR
from matcher.text.fold import fold

log = logging.getLogger(__name__)

SYNONYMS_FILE = DATA_DIR / "colonnes.csv"
IGNORE = "ignorer"  # pseudo-field of the synonyms file: a known column without use
KIND_NAMES = {"offers": "offres", "profiles": "profils"}

FIELD_LABELS: dict[str, str] = {
    F.OFFER_REF: "référence", F.EMPLOYER: "entreprise", F.TITLE: "intitulé du poste",
    F.DESCRIPTION: "descriptif", F.SKILLS: "compétences", F.COMMUNE: "commune",
    F.POSTAL_CODE: "code postal", F.QPV: "quartier prioritaire (QPV)",
    F.CONTRACT_TYPE: "type de contrat", F.WEEKLY_HOURS: "durée hebdomadaire",
    F.SCHEDULE: "horaires", F.LICENCE_REQUIRED: "permis requis", F.START_DATE: "date de début",
    F.POSITIONS: "nombre de postes", F.EXPERIENCE_REQUIRED: "expérience requise",
    F.ROME_CODE: "code ROME", F.EMPLOYER_CONTACT: "contact employeur",
    F.PROFILE_REF: "identifiant", F.STRUCTURE: "structure", F.COUNSELLOR: "conseiller",
    F.TARGET_JOBS: "métiers visés", F.EXPERIENCE: "expériences", F.TRAINING: "formations",
    F.MOBILITY_KM: "mobilité (km)", F.LICENCE: "permis", F.TRANSPORT: "moyen de transport",
    F.CONTRACT_TYPES: "contrats acceptés", F.WANTED_HOURS: "temps de travail souhaité",
    F.AVAILABILITY: "disponibilités horaires", F.AVAILABLE_FROM: "disponible à partir du",
    F.ROME_CODES: "codes ROME",
    F.APPELLATION: "appellation ROME", F.INSEE_CODE: "code INSEE de la commune",
    F.GIVEN_LAT: "latitude", F.GIVEN_LON: "longitude",
    F.SKILLS_DESIRED: "compétences souhaitées", F.LICENCE_DESIRED: "permis souhaité",
    F.TRAINING_LEVEL: "formation demandée", F.LANGUAGES: "langues",
    F.ALTERNANCE: "alternance", F.ACCESSIBLE_TH: "accessible aux travailleurs handicapés",
    F.SECTOR: "secteur d'activité", F.PUBLISHED_ON: "date de publication",
}  # fmt: skip

KIND_FIELDS: dict[str, tuple[str, ...]] = {"offers": F.OFFER_FIELDS, "profiles": F.PROFILE_FIELDS}

# Fields several columns may feed; their values are joined with "; " (list-like text).
JOINABLE: frozenset[str] = frozenset(
    {F.SKILLS, F.DESCRIPTION, F.TARGET_JOBS, F.TRAINING, F.EXPERIENCE, F.ROME_CODES,
     F.EMPLOYER_CONTACT, F.TRANSPORT,
     # France Travail spreads these over several fields: code, label, nature...
     F.CONTRACT_TYPE, F.WEEKLY_HOURS, F.SCHEDULE, F.EXPERIENCE_REQUIRED, F.SKILLS_DESIRED,
     F.TRAINING_LEVEL, F.LANGUAGES}
)  # fmt: skip

# How a column was mapped (shown in the report and the dashboard).
HOW_USER = "choisi par l'utilisateur"
HOW_NAME = "nom reconnu"
IGNORED_BY_USER = "ignorée à la demande de l'utilisateur"

# Words of no weight in a header, and abbreviations, applied to folded words.
_STOP = frozenset(
    [
        "a",
        "au",
        "aux",
        "d",
        "de",
        "des",
        "du",
        "en",
        "et",
        "l",
        "la",
        "le",
        "les",
        "ou",
        "par",
        "pour",
        "sur",
        "un",
        "une",
        "the",
        "of",
        "h",
        "f",
        "s",
        "e",
        "x",
    ]
)
_ABBREVIATIONS = {
    "n": "numero", "no": "numero", "num": "numero", "nr": "numero", "nb": "nombre",
    "nbr": "nombre", "nbre": "nombre", "ref": "reference", "refs": "reference",
    "tel": "telephone", "hebdo": "hebdomadaire", "dispo": "disponibilite",
    "dispos": "disponibilite", "qualif": "qualification", "exp": "experience",
    "xp": "experience", "mob": "mobilite", "coord": "coordonnees", "desc": "description",
    "descr": "description", "comp": "competence", "compet": "competence", "cdc": "description",
    "ent": "entreprise", "ste": "societe", "ets": "etablissement", "etab": "etablissement",
    "loc": "localisation", "hr": "heure", "hrs": "heure", "hres": "heure",
    "mn": "minute", "cdt": "contrat", "ctt": "contrat", "contr": "contrat", "kms": "km",
    "postal": "postal", "cp": "cp", "rdv": "rendez vous", "mail": "mail", "email": "mail",
    "conseill": "conseiller", "vise": "vise", "vises": "vise", "visee": "vise", "visees": "vise",
}  # fmt: skip

FUZZY_WORD_CUTOFF = 85.0
FUZZY_LABEL_CUTOFF = 88.0


def _stem(word: str) -> str:
    """Plural and feminine endings folded ("souhaitées" -> "souhait"); digits untouched."""
    if word.isdigit() or len(word) <= 3:
        return word
    if word.endswith(("s", "x")) and len(word) > 4:
        word = word[:-1]
    if word.endswith("e") and len(word) > 4:
        word = word[:-1]
    return word


def _plain_words(label: str) -> list[str]:
    """Folded words, abbreviations expanded, small words dropped (not stemmed)."""
    out: list[str] = []
    for token in fold(label).split():
        token = _ABBREVIATIONS.get(token, token)
        for part in token.split():
            if part in _STOP or (len(part) == 1 and not part.isdigit()):
                continue
            out.append(part)
    return out


def header_words(label: str) -> tuple[str, ...]:
    """The significant words of a label: folded, abbreviations expanded, small words dropped,
    plurals and feminines folded. "Nbre de poste(s)" -> ("nombr", "post")."""
    return tuple(_stem(w) for w in _plain_words(label))


@dataclass(frozen=True)
class Synonym:
    field: str
    text: str  # as written in the synonyms file
    folded: str
    words: tuple[str, ...]
    exact: bool  # only a whole header matches it


@dataclass
class SynonymIndex:
    """The synonyms of one kind (offers or profiles), indexed for matching."""

    kind: str
    synonyms: list[Synonym]
    by_folded: dict[str, str] = field(default_factory=dict)
    by_words: dict[tuple[str, ...], str] = field(default_factory=dict)
    by_plain: dict[tuple[str, ...], str] = field(default_factory=dict)
    vocabulary: list[str] = field(default_factory=list)
    ambiguous: set[tuple[str, ...]] = field(default_factory=set)

    def __post_init__(self) -> None:
        for s in self.synonyms:
            self.by_folded.setdefault(s.folded, s.field)
            self.by_plain.setdefault(tuple(_plain_words(s.text)), s.field)
            if s.words:
                previous = self.by_words.setdefault(s.words, s.field)
                if previous != s.field:
                    self.ambiguous.add(s.words)
        plain = {w for s in self.synonyms for w in _plain_words(s.text) if not w.isdigit()}
        self.vocabulary = sorted(plain)
        self._vocab_set = plain | {w for s in self.synonyms for w in s.words}

    def fields(self) -> dict[str, tuple[str, ...]]:
        """Field -> synonyms as written (the shape of the former constants)."""
        out: dict[str, list[str]] = {}
        for s in self.synonyms:
            out.setdefault(s.field, []).append(s.text)
        return {k: tuple(v) for k, v in out.items()}

    def match(self, label: str) -> tuple[str, float, str] | None:
        """Best (field, strength, how) for one label, or ``None``. Strength orders the ways a
        label can match (exact 100, same words 95, containment 60-90, typos lower)."""
        folded = fold(label)
        if not folded:
            return None
        words = header_words(label)
        # A longer synonym is more specific: "Intitulé du poste" beats "Poste".
        if folded in self.by_folded:
            return self.by_folded[folded], 100.0 + len(words) / 10, HOW_NAME
        plain = tuple(_plain_words(label))
        if plain and plain in self.by_plain:  # "Dispo le" = "Disponibilité" (not "...tés")
            return self.by_plain[plain], 100.0 + len(words) / 10, HOW_NAME
        found = self._match_words(words)
        if found:
            return found
        # Typos: each unknown word replaced by the closest word of the synonyms.
        fixed: list[str] = []
        changed = []
        for w in _plain_words(label):
            if w in self._vocab_set or _stem(w) in self._vocab_set or w.isdigit() or len(w) < 4:
                fixed.append(_stem(w))
                continue
            best = process.extractOne(
                w, self.vocabulary, scorer=fuzz.ratio, score_cutoff=FUZZY_WORD_CUTOFF
            )
            if best is None:
                fixed.append(_stem(w))
            else:
                fixed.append(_stem(best[0]))
                changed.append(best[0])
        if changed:
            found = self._match_words(tuple(fixed))
            if found:
                fld, strength, how = found
                return fld, strength - 20, f"nom approché ({how})"
        choices = {" ".join(s.words): s for s in self.synonyms if s.words}
        best = process.extractOne(
            " ".join(words), list(choices), scorer=fuzz.ratio, score_cutoff=FUZZY_LABEL_CUTOFF
        )
        if best is not None:
            s = choices[best[0]]
            return s.field, 50.0, f"nom approché de « {s.text} »"
        return None

    def _match_words(self, words: tuple[str, ...]) -> tuple[str, float, str] | None:
        if not words:
            return None
        if words in self.by_words and words not in self.ambiguous:
            return self.by_words[words], 100.0 + len(words) / 10, HOW_NAME
        present = set(words)
        best: tuple[tuple, Synonym] | None = None
        for s in self.synonyms:
            if s.exact or not s.words or not set(s.words) <= present:
                continue
            first = min(words.index(w) for w in s.words)
            # Longest synonym first, then the one starting earliest (the head noun of a French
            # label comes first: "Code postal du lieu de travail"), then a real field.
            key = (len(set(s.words)), -first, s.field != IGNORE)
            if best is None or key > best[0]:
                best = (key, s)
        if best is None:
            return None
        s = best[1]
        return s.field, 60.0 + 10 * min(len(s.words), 3), f"contient « {s.text} »"


@functools.cache
def _load_synonyms(path: str) -> dict[str, list[tuple[str, str, bool]]]:
    out: dict[str, list[tuple[str, str, bool]]] = {"offers": [], "profiles": []}
    kinds = {"offres": ("offers",), "profils": ("profiles",), "tous": ("offers", "profiles")}
    try:
        with open(path, encoding="utf-8-sig", newline="") as f:
            reader = csv.DictReader(f, delimiter=";")
            for i, row in enumerate(reader, start=2):
                kind = (row.get("type") or "").strip().lower()
                fld = (row.get("champ") or "").strip()
                text = (row.get("synonyme") or "").strip()
                if not text:
                    continue
                if kind not in kinds:
                    raise UserError(
                        f"{path}, ligne {i} : type « {kind} » inconnu (offres, profils, tous)"
                    )
                exact = (row.get("exact") or "").strip().lower() in ("oui", "x", "1", "yes")
                for k in kinds[kind]:
                    if fld != IGNORE and fld not in KIND_FIELDS[k]:
                        raise UserError(
                            f"{path}, ligne {i} : champ « {fld} » inconnu pour les {KIND_NAMES[k]} "
                            f"(champs : {', '.join(KIND_FIELDS[k])}, ou {IGNORE})"
                        )
                    out[k].append((fld, text, exact))
    except FileNotFoundError as exc:
        raise UserError(f"{path} : fichier des noms de colonnes introuvable") from exc
    return out


@functools.cache
def synonym_index(kind: str, path: str | None = None) -> SynonymIndex:
    """The synonyms of ``kind`` ("offers" or "profiles"), from ``data/colonnes.csv`` or ``path``.
    Canonical field names are accepted as headers too."""
    rows = _load_synonyms(str(path or SYNONYMS_FILE))[kind]
    synonyms = [Synonym(f, t, fold(t), header_words(t), exact) for f, t, exact in rows]
    for fld in KIND_FIELDS[kind]:
        synonyms.append(Synonym(fld, fld, fold(fld), header_words(fld), True))
    return SynonymIndex(kind, synonyms)


def _legacy_index(synonyms: Mapping[str, tuple[str, ...]]) -> SynonymIndex:
    items = [
        Synonym(fld, s, fold(s), header_words(s), False)
        for fld, syns in synonyms.items()
        for s in syns
    ]
    items += [Synonym(fld, fld, fold(fld), header_words(fld), True) for fld in synonyms]
    return SynonymIndex("custom", items)


# The synonyms as constants, for code that reads them (the file is the source).
OFFER_SYNONYMS: dict[str, tuple[str, ...]] = synonym_index("offers").fields()
PROFILE_SYNONYMS: dict[str, tuple[str, ...]] = synonym_index("profiles").fields()


@dataclass
class ColumnMapping:
    """Which raw column feeds which field; what was left unmapped, and why."""

    columns: dict[str, str]  # raw label -> canonical field
    unmapped: list[str] = field(default_factory=list)
    how: dict[str, str] = field(default_factory=dict)  # raw label -> "nom reconnu", ...
    notes: dict[str, str] = field(default_factory=dict)  # unmapped label -> why (French)

    def missing(self, required: Iterable[str]) -> list[str]:
        have = set(self.columns.values())
        return [r for r in required if r not in have]

    def by_field(self) -> dict[str, list[str]]:
        """Field -> the labels feeding it, in column order."""
        out: dict[str, list[str]] = {}
        for label, fld in self.columns.items():
            out.setdefault(fld, []).append(label)
        return out


def header_signature(labels: Iterable[str]) -> str:
    """A stable key for a header, used to remember a confirmed mapping."""
    return "|".join(sorted(fold(x) for x in labels))


def resolve_field(name: str, kind: str) -> str | None:
    """A field named by the user: canonical name ("title") or French label ("intitulé du
    poste"); ``None`` for "ignorer" / "-" / "". Unknown names are refused with the list."""
    folded = fold(name)
    if folded in ("", "ignorer", "ignore", "aucun", "none"):
        return None
    fields = KIND_FIELDS[kind]
    for fld in fields:
        if folded in (fold(fld), fold(FIELD_LABELS[fld])):
            return fld
    possible = ", ".join(f"{f} ({FIELD_LABELS[f]})" for f in fields)
    raise UserError(
        f"champ « {name} » inconnu pour les {KIND_NAMES[kind]} ; champs possibles : {possible}, "
        "ou « ignorer »"
    )


def map_columns(
    labels: Iterable[str],
    synonyms: SynonymIndex | Mapping[str, tuple[str, ...]] | str,
    overrides: Mapping[str, str | None] | None = None,
    *,
    letters: Mapping[str, str] | None = None,
    kind: str | None = None,
    alternatives: Mapping[str, str] | None = None,
) -> ColumnMapping:
    """Map raw labels to canonical fields.

    ``synonyms`` is a kind ("offers", "profiles"), a :class:`SynonymIndex`, or a dict field ->
    synonyms. ``overrides`` maps labels (or their folded form, or a column letter given in
    ``letters``) to a field name, French field label, or "ignorer"; they win over everything.
    ``alternatives`` gives a text tried first for a label (the label under a group row: "Type"
    for "Contrat – Type"), the label itself being tried when it does not match."""
    labels = list(labels)
    if isinstance(synonyms, str):
        kind = kind or synonyms
        index = synonym_index(synonyms)
    elif isinstance(synonyms, SynonymIndex):
        index = synonyms
        kind = kind or (synonyms.kind if synonyms.kind in KIND_FIELDS else None)
    else:
        index = _legacy_index(synonyms)
    columns: dict[str, str] = {}
    how: dict[str, str] = {}
    notes: dict[str, str] = {}
    forced: set[str] = set()
    taken: dict[str, str] = {}  # field -> label
    for label, target in _resolve_overrides(labels, overrides or {}, letters or {}, kind).items():
        forced.add(label)
        if target is None:
            notes[label] = IGNORED_BY_USER
            continue
        if target in taken and target not in JOINABLE:
            raise UserError(
                f"correspondance choisie : « {taken[target]} » et « {label} » vont toutes deux "
                f"dans le champ {FIELD_LABELS.get(target, target)} ; choisissez-en une"
            )
        columns[label] = target
        how[label] = HOW_USER
        taken[target] = label
    candidates = []
    for pos, label in enumerate(labels):
        if label in forced:
            continue
        found = None
        if alternatives and label in alternatives:
            found = index.match(alternatives[label])
        if found is None:
            found = index.match(label)
        if found is not None:
            candidates.append((found[1], -pos, label, found[0], found[2]))
    for _strength, _pos, label, fld, why in sorted(candidates, reverse=True):
        if fld == IGNORE:
            notes[label] = "colonne connue, sans usage pour le rapprochement"
            continue
        if kind is not None and fld not in KIND_FIELDS[kind]:
            continue
        if fld in taken and fld not in JOINABLE:
            notes[label] = (
                f"ressemble à {FIELD_LABELS.get(fld, fld)}, déjà fourni par « {taken[fld]} »"
            )
            continue
        columns[label] = fld
        how[label] = why
        taken.setdefault(fld, label)
    ordered = {label: columns[label] for label in labels if label in columns}
    unmapped = [x for x in labels if x not in ordered]
    log.debug("mapping %s, unmapped %s", ordered, unmapped)
    return ColumnMapping(columns=ordered, unmapped=unmapped, how=how, notes=notes)


def _resolve_overrides(
    labels: list[str],
    overrides: Mapping[str, str | None],
    letters: Mapping[str, str],
    kind: str | None,
) -> dict[str, str | None]:
    """User overrides keyed by the actual labels of this table. Labels absent from the table are
    skipped (a remembered mapping may cover several sheets)."""
    by_folded = {fold(x): x for x in labels}
    by_letter = {v.upper(): k for k, v in letters.items()}
    out: dict[str, str | None] = {}
    for key, target in overrides.items():
        label = (
            key
            if key in labels
            else by_folded.get(fold(key)) or by_letter.get(str(key).strip().upper())
        )
        if label is None:
            continue
        if target is None:
            out[label] = None
        elif kind is not None:
            out[label] = resolve_field(target, kind)
        else:
            out[label] = target
    return out


def known_label_count(
    index: SynonymIndex, extra: Iterable[Callable[[str], object]] = ()
) -> Callable[[list[str]], int]:
    """A header scorer for the readers: how many labels of a row are known column names
    (fields, known columns to ignore, or ``extra`` predicates such as personal-data columns)."""
    extra_checks = list(extra)

    def score(labels) -> int:
        n = 0
        for label in labels:
            if len(str(label)) > 80:
                continue
            if index.match(label) is not None or any(check(label) for check in extra_checks):
                n += 1
        return n

    # At most one a label: the header search skips rows that cannot score more.
    score.at_most_one_a_label = True  # type: ignore[attr-defined]
    return score
