"""Test configuration shared by the whole suite.

The reference data (departments, networks, publics, service levels and the 4,034 communes) is
loaded once per test database, as `make run` does; tests then build what they need with the
factories of tests/structures/factories.py.
"""

import os
import re
import shutil
import socket
import time
from contextlib import contextmanager
from urllib.parse import urlsplit

import django_ratelimit.core
import pytest
from django.core.management.color import no_style
from django.core.management.commands import flush as flush_command
from django.core.signals import request_started
from django.db import DEFAULT_DB_ALIAS, connections, transaction

from structures.loaders import load_communes, load_epcis, load_former_communes, load_reference_data
from structures.models import Commune, Department, Epci, FormerCommune, Network, Public, ServiceLevel
from structures.roles import ensure_roles

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
# A Redis server for the tests of the shared cache (database 15, emptied by them).
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def load_all_reference_data():
    load_reference_data()
    load_communes()
    load_former_communes()
    load_epcis()


# The tables the loaders above fill, loaded once per test database. Transactional tests (browser
# tests) empty the tables after them (Django's flush): all but these, which no test changes and
# every test reads. If they were emptied anyway, the next test gets their rows back as first
# loaded, without reading the source files again.
REFERENCE_MODELS = [Department, Commune, FormerCommune, Epci, Network, Public, ServiceLevel]
_reference_rows = {}


def flush_all_but_reference_tables(style, connection, reset_sequences=True, allow_cascade=False):
    """django.core.management.sql.sql_flush without the reference tables: emptying and filling
    them again cost about a second per browser test on PostgreSQL."""
    kept = {model._meta.db_table for model in REFERENCE_MODELS}
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    return connection.ops.sql_flush(
        style,
        [table for table in tables if table not in kept],
        reset_sequences=reset_sequences,
        allow_cascade=allow_cascade,
    )


flush_command.sql_flush = flush_all_but_reference_tables


REFERENCE_TABLES = {model._meta.db_table for model in REFERENCE_MODELS}
# The table a statement writes to, as Django's backends write it (quoted names).
WRITE = re.compile(r'^\s*(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM|COPY)\s+"(\w+)"', re.IGNORECASE)
TRANSACTIONAL_FIXTURES = {
    "transactional_db",
    "live_server",
    "django_db_reset_sequences",
    "django_db_serialized_rollback",
}
_loading_reference_rows = []


@contextmanager
def loading_reference_rows():
    _loading_reference_rows.append(True)
    try:
        yield
    finally:
        _loading_reference_rows.pop()


def keep_reference_rows():
    for model in REFERENCE_MODELS:
        _reference_rows[model] = list(model.objects.values())


def restore_reference_rows():
    if not _reference_rows:  # a worker whose session started without them
        with loading_reference_rows():
            load_all_reference_data()
        keep_reference_rows()
        return
    connection = connections[DEFAULT_DB_ALIAS]
    # Departments and communes name each other: the database checks those keys at commit.
    with loading_reference_rows(), transaction.atomic():
        for model, rows in _reference_rows.items():
            model.objects.bulk_create([model(**row) for row in rows], batch_size=1000)
        with connection.cursor() as cursor:
            for statement in connection.ops.sequence_reset_sql(no_style(), REFERENCE_MODELS):
                cursor.execute(statement)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), loading_reference_rows():
        load_all_reference_data()
        keep_reference_rows()


def is_transactional(request):
    marker = request.node.get_closest_marker("django_db")
    return bool(marker and marker.kwargs.get("transaction")) or bool(TRANSACTIONAL_FIXTURES & set(request.fixturenames))


@pytest.fixture(autouse=True)
def reference_tables_left_as_loaded(request):
    """A transactional test commits what it writes, and the tables emptied after it leave the
    reference tables out: a network renamed or a public added there would be seen by every later
    test of the worker (and only in the order that worker ran them). Such a test fails, naming the
    table: a change of reference data is tested in a rolled-back test."""
    if not is_transactional(request):
        yield
        return
    written = set()

    def record(execute, sql, params, many, context):
        match = WRITE.match(sql)
        if match and match.group(1) in REFERENCE_TABLES and not _loading_reference_rows:
            written.add(match.group(1))
        return execute(sql, params, many, context)

    with connections[DEFAULT_DB_ALIAS].execute_wrapper(record):
        yield
    if written:
        pytest.fail(
            f"Ce test transactionnel a modifié des tables de référence ({', '.join(sorted(written))}) : "
            "les tests suivants les verraient modifiées. Testez ce changement dans un test annulé "
            "(sans transaction=True ni reference_data)."
        )


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache and closed circuit breakers: cached values and a
    simulated outage never leak between tests."""
    from django.core.cache import cache, caches

    from annuaire.caching import known_boundaries, last_seen
    from spro_site.cache import breaker as cache_breaker
    from spro_site.db.postgresql.base import breaker as database_breaker

    cache.clear()
    caches["local"].clear()
    known_boundaries.clear()
    last_seen.clear()
    cache_breaker.close()
    database_breaker.close()


@pytest.fixture(autouse=True)
def export_folder(tmp_path, settings):
    """Each test writes its stored exports (annuaire/exports.py) in a folder of its own."""
    settings.EXPORT_DIR = str(tmp_path / "exports")
    return tmp_path / "exports"


def commit_pending_writes(**kwargs):
    """Run the on-commit callbacks of what the test wrote so far (the data version stamp, cache
    clearing), as the commit at the end of a real request would have."""
    connection = connections[DEFAULT_DB_ALIAS]
    pending, connection.run_on_commit = connection.run_on_commit, []
    logged = len(connection.queries_log)
    for _savepoints, callback, _robust in pending:
        callback()
    # Those queries belong to the earlier commit, not to this request: kept out of query counts.
    while len(connection.queries_log) > logged:
        connection.queries_log.pop()


@pytest.fixture(autouse=True)
def committed_before_each_request():
    """Tests run inside a transaction that is never committed, but in production every request
    starts after the previous ones committed, and the page cache relies on it (the data version is
    stamped at commit). So before each request of the test client, what the test wrote is treated
    as committed."""
    request_started.connect(commit_pending_writes, dispatch_uid="tests-commit-pending-writes")
    yield
    request_started.disconnect(dispatch_uid="tests-commit-pending-writes")


@pytest.fixture
def uncommitted_writes(committed_before_each_request):
    """For the tests of transaction semantics: writes stay uncommitted until the test says so."""
    request_started.disconnect(dispatch_uid="tests-commit-pending-writes")


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests (browser tests): tables are emptied after each of them, the roles
    created by a migration included."""
    if not Department.objects.exists():
        restore_reference_rows()
    ensure_roles()


def pytest_collection_modifyitems(config, items):
    """The slow tests first: handed out last, one of them would keep a worker busy alone at the end.
    Only those run in a rolled-back transaction: pytest-django (whose hook runs before this one) puts
    those first, and the transactional tests, which empty the tables, after them."""

    def first(item):
        marker = item.get_closest_marker("django_db")
        rolled_back = marker is not None and not marker.kwargs.get("transaction")
        return not (rolled_back and item.get_closest_marker("slow"))

    items.sort(key=first)


def pytest_report_header(config):
    from django.conf import settings

    database = settings.DATABASES["default"]
    return f"Base de données : {database['ENGINE'].rsplit('.', 1)[-1]} ({database['NAME']})"


def is_xdist_worker(config):
    return hasattr(config, "workerinput")


# Browser tests that passed, counted on the process that prints the summary.
browser_tests = {"passed": 0, "left_out": False}


def redis_answers():
    address = urlsplit(TEST_REDIS_URL)
    try:
        socket.create_connection((address.hostname, address.port or 6379), timeout=1).close()
    except OSError:
        return False
    return True


# Tests that need a program or a server from Debian:
# (marker, what, program, how to install it, whether it is there).
EXTERNAL_PROGRAMS = [
    (
        "browser",
        "les tests navigateur",
        CHROMIUM_PATH,
        "apt-get install -y chromium",
        lambda: shutil.which(CHROMIUM_PATH),
    ),
    (
        "libreoffice",
        "l'ouverture des CSV dans LibreOffice",
        "soffice",
        "apt-get install -y --no-install-recommends libreoffice-calc-nogui",
        lambda: shutil.which("soffice"),
    ),
    ("redis", "les tests du cache partagé Redis", TEST_REDIS_URL, "apt-get install -y redis-server", redis_answers),
]
left_out = []


def pytest_configure(config):
    """Some tests need a program or a server from Debian (Chromium, LibreOffice, Redis). In CI its
    absence is an error, never a skip; on a developer's machine those tests are left out, and the
    summary says so."""
    for marker, what, program, install, available in EXTERNAL_PROGRAMS:
        if available():
            continue
        if os.environ.get("CI") and not is_xdist_worker(config):
            raise pytest.UsageError(
                f"{program} est introuvable : {what} ne peuvent pas tourner en CI. Installez-le : {install}"
            )
        existing = config.option.markexpr
        config.option.markexpr = f"({existing}) and not {marker}" if existing else f"not {marker}"
        left_out.append((what, program, install))
    browser_tests["left_out"] = any(program == CHROMIUM_PATH for _, program, _ in left_out)


def pytest_runtest_logreport(report):
    if report.when == "call" and report.passed and "browser" in report.keywords:
        browser_tests["passed"] += 1


def pytest_terminal_summary(terminalreporter, config):
    for what, program, install in left_out:
        terminalreporter.write_line(
            f"Non lancés : {what} ({program} absent). Installez-le ({install}) pour les lancer.", yellow=True
        )
    if not browser_tests["left_out"]:
        terminalreporter.write_line(f"Tests navigateur réussis dans Chromium : {browser_tests['passed']}.")


def pytest_sessionfinish(session, exitstatus):
    """In CI, a whole-suite run in which no browser test passed is a failure."""
    config = session.config
    whole_suite = not config.option.markexpr and not config.option.keyword and config.args == ["tests"]
    if is_xdist_worker(config) or not whole_suite or not os.environ.get("CI"):
        return
    if exitstatus == 0 and browser_tests["passed"] == 0:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


@pytest.fixture
def one_rate_window(monkeypatch):
    """The rate limits' clock (django-ratelimit counts per fixed window of time) held still: a test
    that counts requests up to a limit cannot see its window end halfway on a slow machine."""
    now = time.time()
    monkeypatch.setattr(django_ratelimit.core, "time", type("Clock", (), {"time": staticmethod(lambda: now)}))
