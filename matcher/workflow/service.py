"""Workflows over the store, shared by the CLI and the dashboard: import a file, run the
matching, import decisions, purge old data, load the demo data. Each is one library call; the
faces only talk to people."""

from __future__ import annotations

import calendar
import datetime as dt
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher import fields as F
from matcher.errors import AccessDenied, UserError
from matcher.fields import Role
from matcher.identity import SYSTEM, User
from matcher.paths import SAMPLE_DIR
from matcher.settings import Settings, load_settings
from matcher.store.database import Store
from matcher.workflow import review
from matcher.workflow.auth import demo_login, ensure_demo_users

# The shortlists' rows live in shortlist.py (light: an export to CSV starts at once).
from matcher.workflow.shortlist import counsellor_contact as counsellor_contact
from matcher.workflow.shortlist import shortlist_records as shortlist_records
from matcher.workflow.shortlist import shortlist_rows as shortlist_rows

# pandas, the importer and the readers are imported by the workflows that use them: a purge or
# an export starts without them (issue 15).
if TYPE_CHECKING:
    import pandas as pd

    from matcher.intake.importer import ImportResult
    from matcher.intake.report import Kind

# The ranking (scikit-learn, scipy) and the workbooks (openpyxl) are imported by the functions
# that use them: the commands that only read the store start without them.

log = logging.getLogger(__name__)


@dataclass
class StoredImport:
    result: ImportResult
    counts: dict[str, int]
    # References created, updated and left unchanged by the import (for its report).
    changes: dict[str, list[str]] = field(default_factory=dict)


def import_into_store(
    store: Store,
    data: bytes,
    name: str,
    kind: Kind,
    *,
    settings: Settings | None = None,
    structure: str | None = None,
    sheet: str | None = None,
    overrides: Mapping[str, str | None] | None = None,
    user: User | str | None = None,
) -> StoredImport:
    """Import one file into the store (one transaction); remembered mappings are applied and,
    when the user gave overrides, remembered for the next file with the same header.

    With a :class:`User`, rights are checked in the store: offers are imported by the
    coordinator, profiles by a counsellor for their own structure (given by default)."""
    from matcher.reference.geo import active_communes
    from matcher.reference.referential import active_referential

    if isinstance(user, User) and user.structure and kind == "profiles" and structure is None:
        structure = user.structure
    settings = settings or Settings()
    from matcher.intake.importer import import_file
    from matcher.intake.mapping import IGNORED_BY_USER

    result = import_file(
        data,
        name,
        kind,
        structure=structure,
        sheet=sheet,
        overrides=overrides,
        remembered=store.remembered_mappings(kind),
        limits=settings.import_limits,
        # Offers already stored: the report points at the same offer sent in another file.
        existing=store.offers(SYSTEM, status=None) if kind == "offers" else None,
        communes=active_communes(store),
        referential=active_referential(store) if kind == "offers" else None,
        pseudonym_key=store.secret("pseudonym") if kind == "profiles" else None,
        # The other side, for "these places are far from everyone" in the report.
        others=store.profiles(SYSTEM) if kind == "offers" else store.offers(SYSTEM),
    )
    changes: dict[str, list[str]] = {}
    if kind == "offers":
        counts = store.save_offers(result.frame, result.report, user, changes)
    else:
        counts = store.save_profiles(result.frame, result.report, user, changes)
    if overrides:
        # The whole mapping used, columns the user chose to leave out included (as None).
        confirmed: dict[str, str | None] = dict(result.report.mapping)
        for label, note in result.report.unmapped_notes.items():
            if note == IGNORED_BY_USER:
                confirmed[label] = None
        for signature in result.report.header_signatures:
            store.remember_mapping(kind, signature, confirmed)
    return StoredImport(result, counts, changes)


def run_matching(
    store: Store,
    settings: Settings | None = None,
    user: User | None = None,
    *,
    incremental: bool = True,
    refit: bool = False,
) -> pd.DataFrame:
    """Rank the open offers against every profile and store the suggestions (decisions kept).

    Same path as :func:`matcher.ranking.suggest.rank` (score_pairs, then the top k of each offer
    or, when ``ranking.allocate`` is set, the allocation under capacities), keeping the
    scored pairs so that profiles kept in a pool ("vivier") for an offer's kind of job are added
    to that offer's suggestions even beyond the top k (when they are candidates and no hard
    constraint excludes them). Only the coordinator (or an internal job) runs it. Uses the
    referential and communes loaded in the store, else the built-in ones.

    Incremental (matcher/workflow/matching.py): only the offers whose suggestions can have
    changed since the last run are re-scored (new or changed offers, offers whose candidates or
    pool changed); the others keep theirs, which are the ones a run over every offer would give.
    ``incremental=False`` re-scores every offer; ``refit=True`` also fits the text weights
    again on the current base. Returns the suggestions of every open offer (those kept and those
    re-scored: the same rows as a full run); what the run did is in ``.attrs["report"]``
    (:class:`matcher.workflow.matching.MatchReport`)."""
    import pandas as pd

    from matcher.ranking.scoring import COLUMNS
    from matcher.reference.geo import active_communes
    from matcher.reference.referential import active_referential
    from matcher.workflow.matching import dump_state, match_store

    settings = settings or Settings()
    if user is not None and not (user.system or user.role == Role.COORDINATOR):
        raise AccessDenied(f"{user.login} : le calcul des suggestions est réservé au coordinateur")
    offers = store.offers(SYSTEM)
    profiles = store.profiles(SYSTEM)
    report = None
    if offers.empty or profiles.empty:
        suggestions = pd.DataFrame(columns=COLUMNS)
        offer_codes: dict[str, list[str]] = {}
        ranked = offers[F.OFFER_REF].astype(str).tolist()
        state = None
        everything = suggestions
    else:
        suggestions, everything, offer_codes, report, state = match_store(
            store,
            offers,
            profiles,
            store.pool(SYSTEM),
            settings,
            active_referential(store),
            active_communes(store),
            incremental=incremental,
            refit=refit,
        )
        ranked = report.rescored
    previous = store.latest_run_id()
    run_id = store.save_suggestions(
        suggestions,
        settings.to_dict(),
        ranked_offers=ranked,
        offer_codes=offer_codes,
        user=user.login if user else None,
    )
    if previous is not None:
        kept = sorted(set(offers[F.OFFER_REF].astype(str)) - set(ranked))
        store.carry_suggestions(kept, previous, run_id)
    if state is None:
        store.clear_match_state()
    else:
        store.save_match_state(dump_state(state))
    log.info("matching: %d offers (%d re-scored), %d profiles, %d suggestions",
             len(offers), len(ranked), len(profiles), len(suggestions))  # fmt: skip
    everything.attrs["report"] = report
    return everything


def pooled_extra(scored, top: pd.DataFrame, pool: pd.DataFrame) -> pd.DataFrame:
    """Candidate pairs of pooled profiles that the top k left out, ranked after it."""
    import pandas as pd

    from matcher.ranking.scoring import COLUMNS, with_reasons

    wanted = review.pool_pairs(pool, scored.offers[[F.OFFER_REF, F.OCC_CODES]])
    if wanted.empty:
        return pd.DataFrame(columns=COLUMNS)
    keys = [F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF]
    # Scored pairs hold positions; labelled() adds the references (issue 5).
    pairs = scored.labelled(scored.pairs[~scored.pairs[F.EXCLUDED]]).merge(wanted, on=keys)
    pairs = pairs.merge(top[keys], on=keys, how="left", indicator=True)
    pairs = pairs[pairs["_merge"] == "left_only"].drop(columns="_merge")
    if pairs.empty:
        return pd.DataFrame(columns=COLUMNS)
    pairs = pairs.sort_values([F.OFFER_REF, F.SCORE], ascending=[True, False], kind="stable")
    last_rank = top.groupby(F.OFFER_REF)[F.RANK].max()
    offset = pairs[F.OFFER_REF].map(last_rank).fillna(0).astype(int)
    pairs[F.RANK] = offset + pairs.groupby(F.OFFER_REF).cumcount() + 1
    return with_reasons(scored, pairs.reset_index(drop=True))


def import_decisions(
    store: Store, user: User, data: bytes, name: str, settings: Settings | None = None
) -> review.DecisionReport:
    """Read a filled-in shortlist and apply its decisions as ``user`` (one transaction).

    A workbook exported by us is read through the hidden signed key of each row (re-sorted or
    filtered sheets read right; a row whose key was altered is refused); a CSV, or a workbook
    without keys, through its visible columns."""
    from matcher.export import shortlists as export

    settings = settings or Settings()
    from matcher.intake.readers import read_rows

    rows = read_rows(data, name, settings.import_limits)
    if export.has_pair_keys(rows):
        read = export.shortlist_from_rows(rows, store.secret())
        report = review.apply_decisions(store, user, read.decisions, source=name)
        refused = [
            review.Outcome(
                review.Decision(offer, candidate, "", row=row, source=name),
                review.REFUSED,
                f"feuille « {sheet} » : {message}",
                code=review.INVALID,
            )
            for sheet, row, offer, candidate, message in read.problems
        ]
        report.outcomes = refused + report.outcomes
        return report
    frame = review.decisions_from_rows(rows)
    return review.apply_decisions(store, user, frame, source=name)


_AGE_RE = re.compile(r"\s*(\d+)\s*(j|jours?|d|days?|m|mois|months?|a|ans?|y|years?)\s*", re.I)


def parse_age(text: str, now: dt.datetime | None = None) -> dt.datetime:
    """The cutoff for « older than ``text`` »: 24m (months), 2y / 2a (years), 90d / 90j."""
    m = _AGE_RE.fullmatch(str(text))
    if not m or int(m.group(1)) <= 0:
        raise UserError(
            f"durée « {text} » invalide : attendu par exemple 24m (mois), 2y (ans) ou 90d (jours)"
        )
    n, unit = int(m.group(1)), m.group(2).lower()[0]
    now = now or dt.datetime.now(dt.UTC)
    if unit in "jd":
        return now - dt.timedelta(days=n)
    months = n * 12 if unit in "ay" else n
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def purge_inactive(
    store: Store, user: User, older_than: str, *, dry_run: bool = False
) -> dict[str, Any]:
    """Remove profiles with no activity for ``older_than`` (e.g. "24m") and what hangs on them;
    anonymous counts are kept for statistics. Returns the store's report."""
    return store.purge(user, parse_age(older_than), dry_run=dry_run)


SAMPLE_MANIFEST = "structures.csv"  # fichier,structure: who sent which profiles file


def sample_files(sample_dir: Path = SAMPLE_DIR) -> tuple[list[Path], dict[Path, str]]:
    """The bundled sample files: (offers files, {profiles file: structure})."""
    import pandas as pd

    manifest = pd.read_csv(sample_dir / SAMPLE_MANIFEST, dtype=str)
    profiles = {
        sample_dir / f: s for f, s in zip(manifest["fichier"], manifest["structure"], strict=True)
    }
    offers = sorted(p for p in sample_dir.glob("offres*") if p.suffix.lower() in (".xlsx", ".csv"))
    return offers, profiles


def demo_accounts(sample_dir: Path = SAMPLE_DIR) -> dict[str, str]:
    """Demo counsellors: {login: structure}, one per sample structure (login: file name)."""
    _, profiles = sample_files(sample_dir)
    return {demo_login(p.stem): s for p, s in profiles.items()}


def load_demo(store: Store, settings: Settings | None = None) -> list[StoredImport]:
    """Import the bundled sample data, create the demo accounts (see the README) and run the
    matching."""
    offers, profiles = sample_files()
    done = [
        import_into_store(store, p.read_bytes(), p.name, "offers", settings=settings)
        for p in offers
    ]
    done += [
        import_into_store(
            store, p.read_bytes(), p.name, "profiles", settings=settings, structure=structure
        )
        for p, structure in profiles.items()
    ]
    ensure_demo_users(store, demo_accounts())
    run_matching(store, settings)
    return done


def current_settings(store: Store, user: User) -> Settings:
    """The settings of the latest matching run (what the suggestions on screen come from);
    before any run, or when that run's settings no longer fit this version,
    :func:`matcher.settings.load_settings` (``matcher.toml`` or the defaults)."""
    run = store.latest_run(user)
    if run is not None:
        try:
            return Settings.from_dict(run["settings"])
        except (UserError, TypeError) as exc:
            log.warning("settings of run %s ignored: %s", run["id"], exc)
    return load_settings()


PREVIEW_NOW = "now"  # suffix of the columns of the ranking with the current settings
PREVIEW_MOVE = "move"  # places gained (positive) or lost by the new settings; NaN: new entry


def preview_offer_ranking(
    store: Store,
    user: User,
    offer_ref: str,
    settings: Settings,
    current: Settings | None = None,
) -> pd.DataFrame:
    """What ``settings`` would do to one offer's ranking, nothing stored (coordinator only).

    The offer is ranked twice against every profile, with ``settings`` and with ``current``
    (default: the settings of the latest run), the same way, so that only the settings differ
    (a run over all offers weighs words over all of them: its scores differ slightly). One row
    per profile in either list: structure, profile_ref, rank, score and components with the new
    settings, ``rank_now``/``score_now`` with the current ones, and ``move`` (places gained; NaN
    when the profile enters or leaves the list). Profiles are pseudonymous, as the coordinator
    sees them; the place of residence is used for the commute score but never returned."""
    import pandas as pd

    from matcher.ranking import suggest
    from matcher.ranking.scoring import score_pairs
    from matcher.reference.geo import active_communes
    from matcher.reference.referential import active_referential

    if not (user.system or user.role == Role.COORDINATOR):
        raise AccessDenied(f"{user.login} : l'aperçu des réglages est réservé au coordinateur")
    current = current or current_settings(store, user)
    offers = store.offers(user, status=None)
    offer = offers[offers[F.OFFER_REF] == offer_ref]
    if offer.empty:
        raise UserError(f"offre « {offer_ref} » inconnue")
    keys = [F.STRUCTURE, F.PROFILE_REF]
    rank_now, score_now = f"{F.RANK}_{PREVIEW_NOW}", f"{F.SCORE}_{PREVIEW_NOW}"
    columns = [*keys, F.RANK, F.SCORE, *F.COMPONENTS, F.DISTANCE_KM]
    profiles = store.profiles(SYSTEM)
    referential, communes = active_referential(store), active_communes(store)

    def ranked(s: Settings) -> pd.DataFrame:
        if profiles.empty:
            return pd.DataFrame(columns=columns)
        scored = score_pairs(offer, profiles, s, referential=referential, communes=communes)
        return suggest.suggestions(scored)[columns]

    new = ranked(settings)
    now = ranked(current)[[*keys, F.RANK, F.SCORE]]
    now = now.rename(columns={F.RANK: rank_now, F.SCORE: score_now})
    out = new.merge(now, on=keys, how="outer")
    for c in (F.RANK, rank_now):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("Int64")
    out[PREVIEW_MOVE] = out[rank_now] - out[F.RANK]
    out = out.sort_values([F.RANK, rank_now], kind="stable", na_position="last")
    return out.reset_index(drop=True)


def is_empty(store: Store) -> bool:
    counts = store.counts()
    return counts["offers"] == 0 and counts["profiles"] == 0


__all__ = [
    "current_settings",
    "import_decisions",
    "import_into_store",
    "load_demo",
    "parse_age",
    "preview_offer_ranking",
    "purge_inactive",
    "run_matching",
    "sample_files",
    "shortlist_rows",
]
