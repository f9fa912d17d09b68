"""Accounts of the back office: what a Region administrator may do with them, and the login
lockouts she can lift.

Only a superuser gives or takes roles: for everybody else a user's groups, direct permissions,
staff and superuser flags are read-only, and a superuser's account cannot be changed or deleted
(its password included). Groups are read-only outside superusers too (structures/roles.py).
"""

from axes.models import AccessAttempt
from django import forms
from django.conf import settings
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group, User
from django.db import models
from django.shortcuts import render

from structures.models import StaffProfile
from structures.text import plural_fr

ROLE_FIELDS = ("is_superuser", "is_staff", "groups", "user_permissions")


class StaffProfileInline(admin.StackedInline):
    """The departments whose error reports the account is told of, and how (structures/notifications.py)."""

    model = StaffProfile
    can_delete = False
    verbose_name = verbose_name_plural = "Signalements d'erreur reçus par courriel"
    fields = ["report_emails", "departments"]
    formfield_overrides = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


class AccountAdmin(UserAdmin):
    inlines = [StaffProfileInline]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            readonly += [*ROLE_FIELDS, "last_login", "date_joined"]
        return readonly

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_delete_permission(request, obj)

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        if not request.user.is_superuser:
            # Read-only fields are not in the form: a forged POST of them is ignored.
            for name in ROLE_FIELDS:
                form.base_fields.pop(name, None)
        return form


class RoleAdmin(GroupAdmin):
    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.action(description="Débloquer les comptes sélectionnés", permissions=["delete"])
def unlock(modeladmin, request, queryset):
    count, _ = queryset.delete()
    modeladmin.message_user(
        request, f"{count} {plural_fr(count, 'blocage levé', 'blocages levés')} : la connexion est de nouveau possible."
    )


@admin.register(AccessAttempt)
class LoginLockAdmin(admin.ModelAdmin):
    """Failed logins per account and address; deleting a row lifts the lock."""

    list_display = ["username", "ip_address", "failures_since_start", "status", "attempt_time"]
    list_filter = ["attempt_time"]
    search_fields = ["username", "ip_address"]
    date_hierarchy = "attempt_time"
    fields = ["username", "ip_address", "failures_since_start", "attempt_time"]
    readonly_fields = fields
    actions = [unlock]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="état")
    def status(self, attempt):
        if attempt.failures_since_start >= settings.AXES_FAILURE_LIMIT:
            return "Bloqué"
        left = settings.AXES_FAILURE_LIMIT - attempt.failures_since_start
        return f"{left} {plural_fr(left, 'essai restant', 'essais restants')}"


admin.site.unregister(User)
admin.site.register(User, AccountAdmin)
admin.site.unregister(Group)
admin.site.register(Group, RoleAdmin)


def lockout_page(request, original_response=None, credentials=None):
    """What a locked-out account sees (django-axes): a French page in the admin's layout."""
    return render(
        request, "admin/lockout.html", admin.site.each_context(request), status=settings.AXES_HTTP_RESPONSE_CODE
    )
