"""The import of the State's directory (« Annuaire de l'administration », DILA): a file built on the real
record shape (tests/data/dila/) is read, shown as a dry run, then imported; the Region's corrections are
never overwritten unless a person accepts; bad files are refused with French messages, nothing saved."""

import copy
import json
from datetime import date, time
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from structures.enums import Accessibility, GeoPrecision, PointKind
from structures.imports.dila import (
    DilaFileError,
    apply_plan,
    plan_import,
    point_values,
    read_dila_file,
)
from structures.models import OpeningHours, ReceptionPoint, Structure
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db

FILE = Path(__file__).resolve().parents[1] / "data" / "dila" / "annuaire-extrait.json"
CIO, ML, PIJ, CIDFF = (f"5b2f0c1e-0d7a-4c8e-9f51-1a2b3c4d5e0{n}" for n in range(1, 5))
TODAY = date(2026, 11, 30)


def services():
    return copy.deepcopy(json.loads(FILE.read_text(encoding="utf-8"))["service"])


def encode(content):
    return json.dumps(content, ensure_ascii=False).encode()


def service(content, ident):
    return next(item for item in content if item["id"] == ident)


def imported(content=None, accepted=frozenset()):
    data = FILE.read_bytes() if content is None else encode({"service": content})
    plan = plan_import(read_dila_file(data))
    return plan, apply_plan(plan, accepted=accepted, today=TODAY)


def point(ident):
    return ReceptionPoint.objects.get(dila_id=ident)


def week(point):
    return [
        (slot.weekday, slot.opens, slot.closes, slot.note) for slot in point.opening_hours.order_by("weekday", "opens")
    ]


def test_the_file_is_read_as_published_and_as_the_api_exports_it():
    records = {record.id: record for record in read_dila_file(FILE.read_bytes()).records}
    cio = records[CIO]
    assert (cio.network, cio.name, cio.values["commune"], cio.values["postal_code"]) == (
        "cio",
        "Centre d'information et d'orientation (CIO) - Vienne",
        "38544",
        "38200",
    )
    assert cio.values["position"] == [45.5241, 4.8765, "exact"]
    assert cio.values["accessibility"] == "accessible"
    assert cio.values["email"] == "cio-vienne@exemple.fr"
    assert cio.source_date == date(2025, 4, 7)
    # Monday to Friday in two slots, Saturday morning with its comment.
    assert len(cio.values["hours"]) == 11
    assert [5, "weekly", "09:00", "12:00", "sur rendez-vous"] in cio.values["hours"]
    # Nested fields written as JSON strings (the API's export): the long Mission Locale title shortened.
    ml = records[ML]
    assert (ml.network, ml.name) == ("mission-locale", "Mission Locale - Saint-Étienne - Tarentaize")
    assert ml.values["accessibility"] == "not_accessible"
    assert ml.values["hours"][0] == [1, "weekly", "09:00", "12:30", ""]
    # A former commune's code leads to the current commune; no position: its centre; the tariff is not a number.
    pij = records[PIJ]
    assert (pij.network, pij.values["commune"], pij.values["position"][2]) == ("info-jeunes", "74010", "commune")
    assert pij.values["phone"] == "04 50 00 00 03"
    assert pij.values["address_complement"] == "Maison des associations"
    # A CEDEX postal code is the mail's: the commune's own is kept; an unreadable website is left out.
    cidff = records[CIDFF]
    assert cidff.values["postal_code"] in {"63000", "63100"}
    assert cidff.website == ""


def test_dry_run_then_import_with_hours_accessibility_positions_and_a_first_version():
    points_before = ReceptionPoint.objects.count()
    plan = plan_import(read_dila_file(FILE.read_bytes()))
    assert sorted(record.id for record in plan.new) == [CIO, ML, PIJ, CIDFF]
    assert ReceptionPoint.objects.count() == points_before  # a dry run saves nothing
    report = apply_plan(plan, today=TODAY)
    assert (report.created, report.structures) == (4, 4)
    cio = point(CIO)
    assert cio.is_published
    assert not cio.is_demo
    assert (cio.geo_precision, cio.latitude, cio.longitude) == (GeoPrecision.EXACT, 45.5241, 4.8765)
    assert (cio.accessibility, cio.accessibility_details) == (
        Accessibility.ACCESSIBLE,
        "Entrée de plain-pied, ascenseur.",
    )
    assert week(cio)[:2] == [(0, time(8, 30), time(12), ""), (0, time(13, 30), time(17), "")]
    assert cio.phone == "04 74 00 00 01"
    assert cio.source.startswith("Annuaire de l'administration (DILA, service-public.fr)")
    assert CIO in cio.source
    assert cio.source_date == date(2025, 4, 7)
    assert cio.last_verified_on is None
    assert cio.structure.name == cio.name
    assert cio.kind == PointKind.MAIN
    # The first version of an imported record says where it comes from.
    assert cio.history.count() == 1
    assert cio.history.get().history_change_reason == "Import de l'Annuaire de l'administration du 30 novembre 2026"
    assert point(PIJ).commune.name == "Annecy"


def test_reimporting_the_same_file_changes_nothing():
    imported()
    versions = [point(ident).history.count() for ident in (CIO, ML, PIJ, CIDFF)]
    hours = OpeningHours.objects.count()
    plan, report = imported()
    assert plan.is_empty
    assert plan.unchanged == 4
    assert (report.created, report.updated, report.vanished) == (0, 0, 0)
    assert [point(ident).history.count() for ident in (CIO, ML, PIJ, CIDFF)] == versions
    assert OpeningHours.objects.count() == hours


def test_a_field_the_region_did_not_edit_follows_the_source():
    imported()
    content = services()
    service(content, CIO)["telephone"] = [{"valeur": "04 74 99 99 99"}]
    service(content, CIO)["plage_ouverture"] = [
        {
            "nom_jour_debut": "Mercredi",
            "nom_jour_fin": "",
            "valeur_heure_debut_1": "10:00:00",
            "valeur_heure_fin_1": "16:00:00",
        }
    ]
    plan, report = imported(content)
    changes = {change.field: change for item in plan.changed for change in item.changes}
    assert set(changes) == {"phone", "hours"}
    assert all(change.automatic for change in changes.values())
    assert plan.shown(changes["phone"]) == ("04 74 00 00 01", "04 74 99 99 99")
    assert plan.shown(changes["hours"])[1] == "mercredi 10:00–16:00"
    assert report.updated == 1
    cio = point(CIO)
    assert cio.phone == "04 74 99 99 99"
    assert week(cio) == [(2, time(10), time(16), "")]
    # Verified by no one since: it is in the verification queue, saying why.
    assert cio in ReceptionPoint.objects.changed_at_source()
    assert "mis à jour depuis la source : téléphone, horaires" in cio.verification_reason


def test_a_field_the_region_edited_waits_for_a_person_to_accept_the_source():
    imported()
    cio = point(CIO)
    cio.phone = "04 74 11 11 11"  # corrected by the Region
    cio.save()
    content = services()
    service(content, CIO)["telephone"] = [{"valeur": "04 74 99 99 99"}]
    # Not accepted: the Region's value stays, and the same source is not asked about again.
    plan, report = imported(content)
    [(item, change)] = plan.to_accept
    assert (change.field, change.ours, change.theirs, change.automatic) == (
        "phone",
        "04 74 11 11 11",
        "04 74 99 99 99",
        False,
    )
    assert report.kept == 1
    assert point(CIO).phone == "04 74 11 11 11"
    assert "changé à la source, non repris : téléphone" in point(CIO).source_change
    assert plan_import(read_dila_file(encode({"service": content}))).is_empty
    # A newer source value, accepted this time.
    service(content, CIO)["telephone"] = [{"valeur": "04 74 22 22 22"}]
    plan = plan_import(read_dila_file(encode({"service": content})))
    [(item, change)] = plan.to_accept
    apply_plan(plan, accepted={item.key(change)}, today=TODAY)
    assert point(CIO).phone == "04 74 22 22 22"


def test_a_record_of_the_demo_data_follows_its_live_version():
    """A real record of the demo data keeps its 2019 id and what the 2019 file said: the live record's
    hours, accessibility and exact position replace the demo's values."""
    structure = StructureFactory(network_slug="cio")
    demo = ReceptionPointFactory(
        structure=structure,
        name="CIO de Vienne",
        commune_insee="38544",
        dila_id=CIO,
        accessibility=Accessibility.UNKNOWN,
        is_demo=True,
    )
    demo.source_values = point_values(demo)
    demo.save()
    plan, report = imported()
    [item] = plan.changed
    assert all(change.automatic for change in item.changes)
    demo.refresh_from_db()
    assert demo.name == "Centre d'information et d'orientation (CIO) - Vienne"
    assert (demo.geo_precision, demo.accessibility) == (GeoPrecision.EXACT, Accessibility.ACCESSIBLE)
    assert len(week(demo)) == 11
    assert report.created == 3


def test_a_record_gone_from_the_source_joins_the_queue_once():
    imported()
    # The Loire's Mission Locale site is now another record of the source (the file still covers the
    # Missions Locales of the Loire).
    content = services()
    service(content, ML)["id"] = "5b2f0c1e-0d7a-4c8e-9f51-1a2b3c4d5e05"
    plan, report = imported(content)
    assert [p.dila_id for p in plan.vanished] == [ML]
    assert [record.id for record in plan.new] == ["5b2f0c1e-0d7a-4c8e-9f51-1a2b3c4d5e05"]
    assert report.vanished == 1
    gone = point(ML)
    assert gone.is_published  # neither deleted nor hidden: a person checks
    assert gone in ReceptionPoint.objects.to_verify()
    assert "Absente de l'Annuaire de l'administration" in gone.verification_reason
    versions = gone.history.count()
    plan, report = imported(content)
    assert plan.is_empty
    assert report.vanished == 0
    assert point(ML).history.count() == versions


def test_an_extract_of_one_department_says_nothing_of_the_others():
    imported()
    only_vienne = [item for item in services() if item["id"] == CIO]
    plan = plan_import(read_dila_file(encode({"service": only_vienne})))
    assert plan.vanished == []


def test_verifying_a_record_takes_it_out_of_the_queue():
    imported()
    cio = point(CIO)
    assert cio.verification_reason == "Jamais vérifiée"
    cio.last_verified_on = date.today()
    cio.save()
    assert cio not in ReceptionPoint.objects.to_verify()
    assert cio.verification_reason == ""


def broken(change):
    content = services()
    change(content)
    return encode({"service": content})


def set_field(ident, key, value):
    def change(content):
        service(content, ident)[key] = value

    return change


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b'{"service": [', "Le fichier n'est pas un JSON valide (ligne 1, colonne 14)"),
        ("é".encode("latin-1"), "Le fichier n'est pas encodé en UTF-8"),
        (b'{"services": []}', "Le fichier ne contient pas de liste de services"),
        (broken(set_field(CIO, "nom", "")), f"Fiche {CIO} : champ(s) absent(s) ou vide(s) : « nom »."),
        (
            broken(set_field(CIO, "pivot", [{"type_service_local": "mairie"}])),
            f"Fiche {CIO} : type « mairie » inconnu de l'annuaire du SPRO",
        ),
        (
            broken(set_field(CIO, "code_insee_commune", "75056")),
            f"Fiche {CIO} : la commune 75056 (Vienne) est hors de la région Auvergne-Rhône-Alpes.",
        ),
        (
            broken(
                lambda content: service(content, CIO)["plage_ouverture"].append(
                    service(content, CIO)["plage_ouverture"][0]
                )
            ),
            f"Fiche {CIO} : Deux créneaux du lundi se chevauchent",
        ),
        (
            broken(lambda content: service(content, CIO)["plage_ouverture"][0].update(valeur_heure_fin_1="8h")),
            f"Fiche {CIO} : heure illisible dans les horaires : « 8h ».",
        ),
        (
            broken(
                lambda content: service(content, CIO)["adresse"][0].update(latitude="4.87650", longitude="45.52410")
            ),
            f"Fiche {CIO} : la position 4.8765, 45.5241 est hors de la région.",
        ),
        (
            broken(set_field(CIO, "adresse_courriel", ["pas-une-adresse"])),
            f"Fiche {CIO} : adresse électronique invalide : « pas-une-adresse ».",
        ),
        (
            broken(lambda content: content.append(copy.deepcopy(service(content, CIO)))),
            f"Fiche {CIO} : l'identifiant figure déjà à la fiche n° 1 du fichier.",
        ),
    ],
)
def test_bad_files_are_refused_in_french_with_the_record_id_and_nothing_is_saved(data, message):
    points, structures = ReceptionPoint.objects.count(), Structure.objects.count()
    with pytest.raises(DilaFileError) as refused:
        read_dila_file(data)
    assert any(problem.startswith(message) for problem in refused.value.problems), refused.value.problems
    assert (ReceptionPoint.objects.count(), Structure.objects.count()) == (points, structures)


def test_a_national_file_leaves_out_other_services_and_other_regions():
    content = services()
    content.append(
        {**copy.deepcopy(service(content, CIO)), "id": "autre-type", "pivot": [{"type_service_local": "mairie"}]}
    )
    content.append({**copy.deepcopy(service(content, CIO)), "id": "autre-region", "code_insee_commune": "75056"})
    dila_file = read_dila_file(encode({"service": content}), national=True)
    assert (len(dila_file.records), dila_file.ignored) == (4, 2)


def test_the_command_shows_a_dry_run_then_imports(capsys):
    call_command("import_dila", str(FILE))
    shown = capsys.readouterr().out
    assert "4 nouveau(x) lieu(x)" in shown
    assert "Aperçu seulement : relancez avec --appliquer pour enregistrer." in shown
    assert not ReceptionPoint.objects.filter(dila_id=CIO).exists()
    call_command("import_dila", str(FILE), "--appliquer")
    assert "Import enregistré : 4 lieu(x) créé(s)" in capsys.readouterr().out
    assert ReceptionPoint.objects.filter(dila_id__in=[CIO, ML, PIJ, CIDFF]).count() == 4


def test_the_command_refuses_a_bad_file_in_french(tmp_path):
    bad = tmp_path / "annuaire.json"
    bad.write_text("[1]", encoding="utf-8")
    with pytest.raises(
        CommandError,
        match="Fichier refusé, rien n'est enregistré :\nFiche n° 1 du fichier : ce n'est pas un objet JSON.",
    ):
        call_command("import_dila", str(bad))


def test_a_site_joins_the_real_structure_competent_for_its_commune():
    """A Mission Locale site of the source joins the (real) Mission Locale whose area holds its commune;
    a demo structure never takes in a real record (reloading the demo data would delete it)."""
    demo = StructureFactory(network_slug="mission-locale", name="Mission Locale de démonstration", is_demo=True)
    demo.competence_departments.set(["42"])
    real = StructureFactory(network_slug="mission-locale", name="Mission Locale Loire Sud")
    real.competence_departments.set(["42"])
    imported()
    site = point(ML)
    assert (site.structure, site.kind) == (real, PointKind.BRANCH)
