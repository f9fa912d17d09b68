"""Django's PostgreSQL backend, waiting a little for a restarting server, and no longer for one
that is down.

Persistent connections are checked before each request (CONN_MAX_AGE with health checks), so a
connection broken by a restart is replaced at the next request. While the server is down, opening
that new connection fails: the request first tries again with growing pauses for up to
DATABASE_CONNECT_RETRY_SECONDS (a restart lasts a few seconds), then gives up. The first such
failure opens a circuit breaker (pybreaker): for DATABASE_BREAKER_SECONDS the requests of this
process fail at once instead of each waiting, and the site answers « try again in a moment »
(spro_site/middleware.py); then one request tries the server again, once, without waiting: when
the server is back, the process is back within that delay.
"""

import time

import pybreaker
from django.conf import settings
from django.db.backends.postgresql import base

FIRST_PAUSE_SECONDS = 0.1
LONGEST_PAUSE_SECONDS = 1.0

breaker = pybreaker.CircuitBreaker(
    fail_max=1,
    reset_timeout=settings.DATABASE_BREAKER_SECONDS,
    exclude=[lambda error: not isinstance(error, base.Database.OperationalError)],
    name="database",
)


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
        # Once the server has failed, each later try is a single attempt: no thread waits again.
        connect = self._connect_waiting if breaker.current_state == pybreaker.STATE_CLOSED else self._connect_once
        try:
            return breaker.call(connect, conn_params)
        except pybreaker.CircuitBreakerError as error:
            raise base.Database.OperationalError(
                "La base de données ne répond pas (nouvel essai dans quelques secondes)."
            ) from error

    def _connect_once(self, conn_params):
        return super().get_new_connection(conn_params)

    def _connect_waiting(self, conn_params):
        deadline = time.monotonic() + settings.DATABASE_CONNECT_RETRY_SECONDS
        pause = FIRST_PAUSE_SECONDS
        while True:
            try:
                return super().get_new_connection(conn_params)
            except base.Database.OperationalError:
                if time.monotonic() + pause > deadline:
                    raise
                time.sleep(pause)
                pause = min(pause * 2, LONGEST_PAUSE_SECONDS)
