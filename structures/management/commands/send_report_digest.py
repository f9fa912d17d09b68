from django.core.management.base import BaseCommand

from structures.notifications import send_digest


class Command(BaseCommand):
    help = (
        "Envoie le résumé quotidien des signalements d'erreur des dernières 24 heures aux comptes qui l'ont "
        "choisi (à lancer une fois par jour, par exemple à 7 h avec cron)."
    )

    def handle(self, *args, **options):
        sent = send_digest()
        self.stdout.write(f"Résumés des signalements envoyés : {sent}.")
