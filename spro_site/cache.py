"""The cache is an optimisation: when its server (Redis) cannot be reached, or answers too slowly,
the site works on without it, and the failure is logged.

A hung server is worse than a stopped one: each call would wait for its socket timeout (kept short
in the settings), several times per request. So the first failure opens a circuit breaker
(pybreaker): for CACHE_BREAKER_SECONDS every call of this process to the shared cache is skipped at
once; then one call tries the server again, and a success closes the breaker. Meanwhile pages and
computed values are kept in this machine's own cache (the « local » cache: files shared by the app
server processes, `shared_or_local`), so that an outage of Redis costs a cache miss per page and
machine, not a computation of every page.
"""

import logging

import pybreaker
from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.redis import RedisCache as DjangoRedisCache
from django.core.cache.backends.redis import RedisCacheClient
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


CACHE_ERRORS = (RedisError, OSError)

breaker = pybreaker.CircuitBreaker(
    fail_max=1,
    reset_timeout=settings.CACHE_BREAKER_SECONDS,
    # Only the cache server's failures open the breaker, never a bug in the code that calls it.
    exclude=[lambda error: not isinstance(error, CACHE_ERRORS)],
    name="cache",
)


class CacheUnavailable(Exception):
    """The cache server failed, or failed recently (the breaker is open)."""


def log_failure():
    logger.warning("Cache indisponible : la réponse est calculée sans lui.", exc_info=True)


def call(operation, *args, **kwargs):
    """Run a cache operation through the breaker; CacheUnavailable if the server failed now or
    recently."""
    try:
        return breaker.call(operation, *args, **kwargs)
    except pybreaker.CircuitBreakerError as error:
        if error.__cause__ is not None or error.__context__ is not None:
            log_failure()
        raise CacheUnavailable from error
    except CACHE_ERRORS as error:
        log_failure()
        raise CacheUnavailable from error


def guarded(operation, *args, **kwargs):
    """Run a cache operation; an unreachable or hung cache server counts as an empty cache (None)."""
    try:
        return call(operation, *args, **kwargs)
    except CacheUnavailable:
        return None


def shared_or_local(method, *args, **kwargs):
    """A cache operation (« get », « set », « add »…) on the shared cache or, while it is
    unavailable, on this machine's own cache."""
    try:
        return call(getattr(cache, method), *args, **kwargs)
    except CacheUnavailable:
        return getattr(caches["local"], method)(*args, **kwargs)


def get_or_compute(key, compute, timeout):
    """The cached value of `key` (None included), computed and stored when missing; in this
    machine's own cache while the cache server is down."""
    return shared_or_local("get_or_set", key, compute, timeout)


def delete_everywhere(keys):
    """Forget values in the shared cache and in this machine's own cache."""
    guarded(cache.delete_many, keys)
    caches["local"].delete_many(keys)


class ReusedClientRedisCacheClient(RedisCacheClient):
    """Django's Redis client builds a new redis.Redis object for every operation, and each one
    copies redis-py's table of about 170 reply handlers: a sixth of a millisecond per cache read,
    twice per page served from the cache. One redis.Redis per connection pool is kept instead
    (redis-py's clients are safe to share between threads: each command takes a connection from
    the pool)."""

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        clients = self.__dict__.setdefault("_clients", {})
        client = clients.get(id(pool))
        if client is None:
            client = clients[id(pool)] = self._client(connection_pool=pool)
        return client


class RedisCache(DjangoRedisCache):
    """The shared cache (settings.CACHES["default"] when REDIS_URL is set)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = ReusedClientRedisCacheClient
