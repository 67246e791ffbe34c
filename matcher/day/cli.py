"""``python -m matcher day ...``: the Busin'ESS day from the command line.

    day setup --file journee.json | --show          the day's setup (JSON, see DaySetup)
    day mark OFFER_REF PROFILE_REF [--remove]       a pair « pour la journée »
    day window STRUCTURE|REF [--arrival HH:MM] [--departure HH:MM] [--accompanied]
    day plan [--solver cpsat|milp|greedy] [--time-limit S]
    day plan --now HH:MM [--absent-firm NAME]... [--absent-person STRUCTURE|REF]...   re-plan
    day move REQUEST --at HH:MM --table T           move a meeting by hand (conflicts refused)
    day show [--format table|csv|jsonl] [--unplaced]
    day export --out FILE.xlsx|FILE.pdf --kind firm|structure|room|coordinator [--name NAME]

Registered in matcher/cli.py by :func:`add_parser` and :func:`run`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from matcher.errors import UserError

# The planner, pandas, the store and the documents are imported by the command that runs, not
# when the parser is built: `python -m matcher --help` must start at once (issue 15).
if TYPE_CHECKING:
    import pandas as pd

    from matcher.settings import DaySettings
    from matcher.store.database import Store
    from matcher.workflow import auth

# Kept in step with matcher.day.planner.SOLVERS / DEFAULT_SOLVER (tests/test_day_store.py checks).
SOLVERS = ("cpsat", "milp", "greedy")
DEFAULT_SOLVER = "cpsat"

KINDS = ("firm", "structure", "room", "coordinator")


def add_parser(
    sub: argparse._SubParsersAction, options: Sequence[Callable[[argparse.ArgumentParser], None]]
) -> None:
    """The ``day`` command and its subcommands; ``options`` add --db, --as and --settings."""

    def common(q: argparse.ArgumentParser) -> None:
        for add in options:
            add(q)

    p = sub.add_parser("day", help="journée Busin'ESS : préparation, planning, documents")
    dsub = p.add_subparsers(dest="day_command", required=True, parser_class=type(p))

    q = dsub.add_parser("setup", help="préparation de la journée (horaires, tables, entreprises)")
    g = q.add_mutually_exclusive_group(required=True)
    g.add_argument("--file", type=Path, help="fichier JSON de préparation à enregistrer")
    g.add_argument("--show", action="store_true", help="affiche la préparation en JSON")
    common(q)

    q = dsub.add_parser("mark", help="inscrit une paire « pour la journée » (ou la retire)")
    q.add_argument("offer_ref")
    q.add_argument("profile_ref")
    q.add_argument("--structure", default=None)
    q.add_argument("--remove", action="store_true", help="retire l'inscription")
    common(q)

    q = dsub.add_parser("window", help="heures de présence d'une personne (structure|référence)")
    q.add_argument("person", help="STRUCTURE|REFERENCE")
    q.add_argument("--arrival", default="", help="HH:MM (vide : dès le début)")
    q.add_argument("--departure", default="", help="HH:MM (vide : jusqu'à la fin)")
    q.add_argument("--accompanied", action="store_true", help="son conseiller l'accompagne")
    common(q)

    q = dsub.add_parser("plan", help="planifie la journée (ou la re-planifie avec --now)")
    q.add_argument("--solver", choices=SOLVERS, default=DEFAULT_SOLVER)
    q.add_argument("--time-limit", type=float, default=None, help="secondes (défaut : paramètres)")
    q.add_argument("--now", default=None, help="HH:MM : re-planifie la suite de la journée")
    q.add_argument("--absent-firm", action="append", default=[], metavar="ENTREPRISE")
    q.add_argument("--absent-person", action="append", default=[], metavar="STRUCTURE|REF")
    common(q)

    q = dsub.add_parser("move", help="déplace un rendez-vous à la main (conflits refusés)")
    q.add_argument("request")
    q.add_argument("--at", required=True, help="HH:MM, début du créneau")
    q.add_argument("--table", required=True)
    common(q)

    q = dsub.add_parser("show", help="affiche le planning (un conseiller : ses personnes)")
    q.add_argument("--format", choices=["table", "csv", "jsonl"], default="table")
    q.add_argument("--unplaced", action="store_true", help="les rendez-vous non placés et pourquoi")
    common(q)

    q = dsub.add_parser("export", help="documents : .xlsx (tous) ou .pdf (grilles des salles)")
    q.add_argument("--out", type=Path, required=True)
    q.add_argument("--kind", choices=KINDS, default="coordinator")
    q.add_argument("--name", action="append", default=None,
                   help="entreprise, structure ou salle (répétable ; défaut : toutes)")  # fmt: skip
    common(q)


def _context(args: argparse.Namespace) -> tuple[Store, auth.User]:
    from matcher.paths import default_database
    from matcher.store.database import Store
    from matcher.workflow import auth

    store = Store(args.db or default_database())
    login = getattr(args, "as_user", None)
    return store, auth.get_user(store, login) if login else auth.local_admin()


def _progress(fraction: float, message: str) -> None:
    print(f"  {fraction:4.0%}  {message}", file=sys.stderr)


def run(args: argparse.Namespace) -> int:
    """The ``day`` command: one function per subcommand."""
    from matcher.settings import load_settings

    store, user = _context(args)
    cmd = args.day_command
    if cmd in ("setup", "mark", "window"):
        return {"setup": _setup, "mark": _mark, "window": _window}[cmd](args, store, user)
    settings = load_settings(getattr(args, "settings", None)).day
    if cmd == "plan":
        return _plan(args, store, user, settings)
    if cmd == "move":
        return _move(args, store, user, settings)
    meetings, unplaced, info = store.day_timetable(user)
    if info is None:
        raise UserError("aucun planning enregistré : lancez d'abord « day plan »")
    if cmd == "show":
        return _show(args, meetings, unplaced)
    return _export(args, store, user, meetings, unplaced, info)


def _setup(args: argparse.Namespace, store: Store, user: auth.User) -> int:
    from matcher.day import service as S

    if args.show:
        print(json.dumps(S.load_setup(store, user).to_dict(), ensure_ascii=False, indent=2))
        return 0
    try:
        data = json.loads(args.file.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise UserError(f"{args.file} : fichier introuvable") from exc
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise UserError(f"{args.file} : JSON illisible ({exc})") from exc
    setup = S.DaySetup.from_dict(data)
    S.save_setup(store, user, setup)
    print(f"Préparation enregistrée : {len(setup.day.slots())} créneaux, "
          f"{len(setup.tables)} tables, {len(setup.b2b)} rencontre(s) entre entreprises.")  # fmt: skip
    return 0


def _mark(args: argparse.Namespace, store: Store, user: auth.User) -> int:
    changed = store.day_mark(user, args.offer_ref, args.profile_ref,
                             structure=args.structure, marked=not args.remove)  # fmt: skip
    what = "retirée de" if args.remove else "inscrite pour"
    print(f"{args.offer_ref} / {args.profile_ref} : {what} la journée"
          + ("" if changed else " (déjà fait)"))  # fmt: skip
    return 0


def _window(args: argparse.Namespace, store: Store, user: auth.User) -> int:
    import pandas as pd

    from matcher import fields as F
    from matcher.day import model as M

    structure, _, ref = args.person.partition("|")
    if not ref:
        raise UserError(f"« {args.person} » : attendu STRUCTURE|REFERENCE")
    store.save_day_people(user, pd.DataFrame([{
        F.STRUCTURE: structure, F.PROFILE_REF: ref, M.ARRIVAL: args.arrival,
        M.DEPARTURE: args.departure, M.ACCOMPANIED: args.accompanied}]))  # fmt: skip
    print(f"{ref} ({structure}) : heures de présence enregistrées")
    return 0


def _plan(args: argparse.Namespace, store: Store, user: auth.User, settings: DaySettings) -> int:
    from matcher.day import planner as P
    from matcher.day import service as S

    if getattr(args, "time_limit", None):
        from dataclasses import replace

        settings = replace(settings, time_limit_s=float(args.time_limit))
    if args.now:
        result = S.replan_day(store, user, args.now, absent_firms=args.absent_firm,
                              absent_people=args.absent_person, settings=settings,
                              solver=args.solver, progress=_progress)  # fmt: skip
    elif args.absent_firm or args.absent_person:
        raise UserError("--absent-firm / --absent-person : indiquez aussi --now HH:MM")
    else:
        result = S.plan_day(store, user, settings, args.solver, progress=_progress)
    s = result.stats
    print(f"{s['rencontres']} rencontre(s) placée(s) sur {s['demandes']} demandée(s) "
          f"(au plus {s['borne']}) ; {s['personnes_avec_rencontre']}/{s['personnes']} "
          f"personne(s) avec au moins un rendez-vous ; {s['non_placees']} non placée(s) ; "
          f"{P.SOLVER_LABELS[s['solveur']]}, {s['secondes']} s.")  # fmt: skip
    if "deplacees" in s:
        print(f"Re-planification : {s['tenues']} déjà tenue(s), {s['gardees']} gardée(s), "
              f"{s['deplacees']} déplacée(s), {s['ajoutees']} ajoutée(s), "
              f"{s['retirees']} retirée(s).")  # fmt: skip
    return 0


def _move(args: argparse.Namespace, store: Store, user: auth.User, settings: DaySettings) -> int:
    from matcher.day import model as M
    from matcher.day import service as S

    problem = S.build_problem(store, user)
    moved = S.move_in_day(store, user, args.request, S.slot_index(problem, args.at),
                          args.table, settings)  # fmt: skip
    row = moved[moved[M.REQUEST] == args.request].iloc[0]
    print(f"{args.request} : {row[M.START]}–{row[M.END]}, {row[M.ROOM]}, table {row[M.TABLE]}")
    return 0


def _show(args: argparse.Namespace, meetings: pd.DataFrame, unplaced: pd.DataFrame) -> int:
    from matcher.day import model as M

    frame = unplaced if args.unplaced else meetings
    if args.format == "csv":
        frame.to_csv(sys.stdout, index=False, sep=";")
    elif args.format == "jsonl":
        for rec in frame.to_dict("records"):
            print(json.dumps(rec, ensure_ascii=False, default=str))
    else:
        cols = ([M.REQUEST, M.FIRM, M.OTHER_FIRM, M.PROFILE_REF, M.STRUCTURE, M.REASON]
                if args.unplaced else
                [M.START, M.END, M.ROOM, M.TABLE, M.FIRM, M.OTHER_FIRM, M.PROFILE_REF,
                 M.STRUCTURE, M.REQUEST])  # fmt: skip
        print(frame[cols].to_string(index=False) if len(frame) else "(aucun)")
    return 0


def _export(
    args: argparse.Namespace,
    store: Store,
    user: auth.User,
    meetings: pd.DataFrame,
    unplaced: pd.DataFrame,
    info: dict,
) -> int:
    from matcher.day import documents as D
    from matcher.day import service as S

    setup = S.load_setup(store, user)
    out: Path = args.out
    suffix = out.suffix.lower()
    if suffix not in (".xlsx", ".pdf"):
        raise UserError(f"{out} : extension attendue .xlsx ou .pdf")
    if suffix == ".pdf" and args.kind != "room":
        raise UserError("le PDF est celui des grilles des salles : --kind room")
    names = args.name
    if args.kind == "coordinator" and not user.is_coordinator:
        raise UserError("le classeur de la coordination est réservé au coordinateur")
    if args.kind == "room":
        build = D.rooms_pdf if suffix == ".pdf" else D.rooms_workbook
        data = build(setup.day, setup.tables, meetings, names)
    elif args.kind == "firm":
        data = D.firms_workbook(setup.day, meetings, names)
    elif args.kind == "structure":
        data = D.structures_workbook(setup.day, meetings, names)
    else:
        data = D.coordinator_workbook(setup.day, setup.tables, meetings, unplaced, info["stats"])
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"{out} : écrit ({len(meetings)} rendez-vous)")
    return 0
