"""Normalisation of French job text: Series in, Series out, vectorised with pandas string methods.

fold_text: case and accents folded, punctuation unified, "H/F" removed, gendered forms collapsed.
normalise_text: fold_text + abbreviations expanded + stop words removed + light stemming.
split_skills: a skills cell -> list of distinct skills.
"""

from __future__ import annotations

import csv
import functools
import re

import pandas as pd

from matcher.paths import DATA_DIR

ABBREVIATIONS_FILE = DATA_DIR / "abreviations.csv"

# French stop words, written folded (no accents) since they are applied after folding.
STOP_WORDS = frozenset(
    [
        "a",
        "au",
        "aux",
        "avec",
        "ce",
        "ces",
        "dans",
        "de",
        "des",
        "du",
        "elle",
        "en",
        "et",
        "eux",
        "il",
        "je",
        "la",
        "le",
        "les",
        "leur",
        "lui",
        "ma",
        "mais",
        "me",
        "meme",
        "mes",
        "moi",
        "mon",
        "ne",
        "nos",
        "notre",
        "nous",
        "on",
        "ou",
        "par",
        "pas",
        "pour",
        "qu",
        "que",
        "qui",
        "sa",
        "se",
        "ses",
        "son",
        "sur",
        "ta",
        "te",
        "tes",
        "toi",
        "ton",
        "tu",
        "un",
        "une",
        "vos",
        "votre",
        "vous",
        "c",
        "d",
        "j",
        "l",
        "m",
        "n",
        "s",
        "t",
        "y",
        "ete",
        "etre",
        "avoir",
        "ai",
        "as",
        "avons",
        "avez",
        "ont",
        "est",
        "sont",
        "etc",
        "cette",
        "cet",
        "ceux",
        "celle",
        "celles",
        "dont",
        "leurs",
        "afin",
        "ainsi",
        "chez",
        "lors",
        "selon",
        "sous",
        "vers",
        "tout",
        "tous",
        "toute",
        "toutes",
        "tres",
        "plus",
        "moins",
        "bien",
    ]
)

_HF = re.compile(r"\(?\b(?:h\s*/\s*f|f\s*/\s*h|h\s*-\s*f|f\s*-\s*h)\b\)?")
# "agent(e)", "agent.e", "agent·e", "agent-e" -> "agent"; "cuisinier/ere" -> "cuisinier"
_GENDER_SUFFIX = re.compile(
    r"(\w)(?:\(\s*(?:e|ne|se|euse|rice|trice|ere|ive|ienne|ice)s?\s*\)|[.·](?:e|ne|se)s?\b)"
)
_SLASH_FEMININE = re.compile(r"(\w+)\s*/\s*(?:e|ere|euse|rice|trice|ive|ienne|ne|se|eresse|esse)\b")
_PUNCT = re.compile(r"[^\w\s+#]")
_SPACES = re.compile(r"\s+")
_SPLIT_SKILLS = re.compile(r"\s*(?:[;\n\r/•·▪●■◦]|,(?!\d)|\s-\s|^\s*[-*]\s+|\s+\*\s+)\s*")


def fold_text(series: pd.Series) -> pd.Series:
    """Lower case, accents removed (œ -> oe), apostrophes and punctuation unified, "H/F" removed,
    gendered forms collapsed to the first form. Missing values become ""."""
    s = series.astype("object").where(series.notna(), "").astype(str)
    s = s.str.replace("œ", "oe").str.replace("Œ", "oe").str.replace("æ", "ae")
    s = s.str.replace(r"[’'`´‘]", " ", regex=True)
    s = s.str.normalize("NFKD").str.encode("ascii", "ignore").str.decode("ascii").str.lower()
    s = s.str.replace(_HF, " ", regex=True)
    s = s.str.replace(_GENDER_SUFFIX, r"\1", regex=True)
    # "Agent / Agente", "Cuisinier / Cuisiniere": keep the first form when the second starts alike.
    s = s.str.replace(r"\b(\w{3,})\w*\s*/\s*\1\w*", r"\1", regex=True)
    s = s.str.replace(_SLASH_FEMININE, r"\1", regex=True)
    s = s.str.replace(_PUNCT, " ", regex=True)
    return s.str.replace(_SPACES, " ", regex=True).str.strip()


@functools.cache
def abbreviations() -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """Abbreviations and jargon of the data file: one folded alternation pattern (longest first,
    so "caces 3" wins over "caces") and the folded expansion of each."""
    rows: list[tuple[str, str]] = []
    if ABBREVIATIONS_FILE.is_file():
        with ABBREVIATIONS_FILE.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row.get("abreviation") and row.get("forme_normalisee"):
                    rows.append((row["abreviation"], row["forme_normalisee"]))
    if not rows:
        return None, {}
    folded = fold_text(pd.Series([a for a, _ in rows]))
    expanded = fold_text(pd.Series([e for _, e in rows]))
    table = {a: e for a, e in zip(folded, expanded, strict=True) if a}
    alternation = "|".join(re.escape(a) for a in sorted(table, key=len, reverse=True))
    return re.compile(rf"\b(?:{alternation})\b"), table


def expand_abbreviations(folded: pd.Series) -> pd.Series:
    """Replace abbreviations (on folded text) by their normalised form, in a single pass so an
    expansion is never expanded again."""
    pattern, table = abbreviations()
    if pattern is None:
        return folded
    return folded.str.replace(pattern, lambda m: table[m.group(0)], regex=True)


_STEM_RULES = (
    (re.compile(r"(\w{3,})(?:euses|euse|eurs)\b"), r"\1eur"),
    (re.compile(r"(\w{3,})(?:trices|trice|teurs)\b"), r"\1teur"),
    (re.compile(r"(\w{3,})(?:ieres|iere|iers)\b"), r"\1ier"),
    (re.compile(r"(\w{3,})(?:eres|ere)\b"), r"\1er"),
    (re.compile(r"(\w{3,})(?:iennes|ienne|iens)\b"), r"\1ien"),
    (re.compile(r"(\w{3,})(?:ives|ive|ifs)\b"), r"\1if"),
    (re.compile(r"(\w{3,})(?:ees|ee|es)\b"), r"\1e"),
    (re.compile(r"(\w{3,}[^s])s\b"), r"\1"),
)


def stem(folded: pd.Series) -> pd.Series:
    """Light French stemming on folded text: plural and feminine endings collapsed."""
    s = folded
    for pattern, repl in _STEM_RULES:
        s = s.str.replace(pattern, repl, regex=True)
    return s


def remove_stop_words(folded: pd.Series) -> pd.Series:
    pattern = r"\b(?:" + "|".join(sorted(STOP_WORDS, key=len, reverse=True)) + r")\b"
    return (
        folded.str.replace(pattern, " ", regex=True)
        .str.replace(_SPACES, " ", regex=True)
        .str.strip()
    )


def normalise_text(series: pd.Series) -> pd.Series:
    """Folded, abbreviations expanded, stop words removed, stemmed: the text the matcher compares."""
    s = expand_abbreviations(fold_text(series))
    return stem(remove_stop_words(s))


def split_skills(series: pd.Series) -> pd.Series:
    """Skills cell -> list of distinct skills as written (trimmed), in order of appearance.

    Splits on ``;``, ``,`` (not inside numbers), ``/``, line breaks and bullets."""
    s = series.astype("object").where(series.notna(), "").astype(str)
    parts = s.str.split(_SPLIT_SKILLS, regex=True)

    def clean(items: list[str]) -> list[str]:
        seen: dict[str, str] = {}
        for item in items:
            item = item.strip(" .-*\t")
            key = item.lower()
            if len(item) >= 2 and key not in seen:
                seen[key] = item
        return list(seen.values())

    return parts.map(clean)


def join_text(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    """Concatenate text columns (lists joined by ", "), missing ones skipped."""
    out = pd.Series("", index=frame.index, dtype=object)
    for c in columns:
        if c not in frame:
            continue
        col = frame[c].map(lambda v: ", ".join(v) if isinstance(v, list) else v)
        col = col.where(col.notna(), "").astype(str)
        out = out + " " + col
    return out.str.strip()
