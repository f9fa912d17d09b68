from django.conf import settings

from annuaire.search import demo_data_shown


def site(request):
    """Values every page layout needs."""
    # The demo warning is shown as long as demo places are visible to the public.
    return {
        "demo_data_shown": demo_data_shown(),
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION,
    }
