"""Content-Security-Policy of the whole site (Django's own middleware applies it).

Everything the pages load comes from the site itself: scripts and styles are files (no inline
code, no nonce needed, so a page can be shared by the cache), data blocks (JSON-LD) are not
executed. The only other host a page may reach is the map tile server, and only when one is
configured.
"""

from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP


def tile_source(url):
    """The CSP source of a Leaflet tile URL template: its scheme and host, a host label holding
    the `{s}` subdomain placeholder becoming a wildcard (« https://{s}.tile.example.org/{z}/{x}/{y}.png »
    → « https://*.tile.example.org »)."""
    parts = urlsplit(url)
    host = parts.netloc.rsplit("@", 1)[-1]
    if parts.scheme not in ("https", "http") or not host or "{" in host.replace("{s}", ""):
        raise ImproperlyConfigured(f"MAP_TILES_URL must be an http(s) address, got {url!r}.")
    first, dot, rest = host.partition(".")
    if "{s}" in first and rest:
        host = f"*.{rest}"
    elif "{s}" in host:
        raise ImproperlyConfigured(f"MAP_TILES_URL: {{s}} can only stand in the first label of the host, in {url!r}.")
    return f"{parts.scheme}://{host}"


def policy(tiles_url=""):
    images = [CSP.SELF, "data:"]
    if tiles_url:
        images.append(tile_source(tiles_url))
    return {
        "default-src": [CSP.NONE],
        "script-src": [CSP.SELF],
        "style-src": [CSP.SELF],
        "img-src": images,
        "font-src": [CSP.SELF],
        "connect-src": [CSP.SELF],
        "manifest-src": [CSP.SELF],
        "form-action": [CSP.SELF],
        "base-uri": [CSP.NONE],
        "object-src": [CSP.NONE],
        "frame-ancestors": [CSP.NONE],
    }
