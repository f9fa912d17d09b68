"""Shared cache of public pages and API answers (Redis when REDIS_URL is set, see settings).

What a page shows depends on the data, on the date (a label that ends hides its places the next
day) and, for « ouvert maintenant », on the minute. A cached answer is therefore stored under a
key made of:
- the data version (structures.models.DataVersion, stamped once per committed change: an edit in
  the back office or an import makes the next request miss, nothing needs deleting);
- the current minute in Europe/Paris (which covers the date too): keys of past minutes expire;
- the release of the static files (their manifest), so that a deployment never serves a page
  naming style sheets that are gone;
- the whole address (scheme, host, path and query string), as pages hold absolute links.

So during a campaign spike each page is computed at most once a minute for all the app servers
sharing the cache, and a change in the data is visible at the next request.

Only complete, successful answers that set no cookie and are not private are stored; exports are
streamed and never stored. If the cache server is unreachable, pages are computed as if the cache
were empty, and the failure is logged.
"""

import hashlib
from functools import wraps

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.utils import timezone

from spro_site.cache import guarded
from structures.models import DataVersion

TIMEOUT_SECONDS = 60


def data_version(request):
    """When the public data last changed, read once per request."""
    if not hasattr(request, "_data_version"):
        request._data_version = DataVersion.current()
    return request._data_version


def page_key(request):
    parts = [
        data_version(request).isoformat(),
        timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        getattr(staticfiles_storage, "manifest_hash", ""),
        request.build_absolute_uri(),
    ]
    return "page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def cacheable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def shared_cache(view):
    """Serve GET and HEAD requests of a public view from the shared cache (see the module)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PAGE_CACHE or request.method not in ("GET", "HEAD"):
            return view(request, *args, **kwargs)
        key = page_key(request)
        response = guarded(cache.get, key)
        if response is not None:
            return response
        response = view(request, *args, **kwargs)
        if cacheable(response):
            guarded(cache.set, key, response, TIMEOUT_SECONDS)
        return response

    return wrapper
