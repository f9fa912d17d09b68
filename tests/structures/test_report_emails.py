"""Error reports reach the staff who follow the point's department, by e-mail: at each report or in a
daily digest; the e-mail holds what the person wrote and nothing else about them."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from structures.models import ErrorReport, StaffProfile
from structures.notifications import send_digest
from structures.roles import EDITORS
from tests.annuaire.test_reports import MESSAGE, post
from tests.structures.factories import ReceptionPointFactory, staff_member

pytestmark = pytest.mark.django_db


def follower(username, departments, mode=StaffProfile.ReportEmails.IMMEDIATE, email=None):
    user = staff_member(EDITORS, username)
    user.email = f"{username}@region.example" if email is None else email
    user.save()
    profile = StaffProfile.objects.create(user=user, report_emails=mode)
    profile.departments.set(departments)
    return user


@pytest.fixture
def point():
    return ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544")


def test_a_new_report_is_emailed_to_the_staff_of_its_department_only(client, point, settings):
    settings.SITE_URL = "https://annuaire.example"
    follower("isere", ["38"])
    follower("isere-et-rhone", ["38", "69"])
    follower("rhone", ["69"])
    follower("resume", ["38"], mode=StaffProfile.ReportEmails.DAILY)
    follower("sans-adresse", ["38"], email="")
    assert post(client, point, message=MESSAGE).status_code == 302
    client.get("/")  # the report's transaction has committed
    assert sorted(message.to[0] for message in mail.outbox) == [
        "isere-et-rhone@region.example",
        "isere@region.example",
    ]
    sent = mail.outbox[0]
    assert sent.subject == "Signalement d'erreur : CIO de Vienne"
    report = ErrorReport.objects.get()
    assert f"« {MESSAGE} »" in sent.body
    assert f"https://annuaire.example{reverse('admin:structures_errorreport_change', args=[report.pk])}" in sent.body
    assert f"https://annuaire.example{point.get_absolute_url()}" in sent.body
    assert "suit les signalements des lieux de ce département : Isère (38)" in sent.body
    # Each recipient gets their own message: nobody sees the others' addresses.
    assert all(len(message.to) == 1 and not message.cc and not message.bcc for message in mail.outbox)


def test_a_mail_server_down_does_not_lose_the_report(client, point, settings):
    settings.MAILERS = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": 9, "timeout": 1},
        }
    }
    follower("isere", ["38"])
    assert post(client, point, message=MESSAGE).status_code == 302
    assert client.get("/").status_code == 200
    assert ErrorReport.objects.count() == 1


def test_the_daily_digest_gathers_the_last_day_per_follower(point):
    other = ReceptionPointFactory(name="Mission Locale de Lyon", commune_insee="69123")
    now = timezone.now()
    fresh = ErrorReport.objects.create(point=point, message="Horaires du mardi changés.")
    ErrorReport.objects.create(point=other, message="Adresse changée en septembre.")
    old = ErrorReport.objects.create(point=point, message="Signalement d'avant-hier.")
    ErrorReport.objects.filter(pk=old.pk).update(created_at=now - timedelta(days=2))
    follower("isere", ["38"], mode=StaffProfile.ReportEmails.DAILY)
    follower("tout", ["38", "69"], mode=StaffProfile.ReportEmails.DAILY)
    follower("immediat", ["38"])
    assert send_digest(now=now + timedelta(minutes=1)) == 2
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {"isere@region.example", "tout@region.example"}
    assert by_recipient["isere@region.example"].subject == "1 signalement d'erreur depuis hier"
    assert "Horaires du mardi changés." in by_recipient["isere@region.example"].body
    assert "Signalement d'avant-hier." not in by_recipient["isere@region.example"].body
    assert by_recipient["tout@region.example"].subject == "2 signalements d'erreur depuis hier"
    assert fresh.point.name in by_recipient["tout@region.example"].body


def test_the_digest_command(point, capsys):
    ErrorReport.objects.create(point=point, message="Horaires du mardi changés.")
    follower("isere", ["38"], mode=StaffProfile.ReportEmails.DAILY)
    call_command("send_report_digest")
    assert capsys.readouterr().out == "Résumés des signalements envoyés : 1.\n"
    assert len(mail.outbox) == 1


def test_the_report_list_shows_status_and_links_to_the_record(admin_client, point):
    report = ErrorReport.objects.create(point=point, message="Horaires du mardi changés.")
    html = admin_client.get(reverse("admin:structures_errorreport_changelist")).content.decode()
    assert "Nouveau" in html
    assert f'href="{reverse("admin:structures_receptionpoint_change", args=[point.pk])}"' in html
    assert f'href="{point.get_absolute_url()}"' in html
    admin_client.post(
        reverse("admin:structures_errorreport_changelist"),
        {"action": "mark_in_progress", "_selected_action": [report.pk]},
    )
    report.refresh_from_db()
    assert report.get_status_display() == "En cours"


def test_an_administrator_sets_who_follows_which_department(admin_client):
    user = staff_member(EDITORS, "redacteur")
    url = reverse("admin:auth_user_change", args=[user.pk])
    page = admin_client.get(url).content.decode()
    assert "Signalements d&#x27;erreur reçus par courriel" in page or "Signalements d'erreur reçus par courriel" in page
    assert "Un résumé par jour" in page
