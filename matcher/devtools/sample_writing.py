"""How people write values in their spreadsheets: typos, short forms, gendered titles, dates.

Every function takes the values to write and the generator's ``random.Random``; the vocabulary
comes from ``data/sample_spec/writing.toml``. Used by the sample generator only.
"""

from __future__ import annotations

import datetime as dt
import random
import unicodedata

from matcher.devtools.sample_spec import load_table

_WRITING = load_table("writing.toml")
_TYPOS = _WRITING.text_map("typos")
_GENDERED = _WRITING.text_map("gendered_titles")
_SHORT_FORMS = _WRITING.texts_map("short_forms")
_NOUNS = _WRITING.text_map("verb_nouns")
_DETERMINERS = _WRITING.text_map("determiners")
MONTHS = _WRITING.texts("months")
MONTHS_SHORT = _WRITING.texts("months_short")


def strip_accents(text: str) -> str:
    """``text`` without accents, œ written oe (as typed on a keyboard without them)."""
    text = text.replace("œ", "oe").replace("Œ", "OE")
    decomposed = unicodedata.normalize("NFD", text)
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn")


def lower_first(text: str) -> str:
    """``text`` with a lower-case first letter, unless it starts with an acronym."""
    if len(text) > 1 and text[1].isupper():  # acronym: keep ("ASH", "CACES")
        return text
    return text[:1].lower() + text[1:]


def typo(text: str, rng: random.Random) -> str:
    """``text`` with one of its known words misspelt (unchanged when none is there)."""
    low = text.lower()
    hits = [k for k in _TYPOS if k in low]
    if not hits:
        return text
    key = rng.choice(hits)
    start = low.index(key)
    return text[:start] + _TYPOS[key] + text[start + len(key) :]


def nominalise(skill: str) -> str:
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


def write_skill(skill: str, rng: random.Random, sloppy: float) -> str:
    """One skill as a person would type it (short form, nominal form, typo, no accents)."""
    text = skill
    if skill in _SHORT_FORMS and rng.random() < 0.45:
        text = rng.choice(_SHORT_FORMS[skill])
    elif rng.random() < 0.3:
        text = nominalise(skill)
    if rng.random() < 0.5:
        text = lower_first(text)
    if rng.random() < sloppy:
        text = typo(text, rng)
    if rng.random() < sloppy / 2:
        text = strip_accents(text)
    return text


def join_list(items: list[str], rng: random.Random, styles: tuple[str, ...]) -> str:
    """``items`` in one cell, in one of ``styles``: a separator, "lines" or "bullets"."""
    style = rng.choice(styles)
    if style == "bullets":
        return "\n".join(f"- {item}" for item in items)
    if style == "lines":
        return "\n".join(items)
    return style.join(items)


def mess_commune(name: str, rng: random.Random, p: float) -> str:
    """With probability ``p``, the commune written another way (no accents, upper case...)."""
    if rng.random() >= p:
        return name
    variant = rng.randrange(5)
    if variant == 0:
        return strip_accents(name).upper().replace("-", " ")
    if variant == 1:
        return strip_accents(name)
    if variant == 2:
        return name.replace("-", " ")
    if variant == 3:
        return name.upper()
    return "-".join(w[:1].upper() + w[1:] for w in name.split("-"))


def gendered_title(title: str, rng: random.Random) -> str:
    """Often, a masculine job title written out in both genders ("Agent(e) ...")."""
    for masc, both in _GENDERED.items():
        if title.startswith(masc) and rng.random() < 0.6:
            return both + title[len(masc) :]
    return title


def offer_title(title: str, rng: random.Random) -> str:
    """A job title as a firm writes it in an offer (H/F, gendered forms, rare typos)."""
    text = gendered_title(title, rng)
    r = rng.random()
    if r < 0.45:
        text += " H/F"
    elif r < 0.65:
        text += " (F/H)"
    elif r < 0.75:
        text += " - H/F"
    if rng.random() < 0.1:
        text = typo(text, rng)
    if rng.random() < 0.06:
        text = strip_accents(text).lower()
    return text


def french_date(day: dt.date, rng: random.Random) -> str:
    """``day`` as people write it in French ("1er décembre", "janv. 2027", "15/12/26"...)."""
    style = rng.randrange(6)
    if style == 0:
        return day.strftime("%d/%m/%Y")
    if style == 1:
        first = "1er" if day.day == 1 else str(day.day)
        return f"{first} {MONTHS[day.month - 1]}"
    if style == 2:
        return f"{MONTHS_SHORT[day.month - 1]} {day.year}"
    if style == 3:
        return day.strftime("%d/%m/%y")
    if style == 4:
        return f"début {MONTHS[day.month - 1]}"
    return day.strftime("%d/%m/%Y")
