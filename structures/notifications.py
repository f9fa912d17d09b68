"""Error reports that reach someone: an e-mail to the staff who follow the point's department, at each
report or once a day (StaffProfile). Django's e-mail backend sends them: the console in development,
SMTP when EMAIL_HOST is configured (README, « Configuration »).

The e-mail holds what the person chose to write and nothing else about them: the report itself stores
no name, address or network address (structures/models/reports.py).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.urls import reverse
from django.utils import timezone

from structures.models import ErrorReport, StaffProfile
from structures.text import plural_fr

logger = logging.getLogger(__name__)


def followers(department, mode):
    """Active staff accounts with an e-mail address that follow `department` in `mode`."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            is_staff=True,
            staff_profile__report_emails=mode,
            staff_profile__departments=department,
        )
        .exclude(email="")
        .order_by("pk")
    )


def _report_text(report):
    point = report.point
    return (
        f"Lieu : {point.name} ({point.postal_code} {point.commune.name})\n"
        f"Reçu le {timezone.localtime(report.created_at):%d/%m/%Y à %H:%M}\n"
        f"Ce qui est inexact, selon la personne qui l'a signalé :\n« {report.message} »\n"
        f"Traiter le signalement : {settings.SITE_URL}"
        f"{reverse('admin:structures_errorreport_change', args=[report.pk])}\n"
        f"Fiche publique : {settings.SITE_URL}{point.get_absolute_url()}\n"
    )


def _footer(department):
    return (
        "\nVous recevez ce courriel parce que votre compte de l'annuaire suit les signalements des lieux de ce "
        f"département : {department.name} ({department.code}). Un administrateur de l'annuaire peut changer ce suivi."
    )


def _send(messages):
    """Send, and never fail the caller: a report is saved even when the mail server is down."""
    if not messages:
        return 0
    try:
        return send_mass_mail(messages, fail_silently=False)
    except Exception:
        logger.exception("Courriels de signalement non envoyés")
        return 0


def notify_new_report(report):
    """An e-mail to each account following the point's department « at each report »."""
    report = ErrorReport.objects.select_related("point__commune__department").get(pk=report.pk)
    department = report.point.commune.department
    subject = f"Signalement d'erreur : {report.point.name}"
    body = "Un signalement d'erreur vient d'arriver.\n\n" + _report_text(report) + _footer(department)
    recipients = followers(department, StaffProfile.ReportEmails.IMMEDIATE)
    return _send([(subject, body, None, [user.email]) for user in recipients])


def send_digest(now=None):
    """The reports of the last 24 hours, one e-mail per account following « once a day »; the number
    of e-mails sent."""
    now = now or timezone.now()
    since = now - timedelta(days=1)
    reports = list(
        ErrorReport.objects.filter(created_at__gte=since, created_at__lt=now)
        .select_related("point__commune__department")
        .order_by("created_at")
    )
    messages = []
    profiles = StaffProfile.objects.filter(
        report_emails=StaffProfile.ReportEmails.DAILY, user__is_active=True, user__is_staff=True
    ).exclude(user__email="")
    for profile in profiles.select_related("user").prefetch_related("departments"):
        followed = {department.code for department in profile.departments.all()}
        own = [report for report in reports if report.point.commune.department_id in followed]
        if not own:
            continue
        count = len(own)
        subject = f"{count} {plural_fr(count, 'signalement', 'signalements')} d'erreur depuis hier"
        body = "\n".join(
            [
                f"{count} {plural_fr(count, 'signalement', 'signalements')} d'erreur "
                f"sur les lieux des départements que vous suivez, ces dernières 24 heures.\n",
                *(_report_text(report) for report in own),
                "\nVous recevez ce résumé parce que votre compte de l'annuaire suit les signalements de ces "
                "départements, une fois par jour. Un administrateur de l'annuaire peut changer ce suivi.",
            ]
        )
        messages.append((subject, body, None, [profile.user.email]))
    return _send(messages)
