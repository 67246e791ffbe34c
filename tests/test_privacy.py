"""Anonymisation guard: personal-data columns recognised, personal data in text masked, with
checksums (NIR key, IBAN) so that ordinary numbers are left alone."""

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from matcher.intake import privacy


@pytest.mark.parametrize(
    "label, kind",
    [("Nom", "nom"), ("NOM DE FAMILLE", "nom"), ("Nom Prénom", "nom"), ("Prénom", "prénom"),
     ("E-mail", "e-mail"), ("Adresse mail", "e-mail"), ("Courriel", "e-mail"),
     ("Tél. portable", "téléphone"), ("N° de téléphone", "téléphone"), ("Mobile", "téléphone"),
     ("Adresse", "adresse"), ("Adresse postale", "adresse"),
     ("Date de naissance", "date de naissance ou âge"), ("Âge", "date de naissance ou âge"),
     ("Né(e) le", "date de naissance ou âge"), ("N° sécu", "numéro de sécurité sociale"),
     ("NIR", "numéro de sécurité sociale"), ("Identifiant France Travail", "identifiant officiel"),
     ("N° PASS IAE", "identifiant officiel"), ("Sexe", "sexe"), ("Civilité", "sexe"),
     ("H/F", "sexe"), ("Nationalité", "nationalité ou origine"), ("Photo", "photo"),
     ("Situation familiale", "situation familiale"), ("Nombre d'enfants", "situation familiale"),
     ("RQTH", "santé ou handicap"), ("Reconnaissance travailleur handicapé", "santé ou handicap"),
     ("Restrictions médicales", "santé ou handicap"), ("Casier judiciaire", "justice"),
     ("Bénéficiaire du RSA", "ressources et allocations"), ("IBAN", "coordonnées bancaires")],
)  # fmt: skip
def test_personal_columns(label, kind):
    assert privacy.forbidden_kind(label) == kind


@pytest.mark.parametrize(
    "label", ["Observations", "Commentaires CIP", "Remarques", "Freins périphériques", "Notes",
              "Informations complémentaires"]
)  # fmt: skip
def test_free_comment_columns_are_dropped(label):
    assert privacy.forbidden_kind(label).startswith("commentaire libre")


@pytest.mark.parametrize(
    "label",
    ["Nom du conseiller", "Nom de la structure", "Code anonyme", "Mobilité", "Horaire fixe",
     "Commune de résidence", "Compétences", "Permis", "Stage", "Famille de métiers",
     "Chargé(e) de suivi", "Disponibilités", "Code INSEE", "Moyen de transport"],
)  # fmt: skip
def test_harmless_columns(label):
    assert privacy.forbidden_kind(label) is None


def _redact(text):
    out, counts = privacy.redact_text(pd.Series([text]))
    return out.iloc[0], {k: v for k, v in counts.items() if v}


@pytest.mark.parametrize(
    "text, expected, counts",
    [
        ("tél 06 12 34 56 78", "tél [téléphone masqué]", {"téléphones": 1}),
        ("préfère les SMS : 06.39.98.57.21", "préfère les SMS : [téléphone masqué]", {"téléphones": 1}),
        ("+33 6 12 34 56 78 ou 0612345678", "[téléphone masqué] ou [téléphone masqué]",
         {"téléphones": 2}),
        ("écrire à a.b-c@exemple.fr", "écrire à [courriel masqué]", {"courriels": 1}),
        ("mail : jean (at) gmail.com", "mail : [courriel masqué]", {"courriels": 1}),
        ("FR76 3000 6000 0112 3456 7890 189", "[IBAN masqué]", {"IBAN": 1}),
        ("NIR 2 69 05 49 588 157 80", "NIR [n° sécu masqué]", {"n° sécurité sociale": 1}),
        ("12 rue des Lilas, Béthune", "[adresse masquée], Béthune", {"adresses": 1}),
        ("née le 12/03/1985", "[date de naissance masquée]", {"dates de naissance": 1}),
        ("612345678", "[téléphone masqué]", {"téléphones": 1}),  # number cell lost its 0
    ],
)  # fmt: skip
def test_redaction(text, expected, counts):
    assert _redact(text) == (expected, counts)


@pytest.mark.parametrize(
    "text",
    ["CACES R489 cat. 3, 35h par semaine", "FR76 3000 6000 0112 3456 7890 188",  # bad IBAN checksum
     "2 69 05 49 588 157 81",  # bad NIR key
     "03 21 xx xx xx", "Permis B depuis 2015, 10 km", "SIRET 123 456 789 00012", "62400 Béthune",
     "06 39 98 xx xx"],
)  # fmt: skip
def test_ordinary_text_is_left_alone(text):
    assert _redact(text) == (text, {})


def test_counts_follow_repeated_values():
    out, counts = privacy.redact_text(pd.Series(["tél 06 12 34 56 78"] * 3 + [None, "ménage"]))
    assert counts["téléphones"] == 3
    assert out.tolist()[3:] == [None, "ménage"]


def test_identifiers_that_look_like_names():
    assert privacy.names_as_identifiers(pd.Series(["DUPONT Jean", "Martin", "ACI-3"])) == 2 / 3
    assert privacy.names_as_identifiers(pd.Series(["ACI-001", "PLIE-12", "B7"])) == 0.0


# --------------------------------------------------------------------------------------------
# Properties: generated valid identifiers are always masked, whatever text surrounds them
# --------------------------------------------------------------------------------------------
@st.composite
def nirs(draw):
    sex = draw(st.sampled_from("12"))
    digits = sex + "".join(
        [
            f"{draw(st.integers(0, 99)):02d}",
            f"{draw(st.integers(1, 12)):02d}",
            f"{draw(st.integers(1, 95)):02d}",
            f"{draw(st.integers(1, 999)):03d}",
            f"{draw(st.integers(1, 999)):03d}",
        ]
    )
    key = 97 - int(digits) % 97
    spaced = draw(st.booleans())
    if spaced:
        return f"{digits[0]} {digits[1:3]} {digits[3:5]} {digits[5:7]} {digits[7:10]} {digits[10:13]} {key:02d}"
    return f"{digits}{key:02d}"


@st.composite
def ibans(draw):
    bban = "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=23, max_size=23)))
    check = 98 - int("".join(str(int(c, 36)) for c in bban + "FR00")) % 97
    iban = f"FR{check:02d}{bban}"
    return " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))


phones = st.builds(
    lambda first, rest, sep: "0" + first + "".join(sep + f"{x:02d}" for x in rest),
    st.sampled_from("1234567"),
    st.lists(st.integers(0, 99), min_size=4, max_size=4),
    st.sampled_from(["", " ", ".", "-"]),
)
emails = st.builds(
    lambda user, domain, tld: f"{user}@{domain}.{tld}",
    st.from_regex(r"[a-z][a-z0-9._-]{0,10}[a-z0-9]", fullmatch=True),
    st.from_regex(r"[a-z][a-z0-9-]{1,10}[a-z]", fullmatch=True),
    st.sampled_from(["fr", "com", "org", "net"]),
)
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéè ,;", max_size=30)


@settings(max_examples=200)
@given(words, st.one_of(nirs(), ibans(), phones, emails), words)
def test_generated_personal_data_is_always_masked(before, secret, after):
    text = f"{before} {secret} {after}"
    out, counts = _redact(text)
    assert secret not in out
    digits = "".join(ch for ch in secret if ch.isdigit())
    assert len(digits) < 6 or digits not in "".join(ch for ch in out if ch.isdigit())
    assert sum(counts.values()) >= 1
    assert any(mark in out for mark in privacy.MARKS)


@given(nirs())
def test_nir_key(nir):
    compact = nir.replace(" ", "")
    assert privacy.nir_key_ok(compact[:13], compact[13:])
    wrong = (int(compact[13:]) % 97) + 1
    assert not privacy.nir_key_ok(compact[:13], f"{wrong:02d}")


@given(ibans())
def test_iban_checksum(iban):
    assert privacy.iban_ok(iban)
    assert not privacy.iban_ok(iban[:-1] + str((int(iban[-1]) + 1) % 10))
