"""Test configuration shared by the whole suite.

The reference data (departments, networks, publics, service levels and the 4,034 communes) is
loaded once per test database, as `make run` does; tests then build what they need with the
factories of tests/structures/factories.py.
"""

import os
import shutil

import pytest

from structures.loaders import load_communes, load_reference_data
from structures.models import Department

CHROMIUM_PATH = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")


def load_all_reference_data():
    load_reference_data()
    load_communes()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_all_reference_data()


@pytest.fixture
def reference_data(transactional_db):
    """For transactional tests (browser tests): tables are emptied after each of them."""
    if not Department.objects.exists():
        load_all_reference_data()


def chromium_available():
    return bool(shutil.which(CHROMIUM_PATH))


def pytest_collection_modifyitems(config, items):
    """Browser tests need Debian's Chromium. In CI its absence is an error, never a skip;
    on a developer's machine the browser tests are left out with a visible message."""
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    if not browser_items or chromium_available():
        return
    if os.environ.get("CI"):
        raise pytest.UsageError(
            f"Chromium est introuvable ({CHROMIUM_PATH}) : les tests navigateur ne peuvent pas tourner en CI. "
            "Installez-le : apt-get install -y chromium"
        )
    config.hook.pytest_deselected(items=browser_items)
    items[:] = [item for item in items if not item.get_closest_marker("browser")]
    config._browser_tests_left_out = len(browser_items)


def pytest_terminal_summary(terminalreporter, config):
    left_out = getattr(config, "_browser_tests_left_out", 0)
    if left_out:
        terminalreporter.write_line(
            f"{left_out} test(s) navigateur non lancé(s) : Chromium absent ({CHROMIUM_PATH}). "
            "Installez-le (apt-get install -y chromium) pour les lancer.",
            yellow=True,
        )
