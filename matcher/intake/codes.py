"""Official job codes given by a file: used as the occupation, and checked against the title.

France Travail's offers carry their ROME code (``romeCode``); it is the offer's occupation
(confidence 1) and the classifier only checks it: when the title, classified with high confidence,
names a job of another domain than the code's, the import report says so (the code is kept).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from matcher import fields as F
from matcher.reference.referential import CODE, CONFIDENCE, LABEL, fold_codes

if TYPE_CHECKING:
    from matcher.intake.report import ImportReport
    from matcher.reference.referential import Referential

# The title "clearly says another job" when the classifier is this confident.
CHECK_MIN_CONFIDENCE = 0.8


def check_given_codes(frame: pd.DataFrame, referential: Referential, report: ImportReport) -> int:
    """Add to ``report.code_checks`` the rows whose given ROME code the title contradicts (title
    classified with confidence >= CHECK_MIN_CONFIDENCE into another professional domain, the
    letter and two digits of the code). Returns how many."""
    from matcher.intake.report import Finding

    given = fold_codes(frame[F.ROME_CODE])
    has = given.map(len) > 0
    titles = frame.loc[has, F.TITLE].astype(str)
    if titles.empty:
        return 0
    distinct = pd.Series(pd.unique(titles))
    classified = referential.classifier.classify(distinct).set_index(distinct)
    labels = referential.codes.drop_duplicates(CODE).set_index(CODE)[LABEL]
    n = 0
    for i in titles.index:
        found = classified.loc[titles[i]]
        code, conf = found[CODE], float(found[CONFIDENCE])
        codes = given[i]
        if code is None or conf < CHECK_MIN_CONFIDENCE or code in codes:
            continue
        if any(c[:3] == code[:3] for c in codes):
            continue  # same professional domain: not clearly another job
        named = ", ".join(f"{c} {labels.get(c, '')}".strip() for c in codes)
        report.code_checks.append(
            Finding.of_row(
                frame,
                i,
                f"code ROME du fichier {named}, mais l'intitulé « {titles[i]} » désigne "
                f"plutôt {code} {found[LABEL]} : code du fichier gardé, à vérifier",
                titles[i],
            )  # fmt: skip
        )
        n += 1
    return n
