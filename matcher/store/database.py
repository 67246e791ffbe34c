"""The Store: one class assembled from one module per kind of data (offers, profiles,
suggestions, decisions, pool, users, purge, reference data, secrets) over the connection,
scope and audit layers of this package.

``Store(target)``: a SQLite file path (or ``sqlite:///PATH``), or ``postgresql://USER@HOST/DB``.
Every write runs in one transaction, writers serialised (SQLite: ``BEGIN IMMEDIATE`` with a busy
timeout; PostgreSQL: one advisory lock), so an import, a matching run or a batch of decisions is
either fully stored or not at all. The schema is
versioned: ``MIGRATIONS`` are applied in order at start (append new ones at the end, never edit
one that has shipped).

Access rules live here, in SQL. Every read takes the acting user (:class:`matcher.auth.User`)
first; the store looks up that user's current role and structure in the database and filters:

========================  ===========================================  ==============================
read                      coordinator                                  counsellor
========================  ===========================================  ==============================
``offers``                all                                          open ones, and closed ones
                                                                       their people were suggested for
``profiles``              all, pseudonymous (no commune, postal code)  their structure's, in full
``suggestions``           all                                          their structure's
``decisions``, ``audit``  all                                          their structure's
``pool``, ``statistics``  all                                          their structure's
``imports``               all                                          offers, their profile imports
``users``                 all                                          refused
========================  ===========================================  ==============================

Asking explicitly for another structure (``structure="..."``) is refused with
:class:`~matcher.errors.AccessDenied`; the SQL filter makes sure nothing else leaks.

Only this package speaks SQL, in statements both engines run (see :mod:`matcher.store.migrations`
for the rules); what differs lives in ``backend_sqlite`` and ``backend_postgres``.
"""

from __future__ import annotations

from matcher.identity import User
from matcher.store.day import DayStore
from matcher.store.decisions import DecisionsStore
from matcher.store.matching import MatchingStore
from matcher.store.offers import OffersStore
from matcher.store.pool import PoolStore
from matcher.store.profiles import ProfilesStore
from matcher.store.purge import PurgeStore
from matcher.store.reference import ReferenceStore
from matcher.store.secrets import SecretsStore
from matcher.store.sessions import SessionsStore
from matcher.store.suggestions import SuggestionsStore
from matcher.store.users import UsersStore


class Store(
    OffersStore,
    ProfilesStore,
    SuggestionsStore,
    DecisionsStore,
    PoolStore,
    UsersStore,
    PurgeStore,
    ReferenceStore,
    SecretsStore,
    DayStore,
    SessionsStore,
    MatchingStore,
):
    """The database (SQLite file or PostgreSQL). One instance per process is enough; SQLite
    connections are short-lived, PostgreSQL ones come from a pool per process and database.

    Reads: ``offers``, ``profiles``, ``structures``, ``suggestions``, ``decisions``, ``audit``,
    ``pool``, ``statistics``, ``imports``, ``counts``, ``users``: each takes the acting user
    first and returns a DataFrame (or dict) filtered by that user's rights.
    Writes: ``save_offers``, ``save_profiles``, ``save_suggestions`` (imports and matching),
    ``record_decisions`` (used by :mod:`matcher.workflow.review`), ``pool_add``/``pool_remove``,
    ``set_offer_status``, ``insert_user``/``update_user``, ``purge``. Every change is audited.
    """

    def counts(self, user: User | None = None) -> dict[str, int]:
        """Row counts the user may see (offers: open ones for a counsellor). Without a user:
        raw table counts, for internal checks."""
        if user is None:
            with self.read() as conn:
                return {
                    t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
                    for t in ("offers", "profiles", "structures", "suggestions", "imports",
                              "reviews", "audit", "users", "pool")
                }  # fmt: skip
        return {
            "offers": len(self.offers(user)),
            "profiles": len(self.profiles(user)),
            "structures": len(self.structures(user)),
            "suggestions": len(self.suggestions(user)),
            "imports": len(self.imports(user)),
        }
