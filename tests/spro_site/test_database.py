"""Connections: persistent and checked, and a PostgreSQL restart waited for instead of failing."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.db import connection
from django.db.backends.postgresql import base as postgresql

from spro_site.db.postgresql.base import DatabaseWrapper


@pytest.fixture
def wrapper():
    return DatabaseWrapper({**settings.DATABASES["default"], "NAME": "spro", "ENGINE": "spro_site.db.postgresql"})


def failing(times, calls):
    def connect(self, conn_params):
        calls.append(conn_params)
        if len(calls) <= times:
            raise postgresql.Database.OperationalError("the database system is starting up")
        return "connexion"

    return connect


def test_a_new_connection_waits_while_the_server_restarts(wrapper, monkeypatch, settings):
    settings.DATABASE_CONNECT_RETRY_SECONDS = 5
    calls, pauses = [], []
    monkeypatch.setattr(postgresql.DatabaseWrapper, "get_new_connection", failing(3, calls))
    monkeypatch.setattr("spro_site.db.postgresql.base.time.sleep", pauses.append)
    assert wrapper.get_new_connection({"dbname": "spro"}) == "connexion"
    assert len(calls) == 4
    assert pauses == [0.1, 0.2, 0.4]


def test_a_server_that_stays_down_is_an_error_after_the_delay(wrapper, monkeypatch, settings):
    settings.DATABASE_CONNECT_RETRY_SECONDS = 2
    clock = [0.0]
    monkeypatch.setattr(postgresql.DatabaseWrapper, "get_new_connection", failing(1000, []))
    monkeypatch.setattr("spro_site.db.postgresql.base.time.monotonic", lambda: clock[0])
    monkeypatch.setattr("spro_site.db.postgresql.base.time.sleep", lambda pause: clock.__setitem__(0, clock[0] + pause))
    with pytest.raises(postgresql.Database.OperationalError):
        wrapper.get_new_connection({"dbname": "spro"})
    assert 1.0 <= clock[0] <= 2.0


def test_connections_are_kept_and_checked_before_reuse():
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    if connection.vendor == "postgresql":
        assert database["ENGINE"] == "spro_site.db.postgresql"
        assert database["CONN_MAX_AGE"] == 600
    else:
        # SQLite: one connection per request (it cannot be shared between threads).
        assert database["ENGINE"] == "django.db.backends.sqlite3"
        assert database["CONN_MAX_AGE"] == 0


def test_a_server_that_stays_down_is_skipped_then_tried_once_without_waiting(wrapper, monkeypatch, settings):
    from spro_site.db.postgresql.base import breaker

    settings.DATABASE_CONNECT_RETRY_SECONDS = 0
    calls, pauses = [], []
    monkeypatch.setattr(postgresql.DatabaseWrapper, "get_new_connection", failing(1000, calls))
    monkeypatch.setattr("spro_site.db.postgresql.base.time.sleep", pauses.append)
    with pytest.raises(postgresql.Database.OperationalError):
        wrapper.get_new_connection({"dbname": "spro"})
    tried = len(calls)
    # The breaker is open: no attempt at all, an answer at once.
    with pytest.raises(postgresql.Database.OperationalError, match="La base de données ne répond pas"):
        wrapper.get_new_connection({"dbname": "spro"})
    assert len(calls) == tried
    # Later (as if the delay had passed) the server is back: one attempt, and it works.
    storage = breaker._state_storage
    storage.opened_at = storage.opened_at - timedelta(seconds=settings.DATABASE_BREAKER_SECONDS + 1)
    monkeypatch.setattr(postgresql.DatabaseWrapper, "get_new_connection", failing(0, calls))
    pauses.clear()
    assert wrapper.get_new_connection({"dbname": "spro"}) == "connexion"
    assert pauses == []
    assert breaker.current_state == "closed"
