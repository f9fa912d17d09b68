from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from structures.imports.dila import DilaFileError, apply_plan, plan_import, read_dila_file


class Command(BaseCommand):
    help = (
        "Importe les services de l'Annuaire de l'administration (DILA, fichier JSON de la « base de données "
        "locales » publié sur data.gouv.fr) : sans --appliquer, montre seulement ce qui changerait."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Le fichier JSON de l'Annuaire de l'administration.")
        parser.add_argument("--appliquer", action="store_true", help="Enregistre les changements (sinon : aperçu).")
        parser.add_argument(
            "--accepter",
            action="append",
            default=[],
            metavar="ID:CHAMP",
            help=(
                "Accepte un changement de la source sur un champ modifié par la Région (par exemple "
                "« 5b2f…:phone ») ; répétable. Sans cela, la valeur de la Région est gardée."
            ),
        )
        parser.add_argument(
            "--fichier-national",
            action="store_true",
            help="Fichier de toute la France : ignorer les services hors de la région ou hors des réseaux du SPRO.",
        )

    def handle(self, *args, **options):
        path = Path(options["fichier"])
        try:
            data = path.read_bytes()
        except OSError as error:
            raise CommandError(f"Fichier illisible : {path} ({error.strerror}).") from error
        try:
            dila_file = read_dila_file(data, national=options["fichier_national"])
        except DilaFileError as error:
            raise CommandError("Fichier refusé, rien n'est enregistré :\n" + "\n".join(error.problems)) from error
        plan = plan_import(dila_file)
        self.describe(plan)
        if not options["appliquer"]:
            self.stdout.write("Aperçu seulement : relancez avec --appliquer pour enregistrer.")
            return
        waiting = {item.key(change) for item, change in plan.to_accept}
        unknown = [key for key in options["accepter"] if key not in waiting]
        if unknown:
            raise CommandError(f"Aucun changement en attente pour : {', '.join(unknown)}. Rien n'est enregistré.")
        report = apply_plan(plan, accepted=frozenset(options["accepter"]))
        self.stdout.write(self.style.SUCCESS(f"Import enregistré : {report}"))

    def describe(self, plan):
        write = self.stdout.write
        write(
            f"{len(plan.new)} nouveau(x) lieu(x), {len(plan.changed)} lieu(x) modifié(s) à la source, "
            f"{plan.unchanged} inchangé(s), {len(plan.vanished)} absent(s) de la source"
            + (f", {plan.ignored} service(s) hors région ou hors SPRO ignoré(s)." if plan.ignored else ".")
        )
        for record, commune in plan.new_rows:
            write(f"  + {record.id} {record.name} ({commune})")
        for item in plan.changed:
            write(f"  ~ {item.record.id} {item.point.name}")
            for change in item.changes:
                ours, theirs = plan.shown(change)
                how = (
                    "suivi de la source"
                    if change.automatic
                    else f"modifié par la Région : --accepter {item.key(change)}"
                )
                write(f"      {change.label} : « {ours} » → « {theirs} » ({how})")
        for point in plan.vanished:
            write(f"  - {point.dila_id} {point.name} : absent de la source")
