"""The command line's arguments: the argparse declaration of every command of
``python -m matcher``, one function per group of commands, with French usage errors (exit
status 2). The commands themselves are in :mod:`matcher.cli` (and :mod:`matcher.day.cli`)."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path
from typing import NoReturn

from matcher import fields as F
from matcher.day import cli as day_cli
from matcher.paths import SAMPLE_DIR


class _Parser(argparse.ArgumentParser):
    """argparse with French usage errors and exit status 2."""

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog} : erreur : {_french(message)}\n")


# argparse's own messages (English in the standard library), in French.
_ARGPARSE_FR = (
    (r"argument (\S+): invalid choice: '([^']*)' \(choose from (.*)\)",
     r"argument \1 : choix « \2 » invalide (possibles : \3)"),
    (r"the following arguments are required: (.*)", r"arguments obligatoires manquants : \1"),
    (r"unrecognized arguments: (.*)", r"arguments inconnus : \1"),
    (r"argument (\S+): expected one argument", r"argument \1 : une valeur est attendue"),
    (r"argument (\S+): invalid (\w+) value: '([^']*)'",
     r"argument \1 : valeur « \3 » invalide (type attendu : \2)"),
    (r"argument (\S+): not allowed with argument (\S+)",
     r"argument \1 : incompatible avec \2"),
)  # fmt: skip


def _french(message: str) -> str:
    for pattern, repl in _ARGPARSE_FR:
        if re.fullmatch(pattern, message):
            return re.sub(pattern, repl, message)
    return message


def _add_db(p: argparse.ArgumentParser) -> None:
    p.add_argument("--db", default=None, metavar="BASE",
                   help="base de données : chemin d'un fichier SQLite (ou sqlite:///CHEMIN) ou "
                        "postgresql://UTILISATEUR@HÔTE/BASE (défaut : $MATCHER_DB, sinon "
                        "data/matcher.sqlite3)")  # fmt: skip


def _add_settings(p: argparse.ArgumentParser) -> None:
    p.add_argument("--settings", type=Path, default=None,
                   help="fichier de paramètres TOML (défaut : matcher.toml s'il existe)")  # fmt: skip


def _add_as(p: argparse.ArgumentParser) -> None:
    p.add_argument("--as", dest="as_user", metavar="IDENTIFIANT", default=None,
                   help="agir avec les droits de ce compte (défaut : administrateur local)")  # fmt: skip


LISTS = {
    "offers": "offres",
    "profiles": "profils",
    "suggestions": "suggestions et décisions en cours",
    "decisions": "historique des décisions",
    "audit": "journal d'audit",
    "pool": "vivier",
    "imports": "imports",
    "stats": "statistiques anonymes",
    "users": "comptes",
}


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``python -m matcher`` and all its commands."""
    parser = _Parser(prog="python -m matcher", description="circuit-court : offres ↔ profils")
    parser.add_argument("-v", "--verbose", action="store_true", help="journal détaillé")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    _files_and_ranking(sub)
    _suggestions_and_decisions(sub)
    _accounts_and_upkeep(sub)
    _database_and_references(sub)
    _evaluations(sub)
    day_cli.add_parser(sub, (_add_db, _add_as, _add_settings))
    return parser


def _files_and_ranking(sub: argparse._SubParsersAction) -> None:
    """Commands on files: the sample data, ranking without a database, importing and previewing."""
    p = sub.add_parser("sample", help="génère les données d'exemple (déterministe)")
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--out", type=Path, default=SAMPLE_DIR)

    p = sub.add_parser("rank", help="classe les profils pour chaque offre (sans base)")
    p.add_argument("--offers", type=Path, required=True, action="append")
    p.add_argument("--profiles", type=Path, required=True, action="append")
    p.add_argument("--top", type=int, default=None)
    p.add_argument("--out", type=Path, default=None)
    p.add_argument("--scheduler", metavar="ADRESSE", default=None,
                   help="ordonnanceur Dask qui classe les blocs d'offres (tcp://HÔTE:8786) ; "
                        "défaut : paramètre ranking.scheduler, sinon sur cette machine")  # fmt: skip
    p.add_argument("--allocate", action="store_true",
                   help="répartit les candidats en respectant les capacités (postes x candidats "
                        "par poste, offres par personne)")  # fmt: skip
    _add_settings(p)

    p = sub.add_parser(
        "import", help="importe un ou plusieurs fichiers dans la base (offres, profils, décisions)"
    )
    p.add_argument("kind", choices=["offers", "profiles", "decisions"])
    p.add_argument("file", type=Path, nargs="+")
    p.add_argument("--structure", help="structure des profils si le fichier n'en a pas")
    p.add_argument("--sheet", help="feuille à importer (défaut : toutes les feuilles utiles)")
    p.add_argument("--map", action="append", metavar="COLONNE=champ",
                   help="force la correspondance d'une colonne")  # fmt: skip
    _add_db(p)
    _add_settings(p)
    _add_as(p)

    p = sub.add_parser(
        "preview", help="montre l'en-tête lu et les colonnes reconnues, sans importer"
    )
    p.add_argument("kind", choices=["offers", "profiles"])
    p.add_argument("file", type=Path)
    p.add_argument("--sheet", help="feuille à lire (défaut : toutes les feuilles utiles)")
    p.add_argument("--map", action="append", metavar="COLONNE=champ",
                   help="force la correspondance d'une colonne")  # fmt: skip
    p.add_argument("--rows", type=int, default=5, help="nombre de lignes montrées")
    _add_settings(p)


def _suggestions_and_decisions(sub: argparse._SubParsersAction) -> None:
    """Commands on the suggestions: computing them, exporting lists, listing the base, deciding."""
    p = sub.add_parser("match", help="calcule les suggestions pour les offres ouvertes")
    p.add_argument("--full", action="store_true",
                   help="recalcule toutes les offres et réajuste les poids des mots sur la base "
                        "actuelle (par défaut : seules les offres dont la liste peut changer)")  # fmt: skip
    _add_db(p)
    _add_settings(p)
    _add_as(p)

    p = sub.add_parser("export", help="exporte une liste de candidats (.xlsx, .csv)")
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--offer", help="une offre (liste pour l'entreprise)")
    p.add_argument("--employer", help="toutes les offres d'une entreprise")
    p.add_argument("--structure", help="les personnes d'une structure")
    p.add_argument(
        "--kind",
        choices=["firm", "structure", "coordinator"],
        help="type de classeur (défaut : entreprise avec --offer/--employer, structure avec "
        "--structure, coordination sinon)",
    )
    p.add_argument(
        "--include-suggested",
        action="store_true",
        help="liste pour une entreprise : inclure aussi les candidats pas encore retenus par "
        "leur conseiller (par défaut : retenus, proposés, en entretien ou embauchés)",
    )
    _add_db(p)
    _add_as(p)

    p = sub.add_parser("list", help="affiche le contenu de la base")
    p.add_argument("what", choices=list(LISTS))
    p.add_argument("--format", choices=["jsonl", "csv"], default="jsonl")
    p.add_argument("--offer", help="une offre (suggestions, décisions)")
    p.add_argument("--structure", help="une structure (profils, suggestions, décisions, vivier)")
    p.add_argument("--status", help="un statut (suggestions), par exemple « Entretien »")
    p.add_argument("--limit", type=int, default=None, help="les N dernières entrées (audit)")
    _add_db(p)
    _add_as(p)

    p = sub.add_parser("decide", help="enregistre une décision sur une suggestion")
    p.add_argument("offer_ref", metavar="REF_OFFRE")
    p.add_argument("profile_ref", metavar="REF_CANDIDAT")
    p.add_argument("--status", required=True,
                   help="statut : " + ", ".join(f"{s.value} ({s.label})" for s in F.Status))  # fmt: skip
    p.add_argument("--reason", help="motif si non retenu : "
                   + ", ".join(f"{r.value} ({r.label})" for r in F.RejectReason))  # fmt: skip
    p.add_argument("--comment", help="commentaire libre (sans donnée personnelle)")
    p.add_argument("--structure", help="structure du candidat si la référence est ambiguë")
    _add_db(p)
    _add_as(p)


def _accounts_and_upkeep(sub: argparse._SubParsersAction) -> None:
    """Commands that keep the base: accounts, the pool, offers closed or reopened, the purge."""
    p = sub.add_parser("user", help="comptes : add, list, disable, passwd")
    usub = p.add_subparsers(dest="user_command", required=True, parser_class=_Parser)
    q = usub.add_parser("add", help="crée un compte")
    q.add_argument("login", metavar="IDENTIFIANT")
    q.add_argument("--role", required=True, choices=[r.value for r in F.Role])
    q.add_argument("--structure", help="structure du conseiller")
    q.add_argument("--new-structure", action="store_true",
                   help="créer la structure si elle n'existe pas encore")  # fmt: skip
    q.add_argument("--password-stdin", action="store_true",
                   help="lire le mot de passe sur l'entrée standard (scripts)")  # fmt: skip
    q.add_argument("--phone", help="téléphone professionnel du conseiller (listes des entreprises)")
    q.add_argument("--email", help="e-mail professionnel du conseiller (listes des entreprises)")
    _add_db(q)
    _add_as(q)
    q = usub.add_parser("list", help="liste les comptes")
    _add_db(q)
    _add_as(q)
    q = usub.add_parser("disable", help="désactive un compte")
    q.add_argument("login", metavar="IDENTIFIANT")
    _add_db(q)
    _add_as(q)
    q = usub.add_parser("passwd", help="change le mot de passe d'un compte")
    q.add_argument("login", metavar="IDENTIFIANT")
    q.add_argument("--password-stdin", action="store_true")
    _add_db(q)
    _add_as(q)

    p = sub.add_parser("pool", help="vivier : garder un candidat pour un type de métier")
    p.add_argument("action", choices=["add", "remove"])
    p.add_argument("profile_ref", metavar="REF_CANDIDAT")
    p.add_argument("code", metavar="CODE",
                   help="code ROME (N1103), domaine (N11) ou famille de métiers (N)")  # fmt: skip
    p.add_argument("--structure")
    p.add_argument("--note")
    _add_db(p)
    _add_as(p)

    p = sub.add_parser("offer", help="clôture ou rouvre une offre")
    p.add_argument("action", choices=["close", "reopen"])
    p.add_argument("offer_ref", metavar="REF_OFFRE")
    _add_db(p)
    _add_as(p)

    p = sub.add_parser("purge", help="supprime les profils inactifs (conservation limitée)")
    p.add_argument("--older-than", required=True, metavar="DURÉE",
                   help="inactifs depuis plus de : 24m (mois), 2y (ans), 90d (jours)")  # fmt: skip
    p.add_argument("--dry-run", action="store_true", help="montre ce qui serait supprimé")
    _add_db(p)
    _add_as(p)


def _database_and_references(sub: argparse._SubParsersAction) -> None:
    """Commands on the database itself and on the reference data (ROME, communes), the demo."""
    p = sub.add_parser("db", help="base de données : schéma, contrôle, copie entre SQLite et "
                       "PostgreSQL")  # fmt: skip
    dsub = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    q = dsub.add_parser("migrate", help="applique les migrations manquantes et donne la version")
    _add_db(q)
    q = dsub.add_parser("check", help="contrôle d'intégrité (stockage, clés étrangères)")
    _add_db(q)
    q = dsub.add_parser("copy", help="copie toute une base vers une base neuve, vérifiée "
                        "(comptes par table, chaîne du journal)")  # fmt: skip
    q.add_argument("--from", dest="source", required=True, metavar="BASE",
                   help="base source : fichier SQLite ou postgresql://...")  # fmt: skip
    q.add_argument("--to", dest="target", required=True, metavar="BASE",
                   help="base cible, vide : postgresql://... ou fichier SQLite")  # fmt: skip

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
    q = rsub.add_parser(
        "build", help="écrit la copie compacte du ROME livrée avec le produit (data/rome)"
    )
    q.add_argument("directory", type=Path, metavar="DOSSIER", help="export officiel (unix_*)")
    q.add_argument("--out", type=Path, default=None, metavar="DOSSIER",
                   help="dossier de sortie (défaut : data/rome)")  # fmt: skip

    p = sub.add_parser("classify", help="donne le code ROME de titres de poste (un par ligne)")
    p.add_argument("file", metavar="FICHIER", help="fichier texte, ou - pour l'entrée standard")
    p.add_argument("--top", type=int, default=3, help="nombre de codes proposés par titre")
    _add_db(p)

    p = sub.add_parser("communes", help="table des communes")
    csub = p.add_subparsers(dest="action", required=True, parser_class=_Parser)
    q = csub.add_parser("load", help="charge la base officielle des codes postaux de La Poste")
    q.add_argument("file", type=Path, metavar="FICHIER")
    _add_db(q)
    q = csub.add_parser(
        "build", help="écrit la base des communes livrée par défaut, depuis la base de La Poste"
    )
    q.add_argument("file", type=Path, metavar="FICHIER")
    q.add_argument("--out", type=Path, default=None, metavar="FICHIER",
                   help="défaut : data/communes/communes_france.csv.gz")  # fmt: skip


def _evaluations(sub: argparse._SubParsersAction) -> None:
    """The quality evaluations (scripts, not tests)."""
    p = sub.add_parser("evaluate", help="évaluations de qualité (scripts, pas des tests)")
    esub = p.add_subparsers(dest="what", required=True, parser_class=_Parser)
    q = esub.add_parser("titles", help="titre -> code ROME sur le référentiel officiel")
    q.add_argument("--rome", type=Path, default=None, metavar="DOSSIER",
                   help="export officiel du ROME (défaut : ../shared/data/rome-v460)")  # fmt: skip
    q.add_argument("-n", type=int, default=3000, help="nombre de titres tirés")
    q.add_argument("--seed", type=int, default=2026)
    q.add_argument("--folds", type=int, default=10, help="plis du leave-one-out")
    q.add_argument("--parts", default="rabc", help="parties à lancer parmi r, a, b, c")
    q = esub.add_parser("ranking", help="classement : nDCG@10 et rappel@10 du produit et des "
                        "références (jeu étiqueté généré depuis le ROME)")  # fmt: skip
    q.add_argument("--rome", type=Path, default=None, metavar="DOSSIER",
                   help="export officiel du ROME (défaut : ../shared/data/rome-v460)")  # fmt: skip
    q.add_argument("--seed", type=int, default=None, help="graine du jeu généré")
    q.add_argument("--codes", choices=["all", "builtin"], default="all",
                   help="métiers des offres : tout le ROME (défaut) ou ceux du référentiel "
                        "intégré")  # fmt: skip
    _add_settings(q)
