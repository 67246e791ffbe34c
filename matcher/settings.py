"""One frozen, typed settings object with named defaults, loadable from a TOML file.

Example ``matcher.toml``::

    [weights]
    text = 0.25
    skills = 0.30

    [ranking]
    top_k = 20

    [constraints]
    licence = "exclude"     # "exclude" or "penalise"

Unknown sections or keys are refused with a French message: a typo in a settings file must not be
silently ignored.
"""

from __future__ import annotations

import dataclasses
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from matcher.errors import UserError

# What a broken constraint does to a pair: "exclude" it, "penalise" its score, or "demote" it
# (after every person who can take the job, in the "hors rayon / à discuter" part, with the
# reason). Unknown distance has its own policy (UnknownDistance).
Policy = Literal["exclude", "penalise", "demote"]
POLICIES: tuple[str, ...] = ("exclude", "penalise", "demote")
# "below": after every person whose distance is known and within reach, before the demoted ones;
# "neutral": ranked by score like a reachable person; "demote": in the "à discuter" part.
UnknownDistance = Literal["below", "neutral", "demote"]
UNKNOWN_DISTANCE_POLICIES: tuple[str, ...] = ("below", "neutral", "demote")


@dataclass(frozen=True)
class Weights:
    """Weights of the score components in the total (normalised to sum to 1 when used).

    Defaults tuned on the labelled evaluation set (matcher/devtools/evaluate_ranking.py) of the
    tuning seed 11, every pair scored, with ``python -m matcher.devtools.tune_ranking`` (issue
    13b; grids of that module), for the nDCG@10 with reachability in the relevance, default
    referential; figures reported by ``python -m matcher evaluate ranking`` on another seed,
    2026. On seed 11 the retune took that nDCG from 0.824 to 0.899 (plain nDCG@10 0.774 ->
    0.824), in stages: the job-family score 0.824 -> 0.850; the weights, the close-job score
    and the confidence ramp -> 0.876; the neutral score and the commute factor -> 0.899. Text
    0.5 / skills 0.1 / occupation 0.3 and 0.6 / 0.1 / 0.4 are within 0.001. Distance works as a reach factor (``ranking.commute_factor``) and through
    the reachability tiers rather than as a bonus: every additive commute weight lowered
    nDCG@10 (0.1: -0.04 when last tuned), because being near does not make a person fit a job,
    while being out of reach makes the job less open to them."""

    text: float = 0.5
    skills: float = 0.1
    occupation: float = 0.3
    commute: float = 0.0


@dataclass(frozen=True)
class RankingSettings:
    top_k: int = 20
    # Candidate search (one sparse product each way, see matcher/features/candidates.py): the
    # profiles kept per offer, and the offers kept per profile, before the finer components.
    # 100 per offer (5 x top_k) kept 99.8 % of the exhaustive top-20 in the benchmark and gave
    # the same nDCG@10 as 200 on the tuning set; the pairs scored set the cost of every later
    # stage.
    candidates: int = 100
    candidates_per_profile: int = 20
    # Offers ranked per profile in the "best offers for this person" view.
    top_k_per_profile: int = 10
    # Text: share of the job-title character n-grams in the text cosine (the rest: words of the
    # whole text); terms found in more than text_max_df of the documents (and more than
    # text_max_df_min_docs documents) are dropped: they weigh little after IDF and cost most.
    text_char_weight: float = 0.4
    text_max_df: float = 0.05
    text_max_df_min_docs: int = 200
    # A fuzzy skill matches when its similarity (0-100, token_sort_ratio of the keys) is at
    # least this (75, 80 and 85 within 0.002 nDCG@10 when tuned).
    skill_threshold: float = 80.0
    # Weight of a core skill of the referential in the skill coverage (ordinary skills weigh 1).
    core_skill_weight: float = 2.0
    # Occupation score for a close job of the referential (a ROME mobility link) and for the
    # same professional domain. Seed 11: close 0.7 gave +0.004 over 0.6 and +0.006 over 0.8.
    close_job_score: float = 0.7
    same_domain_score: float = 0.3
    # Same ROME job family (code_rome_parent: a code and its parent, or two children of one
    # parent) without a mobility link (a mobility link makes it a close job). Families hold up
    # to 30 codes; on seed 11 most family pairs without a mobility link are graded as jobs of
    # the same domain, not close ones: 0.3 gave +0.026 over the former 0.85 ((1 + close) / 2);
    # 0 to 0.2 were within 0.001 of 0.3, not kept (a family link must not score under the
    # same-domain link it usually also is).
    family_job_score: float = 0.3
    # Below this confidence a classified title gets no code (the UI shows "métier non reconnu").
    # The confidence estimates the chance the code is right (matcher.reference.classifier,
    # fitted on real-like titles); at 0.4 on seed 2026 of ``evaluate titles --parts r``, 86.9 %
    # of titles get a code, right 85.5 % of the time. Seed 11 of the ranking: 0.3 and 0.4
    # within 0.001, 0.5 -0.015.
    occupation_min_confidence: float = 0.4
    # A classified code is trusted fully from this confidence up; between the minimum and this,
    # the occupation score moves toward the neutral score (a title the referential does not
    # really know must not decide the ranking). The classifier's confidence is calibrated since
    # issue 13 (most wrong codes are below 0.5), so the ramp is short: on seed 11, 0.5 gave
    # +0.011 over 0.9 and +0.006 over 0.6.
    occupation_full_confidence: float = 0.5
    # An offer's title whose confidence alone is under this is classified again with the
    # offer's description and skills as evidence, and that result is kept (0: never). Titles
    # are classified alone first: those results are shared by every run (cached on disk), a
    # classification with a context costs about 2 ms of CPU. Seed 11, nDCG@10 with
    # reachability: 0 -> 0.5 +0.023, 0.7 +0.030; 0.9 and every title the same as 0.7 at about
    # twice the cost (1k offers: +0.5 s CPU at 0.7, +0.9 s at 0.9).
    title_context_below: float = 0.7
    # The same for a person's target job with their skills and experience as evidence ("Chef",
    # "Technicien" alone). Only under the minimum confidence by default (titles that would get
    # no code): seed 11 +0.005 at 0.4, +0.008 at 0.7, but profiles are many: 10k profiles of
    # the bench, +1.4 s CPU at 0.4 (763 unsure titles), +4.7 s at 0.7.
    profile_title_context_below: float = 0.4
    # Score of a component whose inputs are unknown (no code, no skills listed): under a
    # same-domain link, above a different job (0). Seed 11: 0.2 gave +0.005 over 0.3, 0.1 and 0
    # within 0.002 of 0.2 (0.2 kept: an unrecognised title is not evidence of another job).
    # Unknown places never lower the reach factor.
    unknown_score: float = 0.2
    # Commute: full score up to this share of the person's radius, then linear down to 0 at the
    # radius; radius used when the profile gives none.
    commute_full_share: float = 0.5
    # Share of the score a pair loses when the person is at or past their radius (the commute
    # component multiplies the total: total x (1 - commute_factor x (1 - s_commute))). Since
    # the people beyond their radius are demoted (ConstraintSettings), the factor only orders
    # reachable people by distance. Seed 11, nDCG@10 with reachability: 0.05 and 0.1 0.899,
    # 0.2 0.893, and 0.4 was 0.015 under 0.2 at an earlier stage (the plain nDCG@10, which
    # grades any radius exceeded, tolerance or not, as not relevant, prefers 0.4: +0.009).
    commute_factor: float = 0.1
    default_radius_km: float = 15.0
    # Radius for people who move by public transport only, when they give none.
    public_transport_radius_km: float = 10.0
    # Minimum total score for a suggestion to be kept.
    min_score: float = 0.05
    # Allocation with capacities: candidates per position, offers per profile.
    allocate: bool = False
    candidates_per_position: int = 3
    max_offers_per_profile: int = 3
    # Threads for the sparse products and the fuzzy comparisons (the machines have 2 cores).
    threads: int = 2
    # Processes for the Python-bound work of a ranking: with 2, forked copies read the
    # profiles' files, prepare part of the profiles, compute the TF-IDF rows beside the
    # skills index, write half of the reasons and half of the suggestions' CSV file
    # (matcher/ranking/parallel.py says when it is safe and when it pays).
    prepare_processes: int = 2
    # Ranking by blocks (matcher/ranking/blocks.py): offers scored per block and, on a Dask
    # cluster, profiles per block of the per-profile candidate product (in one process the
    # product is made once); they bound the memory, never the result.
    block_offers: int = 2000
    block_profiles: int = 50000
    # Dask scheduler that ranks the blocks ("tcp://host:8786"); empty: in this process.
    scheduler: str = ""


@dataclass(frozen=True)
class ConstraintSettings:
    """What each hard constraint does: exclude the pair, multiply its score by ``penalty`` (once
    per broken constraint), or demote it after every reachable person (the "hors rayon / à
    discuter" part). Whatever the policy, a broken constraint is named in the reasons.

    Reachability (issue 13): a person who cannot reach the workplace is demoted by default,
    whatever their score: beyond their own radius for their means by more than the tolerance
    (``distance``), without a licence the offer requires (``licence``), not available at the
    start date (``availability``, with constraints.AVAILABILITY_GRACE_DAYS of grace).

    Tolerance: the radius is exceeded when distance > radius + max(distance_tolerance_km,
    distance_tolerance_share x radius). People give round radii (10, 15, 20 km) and distances
    run between commune centres (great circle), so 16 km for a radius of 15 is "at the radius",
    not beyond it; 31 km for 15 is beyond. With the defaults: 5 km -> 7, 10 -> 12, 15 -> 18,
    20 -> 24, 30 -> 36 km."""

    licence: Policy = "demote"
    contract: Policy = "penalise"
    hours: Policy = "penalise"
    schedule: Policy = "penalise"
    availability: Policy = "demote"
    distance: Policy = "demote"
    penalty: float = 0.7
    distance_tolerance_km: float = 2.0
    distance_tolerance_share: float = 0.2
    # A person whose distance is unknown (commune not recognised on either side).
    unknown_distance: UnknownDistance = "below"


@dataclass(frozen=True)
class ImportLimits:
    """Bounds against hostile or accidental giants; past them an import is refused early."""

    max_file_mb: float = 50.0
    # Sum of the sizes declared in a workbook's ZIP directory (checked before inflating).
    max_uncompressed_mb: float = 300.0
    max_rows: int = 200_000
    max_columns: int = 200
    # The header is looked for within the first non-empty rows (titles, notes and logos above).
    header_search_rows: int = 30
    # ZIP entries of a workbook, and inflated/compressed ratio of one entry (zip bombs).
    max_zip_entries: int = 5_000
    max_compression_ratio: float = 500.0
    # Excel's own limit for a cell; longer CSV cells are cut (and the report says so).
    max_cell_chars: int = 32_767


@dataclass(frozen=True)
class DaySettings:
    """The Busin'ESS day's planner (matcher/day): time limit, and what a placed meeting is worth.

    The planner maximises the sum of the worths. A meeting is worth ``meeting_weight``, plus
    ``qpv_weight`` when its firm is in a priority neighbourhood, plus ``score_weight`` x the
    pair's score (0 to 1): the priorities break ties between plans holding as many meetings
    (one more meeting always beats up to 6 better-placed ones with the defaults). A person's
    first meeting adds ``first_meeting_weight``, so that everyone gets one before anyone gets a
    second when the tables allow. On a re-plan, a meeting kept where it was adds
    ``keep_weight``, so that few meetings move. Whole numbers: CP-SAT needs them."""

    time_limit_s: float = 30.0
    workers: int = 2  # solver threads (the machines have 2 cores)
    room_change_gap: int = 1  # free slots a person needs to change rooms
    meeting_weight: int = 100
    qpv_weight: int = 10
    score_weight: int = 5
    first_meeting_weight: int = 200
    keep_weight: int = 50


@dataclass(frozen=True)
class Settings:
    """All tunable settings of the product. Build with ``Settings()`` or ``Settings.from_toml``."""

    weights: Weights = field(default_factory=Weights)
    ranking: RankingSettings = field(default_factory=RankingSettings)
    constraints: ConstraintSettings = field(default_factory=ConstraintSettings)
    import_limits: ImportLimits = field(default_factory=ImportLimits)
    day: DaySettings = field(default_factory=DaySettings)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Settings:
        """Build settings from a nested dict (the shape of the TOML file); unknown keys are refused."""
        kwargs: dict[str, Any] = {}
        sections = {f.name: f for f in dataclasses.fields(cls)}
        for name, value in data.items():
            if name not in sections:
                raise UserError(
                    f"paramètres : section inconnue [{name}] "
                    f"(sections possibles : {', '.join(sorted(sections))})"
                )
            section_type = type(getattr(cls(), name))
            kwargs[name] = _build_section(section_type, name, value)
        return cls(**kwargs)

    @classmethod
    def from_toml(cls, path: str | Path) -> Settings:
        """Read settings from a TOML file; missing keys keep their defaults."""
        path = Path(path)
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise UserError(f"{path} : fichier de paramètres introuvable") from exc
        except tomllib.TOMLDecodeError as exc:
            raise UserError(f"{path} : fichier de paramètres illisible ({exc})") from exc
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def replace(self, **sections: Any) -> Settings:
        return dataclasses.replace(self, **sections)


def _build_section(section_type: type, name: str, value: Any) -> Any:
    if not isinstance(value, dict):
        raise UserError(f"paramètres : [{name}] doit être une section")
    known = {f.name: f for f in dataclasses.fields(section_type)}
    defaults = section_type()
    kwargs: dict[str, Any] = {}
    for key, item in value.items():
        if key not in known:
            raise UserError(
                f"paramètres : clé inconnue « {key} » dans [{name}] "
                f"(clés possibles : {', '.join(sorted(known))})"
            )
        expected = type(getattr(defaults, key))
        if expected is float and isinstance(item, int) and not isinstance(item, bool):
            item = float(item)
        allowed = UNKNOWN_DISTANCE_POLICIES if key == "unknown_distance" else POLICIES
        if section_type is ConstraintSettings and expected is str and item not in allowed:
            raise UserError(
                f"paramètres : [{name}] {key} = « {item} » : valeurs possibles "
                + ", ".join(allowed)
            )
        if not isinstance(item, expected) or (expected is not bool and isinstance(item, bool)):
            raise UserError(
                f"paramètres : [{name}] {key} = {item!r} : type attendu {expected.__name__}"
            )
        kwargs[key] = item
    return section_type(**kwargs)


def load_settings(path: str | Path | None = None) -> Settings:
    """Settings from ``path``, else ``matcher.toml`` in the current directory if present, else defaults."""
    if path is not None:
        return Settings.from_toml(path)
    default = Path("matcher.toml")
    if default.is_file():
        return Settings.from_toml(default)
    return Settings()
