"""Files in the forms France Travail's offers and les emplois' exports really arrive in.

Written for the tests from the published field lists (France Travail's "API Offres d'emploi v2"
documentation; les emplois de l'inclusion's job applications export), with our own invented
offers and people: no row of a real file. Each builder returns the bytes of one file; ``OFFERS``
holds the API records the offer files are made of, so that tests state what each field must give.
"""

from __future__ import annotations

import copy
import io
import json

import openpyxl
import pandas as pd

# --------------------------------------------------------------------------------------------
# France Travail offers, as the API returns them (fields of "offres d'emploi v2").
# --------------------------------------------------------------------------------------------
DRIVER_CE = {
    "id": "201XKQT",
    "intitule": "Conducteur / Conductrice de poids lourd (H/F)",
    "description": "Transport de marchandises en régional, départ Béthune, retour chaque soir.",
    "dateCreation": "2026-11-02T08:14:00.000Z",
    "dateActualisation": "2026-11-03T10:00:00.000Z",
    "lieuTravail": {
        "libelle": "62 - BETHUNE",
        "latitude": 50.5301,
        "longitude": 2.6412,
        "codePostal": "62400",
        "commune": "62119",
    },
    "romeCode": "N4101",
    "romeLibelle": "Conduite de transport de marchandises sur longue distance",
    "appellationlibelle": "Conducteur / Conductrice de poids lourd",
    "entreprise": {"nom": "TRANSPORTS DE L'ARTOIS", "entrepriseAdaptee": False},
    "typeContrat": "CDI",
    "typeContratLibelle": "Contrat à durée indéterminée",
    "natureContrat": "Contrat travail",
    "experienceExige": "E",
    "experienceLibelle": "2 ans - en conduite de poids lourd",
    "competences": [
        {"code": "121234", "libelle": "Arrimer, sangler et bâcher une charge", "exigence": "E"},
        {"code": "121567", "libelle": "Contrôler l'état du véhicule", "exigence": "E"},
        {"code": "125001", "libelle": "Utiliser un chronotachygraphe", "exigence": "S"},
    ],
    "permis": [{"libelle": "CE - Poids lourd + remorque (= EC)", "exigence": "E"}],
    "formations": [
        {
            "codeFormation": "31812",
            "domaineLibelle": "Transport routier",
            "niveauLibelle": "CAP, BEP et équivalents",
            "exigence": "S",
        }
    ],
    "qualitesProfessionnelles": [
        {"libelle": "Faire preuve de rigueur et de précision", "description": "…"},
        {"libelle": "Faire preuve d'autonomie", "description": "…"},
    ],
    "salaire": {"libelle": "Mensuel de 2200.0 Euros sur 12 mois"},
    "dureeTravailLibelle": "39H Horaires normaux",
    "dureeTravailLibelleConverti": "Temps plein",
    "alternance": False,
    "contact": {
        "nom": "TRANSPORTS DE L'ARTOIS - Mme Lenoir",
        "courriel": "recrutement@transports-artois.example",
        "coordonnees1": "12 rue des Rouliers",
        "coordonnees2": "62400 BETHUNE",
    },
    "nombrePostes": 2,
    "accessibleTH": False,
    "qualificationCode": "6",
    "qualificationLibelle": "Ouvrier qualifié (P3,P4,OHQ)",
    "codeNAF": "49.41A",
    "secteurActivite": "49",
    "secteurActiviteLibelle": "Transports routiers de fret interurbains",
    "origineOffre": {"origine": "1", "urlOrigine": "https://candidat.francetravail.fr/offres/x"},
}
DRIVER_D = {
    "id": "201XKQU",
    "intitule": "Conducteur / Conductrice d'autocar (H/F)",
    "description": "Lignes scolaires et régulières autour de Bruay-la-Buissière.",
    "dateCreation": "2026-11-05T09:30:00.000Z",
    "lieuTravail": {
        "libelle": "62 - BRUAY LA BUISSIERE",
        "codePostal": "62700",
        "commune": "62178",
    },
    "romeCode": "N4103",
    "appellationlibelle": "Conducteur / Conductrice d'autocar",
    "entreprise": {"nom": "CARS DU BRUAYSIS"},
    "typeContrat": "CDD",
    "typeContratLibelle": "CDD - 6 Mois",
    "natureContrat": "Contrat travail",
    "experienceExige": "S",
    "experienceLibelle": "1 an",
    "competences": [{"code": "126001", "libelle": "Accueillir les voyageurs", "exigence": "E"}],
    "permis": [
        {"libelle": "D - Transport en commun", "exigence": "E"},
        {"libelle": "DE - Transport de personnes + remorque", "exigence": "S"},
    ],
    "dureeTravailLibelle": "24H Travail samedi et dimanche",
    "dureeTravailLibelleConverti": "Temps partiel",
    "alternance": False,
    "nombrePostes": 1,
    "accessibleTH": True,
    "secteurActiviteLibelle": "Transports routiers réguliers de voyageurs",
}
CLEANER = {
    "id": "201XKQV",
    "intitule": "Agent / Agente d'entretien des locaux (H/F)",
    "description": "Entretien de bureaux en journée, chantier d'insertion.",
    "dateCreation": "2026-11-06T07:00:00.000Z",
    "lieuTravail": {"libelle": "62 - NOEUX LES MINES", "codePostal": "62290", "commune": "62617"},
    "romeCode": "K2204",
    "appellationlibelle": "Agent / Agente d'entretien de locaux",
    "entreprise": {"nom": "ARTOIS PROPRETÉ SOLIDAIRE"},
    "typeContrat": "DDI",
    "typeContratLibelle": "Contrat durée déterminée insertion - 4 Mois",
    "natureContrat": "Insertion par l'activ.éco.",
    "experienceExige": "D",
    "experienceLibelle": "Débutant accepté",
    "competences": [
        {"code": "120001", "libelle": "Nettoyer des sols, des surfaces", "exigence": "E"},
        {"code": "120002", "libelle": "Utiliser une autolaveuse", "exigence": "S"},
    ],
    "permis": [{"libelle": "B - Véhicule léger", "exigence": "S"}],
    "dureeTravailLibelle": "26H Travail en journée",
    "dureeTravailLibelleConverti": "Temps partiel",
    "alternance": False,
    "nombrePostes": 3,
    "accessibleTH": True,
}
APPRENTICE = {
    "id": "201XKQW",
    "intitule": "Vendeur / Vendeuse en boulangerie en apprentissage (H/F)",
    "description": "Vente, encaissement, mise en rayon.",
    "dateCreation": "2026-11-07T11:11:11.000Z",
    "lieuTravail": {"libelle": "62 - ARRAS", "codePostal": "62000", "commune": "62041"},
    "romeCode": "D1106",
    "appellationlibelle": "Vendeur / Vendeuse en boulangerie-pâtisserie",
    "entreprise": {"nom": "BOULANGERIE DU BEFFROI"},
    "typeContrat": "CDD",
    "typeContratLibelle": "CDD - 24 Mois",
    "natureContrat": "Contrat apprentissage",
    "experienceExige": "D",
    "experienceLibelle": "Débutant accepté",
    "formations": [
        {"domaineLibelle": "Commerce", "niveauLibelle": "Bac ou équivalent", "exigence": "E"}
    ],
    "langues": [{"libelle": "Anglais", "exigence": "S"}],
    "dureeTravailLibelle": "35H Travail samedi",
    "dureeTravailLibelleConverti": "Temps plein",
    "alternance": True,
    "nombrePostes": 1,
}
SEASONAL_CORSICA = {
    "id": "201XKQX",
    "intitule": "Serveur / Serveuse de restaurant (H/F)",
    "description": "Saison d'été, service du soir.",
    "dateCreation": "2026-11-08T10:00:00.000Z",
    "lieuTravail": {
        "libelle": "2A - AJACCIO",
        "codePostal": "20000",
        "commune": "2A004",
        "latitude": 41.9192,
        "longitude": 8.7386,
    },
    "romeCode": "G1803",
    "entreprise": {"nom": "CASA DI U MARE"},
    "typeContrat": "SAI",
    "typeContratLibelle": "Contrat travail saisonnier - 5 Mois",
    "experienceExige": "S",
    "experienceLibelle": "6 mois",
    "dureeTravailLibelle": "35H Travail de nuit",
    "dureeTravailLibelleConverti": "Temps plein",
    "nombrePostes": 2,
}
FRANCHISE = {
    "id": "201XKQY",
    "intitule": "Gérant / Gérante de magasin en franchise (H/F)",
    "lieuTravail": {"libelle": "59 - DOUAI", "codePostal": "59500", "commune": "59178"},
    "romeCode": "D1301",
    "entreprise": {"nom": "RESEAU FRANCHISE EXEMPLE"},
    "typeContrat": "FRA",
    "typeContratLibelle": "Franchise",
    "natureContrat": "Emploi non salarié",
    "experienceExige": "E",
    "experienceLibelle": "3 ans",
    "dureeTravailLibelleConverti": "Temps plein",
    "nombrePostes": 1,
}
OFFERS = [DRIVER_CE, DRIVER_D, CLEANER, APPRENTICE, SEASONAL_CORSICA, FRANCHISE]
TERRITORY_OFFERS = [DRIVER_CE, DRIVER_D, CLEANER]  # within reach of the people below


def api_json(offers=OFFERS) -> bytes:
    """A search answer of the API, saved as it came."""
    body = {"filtresPossibles": [{"filtre": "typeContrat", "agregation": []}],
            "resultats": offers}  # fmt: skip
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


def api_list(offers=OFFERS) -> bytes:
    return json.dumps(offers, ensure_ascii=False).encode("utf-8")


def api_jsonl(offers=OFFERS) -> bytes:
    return ("\n".join(json.dumps(o, ensure_ascii=False) for o in offers) + "\n").encode("utf-8")


def flattened(offers=OFFERS) -> pd.DataFrame:
    """The offers as ``pandas.json_normalize`` flattens them (lists stay Python objects)."""
    return pd.json_normalize(copy.deepcopy(offers))


def csv_bytes(offers=OFFERS, sep: str = "|", underscore: bool = False) -> bytes:
    frame = flattened(offers)
    if underscore:
        frame.columns = [c.replace(".", "_") for c in frame.columns]
    return frame.to_csv(sep=sep, index=False).encode("utf-8")


def csv_json_cells(offers=OFFERS) -> bytes:
    """Another tool: lists written as JSON (not Python literals) in a ';' CSV."""
    frame = flattened(offers)
    for c in frame.columns:
        if frame[c].map(lambda v: isinstance(v, list)).any():
            frame[c] = frame[c].map(
                lambda v: json.dumps(v, ensure_ascii=False) if isinstance(v, list) else v
            )
    return frame.to_csv(sep=";", index=False).encode("utf-8")


def xlsx_bytes(offers=OFFERS) -> bytes:
    frame = flattened(offers)
    for c in frame.columns:  # Excel cells hold text: lists as pandas writes them (str)
        if frame[c].map(lambda v: isinstance(v, list)).any():
            frame[c] = frame[c].map(lambda v: str(v) if isinstance(v, list) else v)
    buf = io.BytesIO()
    frame.to_excel(buf, index=False)
    return buf.getvalue()


def mixed_codes_csv() -> bytes:
    """A partner's file mixing codes: the INSEE code in the postal code column, a postal code in
    the INSEE column, a code alone as commune, a label only."""
    rows = [
        # lieuTravail.commune, lieuTravail.codePostal, lieuTravail.libelle
        ("301A", "Agent de tri", "62119", "", ""),  # INSEE code, nothing else
        ("301B", "Magasinier", "62000", "", ""),  # a postal code in the INSEE column
        ("301C", "Cariste", "", "62617", ""),  # an INSEE code in the postal code column
        ("301D", "Préparateur de commandes", "", "", "07 - ANNONAY"),  # label only
        ("301E", "Agent de quai", "", "", "62 - Pas-de-Calais"),  # a département only
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "id",
            "intitule",
            "lieuTravail.commune",
            "lieuTravail.codePostal",
            "lieuTravail.libelle",
        ],
    )
    frame["typeContrat"] = "MIS"
    frame["romeCode"] = "N1103"
    frame["dureeTravailLibelle"] = "35H Horaires normaux"
    return frame.to_csv(sep="|", index=False).encode("utf-8")


def corsica_json() -> bytes:
    """Corsican places: 2A/2B INSEE codes, and an old-style "20xxx" one."""
    offers = [
        {
            "id": "401A",
            "intitule": "Serveur de restaurant",
            "typeContrat": "SAI",
            "lieuTravail": {"libelle": "2A - AJACCIO", "commune": "2A004", "codePostal": "20000"},
            "romeCode": "G1803",
            "dureeTravailLibelle": "35H Travail de nuit",
        },
        {
            "id": "401B",
            "intitule": "Commis de cuisine",
            "typeContrat": "SAI",
            "lieuTravail": {"libelle": "2B - BASTIA", "commune": "2B033", "codePostal": "20200"},
            "romeCode": "G1602",
            "dureeTravailLibelle": "39H Horaires normaux",
        },
        {
            "id": "401C",
            "intitule": "Plongeur en restauration",
            "typeContrat": "SAI",
            "lieuTravail": {"commune": "20004"},
            "romeCode": "G1605",
            "dureeTravailLibelle": "35H Autre",
        },
    ]
    return json.dumps({"resultats": offers}, ensure_ascii=False).encode("utf-8")


def licences_json() -> bytes:
    """E/S licences and skills, every official category form, CACES in the permis list."""
    offers = [
        {
            "id": "501A",
            "intitule": "Chauffeur super lourd",
            "typeContrat": "CDI",
            "lieuTravail": {"libelle": "62 - BETHUNE", "commune": "62119"},
            "romeCode": "N4101",
            "permis": [
                {"libelle": "CE - Poids lourd + remorque (= EC)", "exigence": "E"},
                {"libelle": "C1E - Camion moyen + remorque", "exigence": "S"},
            ],
        },
        {
            "id": "501B",
            "intitule": "Conducteur de car",
            "typeContrat": "CDI",
            "lieuTravail": {"libelle": "62 - BETHUNE", "commune": "62119"},
            "romeCode": "N4103",
            "permis": [{"libelle": "DE - Transport de personnes + remorque", "exigence": "E"}],
        },
        {
            "id": "501C",
            "intitule": "Cariste",
            "typeContrat": "MIS",
            "lieuTravail": {"libelle": "62 - BETHUNE", "commune": "62119"},
            "romeCode": "N1101",
            "permis": [
                {"libelle": "CACES R389 cat. 3", "exigence": "E"},
                {"libelle": "B - Véhicule léger", "exigence": "S"},
            ],
            "competences": [
                {"libelle": "Charger, décharger, manutentionner", "exigence": "E"},
                {"libelle": "Gestes et postures, port de charges", "exigence": "S"},
            ],
        },
    ]
    return json.dumps({"resultats": offers}, ensure_ascii=False).encode("utf-8")


def contradicted_code_json() -> bytes:
    """A code the title contradicts (cleaning coded as truck driving), and a consistent one."""
    offers = [
        {
            "id": "601A",
            "intitule": "Agent d'entretien des locaux (H/F)",
            "romeCode": "N4101",
            "typeContrat": "CDI",
            "lieuTravail": {"libelle": "62 - BETHUNE", "commune": "62119"},
        },
        {
            "id": "601B",
            "intitule": "Cariste",
            "romeCode": "N1101",
            "typeContrat": "CDI",
            "lieuTravail": {"libelle": "62 - BETHUNE", "commune": "62119"},
        },
    ]
    return json.dumps(offers, ensure_ascii=False).encode("utf-8")


# --------------------------------------------------------------------------------------------
# les emplois de l'inclusion: the job applications export of a structure
# --------------------------------------------------------------------------------------------
LE_HEADERS = [
    "Civilité candidat", "Nom candidat", "Prénom candidat", "Email candidat",
    "Téléphone candidat", "Date de naissance candidat", "Ville candidat", "Département candidat",
    "Nom structure employeur", "Type employeur", "Métiers", "Source de la candidature",
    "Nom organisation prescripteur", "Nom utilisateur prescripteur", "Date de la candidature",
    "Statut de la candidature", "Dates de début d’embauche", "Dates de fin d’embauche",
    "Motifs de refus", "Éligibilité IAE validée", "Eligible au contrôle", "Numéro PASS IAE",
    "Début PASS IAE", "Fin PASS IAE", "Statut PASS IAE",
]  # fmt: skip
# Invented people (names that are not anyone's), the same person applying twice.
LE_ROWS = [
    ["M.", "TESTNOM", "Alpha", "alpha@example.org", "0600000001", "01/02/1990", "Béthune",
     "62400", "EI ARTOIS PROPRETÉ", "EI", "Agent / Agente d'entretien de locaux",
     "Prescripteur habilité", "France Travail Béthune", "Conseillère Une", "03/11/2026",
     "Nouvelle candidature", "", "", "", "oui", "non", "999992612345", "", "", ""],
    ["MME", "TESTNOMB", "Beta", "beta@example.org", "0600000002", "15/06/1985",
     "Bruay-la-Buissière", "62700", "EI ARTOIS PROPRETÉ", "EI",
     "Conducteur / Conductrice de poids lourd", "Orienteur", "PLIE", "Conseiller Deux",
     "04/11/2026", "Candidature acceptée", "05/11/2026", "", "", "oui", "non", "", "", "", ""],
    ["M.", "TESTNOM", "Alpha", "alpha@example.org", "0600000001", "01/02/1990", "Béthune",
     "62400", "EI ARTOIS PROPRETÉ", "EI", "Laveur / Laveuse de vitres", "Prescripteur habilité",
     "France Travail Béthune", "Conseillère Une", "06/11/2026", "Candidature à l'étude", "",
     "", "", "oui", "non", "999992612345", "", "", ""],
    ["M.", "TESTNOMC", "Gamma", "", "", "30/09/2001", "Noeux-les-Mines", "62290",
     "EI ARTOIS PROPRETÉ", "EI", "Candidature spontanée", "Candidat", "", "", "07/11/2026",
     "Nouvelle candidature", "", "", "", "non", "non", "", "", "", ""],
]  # fmt: skip


def lesemplois_xlsx(headers=LE_HEADERS, rows=LE_ROWS) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(headers)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# The CSV export of 2020-2021 (other prescriber columns, "Pass IAE" spelt so).
LE_HEADERS_2021 = [
    "Nom candidat", "Prénom candidat", "Email candidat", "Téléphone candidat",
    "Date de naissance candidat", "Ville candidat", "Département candidat",
    "Nom structure employeur", "Type employeur", "Métiers", "Source de la candidature",
    "Nom prescripteur", "Type prescripteur", "Date de la candidature", "Statut de la candidature",
    "Dates de début d’embauche", "Dates de fin d’embauche", "Motifs de refus",
    "Éligibilité IAE validée", "Numéro Pass IAE", "Début Pass IAE", "Fin Pass IAE",
]  # fmt: skip


def lesemplois_csv_2021() -> bytes:
    keep = [
        i
        for i, h in enumerate(LE_HEADERS)
        if h
        in {
            "Nom candidat",
            "Prénom candidat",
            "Email candidat",
            "Téléphone candidat",
            "Date de naissance candidat",
            "Ville candidat",
            "Département candidat",
            "Nom structure employeur",
            "Type employeur",
            "Métiers",
            "Source de la candidature",
        }
    ]
    rows = []
    for r in LE_ROWS[:2]:
        base = [r[i] for i in keep]
        rows.append(base + ["Conseiller Un", "Prescripteur habilité", r[14], r[15], r[16], r[17],
                            r[18], r[19], r[21], "", ""])  # fmt: skip
    frame = pd.DataFrame(rows, columns=LE_HEADERS_2021)
    return frame.to_csv(index=False).encode("utf-8")


def profiles_insee_csv() -> bytes:
    """A structure's own file with INSEE codes and postal codes mixed."""
    rows = [
        ("P-01", "62119", "", "Agent d'entretien", "B"),  # INSEE code only
        ("P-02", "", "62700", "Chauffeur poids lourd", "CE - Poids lourd + remorque (= EC)"),
        ("P-03", "62617", "62290", "Chauffeur de car", "D, DE"),
        ("P-04", "62000", "", "Vendeur", "aucun"),  # a postal code in the INSEE column
    ]
    frame = pd.DataFrame(
        rows, columns=["Identifiant", "Code INSEE", "Code postal", "Métier visé", "Permis"]
    )
    frame["Structure"] = "EI ARTOIS PROPRETÉ"
    return frame.to_csv(sep=";", index=False).encode("utf-8")
