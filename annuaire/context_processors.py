from django.conf import settings

from spro_site.cache import get_or_compute
from structures.models import ReceptionPoint
from structures.signals import DEMO_DATA_SHOWN


def site(request):
    """Values every page layout needs."""
    return {
        "demo_data_shown": demo_data_shown(),
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION,
        "MAP_REGION_VIEW": settings.MAP_REGION_VIEW,
        # The page's name in the header's menu (« aria-current »); none on an error page.
        "current_page": getattr(request.resolver_match, "url_name", "") or "",
    }


def demo_data_shown():
    """Whether demo places are public: the layout then warns that some data is fictional.
    Cached; structures.signals clears it when the data changes."""
    return get_or_compute(DEMO_DATA_SHOWN, lambda: ReceptionPoint.objects.published().demo().exists(), 300)
