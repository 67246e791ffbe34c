"""circuit-court: job offers of firms in priority neighbourhoods <-> people accompanied by
insertion structures.

The public API is small on purpose; modules behind it are free to move.

    >>> from matcher import import_path, rank, Settings
    >>> offers = import_path("offres.xlsx", "offers").frame
    >>> profiles = import_path("profils.csv", "profiles", structure="AI Bruay").frame
    >>> suggestions = rank(offers, profiles, Settings())

With the store, every read and decision is made as a user (rights are checked in SQL):

    >>> store = Store("data/matcher.sqlite3")      # or Store("postgresql://club@db-host/matcher")
    >>> user = authenticate(store, "coordination", "circuit-court-demo")
    >>> store.suggestions(user, offer_ref="BUS26-001")
    >>> decide(store, user, "BUS26-001", "EI-012", "retained", structure="EI Artois Propreté")
"""

# The public names are loaded on first use (PEP 562): ``import matcher`` and the command line
# then cost only what a command really uses (pandas, scikit-learn and openpyxl take seconds to
# import on these machines; ``python -m matcher --help`` must not pay for them).
from typing import TYPE_CHECKING

from matcher import fields

if TYPE_CHECKING:  # the same names, eagerly, for the type checker and editors
    from matcher.errors import AccessDenied, UserError
    from matcher.export.shortlists import (
        coordinator_workbook,
        firm_workbook,
        read_shortlist,
        shortlist_csv,
        structure_workbook,
    )
    from matcher.export.suggestions_file import write_suggestions
    from matcher.fields import RejectReason, Role, Status
    from matcher.intake.importer import (
        ImportResult,
        Preview,
        import_file,
        import_path,
        preview_file,
    )
    from matcher.intake.report import ImportReport
    from matcher.ranking.scoring import score_pairs, top_per_offer, top_per_profile
    from matcher.ranking.suggest import rank
    from matcher.reference.referential import Referential, active_referential, builtin_referential
    from matcher.settings import Settings, load_settings
    from matcher.store.database import Store
    from matcher.workflow.auth import User, authenticate
    from matcher.workflow.review import apply_decisions, decide, read_decisions_file
    from matcher.workflow.service import (
        import_decisions,
        import_into_store,
        load_demo,
        purge_inactive,
        run_matching,
    )

_LAZY = {
    "AccessDenied": "matcher.errors",
    "UserError": "matcher.errors",
    "coordinator_workbook": "matcher.export.shortlists",
    "firm_workbook": "matcher.export.shortlists",
    "read_shortlist": "matcher.export.shortlists",
    "shortlist_csv": "matcher.export.shortlists",
    "structure_workbook": "matcher.export.shortlists",
    "write_suggestions": "matcher.export.suggestions_file",
    "RejectReason": "matcher.fields",
    "Role": "matcher.fields",
    "Status": "matcher.fields",
    "ImportReport": "matcher.intake.report",
    "ImportResult": "matcher.intake.importer",
    "Preview": "matcher.intake.importer",
    "import_file": "matcher.intake.importer",
    "import_path": "matcher.intake.importer",
    "preview_file": "matcher.intake.importer",
    "rank": "matcher.ranking.suggest",
    "score_pairs": "matcher.ranking.scoring",
    "top_per_offer": "matcher.ranking.scoring",
    "top_per_profile": "matcher.ranking.scoring",
    "Referential": "matcher.reference.referential",
    "active_referential": "matcher.reference.referential",
    "builtin_referential": "matcher.reference.referential",
    "Settings": "matcher.settings",
    "load_settings": "matcher.settings",
    "Store": "matcher.store.database",
    "User": "matcher.workflow.auth",
    "authenticate": "matcher.workflow.auth",
    "apply_decisions": "matcher.workflow.review",
    "decide": "matcher.workflow.review",
    "read_decisions_file": "matcher.workflow.review",
    "import_decisions": "matcher.workflow.service",
    "import_into_store": "matcher.workflow.service",
    "load_demo": "matcher.workflow.service",
    "purge_inactive": "matcher.workflow.service",
    "run_matching": "matcher.workflow.service",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'matcher' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_LAZY])


__all__ = [
    "AccessDenied",
    "ImportReport",
    "ImportResult",
    "Preview",
    "Referential",
    "RejectReason",
    "Role",
    "Settings",
    "Status",
    "Store",
    "User",
    "UserError",
    "active_referential",
    "apply_decisions",
    "authenticate",
    "builtin_referential",
    "coordinator_workbook",
    "decide",
    "fields",
    "firm_workbook",
    "import_decisions",
    "import_file",
    "import_into_store",
    "import_path",
    "load_demo",
    "load_settings",
    "preview_file",
    "purge_inactive",
    "rank",
    "read_decisions_file",
    "read_shortlist",
    "run_matching",
    "score_pairs",
    "shortlist_csv",
    "structure_workbook",
    "top_per_offer",
    "top_per_profile",
    "write_suggestions",
]
