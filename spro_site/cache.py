"""The cache is an optimisation: when its server (Redis) cannot be reached, the site works on
without it, computing what it would have read, and the failure is logged."""

import logging

from django.core.cache import cache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


CACHE_ERRORS = (RedisError, OSError)


def log_failure():
    logger.warning("Cache indisponible : la réponse est calculée sans lui.", exc_info=True)


def guarded(operation, *args, **kwargs):
    """Run a cache operation; an unreachable cache server counts as an empty cache (None)."""
    try:
        return operation(*args, **kwargs)
    except CACHE_ERRORS:
        log_failure()
        return None


def get_or_compute(key, compute, timeout):
    """The cached value of `key` (None included), computed and stored when missing; computed
    when the cache server is down."""
    try:
        return cache.get_or_set(key, compute, timeout)
    except CACHE_ERRORS:
        log_failure()
        return compute()
