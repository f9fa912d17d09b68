"""Shared cache of public pages and API answers (Redis when REDIS_URL is set, see settings).

What a page shows depends on the data, on the date (a label that ends hides its places the next
day) and, for « ouvert maintenant », on the minute. A cached answer is therefore stored under a
key made of:
- the data version's serial number (structures.models.DataVersion, counted once per committed
  change: an edit in the back office or an import makes the next request miss, nothing needs
  deleting), read from the shared cache, so that a page served from the cache costs no query;
- the date and the period of the day in Europe/Paris in which no opening state can change (between
  two opening or closing times of the directory, structures/hours/periods.py): « ouvert
  maintenant », « ouvre demain à 9 h » are right, and keys of past periods expire;
- the release of the static files (their manifest), so that a deployment never serves a page
  naming style sheets that are gone;
- the whole address (scheme, host, path and query string), as pages hold absolute links.

So during a campaign spike each page is computed once per such period (often an hour or more,
at most TIMEOUT_SECONDS) for all the app servers sharing the cache, and a change in the data is
visible at the next request.

A page is stored compressed, as GZipMiddleware would send it (which then leaves it alone): a hit
costs a read of the cache and no query, no compression. The rare client that does not accept gzip
gets it uncompressed.

Only complete, successful answers that set no cookie and are not private are stored, rendered
(a template response is rendered before it is stored: the cache keeps bytes, not templates);
exports are streamed and never stored. A request with a parameter the view does not read
(« ?utm_source=… », random words) is answered but not stored: made-up addresses cannot fill the
cache. If the cache server is unreachable or slow, pages are computed as if the cache were empty
(spro_site/cache.py).
"""

import gzip
import hashlib
import re
from functools import wraps

from django.conf import settings
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.cache import cache
from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.text import compress_string

from spro_site.cache import CacheUnavailable, call, get_or_compute, shared_or_local
from structures.hours.periods import boundary_times, period_of
from structures.signals import DATA_VERSION_KEY, current_data_version

# A page's key changes when its period ends (an opening or closing time somewhere, or midnight);
# the longest periods (nights) are kept at most this long.
TIMEOUT_SECONDS = 15 * 60
BOUNDARIES_SECONDS = 24 * 3600
KNOWN_BOUNDARIES = 8
known_boundaries = {}
# The data version this process saw last (stored_page).
last_seen = {}
# GZipMiddleware's own threshold: shorter answers are sent as they are.
MIN_COMPRESSED_LENGTH = 200


def data_version(request):
    """(serial, time) of the public data's last change, read once per request (from the shared
    cache: structures.signals.current_data_version)."""
    if not hasattr(request, "_data_version"):
        request._data_version = current_data_version()
    return request._data_version


def version_tag(version):
    """« 12@1764512345.678 »: a data version in a cache key. The serial changes at each change; the
    time tells apart two databases (two sites on one machine, a database created again) whose
    serials happen to be equal."""
    serial, changed = version
    return f"{serial}@{changed.timestamp()}"


def opening_period(request):
    """The date and the period of the time of day in which no opening state can change
    (structures.hours.periods), read once per request."""
    if not hasattr(request, "_opening_period"):
        request._opening_period = period_for(data_version(request))
    return request._opening_period


def period_for(version):
    """The current opening period under the data version `version`; the opening and closing times
    it is made of are read once per data version."""
    key = f"opening-boundaries:{version_tag(version)}"
    boundaries = known_boundaries.get(key)
    if boundaries is None:
        boundaries = get_or_compute(key, boundary_times, BOUNDARIES_SECONDS)
        # A data version's times never change: each process keeps those of the latest versions.
        if len(known_boundaries) >= KNOWN_BOUNDARIES:
            known_boundaries.clear()
        known_boundaries[key] = boundaries
    return period_of(timezone.now(), boundaries)


def page_key(request, version):
    parts = [
        version_tag(version),
        period_for(version),
        getattr(staticfiles_storage, "manifest_hash", ""),
        request.build_absolute_uri(),
    ]
    return "page:" + hashlib.sha256("|".join(parts).encode()).hexdigest()


def stored_page(request):
    """(key, stored answer or None) of this request. When the data has not changed since this
    process last looked, the current version and the page are read in one round trip: the key is
    made with the version seen last, and used only if the version read with it is the same."""
    guess = last_seen.get("version")
    if guess is not None:
        key = page_key(request, guess)
        try:
            found = call(cache.get_many, [DATA_VERSION_KEY, key])
        except CacheUnavailable:
            found = {}
        if found.get(DATA_VERSION_KEY) == guess:
            request._data_version = guess
            return key, found.get(key)
    version = last_seen["version"] = data_version(request)
    key = page_key(request, version)
    return key, shared_or_local("get", key)


def cacheable(response):
    cache_control = response.get("Cache-Control", "")
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and "private" not in cache_control
        and "no-store" not in cache_control
    )


def storable(request, params):
    return request.method in ("GET", "HEAD") and set(request.GET) <= params


def shared_cache(view=None, *, params=()):
    """Serve GET and HEAD requests of a public view from the shared cache (see the module).
    `params`: the query parameters the view reads; a request with any other is not stored."""
    if view is None:
        return lambda view: shared_cache(view, params=params)
    params = frozenset(params)

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.PAGE_CACHE or not storable(request, params):
            return view(request, *args, **kwargs)
        key, stored = stored_page(request)
        if stored is not None:
            return stored if accepts_gzip(request) else uncompressed(stored)
        response = view(request, *args, **kwargs)
        if cacheable(response):
            if not getattr(response, "is_rendered", True):
                response.render()
            stored = compressed(response)
            shared_or_local("set", key, stored, TIMEOUT_SECONDS)
            if accepts_gzip(request):
                return stored
        return response

    return wrapper


def accepts_gzip(request):
    return bool(re_accepts_gzip.search(request.headers.get("Accept-Encoding", "")))


def compressed(response):
    """A copy of `response` compressed as GZipMiddleware compresses (random bytes against BREACH,
    weak ETag, « Vary: Accept-Encoding »); the response itself when compressing gains nothing."""
    if len(response.content) < MIN_COMPRESSED_LENGTH or response.has_header("Content-Encoding"):
        return response
    body = compress_string(response.content, max_random_bytes=GZipMiddleware.max_random_bytes)
    if len(body) >= len(response.content):
        return response
    packed = HttpResponse(body, status=response.status_code)
    for name, value in response.items():
        packed[name] = value
    packed["Content-Length"] = str(len(body))
    packed["Content-Encoding"] = "gzip"
    if packed.has_header("ETag"):
        packed["ETag"] = re.sub(r"^W/|^", "W/", packed["ETag"])
    patch_vary_headers(packed, ("Accept-Encoding",))
    return packed


def uncompressed(stored):
    """A stored page for a client that does not accept gzip."""
    if stored.get("Content-Encoding") != "gzip":
        return stored
    plain = HttpResponse(gzip.decompress(stored.content), status=stored.status_code)
    for name, value in stored.items():
        if name.lower() not in ("content-encoding", "content-length"):
            plain[name] = value
    return plain
