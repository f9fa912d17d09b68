from django.apps import AppConfig


class AnnuaireConfig(AppConfig):
    name = "annuaire"
    verbose_name = "Annuaire public"

    def ready(self):
        from annuaire.export_rows import mark_rows
        from annuaire.mapping import count_whole_directory
        from annuaire.places.gazetteer import read_names_ahead
        from structures.signals import data_changed, records_changed

        # Inside the change's transaction: the exports' lines of what changed are to be written again.
        records_changed.connect(mark_rows, dispatch_uid="annuaire-mark-export-rows")

        # What every visitor's first search and map after a change of the data would otherwise wait for.
        data_changed.connect(read_names_ahead, dispatch_uid="annuaire-read-names-ahead")
        data_changed.connect(count_whole_directory, dispatch_uid="annuaire-count-whole-directory")
