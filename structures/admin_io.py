"""Import and export buttons of the admin lists (django-import-export), in French.

The import is a dry run first: the page lists every refused row with its line and reason, and
offers « Confirmer l'importation » only for a file without any; the confirmed import runs in one
transaction that is rolled back if anything fails (for instance if the data changed meanwhile).
"""

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.text import slugify
from import_export.admin import ImportExportMixin
from import_export.forms import ImportForm, SelectableFieldsExportForm
from import_export.results import RowResult

from structures.imports import FORMATS
from structures.imports.columns import describe, meaning, template_dataset
from structures.imports.files import SpreadsheetCSV, SpreadsheetXLSX
from structures.imports.limits import FileProblem, ImportFileStorage, check_size
from structures.text import plural_fr

TEMPLATE_FORMATS = {"csv": "CSV", "xlsx": "XLSX"}


class LimitedImportForm(ImportForm):
    """A file over the size limit is refused before anything of it is read."""

    def clean_import_file(self):
        import_file = self.cleaned_data["import_file"]
        try:
            check_size(import_file.size)
        except FileProblem as problem:
            raise forms.ValidationError(str(problem)) from None
        return import_file


class ColumnsExportForm(SelectableFieldsExportForm):
    """The export page: a box per column of the file, named as in the file (« code_postal ») with what
    it holds in French, the words of the import page (import-export would write « Postal Code
    (code_postal) »)."""

    def _get_field_label(self, resource, field_name):
        return resource.fields[field_name].column_name

    def _validate_any_field_selected(self, resource):
        try:
            super()._validate_any_field_selected(resource)
        except forms.ValidationError:  # « … au moins 1 champ pour "ReceptionPointResource" … »
            raise forms.ValidationError("Cochez au moins une colonne à exporter.", code="no_column") from None

    def _create_boolean_fields(self, resource, index):
        names = super()._create_boolean_fields(resource, index)
        for name, field_name in zip(names, resource().get_export_order(), strict=True):
            self.fields[name].help_text = meaning(resource, resource.fields[field_name])
        return names


class DirectoryImportExportMixin(ImportExportMixin):
    formats = FORMATS
    import_form_class = LimitedImportForm
    export_form_class = ColumnsExportForm
    import_template_name = "admin/structures/import.html"
    import_error_display = ("message",)

    def import_action(self, request, **kwargs):
        """The dry run; a file that cannot be confirmed (refused rows, unreadable) is not kept."""
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        form = context.get("form")
        if request.method == "POST" and "confirm_form" not in context and form is not None:
            import_file = getattr(form, "cleaned_data", {}).get("import_file")
            name = getattr(import_file, "tmp_storage_name", None)
            if name:
                ImportFileStorage(name=name).remove()
        return response

    def get_import_context_data(self, **kwargs):
        """The columns of the file, with their meaning, whether they are required, their allowed values
        and an example, generated from the import definitions; the template files to download."""
        resource_class = self.get_import_resource_classes(kwargs.get("request"))[0]
        info = self.model._meta.app_label, self.model._meta.model_name
        return {
            **super().get_import_context_data(**kwargs),
            "columns": describe(resource_class),
            "template_urls": [
                (label, reverse(f"admin:{info[0]}_{info[1]}_import_template", args=[extension]))
                for extension, label in TEMPLATE_FORMATS.items()
            ],
        }

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        template = path(
            "import/modele.<str:extension>",
            self.admin_site.admin_view(self.import_template_view),
            name=f"{info[0]}_{info[1]}_import_template",
        )
        return [template, *super().get_urls()]

    def import_template_view(self, request, extension):
        """A file to fill in: the columns' names and one example row."""
        if not self.has_import_permission(request) or extension not in TEMPLATE_FORMATS:
            raise Http404("Ce modèle de fichier n'existe pas.")
        file_format = {"csv": SpreadsheetCSV, "xlsx": SpreadsheetXLSX}[extension]()
        dataset = template_dataset(self.get_import_resource_classes(request)[0])
        response = HttpResponse(file_format.export_data(dataset), content_type=file_format.get_content_type())
        name = slugify(self.model._meta.verbose_name_plural)
        response["Content-Disposition"] = f'attachment; filename="modele-import-{name}.{extension}"'
        return response

    def get_import_data_kwargs(self, **kwargs):
        kwargs = super().get_import_data_kwargs(**kwargs)
        kwargs["rollback_on_validation_errors"] = True
        return kwargs

    def add_data_read_fail_error_to_form(self, form, error):
        if isinstance(error, FileProblem):
            form.add_error("import_file", str(error))
        else:
            form.add_error(
                "import_file",
                "Ce fichier n'a pas pu être lu : vérifiez qu'il s'agit bien d'un fichier CSV ou XLSX et que le "
                "format choisi correspond.",
            )

    def process_result(self, result, request):
        if result.has_errors() or result.has_validation_errors():
            reasons = " ; ".join(str(problem) for problem in result.problems[:5])
            messages.error(request, f"Importation annulée, rien n'a été enregistré. {reasons}")
            return HttpResponseRedirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        totals = result.totals
        parts = [
            f"{totals[kind]} {plural_fr(totals[kind], singular, plural)}"
            for kind, singular, plural in [
                (RowResult.IMPORT_TYPE_NEW, "création", "créations"),
                (RowResult.IMPORT_TYPE_UPDATE, "modification", "modifications"),
                (RowResult.IMPORT_TYPE_DELETE, "suppression", "suppressions"),
                (RowResult.IMPORT_TYPE_SKIP, "ligne inchangée", "lignes inchangées"),
            ]
        ]
        messages.success(request, f"Importation terminée : {', '.join(parts)}.")
