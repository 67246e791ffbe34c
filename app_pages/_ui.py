"""Rendering shared by the pages: French formats, status badges, suggestion cards with their
decision buttons, import and decision reports. Decisions go through matcher.workflow.review; nothing
here decides anything itself."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

import pandas as pd
import streamlit as st

from app_pages import _state as S
from matcher import fields as F
from matcher.errors import UserError
from matcher.fields import RejectReason, Status
from matcher.identity import User
from matcher.workflow import review

MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
          "nov.", "déc.")  # fmt: skip
NBSP = "\u202f"  # narrow no-break space: French thousands separator and before %

COMPONENT_LABELS: dict[str, str] = {
    F.S_OCCUPATION: "Métier",
    F.S_SKILLS: "Compétences",
    F.S_COMMUTE: "Trajet",
    F.S_TEXT: "Texte",
    F.S_CONSTRAINTS: "Contraintes",
}
STATUS_COLORS: dict[Status, str] = {
    Status.SUGGESTED: "gray",
    Status.RETAINED: "blue",
    Status.PROPOSED: "violet",
    Status.INTERVIEW: "orange",
    Status.HIRED: "green",
    Status.REJECTED: "red",
    Status.DROPPED: "gray",
}
# The next step along the chain, offered as the main button of a card.
NEXT_STEP: dict[Status, tuple[Status, str]] = {
    Status.SUGGESTED: (Status.RETAINED, "Retenir"),
    Status.RETAINED: (Status.PROPOSED, "Proposer à l'employeur"),
    Status.PROPOSED: (Status.INTERVIEW, "Entretien obtenu"),
    Status.INTERVIEW: (Status.HIRED, "Embauché"),
    Status.REJECTED: (Status.RETAINED, "Reconsidérer"),
    Status.DROPPED: (Status.RETAINED, "Reconsidérer"),
}


# --------------------------------------------------------------------------------------------
# French formats
# --------------------------------------------------------------------------------------------
def _missing(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA


def fr_number(value: float | int | None, decimals: int = 0) -> str:
    """French number format: 1 234,5 (narrow no-break space between thousands)."""
    if _missing(value):
        return "–"
    text = f"{float(value):,.{decimals}f}"
    return text.replace(",", NBSP).replace(".", ",")


def fr_percent(value: float | None, decimals: int = 0) -> str:
    """0.825 -> « 83 % » (French: a space before the sign)."""
    if _missing(value):
        return "–"
    return f"{fr_number(float(value) * 100, decimals)}{NBSP}%"


def parse_date(value: Any) -> dt.date | None:
    """A date from a stored value (ISO text, date, datetime); None for text such as « début
    janvier » that the import kept as written."""
    if _missing(value) or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


def fr_date(value: Any) -> str:
    """28/11/2026; text kept as written (« début janvier »); « – » when empty."""
    date = parse_date(value)
    if date is not None:
        return date.strftime("%d/%m/%Y")
    return "–" if _missing(value) or value == "" else str(value)


def fr_month(month: str) -> str:
    """« 2026-11 » -> « nov. 2026 »."""
    try:
        year, number = month.split("-")
        return f"{MONTHS[int(number) - 1]} {year}"
    except (ValueError, IndexError):
        return month


def as_text(value: Any, sep: str = ", ") -> str:
    if isinstance(value, list):
        return sep.join(str(v) for v in value)
    return "" if _missing(value) else str(value)


def badge_markdown(status: str | None) -> str:
    """A status as a coloured badge, in Markdown (« :blue-badge[Retenu par le conseiller] »)."""
    s = Status(status or Status.SUGGESTED)
    return f":{STATUS_COLORS[s]}-badge[{s.label}]"


# --------------------------------------------------------------------------------------------
# Decisions (one card per suggestion)
# --------------------------------------------------------------------------------------------
def _pair_key(rec: dict[str, Any]) -> str:
    return f"{rec[F.OFFER_REF]}|{rec[F.STRUCTURE]}|{rec[F.PROFILE_REF]}"


def decide(
    user: User, rec: dict[str, Any], status: Status, reason: RejectReason | None, comment_key: str
) -> None:
    """Button callback: record one decision through matcher.workflow.review and say what happened."""
    comment = (st.session_state.get(comment_key) or "").strip() or None
    try:
        outcome = review.decide(
            S.get_store(), user, rec[F.OFFER_REF], rec[F.PROFILE_REF], status,
            reason=reason, comment=comment, structure=rec[F.STRUCTURE],
            base_review_id=int(rec.get(F.REVIEW_ID) or 0), source=review.SOURCE_DASHBOARD,
        )  # fmt: skip
    except UserError as exc:
        S.flash("error", f"{S._sentence(str(exc))} Rien n'a été enregistré.")
        return
    who = f"{rec[F.PROFILE_REF]} / {rec[F.OFFER_REF]}"
    if outcome.result == review.UNCHANGED:
        S.flash("info", f"{who} : rien à changer ({outcome.message}).")
    else:
        text = f"{who} : « {status.label} »"
        if reason is not None:
            text += f" ({reason.label})"
        S.flash("success", text + " enregistré.")
    st.session_state.pop(comment_key, None)


def components_line(rec: dict[str, Any]) -> str:
    parts = []
    for c, label in COMPONENT_LABELS.items():
        part = f"{label} {fr_percent(rec.get(c))}"
        if c == F.S_COMMUTE and not _missing(rec.get(F.DISTANCE_KM)):
            part += f" ({fr_number(rec[F.DISTANCE_KM])} km)"
        parts.append(part)
    return " · ".join(parts)


def suggestion_card(user: User, rec: dict[str, Any], title: str, subtitle: str = "") -> None:
    """One suggestion: who/what, score bar, components, reasons, status and the buttons to
    decide (the next step in one click; « Non retenu » with its reason in two)."""
    key = _pair_key(rec)
    status = Status(rec.get(F.STATUS) or Status.SUGGESTED)
    with st.container(border=True, key=f"card|{key}"):
        left, right = st.columns([2, 3], gap="medium")
        with left:
            st.markdown(f"**{title}** {badge_markdown(status)}"
                        + (f"  \n{subtitle}" if subtitle else ""))  # fmt: skip
            score = float(rec.get(F.SCORE) or 0.0)
            st.progress(min(max(score, 0.0), 1.0), text=f"Score {fr_percent(score)}")
            st.caption(components_line(rec))
        with right:
            reasons = rec.get(F.REASONS) or []
            if reasons:
                st.markdown("\n".join(f"- {r}" for r in reasons))
            notice = review.notice(rec)
            if notice:
                st.warning(notice, icon=":material/info:")
            if rec.get(F.COMMENT):
                st.caption(f"Commentaire : {rec[F.COMMENT]}")
            if rec.get(F.STATUS_AT):
                st.caption(f"Dernière décision : {review.fr_datetime(rec[F.STATUS_AT])} par "
                           f"{rec.get(F.STATUS_BY) or '?'}")  # fmt: skip
        _decision_buttons(user, rec, status, key)


def _decision_buttons(user: User, rec: dict[str, Any], status: Status, key: str) -> None:
    allowed = review.TRANSITIONS[status]
    if not allowed and status == Status.HIRED:
        st.caption("Embauche enregistrée : statut définitif.")
        return
    comment_key = f"comment|{key}"
    with st.container(horizontal=True, gap="small"):
        primary = NEXT_STEP.get(status)
        if primary is not None and primary[0] in allowed:
            st.button(
                primary[1], key=f"next|{key}", type="primary", on_click=decide,
                args=(user, rec, primary[0], None, comment_key),
            )  # fmt: skip
        if Status.REJECTED in allowed:
            with st.popover("Non retenu…", key=f"reject|{key}"):
                st.text_input("Commentaire (facultatif)", key=f"{comment_key}|rej")
                st.caption("Cliquez sur le motif : la décision est enregistrée aussitôt.")
                with st.container(horizontal=True, gap="small"):
                    for reason in RejectReason:
                        st.button(
                            reason.label.capitalize(), key=f"reason|{reason.value}|{key}",
                            on_click=decide,
                            args=(user, rec, Status.REJECTED, reason, f"{comment_key}|rej"),
                        )  # fmt: skip
        others = [
            s for s in review.CHAIN + review.CLOSING
            if s in allowed and s != Status.REJECTED and (primary is None or s != primary[0])
        ]  # fmt: skip
        with st.popover("Autre…", key=f"other|{key}"):
            st.text_input("Commentaire", key=comment_key)
            if status != Status.SUGGESTED:
                st.button(
                    "Enregistrer le commentaire", key=f"same|{key}", on_click=decide,
                    args=(user, rec, status, _reason_of(rec), comment_key),
                )  # fmt: skip
            for s in others:
                st.button(
                    f"Passer à « {s.label} »", key=f"to|{s.value}|{key}", on_click=decide,
                    args=(user, rec, s, None, comment_key),
                )  # fmt: skip


def _reason_of(rec: dict[str, Any]) -> RejectReason | None:
    value = rec.get(F.REASON)
    return None if _missing(value) or not value else RejectReason(value)


# --------------------------------------------------------------------------------------------
# Reports
# --------------------------------------------------------------------------------------------
def decision_report(report: review.DecisionReport) -> None:
    """The report of a filled-in list sent back: counts, then every row not applied."""
    counts = report.counts()
    a, b, c = st.columns(3)
    a.metric("Décisions appliquées", fr_number(counts[review.APPLIED]))
    b.metric("Inchangées", fr_number(counts[review.UNCHANGED]))
    c.metric("Refusées", fr_number(counts[review.REFUSED]))
    if counts[review.REFUSED]:
        st.warning(
            "Certaines lignes ont été refusées : corrigez-les dans le fichier (colonne "
            "« Décision » ou « Motif ») puis renvoyez-le ; les lignes déjà appliquées ne seront "
            "pas comptées deux fois."
        )
    frame = report.to_frame()
    shown = frame[frame["result"] != review.UNCHANGED]
    if not shown.empty:
        table = pd.DataFrame({
            "Ligne": shown[review.ROW],
            "Offre": shown[F.OFFER_REF],
            "Candidat": shown[F.PROFILE_REF],
            "Résultat": shown["result"].map(review.RESULT_LABELS),
            "Détail": [
                (f"{review.REFUSAL_LABELS[c]} – " if isinstance(c, str) else "") + str(m)
                for c, m in zip(shown["refusal"], shown["message"], strict=True)
            ],
        })  # fmt: skip
        st.dataframe(table, hide_index=True, width="stretch")


# --------------------------------------------------------------------------------------------
# Look and feel
# --------------------------------------------------------------------------------------------
# Streamlit's file uploader has no French texts (streamlit/streamlit#13500): its button and
# instructions are replaced by CSS, the file input itself is untouched; the English hint under
# text inputs is hidden.
_STYLE = """
<style>
[data-testid="stFileUploaderDropzone"] button p { font-size: 0; }
[data-testid="stFileUploaderDropzone"] button p::after {
  content: "Choisir un fichier"; font-size: 0.875rem;
}
[data-testid="stFileUploaderDropzoneInstructions"] span { font-size: 0; }
[data-testid="stFileUploaderDropzoneInstructions"] span::after {
  content: "ou glissez-le ici (50 Mo au plus)"; font-size: 0.875rem;
}
/* "Press Enter to submit form" under text inputs: English, and obvious. */
[data-testid="InputInstructions"] { display: none; }
</style>
"""


def apply_style() -> None:
    """The few style adjustments of the whole dashboard (called by app.py)."""
    st.html(_STYLE)
