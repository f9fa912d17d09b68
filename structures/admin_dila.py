"""The back office's import of the State's directory (structures/imports/dila.py): a dry run that shows
new records, changes side by side with ours and records gone from the source, then the import of
what the person accepted, in one step that refuses a plan no longer the one shown."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse

from structures.imports.dila import DilaFileError, accepted_keys, apply_plan, plan_import, read_dila_file
from structures.imports.limits import FileProblem, ImportFileStorage, check_size

IMPORT_PERMISSION = "structures.import_receptionpoint"


class DilaUploadForm(forms.Form):
    fichier = forms.FileField(
        label="Fichier JSON de l'Annuaire de l'administration",
        help_text="Le fichier « .json » de la base de données locales, tel que publié sur data.gouv.fr, ou un extrait.",
    )
    national = forms.BooleanField(
        label="Fichier de toute la France : ignorer les services hors de la région ou hors des réseaux du SPRO",
        required=False,
    )


class DilaConfirmForm(forms.Form):
    fichier = forms.RegexField(regex=r"^[0-9a-f]{32}$", widget=forms.HiddenInput)
    empreinte = forms.RegexField(regex=r"^[0-9a-f]{64}$", widget=forms.HiddenInput)
    national = forms.BooleanField(required=False, widget=forms.HiddenInput)


def dila_import_view(model_admin, request):
    if not (request.user.has_perm(IMPORT_PERMISSION) and model_admin.has_add_permission(request)):
        raise PermissionDenied
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Importer l'Annuaire de l'administration",
        "problems": [],
        "plan": None,
    }
    if request.method == "POST" and "empreinte" in request.POST:
        return _confirm(model_admin, request, context)
    form = DilaUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["fichier"]
        try:
            check_size(upload.size)
            data = upload.read()
            plan = plan_import(read_dila_file(data, national=form.cleaned_data["national"]))
        except FileProblem as problem:
            context["problems"] = [str(problem)]
        except DilaFileError as error:
            context["problems"] = error.problems
        else:
            storage = ImportFileStorage(read_mode="rb")
            storage.save(data)
            context["plan"] = plan
            context["confirm_form"] = DilaConfirmForm(
                initial={"fichier": storage.name, "empreinte": plan.digest(), "national": form.cleaned_data["national"]}
            )
    context["form"] = form
    return TemplateResponse(request, "admin/structures/dila_import.html", context)


def _confirm(model_admin, request, context):
    form = DilaConfirmForm(request.POST)
    restart = "Recommencez l'import : envoyez à nouveau le fichier."
    if not form.is_valid():
        messages.error(request, f"Cette confirmation est incomplète. {restart}")
        return HttpResponseRedirect(request.path)
    storage = ImportFileStorage(name=form.cleaned_data["fichier"], read_mode="rb")
    try:
        plan = plan_import(read_dila_file(storage.read(), national=form.cleaned_data["national"]))
    except (FileProblem, DilaFileError):
        messages.error(request, f"Le fichier de cet aperçu n'existe plus. {restart}")
        return HttpResponseRedirect(request.path)
    if plan.digest() != form.cleaned_data["empreinte"]:
        messages.error(
            request,
            "Les fiches ont changé depuis l'aperçu (quelqu'un les a modifiées, ou un autre import a eu lieu) : "
            "rien n'a été enregistré. Voici l'aperçu à jour.",
        )
        context.update(
            plan=plan,
            form=DilaUploadForm(),
            confirm_form=DilaConfirmForm(initial={**form.cleaned_data, "empreinte": plan.digest()}),
        )
        return TemplateResponse(request, "admin/structures/dila_import.html", context)
    report = apply_plan(plan, accepted=accepted_keys(plan, request.POST.getlist("accepter")), user=request.user)
    storage.remove()
    messages.success(request, f"Import enregistré : {report}")
    return HttpResponseRedirect(reverse("admin:structures_receptionpoint_queue"))
