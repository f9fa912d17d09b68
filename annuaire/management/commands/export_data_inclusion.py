import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from annuaire import data_inclusion


class Command(BaseCommand):
    help = (
        "Écrit les structures et services publiés au schéma data·inclusion (structures.json et services.json) "
        "dans un dossier, pour les déposer sur data.gouv.fr ou les transmettre à data·inclusion."
    )

    def add_arguments(self, parser):
        parser.add_argument("dossier", help="Dossier où écrire les fichiers (créé s'il n'existe pas).")
        parser.add_argument(
            "--url-du-site",
            default=settings.SITE_URL,
            help="Adresse publique du site, pour les liens vers les fiches (par défaut SITE_URL).",
        )

    def handle(self, *args, **options):
        folder, site = Path(options["dossier"]), options["url_du_site"].rstrip("/")
        if not site.startswith(("https://", "http://")):
            raise CommandError(f"« {site} » n'est pas une adresse web (elle doit commencer par https://).")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CommandError(f"Impossible de créer le dossier « {folder} » : {error}") from error
        for name, items in (
            ("structures", data_inclusion.structures(lambda path: site + path)),
            ("services", data_inclusion.services(lambda path: site + path)),
        ):
            rows = list(items)
            path = folder / f"{name}.json"
            path.write_text(json.dumps(rows, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
            self.stdout.write(f"{path} : {len(rows)} {name}.")
