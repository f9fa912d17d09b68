"""The network address of the person behind a request: the one rule for every rate limit, the
login lockout (django-axes) and any log that would need it.

Behind a reverse proxy, REMOTE_ADDR is the proxy's address and the person's is in the
X-Forwarded-For header, which the proxy appends to. Anybody can write that header, so it is read
only when the request really comes from one of the proxies named in TRUSTED_PROXIES, and from the
right: each trusted proxy appended the address it saw, so the first address from the right that
is not a trusted proxy is the client (nginx's `set_real_ip_from` with `real_ip_recursive on`).
Whatever the client wrote to the left of it is ignored. With no trusted proxy configured (the
default), the header is never read.

The header is parsed by python-ipware (ports, brackets, IPv6, RFC 7239 forms, junk tokens).
"""

import ipaddress
from functools import cache

from django.conf import settings
from python_ipware.modern.parsers import parse_ip, split_proxy_chain

UNKNOWN = "adresse-inconnue"


@cache
def _networks(proxies):
    return tuple(ipaddress.ip_network(proxy, strict=False) for proxy in proxies)


def is_trusted_proxy(address):
    return any(address in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_ip(request):
    """The client's address as text, or None when the request carries none that is readable."""
    remote = parse_ip(request.META.get("REMOTE_ADDR"))
    if remote is None or not is_trusted_proxy(remote):
        return str(remote) if remote else None
    for hop in reversed(split_proxy_chain(request.headers.get("x-forwarded-for")) or []):
        if not is_trusted_proxy(hop):
            return str(hop)
    return str(remote)


def client_key(request):
    """What a per-client counter counts: the address, or its /64 network for IPv6 (one subscriber
    usually holds a whole /64). Requests without a readable address share one counter rather than
    failing."""
    address = client_ip(request)
    if address is None:
        return UNKNOWN
    parsed = ipaddress.ip_address(address)
    if parsed.version == 6:
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False).network_address)
    return address
