"""Fit the title classifier's reranker and confidence on real-like titles of a tuning seed
(``python -m matcher.devtools.fit_classifier --seed 7``). Not a test: it takes a few minutes and
prints the coefficients to write into :class:`matcher.reference.classifier.TitleClassifier`
(``RANK_COEF``, ``RANK_INTERCEPT``, ``CONF_COEF``, ``CONF_INTERCEPT``).

The titles are those of the evaluation (:mod:`matcher.devtools.real_titles`: its noise model,
two thirds of the titles asked with their appellation held out of the referential), each asked
with the offer's context and without; and n / 2 appellations typed as counsellors and job seekers
type a target job (the titles the ranking classifies: typos on titles the referential holds).
Never fit on the report seed (2026).

1. Reranker: a conditional logit over each title's candidate codes (the softmax of FEATURES x
   weights), fitted so that a right code (the truth, its parent or a child, or the second job's
   code) gets the largest share.
2. Confidence: a logistic regression on the first code after reranking, the target being "it is
   right", the inputs its CONF_INPUTS (share of the softmax, margins over the best code of another
   family and of another domain, context given, first-stage score, closest title).
"""

from __future__ import annotations

import argparse
import logging
import random
from pathlib import Path

import numpy as np
import pandas as pd

from matcher.devtools.real_titles import TitleSet, evaluate_real_like, real_like_titles
from matcher.reference.classifier import CONF_FEATURES, CONF_INPUTS, FEATURES
from matcher.reference.referential import default_referential, load_rome_dir

log = logging.getLogger(__name__)

TUNING_SEED = 7
L2 = 1e-2  # on standardised inputs
TABLES = ("real-like, with context", "real-like, titles only", "typed, present, titles only")
C_CONF = 1.0


def candidate_table(ts: TitleSet, feats: pd.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(title index, candidate's FEATURES, right 0/1) for every candidate of every title."""
    rows = np.repeat(np.arange(len(feats)), [len(c) for c in feats["codes"]])
    x = np.vstack([np.asarray(f) for f in feats["_feats"]])
    codes = pd.Series(np.concatenate(feats["codes"].to_numpy()), index=feats.index[rows])
    sub = TitleSet(ts.frame.loc[codes.index].reset_index(drop=True), ts.parents)
    right = sub.right(pd.Series(codes.to_numpy())).to_numpy()
    return rows, x, right.astype(int)


def typed_titles(referential, n: int, seed: int) -> TitleSet:
    """``n`` appellations of ``referential`` typed the way counsellors and job seekers type a
    target job (:func:`matcher.devtools.synthetic.user_title`: one gender, lower case, a
    preposition dropped, no accents, a typo), asked with the referential holding them and
    without context: the titles the ranking classifies."""
    from matcher.devtools.synthetic import user_title
    from matcher.reference.referential import CODE, PARENT, TITLE

    t = referential.titles.sample(n=min(n, len(referential.titles)), random_state=seed)
    rng = random.Random(seed)
    frame = pd.DataFrame({
        "query": [user_title(x, rng, 0.3) for x in t[TITLE]], "context": "",
        "code": t[CODE].to_numpy(), "other_code": None, "official": t[TITLE].to_numpy(),
        "short": "",
    })  # fmt: skip
    codes = referential.codes
    return TitleSet(frame, dict(zip(codes[CODE], codes[PARENT], strict=True)))


def conditional_logit(x: np.ndarray, y: np.ndarray, group: np.ndarray, l2: float = L2):
    """Weights w (and an intercept, 0: it cancels out) maximising the log-likelihood that a
    right candidate of each title gets the softmax over that title's candidates of x @ w
    (titles without a right candidate are left out), with an L2 penalty on standardised x."""
    from scipy.optimize import minimize

    mu, sd = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = (x - mu) / sd
    _, g = np.unique(group, return_inverse=True)
    ng = int(g.max()) + 1
    has = np.bincount(g, y, ng) > 0

    def loss(w):
        s = z @ w
        top = np.full(ng, -np.inf)
        np.maximum.at(top, g, s)
        e = np.exp(s - top[g])
        den = np.bincount(g, e, ng)
        num = np.bincount(g, e * y, ng)
        ll = np.log(num[has] + 1e-300).sum() - np.log(den[has]).sum()
        p = e / den[g]
        p_right = np.where(y > 0, e / (num[g] + 1e-300), 0.0)
        grad = ((p_right - p)[:, None] * z)[has[g]].sum(axis=0)
        return -ll + l2 * (w @ w), -grad + 2 * l2 * w

    w = minimize(loss, np.zeros(z.shape[1]), jac=True, method="L-BFGS-B").x
    return w / sd, float(-(mu / sd) @ w)


def first_inputs(ts: TitleSet, feats: pd.DataFrame, rows, x, right, coef, intercept, vagueness):
    """CONF_INPUTS of the first candidate of each title after reranking, and whether it is
    right (the classifier's :meth:`conf_inputs`, on the codes as strings: the folds'
    classifiers index different code lists; ``vagueness``: the default referential's
    :meth:`~matcher.reference.classifier.TitleClassifier.vagueness`, the same for every fold up
    to the held-out titles)."""
    logit = x @ coef + intercept
    codes = pd.Series(np.concatenate(feats["codes"].to_numpy()))
    df = pd.DataFrame({
        "row": rows, "logit": logit, "fam": codes.map(ts.parents).fillna(codes).to_numpy(),
        "dom": codes.str[:3].to_numpy(), "right": right,
        **{f"f{i}": x[:, i] for i in CONF_FEATURES},
    })  # fmt: skip
    df["p"] = np.exp(df["logit"] - df.groupby("row")["logit"].transform("max"))
    df["p"] = (df["p"] / df.groupby("row")["p"].transform("sum")).clip(1e-6, 1 - 1e-6)
    df = df.sort_values(["row", "logit"], ascending=[True, False], kind="stable")
    first = df.groupby("row").head(1).set_index("row")
    df = df.join(first[["fam", "dom"]].add_suffix("_1"), on="row")
    lg = first["logit"]
    margins = []
    for col in ("fam", "dom"):
        best = df[df[col] != df[f"{col}_1"]].groupby("row")["logit"].max()
        margins.append((lg - best.reindex(first.index)).fillna(1.0))
    has_ctx = feats["has_context"].to_numpy()[first.index].astype(float)
    vague = vagueness(feats["main"].to_numpy().astype(str))[first.index]
    p = first["p"]
    own = [first[f"f{i}"] for i in CONF_FEATURES]
    inputs = np.column_stack([np.log(p / (1 - p)), margins[0], margins[1], has_ctx, *own, vague])
    keep = (feats["main"] != "").to_numpy()[first.index]
    return inputs[keep], first["right"].to_numpy()[keep]


def fit(
    rome_dir: Path, seed: int = TUNING_SEED, n: int = 3000, dump: Path | None = None
) -> dict[str, object]:
    """Fit on ``n`` real-like titles of ``seed``; returns the coefficients (see the docstring)."""
    from sklearn.linear_model import LogisticRegression

    if seed == 2026:
        raise ValueError("2026 is the report seed: fit on another seed")
    if dump is not None and dump.is_file():  # the candidate tables of an earlier run
        tables = pd.read_pickle(dump)
    else:
        official = load_rome_dir(rome_dir)
        ts = real_like_titles(rome_dir, n, seed, official)
        ref = default_referential()
        tables = []
        for ctx in (True, False):
            result, _ = evaluate_real_like(ref, ts, seed, 0.7, use_context=ctx)
            feats = result.attrs["features"]
            tables.append((ts, feats, *candidate_table(ts, feats)))
        typed = typed_titles(ref, n // 2, seed)
        clf = ref.classifier
        feats = clf.features(typed.frame["query"])
        feats = feats.assign(codes=[clf.codes[c] for c in feats["_codes"]])
        tables.append((typed, feats, *candidate_table(typed, feats)))
        if dump is not None:
            pd.to_pickle(tables, dump)
    offsets = np.cumsum([0] + [len(t[1]) for t in tables])
    x = np.vstack([t[3] for t in tables])
    y = np.concatenate([t[4] for t in tables])
    group = np.concatenate([t[2] + o for t, o in zip(tables, offsets, strict=False)])
    coef, intercept = conditional_logit(x, y, group)
    vague = default_referential().classifier.vagueness
    cx, cy = [], []
    for (ts, feats, rows, xs, right), name in zip(tables, TABLES, strict=True):
        inputs, ok = first_inputs(ts, feats, rows, xs, right, coef, intercept, vague)
        cx.append(inputs)
        cy.append(ok)
        log.info("seed %d, %s: top-1 after reranking %.3f", seed, name, ok.mean())
    conf = LogisticRegression(C=C_CONF, max_iter=5000).fit(np.vstack(cx), np.concatenate(cy))
    return {
        "RANK_COEF": tuple(round(float(v), 4) for v in coef),
        "RANK_INTERCEPT": round(intercept, 4),
        "CONF_COEF": tuple(round(float(v), 4) for v in conf.coef_[0]),
        "CONF_INTERCEPT": round(float(conf.intercept_[0]), 4),
    }


def main(argv: list[str] | None = None) -> int:
    from matcher.paths import ROOT

    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rome", type=Path, default=ROOT.parent / "shared" / "data" / "rome-v460")
    p.add_argument("--seed", type=int, default=TUNING_SEED)
    p.add_argument("-n", type=int, default=3000)
    p.add_argument(
        "--dump",
        type=Path,
        default=None,
        help="candidate tables: read from there when the file exists, else written there",
    )
    args = p.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    out = fit(args.rome, args.seed, args.n, args.dump)
    print("FEATURES =", FEATURES)
    print("CONF_INPUTS =", CONF_INPUTS)
    for k, v in out.items():
        print(f"{k} = {v}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
