"""The week of a point's hours in the back office: typed ranges, monthly rhythms, « Fermé », the same
overlap rule as the import, and the preview of what the public will read."""

from datetime import time

import pytest
from django import forms
from django.urls import reverse

from structures.admin_week import WeekField, WeekWidget
from structures.models import OpeningHours
from tests.structures.factories import ReceptionPointFactory, week_fields

pytestmark = pytest.mark.django_db


def read(data):
    return WeekField(required=False).clean(WeekWidget().value_from_datadict(data, None, "week"))


def cleaned(slots, **extra):
    return read({**week_fields(slots), **extra})


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("9 h – 12 h", (time(9), time(12))),
        ("9h-12h30", (time(9), time(12, 30))),
        ("09:00-12:00", (time(9), time(12))),
        ("13 h 30 à 17 h", (time(13, 30), time(17))),
        ("14h—17h", (time(14), time(17))),
    ],
)
def test_ranges_are_typed_as_people_write_them(typed, expected):
    data = week_fields([])
    del data["week_1_closed"]
    data["week_1_0_range"] = typed
    assert read(data) == [(1, "weekly", *expected, "")]


def test_a_monthly_rhythm_and_a_note_are_kept():
    slots = cleaned([(1, "9 h", "12 h", "first_third", "sur rendez-vous")])
    assert slots == [(1, "first_third", time(9), time(12), "sur rendez-vous")]


@pytest.mark.parametrize(
    ("slots", "extra", "message"),
    [
        (
            [(0, "9 h", "25 h")],
            {},
            "Lundi, plage 1 : « 9 h – 25 h » n'est pas une plage horaire ; écrivez-la par exemple « 9 h – 12 h ».",
        ),
        ([(0, "12 h", "9 h")], {}, "Lundi, plage 1 : l'heure d'ouverture doit précéder l'heure de fermeture."),
        (
            [(0, "9 h", "12 h"), (0, "11 h", "14 h")],
            {},
            "Deux créneaux du lundi se chevauchent : 09:00–12:00 et 11:00–14:00.",
        ),
        (
            [(0, "9 h", "12 h")],
            {"week_0_closed": "on"},
            "Lundi : « Fermé » est coché mais une plage est remplie ; décochez « Fermé » ou videz la plage.",
        ),
        ([(0, "9 h", "12 h", "every_day")], {}, "Lundi, plage 1 : choisissez les semaines concernées dans la liste."),
    ],
)
def test_mistakes_are_named_with_their_day_and_range(slots, extra, message):
    with pytest.raises(forms.ValidationError) as refused:
        cleaned(slots, **extra)
    assert message in refused.value.messages


def test_a_closed_day_and_empty_ranges_count_for_nothing():
    assert cleaned([]) == []


def test_an_unchanged_week_is_not_written_again():
    field = WeekField()
    saved = [(1, "weekly", time(9), time(12), "")]
    same = WeekWidget().value_from_datadict(week_fields([(1, "09:00", "12:00")]), None, "week")
    other = WeekWidget().value_from_datadict(week_fields([(1, "09:00", "12:30")]), None, "week")
    assert not field.has_changed(saved, same)
    assert field.has_changed(saved, other)
    assert not field.has_changed(saved, None)  # a form without the week leaves the hours alone


def test_the_preview_says_what_the_public_will_read(admin_client):
    url = reverse("admin:structures_receptionpoint_hours_preview")
    answer = admin_client.get(url, week_fields([(0, "9 h", "12 h"), (5, "9 h", "12 h", "first_third")])).json()
    assert answer["errors"] == []
    assert answer["osm"] == "Mo 09:00-12:00, Sa[1,3] 09:00-12:00; PH off"
    assert "9 h 00 – 12 h 00" in answer["html"]
    assert "1er et 3e du mois" in answer["html"]
    refused = admin_client.get(url, week_fields([(0, "9 h", "12 h"), (0, "10 h", "11 h")])).json()
    assert refused["errors"] == ["Deux créneaux du lundi se chevauchent : 09:00–12:00 et 10:00–11:00."]


def test_the_preview_is_for_staff_only(client):
    assert client.get(reverse("admin:structures_receptionpoint_hours_preview")).status_code == 302


def test_saving_the_week_records_each_slot_in_the_history(admin_client):
    point = ReceptionPointFactory(hours=[(1, "09:00", "12:00")])
    url = reverse("admin:structures_receptionpoint_change", args=[point.pk])
    form = admin_client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    for boolean in ("walk_in", "by_appointment", "on_site", "is_published"):
        data[boolean] = "on" if getattr(point, boolean) else ""
    data.update(
        structure=point.structure_id,
        commune=point.commune_id,
        **{"closures-TOTAL_FORMS": "0", "closures-INITIAL_FORMS": "0"},
        **week_fields([(1, "09:00", "12:00"), (3, "14 h", "17 h")]),
    )
    assert admin_client.post(url, data).status_code == 302
    assert sorted((slot.weekday, slot.opens) for slot in OpeningHours.objects.filter(point=point)) == [
        (1, time(9)),
        (3, time(14)),
    ]
    history = OpeningHours.history.filter(point_id=point.pk)
    assert sorted(history.values_list("history_type", flat=True)) == ["+", "+", "+", "-"]
