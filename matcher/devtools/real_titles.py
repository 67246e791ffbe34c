"""Real-like job titles: official ROME appellations written the way employers and counsellors
write them in offers, with the official code as truth (the noise model of the title evaluation,
``python -m matcher evaluate titles``).

Noise model, applied to one official appellation (long form, "Serveur / Serveuse de
restaurant") drawn among the appellations in current use (``peu_usite`` not "O"), each step
drawn independently from ``random.Random(seed)``:

1. gender (always): masculine form 40 %, feminine form alone 25 %, a compact mark on the head
   word 35 % ("Technicien(ne)", "Directeur (trice)", "Agent.e", "Serveur/Serveuse");
2. abbreviation 60 % when the title holds one of the phrases people abbreviate (ASH, AES,
   ADVF, AVS, CESF, ATSEM, IDE, AMP, EJE... our own list below, not the product's table) and
   15 % a word cut short ("Resp.", "Tech.", "Assist.", "Cons.", "Comm.");
3. a qualifier 30 %: seniority or polyvalence ("Senior", "confirmé(e)", "expérimenté(e)",
   "polyvalent(e)", "débutant(e) accepté(e)", "junior", "qualifié(e)", "itinérant(e)"),
   after or, for "Senior"/"Junior", before the title;
4. a second job 8 % ("X / Y", "X - Y", "X ou Y"): an appellation of the same code or of one of
   its official close jobs; a prediction of either code counts as right;
5. a place, contract or time suffix 40 % ("- CDI Annonay", "(Béthune)", "secteur Lens",
   "CDD 6 mois", "- Temps partiel 24h", "en intérim", "- 35h"), communes of the territory and
   other French towns;
6. a service, employer or brand 20 % ("- Service Pédopsychiatrie", "chez Carrefour",
   "- EHPAD Les Tilleuls", "LIDL -" in front...);
7. a gender marker 55 % ("H/F", "(H/F)", "F/H", "(F/H)", "H/F/X");
8. case: as written 50 %, upper case 20 %, lower case 20 %, Title Case 10 %; accents dropped
   25 %; one typo (a letter dropped, doubled, swapped or replaced in a word of 5+ letters) 20 %.

Each title also gets an offer context (description and skills) 80 % of the time: two to four
skills of its code, written as people write them (``synthetic.user_skill``), in a short
description. Real descriptions paraphrase the missions; they also name the employer, which
step 6 does too.

Truth: the appellation's code. "Right" counts the code itself, its ROME parent and its ROME
children (``code_rome_parent``), as the issue's measure on real offers did. It also counts a
**twin** code: one that holds an appellation with the same words as the drawn one, up to
gender, case, accents, plurals and linking words ("de", "en", "du", :data:`TWIN_LINKS`):
"Agent / Agente de quai de messagerie" and "Agent de quai messagerie", "Conseiller en formation
en entreprise" and "Conseiller formation en entreprise" are filed under two codes each. The title
names both codes equally, so neither answer can be called wrong; the report says how many
predictions were counted right this way (``twin_right``).
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from matcher.reference.referential import LINK_WORDS
from matcher.text.normalise import gender_variants as _variants

ABBREVIATIONS = (
    ("agent de service hospitalier", "ASH"),
    ("agente de service hospitalier", "ASH"),
    ("agent de services hospitaliers", "ASH"),
    ("accompagnant éducatif et social", "AES"),
    ("accompagnante éducative et sociale", "AES"),
    ("assistant de vie aux familles", "ADVF"),
    ("assistante de vie aux familles", "ADVF"),
    ("auxiliaire de vie sociale", "AVS"),
    ("conseiller en économie sociale familiale", "CESF"),
    ("conseillère en économie sociale familiale", "CESF"),
    ("conseiller en économie sociale et familiale", "CESF"),
    ("conseillère en économie sociale et familiale", "CESF"),
    ("agent territorial spécialisé des écoles maternelles", "ATSEM"),
    ("agente territoriale spécialisée des écoles maternelles", "ATSEM"),
    ("infirmier diplômé d'état", "IDE"),
    ("infirmière diplômée d'état", "IDE"),
    ("aide médico-psychologique", "AMP"),
    ("éducateur de jeunes enfants", "EJE"),
    ("éducatrice de jeunes enfants", "EJE"),
    ("aide-soignant", "AS"),
    ("aide-soignante", "AS"),
    ("agent de sécurité incendie", "SSIAP"),
    ("agent d'entretien", "ADE"),
    ("vendeur en magasin", "VDM"),
)
CUT_WORDS = (("responsable", "Resp."), ("technicien", "Tech."), ("technicienne", "Tech."),
             ("assistant", "Assist."), ("assistante", "Assist."), ("conseiller", "Cons."),
             ("conseillère", "Cons."), ("commercial", "Comm."), ("commerciale", "Comm."),
             ("administratif", "admin."), ("administrative", "admin."),
             ("préparateur", "Prépa."), ("préparatrice", "Prépa."))  # fmt: skip
QUALIFIERS_AFTER = ("confirmé", "expérimenté", "polyvalent", "débutant accepté", "qualifié",
                    "itinérant", "H/F confirmé", "2 ans d'expérience")  # fmt: skip
QUALIFIERS_FEM = {"confirmé": "confirmée", "expérimenté": "expérimentée",
                  "polyvalent": "polyvalente", "débutant accepté": "débutante acceptée",
                  "qualifié": "qualifiée", "itinérant": "itinérante"}  # fmt: skip
QUALIFIERS_BEFORE = ("Senior", "Junior")
TOWNS = ("Annonay", "Béthune", "Bruay-la-Buissière", "Lens", "Arras", "Lille", "Lyon", "Nœux-les-Mines",
         "Auchel", "Calonne-Ricouart", "Douai", "Saint-Omer", "Valenciennes", "Rouen", "Marseille",
         "Beuvry", "Houdain", "Liévin", "Hénin-Beaumont", "Dunkerque")  # fmt: skip
CONTRACTS = ("CDI", "CDD", "CDD 6 mois", "CDI temps plein", "Temps partiel 24h", "Intérim",
             "en intérim", "Alternance", "35h", "CDD de remplacement", "Saisonnier",
             "Contrat de professionnalisation")  # fmt: skip
SERVICES = ("Service Pédopsychiatrie", "Service Urgences", "Service Gériatrie", "EHPAD Les Tilleuls",
            "Restaurant Le Cèdre", "Hôtel Ibis", "Clinique Saint-Joseph", "Résidence Les Lilas",
            "Magasin Lidl", "Carrefour Market", "Auchan Drive", "Groupe Vinci", "Leroy Merlin",
            "Mairie de Beuvry", "Centre hospitalier", "ADMR", "La Poste", "Ikea", "McDonald's",
            "Pôle Logistique", "Site de production", "Agence de Lens", "Plateforme e-commerce",
            "Service comptabilité", "Direction des ressources humaines")  # fmt: skip
BRANDS_FRONT = ("LIDL", "CARREFOUR", "ADECCO", "RANDSTAD", "KORIAN", "ORPEA", "SODEXO", "ELIOR",
                "ONET", "DERICHEBOURG", "Manpower", "Groupe SOS")  # fmt: skip
MARKERS = ("H/F", "(H/F)", "F/H", "(F/H)", "H/F/X", "- H/F", "(H/F) ")
# Compact feminine marks: masculine ending -> the mark written after the masculine word.
MARKS = (("teur", "trice", ("(trice)", " (trice)", "(rice)", "/trice")),
         ("eur", "euse", ("(euse)", " (euse)", "/euse", ".euse")),
         ("ien", "ienne", ("(ne)", "(enne)", ".ne", "/ne")),
         ("ier", "ière", ("(ère)", "(e)", "/ère", ".ère")),
         ("er", "ère", ("(ère)", "/ère")),
         ("if", "ive", ("(ve)", "/ive")),
         ("", "e", ("(e)", ".e", "·e", "/e")))  # fmt: skip
_KEYBOARD = "azertyuiopqsdfghjklmwxcvbn"


def _strip_accents(text: str) -> str:
    text = text.replace("œ", "oe").replace("Œ", "OE")
    return "".join(c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn")


def _pair(title: str) -> tuple[list[str], list[str], int] | None:
    """ "Serveur / Serveuse de restaurant" -> (masculine words, feminine words, n shared)."""
    if " / " not in title:
        return None
    left, right = title.split(" / ", 1)
    lw, rw = left.split(" "), right.split(" ")
    for n in range(min(6, len(lw), len(rw)), 0, -1):
        if all(_variants(a, b) for a, b in zip(lw[-n:], rw[:n], strict=True)):
            return lw, rw, n
    return None


def masculine(title: str) -> str:
    p = _pair(title)
    return title if p is None else " ".join([*p[0], *p[1][p[2] :]])


def feminine(title: str) -> str:
    p = _pair(title)
    return title if p is None else " ".join([*p[0][: -p[2]], *p[1]])


def compact(title: str, rng: random.Random) -> str:
    """The masculine form with a feminine mark on the first gendered word."""
    p = _pair(title)
    if p is None:
        return title
    lw, rw, n = p
    masc = lw[-n:]
    fem = rw[:n]
    words = [*lw, *rw[n:]]
    start = len(lw) - n
    for k, (m, f) in enumerate(zip(masc, fem, strict=True)):
        if m.lower() == f.lower():
            continue
        for masc_end, fem_end, marks in MARKS:
            if m.endswith(masc_end) and f.endswith(fem_end):
                mark = rng.choice(marks)
                if mark.startswith("/") and rng.random() < 0.5:
                    mark = " / " + f
                words[start + k] = m + mark
                return " ".join(words)
        words[start + k] = f"{m}/{f}"
        return " ".join(words)
    return " ".join(words)


def typo(text: str, rng: random.Random) -> str:
    """One typo inside a word of 5+ letters (not its first letter): a letter dropped, doubled,
    swapped with the next one or replaced."""
    words = [(i, w) for i, w in enumerate(text.split(" ")) if len(w) >= 5 and w.isalpha()]
    if not words:
        return text
    i, w = rng.choice(words)
    p = rng.randrange(1, len(w) - 1)
    op = rng.choice(("drop", "double", "swap", "replace"))
    if op == "drop":
        w2 = w[:p] + w[p + 1 :]
    elif op == "double":
        w2 = w[:p] + w[p] + w[p:]
    elif op == "swap":
        w2 = w[:p] + w[p + 1] + w[p] + w[p + 2 :]
    else:
        w2 = w[:p] + rng.choice(_KEYBOARD) + w[p + 1 :]
    parts = text.split(" ")
    parts[i] = w2
    return " ".join(parts)


def _abbreviate(title: str, rng: random.Random) -> str:
    low = title.lower()
    for phrase, abbr in ABBREVIATIONS:
        if phrase in low and rng.random() < 0.6:
            i = low.index(phrase)
            return (title[:i] + abbr + title[i + len(phrase) :]).strip()
    if rng.random() < 0.15:
        words = title.split(" ")
        for j, w in enumerate(words):
            for full, cut in CUT_WORDS:
                if w.lower() == full:
                    words[j] = cut
                    return " ".join(words)
    return title


def real_like(official: str, rng: random.Random, second: str | None = None) -> tuple[str, bool]:
    """One official appellation written as in a real offer (see the module docstring); also
    says whether the feminine was used (for the qualifier's agreement)."""
    r = rng.random()
    fem = False
    if r < 0.40:
        t = masculine(official)
    elif r < 0.65:
        t, fem = feminine(official), True
    else:
        t = compact(official, rng)
    t = _abbreviate(t, rng)
    if rng.random() < 0.30:
        if rng.random() < 0.25:
            t = f"{rng.choice(QUALIFIERS_BEFORE)} {t}"
        else:
            q = rng.choice(QUALIFIERS_AFTER)
            t = f"{t} {QUALIFIERS_FEM.get(q, q) if fem else q}"
    if second is not None:
        t = f"{t}{rng.choice((' / ', ' - ', ' ou ', '/'))}{masculine(second)}"
    if rng.random() < 0.55 and rng.random() < 0.5:  # marker right after the title
        t = f"{t} {rng.choice(MARKERS)}"
    if rng.random() < 0.40:
        town, contract = rng.choice(TOWNS), rng.choice(CONTRACTS)
        t += rng.choice((f" - {contract} {town}", f" ({town})", f" secteur {town}",
                         f" - {contract}", f" {contract}", f" - {town}"))  # fmt: skip
    if rng.random() < 0.20:
        if rng.random() < 0.3:
            t = f"{rng.choice(BRANDS_FRONT)} - {t}"
        else:
            t += rng.choice((" - ", " chez ", " / ", " ")) + rng.choice(SERVICES)
    if rng.random() < 0.275:  # marker at the end (with the one above: 55 % in all)
        t = f"{t} {rng.choice(MARKERS)}"
    case = rng.random()
    if case < 0.2:
        t = t.upper()
    elif case < 0.4:
        t = t.lower()
    elif case < 0.5:
        t = t.title()
    if rng.random() < 0.25:
        t = _strip_accents(t)
    if rng.random() < 0.20:
        t = typo(t, rng)
    return re.sub(r"\s+", " ", t).strip(), fem


@dataclass
class TitleSet:
    """Real-like titles with their truth."""

    frame: pd.DataFrame  # query, context, code, other_code, official, short[, twins]
    parents: dict[str, str]  # code -> ROME parent

    def right(self, predicted: pd.Series, twins: bool = True) -> pd.Series:
        """Predicted code counted right: the truth, its parent or a child of it, the code of
        the second job when the title names two, or (``twins``) a twin code of the truth (see
        the module docstring)."""
        truth = self.frame["code"]
        other = self.frame["other_code"]
        pred = predicted.reindex(truth.index)
        par = self.parents
        ok = (pred == truth) | (pred == other)
        ok |= pred.map(par) == truth
        ok |= truth.map(par) == pred
        if twins and "twins" in self.frame:
            ok |= pd.Series([p in t for p, t in zip(pred, self.frame["twins"], strict=True)],
                            index=truth.index)  # fmt: skip
        return ok.fillna(False).astype(bool)

    def twin_right(self, predicted: pd.Series) -> pd.Series:
        """Predicted code counted right only because it is a twin code of the truth."""
        return self.right(predicted) & ~self.right(predicted, twins=False)

    def same_domain(self, predicted: pd.Series) -> pd.Series:
        """Predicted code in the truth's professional domain (3 characters) or family."""
        pred = predicted.reindex(self.frame.index).fillna("")
        truth = self.frame["code"]
        other = self.frame["other_code"].fillna("")
        return (
            (pred.str[:3] == truth.str[:3])
            | ((other != "") & (pred.str[:3] == other.str[:3]))
            | self.right(predicted)
        )


def _context(code: str, skills: dict[str, list[str]], rng: random.Random) -> str:
    from matcher.devtools.synthetic import user_skill

    items = skills.get(code, [])
    if not items or rng.random() < 0.2:
        return ""
    chosen = rng.sample(items, min(len(items), rng.randint(2, 4)))
    written = [user_skill(s, rng, 0.3) for s in chosen]
    lead = rng.choice(("Vos missions : ", "Missions principales : ", "Vous serez chargé(e) de : ",
                       "Au sein de notre équipe, vous assurez : "))  # fmt: skip
    return lead + "; ".join(w for w in written if w) + "."


def real_like_titles(rome_dir: str | Path, n: int, seed: int, referential=None) -> TitleSet:
    """``n`` real-like titles drawn with ``seed`` from the official export in ``rome_dir``
    (``referential``: the same ROME already read, for the skills of the contexts and the close
    jobs; read from ``rome_dir`` when not given)."""
    from matcher.reference.referential import (
        CLOSE_CODE,
        CODE,
        PARENT,
        SKILL,
        load_rome_dir,
        rome_version,
    )

    rome_dir = Path(rome_dir)
    ref = referential if referential is not None else load_rome_dir(rome_dir)
    version = rome_version(rome_dir)
    path = rome_dir / f"unix_referentiel_appellation_v{version}_utf8.csv"
    t = pd.read_csv(path, dtype=str, keep_default_na=False)
    t = t[t["peu_usite"] != "O"]
    t = t.sample(n=min(n, len(t)), random_state=seed).reset_index(drop=True)
    rng = random.Random(seed)
    by_code: dict[str, list[str]] = {}
    for c, title in zip(t["code_rome"], t["libelle_appellation_long"], strict=True):
        by_code.setdefault(c, []).append(title)
    all_titles = pd.read_csv(path, dtype=str, keep_default_na=False)
    titles_of = all_titles.groupby("code_rome")["libelle_appellation_long"].agg(list).to_dict()
    close: dict[str, list[str]] = {}
    for a, b in zip(ref.close[CODE], ref.close[CLOSE_CODE], strict=True):
        close.setdefault(a, []).append(b)
    sk = ref.skills
    if "kind" in sk:
        sk = sk[sk["kind"] == "savoir-faire"]
    skills = sk.groupby(CODE)[SKILL].agg(list).to_dict()
    rows = []
    for code, official, short in zip(
        t["code_rome"], t["libelle_appellation_long"], t["libelle_appellation_court"], strict=True
    ):
        second, other = None, None
        if rng.random() < 0.08:
            other = rng.choice([code, *close.get(code, [])])
            options = [x for x in titles_of.get(other, []) if x != official]
            if options:
                second = rng.choice(options)
            else:
                other = None
        query, _ = real_like(official, rng, second)
        rows.append({"query": query, "context": _context(code, skills, rng), "code": code,
                     "other_code": other, "official": official, "short": short})  # fmt: skip
    parents = dict(zip(ref.codes[CODE], ref.codes[PARENT], strict=True))
    frame = pd.DataFrame(rows)
    frame["twins"] = twin_codes(all_titles["libelle_appellation_long"], all_titles["code_rome"],
                                frame["official"], frame["code"])  # fmt: skip
    return TitleSet(frame, parents)


# The words a twin appellation may add or drop: articles and the prepositions that only link
# ("de", "en"). "avec" / "sans", "son", one-letter words ("E-formateur", "3 D") are kept, and
# so is the order of the words ("Marin-pêcheur" is not "Pêcheur sous-marin").
TWIN_LINKS = LINK_WORDS  # the same linking words as the layer's refiled titles


def twin_codes(titles: pd.Series, codes: pd.Series, official: pd.Series, truth: pd.Series) -> list:
    """For each (official appellation, its code): the other codes holding an appellation with the
    same words in the same order, up to gender, case, accents, plurals and TWIN_LINKS (the
    classifier's title key), as a frozenset."""
    from matcher.reference.classifier import title_keys, word_of

    def words(keys: pd.Series) -> list[str]:
        return [" ".join(word_of(w) for w in k.split(" ") if w and w not in TWIN_LINKS)
                for k in keys]  # fmt: skip

    by_words: dict[str, set[str]] = {}
    for w, c in zip(words(title_keys(titles)), codes, strict=True):
        if w:
            by_words.setdefault(w, set()).add(c)
    return [frozenset(by_words.get(w, set()) - {c})
            for w, c in zip(words(title_keys(official)), truth, strict=True)]  # fmt: skip


THRESHOLDS = (0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9)


@dataclass
class RealFigures:
    """Figures of one method on a :class:`TitleSet`."""

    name: str
    n: int
    top1: float
    top3: float
    seconds: float
    threshold: float | None = None
    coverage: float | None = None  # share of titles with confidence >= threshold
    precision: float | None = None  # share right among them
    confident_wrong_domain: int | None = None  # confidence >= 0.9, another domain than truth
    confident_wrong: int | None = None  # confidence >= 0.9, wrong
    twin_right: int | None = None  # first code right only as a twin code of the truth
    twin_right_sure: int | None = None  # the same, at confidence >= 0.9
    by_threshold: list[tuple[float, float, float]] | None = None

    def lines(self) -> list[str]:
        out = [f"{self.name} : {self.n} titres, top-1 {self.top1:.3f}, top-3 {self.top3:.3f} "
               f"({self.seconds:.1f} s)"]  # fmt: skip
        if self.threshold is not None:
            out.append(f"    au seuil {self.threshold:.2f} : code donné à {self.coverage:.1%} des "
                       f"titres, juste dans {self.precision:.1%} des cas ; confiance >= 0.9 et "
                       f"faux : {self.confident_wrong}, dont autre domaine : "
                       f"{self.confident_wrong_domain}")  # fmt: skip
        if self.twin_right is not None:
            out.append(f"    comptés justes car le code a une appellation aux mêmes mots que la "
                       f"vraie (code jumeau) : {self.twin_right}, dont confiance >= 0.9 : "
                       f"{self.twin_right_sure}")  # fmt: skip
        for thr, cov, prec in self.by_threshold or []:
            out.append(f"    seuil {thr:.2f} : code donné à {cov:.1%}, juste dans {prec:.1%}")
        return out


def score_result(
    name: str, ts: TitleSet, result: pd.DataFrame, seconds: float, threshold: float
) -> RealFigures:
    """Figures of a classification ``result`` (code, confidence, candidates) on ``ts``."""
    first = result["code"]
    right1 = ts.right(first)
    right3 = right1.copy()
    for k in range(2):
        kth = result["candidates"].map(lambda cs, k=k: cs[k][0] if len(cs) > k else None)
        right3 |= ts.right(kth)
    conf = result["confidence"].astype(float)
    kept = conf >= threshold
    sure = conf >= 0.9
    rows = []
    for thr in THRESHOLDS:
        m = conf >= thr
        rows.append((thr, float(m.mean()), float(right1[m].mean()) if m.any() else 0.0))
    return RealFigures(
        name, len(ts.frame), float(right1.mean()), float(right3.mean()), seconds, threshold,
        float(kept.mean()), float(right1[kept].mean()) if kept.any() else 0.0,
        int((sure & ~ts.same_domain(first)).sum()), int((sure & ~right1).sum()),
        int(ts.twin_right(first).sum()), int((sure & ts.twin_right(first)).sum()), rows,
    )  # fmt: skip


def score_codes(name: str, ts: TitleSet, codes, seconds: float) -> RealFigures:
    """Figures of a method that gives codes only (queries x top array), e.g. the baseline."""
    import numpy as np

    codes = np.asarray(codes, dtype=object)
    index = ts.frame.index
    right1 = ts.right(pd.Series(codes[:, 0], index=index))
    right3 = right1.copy()
    for k in range(1, min(3, codes.shape[1])):
        right3 |= ts.right(pd.Series(codes[:, k], index=index))
    return RealFigures(name, len(index), float(right1.mean()), float(right3.mean()), seconds)


HELD_OUT_SHARE = 2 / 3  # see evaluate_real_like
FOLDS = 5


def evaluate_real_like(
    referential, ts: TitleSet, seed: int, threshold: float, use_context: bool = True
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Classify the real-like titles of ``ts`` and the baseline's codes, in one run.

    Real titles are often not appellations of the ROME at all: a share HELD_OUT_SHARE of the
    titles (drawn with ``seed``) is asked with its appellation removed from the referential
    (by folds, the classifier rebuilt without them), the rest with it present. The share was set
    so that the plain baseline scores here about what it scored on 150 real France Travail
    offers (top-1 0.66, issue 13). Returns (classifier result, baseline codes as a frame)."""
    import numpy as np

    from matcher.reference.classifier import TitleClassifier
    from matcher.reference.referential import nearest_title_baseline

    frame = ts.frame
    feats = []
    rng = np.random.default_rng(seed)
    held = rng.random(len(frame)) < HELD_OUT_SHARE
    contexts = frame["context"] if use_context else None
    results, base = [], []
    present = frame.index[~held]
    if len(present):
        ctx = None if contexts is None else contexts.loc[present]
        clf = referential.classifier
        f = clf.features(frame.loc[present, "query"], ctx)
        results.append(clf.from_features(f))
        feats.append(f.assign(codes=[clf.codes[c] for c in f["_codes"]]))
        base.append(pd.DataFrame(nearest_title_baseline(referential, frame.loc[present, "query"]),
                                 index=present))  # fmt: skip
    idx = np.flatnonzero(held)
    fold_of = rng.integers(0, FOLDS, size=len(idx))
    for f in range(FOLDS):
        part = frame.iloc[idx[fold_of == f]]
        if part.empty:
            continue
        reduced = referential.without_titles(pd.concat([part["official"], part["short"]]))
        clf = TitleClassifier(reduced, use_cache=False)  # one-off referentials: not cached
        ctx = None if contexts is None else contexts.loc[part.index]
        f = clf.features(part["query"], ctx)
        results.append(clf.from_features(f))
        feats.append(f.assign(codes=[clf.codes[c] for c in f["_codes"]]))
        base.append(pd.DataFrame(nearest_title_baseline(reduced, part["query"]), index=part.index))
    result = pd.concat(results).loc[frame.index]
    baseline = pd.concat(base).loc[frame.index]
    result.attrs["held_out"] = held
    result.attrs["features"] = pd.concat(feats).loc[frame.index]
    return result, baseline
