"""The journey of the club's day, in a real browser at 1,366 px: the coordinator logs in, imports the
firms' offers file, sees the suggestions and retains a candidate; then that candidate's
counsellor logs in, sees only their structure's people, and downloads their shortlist, which
opens with openpyxl. Then the Busin'ESS day: the counsellor's retained pair is marked « pour la
journée » and the day's tables are set (through the library), the coordinator plans the day on
the Journée Busin'ESS page and downloads the room grids (PDF and workbook). A screenshot of each
step is kept under tests/artifacts/e2e/."""

from __future__ import annotations

import io
import re

import pytest

from .conftest import CHROMIUM_FLAGS, start_app, stop_app

pytestmark = [pytest.mark.e2e, pytest.mark.slow]

OFFERS_FILE = "offres_busin_ess_2026.xlsx"
TIMEOUT_MS = 45_000  # a Streamlit rerun with the matching can take a while on a loaded machine


@pytest.fixture(scope="module")
def app(tmp_path_factory, chromium_path):
    """The dashboard on a fresh database holding the sample structures' people and the demo
    accounts, and no offer yet."""
    from matcher.store.database import Store
    from matcher.workflow import auth, service

    work = tmp_path_factory.mktemp("e2e")
    db = work / "e2e.sqlite3"
    store = Store(db)
    _, profiles = service.sample_files()
    for path, structure in profiles.items():
        service.import_into_store(store, path.read_bytes(), path.name, "profiles",
                                  structure=structure)  # fmt: skip
    auth.ensure_demo_users(store, service.demo_accounts())
    store.close()
    proc, url, log = start_app(db, work)
    yield url, db
    stop_app(proc)
    text = log.read_text(errors="replace")
    assert "Traceback" not in text, f"the server logged an error:\n{text[-3000:]}"


@pytest.fixture
def browser(chromium_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


PAGES = {  # the pages of each role, as the sidebar lists them
    "coordination": ["Offres", "À traiter", "Correspondances", "Listes", "Importer",
                     "Tableau de bord", "Paramètres"],
    "counsellor": ["À traiter", "Offres", "Correspondances", "Listes", "Importer",
                   "Tableau de bord"],
}  # fmt: skip


def test_coordinator_then_counsellor(app, browser, artifacts):
    from openpyxl import load_workbook
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import expect

    from matcher.paths import SAMPLE_DIR
    from matcher.workflow import service
    from matcher.workflow.auth import DEMO_PASSWORD

    from .vocabulary import VISIBLE_TEXT_JS, vocabulary, words

    url, _ = app
    expect.set_options(timeout=TIMEOUT_MS)
    # A laptop screen: 1,366 px wide.
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="fr-FR", accept_downloads=True
    )
    page = context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    step = iter(range(1, 100))
    known = vocabulary(words(" ".join([*service.demo_accounts(), "coordination"])))

    def shot(name: str) -> None:
        page.wait_for_timeout(300)  # let the last rerun paint
        page.screenshot(path=artifacts / f"{next(step):02d}_{name}.png", full_page=True)
        # Never a traceback on screen, nor a generic error.
        expect(page.get_by_test_id("stException")).to_have_count(0)
        expect(page.get_by_text("Une erreur inattendue est survenue")).to_have_count(0)

    def main_text():
        return page.locator('[data-testid="stMain"]')

    def settled() -> None:
        """Wait until Streamlit has finished the run (no « running » indicator)."""
        page.wait_for_timeout(500)
        expect(page.get_by_test_id("stStatusWidget")).to_have_count(0)

    def french_only(where: str) -> None:
        text = page.evaluate(VISIBLE_TEXT_JS)
        unknown = sorted(words(text) - known)
        assert not unknown, f"{where}: words that are not the dashboard's French: {unknown}"
        for english in ("Download", "Search", "Fullscreen", "Page not found", "Running"):
            assert english not in text, f"{where}: « {english} » on screen"

    def visit(path: str) -> None:
        """Open an address of the dashboard. A navigation that the page itself started just
        before (the logout's redirect, a rerun's address update) can abort ours with
        ERR_ABORTED: let the page settle and open the address again."""
        for attempt in range(3):
            try:
                page.goto(url + path)
                return
            except PlaywrightError as exc:
                if "ERR_ABORTED" not in str(exc) or attempt == 2:
                    raise
                page.wait_for_load_state()
                page.wait_for_timeout(1_000)

    def logout() -> None:
        """Log out and wait until the server's route has cleared the cookie and sent the
        browser home: an address opened before that would find the session still open."""
        with page.expect_request(lambda request: "/_session/fermer" in request.url):
            page.get_by_role("button", name="Se déconnecter").click()
        page.wait_for_url(url + "/")
        expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
        settled()

    def login(login: str, path: str = "") -> None:
        visit(path)
        expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
        french_only("connexion")
        page.get_by_label("Identifiant").fill(login)
        page.get_by_label("Mot de passe").fill(DEMO_PASSWORD)
        shot(f"connexion_{login}")
        page.get_by_role("button", name="Se connecter").click()

    def go(link: str) -> None:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=link).click()
        expect(page.get_by_role("heading", name=link, exact=True)).to_be_visible()

    def every_page(role: str) -> None:
        """Each page of the role: French only, and a reload (F5) keeps the session and the
        page; a screenshot of each at 1,366 px."""
        for title in PAGES[role]:
            go(title)
            settled()
            french_only(f"{title} ({role})")
            if title == "Offres":  # the column menu of a table stays hidden (English)
                grid = page.locator('[data-testid="stDataFrame"]').first
                if grid.count():
                    box = grid.bounding_box()
                    page.mouse.click(box["x"] + 60, box["y"] + 17)
                    page.wait_for_timeout(300)
                    expect(page.get_by_text("Sort ascending")).to_have_count(0)
                    expect(page.get_by_text("Pin column")).to_have_count(0)
                    page.keyboard.press("Escape")
                    # A row opens the offer's detail in front of the table, in French.
                    box = grid.bounding_box()
                    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
                    dialog = page.get_by_role("dialog")
                    expect(dialog).to_contain_text("Fiche de l'offre")
                    expect(
                        dialog.get_by_role("button", name="Voir les correspondances")
                    ).to_be_visible()
                    settled()
                    french_only(f"fiche d'une offre ({role})")
                    shot(f"{role}_fiche_offre")
                    page.keyboard.press("Escape")
                    expect(page.get_by_role("dialog")).to_have_count(0)
            shot(f"{role}_{title}")
            page.reload()
            expect(page.get_by_role("heading", name=title, exact=True)).to_be_visible()
            expect(page.get_by_role("heading", name="Connexion")).to_have_count(0)

    # 1. The coordinator opens a bookmarked page: the login form, then that very page.
    login("coordination", "/offres")
    expect(page.get_by_role("heading", name="Offres", exact=True)).to_be_visible()
    expect(main_text()).to_contain_text("Aucune offre : importez un fichier d'offres")
    expect(page.get_by_test_id("stSidebarNav")).to_contain_text("Paramètres")
    shot("offres_vides")

    # 2. Import the firms' offers: preview of the columns, then the report.
    go("Importer")
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
        str(SAMPLE_DIR / OFFERS_FILE)
    )
    expect(main_text()).to_contain_text("Correspondance des colonnes")
    expect(main_text()).to_contain_text("en-tête trouvé ligne 3")
    settled()
    french_only("aperçu de l'import")
    shot("import_apercu")
    page.get_by_role("button", name="Importer", exact=True).click()
    expect(main_text()).to_contain_text(f"{OFFERS_FILE} importé")
    expect(main_text()).to_contain_text("Suggestions recalculées")
    expect(main_text()).to_contain_text("Nouvelles")
    settled()
    french_only("rapport d'import")
    shot("import_rapport")

    # 3. The suggestions of the first offer, ranked, with the score explained.
    go("Correspondances")
    cards = page.locator('[class*="st-key-card"]')
    expect(cards.first).to_be_visible()
    expect(cards.first).to_contain_text("n° 1 –")
    expect(cards.first).to_contain_text("/ 100")
    expect(cards.first).to_contain_text("Métier")
    shot("correspondances_offre")
    first = cards.first.inner_text()
    profile_ref = re.search(r"n° 1 – (\S+)", first).group(1)
    structure = next(s for s in service.demo_accounts().values() if s in first)
    counsellor = next(k for k, s in service.demo_accounts().items() if s == structure)

    # 4. Retain the first candidate in one click.
    cards.first.get_by_role("button", name="Retenir").click()
    expect(main_text()).to_contain_text(f"{profile_ref} / ")
    expect(main_text()).to_contain_text("« Retenu par le conseiller » enregistré")
    expect(cards.first).to_contain_text("Retenu par le conseiller")
    shot("statut_change")

    # 5. Every page of the coordinator: French only, a reload keeps the session.
    every_page("coordination")

    # 6. An unknown address: home, with a French message (never Streamlit's English dialog).
    visit("/une-page-qui-n-existe-pas")
    expect(main_text()).to_contain_text("La page demandée n'existe pas")
    expect(page.get_by_role("heading", name="Offres", exact=True)).to_be_visible()
    french_only("page inconnue")
    shot("page_inconnue")

    # 7. Log out: the session is over, even for a bookmarked page.
    logout()
    visit("/listes")
    expect(page.get_by_role("heading", name="Connexion")).to_be_visible()
    settled()

    # 8. The counsellor of that candidate: their home is the queue.
    login(counsellor)
    expect(page.get_by_role("heading", name="À traiter", exact=True)).to_be_visible()
    nav = page.get_by_test_id("stSidebarNav")
    expect(nav).to_contain_text("Listes")
    expect(nav).not_to_contain_text("Paramètres")
    settled()
    shot("conseiller_accueil")
    summary = main_text().get_by_text(re.compile(r"suggestion\(s\) à traiter sur"))
    before = int(
        re.search(r"(\d+) suggestion", summary.inner_text().replace("\u202f", "")).group(1)
    )

    # 9. Two rows of the queue decided at once (the boxes at the left of the table).
    grid = page.locator('[data-testid="stDataFrame"]').first

    def stable_box():
        # The grid is a canvas clicked by coordinates: measure it once it has stopped moving
        # (the bar above the table grows once a row is chosen, messages may push it down),
        # else a click meant for a row can land on the header and choose every row.
        grid.scroll_into_view_if_needed()
        previous = None
        for _ in range(20):
            box = grid.bounding_box()
            if box is not None and box == previous:
                return box
            previous = box
            page.wait_for_timeout(300)
        return previous

    for row in (0, 1):
        box = stable_box()
        page.mouse.click(box["x"] + 18, box["y"] + 35 + 35 * row + 17)
        expect(main_text()).to_contain_text(f"{row + 1} ligne(s) choisie(s)")
        settled()
    shot("file_selection")
    page.get_by_role("button", name="Retenir (2)").click()
    expect(main_text()).to_contain_text("2 décision(s) « Retenu par le conseiller » enregistrée(s)")
    expect(main_text()).to_contain_text(f"{before - 2} suggestion(s) à traiter")
    shot("file_decision_groupee")

    # 10. Every page of the counsellor: French only, a reload keeps the session.
    every_page("counsellor")

    # 11. Scope: by offer, only their structure's people.
    go("Correspondances")
    page.get_by_role("radio", name="Par offre").click()
    expect(main_text()).to_contain_text("personne(s) de votre structure suggérée(s)")
    settled()
    expect(cards.first).to_contain_text(re.compile(r"^n° \d+ – "))
    for i in range(min(cards.count(), 10)):
        expect(cards.nth(i)).to_contain_text(re.compile(r"^n° \d+ – "))
        expect(cards.nth(i)).to_contain_text(structure)
    others = [s for s in service.demo_accounts().values() if s != structure]
    for other in others:
        expect(main_text()).not_to_contain_text(other)
    shot("conseiller_perimetre")

    # 12. Download the structure's list and open it.
    go("Listes")
    with page.expect_download() as info:
        page.get_by_role("button", name=f"Télécharger la liste « {structure} »").click()
    download = info.value
    path = artifacts / download.suggested_filename
    download.save_as(path)
    shot("listes")
    wb = load_workbook(io.BytesIO(path.read_bytes()))
    rows = [
        [("" if v is None else str(v)) for v in row]
        for ws in wb.worksheets
        for row in ws.iter_rows(values_only=True)
    ]
    text = "\n".join(" | ".join(r) for r in rows)
    assert profile_ref in text
    assert structure in text
    for other in others:
        assert other not in text, f"{other} in the shortlist of {structure}"

    # 8. The Busin'ESS day: the counsellor marks the pair « pour la journée », the day has four
    # tables in two rooms; the coordinator plans it and downloads the room grids.
    from matcher.day import service as day_service
    from matcher.store.database import Store
    from matcher.workflow import auth

    store = Store(app[1])
    offer_ref = store.suggestions(auth.get_user(store, counsellor), profile_ref=profile_ref)
    offer_ref = offer_ref[offer_ref["status"] == "retained"]["offer_ref"].iloc[0]
    store.day_mark(auth.get_user(store, counsellor), offer_ref, profile_ref)
    day_service.save_setup(store, auth.get_user(store, "coordination"), day_service.DaySetup(
        tables=day_service.make_tables(4, ["Salle A", "Salle B"])))  # fmt: skip
    store.close()
    logout()
    login("coordination")
    expect(page.get_by_role("heading", name="Offres", exact=True)).to_be_visible()
    go("Journée Busin'ESS")
    expect(main_text()).to_contain_text("1 paire(s) pour la journée")
    page.get_by_role("tab", name="Planifier").click()
    page.get_by_label("Temps de calcul maximal (s)").fill("5")
    page.get_by_label("Temps de calcul maximal (s)").press("Enter")
    page.get_by_role("button", name="Planifier la journée").click()
    expect(main_text()).to_contain_text("Planning enregistré : 1 rencontre(s).")
    shot("journee_planifiee")
    page.get_by_role("tab", name="Documents").click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Grilles des salles (PDF)").click()
    pdf = artifacts / info.value.suggested_filename
    info.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    with page.expect_download() as info:
        page.get_by_role("button", name="Grilles des salles (Excel)").click()
    grid = artifacts / info.value.suggested_filename
    info.value.save_as(grid)
    shot("journee_documents")
    wb = load_workbook(grid)
    cells = [str(v) for ws in wb.worksheets for row in ws.iter_rows(values_only=True)
             for v in row if v is not None]  # fmt: skip
    assert any(profile_ref in c and structure in c for c in cells)
    context.close()
