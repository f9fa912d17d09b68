"""Two people on the same record: the second save, made from an older revision, is refused with what
the first one changed; nothing is silently overwritten. And every record has a first version."""

from datetime import time

import pytest
from django.contrib.auth.models import User
from django.urls import reverse
from django.utils import timezone

from structures.demo.writer import load_demo_data
from structures.imports import ReceptionPointResource
from structures.models import Epci, OpeningHours, Public, ReceptionPoint, ServiceLevel, Structure
from tests.structures.factories import ClosureFactory, ReceptionPointFactory, StructureFactory, week_fields
from tests.structures.test_import_export import csv_file, run_import

pytestmark = pytest.mark.django_db


def change_form_data(client, point, **changes):
    url = reverse("admin:structures_receptionpoint_change", args=[point.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    for boolean in ("walk_in", "by_appointment", "on_site", "is_published"):
        data[boolean] = "on" if getattr(point, boolean) else ""
    data.update(structure=point.structure_id, commune=point.commune_id, **changes)
    data.update({"closures-TOTAL_FORMS": "0", "closures-INITIAL_FORMS": "0"})
    return url, data


def test_a_save_from_an_older_revision_is_refused_with_what_changed(admin_client, client):
    point = ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544", phone="04 74 00 00 01")
    # Two people open the form.
    url, mine = change_form_data(admin_client, point, phone="04 74 00 00 02")
    other = User.objects.create_superuser("collegue", "collegue@region.example", "mot-de-passe-solide-2026")
    client.force_login(other)
    _, theirs = change_form_data(client, point, phone="04 74 00 00 03", name="CIO de Vienne — centre")
    # They save first.
    assert client.post(url, theirs).status_code == 302
    # My save is refused: what they changed is shown, my phone is not written over theirs.
    response = admin_client.post(url, mine)
    assert response.status_code == 200
    errors = response.context["adminform"].form.non_field_errors()
    assert len(errors) == 1
    assert errors[0].startswith("Quelqu'un a enregistré cette fiche depuis que vous l'avez ouverte (collegue, le ")
    assert "Téléphone : « 04 74 00 00 01 » → « 04 74 00 00 03 »" in errors[0]
    assert "Nom du lieu : « CIO de Vienne » → « CIO de Vienne — centre »" in errors[0]
    point.refresh_from_db()
    assert (point.phone, point.revision) == ("04 74 00 00 03", 2)
    # Reloaded, from the current revision, my change goes through.
    _, again = change_form_data(admin_client, point, phone="04 74 00 00 02")
    assert admin_client.post(url, again).status_code == 302
    point.refresh_from_db()
    assert (point.phone, point.revision) == ("04 74 00 00 02", 3)


def test_each_save_counts_a_revision_even_through_actions(admin_client):
    point = ReceptionPointFactory()
    assert point.revision == 1
    admin_client.post(
        reverse("admin:structures_receptionpoint_changelist"),
        {"action": "mark_verified", "_selected_action": [point.pk]},
    )
    point.refresh_from_db()
    assert point.revision == 2


def test_records_loaded_in_bulk_have_a_first_version():
    load_demo_data()
    point = ReceptionPoint.objects.filter(opening_hours__isnull=False).first()
    [first] = point.history.all()
    assert first.history_change_reason.startswith("Créée par le chargement des données de démonstration du ")
    assert point.structure.history.count() == 1
    assert OpeningHours.history.filter(point_id=point.pk).count() == point.opening_hours.count()
    # A structure's first version holds its publics: going back to it keeps them.
    structure = Structure.objects.filter(publics__isnull=False).first()
    [structure_first] = structure.history.all()
    assert sorted(row.public_id for row in structure_first.publics.all()) == sorted(
        structure.publics.values_list("pk", flat=True)
    )
    # A reload does not keep the versions of the records it replaced.
    load_demo_data()
    assert ReceptionPoint.history.count() == ReceptionPoint.objects.count()
    assert Structure.history.count() == Structure.objects.count()


def test_records_created_by_a_file_import_say_so():
    structure = ReceptionPointFactory().structure
    headers = ["identifiant", "structure", "nom", "code_postal", "commune_insee"]
    run_import(
        ReceptionPointResource,
        csv_file(headers, [["lieu-importe", structure.slug, "Lieu importé", "42000", "42218"]]),
        dry_run=False,
    )
    [first] = ReceptionPoint.objects.get(slug="lieu-importe").history.all()
    assert first.history_change_reason.startswith("Créée par l'import de fichier du ")


def test_the_history_says_in_french_who_changed_what(admin_client):
    point = ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544", phone="04 74 00 00 01")
    url, data = change_form_data(admin_client, point, phone="04 74 00 00 02")
    assert admin_client.post(url, data).status_code == 302
    page = admin_client.get(reverse("admin:structures_receptionpoint_history", args=[point.pk])).content.decode()
    assert "Téléphone : 04 74 00 00 01 → 04 74 00 00 02" in page
    assert "Modification" in page
    assert "Première version" in page
    for untranslated in ("None", "CHANGES", "Changes", "l' objet"):
        assert untranslated not in page


def test_going_back_to_an_older_version_brings_back_its_hours_and_closures(admin_client):
    point = ReceptionPointFactory(
        name="CIO de Vienne", commune_insee="38544", phone="04 74 00 00 01", publics=["jeunes-16-25"], levels=[1]
    )
    first = point.history.earliest()
    OpeningHours.objects.create(point=point, weekday=1, opens=time(9), closes=time(12))
    ClosureFactory(point=point, message="Fermé pour travaux.")
    moment = timezone.now()
    version = point.history.latest()
    ReceptionPoint.history.filter(pk=version.pk).update(history_date=moment)
    # Since then: another phone, the hours and the closure deleted.
    point.phone = "04 74 00 00 09"
    point.save()
    point.opening_hours.all().delete()
    point.closures.all().delete()
    point.publics.set(Public.objects.filter(slug="cadres"))
    point.levels.clear()
    url = reverse("admin:structures_receptionpoint_simple_history", args=[point.pk, version.history_id])
    form = admin_client.get(url).context["adminform"].form
    assert sorted(Public.objects.get(pk=pk).slug for pk in form.initial["publics"]) == ["jeunes-16-25"]
    data = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    for boolean in ("walk_in", "by_appointment", "on_site", "is_published"):
        data[boolean] = "on" if form.initial.get(boolean) else ""
    week = [
        (day, f"{opens:%H:%M}", f"{closes:%H:%M}", weeks, note)
        for day, weeks, opens, closes, note in form.initial["week"]
    ]
    data.update(structure=point.structure_id, commune=point.commune_id, **week_fields(week))
    data.update(publics=form.initial["publics"], levels=form.initial["levels"])
    assert admin_client.post(url, data).status_code == 302
    point.refresh_from_db()
    assert point.phone == "04 74 00 00 01"
    assert [public.slug for public in point.publics.all()] == ["jeunes-16-25"]
    assert [level.level for level in point.levels.all()] == [1]
    assert [(slot.weekday, slot.opens) for slot in point.opening_hours.all()] == [(1, time(9))]
    assert [closure.message for closure in point.closures.all()] == ["Fermé pour travaux."]
    assert first.history_type == "+"


def test_one_save_is_one_version_holding_the_hours_publics_and_levels_it_changed(admin_client):
    point = ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544", hours=[(0, "09:00", "12:00")])
    versions_before = point.history.count()
    jeunes = Public.objects.get(slug="jeunes-16-25")
    history_url = reverse("admin:structures_receptionpoint_history", args=[point.pk])

    def save_week(*slots):
        url, data = change_form_data(
            admin_client,
            point,
            publics=[jeunes.pk],
            levels=[ServiceLevel.objects.get(level=2).pk],
            **week_fields(slots),
        )
        assert admin_client.post(url, data).status_code == 302
        return admin_client.get(history_url).content.decode()

    page = save_week((0, "09:00", "12:00"), (1, "09:00", "12:00"), (1, "13:30", "17:00"))
    assert point.history.count() == versions_before + 1
    latest = point.history.first()
    assert [row.public_id for row in latest.publics.all()] == [jeunes.pk]
    assert f"Publics propres au lieu : vide → {jeunes.name}" in page
    assert "Mardi : 9 h 00 – 12 h 00 ajouté" in page
    assert "Mardi : 13 h 30 – 17 h 00 ajouté" in page
    # In the week's order, not the text's (« 13 h 30 » would come before « 9 h 00 »).
    assert page.index("Mardi : 9 h 00 – 12 h 00 ajouté") < page.index("Mardi : 13 h 30 – 17 h 00 ajouté")
    # The Monday slot, saved again with the whole week, did not change: only its creation is told.
    assert page.count("Lundi : 9 h 00 – 12 h 00 ajouté") == 1
    assert "Lundi : 9 h 00 – 12 h 00 retiré" not in page
    # Taking the Tuesday afternoon away reads as such on the next version.
    page = save_week((0, "09:00", "12:00"), (1, "09:00", "12:00"))
    assert page.count("Mardi : 13 h 30 – 17 h 00 retiré") == 1
    assert page.count("Mardi : 13 h 30 – 17 h 00 ajouté") == 1


def test_a_closure_added_with_a_version_is_told_in_its_history(admin_client):
    point = ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544")
    url, data = change_form_data(admin_client, point)
    data.update(
        {
            "closures-TOTAL_FORMS": "1",
            "closures-0-starts_on": "24/12/2026",
            "closures-0-ends_on": "02/01/2027",
            "closures-0-message": "Fermé pendant les fêtes.",
        }
    )
    assert admin_client.post(url, data).status_code == 302
    page = admin_client.get(reverse("admin:structures_receptionpoint_history", args=[point.pk])).content.decode()
    assert (
        "Fermeture ou horaires exceptionnels du 24 décembre 2026 au 2 janvier 2027 "
        "(« Fermé pendant les fêtes. ») ajoutée" in page
    )


def test_a_version_holds_the_hours_saved_with_it(admin_client):
    """The week saved by an admin save is written just after that save's version: going back to that
    version brings that week, not the one before it."""
    point = ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544", hours=[(0, "09:00", "12:00")])
    url, data = change_form_data(admin_client, point, **week_fields([(1, "14:00", "17:00")]))
    assert admin_client.post(url, data).status_code == 302
    with_tuesday = point.history.first()
    url, data = change_form_data(admin_client, point, **week_fields([(4, "08:30", "11:30")]))
    assert admin_client.post(url, data).status_code == 302
    version_url = reverse("admin:structures_receptionpoint_simple_history", args=[point.pk, with_tuesday.history_id])
    form = admin_client.get(version_url).context["adminform"].form
    assert form.initial["week"] == [(1, "weekly", time(14), time(17), "")]


def structure_form_data(client, url, **changes):
    """The fields of a structure's admin form (a change form, or a version to go back to) as posted."""
    form = client.get(url).context["adminform"].form
    data = {}
    for key, value in form.initial.items():
        if isinstance(value, list | tuple):
            data[key] = [getattr(item, "pk", item) for item in value]
        elif value is not None:
            data[key] = getattr(value, "pk", value)
    data.update({"points-TOTAL_FORMS": "0", "points-INITIAL_FORMS": "0"}, **changes)
    return data


def test_a_structures_area_is_kept_with_its_versions_and_comes_back_with_them(admin_client):
    structure = StructureFactory(name="Mission Locale Isère Rhodanienne", network_slug="mission-locale")
    vienne, roussillon = Epci.objects.get(code="200077014"), Epci.objects.get(code="200085751")
    structure.competence_epcis.set([vienne])
    url = reverse("admin:structures_structure_change", args=[structure.pk])
    assert admin_client.post(url, structure_form_data(admin_client, url, phone="04 74 00 00 01")).status_code == 302
    first = structure.history.latest()
    assert [row.epci_id for row in first.competence_epcis.all()] == [vienne.pk]
    # The area widened, and a commune taken out.
    data = structure_form_data(
        admin_client, url, competence_epcis=[vienne.pk, roussillon.pk], excluded_communes=["38544"]
    )
    assert admin_client.post(url, data).status_code == 302
    page = admin_client.get(reverse("admin:structures_structure_history", args=[structure.pk])).content.decode()
    assert (
        f"Intercommunalités de compétence : {vienne.name} → {', '.join(sorted([vienne.name, roussillon.name]))}" in page
    )
    assert "Communes retirées du secteur : vide → Vienne" in page
    # Going back to the first version brings its area back.
    back = reverse("admin:structures_structure_simple_history", args=[structure.pk, first.history_id])
    assert admin_client.post(back, structure_form_data(admin_client, back)).status_code == 302
    assert list(structure.competence_epcis.all()) == [vienne]
    assert list(structure.excluded_communes.all()) == []
