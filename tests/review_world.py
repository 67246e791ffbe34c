"""A small store for the review, access, concurrency and crash tests: offers, two structures
that share a profile reference, suggestions for every pair, and three accounts."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from matcher import fields as F
from matcher.intake.report import ImportReport
from matcher.store.database import Store
from matcher.workflow import auth

PASSWORD = "une phrase de passe assez longue"
STRUCTURE_A = "EI Artois Propreté"
STRUCTURE_B = "ACI Les Jardins"


def offers_frame(refs, title="Agent d'entretien H/F", **extra) -> pd.DataFrame:
    refs = list(refs)
    data = {F.OFFER_REF: refs, F.TITLE: [title] * len(refs),
            F.EMPLOYER: [f"Entreprise {r}" for r in refs], F.COMMUNE: ["Béthune"] * len(refs),
            F.ROME_CODE: ["K2204"] * len(refs)}  # fmt: skip
    data.update({k: [v] * len(refs) for k, v in extra.items()})
    return pd.DataFrame(data)


def profiles_frame(structure: str, refs) -> pd.DataFrame:
    refs = list(refs)
    return pd.DataFrame({
        F.PROFILE_REF: refs, F.STRUCTURE: [structure] * len(refs),
        F.TARGET_JOBS: ["agent d'entretien"] * len(refs), F.COMMUNE: ["Beuvry"] * len(refs),
        F.POSTAL_CODE: ["62660"] * len(refs), F.COUNSELLOR: ["Mme Conseillère"] * len(refs),
    })  # fmt: skip


def suggestions_frame(pairs, score: float = 0.6) -> pd.DataFrame:
    """pairs: (offer_ref, structure, profile_ref); ranks follow the order within each offer."""
    frame = pd.DataFrame(pairs, columns=[F.OFFER_REF, F.STRUCTURE, F.PROFILE_REF])
    frame[F.RANK] = frame.groupby(F.OFFER_REF).cumcount() + 1
    frame[F.SCORE] = score - frame[F.RANK] * 0.001
    for c in F.COMPONENTS:
        frame[c] = 0.5
    frame[F.DISTANCE_KM] = 3.0
    frame[F.REASONS] = [["Métier visé identique (K2204)"]] * len(frame)
    return frame


@dataclass
class World:
    store: Store
    coordinator: auth.User
    counsellor_a: auth.User
    counsellor_b: auth.User
    offers: list[str]
    profiles: dict[str, list[str]]  # structure -> refs

    def pairs(self, structure: str | None = None) -> list[tuple[str, str, str]]:
        return [
            (o, s, p)
            for o in self.offers
            for s, refs in self.profiles.items()
            if structure in (None, s)
            for p in refs
        ]


def build_world(
    store: Store,
    n_offers: int = 3,
    profiles: dict[str, list[str]] | None = None,
) -> World:
    profiles = profiles or {STRUCTURE_A: ["A1", "A2", "P1"], STRUCTURE_B: ["B1", "B2", "P1"]}
    offers = [f"BUS-{i:03d}" for i in range(1, n_offers + 1)]
    store.save_offers(offers_frame(offers), ImportReport(kind="offers", source="offres.xlsx"))
    for structure, refs in profiles.items():
        store.save_profiles(
            profiles_frame(structure, refs), ImportReport(kind="profiles", source="p.xlsx")
        )
    world = World(store, None, None, None, offers, profiles)  # type: ignore[arg-type]
    store.save_suggestions(suggestions_frame(world.pairs()), {}, ranked_offers=offers)
    names = list(profiles)
    world.coordinator = auth.add_user(store, auth.SYSTEM, "coord", "coordinator", password=PASSWORD)
    world.counsellor_a = auth.add_user(store, auth.SYSTEM, "cons-a", "counsellor",
                                       structure=names[0], password=PASSWORD)  # fmt: skip
    world.counsellor_b = auth.add_user(store, auth.SYSTEM, "cons-b", "counsellor",
                                       structure=names[1], password=PASSWORD)  # fmt: skip
    return world
