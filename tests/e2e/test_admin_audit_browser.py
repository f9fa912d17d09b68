"""The back office's pages staff use all day, audited with axe in Chromium: no violation."""

import pytest
from django.contrib.auth.models import Group, User

from structures.roles import EDITORS
from tests.e2e.conftest import DESKTOP
from tests.structures.factories import ClosureFactory, OpeningHoursFactory, ReceptionPointFactory

pytestmark = [pytest.mark.browser, pytest.mark.usefixtures("reference_data")]
PASSWORD = "un-mot-de-passe-solide-2026"


@pytest.fixture
def point():
    point = ReceptionPointFactory(name="CIO de Vienne", commune_insee="38544", last_verified_on=None)
    OpeningHoursFactory(point=point)
    ClosureFactory(point=point)
    return point


@pytest.fixture
def editor(live_server, page):
    user = User.objects.create_user("redactrice", password=PASSWORD, is_staff=True)
    user.groups.add(Group.objects.get(name=EDITORS))
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/admin/login/")
    page.get_by_label("Nom d’utilisateur").fill("redactrice")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    return user


PAGES = {
    "accueil": lambda p: "/admin/",
    "tableau de bord": lambda p: "/admin/tableau-de-bord/",
    "liste des lieux": lambda p: "/admin/structures/receptionpoint/",
    "liste des structures": lambda p: "/admin/structures/structure/",
    "fiche d'un lieu": lambda p: f"/admin/structures/receptionpoint/{p.pk}/change/",
    "fiche d'une structure": lambda p: f"/admin/structures/structure/{p.structure_id}/change/",
    "import de lieux": lambda p: "/admin/structures/receptionpoint/import/",
    "historique d'un lieu": lambda p: f"/admin/structures/receptionpoint/{p.pk}/history/",
    "lieux à vérifier": lambda p: "/admin/structures/receptionpoint/a-verifier/",
    "import de l'Annuaire de l'administration": lambda p: "/admin/structures/receptionpoint/import-annuaire/",
    "signalements d'erreur": lambda p: "/admin/structures/errorreport/",
}


@pytest.mark.parametrize("name", PAGES)
def test_every_admin_page_staff_use_is_accessible(live_server, page, editor, point, axe_violations, name):
    response = page.goto(live_server.url + PAGES[name](point))
    assert response.status == 200
    count, report = axe_violations()
    assert count == 0, report
