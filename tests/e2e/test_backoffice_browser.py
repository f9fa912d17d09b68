"""A Region editor at work in the back office, in a real Chromium."""

import re
from datetime import date, time
from pathlib import Path

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from structures import text
from structures.models import OpeningHours, ReceptionPoint, StaffProfile
from tests.e2e.conftest import DESKTOP, log_in
from tests.structures.factories import ClosureFactory, ReceptionPointFactory
from tests.structures.test_dila_import import CIO as DILA_CIO
from tests.structures.test_dila_import import FILE as DILA_FILE

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def point():
    point = ReceptionPointFactory(
        name="CIO de Vienne", commune_insee="38544", phone="04 65 71 00 05", last_verified_on=None
    )
    OpeningHours.objects.create(point=point, weekday=1, opens=time(9), closes=time(12))
    return point


def test_an_editor_updates_a_point_and_the_public_page_shows_it(live_server, page, editor, point, screenshot):
    log_in(page, live_server)
    expect(page.get_by_role("link", name=re.compile("Tableau de bord"))).to_be_visible()

    page.goto(f"{live_server.url}/admin/structures/receptionpoint/{point.pk}/change/")
    page.get_by_label("Plage 1 du mardi", exact=True).fill("9 h – 12 h 30")
    latitude_before = page.locator("#id_latitude").input_value()
    page.locator(".js-admin-map").scroll_into_view_if_needed()
    page.locator(".js-admin-map .leaflet-pane").first.wait_for(state="attached")
    box = page.locator(".js-admin-map").bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.6, box["y"] + box["height"] * 0.4)
    expect(page.locator("#id_geo_precision")).to_have_value("exact")
    assert page.locator("#id_latitude").input_value() != latitude_before
    page.locator("input[name='_save']").click()
    expect(page.locator(".messagelist")).to_contain_text("a été modifié")

    page.locator(f"input[name='_selected_action'][value='{point.pk}']").check()
    page.locator("select[name='action']").select_option("mark_verified")
    page.locator("button[name='index']").click()
    expect(page.locator(".messagelist")).to_contain_text("marquée(s) comme vérifiée(s) aujourd'hui")

    point.refresh_from_db()
    assert (point.geo_precision, point.last_verified_by) == ("exact", editor)
    page.goto(live_server.url + point.get_absolute_url())
    expect(page.get_by_role("row", name=re.compile("Mardi"))).to_contain_text("9 h 00 – 12 h 30")
    today = timezone.localdate()
    expect(page.locator(".point__verified")).to_contain_text(f"Vérifiée par la Région le {text.french_date(today)}")

    page.goto(f"{live_server.url}/admin/structures/structure/{point.structure_id}/change/")
    assert screenshot("admin-structure-1280x800").stat().st_size > 5000
    page.goto(f"{live_server.url}/admin/tableau-de-bord/")
    expect(page.get_by_role("heading", name="Tableau de bord de l'annuaire")).to_be_visible()
    assert screenshot("admin-tableau-de-bord-1280x800").stat().st_size > 5000


def upload_hours(page, point, tuesday_closes):
    """Send a Windows-1252, semicolon-separated hours file of two slots through the import form."""
    rows = [
        "lieu;jour;ouverture;fermeture",
        f"{point.slug};mardi;09:00;{tuesday_closes}",
        f"{point.slug};jeudi;14:00;17:00",
    ]
    data = ("\r\n".join(rows) + "\r\n").encode("cp1252")
    page.locator("input[name='import_file']").set_input_files(
        {"name": "horaires.csv", "mimeType": "text/csv", "buffer": data}
    )
    page.locator("select[name='format']").select_option(label="csv")
    page.locator("input[type='submit']").click()


def test_an_editor_imports_hours_after_a_dry_run(live_server, page, editor, point, screenshot):
    log_in(page, live_server)

    page.goto(f"{live_server.url}/admin/structures/openinghours/")
    page.get_by_role("link", name="Importer").click()
    upload_hours(page, point, "08:00")
    report = page.get_by_role("table", name=re.compile("Problèmes trouvés"))
    expect(report).to_contain_text("L'heure de fermeture doit être après l'heure d'ouverture.")
    expect(page.get_by_role("button", name=re.compile("Confirmer"))).to_have_count(0)
    assert screenshot("admin-import-refuse-1280x800").stat().st_size > 5000
    assert list(point.opening_hours.values_list("closes", flat=True)) == [time(12)]

    upload_hours(page, point, "12:30")
    expect(page.locator("#content")).to_contain_text("2 lignes lues, aucune refusée")
    assert screenshot("admin-import-apercu-1280x800").stat().st_size > 5000
    page.get_by_role("button", name=re.compile("Confirmer")).click()
    expect(page.locator(".messagelist")).to_contain_text("Importation terminée : 1 création, 1 modification")
    slots = sorted(point.opening_hours.values_list("weekday", "opens", "closes"))
    assert slots == [(1, time(9), time(12, 30)), (3, time(14), time(17))]


def test_the_back_office_works_under_the_content_security_policy(live_server, page, editor, point):
    """Nothing of the back office is blocked by the CSP (no inline script or style; the history page's
    list is the project's own template, without django-simple-history's style attribute)."""
    page.add_init_script(
        "window.__csp = []; document.addEventListener('securitypolicyviolation', "
        "(e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sourceFile));"
    )
    log_in(page, live_server)
    expect(page.get_by_role("link", name=re.compile("Tableau de bord"))).to_be_visible()
    for path in [
        "",
        "tableau-de-bord/",
        "structures/receptionpoint/",
        f"structures/receptionpoint/{point.pk}/change/",
        f"structures/receptionpoint/{point.pk}/history/",
        f"structures/structure/{point.structure_id}/change/",
        "structures/receptionpoint/import/",
        "structures/receptionpoint/export/",
        "structures/openinghours/",
    ]:
        page.goto(f"{live_server.url}/admin/{path}")
        page.wait_for_load_state("networkidle")
        blocked = [violation.split(" ")[0] for violation in page.evaluate("window.__csp")]
        assert blocked == [], path
    # The map of the place form has its size from the site's style sheet.
    page.goto(f"{live_server.url}/admin/structures/receptionpoint/{point.pk}/change/")
    assert page.locator(".js-admin-map").bounding_box()["height"] == 320


def test_exporting_only_the_columns_checked(live_server, page, editor, point, screenshot):
    """« Toutes les colonnes » unchecks every column, two are checked again (the box then says
    « mixed »): the file has those two columns, in the file's order."""
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/structures/receptionpoint/export/")
    every = page.get_by_label("Toutes les colonnes")
    expect(every).to_be_checked()
    every.uncheck()
    expect(page.get_by_label(re.compile("^identifiant :"))).not_to_be_checked()
    page.get_by_label(re.compile("^code_postal :")).check()
    page.get_by_label(re.compile("^nom :")).check()
    assert every.evaluate("box => box.indeterminate") is True
    screenshot("export-de-lieux-1280x800")
    page.get_by_label("Format du fichier").select_option(label="csv")
    with page.expect_download() as download:
        page.get_by_role("button", name="Exporter").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert text.splitlines()[0] == "nom;code_postal"
    assert f"{point.name};{point.postal_code}" in text.splitlines()


def test_placing_a_point_on_the_basemap_inside_its_commune(live_server, page, editor, point, settings, screenshot):
    """The placing map draws the site's basemap and the commune's outline; with an address service
    configured but unreachable, the search says so in French and the map still places the point."""
    settings.ADDRESS_API_URL = "http://127.0.0.1:9/geocodage/search"  # nothing listens on port 9
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/structures/receptionpoint/{point.pk}/change/")
    carte = page.locator(".js-admin-map")
    carte.scroll_into_view_if_needed()
    # Vienne's outline over the basemap, whose names and attribution are there too.
    expect(carte.locator(".leaflet-overlay-pane path")).to_have_count(1, timeout=15000)
    expect(carte.locator(".map-name", has_text=re.compile("^Vienne$"))).to_be_visible(timeout=15000)
    expect(carte.locator(".leaflet-control-attribution")).to_contain_text("IGN – ADMIN EXPRESS")
    assert page.locator("img.leaflet-tile").count() == 0
    search = page.get_by_label("Rechercher l'adresse (Base Adresse Nationale)")
    search.fill("12 rue de la République")
    search.press("Enter")  # searches, does not save the form
    expect(page.locator(".js-address-status")).to_have_text(
        "Le service national des adresses ne répond pas. Placez le lieu en cliquant sur la carte, "
        "ou réessayez dans quelques minutes."
    )
    expect(page).to_have_url(re.compile(f"/receptionpoint/{point.pk}/change/$"))
    latitude_before = page.locator("#id_latitude").input_value()
    box = carte.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.5, box["y"] + box["height"] * 0.45)
    expect(page.locator("#id_geo_precision")).to_have_value("exact")
    assert page.locator("#id_latitude").input_value() != latitude_before
    screenshot("placer-un-lieu-1280x800")
    page.get_by_role("button", name="Position de la commune").click()
    expect(page.locator("#id_geo_precision")).to_have_value("commune")


def test_nothing_changed_marks_a_record_verified_in_one_step(live_server, page, editor, screenshot):
    """A record of the State's 2019 directory, never checked: the editor confirms it in one click, and
    its public page stops warning that the information is old."""
    point = ReceptionPointFactory(
        name="CIO de Vienne", commune_insee="38544", source="Annuaire de l'administration (DILA), 2019",
        source_date=date(2019, 10, 22), last_verified_on=None,
    )  # fmt: skip
    page.goto(live_server.url + point.get_absolute_url())
    expect(page.get_by_text("Ces informations datent de plus d'un an")).to_be_visible()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/structures/receptionpoint/{point.pk}/change/")
    expect(page.get_by_text("dernière vérification : jamais")).to_be_visible()
    page.get_by_role("button", name="Enregistrer et marquer comme vérifiée aujourd'hui").click()
    expect(page.locator(".messagelist")).to_contain_text("« CIO de Vienne » est enregistrée et vérifiée aujourd'hui.")
    expect(page).to_have_url(re.compile(f"/receptionpoint/{point.pk}/change/$"))
    screenshot("fiche-verifiee-1280x800")
    point.refresh_from_db()
    assert (point.last_verified_on, point.last_verified_by) == (timezone.localdate(), editor)
    page.goto(live_server.url + point.get_absolute_url())
    expect(page.get_by_text("Ces informations datent de plus d'un an")).to_have_count(0)
    expect(page.locator(".point__verified")).to_contain_text(
        f"Vérifiée par la Région le {text.french_date(timezone.localdate())}"
    )


def test_importing_the_states_directory_then_verifying_from_the_queue(
    live_server, page, editor, screenshot, axe_violations, settings, tmp_path
):
    """The editor reads a DILA file as a dry run, imports it, and is taken to the verification queue,
    where each record opens on its form and « Enregistrer et marquer comme vérifiée » brings back."""
    settings.IMPORT_TEMP_DIR = str(tmp_path / "imports")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/structures/receptionpoint/")
    page.get_by_role("link", name="Importer l'Annuaire de l'administration").click()
    count, report = axe_violations()
    assert count == 0, report
    page.get_by_label("Fichier JSON de l'Annuaire de l'administration").set_input_files(str(DILA_FILE))
    page.get_by_role("button", name="Voir ce qui changerait (rien n'est enregistré)").click()
    expect(page.get_by_text("4 nouveaux lieux")).to_be_visible()
    expect(page.get_by_role("cell", name="Centre d'information et d'orientation (CIO) - Vienne")).to_be_visible()
    count, report = axe_violations()
    assert count == 0, report
    screenshot("import-annuaire-apercu-1280x800")
    page.get_by_role("button", name="Enregistrer l'import").click()
    expect(page.locator(".messagelist")).to_contain_text("Import enregistré : 4 lieu(x) créé(s)")
    expect(page.get_by_role("heading", name="Lieux à vérifier", exact=True)).to_be_visible()
    # The Isère, then its records to check: the CIO of Vienne, never verified.
    page.get_by_label("Département").select_option("38")
    page.get_by_role("button", name="Afficher").click()
    row = page.get_by_role("row").filter(has_text="Centre d'information et d'orientation (CIO) - Vienne")
    expect(row).to_contain_text("Jamais vérifiée")
    count, report = axe_violations()
    assert count == 0, report
    screenshot("lieux-a-verifier-1280x800")
    row.get_by_role("link").click()
    page.get_by_role("button", name="Enregistrer et marquer comme vérifiée aujourd'hui").click()
    expect(page).to_have_url(re.compile(r"/a-verifier/\?departement=38&reseau=&motif=$"))
    expect(page.locator(".messagelist")).to_contain_text("est enregistrée et vérifiée aujourd'hui")
    expect(
        page.get_by_role("row").filter(has_text="Centre d'information et d'orientation (CIO) - Vienne")
    ).to_have_count(0)
    point = ReceptionPoint.objects.get(dila_id=DILA_CIO)
    assert (point.last_verified_on, point.last_verified_by) == (timezone.localdate(), editor)


def test_editing_a_week_of_hours_with_the_grid_and_the_keyboard(live_server, page, editor, point, screenshot):
    """Monday typed « 9 h – 12 h » and « 13 h 30 – 17 h », copied to the other weekdays, Wednesday
    afternoon closed, a Saturday morning on the first and third Saturdays: the preview and then the
    public page say so."""
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/structures/receptionpoint/{point.pk}/change/")
    page.get_by_label("Plage 1 du lundi", exact=True).fill("9 h – 12 h")
    page.keyboard.press("Tab")  # to the weeks of that range, with the keyboard
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Plage 2 du lundi", exact=True)).to_be_focused()
    page.keyboard.type("13 h 30 – 17 h")
    page.get_by_role("button", name="Copier le lundi sur les jours ouvrés (mardi à vendredi)").click()
    expect(page.get_by_label("Plage 2 du vendredi", exact=True)).to_have_value("13 h 30 – 17 h")
    expect(page.get_by_label("Fermé le mercredi")).not_to_be_checked()
    page.get_by_label("Plage 2 du mercredi", exact=True).fill("")
    page.get_by_label("Fermé le samedi").uncheck()
    page.get_by_label("Plage 1 du samedi", exact=True).fill("9h-12h")
    page.get_by_label("Semaines de la plage 1 du samedi").select_option("first_third")
    preview = page.locator(".js-week-preview")
    # The whole expression of the final week: asserting a part of it could pass on the preview of an
    # earlier state (before Wednesday afternoon was emptied) still on screen.
    expect(preview.locator("code")).to_have_text(
        "Mo,Tu 09:00-12:00,13:30-17:00; We 09:00-12:00; Th,Fr 09:00-12:00,13:30-17:00, Sa[1,3] 09:00-12:00; PH off"
    )
    expect(preview.get_by_role("row", name="Mercredi")).to_contain_text("9 h 00 – 12 h 00")
    screenshot("semaine-d-horaires-1280x800")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("a été modifié")
    slots = sorted(
        (slot.weekday, slot.recurrence, slot.opens, slot.closes) for slot in OpeningHours.objects.filter(point=point)
    )
    assert len(slots) == 10
    assert (2, "weekly", time(13, 30), time(17)) not in slots
    assert (5, "first_third", time(9), time(12)) in slots
    page.goto(live_server.url + point.get_absolute_url())
    expect(page.locator("table.hours").get_by_role("row", name="Samedi")).to_contain_text("1er et 3e du mois")


def test_the_week_of_hours_works_without_javascript(live_server, browser, editor, point):
    context = browser.new_context(java_script_enabled=False, viewport=DESKTOP)
    page = context.new_page()
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/structures/receptionpoint/{point.pk}/change/")
    # Tuesday morning from the fixture, shown as typed; the copy button needs JavaScript and stays hidden.
    expect(page.get_by_label("Plage 1 du mardi", exact=True)).to_have_value("9 h 00 – 12 h 00")
    expect(page.get_by_role("button", name="Copier le lundi sur les jours ouvrés (mardi à vendredi)")).to_be_hidden()
    page.get_by_label("Fermé le jeudi").uncheck()
    page.get_by_label("Plage 1 du jeudi", exact=True).fill("14h-17h")
    page.get_by_label("Plage 2 du mardi", exact=True).fill("11 h – 15 h")  # overlaps the morning
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".errorlist")).to_contain_text(
        "Deux créneaux du mardi se chevauchent : 09:00–12:00 et 11:00–15:00."
    )
    # What was typed is still there, to correct.
    expect(page.get_by_label("Plage 1 du jeudi", exact=True)).to_have_value("14h-17h")
    page.get_by_label("Plage 2 du mardi", exact=True).fill("")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("a été modifié")
    assert sorted((slot.weekday, slot.opens) for slot in OpeningHours.objects.filter(point=point)) == [
        (1, time(9)),
        (3, time(14)),
    ]
    context.close()


def test_a_report_from_the_public_reaches_the_staff_of_its_department(live_server, page, editor, point):
    editor.email = "redactrice@region.example"
    editor.save()
    StaffProfile.objects.create(user=editor).departments.set(["38"])
    page.goto(f"{live_server.url}{point.get_absolute_url()}signaler/")
    page.get_by_label("Qu'est-ce qui est inexact ou manque sur cette fiche ?").fill(
        "Le numéro de téléphone ne répond plus depuis septembre."
    )
    page.wait_for_timeout(3200)  # a form sent within 3 seconds is a robot's
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.get_by_text("Merci, votre signalement a été transmis")).to_be_visible()
    [sent] = mail.outbox
    assert sent.to == ["redactrice@region.example"]
    assert sent.subject == "Signalement d'erreur : CIO de Vienne"
    assert "« Le numéro de téléphone ne répond plus depuis septembre. »" in sent.body


def test_going_back_to_an_older_version_brings_back_its_hours_and_closure(live_server, page, editor, point):
    """Tuesday's hours and a closure deleted by mistake with a phone change: the history tells what
    went, and going back to the version before brings all of it back to the public page."""
    ClosureFactory(point=point, message="Fermé pour inventaire.")
    log_in(page, live_server)
    page.goto(f"{live_server.url}/admin/structures/receptionpoint/{point.pk}/change/")
    page.locator("#id_phone").fill("04 65 71 00 99")
    page.get_by_label("Plage 1 du mardi", exact=True).fill("")
    page.get_by_label("Supprimer, ligne 1").check()
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(page.locator(".messagelist")).to_contain_text("a été modifié")
    assert not point.opening_hours.exists()
    assert not point.closures.exists()

    page.goto(f"{live_server.url}/admin/structures/receptionpoint/{point.pk}/history/")
    history = page.locator("#change-history")
    expect(history).to_contain_text("Téléphone : 04 65 71 00 05 → 04 65 71 00 99")
    expect(history).to_contain_text("Mardi : 9 h 00 – 12 h 00 retiré")
    expect(history).to_contain_text("(« Fermé pour inventaire. ») retirée")
    # The version before the mistake: the second line, the newest first.
    history.get_by_role("link", name=re.compile("Voir cette version")).nth(1).click()
    expect(page.locator("#id_phone")).to_have_value("04 65 71 00 05")
    expect(page.get_by_label("Plage 1 du mardi", exact=True)).to_have_value("9 h 00 – 12 h 00")
    page.get_by_role("button", name="Revenir à cette version").first.click()
    expect(page.locator(".messagelist")).to_contain_text("a été modifié")

    page.goto(live_server.url + point.get_absolute_url())
    expect(page.locator("table.hours").get_by_role("row", name="Mardi")).to_contain_text("9 h")
    expect(page.get_by_text("Fermé pour inventaire.")).to_be_visible()
    expect(page.get_by_text("04 65 71 00 05").first).to_be_visible()


def test_a_concurrent_edit_is_refused_with_what_changed(live_server, page, editor, point):
    """Two tabs on the same point: the second save, from the older form, is refused, shows what the
    first one changed and keeps what it typed; nothing is overwritten."""
    log_in(page, live_server)
    url = f"{live_server.url}/admin/structures/receptionpoint/{point.pk}/change/"
    other = page.context.new_page()
    page.goto(url)
    other.goto(url)
    other.locator("#id_phone").fill("04 65 71 00 77")
    other.get_by_role("button", name="Enregistrer", exact=True).click()
    expect(other.locator(".messagelist")).to_contain_text("a été modifié")

    page.locator("#id_phone").fill("04 65 71 00 88")
    page.get_by_role("button", name="Enregistrer", exact=True).click()
    errors = page.locator(".errornote, .errorlist.nonfield")
    expect(errors.last).to_contain_text("Quelqu'un a enregistré cette fiche depuis que vous l'avez ouverte (redactrice")
    expect(errors.last).to_contain_text("Téléphone : « 04 65 71 00 05 » → « 04 65 71 00 77 »")
    expect(page.locator("#id_phone")).to_have_value("04 65 71 00 88")
    point.refresh_from_db()
    assert point.phone == "04 65 71 00 77"
    other.close()
