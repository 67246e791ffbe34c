"""circuit-court: job offers of firms in priority neighbourhoods <-> people accompanied by
insertion structures.

The public API is small on purpose; modules behind it are free to move.

    >>> from matcher import import_path, rank, Settings
    >>> offers = import_path("offres.xlsx", "offers").frame
    >>> profiles = import_path("profils.csv", "profiles", structure="AI Bruay").frame
    >>> suggestions = rank(offers, profiles, Settings())
"""

from matcher import fields
from matcher.errors import AccessDenied, UserError
from matcher.export import shortlist_workbook, write_suggestions
from matcher.fields import RejectReason, Role, Status
from matcher.importer import ImportReport, ImportResult, import_file, import_path
from matcher.ranking import rank, score_pairs, top_per_offer, top_per_profile
from matcher.referential import Referential, active_referential, builtin_referential
from matcher.service import import_into_store, load_demo, run_matching
from matcher.settings import Settings, load_settings
from matcher.store import Store

__all__ = [
    "AccessDenied",
    "ImportReport",
    "ImportResult",
    "Referential",
    "RejectReason",
    "Role",
    "Settings",
    "Status",
    "Store",
    "UserError",
    "active_referential",
    "builtin_referential",
    "fields",
    "import_file",
    "import_into_store",
    "import_path",
    "load_demo",
    "load_settings",
    "rank",
    "run_matching",
    "score_pairs",
    "shortlist_workbook",
    "top_per_offer",
    "top_per_profile",
    "write_suggestions",
]
