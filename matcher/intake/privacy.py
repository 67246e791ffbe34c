"""Privacy: drop identifying or protected columns, redact personal data found in free text.

Profiles must arrive anonymised; this stage makes sure of it before anything is stored, logged or
exported. Three guards:

- columns whose header announces a direct identifier (name, e-mail, phone, address, birth date,
  social security or France Travail number...), protected data (sex, nationality, family, health
  or disability, justice, religion, income support) or free comments are dropped before mapping,
  so no user choice can map them to a field; the report names them.
  Free comment columns ("Observations", "Commentaires", "Remarques", "Freins") are dropped on
  purpose: counsellors fill them with phone numbers but also with health, family or justice
  details that no pattern can find reliably, and the matching does not need them;
- free text (skills, experience, target jobs...) is scanned for e-mail addresses, French phone
  numbers, social security numbers (NIR, key checked), IBANs (checksum), street addresses and
  birth dates given in context ("né le 12/03/1985"); each is replaced by a marker and counted;
- identifiers that are personal data themselves (an e-mail as identifier, a column of names)
  are refused.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

# numpy, pandas and the text folding (which imports pandas) are imported by the functions that
# use them: a comment checked one at a time (a decision on the command line) needs none of them.
if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

# Words that say a "name" column is about someone else than the person (the counsellor, the
# structure, the firm) or is already a pseudonym.
_NOT_THE_PERSON = (
    r"conseill\w*|referent\w*|cip|structure|entreprise|employeur|societe|metier|poste|formation|"
    r"organisme|accompagn\w*|encadr\w*|charge\w*|commune|ville|quartier|prescripteur|contact|"
    r"anonym\w*|pseudo\w*|code|tuteur|tutrice|agence|dispositif|diplome|emploi|client"
)

# (kind shown in the report, regex searched in the folded header, exempt when that matches)
FORBIDDEN_COLUMNS: tuple[tuple[str, str, str | None], ...] = (
    ("nom", r"\b(?:noms?|nom de famille|nom usuel|nom de naissance|patronyme|identite|"
     r"nom complet|nom et prenom|nom prenom)\b", _NOT_THE_PERSON),
    ("prénom", r"\bprenoms?\b", _NOT_THE_PERSON),
    ("e-mail", r"\b(?:e ?mails?|mails?|mel|courriels?|adresse electronique|messagerie)\b", None),
    ("téléphone", r"\b(?:tels?|telephones?|portables?|gsm|joignable|numero de portable|sms)\b"
     r"|^(?:mobile|fixe|n mobile|n portable)$", None),
    ("adresse", r"\b(?:adresses?|rue|domicile|voie|complement d adresse|lieu dit|"
     r"adresse postale|n et rue|numero et rue|bp|boite postale)\b", None),
    ("date de naissance ou âge", r"\b(?:naissance|naiss|ne le|nee le|ne e le|ddn|age|ages|"
     r"tranche d age|annee de naissance|dob|birth)\b", None),
    ("numéro de sécurité sociale", r"\b(?:nir|secu|securite sociale|n ss|nss|numero ss|"
     r"numero insee|n insee|carte vitale)\b", None),
    ("identifiant officiel", r"\b(?:france travail|pole emploi|n pe|id pe|identifiant pe|"
     r"pass iae|agrement|caf|allocataire|n fiscal|numero fiscal|passeport|carte d identite|"
     r"cni|titre d identite|numero de permis|n de permis|n permis)\b", None),
    ("sexe", r"\b(?:sexe|genre|civilite|h f|f h|homme femme|m mme|mr mme|madame monsieur)\b", None),
    ("nationalité ou origine", r"\b(?:nationalites?|pays de naissance|origines?|"
     r"lieu de naissance|ethnie|titre de sejour|carte de sejour|pays d origine|"
     r"situation administrative)\b", None),
    ("photo", r"\b(?:photos?|photographie|portrait)\b", None),
    ("situation familiale", r"\b(?:situation familiale|situation de famille|"
     r"situation matrimoniale|enfants?|nb enfants|nombre d enfants|personnes? a charge|"
     r"famille(?! (?:de )?metiers?| professionnelle| pro\b)|marie|celibataire|parent isole|"
     r"mode de garde|garde d enfants?)\b", None),
    ("santé ou handicap", r"\b(?:rqth|handicaps?|sante|mdph|aah|boeth|travailleur handicape|"
     r"pathologies?|maladies?|medical|medicale|medicales|medicaux|inaptitudes?|invalidite|"
     r"addictions?|restrictions? medicales?|contre indications?|reconnaissance th)\b", None),
    ("justice", r"\b(?:casier|judiciaire|justice|ppsmj|condamnations?|incarceration|"
     r"detention|spip|sous main de justice)\b", None),
    ("donnée sensible", r"\b(?:religion|confession|orientation sexuelle|opinions?|"
     r"syndica\w*|appartenance politique)\b", None),
    ("ressources et allocations", r"\b(?:rsa|ass|revenus?|ressources|minima sociaux|"
     r"allocations?|aides? sociales?|endettement|dettes?|surendettement)\b", None),
    ("coordonnées bancaires", r"\b(?:iban|rib|bic|coordonnees bancaires|compte bancaire)\b", None),
    ("commentaire libre, peut contenir des données personnelles",
     r"\b(?:observations?|commentaires?|remarques?|annotations?|precisions?|freins?|"
     r"problematiques?|difficultes?|notes? de suivi|informations? complementaires?|"
     r"infos? complementaires?|situation sociale|situation personnelle|vigilance|"
     r"points? de vigilance|suivi social|compte rendu)\b|^(?:notes?|divers|infos?|"
     r"informations?|suivi|situation|autres?|commentaire cip)$", None),
)  # fmt: skip
_FORBIDDEN = [
    (why, re.compile(pattern), re.compile(rf"\b(?:{exempt})\b") if exempt else None)
    for why, pattern, exempt in FORBIDDEN_COLUMNS
]

MARK_EMAIL = "[courriel masqué]"
MARK_PHONE = "[téléphone masqué]"
MARK_NIR = "[n° sécu masqué]"
MARK_IBAN = "[IBAN masqué]"
MARK_ADDRESS = "[adresse masquée]"
MARK_BIRTH = "[date de naissance masquée]"
MARKS = (MARK_EMAIL, MARK_PHONE, MARK_NIR, MARK_IBAN, MARK_ADDRESS, MARK_BIRTH)

# Keys of the redaction counts (French, shown in the report).
COUNT_EMAIL = "courriels"
COUNT_PHONE = "téléphones"
COUNT_NIR = "n° sécurité sociale"
COUNT_IBAN = "IBAN"
COUNT_ADDRESS = "adresses"
COUNT_BIRTH = "dates de naissance"
COUNT_KEYS = (COUNT_EMAIL, COUNT_PHONE, COUNT_NIR, COUNT_IBAN, COUNT_ADDRESS, COUNT_BIRTH)

EMAIL_RE = re.compile(
    r"[\w.+-]+\s?(?:@|\(at\)|\[at\]|\{at\}|\(arobase\)|\s(?:at|arobase)\s)\s?[\w-]+"
    r"(?:\s?(?:\.|\(dot\)|\[dot\]|\spoint\s)\s?[\w-]+)*\s?(?:\.|\(dot\)|\[dot\]|\spoint\s)\s?"
    r"[a-zA-Z]{2,}\b"
)
PHONE_RE = re.compile(
    r"(?<![\d\w])(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?|0)[1-9](?:[\s.\-/]?\d{2}){4}(?!\d)"
)
# A whole cell of nine digits: a phone number typed in a number cell lost its leading zero.
PHONE_NO_ZERO_RE = re.compile(r"^[1-9]\d{8}$")
NIR_RE = re.compile(
    r"(?<![\dA-Za-z])([1-478])\s?(\d{2})\s?(\d{2})\s?(\d{2}|2[AB])\s?(\d{3})\s?(\d{3})"
    r"\s?(\d{2})(?!\d)",
    re.I,
)
# A 13-digit NIR without its key, only where the text says what it is.
NIR_CONTEXT_RE = re.compile(
    r"(?:\bnir|\bs[ée]cu(?:rit[ée] sociale)?|\bn°?\s?ss|\binsee)\W{0,15}"
    r"([1-478]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[AB])\s?\d{3}\s?\d{3}(?:\s?\d{2})?)(?!\d)",
    re.I,
)
IBAN_RE = re.compile(r"\b[A-Z]{2}\d{2}(?:\s?[A-Z0-9]{4}){3,7}(?:\s?[A-Z0-9]{1,3})?\b", re.I)
# What follows a street number: "bis", a comma, the kind of street ("12 bis rue", "3, allée").
_STREET_AFTER_NUMBER = (
    r"\s?(?:bis|ter|b)?,?\s+(?:rue|avenue|av\.?|boulevard|bd|chemin|ch\.|all[ée]e|"
    r"impasse|imp\.|place|pl\.|route|rte|r[ée]sidence|cit[ée]|square|quai|cours|passage|"
    r"lotissement|hameau|voie|sentier|faubourg|rond-point)\b"
)
ADDRESS_RE = re.compile(rf"\b\d{{1,4}}{_STREET_AFTER_NUMBER}[^,;\n\d]{{0,40}}(?:\d{{5}}\b)?", re.I)
BIRTH_RE = re.compile(
    r"\b(?:n[ée]e?|n[ée]\(e\))\s+(?:le\s+)?\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
    r"|\bdate de naissance\W{0,5}\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}",
    re.I,
)
_QUICK = re.compile(r"[@\d]|\(at\)|\[at\]| at | arobase ", re.I)


@dataclass
class PrivacyReport:
    dropped_columns: dict[str, str] = field(default_factory=dict)  # raw label -> kind
    redactions: dict[str, int] = field(default_factory=dict)  # kind -> count


def forbidden_kind(label: str) -> str | None:
    """Kind of personal data a column header announces, or ``None`` if it looks harmless."""
    from matcher.text.fold import fold

    folded = fold(label)
    if not folded:
        return None
    for why, pattern, exempt in _FORBIDDEN:
        if pattern.search(folded) and not (exempt and exempt.search(folded)):
            return why
    return None


def nir_key_ok(digits13: str, key: str) -> bool:
    """Key of a French social security number: 97 - (number mod 97); Corsica 2A/2B counted as
    19/18 in the number."""
    d = digits13.upper().replace("2A", "19").replace("2B", "18")
    if not d.isdigit() or len(d) != 13 or not key.isdigit():
        return False
    return 97 - int(d) % 97 == int(key)


def _nir_match_ok(m: re.Match[str]) -> bool:
    return nir_key_ok("".join(m.groups()[:6]), m.group(7))


def iban_ok(text: str) -> bool:
    """ISO 13616 checksum: the rearranged number mod 97 is 1."""
    s = re.sub(r"\s", "", text).upper()
    if not 15 <= len(s) <= 34 or not s[:2].isalpha() or not s[2:4].isdigit():
        return False
    moved = s[4:] + s[:4]
    try:
        num = "".join(str(int(c, 36)) for c in moved)
    except ValueError:
        return False
    return int(num) % 97 == 1


def redact_value(text: str, counts: dict[str, int], free_text: bool = True) -> str:
    """Replace personal data in one text by markers, adding to ``counts``."""
    if not _QUICK.search(text):
        return text

    def sub(regex: re.Pattern[str], mark: str, key: str, check=None, group: int = 0):
        nonlocal text

        def repl(m: re.Match[str]) -> str:
            if check is not None and not check(m):
                return m.group(0)
            counts[key] = counts.get(key, 0) + 1
            if group:
                return m.group(0).replace(m.group(group), mark)
            return mark

        text = regex.sub(repl, text)

    sub(EMAIL_RE, MARK_EMAIL, COUNT_EMAIL, check=lambda m: _looks_like_email(m.group(0)))
    sub(IBAN_RE, MARK_IBAN, COUNT_IBAN, check=lambda m: iban_ok(m.group(0)))
    sub(NIR_RE, MARK_NIR, COUNT_NIR, check=_nir_match_ok)
    sub(NIR_CONTEXT_RE, MARK_NIR, COUNT_NIR, group=1)
    sub(PHONE_RE, MARK_PHONE, COUNT_PHONE)
    sub(BIRTH_RE, MARK_BIRTH, COUNT_BIRTH)
    sub(ADDRESS_RE, MARK_ADDRESS, COUNT_ADDRESS)
    if free_text and PHONE_NO_ZERO_RE.match(text.strip()):
        counts[COUNT_PHONE] = counts.get(COUNT_PHONE, 0) + 1
        text = MARK_PHONE
    return text


def _looks_like_email(text: str) -> bool:
    # "(at)" and " at " forms need a dot-separated domain to be taken for an address.
    return "@" in text or bool(re.search(r"(?:\.|dot|point)\s?[a-zA-Z]{2,}$", text))


# What the matches of the patterns of ``redact_value`` hold, searched instead of them: a text in
# which no gate matches has no match of any pattern, and comes out of ``redact_value``
# unchanged.
# E-mail addresses through what every one of them holds (its "@" or spelt-out "at"): searching
# the whole address pattern over long texts costs ten times more.
_EMAIL_AT = re.compile(r"@|\(at\)|\[at\]|\{at\}|\(arobase\)|\s(?:at|arobase)\s")
# Every other pattern through the run of digits it holds, all in one search that starts at a
# digit or a "+" only: the look-ahead lets the engine skip to those, where each pattern alone
# starts with a word boundary or a look-behind tried at every character (eight searches over
# the texts of 10,000 people's experience: 0.2 s; this one: 0.03 s). An IBAN's check digits
# and the groups after them (the letters IGNORECASE lets [A-Z] match, written out, the four
# non-ASCII ones included), a social security number's first 13 digits (with or without the
# words before it), a French phone number, a date, a street number and the kind of street
# (the digits taken at once: a run of digits is not tried again from each of its digits),
# nine digits in a row (a phone number that lost its leading zero).
_DIGITS_GATE = re.compile(
    r"(?=[\d+])(?:\d{2}(?:\s?[A-Za-z0-9\u0130\u0131\u017f\u212a]{4}){3,7}"
    r"|[1-478]\s?\d{2}\s?\d{2}\s?(?:\d{2}|2[ABab])\s?\d{3}\s?\d{3}"
    r"|(?:(?:\+|00)\s?33\s?(?:\(0\)\s?)?|0)[1-9](?:[\s.\-/]?\d{2}){4}"
    r"|\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}"
    rf"|\d{{1,4}}+(?i:{_STREET_AFTER_NUMBER})"
    r"|[1-9]\d{8})"
)
_REDACTING = (_EMAIL_AT, _DIGITS_GATE)
# _QUICK, then the rest of the text: one match per text that has one, found in the texts joined
# by matcher.text.fold's separator ("\x00": not a letter, digit, word character or space, so
# that no look-around or word boundary at a text's edge reads differently than at the end of
# the text; no _QUICK match spans it, as it is neither "@", a digit nor a blank).
_QUICK_REST = re.compile(f"(?:{_QUICK.pattern})[^\x00]*", re.I)


def may_change(values: list[str]) -> np.ndarray:
    """Whether ``redact_value`` may change each text (a superset of the texts it changes):
    among the texts with a digit, "@" or "at", each gate (what every match of a pattern holds)
    is searched once over them joined and a text is flagged when a match touches it. A match
    inside a text alone is found in the joined texts (the separator reads like the edge of a
    text) or overlapped by an earlier match that touches it too; texts no gate touches have
    no match of any pattern, so every substitution leaves them as they are."""
    import numpy as np

    from matcher.text.fold import texts_matching

    hit = np.zeros(len(values), dtype=bool)
    # ``redact_value`` returns a text without a digit, "@" or "at" as it is: only the others
    # are searched (once: most texts of people's experience hold a digit).
    quick = texts_matching(values, _QUICK_REST)
    if quick:
        hit[quick] = _touched_by_gates([values[i] for i in quick])
    return hit


def _touched_by_gates(values: list[str]) -> np.ndarray:
    """For :func:`may_change`: the texts a match of a gate touches, the gates searched over the
    texts joined."""
    import numpy as np

    from matcher.text.fold import SEPARATOR

    hit = np.zeros(len(values), dtype=bool)
    lengths = np.fromiter((len(v) for v in values), dtype=np.int64, count=len(values))
    starts = np.concatenate([[0], np.cumsum(lengths + len(SEPARATOR))[:-1]])
    joined = SEPARATOR.join(values)
    for regex in _REDACTING:
        spans = [m.span() for m in regex.finditer(joined)]
        if not spans:
            continue
        bounds = np.asarray(spans, dtype=np.int64)
        first = np.searchsorted(starts, bounds[:, 0], side="right") - 1
        last = np.searchsorted(starts, np.maximum(bounds[:, 1] - 1, bounds[:, 0]), side="right") - 1
        # Every text from first to last of each match: +1 at first, -1 after last, summed.
        edges = np.zeros(len(values) + 1, dtype=np.int64)
        np.add.at(edges, first, 1)
        np.add.at(edges, last + 1, -1)
        hit |= np.cumsum(edges[:-1]) > 0
    return hit


def redact_text(series: pd.Series, free_text: bool = True) -> tuple[pd.Series, dict[str, int]]:
    """Replace personal data in free text by markers; return the new Series and counts. Works on
    distinct values, only those a pattern touches (see ``may_change``), and maps back."""
    import numpy as np
    import pandas as pd

    counts = {k: 0 for k in COUNT_KEYS}
    text = series.astype("object")
    mask = text.notna()
    if not mask.any():
        return series.copy(), counts
    values = text[mask].astype(str)
    codes, uniques = pd.factorize(values.to_numpy(dtype=object))
    uniques = np.asarray(uniques, dtype=object)
    out = text.where(mask, None)
    todo = np.flatnonzero(may_change(uniques.tolist()))
    if len(todo):
        occurrences = np.bincount(codes, minlength=len(uniques))
        new = uniques.copy()
        for j in todo.tolist():
            c: dict[str, int] = {}
            new[j] = redact_value(uniques[j], c, free_text)
            for k, n in c.items():
                counts[k] += n * int(occurrences[j])
        uniques = new
    out[mask] = uniques[codes]
    return out, counts


def contains_personal_data(text: str) -> str | None:
    """Kind of personal data in a short text (an identifier), or ``None``."""
    c: dict[str, int] = {}
    redact_value(str(text), c, free_text=False)
    for k in COUNT_KEYS:
        if c.get(k):
            return k
    return None


_NAME_LIKE = re.compile(r"[^\W\d_]{3,}(?:[ '\-][^\W\d_]+)*", re.UNICODE)


def names_as_identifiers(ids: pd.Series) -> float:
    """Share of identifiers that look like names (letters only, no digit): codes have digits,
    "DUPONT Jean" has none."""
    values = ids.dropna().astype(str).str.strip()
    values = values[values != ""]
    if values.empty:
        return 0.0
    looks = values.map(
        lambda v: bool(_NAME_LIKE.fullmatch(v)) and not any(ch.isdigit() for ch in v)
    )
    return float(looks.mean())
