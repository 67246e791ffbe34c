"""Command line: ``python -m matcher COMMAND ...``. A thin face over the library: it parses
arguments, calls one library function, and talks to people in French.

Exit status: 0 success, 2 user error (message on standard error, never a traceback).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from matcher import fields as F
from matcher.errors import UserError
from matcher.export import shortlist_workbook, write_suggestions
from matcher.importer import import_path
from matcher.paths import SAMPLE_DIR, default_db_path
from matcher.ranking import COLUMNS, rank, score_pairs
from matcher.service import import_into_store, load_demo, run_matching
from matcher.settings import load_settings
from matcher.store import Store, _jsonable

log = logging.getLogger("matcher")


class _Parser(argparse.ArgumentParser):
    """argparse with French usage errors and exit status 2."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {message}\n")


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", type=Path, default=None,
                   help="base de données (défaut : $MATCHER_DB, sinon data/matcher.sqlite3)")  # fmt: skip


def _add_settings(p: argparse.ArgumentParser) -> None:
    p.add_argument("--settings", type=Path, default=None,
                   help="fichier de paramètres TOML (défaut : matcher.toml s'il existe)")  # fmt: skip


def _parse_map(values: Sequence[str] | None) -> dict[str, str]:
    out: dict[str, str] = {}
    for v in values or []:
        if "=" not in v:
            raise UserError(f'--map « {v} » : attendu COLONNE=champ, par exemple "Libellé=title"')
        col, fld = v.rsplit("=", 1)
        out[col.strip()] = fld.strip()
    return out


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m matcher", description="circuit-court : offres ↔ profils")
    parser.add_argument("-v", "--verbose", action="store_true", help="journal détaillé")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    p = sub.add_parser("sample", help="génère les données d'exemple (déterministe)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--out", type=Path, default=SAMPLE_DIR)

    p = sub.add_parser("rank", help="classe les profils pour chaque offre (sans base)")
    p.add_argument("--offers", type=Path, required=True, action="append")
    p.add_argument("--profiles", type=Path, required=True, action="append")
    p.add_argument("--top", type=int, default=None)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--allocate", action="store_true",
                   help="répartit les candidats en respectant les capacités (postes x candidats "
                        "par poste, offres par personne)")  # fmt: skip
    _add_settings(p)

    p = sub.add_parser("import", help="importe un fichier dans la base")
    p.add_argument("kind", choices=["offers", "profiles"])
    p.add_argument("file", type=Path)
    p.add_argument("--structure", help="structure des profils si le fichier n'en a pas")
    p.add_argument("--sheet", help="feuille à importer (défaut : toutes les feuilles utiles)")
    p.add_argument("--map", action="append", metavar="COLONNE=champ",
                   help="force la correspondance d'une colonne")  # fmt: skip
    _add_db(p)
    _add_settings(p)

    p = sub.add_parser("match", help="calcule les suggestions pour les offres ouvertes")
    _add_db(p)
    _add_settings(p)

    p = sub.add_parser("export", help="exporte une liste de candidats (.xlsx, .csv)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--offer")
    p.add_argument("--structure")
    _add_db(p)

    p = sub.add_parser("list", help="affiche le contenu de la base")
    p.add_argument("what", choices=["offers", "profiles", "suggestions"])
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    _add_db(p)

    p = sub.add_parser("demo", help="charge les données d'exemple et calcule les suggestions")
    _add_db(p)
    _add_settings(p)

    p = sub.add_parser("referential", help="référentiel des métiers (ROME 4.0)")
    rsub = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    q = rsub.add_parser("load", help="charge l'export officiel du ROME (fichiers unix_*_utf8.csv)")
    q.add_argument("directory", type=Path, metavar="DOSSIER")
    _add_db(q)
    q = rsub.add_parser("info", help="indique le référentiel utilisé")
    _add_db(q)

    p = sub.add_parser("classify", help="donne le code ROME de titres de poste (un par ligne)")
    p.add_argument("file", metavar="FICHIER", help="fichier texte, ou - pour l'entrée standard")
    p.add_argument("--top", type=int, default=3, help="nombre de codes proposés par titre")
    _add_db(p)

    p = sub.add_parser("communes", help="table des communes")
    csub = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    q = csub.add_parser("load", help="charge la base officielle des codes postaux de La Poste")
    q.add_argument("file", type=Path, metavar="FICHIER")
    _add_db(q)

    p = sub.add_parser("evaluate", help="évaluations de qualité (scripts, pas des tests)")
    esub = p.add_subparsers(dest="what", required=True, parser_class=_Parser)
    q = esub.add_parser("titles", help="titre -> code ROME sur le référentiel officiel")
    q.add_argument("--rome", type=Path, default=None, metavar="DOSSIER",
                   help="export officiel du ROME (défaut : ../shared/data/rome-v460)")  # fmt: skip
    q.add_argument("-n", type=int, default=3000, help="nombre de titres tirés")
    q.add_argument("--seed", type=int, default=2026)
    q.add_argument("--folds", type=int, default=10, help="plis du leave-one-out")
    q.add_argument("--parts", default="abc", help="parties à lancer parmi a, b, c")
    q = esub.add_parser("ranking", help="classement : nDCG@10 et rappel@10 du produit et des "
                        "références (jeu étiqueté généré depuis le ROME)")  # fmt: skip
    q.add_argument("--rome", type=Path, default=None, metavar="DOSSIER",
                   help="export officiel du ROME (défaut : ../shared/data/rome-v460)")  # fmt: skip
    q.add_argument("--seed", type=int, default=None, help="graine du jeu généré")
    q.add_argument("--codes", choices=["all", "builtin"], default="all",
                   help="métiers des offres : tout le ROME (défaut) ou ceux du référentiel "
                        "intégré")  # fmt: skip
    _add_settings(q)
    return parser


def _store(args: argparse.Namespace) -> Store:
    return Store(args.db or default_db_path())


def cmd_sample(args: argparse.Namespace) -> int:
    from matcher.sample import generate_sample

    files = generate_sample(args.out, args.seed)
    print(f"{len(files)} fichiers écrits dans {args.out}")
    return 0


def cmd_rank(args: argparse.Namespace) -> int:
    settings = load_settings(args.settings)
    offers, profiles = [], []
    for path in args.offers:
        res = import_path(path, "offers", limits=settings.import_limits)
        _print_report(res.report.summary_lines(), brief=True)
        offers.append(res.frame)
    for path in args.profiles:
        res = import_path(path, "profiles", limits=settings.import_limits, structure=path.stem)
        _print_report(res.report.summary_lines(), brief=True)
        profiles.append(res.frame)
    all_offers = pd.concat(offers, ignore_index=True)
    all_profiles = pd.concat(profiles, ignore_index=True)
    if args.allocate or settings.ranking.allocate:
        from matcher.allocation import allocate, allocated_suggestions, compare

        scored = score_pairs(all_offers, all_profiles, settings)
        chosen = allocate(scored)
        _print_report(compare(scored, chosen).lines())
        result = allocated_suggestions(scored)[COLUMNS]
    else:
        result = rank(all_offers, all_profiles, settings, top_k=args.top)
    text = write_suggestions(result, args.out)
    if text is not None:
        sys.stdout.write(text)
    else:
        print(f"{len(result)} suggestions écrites dans {args.out}", file=sys.stderr)
    return 0


def _print_report(lines: list[str], brief: bool = False) -> None:
    shown = lines[:1] if brief else lines
    for line in shown:
        print(line, file=sys.stderr)


def cmd_import(args: argparse.Namespace) -> int:
    settings = load_settings(args.settings)
    store = _store(args)
    path: Path = args.file
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise UserError(f"{path} : fichier introuvable") from exc
    except IsADirectoryError as exc:
        raise UserError(f"{path} : c'est un dossier, pas un fichier") from exc
    done = import_into_store(
        store,
        data,
        path.name,
        args.kind,
        settings=settings,
        structure=args.structure,
        sheet=args.sheet,
        overrides=_parse_map(args.map),
    )
    for line in done.result.report.summary_lines():
        print(line)
    c = done.counts
    print(f"Base : {c['created']} nouveau(x), {c['updated']} mis à jour, "
          f"{c['unchanged']} inchangé(s).")  # fmt: skip
    return 0


def cmd_match(args: argparse.Namespace) -> int:
    store = _store(args)
    suggestions = run_matching(store, load_settings(args.settings))
    print(f"{len(suggestions)} suggestions calculées pour {suggestions[F.OFFER_REF].nunique()} "
          "offres.")  # fmt: skip
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store = _store(args)
    suggestions = store.suggestions(offer_ref=args.offer, structure=args.structure)
    if suggestions.empty:
        raise UserError("aucune suggestion à exporter (lancez d'abord « match »)")
    out: Path = args.out
    if out.suffix.lower() == ".xlsx":
        out.write_bytes(shortlist_workbook(suggestions, store.offers(status=None)))
    else:
        write_suggestions(suggestions, out)
    print(f"{len(suggestions)} suggestions exportées dans {out}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    store = _store(args)
    frame = {
        "offers": lambda: store.offers(status=None),
        "profiles": store.profiles,
        "suggestions": store.suggestions,
    }[args.what]()
    if args.format == "csv":
        frame.map(lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v).to_csv(
            sys.stdout, index=False
        )
    else:
        for rec in frame.to_dict("records"):
            print(json.dumps({k: _jsonable(v) for k, v in rec.items()}, ensure_ascii=False))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    store = _store(args)
    done = load_demo(store, load_settings(args.settings))
    for d in done:
        print(d.result.report.summary_lines()[0])
    counts = store.counts()
    print(f"Base {store.path} : {counts['offers']} offres, {counts['profiles']} profils, "
          f"{counts['suggestions']} suggestions.")  # fmt: skip
    return 0


def cmd_referential(args: argparse.Namespace) -> int:
    from matcher.referential import load_rome_dir

    store = _store(args)
    if args.action == "info":
        info = store.referential_info()
        if info is None:
            print("Référentiel intégré (compact) : aucun référentiel officiel chargé dans "
                  f"{store.path}.")  # fmt: skip
        else:
            print(f"{info['source']} chargé le {info['loaded_at']} : {info['codes']} codes, "
                  f"{info['titles']} appellations, {info['skills']} compétences, "
                  f"{info['close']} liens de proximité.")  # fmt: skip
        return 0
    referential = load_rome_dir(args.directory)
    counts = store.save_referential(referential)
    print(f"{referential.source} chargé dans {store.path} : {counts['codes']} codes, "
          f"{counts['titles']} appellations, {counts['skills']} compétences et savoirs, "
          f"{counts['close']} liens de proximité, {counts['texts']} définitions.")  # fmt: skip
    return 0


def cmd_classify(args: argparse.Namespace) -> int:
    from matcher.referential import active_referential

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
        else (Store(default_db_path()) if default_db_path().exists() else None)
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
    from matcher.geo import load_laposte

    store = _store(args)
    frame = load_laposte(args.file)
    n = store.save_communes(frame, Path(args.file).name)
    print(f"{n} lignes de communes chargées dans {store.path} "
          f"({frame['code_insee'].nunique()} communes).")  # fmt: skip
    return 0


def _evaluate_titles(args: argparse.Namespace) -> int:
    from matcher.evaluate_titles import evaluate_titles
    from matcher.paths import ROOT

    rome = args.rome or ROOT.parent / "shared" / "data" / "rome-v460"
    print(f"python -m matcher evaluate titles --rome {rome} -n {args.n} --seed {args.seed} "
          f"--folds {args.folds} --parts {args.parts}")  # fmt: skip
    for fig in evaluate_titles(rome, args.n, args.seed, args.folds, tuple(args.parts)):
        for line in fig.lines():
            print(line, flush=True)
    return 0


def _evaluate_ranking(args: argparse.Namespace) -> int:
    from matcher.evaluate_ranking import REPORT_SEED, evaluate, report

    seed = REPORT_SEED if args.seed is None else args.seed
    try:
        frame = evaluate(seed, load_settings(args.settings), args.rome, codes=args.codes)
    except FileNotFoundError as exc:
        raise UserError(f"{exc} (indiquez le dossier avec --rome)") from exc
    print(report(frame))
    return 0


EVALUATIONS = {"titles": _evaluate_titles, "ranking": _evaluate_ranking}


def cmd_evaluate(args: argparse.Namespace) -> int:
    return EVALUATIONS[args.what](args)


COMMANDS = {
    "sample": cmd_sample, "rank": cmd_rank, "import": cmd_import, "match": cmd_match,
    "export": cmd_export, "list": cmd_list, "demo": cmd_demo,
    "referential": cmd_referential, "classify": cmd_classify, "communes": cmd_communes,
    "evaluate": cmd_evaluate,
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
