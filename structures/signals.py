"""Keep cached public values in step with the data."""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from structures.models import ReceptionPoint, Structure

# Keys of values computed from the whole directory (bulk paths clear them themselves).
DEMO_DATA_SHOWN = "demo_data_shown"
DATA_CACHE_KEYS = [DEMO_DATA_SHOWN]


def clear_data_cache():
    cache.delete_many(DATA_CACHE_KEYS)


@receiver([post_save, post_delete], sender=ReceptionPoint)
@receiver([post_save, post_delete], sender=Structure)
def data_changed(sender, **kwargs):
    clear_data_cache()
