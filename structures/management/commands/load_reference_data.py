from django.core.management.base import BaseCommand, CommandError

from structures.loaders import (
    COMMUNES_CSV,
    GazetteerError,
    load_communes,
    load_epcis,
    load_former_communes,
    load_reference_data,
    refresh_statistics,
)


class Command(BaseCommand):
    help = (
        "Charge ou met à jour les référentiels (départements, réseaux, publics, niveaux de service) "
        "et les communes de la région, avec leurs anciennes communes et leurs intercommunalités. Sans effet si tout est déjà à jour."
    )

    def add_arguments(self, parser):
        parser.add_argument("--communes", default=str(COMMUNES_CSV), help="Fichier CSV des communes.")

    def handle(self, *args, **options):
        reports = load_reference_data()
        labels = {"departments": "départements", "levels": "niveaux", "publics": "publics", "networks": "réseaux"}
        for key, report in reports.items():
            self.stdout.write(f"{labels[key].capitalize()} : {report}.")
        try:
            communes = load_communes(options["communes"])
        except (GazetteerError, OSError) as error:
            raise CommandError(f"Communes non chargées : {error}") from error
        self.stdout.write(f"Communes : {communes}.")
        try:
            former = load_former_communes()
        except (GazetteerError, OSError) as error:
            raise CommandError(f"Anciennes communes non chargées : {error}") from error
        self.stdout.write(f"Anciennes communes (déléguées ou associées) : {former}.")
        try:
            epcis = load_epcis()
        except (GazetteerError, OSError) as error:
            raise CommandError(f"Intercommunalités non chargées : {error}") from error
        self.stdout.write(f"Intercommunalités : {epcis}.")
        refresh_statistics()
        self.stdout.write(self.style.SUCCESS("Référentiels à jour."))
