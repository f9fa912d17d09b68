"""Django's PostgreSQL backend, waiting for the server when it is restarting.

Persistent connections are checked before each request (CONN_MAX_AGE with health checks), so a
connection broken by a restart is replaced at the next request. While the server is down, opening
that new connection fails: instead of answering an error at once, the request waits for the server
for up to DATABASE_CONNECT_RETRY_SECONDS, trying again with growing pauses. A restart under load
then loses only the requests whose queries were running at that moment.
"""

import time

from django.conf import settings
from django.db.backends.postgresql import base

FIRST_PAUSE_SECONDS = 0.1
LONGEST_PAUSE_SECONDS = 1.0


class DatabaseWrapper(base.DatabaseWrapper):
    def get_new_connection(self, conn_params):
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
