from django.core.management.base import BaseCommand, CommandError

from structures.demo.writer import DemoDataError, load_demo_data
from structures.models import Structure


class Command(BaseCommand):
    help = (
        "Charge le jeu de données de démonstration (544 structures, environ 1 157 lieux), "
        "en remplaçant les données de démonstration existantes. Les données réelles ne sont jamais modifiées."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Multiplie le nombre de lieux (100 donne environ 115 700 lieux), pour les mesures de performance.",
        )
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Ne rien faire si la base contient déjà au moins une structure.",
        )

    def handle(self, *args, **options):
        if options["if_empty"] and Structure.objects.exists():
            self.stdout.write("La base contient déjà des structures : données de démonstration non chargées.")
            return
        try:
            report = load_demo_data(scale=options["scale"])
        except DemoDataError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(
                f"Données de démonstration chargées : {report.structures} structures, {report.points} lieux, "
                f"{report.opening_hours} créneaux d'ouverture, {report.closures} fermetures."
            )
        )
