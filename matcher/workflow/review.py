"""Review workflow: statuses and allowed transitions, decisions one at a time or by batch (a
filled-in shortlist sent back), the pool ("vivier"), and French labels for display.

The rules live here; the store reads the pairs and writes the decisions inside one transaction
(:meth:`matcher.store.Store.record_decisions`), so two people deciding at once never lose a
decision and a batch is stored whole or not at all.

Statuses (French labels in :data:`matcher.fields.STATUS_LABELS`)::

    Suggéré -> Retenu par le conseiller -> Proposé à l'employeur -> Entretien -> Embauché
       (forward steps may be skipped: a firm may answer "Entretien" straight away)
    any open status -> Non retenu (with a reason from a fixed list) or Sans suite
    Non retenu / Sans suite -> Retenu par le conseiller   (the pair is reconsidered)
    Embauché is final. Going back along the chain is not allowed.

Typical calls::

    review.decide(store, user, "BUS26-001", "EI-12", "retained")
    report = review.apply_decisions(store, user, review.read_decisions_file(data, "liste.xlsx"))
    report.summary_lines()   # applied, unchanged, refused with the reason of each
"""

from __future__ import annotations

import datetime as dt
import functools
import logging
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from matcher import fields as F
from matcher.errors import UserError
from matcher.fields import RejectReason, Status
from matcher.identity import User
from matcher.intake.detect import FORMAT_CSV
from matcher.settings import ImportLimits
from matcher.store.database import Store
from matcher.store.decisions import DecisionWrite, PairState
from matcher.store.records import Rows

# pandas, the text folding (which imports pandas), the privacy rules and the file readers are
# imported where they are used: a decision taken from the command line needs none of them
# (issue 15: commands that do not rank start at once).
if TYPE_CHECKING:
    import pandas as pd

    from matcher.intake.readers import RowsRead

log = logging.getLogger(__name__)

# ------------------------------------------------------------------------------------------------
# Statuses and transitions
# ------------------------------------------------------------------------------------------------
CHAIN: tuple[Status, ...] = (
    Status.SUGGESTED,
    Status.RETAINED,
    Status.PROPOSED,
    Status.INTERVIEW,
    Status.HIRED,
)
CLOSING: tuple[Status, ...] = (Status.REJECTED, Status.DROPPED)


def _transitions() -> dict[Status, frozenset[Status]]:
    out: dict[Status, frozenset[Status]] = {}
    for i, status in enumerate(CHAIN[:-1]):
        out[status] = frozenset(CHAIN[i + 1 :] + CLOSING)
    out[Status.HIRED] = frozenset()
    for status in CLOSING:
        out[status] = frozenset({Status.RETAINED})
    return out


TRANSITIONS: dict[Status, frozenset[Status]] = _transitions()


def allowed(current: Status | str, new: Status | str) -> bool:
    """True when a pair may go from ``current`` to ``new`` (same status: a correction of the
    reason or comment, always allowed except for the initial status)."""
    current, new = Status(current), Status(new)
    if current == new:
        return current != Status.SUGGESTED
    return new in TRANSITIONS[current]


@functools.cache
def _status_names() -> dict[str, Status]:
    """Folded value and label of every status, and a few other spellings -> the status."""
    from matcher.text.fold import fold

    names: dict[str, Status] = {}
    for s in Status:
        names[fold(s.value)] = s
        names[fold(s.label)] = s
    names.update({
        "retenu": Status.RETAINED, "propose": Status.PROPOSED, "proposee": Status.PROPOSED,
        "embauchee": Status.HIRED, "refuse": Status.REJECTED, "non retenue": Status.REJECTED,
    })  # fmt: skip
    return names


@functools.cache
def _reason_names() -> dict[str, RejectReason]:
    from matcher.text.fold import fold

    names: dict[str, RejectReason] = {}
    for r in RejectReason:
        names[fold(r.value)] = r
        names[fold(r.label)] = r
    names.update({"contrat": RejectReason.CONTRACT, "horaires": RejectReason.CONTRACT})
    return names


# A stored value or a label written as is (in any case) is found without folding, and without
# importing the folding, hence pandas: `decide ... --status retained` stays light. The same
# answer as the folded look-up (tests/test_light_commands.py checks it).
_EXACT_STATUS: dict[str, Status] = {s.label.lower(): s for s in Status} | {
    s.value.lower(): s for s in Status
}
_EXACT_REASON: dict[str, RejectReason] = {r.label.lower(): r for r in RejectReason} | {
    r.value.lower(): r for r in RejectReason
}


def parse_status(text: str | Status) -> Status:
    """A status from its stored value or its French label (case and accents ignored)."""
    found = _EXACT_STATUS.get(str(text).lower())
    if found is None:
        from matcher.text.fold import fold

        found = _status_names().get(fold(text))
    if found is None:
        choices = ", ".join(f"« {s.label} »" for s in Status)
        raise UserError(f"décision « {text} » inconnue (valeurs possibles : {choices})")
    return found


def parse_reason(text: str | RejectReason) -> RejectReason:
    """A reason of "Non retenu" from its value or French label."""
    found = _EXACT_REASON.get(str(text).lower())
    if found is None:
        from matcher.text.fold import fold

        found = _reason_names().get(fold(text))
    if found is None:
        choices = ", ".join(f"« {r.label} »" for r in RejectReason)
        raise UserError(f"motif « {text} » inconnu (motifs possibles : {choices})")
    return found


def status_label(value: str | None) -> str:
    return "" if value is None or _blank(value) else Status(value).label


def reason_label(value: str | None) -> str:
    return "" if value is None or _blank(value) else RejectReason(value).label


# ------------------------------------------------------------------------------------------------
# Decisions
# ------------------------------------------------------------------------------------------------
Result = Literal["applied", "unchanged", "refused"]
APPLIED: Result = "applied"
UNCHANGED: Result = "unchanged"
REFUSED: Result = "refused"

# Refusal codes, with their French names in reports.
CONFLICT = "conflict"
UNKNOWN_PAIR = "unknown_pair"
TRANSITION = "transition"
OTHER_STRUCTURE = "other_structure"
AMBIGUOUS = "ambiguous"
INVALID = "invalid"
REFUSAL_LABELS: dict[str, str] = {
    CONFLICT: "conflit avec une décision plus récente",
    UNKNOWN_PAIR: "couple offre/candidat inconnu",
    TRANSITION: "changement de statut non autorisé",
    OTHER_STRUCTURE: "profil d'une autre structure",
    AMBIGUOUS: "référence ambiguë",
    INVALID: "valeur invalide",
}
RESULT_LABELS: dict[str, str] = {APPLIED: "appliquée", UNCHANGED: "inchangée", REFUSED: "refusée"}

MAX_COMMENT = 2_000
SOURCE_CLI = "ligne de commande"
SOURCE_DASHBOARD = "tableau de bord"

# Columns of a decisions frame (what :func:`read_decisions_file` returns and
# :func:`apply_decisions` reads). Only the first four are required.
ROW = "row"  # row number in the source file, as the spreadsheet shows it
BASE_REVIEW_ID = "base_review_id"  # decision the row was exported with (0: none), if known
BASE_STATUS = "base_status"  # status shown in the exported file, if known
EXPORTED_AT = "exported_at"  # when the file was produced (ISO), if known
DECISION_COLUMNS: tuple[str, ...] = (
    F.OFFER_REF, F.PROFILE_REF, F.STRUCTURE, F.STATUS, F.REASON, F.COMMENT, ROW,
    BASE_REVIEW_ID, BASE_STATUS, EXPORTED_AT,
)  # fmt: skip


@dataclass
class Decision:
    """One requested decision. ``status``/``reason`` may be stored values or French labels.
    ``base_review_id``/``base_status``/``exported_at`` say what the decision was made from,
    to detect a newer decision taken meanwhile (the strongest available is used)."""

    offer_ref: str
    profile_ref: str
    status: str
    reason: str | None = None
    comment: str | None = None
    structure: str | None = None
    row: int | None = None
    base_review_id: int | None = None
    base_status: str | None = None
    exported_at: str | None = None
    source: str = SOURCE_CLI


@dataclass
class Outcome:
    """What happened to one decision: ``result`` applied/unchanged/refused, ``code`` the
    refusal reason (see ``REFUSAL_LABELS``), ``message`` a French sentence."""

    decision: Decision
    result: Result
    message: str
    code: str | None = None
    previous: str | None = None
    status: str | None = None
    structure: str | None = None

    @property
    def where(self) -> str:
        row = f"ligne {self.decision.row} : " if self.decision.row else ""
        return f"{row}{self.decision.offer_ref} / {self.decision.profile_ref}"

    def text(self) -> str:
        label = RESULT_LABELS[self.result]
        if self.code:
            label += f" ({REFUSAL_LABELS[self.code]})"
        return f"{self.where} : {label} – {self.message}"


class DecisionRefused(UserError):
    """A single decision was refused; ``outcome`` says why."""

    def __init__(self, outcome: Outcome):
        super().__init__(f"{outcome.decision.offer_ref} / {outcome.decision.profile_ref} : "
                         f"{REFUSAL_LABELS[outcome.code or INVALID]} – {outcome.message}")  # fmt: skip
        self.outcome = outcome


@dataclass
class DecisionReport:
    """The report of a batch: every row's outcome, in order."""

    source: str
    outcomes: list[Outcome] = field(default_factory=list)

    def _with(self, result: Result) -> list[Outcome]:
        return [o for o in self.outcomes if o.result == result]

    @property
    def applied(self) -> list[Outcome]:
        return self._with(APPLIED)

    @property
    def unchanged(self) -> list[Outcome]:
        return self._with(UNCHANGED)

    @property
    def refused(self) -> list[Outcome]:
        return self._with(REFUSED)

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {APPLIED: 0, UNCHANGED: 0, REFUSED: 0}
        for o in self.outcomes:
            out[o.result] += 1
        return out

    def refusals_by_code(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for o in self.refused:
            out[o.code or INVALID] = out.get(o.code or INVALID, 0) + 1
        return out

    def summary_lines(self) -> list[str]:
        """French report: totals, then every applied and refused row with its reason."""
        c = self.counts()
        lines = [
            f"{self.source} : {len(self.outcomes)} ligne(s) lue(s), {c[APPLIED]} décision(s) "
            f"appliquée(s), {c[UNCHANGED]} inchangée(s), {c[REFUSED]} refusée(s)."
        ]
        by_code = self.refusals_by_code()
        if by_code:
            lines.append(
                "Refus : " + ", ".join(f"{REFUSAL_LABELS[k]} : {v}" for k, v in by_code.items())
                + "."
            )  # fmt: skip
        lines += [o.text() for o in self.outcomes if o.result != UNCHANGED]
        return lines

    def to_frame(self) -> pd.DataFrame:
        """One row per decision: row, offer, profile, result, refusal, French message."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    ROW: o.decision.row,
                    F.OFFER_REF: o.decision.offer_ref,
                    F.PROFILE_REF: o.decision.profile_ref,
                    F.STRUCTURE: o.structure or o.decision.structure,
                    "result": o.result,
                    "refusal": o.code,
                    "previous": o.previous,
                    F.STATUS: o.status,
                    "message": o.message,
                }
                for o in self.outcomes
            ],
            columns=[ROW, F.OFFER_REF, F.PROFILE_REF, F.STRUCTURE, "result", "refusal",
                     "previous", F.STATUS, "message"],
        )  # fmt: skip


def _parse_time(text: str | None) -> dt.datetime | None:
    if not text:
        return None
    try:
        value = dt.datetime.fromisoformat(str(text))
    except ValueError:
        return None
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


try:
    _PARIS: dt.tzinfo = ZoneInfo("Europe/Paris")
except ZoneInfoNotFoundError:  # no time-zone database: show UTC rather than fail
    _PARIS = dt.UTC


def fr_datetime(value: str | None) -> str:
    """« 12/03/2026 à 10:42 » (Paris time) from a stored ISO timestamp."""
    t = _parse_time(value)
    return t.astimezone(_PARIS).strftime("%d/%m/%Y à %H:%M") if t else ""


def _clean_comments(comments: Sequence[Any]) -> list[str | None]:
    """Comments trimmed, cut at ``MAX_COMMENT``, personal data masked (same rules as imports:
    e-mails, phone numbers, social security numbers, IBANs): a few one by one (a decision on
    the command line or the dashboard, without pandas), a file's in one vectorised pass (the
    same texts: ``privacy.may_change`` only skips texts ``redact_value`` leaves as they are)."""
    texts = [None if _blank(c) else str(c).strip()[:MAX_COMMENT] for c in comments]
    present = [i for i, t in enumerate(texts) if t is not None]
    if 0 < len(present) <= _FEW_COMMENTS:
        from matcher.intake.privacy import redact_value

        for i in present:
            texts[i] = redact_value(str(texts[i]), {})
    elif present:
        import pandas as pd

        from matcher.intake.privacy import redact_text

        redacted, _ = redact_text(pd.Series([texts[i] for i in present], dtype=object))
        for i, value in zip(present, redacted.tolist(), strict=True):
            texts[i] = str(value)
    return texts


_FEW_COMMENTS = 20


def _clean_comment(comment: str | None) -> str | None:
    return _clean_comments([comment])[0]


def _cleaned(items: list[Decision]) -> list[Decision]:
    comments = _clean_comments([d.comment for d in items])
    return [replace(d, comment=c) for d, c in zip(items, comments, strict=True)]


def _blank(value: Any) -> bool:
    return (
        value is None
        or (isinstance(value, float) and math.isnan(value))
        or str(value).strip() == ""
    )


def _isna(value: Any) -> bool:
    import pandas as pd

    return bool(pd.isna(value))


def judge(decision: Decision, states: list[PairState]) -> tuple[Outcome, DecisionWrite | None]:
    """The business rules of one decision against the stored pairs it may designate (read in
    the decision's transaction). Returns the outcome and what to write, if anything."""

    def refuse(code: str, message: str, state: PairState | None = None) -> tuple[Outcome, None]:
        return Outcome(decision, REFUSED, message, code, previous=state.status if state else None,
                       structure=state.structure if state else None), None  # fmt: skip

    if _blank(decision.status):
        return Outcome(decision, UNCHANGED, "pas de décision indiquée"), None
    try:
        status = parse_status(decision.status)
        reason = None
        if status == Status.REJECTED:
            if _blank(decision.reason):
                choices = ", ".join(r.label for r in RejectReason)
                return refuse(INVALID, f"motif obligatoire pour « {Status.REJECTED.label} » "
                                       f"({choices})")  # fmt: skip
            reason = parse_reason(str(decision.reason)).value
    except UserError as exc:
        return refuse(INVALID, str(exc))
    comment = decision.comment  # already cleaned (see _cleaned), before the transaction

    if not states:
        where = f" dans « {decision.structure} »" if decision.structure else ""
        return refuse(UNKNOWN_PAIR, f"aucune suggestion de l'offre « {decision.offer_ref} » pour "
                                    f"le candidat « {decision.profile_ref} »{where}")  # fmt: skip
    visible = [s for s in states if s.visible]
    if not visible:
        return refuse(OTHER_STRUCTURE, "ce candidat est suivi par une autre structure : seule "
                                       "elle peut décider pour lui")  # fmt: skip
    if len(visible) > 1:
        names = ", ".join(f"« {s.structure} »" for s in visible)
        return refuse(AMBIGUOUS, f"la référence existe dans plusieurs structures ({names}) : "
                                 "précisez la structure")  # fmt: skip
    st = visible[0]
    current = Status(st.status)

    def keep(message: str) -> tuple[Outcome, None]:
        return Outcome(decision, UNCHANGED, message, previous=current.value,
                       status=current.value, structure=st.structure), None  # fmt: skip

    same_reason = status != Status.REJECTED or reason == st.reason
    if status == current and same_reason and (comment is None or comment == st.comment):
        return keep(f"déjà « {current.label} »")
    # A row left as exported (or left at "Suggéré", which is no decision) does not undo a
    # decision recorded since.
    base = None
    if not _blank(decision.base_status):
        try:
            base = parse_status(str(decision.base_status))
        except UserError:
            base = None
    if status != current and (status == base or status == Status.SUGGESTED):
        when = f" du {fr_datetime(st.status_at)}" if st.status_at else ""
        return keep(f"ligne non modifiée ; la décision enregistrée{when} est conservée "
                    f"(« {current.label} »)")  # fmt: skip
    # A decision recorded after the one this row was made from: do not overwrite it blindly.
    newer = False
    if decision.base_review_id is not None and not _isna(decision.base_review_id):
        newer = st.review_id != int(decision.base_review_id)
    elif decision.exported_at:
        exported, decided = _parse_time(decision.exported_at), _parse_time(st.status_at)
        newer = bool(exported and decided and decided > exported)
    if newer:
        return refuse(CONFLICT, f"« {current.label} » enregistré le {fr_datetime(st.status_at)} "
                                f"par {st.status_by}, après la production du fichier ; "
                                f"« {status.label} » non appliqué", st)  # fmt: skip
    if not allowed(current, status):
        nxt = ", ".join(f"« {s.label} »" for s in CHAIN + CLOSING if s in TRANSITIONS[current])
        return refuse(TRANSITION, f"de « {current.label} » à « {status.label} » : non autorisé "
                                  f"(possible : {nxt or 'aucun, statut final'})", st)  # fmt: skip
    message = f"« {current.label} » → « {status.label} »"
    if reason:
        message += f" ({RejectReason(reason).label})"
    if st.offer_status == F.OfferStatus.CLOSED:
        message += " ; attention : offre clôturée"
    write = DecisionWrite(st, status.value, reason, comment, decision.source)
    return Outcome(decision, APPLIED, message, previous=current.value, status=status.value,
                   structure=st.structure), write  # fmt: skip


def _decisions_from_frame(frame: pd.DataFrame, source: str) -> list[Decision]:
    missing = [c for c in (F.OFFER_REF, F.PROFILE_REF, F.STATUS) if c not in frame]
    if missing:
        raise UserError(f"{source} : colonnes manquantes : {', '.join(missing)}")
    out = []
    for rec in frame.to_dict("records"):

        def get(col: str, rec: dict = rec) -> Any:
            v = rec.get(col)
            return None if _blank(v) else v

        base_id = get(BASE_REVIEW_ID)
        out.append(
            Decision(
                offer_ref=str(get(F.OFFER_REF) or "").strip(),
                profile_ref=str(get(F.PROFILE_REF) or "").strip(),
                status=get(F.STATUS) or "",
                reason=get(F.REASON),
                comment=get(F.COMMENT),
                structure=str(get(F.STRUCTURE)).strip() if get(F.STRUCTURE) else None,
                row=int(get(ROW)) if get(ROW) is not None else None,
                base_review_id=int(base_id) if base_id is not None else None,
                base_status=get(BASE_STATUS),
                exported_at=get(EXPORTED_AT),
                source=source,
            )
        )
    return out


def apply_decisions(
    store: Store,
    user: User,
    decisions: pd.DataFrame | Sequence[Decision],
    *,
    source: str = "fichier",
) -> DecisionReport:
    """Apply a batch of decisions as ``user``, in one transaction, and report each one:
    applied, unchanged, or refused (conflict with a newer decision, unknown pair, transition not
    allowed, another structure's profile, ambiguous reference, invalid value).

    ``decisions``: a frame with ``DECISION_COLUMNS`` (as :func:`read_decisions_file` returns)
    or :class:`Decision` objects. Refused rows do not stop the others. ``source`` (a file
    name, "tableau de bord"...) is recorded with each decision."""
    import pandas as pd

    items = (
        _decisions_from_frame(decisions, source)
        if isinstance(decisions, pd.DataFrame)
        else [replace(d, source=source) for d in decisions]
    )
    outcomes = store.record_decisions(user, _cleaned(items), judge) if items else []
    report = DecisionReport(source, outcomes)
    log.info("decisions from %s: %s", source, report.counts())
    return report


def decide(
    store: Store,
    user: User,
    offer_ref: str,
    profile_ref: str,
    status: str | Status,
    reason: str | RejectReason | None = None,
    comment: str | None = None,
    *,
    structure: str | None = None,
    base_review_id: int | None = None,
    source: str = SOURCE_CLI,
) -> Outcome:
    """Record one decision as ``user``. Returns the outcome (applied or unchanged); raises
    :class:`DecisionRefused` (a French :class:`UserError`) when it is refused. Pass
    ``base_review_id`` (the ``review_id`` shown to the user) to refuse it when someone decided
    in between."""
    if reason is not None and parse_status(status) != Status.REJECTED:
        raise UserError(f"le motif ne s'applique qu'à « {Status.REJECTED.label} »")
    request = Decision(offer_ref, profile_ref, str(status), reason=reason and str(reason),
                       comment=comment, structure=structure, base_review_id=base_review_id,
                       source=source)  # fmt: skip
    (outcome,) = store.record_decisions(user, _cleaned([request]), judge)
    if outcome.result == REFUSED:
        raise DecisionRefused(outcome)
    return outcome


# ------------------------------------------------------------------------------------------------
# Reading a filled-in shortlist (the reading part; issue 7's tamper-evident keys will replace it)
# ------------------------------------------------------------------------------------------------
# Headers of the exported shortlist (matcher.export.HEADERS) and the optional decision columns.
FILE_HEADERS: dict[str, str] = {
    F.OFFER_REF: "Réf. offre",
    F.PROFILE_REF: "Réf. candidat",
    F.STRUCTURE: "Structure",
    F.STATUS: "Décision",
    F.REASON: "Motif si non retenu",
    F.COMMENT: "Commentaire",
}
_FILE_ALIASES: dict[str, str] = {
    "ref candidat pseudonyme": F.PROFILE_REF, "structure d accompagnement": F.STRUCTURE,
    "motif": F.REASON,
    "ref offre": F.OFFER_REF, "reference offre": F.OFFER_REF, "offre": F.OFFER_REF,
    "ref candidat": F.PROFILE_REF, "candidat": F.PROFILE_REF, "reference candidat": F.PROFILE_REF,
    "structure": F.STRUCTURE, "statut": F.STATUS, "motif de non retenue": F.REASON,
    "motif non retenu": F.REASON, "commentaires": F.COMMENT, "remarque": F.COMMENT,
}  # fmt: skip
_REQUIRED = (F.OFFER_REF, F.PROFILE_REF, F.STATUS)
SHEET = "Suggestions"
_PRODUCED_RE = re.compile(r"produite? le (\d{2})/(\d{2})/(\d{4})(?: à (\d{2})[:h](\d{2}))?", re.I)


def _header_map(cells: Sequence[Any]) -> dict[int, str]:
    from matcher.text.fold import fold

    wanted = {fold(v): k for k, v in FILE_HEADERS.items()} | _FILE_ALIASES
    out: dict[int, str] = {}
    for j, v in enumerate(cells):
        key = wanted.get(fold(v)) if not _blank(v) else None
        if key and key not in out.values():
            out[j] = key
    return out


def _frame_from_rows(rows: Sequence[tuple[int, Sequence[Any]]], where: str) -> pd.DataFrame:
    """Find the header among the first rows, then read the decision columns."""
    import pandas as pd

    found = next(
        (
            (pos, mapping)
            for pos, (_, cells) in enumerate(rows[:20])
            if all(k in (mapping := _header_map(cells)).values() for k in _REQUIRED)
        ),
        None,
    )
    if found is None:
        missing = ", ".join(f"« {FILE_HEADERS[k]} »" for k in _REQUIRED)
        raise UserError(f"{where} : colonnes introuvables (il faut {missing}, en en-tête)")
    pos, mapping = found
    records = []
    for number, cells in rows[pos + 1 :]:
        rec = {key: (cells[j] if j < len(cells) else None) for j, key in mapping.items()}
        if all(_blank(v) for v in rec.values()):
            continue
        for key in (F.OFFER_REF, F.PROFILE_REF, F.STRUCTURE):
            if key in rec and not _blank(rec[key]):
                rec[key] = str(rec[key]).strip()
        rec[ROW] = number
        records.append(rec)
    return pd.DataFrame(records, columns=list(DECISION_COLUMNS))


def _exported_at(read: RowsRead) -> str | None:
    """When the workbook was produced: its creation time, unless the "Lisez-moi" sheet says
    another day (then the start of that day, which errs towards reporting conflicts)."""
    created = read.created
    produced = None
    readme = next((s for s in read.sheets if s.sheet == "Lisez-moi"), None)
    for number, row in readme.rows if readme else []:
        if number > 10:
            break
        m = next((_PRODUCED_RE.search(str(v)) for v in row if v), None)
        if m:
            d, mo, y, h, mi = m.groups()
            produced = dt.datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0),
                                   tzinfo=_PARIS)  # fmt: skip
            break
    if produced is not None and (
        created is None or created.astimezone(_PARIS).date() != produced.date()
    ):
        return produced.astimezone(dt.UTC).isoformat(timespec="seconds")
    return created.isoformat(timespec="seconds") if created is not None else None


def read_decisions_file(
    data: bytes, name: str, *, limits: ImportLimits | None = None
) -> pd.DataFrame:
    """A filled-in shortlist (.xlsx as exported, or .csv with the same headers) as a
    decisions frame (``DECISION_COLUMNS``; ``row`` is the spreadsheet's row number).

    The file is opened by :func:`matcher.intake.readers.read_rows` (its limits and messages).
    Reads the sheet "Suggestions" (else the first sheet with the headers « Réf. offre »,
    « Réf. candidat (pseudonyme) », « Décision »; « Structure d'accompagnement », « Motif » and
    « Commentaire » are read when present). ``exported_at`` comes from the workbook."""
    from matcher.intake.readers import read_rows

    return decisions_from_rows(read_rows(data, name, limits))


def decisions_from_rows(read: RowsRead) -> pd.DataFrame:
    """The decisions of a file already read by :func:`matcher.intake.readers.read_rows`."""
    name = read.source
    if read.file_format == FORMAT_CSV:
        if not name.lower().endswith((".csv", ".txt")):
            raise UserError(f"{name} : ce n'est pas un classeur Excel (.xlsx) ni un fichier .csv")
        # The export protects formula-like text with a leading quote: take it off.
        rows = [
            (i, [c[1:] if c and c.startswith("'") else c for c in cells])
            for i, cells in read.sheets[0].rows
        ]
        return _frame_from_rows(rows, name)
    by_name = {s.sheet: s for s in read.sheets}
    sheets = [by_name[SHEET]] if SHEET in by_name else read.sheets
    last_error: UserError | None = None
    for sheet in sheets:
        try:
            frame = _frame_from_rows(sheet.rows, f"{name}, feuille « {sheet.sheet} »")
        except UserError as exc:
            last_error = exc
            continue
        frame[EXPORTED_AT] = _exported_at(read)
        return frame
    raise last_error or UserError(f"{name} : aucune feuille")


# ------------------------------------------------------------------------------------------------
# Pool ("vivier")
# ------------------------------------------------------------------------------------------------
POOL_CODE_RE = re.compile(r"[A-N](?:\d{2}(?:\d{2})?)?")


def pool_code(text: str) -> str:
    """A pool code: a ROME code (N1103), a professional domain (N11) or a family (N)."""
    code = str(text).strip().upper().replace(" ", "")
    if not POOL_CODE_RE.fullmatch(code):
        raise UserError(
            f"code « {text} » invalide : attendu un code ROME (ex. N1103), un domaine (N11) "
            "ou une famille de métiers (N)"
        )
    return code


def keep_in_pool(
    store: Store,
    user: User,
    profile_ref: str,
    code: str,
    *,
    structure: str | None = None,
    note: str | None = None,
) -> bool:
    """Keep a profile in the pool for a kind of job: new offers of that kind list this person
    first (``in_pool`` in :meth:`Store.suggestions`, and matching adds them as candidates)."""
    return store.pool_add(user, profile_ref, pool_code(code), structure=structure,
                          note=_clean_comment(note))  # fmt: skip


def remove_from_pool(
    store: Store, user: User, profile_ref: str, code: str, *, structure: str | None = None
) -> bool:
    return store.pool_remove(user, profile_ref, pool_code(code), structure=structure)


def pool_pairs(pool: pd.DataFrame, offer_codes: pd.DataFrame) -> pd.DataFrame:
    """(offer_ref, structure, profile_ref) pairs where a pooled profile's code covers one of
    the offer's occupation codes (same code or a prefix: domain, family). Vectorised merges.

    ``pool``: :meth:`Store.pool` frame; ``offer_codes``: columns offer_ref, occ_codes (lists)."""
    import pandas as pd

    columns = [F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF]
    if pool.empty or offer_codes.empty:
        return pd.DataFrame(columns=columns)
    codes = offer_codes[[F.OFFER_REF, F.OCC_CODES]].explode(F.OCC_CODES).dropna()
    codes[F.OCC_CODES] = codes[F.OCC_CODES].astype(str).str.upper()
    parts = []
    for length in (1, 3, 5):
        keyed = codes.assign(**{F.POOL_CODE: codes[F.OCC_CODES].str[:length]})
        parts.append(keyed.merge(pool[[F.POOL_CODE, F.STRUCTURE, F.PROFILE_REF]], on=F.POOL_CODE))
    return pd.concat(parts)[columns].drop_duplicates().reset_index(drop=True)


# ------------------------------------------------------------------------------------------------
# Display
# ------------------------------------------------------------------------------------------------
def notice(rec: dict[str, Any]) -> str:
    """French sentence about a suggestion's offer and decision: closed, changed since."""
    parts = []
    if rec.get(F.OFFER_STATUS) == F.OfferStatus.CLOSED:
        parts.append("Offre clôturée")
    if rec.get(F.OFFER_CHANGED):
        if rec.get(F.REVIEW_ID):
            parts.append("Offre modifiée depuis la décision")
        else:
            parts.append("Offre modifiée depuis la suggestion (relancer le calcul)")
    if rec.get(F.STATUS) == Status.REJECTED and rec.get(F.STATUS_AT):
        parts.append(
            f"Non retenu le {fr_datetime(rec[F.STATUS_AT])} ({reason_label(rec.get(F.REASON))})"
        )
    return " ; ".join(parts)


def annotate_rows(suggestions: Rows) -> Rows:
    """:func:`annotate` on :meth:`Store.suggestion_rows` (the same three columns), for
    commands that print them without pandas."""
    records = [
        {**r, F.STATUS_LABEL: status_label(r.get(F.STATUS)),
         F.REASON_LABEL: reason_label(r.get(F.REASON)), F.NOTICE: notice(r)}
        for r in suggestions.records
    ]  # fmt: skip
    columns = (*suggestions.columns, F.STATUS_LABEL, F.REASON_LABEL, F.NOTICE)
    return Rows(columns, records)


def annotate(suggestions: pd.DataFrame) -> pd.DataFrame:
    """A copy of a :meth:`Store.suggestions` frame with French ``status_label``,
    ``reason_label`` and ``notice`` columns, for screens and listings."""
    out = suggestions.copy()
    out[F.STATUS_LABEL] = out[F.STATUS].map(status_label) if len(out) else []
    out[F.REASON_LABEL] = out[F.REASON].map(reason_label) if len(out) else []
    out[F.NOTICE] = [notice(r) for r in out.to_dict("records")] if len(out) else []
    return out


__all__ = [
    "TRANSITIONS",
    "Decision",
    "DecisionRefused",
    "DecisionReport",
    "Outcome",
    "allowed",
    "annotate",
    "annotate_rows",
    "apply_decisions",
    "decide",
    "decisions_from_rows",
    "keep_in_pool",
    "parse_reason",
    "parse_status",
    "pool_pairs",
    "read_decisions_file",
    "remove_from_pool",
]
