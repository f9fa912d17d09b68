"""The roles of the back office, pinned cell by cell: what each role may view, add, change, delete,
import and export, checked through the admin pages themselves; and the ways around it closed."""

import pytest
from axes.models import AccessAttempt
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from structures.models import Network, Public
from structures.roles import ADMINISTRATORS, EDITORS, READERS
from tests.structures.factories import (
    ClosureFactory,
    ErrorReportFactory,
    OpeningHoursFactory,
    ReceptionPointFactory,
    staff_member,
)

pytestmark = pytest.mark.django_db

PASSWORD = "mot-de-passe-de-test-1234"

# The expected table, written here independently of structures/roles.py (README « Rôles »).
# A = Administrateurs Région, E = Éditeurs Région, R = Partenaires (lecture seule).
EXPECTED = {
    "structures.structure": {
        "A": "view add change delete import export",
        "E": "view add change import export",
        "R": "view export",
    },
    "structures.receptionpoint": {
        "A": "view add change delete import export",
        "E": "view add change delete import export",
        "R": "view export",
    },
    "structures.openinghours": {
        "A": "view add change delete import export",
        "E": "view add change delete import export",
        "R": "view export",
    },
    "structures.closure": {"A": "view add change delete", "E": "view add change delete", "R": "view"},
    "structures.errorreport": {"A": "view change delete", "E": "view change", "R": "view"},
    "structures.network": {"A": "view add change", "E": "view", "R": "view"},
    "structures.public": {"A": "view add change", "E": "view", "R": "view"},
    "structures.servicelevel": {"A": "view add change", "E": "view", "R": "view"},
    "structures.department": {"A": "view change", "E": "view", "R": "view"},
    "structures.commune": {"A": "view change", "E": "view", "R": "view"},
    "auth.user": {"A": "view add change", "E": "", "R": ""},
    "auth.group": {"A": "view", "E": "", "R": ""},
    "axes.accessattempt": {"A": "view delete", "E": "", "R": ""},
}
ROLE_GROUPS = {"A": ADMINISTRATORS, "E": EDITORS, "R": READERS}
ACTIONS = ["view", "add", "change", "delete", "import", "export"]
# Models with import and export buttons.
WITH_IO = {"structures.structure", "structures.receptionpoint", "structures.openinghours"}
CELLS = [
    (model, role, action)
    for model in EXPECTED
    for role in ROLE_GROUPS
    for action in ACTIONS
    if action in ("view", "add", "change", "delete") or model in WITH_IO
]


def member_of(role, username=None):
    return staff_member(ROLE_GROUPS[role], username or f"compte-{role}")


def an_object(model):
    """A record of each model, for the change and delete pages."""
    app_label, name = model.split(".")
    makers = {
        "structure": lambda: ReceptionPointFactory().structure,
        "receptionpoint": ReceptionPointFactory,
        "openinghours": OpeningHoursFactory,
        "closure": ClosureFactory,
        "errorreport": ErrorReportFactory,
        "user": lambda: User.objects.create_user("une-collegue", password=PASSWORD, is_staff=True),
        "group": lambda: Group.objects.get(name=READERS),
        "accessattempt": lambda: AccessAttempt.objects.create(
            username="agent", ip_address="198.51.100.4", failures_since_start=5, attempt_time=timezone.now()
        ),
    }
    if name in makers:
        return makers[name]()
    return admin.site._registry[
        next(m for m in admin.site._registry if m._meta.label_lower == model)
    ].model.objects.first()


def page(model, action, obj):
    app_label, name = model.split(".")
    if action == "view":
        return reverse(f"admin:{app_label}_{name}_changelist")
    if action == "add":
        return reverse(f"admin:{app_label}_{name}_add")
    if action in ("import", "export"):
        return reverse(f"admin:{app_label}_{name}_{action}")
    return reverse(f"admin:{app_label}_{name}_{action}", args=[obj.pk])


@pytest.mark.parametrize(("model", "role", "action"), CELLS)
def test_each_cell_of_the_role_table(client, model, role, action):
    allowed = action in EXPECTED[model][role].split()
    user = member_of(role)
    assert user.has_perm(f"{model.split('.')[0]}.{action}_{model.split('.')[1]}") is allowed
    obj = an_object(model)
    client.force_login(user)
    if action == "change":
        model_admin = next(ma for m, ma in admin.site._registry.items() if m._meta.label_lower == model)
        request = RequestFactory().get("/")
        request.user = user
        assert model_admin.has_change_permission(request, obj) is allowed
        return
    response = client.get(page(model, action, obj))
    if allowed:
        assert response.status_code == 200
    else:
        # Without the right, the page is refused (the list too, unless the role may change).
        assert response.status_code in (403, 302), response.status_code
        if response.status_code == 302:
            assert "login" in response["Location"]


def test_a_region_administrator_cannot_make_herself_superuser_or_give_roles(client):
    administrator = member_of("A", "administratrice")
    client.force_login(administrator)
    url = reverse("admin:auth_user_change", args=[administrator.pk])
    form = client.get(url).context["adminform"].form
    assert not {"is_superuser", "is_staff", "groups", "user_permissions"} & set(form.fields)
    data = {
        "username": "administratrice",
        "first_name": "",
        "last_name": "",
        "email": "",
        "is_active": "on",
        "is_staff": "on",
        "is_superuser": "on",
        "groups": [Group.objects.get(name=ADMINISTRATORS).pk, Group.objects.get(name=EDITORS).pk],
        "user_permissions": [],
        # The departments whose error reports the account follows (none here).
        "staff_profile-TOTAL_FORMS": "0",
        "staff_profile-INITIAL_FORMS": "0",
    }
    response = client.post(url, data)
    assert response.status_code == 302
    administrator.refresh_from_db()
    assert not administrator.is_superuser
    assert list(administrator.groups.values_list("name", flat=True)) == [ADMINISTRATORS]


def test_a_region_administrator_cannot_touch_a_superuser_account(client):
    client.force_login(member_of("A", "administratrice"))
    superuser = User.objects.create_superuser("chef", password=PASSWORD)
    assert client.post(reverse("admin:auth_user_password_change", args=[superuser.pk]), {}).status_code == 403
    assert client.get(reverse("admin:auth_user_delete", args=[superuser.pk])).status_code == 403
    change = client.post(reverse("admin:auth_user_change", args=[superuser.pk]), {"username": "pirate"})
    assert change.status_code == 403
    superuser.refresh_from_db()
    assert superuser.username == "chef"


def test_a_region_administrator_cannot_change_what_a_role_may_do(client):
    client.force_login(member_of("A", "administratrice"))
    editors = Group.objects.get(name=EDITORS)
    response = client.post(reverse("admin:auth_group_change", args=[editors.pk]), {"name": EDITORS, "permissions": []})
    assert response.status_code == 403
    assert editors.permissions.exists()


def test_editors_cannot_delete_reference_data_or_structures(client):
    client.force_login(member_of("E", "redacteur"))
    network = Network.objects.get(slug="mission-locale")
    public = Public.objects.get(slug="femmes-familles")
    structure = ReceptionPointFactory().structure
    for url in (
        reverse("admin:structures_network_delete", args=[network.pk]),
        reverse("admin:structures_public_delete", args=[public.pk]),
        reverse("admin:structures_structure_delete", args=[structure.pk]),
    ):
        assert client.get(url).status_code == 403
        assert client.post(url, {"post": "yes"}).status_code == 403
    assert Public.objects.filter(slug="femmes-familles").exists()


def test_only_a_superuser_deletes_reference_data(client):
    public = Public.objects.create(name="Public à supprimer", slug="public-a-supprimer", position=99)
    client.force_login(member_of("A", "administratrice"))
    assert client.get(reverse("admin:structures_public_delete", args=[public.pk])).status_code == 403
    client.force_login(User.objects.create_superuser("chef", password=PASSWORD))
    assert client.post(reverse("admin:structures_public_delete", args=[public.pk]), {"post": "yes"}).status_code == 302
    assert not Public.objects.filter(pk=public.pk).exists()


def test_a_staff_account_without_a_role_sees_nothing_not_even_the_dashboard(client):
    client.force_login(User.objects.create_user("sans-role", password=PASSWORD, is_staff=True))
    assert client.get(reverse("admin-dashboard")).status_code == 403
    index = client.get(reverse("admin:index"))
    assert index.status_code == 200
    assert "Tableau de bord" not in index.content.decode()
    assert index.context["app_list"] == []


def test_an_administrator_unlocks_a_locked_account_from_the_admin_in_french(client):
    User.objects.create_user("agent", password="le-bon-mot-de-passe-5678", is_staff=True)
    login = reverse("admin:login")
    for _ in range(5):
        client.post(login, {"username": "agent", "password": "mauvais"})
    assert client.post(login, {"username": "agent", "password": "le-bon-mot-de-passe-5678"}).status_code == 429
    client.force_login(member_of("A", "administratrice"))
    listing = client.get(reverse("admin:axes_accessattempt_changelist"))
    html = listing.content.decode()
    assert "Sécurité des connexions" in html
    assert "Bloqué" in html
    assert "Débloquer les comptes sélectionnés" in html
    attempt = AccessAttempt.objects.get(username="agent")
    response = client.post(
        reverse("admin:axes_accessattempt_changelist"),
        {"action": "unlock", "_selected_action": [attempt.pk]},
        follow=True,
    )
    assert "1 blocage levé : la connexion est de nouveau possible." in response.content.decode()
    client.logout()
    assert client.post(login, {"username": "agent", "password": "le-bon-mot-de-passe-5678"}).status_code == 302


# This round's back-office pages, by role: (page, A, E, R) with True = opens, False = refused.
ROUND_PAGES = [
    ("history", True, True, True),
    ("version", True, True, True),
    ("queue", True, True, True),
    ("dila_import", True, True, False),
    ("import_template", True, True, False),
    ("hours_preview", True, True, False),
]


@pytest.mark.parametrize(("page_name", "A", "E", "R"), ROUND_PAGES)
@pytest.mark.parametrize("role", ["A", "E", "R"])
def test_the_tool_pages_follow_the_roles(client, page_name, A, E, R, role):
    allowed = {"A": A, "E": E, "R": R}[role]
    point = ReceptionPointFactory(phone="04 74 00 00 01")
    version = point.history.first()
    urls = {
        "history": reverse("admin:structures_receptionpoint_history", args=[point.pk]),
        "version": reverse("admin:structures_receptionpoint_simple_history", args=[point.pk, version.history_id]),
        "queue": reverse("admin:structures_receptionpoint_queue"),
        "dila_import": reverse("admin:structures_receptionpoint_dila_import"),
        "import_template": reverse("admin:structures_receptionpoint_import_template", args=["csv"]),
        "hours_preview": reverse("admin:structures_receptionpoint_hours_preview") + "?week_0_0_range=9-12",
    }
    client.force_login(member_of(role))
    response = client.get(urls[page_name])
    assert (response.status_code == 200) is allowed, response.status_code
    if not allowed:
        assert response.status_code in (403, 404)


def test_a_reader_sees_a_point_without_any_button_to_change_it(client):
    point = ReceptionPointFactory()
    client.force_login(member_of("R"))
    page = client.get(reverse("admin:structures_receptionpoint_change", args=[point.pk])).content.decode()
    listing = client.get(reverse("admin:structures_receptionpoint_changelist")).content.decode()
    history = client.get(reverse("admin:structures_receptionpoint_history", args=[point.pk])).content.decode()
    assert 'name="_save"' not in page
    assert "Supprimer" not in page
    for hidden in ("Importer", "Ajouter lieu", "Annuaire de l'administration"):
        assert hidden not in listing
    assert "Exporter" in listing
    # The history and its versions are readable; going back to a version is for those who may change
    # the point: no button, and a form sent anyway is refused.
    assert "Voir cette version" in history
    url = reverse("admin:structures_receptionpoint_simple_history", args=[point.pk, point.history.first().history_id])
    version = client.get(url)
    assert version.status_code == 200
    assert "Revenir à cette version" not in version.content.decode()
    form = version.context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(structure=point.structure_id, commune=point.commune_id, phone="04 00 00 00 00")
    assert client.post(url, data).status_code == 403
    point.refresh_from_db()
    assert point.phone != "04 00 00 00 00"
