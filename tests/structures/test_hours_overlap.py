"""One overlap rule for opening slots, the same through the admin form and through the import."""

import csv
import io

import pytest
from django.urls import reverse

from structures.imports import OpeningHoursResource
from structures.imports.files import SpreadsheetCSV
from structures.models import OpeningHours
from tests.structures.factories import ReceptionPointFactory, week_fields

pytestmark = pytest.mark.django_db

# (slots as (weekday, weeks, opens, closes), whether two of them overlap)
CASES = [
    ([(1, "weekly", "09:00", "12:00"), (1, "first_third", "10:00", "11:00")], True),
    ([(1, "weekly", "09:00", "17:00"), (1, "weekly", "10:00", "11:00"), (1, "weekly", "12:00", "13:00")], True),
    ([(1, "first_third", "09:00", "12:00"), (1, "second_fourth", "10:00", "11:00")], False),
    ([(1, "first", "09:00", "12:00"), (1, "last", "10:00", "11:00")], False),
    ([(1, "second_fourth", "09:00", "12:00"), (1, "last", "10:00", "11:00")], True),
    ([(1, "first", "09:00", "12:00"), (1, "first_third", "11:30", "14:00")], True),
    ([(1, "weekly", "09:00", "12:00"), (1, "weekly", "12:00", "14:00")], False),
    ([(1, "weekly", "09:00", "12:00"), (2, "weekly", "10:00", "11:00")], False),
]
WEEKS_LABELS = {
    "weekly": "Chaque semaine",
    "first_third": "1er et 3e du mois",
    "second_fourth": "2e et 4e du mois",
    "first": "1er du mois",
    "last": "Dernier du mois",
}


def through_the_form(client, point, slots):
    url = reverse("admin:structures_receptionpoint_change", args=[point.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        {
            "structure": point.structure_id,
            "commune": point.commune_id,
            "closures-TOTAL_FORMS": "0",
            "closures-INITIAL_FORMS": "0",
            **week_fields([(weekday, opens, closes, weeks) for weekday, weeks, opens, closes in slots]),
        }
    )
    for boolean in ("walk_in", "by_appointment", "on_site", "is_published"):
        data[boolean] = "on" if getattr(point, boolean) else ""
    response = client.post(url, data)
    if response.status_code == 302:
        return False
    errors = " ".join(response.context["adminform"].form.errors["week"])
    assert "se chevauchent" in errors, errors
    return True


def through_the_import(point, slots):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(["lieu", "jour", "semaines", "ouverture", "fermeture"])
    days = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
    for weekday, weeks, opens, closes in slots:
        writer.writerow([point.slug, days[weekday], WEEKS_LABELS[weeks], opens, closes])
    dataset = SpreadsheetCSV().create_dataset(buffer.getvalue().encode())
    result = OpeningHoursResource().import_data(dataset, dry_run=True)
    messages = [problem.message for problem in result.problems]
    assert all("chevauche" in message for message in messages), messages
    return bool(messages)


@pytest.mark.parametrize(("slots", "overlap"), CASES)
def test_the_form_and_the_import_agree_on_overlaps(admin_client, slots, overlap):
    point = ReceptionPointFactory()
    assert through_the_import(point, slots) is overlap
    assert through_the_form(admin_client, point, slots) is overlap
    assert OpeningHours.objects.filter(point=point).count() == (0 if overlap else len(slots))
