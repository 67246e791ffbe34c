"""Command line: ``python -m matcher COMMAND ...``. A thin face over the library: it parses
arguments, calls one library function, and talks to people in French.

Exit status: 0 success, 2 user error (message on standard error, never a traceback), 1 when a
batch of decisions was applied but some rows were refused (see the report).

``--as LOGIN`` makes a command act with that account's rights (the store filters every read);
without it the command runs as the local administrator (whoever can read the database file).
"""

from __future__ import annotations

import argparse
import csv
import dataclasses
import difflib
import getpass
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from matcher import fields as F
from matcher.cli_parser import build_parser
from matcher.day import cli as day_cli
from matcher.errors import UserError, system_reason
from matcher.paths import default_database
from matcher.settings import load_settings

# Heavy modules (pandas, scikit-learn, openpyxl, the store) are imported inside the command that
# uses them: `--help`, `list`, `decide`, `user` or a CSV `export` load neither scikit-learn nor
# pandas (they print the store's rows; tests/test_light_commands.py), a workbook only openpyxl.
if TYPE_CHECKING:
    from matcher.store.database import Store
    from matcher.store.records import Rows
    from matcher.workflow import auth

log = logging.getLogger("matcher")


def _parse_map(values: Sequence[str] | None) -> dict[str, str | None]:
    """--map "Libellé=title" (or a French field label, or a column letter "G=code postal");
    "Remarques=" or "Remarques=ignorer" leaves a column out."""
    out: dict[str, str | None] = {}
    for v in values or []:
        if "=" not in v:
            raise UserError(f'--map « {v} » : attendu COLONNE=champ, par exemple "Libellé=title"')
        col, fld = v.rsplit("=", 1)
        out[col.strip()] = fld.strip() or None
    return out


def _store(args: argparse.Namespace) -> Store:
    from matcher.store.database import Store

    return Store(args.db or default_database())


def _database_exists(target: str) -> bool:
    """A server database is taken to exist; a file must be there (never created by a read)."""
    from matcher.store.backend import SQLITE_SCHEME, is_postgres

    if is_postgres(target):
        return True
    return Path(target.removeprefix(SQLITE_SCHEME)).exists()


def _actor(args: argparse.Namespace, store: Store) -> auth.User:
    """The account given by ``--as`` (refused if unknown or disabled), else the local admin."""
    from matcher.workflow import auth

    login = getattr(args, "as_user", None)
    return auth.get_user(store, login) if login else auth.local_admin()


def cmd_sample(args: argparse.Namespace) -> int:
    from matcher.devtools.sample import generate_sample

    files = generate_sample(args.out, args.seed)
    print(f"{len(files)} fichiers écrits dans {args.out}")
    return 0


def cmd_rank(args: argparse.Namespace) -> int:
    import pandas as pd

    # Only what reads the files is imported before the profiles' file is given to a second
    # process; the ranking's libraries are imported while it reads (matcher/ranking/from_files.py).
    from matcher.export.csv_file import CsvParts
    from matcher.export.suggestions_file import check_output, suggestion_headers, write_suggestions
    from matcher.ranking import from_files, parallel

    check_output(args.out)  # before the ranking: a wrong path is said at once
    settings = load_settings(args.settings)
    if args.scheduler:
        settings = settings.replace(
            ranking=dataclasses.replace(settings.ranking, scheduler=args.scheduler)
        )

    def show(res) -> None:
        _print_report(res.report.summary_lines(), brief=True)

    # The cycle collector is paused for the run and the writing (matcher/ranking/parallel.py;
    # resumed before writing, it would walk everything the run left).
    small = sum(Path(p).stat().st_size for p in args.profiles) <= from_files.FORK_UP_TO_BYTES
    count = None
    with parallel.collector_paused(small):
        if args.allocate or settings.ranking.allocate:
            # The allocation (and scipy.optimize, a quarter of a second) only when asked for.
            from matcher.ranking import suggest
            from matcher.ranking.scoring import COLUMNS, score_pairs

            offers = from_files.read_files(args.offers, "offers", settings, on_report=show)
            profiles = from_files.read_files(args.profiles, "profiles", settings, True, show)
            all_offers = pd.concat([r.frame for r in offers], ignore_index=True)
            all_profiles = pd.concat([r.frame for r in profiles], ignore_index=True)
            if all_offers.empty or all_profiles.empty:
                result = pd.DataFrame(columns=COLUMNS)
            else:
                scored = score_pairs(all_offers, all_profiles, settings)
                choice = suggest.choose(scored, k=args.top, allocation=True)
                allocation = suggest.report(scored, choice)
                if allocation is not None:
                    _print_report(allocation.lines())
                result = suggest.suggestions(scored, choice)[COLUMNS]
        elif args.out is not None and str(args.out).lower().endswith(".csv"):
            # By blocks of offers, as below; each part of the file is written by the process
            # that ranked its offers (the suggestions are not sent from one to the other).
            try:
                with CsvParts(Path(args.out), suggestion_headers) as parts:
                    rendered = from_files.rank_files_rendered(args.offers, args.profiles,
                                                              parts.render, settings, args.top,
                                                              on_report=show)  # fmt: skip
                    count = parts.write(rendered)
            except OSError as exc:  # the files read say their own errors (intake/readers.py)
                raise UserError(f"{args.out} : écriture impossible ({system_reason(exc)})") from exc
        else:
            # By blocks of offers, on the Dask cluster with --scheduler: the same suggestions.
            # The profiles' files may be read in a second process (matcher/ranking/from_files.py).
            result = from_files.rank_files(args.offers, args.profiles, settings, args.top,
                                           on_report=show)  # fmt: skip
        text = None
        if count is None:
            text = write_suggestions(result, args.out, settings.ranking.prepare_processes)
            count = len(result)
    if text is not None:
        sys.stdout.write(text)
    else:
        print(f"{count} suggestions écrites dans {args.out}", file=sys.stderr)
    return 0


def _print_report(lines: list[str], brief: bool = False) -> None:
    shown = lines[:1] if brief else lines
    for line in shown:
        print(line, file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    """Each file is one import (one transaction): a refused file changes nothing, and the next
    files are still imported; the exit status is 2 if any file was refused."""
    from matcher.intake.readers import read_bytes
    from matcher.workflow.service import import_decisions, import_into_store

    settings = load_settings(args.settings)
    store = _store(args)
    actor = _actor(args, store)
    overrides = _parse_map(args.map)
    refused = 0
    status = 0
    for path in args.file:
        try:
            data = read_bytes(path)
            if args.kind == "decisions":
                report = import_decisions(store, actor, data, path.name, settings)
                for line in report.summary_lines():
                    print(line)
                status = max(status, 1 if report.refused else 0)
                continue
            done = import_into_store(
                store,
                data,
                path.name,
                args.kind,
                settings=settings,
                structure=args.structure,
                sheet=args.sheet,
                overrides=overrides,
                user=actor,
            )
        except UserError as exc:
            if len(args.file) == 1:
                raise
            print(f"erreur : {exc} (rien n'a été importé de ce fichier)", file=sys.stderr)
            refused += 1
            continue
        for line in done.result.report.summary_lines():
            print(line)
        c = done.counts
        print(f"Base : {c['created']} nouveau(x), {c['updated']} mis à jour, "
              f"{c['unchanged']} inchangé(s).")  # fmt: skip
    return 2 if refused else status


def cmd_preview(args: argparse.Namespace) -> int:
    from matcher.intake.importer import preview_file
    from matcher.intake.readers import read_bytes

    settings = load_settings(args.settings)
    preview = preview_file(
        read_bytes(args.file),
        args.file.name,
        args.kind,
        sheet=args.sheet,
        overrides=_parse_map(args.map),
        limits=settings.import_limits,
        rows=args.rows,
    )
    for line in preview.summary_lines():
        print(line)
    for s in preview.sheets:
        if not s.rows.empty:
            print(f"Premières lignes{f' de « {s.sheet} »' if s.sheet else ''} :")
            print(s.rows.fillna("").to_string(max_colwidth=30))
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    from matcher.workflow.service import run_matching

    store = _store(args)
    suggestions = run_matching(store, load_settings(args.settings), _actor(args, store),
                               incremental=not args.full, refit=args.full)  # fmt: skip
    report = suggestions.attrs.get("report")
    if report is None or report.full:
        print(f"{len(suggestions)} suggestions calculées pour "
              f"{suggestions[F.OFFER_REF].nunique()} offres.")  # fmt: skip
    else:
        print(f"{len(suggestions)} suggestions pour {suggestions[F.OFFER_REF].nunique()} offres "
              f"({len(report.rescored)} offre(s) recalculée(s) sur {report.offers}, les autres "
              "listes inchangées).")  # fmt: skip
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from matcher.export import columns as export
    from matcher.workflow.shortlist import shortlist_records

    store = _store(args)
    kind = args.kind or (
        "firm"
        if (args.offer or args.employer)
        else "structure"
        if args.structure
        else "coordinator"
    )
    actor = _actor(args, store)
    statuses = None
    if kind == "firm":
        statuses = (
            export.FIRM_STATUSES_WITH_SUGGESTED if args.include_suggested else export.FIRM_STATUSES
        )
    out: Path = args.out
    suffix = out.suffix.lower()
    rows = shortlist_records(
        store,
        actor,
        offer_ref=args.offer,
        structure=args.structure,
        employer=args.employer,
        statuses=statuses,
    )
    if not rows:
        hint = (
            " ; pour une entreprise, seuls les candidats retenus par leur conseiller sont "
            "exportés (ajoutez --include-suggested pour inclure les autres)"
            if kind == "firm" and not args.include_suggested
            else " (vérifiez la référence, l'entreprise ou la structure, ou lancez d'abord "
            "« match »)"
        )
        raise UserError(
            "aucune suggestion à exporter"
            + (f" visible par {actor.label}" if args.as_user else "")
            + " pour cette sélection"
            + hint
        )
    # As before, whatever the format: the database's secret is created on its first export.
    secret, used = store.secret(), store.latest_settings()
    if suffix == ".xlsx":
        data = _workbook(store, actor, kind, rows, secret, used)
    elif suffix == ".csv":
        columns = {
            "firm": export.FIRM_COLUMNS,
            "structure": export.STRUCTURE_COLUMNS,
            "coordinator": (F.OFFER_REF, F.EMPLOYER, *export.OFFER_SHEET_COLUMNS),
        }[kind]
        data = export.shortlist_csv(rows, columns)
    else:
        raise UserError(f"{out} : extension non prise en charge (attendu .xlsx ou .csv)")
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise UserError(f"{out} : écriture impossible ({system_reason(exc)})") from exc
    print(f"{len(rows)} suggestions exportées dans {out}")
    return 0


def _workbook(
    store: Store,
    actor: auth.User,
    kind: str,
    rows: list[dict[str, Any]],
    secret: bytes,
    used: dict | None,
) -> bytes:
    from matcher.export import workbooks as export

    if kind == "firm":
        return export.firm_workbook(rows, secret, used)
    if kind == "structure":
        return export.structure_workbook(rows, secret, used)
    refs = {r[F.OFFER_REF] for r in rows}
    offers = [o for o in store.offer_rows(actor, status=None).records if o[F.OFFER_REF] in refs]
    return export.coordinator_workbook(rows, offers, secret, used)


def _list_rows(args: argparse.Namespace, store: Store, actor: auth.User) -> Rows:
    """What ``list`` prints, as rows: the store's reads without their DataFrame (no pandas)."""
    from matcher.workflow import auth, review

    what = args.what
    if what == "offers":
        return store.offer_rows(actor, status=None)
    if what == "profiles":
        return store.profile_rows(actor, structure=args.structure)
    if what == "suggestions":
        status = review.parse_status(args.status).value if args.status else None
        rows = store.suggestion_rows(actor, offer_ref=args.offer, structure=args.structure,
                                     status=status)  # fmt: skip
        return review.annotate_rows(rows)
    if what == "decisions":
        return store.decision_rows(actor, offer_ref=args.offer, structure=args.structure)
    if what == "audit":
        return store.audit_rows(actor, limit=args.limit)
    if what == "pool":
        return store.pool_rows(actor, structure=args.structure)
    if what == "imports":
        return store.import_rows(actor)
    if what == "stats":
        return store.statistic_rows(actor)
    return auth.user_rows(store, actor)


def _cell(v: object) -> object:
    from matcher.store.records import jsonable

    return json.dumps(jsonable(v), ensure_ascii=False) if isinstance(v, (list, dict)) else v


def _print_jsonl(rows: Rows) -> None:
    from matcher.store.records import jsonable

    for rec in rows.as_in_frame():
        print(json.dumps({k: jsonable(v) for k, v in rec.items()}, ensure_ascii=False))


def _print_csv(rows: Rows) -> None:
    """The rows as pandas' ``to_csv`` wrote them: header, ``,``, minimal quoting, "\n"; lists
    and dicts as JSON; a missing value empty."""
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(rows.columns)
    for rec in rows.as_in_frame():
        writer.writerow([_cell(v) for v in rec.values()])


def cmd_list(args: argparse.Namespace) -> int:
    store = _store(args)
    rows = _list_rows(args, store, _actor(args, store))
    if args.format == "csv":
        _print_csv(rows)
    else:
        _print_jsonl(rows)
    return 0


def cmd_decide(args: argparse.Namespace) -> int:
    from matcher.workflow import review

    store = _store(args)
    actor = _actor(args, store)
    outcome = review.decide(store, actor, args.offer_ref, args.profile_ref, args.status,
                            args.reason, args.comment, structure=args.structure)  # fmt: skip
    print(f"{args.offer_ref} / {args.profile_ref} : {outcome.message}")
    return 0


def _password(args: argparse.Namespace, login: str) -> str:
    if args.password_stdin:
        line = sys.stdin.readline()
        if not line:
            raise UserError("--password-stdin : rien lu sur l'entrée standard")
        return line.rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("pas de terminal pour saisir le mot de passe : utilisez --password-stdin")
    first = getpass.getpass(f"Mot de passe de {login} : ")
    if getpass.getpass("Confirmez le mot de passe : ") != first:
        raise UserError("les deux saisies du mot de passe diffèrent")
    return first


def cmd_user(args: argparse.Namespace) -> int:
    from matcher.workflow import auth

    store = _store(args)
    actor = _actor(args, store)
    if args.user_command == "list":
        _print_jsonl(auth.user_rows(store, actor))
        return 0
    if args.user_command == "disable":
        auth.disable_user(store, actor, args.login)
        print(f"Compte « {args.login} » désactivé.")
        return 0
    if args.user_command == "passwd":
        auth.set_password(store, actor, args.login, _password(args, args.login))
        print(f"Mot de passe de « {args.login} » changé.")
        return 0
    structure = args.structure
    is_new = False
    if structure:
        known = store.structures(auth.SYSTEM)
        if structure not in known:
            close = difflib.get_close_matches(structure, known, n=3, cutoff=0.75)
            if not args.new_structure:
                hint = (" ; vouliez-vous dire " + " ou ".join(f"« {c} »" for c in close) + " ?"
                        if close else "")  # fmt: skip
                raise UserError(f"structure « {structure} » inconnue{hint} (ajoutez "
                                "--new-structure pour la créer)")  # fmt: skip
            is_new = True
    auth.check_login(args.login)
    user = auth.add_user(store, actor, args.login, args.role, structure=structure,
                         password=_password(args, args.login), phone=args.phone,
                         email=args.email)  # fmt: skip
    print(f"Compte créé : {user.label}.")
    if is_new:
        print(f"Structure « {structure} » créée (aucun profil importé pour l'instant).")
    return 0


def cmd_pool(args: argparse.Namespace) -> int:
    from matcher.workflow import review

    store = _store(args)
    actor = _actor(args, store)
    if args.action == "add":
        done = review.keep_in_pool(store, actor, args.profile_ref, args.code,
                                   structure=args.structure, note=args.note)  # fmt: skip
        print(f"{args.profile_ref} " + ("ajouté au vivier" if done else "déjà dans le vivier")
              + f" pour {review.pool_code(args.code)}.")  # fmt: skip
    else:
        done = review.remove_from_pool(store, actor, args.profile_ref, args.code,
                                       structure=args.structure)  # fmt: skip
        print(f"{args.profile_ref} " + ("retiré du vivier" if done else "n'était pas dans le vivier")
              + f" pour {review.pool_code(args.code)}.")  # fmt: skip
    return 0


def cmd_offer(args: argparse.Namespace) -> int:
    store = _store(args)
    status = F.OfferStatus.CLOSED if args.action == "close" else F.OfferStatus.OPEN
    changed = store.set_offer_status(_actor(args, store), args.offer_ref, status)
    print(f"Offre {args.offer_ref} " + ("" if changed else "déjà ") + f"{status.label}.")
    return 0


def cmd_purge(args: argparse.Namespace) -> int:
    from matcher.workflow import review
    from matcher.workflow.service import purge_inactive

    store = _store(args)
    report = purge_inactive(store, _actor(args, store), args.older_than, dry_run=args.dry_run)
    verb = "à supprimer (simulation, rien n'est supprimé)" if args.dry_run else "supprimés"
    print(f"Profils sans activité depuis le {review.fr_datetime(report['cutoff'])}, {verb} : "
          f"{report['profiles']}.")  # fmt: skip
    for name, n in report["by_structure"].items():
        print(f"  {name} : {n} profil(s)")
    print(f"Avec eux : {report['suggestions']} suggestion(s), {report['decisions']} décision(s), "
          f"{report['pool']} entrée(s) de vivier, {report['audit']} entrée(s) du journal.")  # fmt: skip
    if report["profiles"] and not args.dry_run:
        print("Les comptages anonymes sont conservés pour les statistiques.")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from matcher.workflow import auth
    from matcher.workflow.service import demo_accounts, load_demo

    store = _store(args)
    done = load_demo(store, load_settings(args.settings))
    for d in done:
        print(d.result.report.summary_lines()[0])
    counts = store.counts()
    print(f"Base {store.label} : {counts['offers']} offres, {counts['profiles']} profils, "
          f"{counts['suggestions']} suggestions.")  # fmt: skip
    logins = [auth.DEMO_COORDINATOR, *demo_accounts()]
    print(f"Comptes de démonstration (mot de passe « {auth.DEMO_PASSWORD} ») : "
          + ", ".join(logins) + ".")  # fmt: skip
    return 0


def cmd_referential(args: argparse.Namespace) -> int:
    if args.action == "build":
        from matcher.paths import ROME_DIR
        from matcher.reference.rome_pack import build_pack

        out = args.out or ROME_DIR
        ref, counts = build_pack(args.directory, out)
        print(f"{ref.source} écrit dans {out} : {counts['codes']} codes, {counts['titles']} "
              f"appellations, {counts['links']} liens code-compétence, {counts['close']} liens "
              f"de proximité, {counts['texts']} définitions.")  # fmt: skip
        return 0
    store = _store(args)
    if args.action == "info":
        info = store.referential_info()
        if info is None:
            print("Référentiel intégré (compact) : aucun référentiel officiel chargé dans "
                  f"{store.label}.")  # fmt: skip
        else:
            print(f"{info['source']} chargé le {info['loaded_at']} : {info['codes']} codes, "
                  f"{info['titles']} appellations, {info['skills']} compétences, "
                  f"{info['close']} liens de proximité.")  # fmt: skip
        return 0
    from matcher.reference.referential import load_rome_dir

    referential = load_rome_dir(args.directory)
    counts = store.save_referential(referential)
    print(f"{referential.source} chargé dans {store.label} : {counts['codes']} codes, "
          f"{counts['titles']} appellations, {counts['skills']} compétences et savoirs, "
          f"{counts['close']} liens de proximité, {counts['texts']} définitions.")  # fmt: skip
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    import pandas as pd

    from matcher.reference.referential import active_referential
    from matcher.store.database import Store

    if args.file == "-":
        lines = sys.stdin.read().splitlines()
    else:
        path = Path(args.file)
        try:
            lines = path.read_text(encoding="utf-8-sig").splitlines()
        except FileNotFoundError as exc:
            raise UserError(f"{path} : fichier introuvable") from exc
        except UnicodeDecodeError as exc:
            raise UserError(f"{path} : le fichier n'est pas en UTF-8 ({exc})") from exc
    titles = pd.Series([line.strip() for line in lines if line.strip()], dtype=object)
    store = (
        Store(args.db)
        if args.db
        else (Store(default_database()) if _database_exists(default_database()) else None)
    )
    referential = active_referential(store)
    if titles.empty:
        return 0
    result = referential.classifier.classify(titles, top=max(args.top, 1))
    labels = referential.codes.drop_duplicates("code").set_index("code")["label"]
    for title, rec in zip(titles, result.to_dict("records"), strict=True):
        print(json.dumps({
            "titre": title,
            "code": rec["code"],
            "libelle": rec["label"],
            "confiance": round(float(rec["confidence"]), 3),
            "appellation_proche": rec["matched_title"],
            "autres_codes": [{"code": c, "libelle": labels.get(c), "confiance": round(v, 3)}
                             for c, v in rec["candidates"]],
            "referentiel": referential.source,
        }, ensure_ascii=False))  # fmt: skip
    return 0


def cmd_communes(args: argparse.Namespace) -> int:
    from matcher.reference.geo import build_default, load_laposte

    if args.action == "build":
        path, n = build_default(args.file, args.out)
        print(f"{path} : {n} lignes (communes, codes postaux, lieux-dits), "
              f"{path.stat().st_size / 1024:.0f} Ko.")  # fmt: skip
        return 0
    store = _store(args)
    frame = load_laposte(args.file)
    n = store.save_communes(frame, Path(args.file).name)
    print(f"{n} lignes de communes chargées dans {store.label} "
          f"({frame['code_insee'].nunique()} communes).")  # fmt: skip
    return 0


def _evaluate_titles(args: argparse.Namespace) -> int:
    from matcher.devtools.evaluate_titles import evaluate_titles
    from matcher.paths import OFFICIAL_ROME_DIR

    rome = args.rome or OFFICIAL_ROME_DIR
    print(f"python -m matcher evaluate titles --rome {rome} -n {args.n} --seed {args.seed} "
          f"--folds {args.folds} --parts {args.parts}")  # fmt: skip
    for fig in evaluate_titles(rome, args.n, args.seed, args.folds, tuple(args.parts)):
        for line in fig.lines():
            print(line, flush=True)
    return 0


def _evaluate_ranking(args: argparse.Namespace) -> int:
    from matcher.devtools.evaluate_ranking import REPORT_SEED, evaluate, report

    seed = REPORT_SEED if args.seed is None else args.seed
    try:
        frame = evaluate(seed, load_settings(args.settings), args.rome, codes=args.codes)
    except FileNotFoundError as exc:
        raise UserError(f"{exc} (indiquez le dossier avec --rome)") from exc
    print(report(frame))
    return 0


EVALUATIONS = {"titles": _evaluate_titles, "ranking": _evaluate_ranking}


def cmd_db(args: argparse.Namespace) -> int:
    if args.action == "copy":
        from matcher.store.copy import copy_database

        report = copy_database(args.source, args.target)
        print("\n".join(report.lines()))
        return 0
    store = _store(args)
    if args.action == "migrate":
        print(f"{store.label} ({store.engine}) : schéma à jour, version {store.schema_version()}.")
        return 0
    problems = store.integrity_check()
    for problem in problems:
        print(problem)
    if problems:
        raise UserError(f"{store.label} : {len(problems)} problème(s) d'intégrité")
    print(f"{store.label} ({store.engine}) : contrôle d'intégrité sans erreur.")
    return 0


def cmd_evaluate(args: argparse.Namespace) -> int:
    return EVALUATIONS[args.what](args)


COMMANDS = {
    "sample": cmd_sample, "rank": cmd_rank, "import": cmd_import, "preview": cmd_preview,
    "match": cmd_match,
    "export": cmd_export, "list": cmd_list, "demo": cmd_demo, "decide": cmd_decide,
    "user": cmd_user, "pool": cmd_pool, "offer": cmd_offer, "purge": cmd_purge,
    "referential": cmd_referential, "classify": cmd_classify, "communes": cmd_communes,
    "evaluate": cmd_evaluate, "db": cmd_db, "day": day_cli.run,
}  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        return COMMANDS[args.command](args)
    except UserError as exc:
        print(f"erreur : {exc}", file=sys.stderr)
        return 2
    except BrokenPipeError:
        return 0
