"""The cache is an optimisation: when its server (Redis) cannot be reached, or answers too slowly,
the site works on without it, computing what it would have read, and the failure is logged.

A hung server is worse than a stopped one: each call would wait for its socket timeout (kept short
in the settings), several times per request. So the first failure opens a circuit breaker
(pybreaker): for CACHE_BREAKER_SECONDS every cache call of this process is skipped at once, as if
the cache were empty; then one call tries the server again, and a success closes the breaker.
"""

import logging

import pybreaker
from django.conf import settings
from django.core.cache import cache
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


def get_or_compute(key, compute, timeout):
    """The cached value of `key` (None included), computed and stored when missing; computed
    when the cache server is down."""
    try:
        return call(cache.get_or_set, key, compute, timeout)
    except CacheUnavailable:
        return compute()
