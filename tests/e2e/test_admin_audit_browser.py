"""The back office's pages staff use all day, audited with axe in Chromium: no violation."""

import pytest

from tests.e2e.conftest import log_in
from tests.structures.factories import ClosureFactory, OpeningHoursFactory, ReceptionPointFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]


@pytest.fixture
def point():
    point = ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544", last_verified_on=None)
    OpeningHoursFactory(point=point)
    ClosureFactory(point=point)
    return point


PAGES = {
    "accueil": lambda p: "/admin/",
    "tableau de bord": lambda p: "/admin/tableau-de-bord/",
    "liste des lieux": lambda p: "/admin/structures/receptionpoint/",
    "liste des structures": lambda p: "/admin/structures/structure/",
    "fiche d'un lieu": lambda p: f"/admin/structures/receptionpoint/{p.pk}/change/",
    "fiche d'une structure": lambda p: f"/admin/structures/structure/{p.structure_id}/change/",
    "import de lieux": lambda p: "/admin/structures/receptionpoint/import/",
    "export de lieux": lambda p: "/admin/structures/receptionpoint/export/",
    "historique d'un lieu": lambda p: f"/admin/structures/receptionpoint/{p.pk}/history/",
    "version d'un lieu": lambda p: f"/admin/structures/receptionpoint/{p.pk}/history/{p.history.first().history_id}/",
    "lieux à vérifier": lambda p: "/admin/structures/receptionpoint/a-verifier/",
    "import de l'Annuaire de l'administration": lambda p: "/admin/structures/receptionpoint/import-annuaire/",
    "signalements d'erreur": lambda p: "/admin/structures/errorreport/",
}


def test_every_admin_page_staff_use_is_accessible(live_server, page, editor, point, axe_violations):
    """One session, every page; each page's violations are named with it."""
    log_in(page, live_server)
    reports = {}
    for name, path in PAGES.items():
        response = page.goto(live_server.url + path(point))
        assert response.status == 200, name
        count, report = axe_violations()
        if count:
            reports[name] = report
    assert reports == {}
