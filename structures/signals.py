"""Keep what is derived from the public data in step with it: the data version that open data's
validators (ETag, Last-Modified) come from, and the cached values computed from the whole directory.

Every save or deletion of a record the public sees, and every change of its many-to-many links,
marks the data as changed. The mark is written once, when the transaction commits: a rolled-back
import changes nothing, and a 10,000-row import writes it once instead of holding a lock on it
for the whole import. Bulk paths (bulk_create, update) send no signal and call
mark_data_changed() themselves.
"""

import logging
import threading

from django.core.cache import cache
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.dispatch import Signal, receiver

from spro_site.cache import CacheUnavailable, call, delete_everywhere, guarded
from structures import models

# Keys of values computed from the whole directory.
DEMO_DATA_SHOWN = "demo_data_shown"
DATA_CACHE_KEYS = [DEMO_DATA_SHOWN]
# The data version, as every app server reads it: written by the server that stamps a change, read
# again from the database when the shared cache has lost it (or after this many seconds).
DATA_VERSION_KEY = "data-version"
DATA_VERSION_SECONDS = 60
PUBLIC_MODELS = [
    models.Structure,
    models.ReceptionPoint,
    models.OpeningHours,
    models.Closure,
    models.Network,
    models.Public,
    models.ServiceLevel,
    models.Commune,
    models.FormerCommune,
    models.Department,
    models.Epci,
]
PUBLIC_LINKS = [
    models.Structure.levels.through,
    models.Structure.publics.through,
    models.Structure.competence_departments.through,
    models.Structure.competence_communes.through,
    models.Structure.competence_epcis.through,
    models.Structure.excluded_communes.through,
    models.ReceptionPoint.publics.through,
    models.ReceptionPoint.levels.through,
]

_pending = threading.local()
logger = logging.getLogger(__name__)
# Sent once the change of the data is committed and stamped, with its new version (serial, time).
data_changed = Signal()
# Sent at once, inside the transaction that changes the data, with what changed: `points` and
# `structures` (ids), or `everything` when the change may touch any record (a reference table, a
# bulk path). What is stored from those records (annuaire.export_rows) is marked to be written again
# in that same transaction: a rolled-back change marks nothing, a committed one cannot be missed.
records_changed = Signal()


def clear_data_cache():
    delete_everywhere(DATA_CACHE_KEYS)


def mark_data_changed(points=None, structures=None):
    """Stamp the data version and clear the caches once the current transaction commits (at once
    outside a transaction). Calls within one transaction end in a single write. `points` and
    `structures` name the records changed (ids) when the caller knows them; a call that gives
    neither may have changed anything."""
    records_changed.send(
        sender=models.DataVersion,
        points=set(points or ()),
        structures=set(structures or ()),
        everything=points is None and structures is None,
    )
    _pending.changed = True
    transaction.on_commit(_record_change)


def _record_change():
    if not getattr(_pending, "changed", False):
        return
    _pending.changed = False
    models.DataVersion.stamp()
    version = models.DataVersion.current()
    # While the shared cache is down, readers go to the database.
    guarded(cache.set, DATA_VERSION_KEY, version, DATA_VERSION_SECONDS)
    clear_data_cache()
    # What is computed ahead for the new version (annuaire.mapping.count_whole_directory): a failure
    # there leaves it to the first request that needs it, never fails the change itself.
    for receiver_function, outcome in data_changed.send_robust(sender=models.DataVersion, version=version):
        if isinstance(outcome, Exception):
            logger.error("Calcul après un changement des données en échec (%s)", receiver_function, exc_info=outcome)


def current_data_version():
    """(serial, time) of the public data's last change, as all app servers see it: from the shared
    cache, so that a cached page costs no query; from the database when the cache has lost it, and
    whenever the shared cache is down (this machine's own cache would not see another server's
    change)."""
    try:
        version = call(cache.get, DATA_VERSION_KEY)
    except CacheUnavailable:
        return models.DataVersion.current()
    if version is None:
        version = models.DataVersion.current()
        guarded(cache.add, DATA_VERSION_KEY, version, DATA_VERSION_SECONDS)
    return version


def _changed(record):
    """What a saved or deleted record changes: a point (its own row, or its hours or closures), a
    structure, a network's structures, or anything (a vocabulary, a commune…)."""
    if isinstance(record, models.ReceptionPoint):
        return {"points": [record.pk]}
    if isinstance(record, models.OpeningHours | models.Closure):
        return {"points": [record.point_id]}
    if isinstance(record, models.Structure):
        return {"structures": [record.pk]}
    if isinstance(record, models.Network):
        return {"structures": list(record.structures.values_list("pk", flat=True))}
    return {}


def changed_by(records, created=False):
    """What writing `records` in bulk changes (bulk paths send no signal): their points and
    structures, or anything when one of them is of another kind. A new point, or a new structure
    (no point yet), changes nothing derived from existing records."""
    changed = {"points": set(), "structures": set()}
    for record in records:
        if created and isinstance(record, models.ReceptionPoint | models.Structure):
            continue
        named = _changed(record)
        if not named:
            return {}
        for key, ids in named.items():
            changed[key].update(ids)
    return changed


def _on_change(sender, instance, **kwargs):
    mark_data_changed(**_changed(instance))


def _on_link_change(sender, instance, action, reverse, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # Changed from the other side (`public.structures.add(…)`): taken as a change of anything.
    if reverse:
        mark_data_changed()
    else:
        mark_data_changed(**_changed(instance))


for model in PUBLIC_MODELS:
    receiver([post_save, post_delete], sender=model, dispatch_uid=f"data-changed-{model.__name__}")(_on_change)
for link in PUBLIC_LINKS:
    receiver(m2m_changed, sender=link, dispatch_uid=f"data-changed-{link.__name__}")(_on_link_change)
