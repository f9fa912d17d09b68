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


def clear_data_cache():
    delete_everywhere(DATA_CACHE_KEYS)


def mark_data_changed():
    """Stamp the data version and clear the caches once the current transaction commits (at once
    outside a transaction). Calls within one transaction end in a single write."""
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


def _on_change(sender, **kwargs):
    mark_data_changed()


def _on_link_change(sender, action, **kwargs):
    if action in ("post_add", "post_remove", "post_clear"):
        mark_data_changed()


for model in PUBLIC_MODELS:
    receiver([post_save, post_delete], sender=model, dispatch_uid=f"data-changed-{model.__name__}")(_on_change)
for link in PUBLIC_LINKS:
    receiver(m2m_changed, sender=link, dispatch_uid=f"data-changed-{link.__name__}")(_on_link_change)
