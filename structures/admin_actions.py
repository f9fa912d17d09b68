"""Admin actions. Each record is saved one by one, so that its history says who did what."""

from django.contrib import admin
from django.db import transaction
from django.utils import timezone

from structures.enums import GeoPrecision, PublicationStatus


def _save_each(queryset, **values):
    count = 0
    for record in queryset:
        for field, value in values.items():
            setattr(record, field, value)
        record.save(update_fields=[*values, "updated_at"])
        count += 1
    return count


@admin.action(description="Marquer comme vérifié aujourd'hui", permissions=["change"])
def mark_verified(modeladmin, request, queryset):
    count = _save_each(queryset, last_verified_on=timezone.localdate(), last_verified_by=request.user)
    modeladmin.message_user(request, f"{count} fiche(s) marquée(s) comme vérifiée(s) aujourd'hui.")


@admin.action(description="Publier", permissions=["change"])
def publish_points(modeladmin, request, queryset):
    count = _save_each(queryset, is_published=True)
    modeladmin.message_user(request, f"{count} lieu(x) publié(s).")


@admin.action(description="Retirer de la publication", permissions=["change"])
def unpublish_points(modeladmin, request, queryset):
    count = _save_each(queryset, is_published=False)
    modeladmin.message_user(request, f"{count} lieu(x) retiré(s) de la publication.")


@admin.action(description="Publier", permissions=["change"])
def publish_structures(modeladmin, request, queryset):
    count = _save_each(queryset, status=PublicationStatus.PUBLISHED)
    modeladmin.message_user(request, f"{count} structure(s) publiée(s).")


@admin.action(description="Retirer de la publication", permissions=["change"])
def unpublish_structures(modeladmin, request, queryset):
    count = _save_each(queryset, status=PublicationStatus.DRAFT)
    modeladmin.message_user(request, f"{count} structure(s) retirée(s) de la publication.")


@admin.action(description="Dupliquer (copie non publiée, avec ses horaires)", permissions=["add"])
def duplicate_points(modeladmin, request, queryset):
    with transaction.atomic():
        copies = [duplicate(point) for point in queryset.prefetch_related("opening_hours", "publics", "levels")]
    modeladmin.message_user(
        request, f"{len(copies)} copie(s) créée(s), non publiée(s) : vérifiez-les avant de publier."
    )


def duplicate(point):
    """An unpublished copy of a point, with its hours, publics and levels, under a new slug."""
    model = type(point)
    hours, publics, levels = list(point.opening_hours.all()), list(point.publics.all()), list(point.levels.all())
    slug, number = f"{point.slug}-copie", 2
    while model.objects.filter(slug=slug).exists():
        slug, number = f"{point.slug}-copie-{number}", number + 1
    point.pk, point.id, point._state.adding = None, None, True
    point.slug, point.name, point.is_published = slug, f"{point.name} (copie)", False
    point.last_verified_on, point.last_verified_by = None, None
    point.save()
    for slot in hours:
        slot.pk, slot.id, slot._state.adding, slot.point = None, None, True, point
        slot.save()
    point.publics.set(publics)
    point.levels.set(levels)
    return point


@admin.action(description="Placer au centre de leur commune", permissions=["change"])
def place_at_commune(modeladmin, request, queryset):
    count = 0
    for point in queryset.select_related("commune"):
        point.latitude, point.longitude = point.commune.latitude, point.commune.longitude
        point.geo_precision = GeoPrecision.COMMUNE
        point.save()
        count += 1
    modeladmin.message_user(
        request, f"{count} lieu(x) placé(s) au point de référence de leur commune (position approximative)."
    )
