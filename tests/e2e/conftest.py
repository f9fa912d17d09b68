"""Browser tests: Playwright for Python driving Debian's Chromium (no downloaded browser)."""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.contrib.auth.models import Group, User

from structures.roles import EDITORS
from tests.conftest import CHROMIUM_PATH

# Playwright's sync API runs an event loop in the test thread; the ORM is used from that thread
# on purpose (factories before each page load), which Django would otherwise refuse.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
# WCAG 2.2 A and AA, plus axe's best practices (landmarks, headings…).
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
    "resultTypes": ["violations"],
}
PHONE = {"width": 360, "height": 800}
DESKTOP = {"width": 1280, "height": 800}


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {**browser_type_launch_args, "executable_path": CHROMIUM_PATH, "args": CHROMIUM_FLAGS, "headless": True}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "fr-FR", "timezone_id": "Europe/Paris"}


@pytest.fixture
def screenshot(page):
    """Save a screenshot under test-results/screenshots/ and return its path.

    The whole page by default; ``full_page=False`` keeps to the screen, which a page whose layout
    follows the window's height (the map) needs: a full-page capture resizes the window for a moment,
    and the page then lays itself out again while the test goes on.
    """

    def take(name, target=None, full_page=True):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        (target or page).screenshot(path=path, full_page=full_page)
        return path

    return take


@pytest.fixture
def axe_violations(page):
    """Run axe-core in the page; return (count, readable report)."""

    def run():
        results = Axe().run(page, options=AXE_OPTIONS)
        return results.violations_count, results.generate_report()

    return run


STAFF_PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def editor():
    """A Region editor's account (« redactrice »); log_in() opens her session."""
    user = User.objects.create_user("redactrice", password=STAFF_PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    return user


def log_in(page, live_server):
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("redactrice")
    page.get_by_label("Mot de passe").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
