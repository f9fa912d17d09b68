import time
from unittest import mock

import pytest
from django.urls import reverse

from annuaire.reports import REPORTS_PER_HOUR, new_token
from structures.models import ErrorReport
from tests.structures.factories import ReceptionPointFactory

pytestmark = pytest.mark.django_db
MESSAGE = "Les horaires ont changé depuis la rentrée."


@pytest.fixture
def point():
    return ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544")


def signed(seconds_ago):
    """A form token as the page would have issued it `seconds_ago` seconds ago."""
    with mock.patch("time.time", return_value=time.time() - seconds_ago):
        return new_token()


def post(client, point, **data):
    return client.post(reverse("annuaire:report-error", args=[point.slug]), {"jeton": signed(60), **data})


def test_a_report_is_saved_and_the_person_thanked(client, point):
    response = post(client, point, message=MESSAGE)
    assert response.status_code == 302
    assert response["Location"] == reverse("annuaire:report-error-thanks", args=[point.slug])
    report = ErrorReport.objects.get()
    assert (report.point, report.message, report.status) == (point, MESSAGE, "new")
    thanks = client.get(response["Location"]).content.decode()
    assert "Merci, votre signalement a été transmis" in thanks


def test_the_honeypot_drops_robots_silently(client, point):
    response = post(client, point, message=MESSAGE, site_web="http://spam.example")
    assert response.status_code == 302
    assert not ErrorReport.objects.exists()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"message": "Faux"}, "Décrivez l&#x27;erreur en quelques mots (10 caractères au moins)."),
        ({"message": ""}, "Décrivez l&#x27;erreur en quelques mots."),
        ({"message": "x" * 1001}, "Votre message est trop long (1 000 caractères au plus)."),
        ({"message": MESSAGE, "jeton": "n-importe-quoi"}, "Le formulaire n&#x27;est pas valide"),
    ],
)
def test_bad_reports_are_refused_in_french_and_nothing_saved(client, point, data, message):
    response = post(client, point, **data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ErrorReport.objects.exists()


@pytest.mark.parametrize(
    ("seconds_ago", "message"),
    [(1, "envoyé trop vite"), (2 * 24 * 3600, "Le formulaire a expiré")],
)
def test_forms_sent_too_fast_or_too_late_are_refused(client, point, seconds_ago, message):
    url = reverse("annuaire:report-error", args=[point.slug])
    response = client.post(url, {"message": MESSAGE, "jeton": signed(seconds_ago)})
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ErrorReport.objects.exists()


def test_reports_are_rate_limited(client, point):
    for _ in range(REPORTS_PER_HOUR):
        assert post(client, point, message=MESSAGE).status_code == 302
    typed = "Le numéro de téléphone ne répond plus depuis septembre."
    response = post(client, point, message=typed)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Votre signalement n'a pas été envoyé" in page
    assert "renvoyez-le dans une heure" in page
    # What the person typed is not lost: it is in the form, with a new token to send it later.
    assert response.context["form"]["message"].value() == typed
    assert f">{typed}</textarea>" in page
    assert response.context["form"]["jeton"].value()
    assert ErrorReport.objects.count() == REPORTS_PER_HOUR


def test_a_form_token_serves_once(client, point):
    url = reverse("annuaire:report-error", args=[point.slug])
    data = {"message": MESSAGE, "jeton": signed(60)}
    assert client.post(url, data).status_code == 302
    again = client.post(url, data)
    assert again.status_code == 400
    assert "Ce formulaire a déjà été envoyé" in again.content.decode()
    assert ErrorReport.objects.count() == 1


def test_a_refused_form_keeps_its_token_for_the_corrected_message(client, point):
    url = reverse("annuaire:report-error", args=[point.slug])
    token = signed(60)
    assert client.post(url, {"message": "Faux", "jeton": token}).status_code == 400
    assert client.post(url, {"message": MESSAGE, "jeton": token}).status_code == 302


def test_hidden_points_cannot_be_reported(client):
    point = ReceptionPointFactory(is_published=False)
    assert client.get(reverse("annuaire:report-error", args=[point.slug])).status_code == 404


def test_reports_are_listed_in_the_admin_with_their_point(admin_client, point):
    post(client=admin_client, point=point, message=MESSAGE)
    html = admin_client.get(reverse("admin:structures_errorreport_changelist")).content.decode()
    assert "CIO de Vienne" in html
    assert "Les horaires ont changé" in html
    assert "Nouveau" in html
