"""The rows every shortlist is built from (one row per suggestion, with what the lists show of
the offer, the profile and the counsellor to call): as a frame for the workbooks and the
dashboard (``shortlist_rows``), as records for a CSV export (``shortlist_records``, no pandas:
issue 15)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from matcher import fields as F
from matcher.identity import User
from matcher.store.database import Store

if TYPE_CHECKING:
    import pandas as pd


def shortlist_rows(
    store: Store,
    user: User,
    offer_ref: str | None = None,
    structure: str | None = None,
    employer: str | None = None,
    statuses: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Stored suggestions the user may see, joined with what the shortlists show of the offer
    and the profile (see ``export.ROW_COLUMNS``): the rows every export workbook is built
    from. ``statuses`` keeps only pairs in those statuses (e.g. ``export.FIRM_STATUSES``)."""
    from matcher.export import shortlists as export
    from matcher.text.fold import fold, fold_series

    suggestions = store.suggestions(user, offer_ref=offer_ref, structure=structure, status=statuses)
    offers = store.offers(user, status=None)
    if employer:
        wanted = fold(employer, punctuation=True)
        offers = offers[fold_series(offers[F.EMPLOYER], punctuation=True) == wanted]
        suggestions = suggestions[suggestions[F.OFFER_REF].isin(offers[F.OFFER_REF])]
    offer_cols = offers[[F.OFFER_REF, F.EMPLOYER, F.TITLE, F.COMMUNE, F.START_DATE]].rename(
        columns={F.COMMUNE: export.OFFER_COMMUNE}
    )
    profiles = store.profiles(user)[[F.STRUCTURE, F.PROFILE_REF, F.COUNSELLOR, F.AVAILABLE_FROM]]
    rows = suggestions.merge(offer_cols, on=F.OFFER_REF, how="left").merge(
        profiles, on=[F.STRUCTURE, F.PROFILE_REF], how="left"
    )
    rows[F.COUNSELLOR] = counsellor_contact(rows, store.counsellor_contacts(user))
    return rows


def shortlist_records(
    store: Store,
    user: User,
    offer_ref: str | None = None,
    structure: str | None = None,
    employer: str | None = None,
    statuses: Sequence[str] | None = None,
) -> list[dict[str, Any]]:
    """:func:`shortlist_rows` as records, from the store's rows: the same rows, joined here
    without pandas (a CSV export starts at once; with ``employer`` the folding of names
    imports pandas). tests/test_light_commands.py checks that both give the same files."""
    from matcher.export.columns import OFFER_COMMUNE

    suggestions = store.suggestion_rows(user, offer_ref=offer_ref, structure=structure,
                                        status=statuses).records  # fmt: skip
    offers = {o[F.OFFER_REF]: o for o in store.offer_rows(user, status=None).records}
    if employer:
        from matcher.text.fold import fold

        wanted = fold(employer, punctuation=True)
        offers = {ref: o for ref, o in offers.items()
                  if fold(o.get(F.EMPLOYER), punctuation=True) == wanted}  # fmt: skip
        suggestions = [s for s in suggestions if s[F.OFFER_REF] in offers]
    profiles = {(p.get(F.STRUCTURE), p.get(F.PROFILE_REF)): p
                for p in store.profile_rows(user).records}  # fmt: skip
    by_login, by_structure = _contact_lines(store.counsellor_contact_rows(user).records)
    out = []
    for s in suggestions:
        o = offers.get(s[F.OFFER_REF], {})
        p = profiles.get((s[F.STRUCTURE], s[F.PROFILE_REF]), {})
        rec = {**s, F.EMPLOYER: o.get(F.EMPLOYER), F.TITLE: o.get(F.TITLE),
               OFFER_COMMUNE: o.get(F.COMMUNE), F.START_DATE: o.get(F.START_DATE),
               F.COUNSELLOR: p.get(F.COUNSELLOR), F.AVAILABLE_FROM: p.get(F.AVAILABLE_FROM)}  # fmt: skip
        rec[F.COUNSELLOR] = _counsellor_line(rec[F.COUNSELLOR], rec.get(F.STATUS_BY),
                                             rec[F.STRUCTURE], by_login, by_structure)  # fmt: skip
        out.append(rec)
    return out


def _contact_lines(contacts: Sequence[Mapping[str, Any]]) -> tuple[dict, dict]:
    """Each counsellor account's « phone – e-mail » line, by login and (the first one) by
    structure; accounts without either are left out."""
    by_login: dict[Any, str] = {}
    by_structure: dict[Any, str] = {}
    for c in contacts:
        line = " – ".join(
            str(v) for v in (c["phone"], c["email"]) if isinstance(v, str) and v.strip()
        )
        if line:
            by_login[c["login"]] = line
            by_structure.setdefault(c[F.STRUCTURE], line)
    return by_login, by_structure


def _counsellor_line(
    named: object, decided_by: object, structure: object, by_login: dict, by_structure: dict
) -> str | None:
    name = str(named).strip() if isinstance(named, str) else ""
    line = by_login.get(str(decided_by), by_structure.get(structure, ""))
    return " – ".join(x for x in (name, line) if x) or None


def counsellor_contact(rows: pd.DataFrame, contacts: pd.DataFrame) -> pd.Series:
    """« Mme Durand (CIP) – 03 21 00 00 00 – m.durand@structure.fr »: the counsellor named in
    the profiles file with the phone and e-mail of their structure's account (the account
    that took the last decision on the pair when it has a contact, else the structure's first
    one with a contact). Firms call the counsellor, never the person."""
    import pandas as pd

    if rows.empty:
        return pd.Series(dtype=object, index=rows.index)
    by_login, by_structure = _contact_lines(contacts.to_dict("records"))
    decided_by = rows.get(F.STATUS_BY, pd.Series("", index=rows.index))
    return pd.Series(
        [
            _counsellor_line(n, who, structure, by_login, by_structure)
            for n, who, structure in zip(rows[F.COUNSELLOR], decided_by, rows[F.STRUCTURE],
                                         strict=True)
        ],
        index=rows.index,
    )  # fmt: skip
