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

from matcher import fields
from matcher.errors import AccessDenied, UserError
from matcher.export.shortlists import (
    coordinator_workbook,
    firm_workbook,
    read_shortlist,
    shortlist_csv,
    structure_workbook,
    write_suggestions,
)
from matcher.fields import RejectReason, Role, Status
from matcher.intake.importer import (
    ImportReport,
    ImportResult,
    Preview,
    import_file,
    import_path,
    preview_file,
)
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
