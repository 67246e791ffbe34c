"""Tableau de bord: the funnel from offers to hires, overall and by sector, structure, priority
neighbourhood and month, and the figures the club reports at its general assembly. A
counsellor sees their structure's figures only (the store filters what the funnel counts)."""

import itertools

import altair as alt
import pandas as pd
import streamlit as st

from app_pages import _state as S
from app_pages import _ui as U
from matcher.identity import User
from matcher.workflow import indicators as I

# French number format in the charts (Vega's d3-format locale).
FR_LOCALE = {
    "number": {"decimal": ",", "thousands": "\u202f", "grouping": [3], "currency": ["", " €"]},
}
# The steps people decide (suggestions are the machine's count, shown as a figure): on one
# scale, 2 000 suggestions would flatten the 15 hires.
HUMAN_STEPS = [I.RETAINED, I.PROPOSED, I.INTERVIEW, I.HIRED]
# Readable on a projector and in black and white: dark, distinct, colour-blind safe.
STEP_COLORS = ["#1F4E79", "#2E86C1", "#D35400", "#1E8449"]
OFFER_COLOR = "#5D6D7E"
REASON_COLOR = "#A93226"
FONT = {"labelFontSize": 13, "titleFontSize": 13}


def png_button(chart: alt.TopLevelMixin, name: str, key: str) -> None:
    """« Télécharger l'image (PNG) »: the chart drawn at twice the screen resolution, built
    only when clicked."""
    st.download_button(
        "Télécharger l'image (PNG)", data=U.chart_png(chart), file_name=f"circuit-court_{name}.png",
        mime="image/png", key=key, on_click="ignore", icon=":material/image:",
    )  # fmt: skip


def funnel_chart(total: pd.DataFrame) -> alt.Chart:
    """Horizontal bars from « Retenus » to « Embauchés », each with its number and the share
    of the step before."""
    row = total.iloc[0]
    numbers = [int(row[s]) for s in HUMAN_STEPS]
    shares = [""] + [
        f" ({U.fr_percent(n / prev)})" if prev else "" for prev, n in itertools.pairwise(numbers)
    ]
    data = pd.DataFrame({
        "Étape": [I.STEP_LABELS[s] for s in HUMAN_STEPS],
        "Nombre": numbers,
        "Texte": [U.fr_number(n) + sh for n, sh in zip(numbers, shares, strict=True)],
    })  # fmt: skip
    order = data["Étape"].tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("Étape:N", sort=order, title=None, scale=alt.Scale(paddingInner=0.25),
                axis=alt.Axis(labelFontSize=13, ticks=False, domain=False)),
        # Room on the right for the labels.
        x=alt.X("Nombre:Q", title=None, axis=None,
                scale=alt.Scale(domain=[0, max(max(numbers), 1) * 1.35])),
    )  # fmt: skip
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("Étape:N", sort=order, legend=None,
                        scale=alt.Scale(domain=order, range=STEP_COLORS))
    )  # fmt: skip
    text = base.mark_text(align="left", dx=6, fontSize=14, fontWeight="bold").encode(text="Texte:N")
    chart = (bars + text).properties(height=220, title="Des candidats retenus à l'embauche")
    return chart.configure(locale=FR_LOCALE).configure_view(stroke=None)


def reasons_chart(reasons: pd.DataFrame) -> alt.Chart:
    """Why candidacies ended, most frequent first, each bar with its number."""
    data = reasons.rename(columns={"reason": "Motif", "count": "Nombre"})
    data["Motif"] = data["Motif"].str.capitalize()
    order = data["Motif"].tolist()
    base = alt.Chart(data).encode(
        y=alt.Y("Motif:N", sort=order, title=None, scale=alt.Scale(paddingInner=0.3),
                axis=alt.Axis(labelLimit=260, ticks=False, domain=False, **FONT)),
        x=alt.X("Nombre:Q", title=None, axis=None,
                scale=alt.Scale(domain=[0, max(int(data["Nombre"].max()), 1) * 1.25])),
    )  # fmt: skip
    bars = base.mark_bar(color=REASON_COLOR, cornerRadiusEnd=3)
    text = base.mark_text(align="left", dx=6, fontSize=14).encode(text="Nombre:Q")
    chart = (bars + text).properties(height=40 * len(data) + 20,
                                     title="Motifs des candidatures non retenues ou sans suite")  # fmt: skip
    return chart.configure(locale=FR_LOCALE).configure_view(stroke=None)


def _groups(table: pd.DataFrame, dimension: str) -> list[str]:
    groups = table.index.tolist()
    return [U.fr_month(g) for g in groups] if dimension == I.MONTH_DIM else groups


def offers_chart(table: pd.DataFrame, dimension: str) -> alt.Chart:
    """Offers per group, on their own scale."""
    groups = _groups(table, dimension)
    data = pd.DataFrame({"Groupe": groups, "Offres": table[I.OFFERS].to_numpy()})
    base = alt.Chart(data).encode(
        y=alt.Y(
            "Groupe:N",
            sort=groups,
            title=None,
            scale=alt.Scale(paddingInner=0.3),
            axis=alt.Axis(labelLimit=240, **FONT),
        ),
        x=alt.X("Offres:Q", title="Offres", axis=alt.Axis(format=",d", tickMinStep=1, **FONT)),
    )
    bars = base.mark_bar(color=OFFER_COLOR, cornerRadiusEnd=3)
    text = base.mark_text(align="left", dx=4, fontSize=13).encode(text="Offres:Q")
    chart = (bars + text).properties(height=max(140, 34 * len(groups)),
                                     title=f"Offres par {I.DIMENSIONS[dimension].lower()}")  # fmt: skip
    return chart.configure(locale=FR_LOCALE).configure_view(stroke=None)


def people_chart(table: pd.DataFrame, dimension: str) -> alt.Chart:
    """Candidacies per group and step (retained to hired), on a scale of their own."""
    groups = _groups(table, dimension)
    long = table[HUMAN_STEPS].copy()
    long.index = groups
    long = long.reset_index(names="Groupe").melt(id_vars="Groupe", var_name="step",
                                                 value_name="Nombre")  # fmt: skip
    long["Étape"] = long["step"].map(I.STEP_LABELS)
    steps = [I.STEP_LABELS[s] for s in HUMAN_STEPS]
    color = alt.Color("Étape:N", sort=steps, scale=alt.Scale(domain=steps, range=STEP_COLORS),
                      legend=alt.Legend(orient="top", title=None, columns=len(steps),
                                        labelFontSize=13))  # fmt: skip
    chart = (
        alt.Chart(long)
        .mark_bar()
        .encode(
            y=alt.Y("Groupe:N", sort=groups, title=None, axis=alt.Axis(labelLimit=240, **FONT)),
            yOffset=alt.YOffset("Étape:N", sort=steps),
            x=alt.X("Nombre:Q", title="Candidatures",
                    axis=alt.Axis(format=",d", tickMinStep=1, **FONT)),
            color=color,
            tooltip=[alt.Tooltip("Groupe:N", title=I.DIMENSIONS[dimension]),
                     alt.Tooltip("Étape:N"), alt.Tooltip("Nombre:Q", format=",d")],
        )
        .properties(height=max(160, 48 * len(groups)),
                    title=f"Candidatures par {I.DIMENSIONS[dimension].lower()} et par étape")
    )  # fmt: skip
    return chart.configure(locale=FR_LOCALE)


def figures_table(figures: dict) -> pd.DataFrame:
    rows = []
    for key, label in I.KEY_FIGURE_LABELS.items():
        value = figures[key]
        text = U.fr_percent(value) if key == "hire_rate" else U.fr_number(value)
        rows.append({"Indicateur": label, "Valeur": text})
    return pd.DataFrame(rows)


def display_table(table: pd.DataFrame, dimension: str) -> pd.DataFrame:
    out = table.rename(columns=I.STEP_LABELS)
    out.index = [U.fr_month(g) if dimension == I.MONTH_DIM else g for g in out.index]
    out.index.name = I.DIMENSIONS[dimension]
    return out.reset_index()


def main() -> None:
    user = S.require_user()
    st.title("Tableau de bord")
    offers, pairs, profiles = S.funnel_facts(user)
    scope = "du club" if user.is_coordinator else f"de la structure {user.structure}"
    if offers.empty and pairs.empty:
        st.info("Pas encore de chiffres : importez des offres et des profils (page Importer) ; "
                "le tableau de bord se remplit avec les suggestions et les décisions.")  # fmt: skip
        return
    st.caption(f"Chiffres {scope}, à jour des dernières décisions. Une personne compte à chaque "
               "étape qu'elle a atteinte, même si la suite n'a pas abouti.")  # fmt: skip
    if not user.is_coordinator:
        st.caption("Offres et entreprises : celles du club ; personnes, suggestions et décisions : "
                   "celles de votre structure.")  # fmt: skip
    figures = I.key_figures(offers, pairs, profiles)
    _key_metrics(figures)
    _funnel_and_figures(user, offers, pairs, figures)
    _by_dimension(offers, pairs)


def _key_metrics(figures: dict) -> None:
    """The five key figures, in a row."""
    cols = st.columns(5)
    cols[0].metric("Offres collectées", U.fr_number(figures["offers"]),
                   help=f"{U.fr_number(figures['positions'])} poste(s) à pourvoir")  # fmt: skip
    cols[1].metric("Entreprises", U.fr_number(figures["firms"]),
                   help=f"dont {U.fr_number(figures['firms_in_qpv'])} en quartier prioritaire")  # fmt: skip
    cols[2].metric("Personnes", U.fr_number(figures["people"]),
                   help=f"{U.fr_number(figures['structures'])} structure(s)")  # fmt: skip
    cols[3].metric("Suggestions", U.fr_number(figures["suggestions"]),
                   help="Rapprochements offre / personne proposés par l'outil")  # fmt: skip
    cols[4].metric("Embauches", U.fr_number(figures["hires"]),
                   help=f"{U.fr_percent(figures['hire_rate'])} des personnes proposées "
                        "à un employeur")  # fmt: skip


def _funnel_and_figures(
    user: User, offers: pd.DataFrame, pairs: pd.DataFrame, figures: dict
) -> None:
    """The funnel and the refusal reasons, beside the figures for the general assembly."""
    left, right = st.columns([3, 2], gap="large")
    with left:
        st.subheader("Des suggestions à l'embauche")
        st.caption("En nombre de candidatures (une personne pour une offre) ; entre "
                   "parenthèses, la part de l'étape précédente.")  # fmt: skip
        total = I.funnel(offers, pairs)
        if int(total[I.RETAINED].iloc[0]) == 0:
            st.info("Aucun candidat retenu pour l'instant : l'entonnoir se remplira quand les "
                    "conseillers retiendront des candidats (page Correspondances).")  # fmt: skip
        else:
            chart = funnel_chart(total)
            st.altair_chart(chart, width="stretch")
            png_button(chart, "entonnoir", "png_funnel")
        reasons = S.refusal_reasons(user)
        if reasons.empty:
            st.caption("Aucune candidature non retenue ou sans suite pour l'instant.")
        else:
            chart = reasons_chart(reasons)
            st.altair_chart(chart, width="stretch")
            png_button(chart, "motifs", "png_reasons")
    with right:
        st.subheader("Pour l'assemblée générale")
        ag = figures_table(figures)
        st.table(ag, hide_index=True, border="horizontal")
        st.download_button(
            "Télécharger ces chiffres (.csv)",
            ag.to_csv(sep=";", index=False).encode("utf-8-sig"),
            file_name="circuit-court_chiffres_ag.csv", mime="text/csv", on_click="ignore",
            icon=":material/download:",
        )  # fmt: skip


def _by_dimension(offers: pd.DataFrame, pairs: pd.DataFrame) -> None:
    """Offers and applications by sector, structure, month...: charts and their table."""
    st.subheader("Offres et candidats par…")
    dimension = st.segmented_control(
        "Découper par", list(I.DIMENSIONS), format_func=I.DIMENSIONS.get, default=I.SECTOR_DIM,
        required=True, key=S.DASHBOARD_DIMENSION, label_visibility="collapsed",
        persist_state="session",
    )  # fmt: skip
    table = I.funnel(offers, pairs, dimension)
    if table.empty:
        st.info("Aucune offre à découper pour l'instant.")
        return
    if dimension == I.MONTH_DIM:
        table = table[table.index != I.UNKNOWN_MONTH]
        if len(table) < 2:
            months = ", ".join(U.fr_month(m) for m in table.index) or "aucun"
            st.info(f"Un seul mois d'offres pour l'instant ({months}) : le graphique par mois "
                    "apparaîtra avec les offres des mois suivants. Les chiffres sont dans le "
                    "tableau ci-dessous.")  # fmt: skip
    if dimension != I.MONTH_DIM or len(table) >= 2:
        left, right = st.columns([2, 3], gap="large")
        with left:
            chart = offers_chart(table, dimension)
            st.altair_chart(chart, width="stretch")
            png_button(chart, f"offres_{dimension}", "png_offers")
        with right:
            chart = people_chart(table, dimension)
            st.altair_chart(chart, width="stretch")
            png_button(chart, f"candidatures_{dimension}", "png_people")
    with st.expander(f"Le tableau des chiffres par {I.DIMENSIONS[dimension].lower()}"):
        shown = display_table(table, dimension)
        st.dataframe(shown, hide_index=True, width="stretch")
        st.download_button(
            "Télécharger ce tableau (.csv)",
            shown.to_csv(sep=";", index=False).encode("utf-8-sig"),
            file_name=f"circuit-court_entonnoir_{dimension}.csv", mime="text/csv",
            on_click="ignore", icon=":material/download:",
        )  # fmt: skip


S.guarded(main)
