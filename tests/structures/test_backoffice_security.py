"""Back office: history of changes with restore, roles, and the locked admin login."""

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse

from structures.roles import ADMINISTRATORS, EDITORS, READERS
from tests.structures.factories import ReceptionPointFactory, staff_member

pytestmark = pytest.mark.django_db


member_of = staff_member


def test_history_records_who_changed_what_and_restores_it(client):
    point = ReceptionPointFactory(name="CIO de Vienne", phone="04 65 71 00 01")
    editor = member_of(EDITORS, "redactrice")
    client.force_login(editor)
    url = reverse("admin:structures_receptionpoint_change", args=[point.pk])
    form = client.get(url).context["adminform"].form
    data = {key: value for key, value in form.initial.items() if value is not None and not isinstance(value, list)}
    data.update(
        {
            "phone": "04 65 71 00 02",
            "structure": point.structure_id,
            "commune": point.commune_id,
            "opening_hours-TOTAL_FORMS": "0",
            "opening_hours-INITIAL_FORMS": "0",
            "closures-TOTAL_FORMS": "0",
            "closures-INITIAL_FORMS": "0",
        }
    )
    for boolean in ("walk_in", "by_appointment", "on_site", "is_published"):
        data[boolean] = "on" if getattr(point, boolean) else ""
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    point.refresh_from_db()
    assert point.phone == "04 65 71 00 02"
    latest, previous = point.history.all()[:2]
    assert (latest.history_user, latest.phone, previous.phone) == (editor, "04 65 71 00 02", "04 65 71 00 01")
    assert [change.field for change in latest.diff_against(previous).changes] == ["phone"]
    history_page = client.get(reverse("admin:structures_receptionpoint_history", args=[point.pk]))
    assert "redactrice" in history_page.content.decode()
    # Restore the previous version.
    previous.instance.save()
    point.refresh_from_db()
    assert point.phone == "04 65 71 00 01"


def test_roles_are_created_with_the_right_permissions(client):
    assert set(Group.objects.values_list("name", flat=True)) >= {ADMINISTRATORS, EDITORS, READERS}
    editor = member_of(EDITORS, "editeur")
    reader = member_of(READERS, "partenaire")
    administrator = member_of(ADMINISTRATORS, "administratrice")
    assert editor.has_perm("structures.change_receptionpoint")
    assert not editor.has_perm("auth.change_user")
    assert administrator.has_perm("auth.change_user")
    assert reader.has_perm("structures.view_receptionpoint")
    assert not reader.has_perm("structures.change_receptionpoint")
    point = ReceptionPointFactory()
    client.force_login(reader)
    url = reverse("admin:structures_receptionpoint_change", args=[point.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"name": "Modifié"}).status_code == 403
    client.force_login(editor)
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403


def test_admin_login_is_locked_after_five_failures(client):
    User.objects.create_user("agent", password="le-bon-mot-de-passe-5678", is_staff=True)
    url = reverse("admin:login")
    for _ in range(4):
        response = client.post(url, {"username": "agent", "password": "mauvais"})
        assert response.status_code == 200
        assert "Connexion temporairement bloquée" not in response.content.decode()
    assert client.post(url, {"username": "agent", "password": "mauvais"}).status_code == 429
    # Locked: even the right password is refused now.
    response = client.post(url, {"username": "agent", "password": "le-bon-mot-de-passe-5678"})
    assert response.status_code == 429
    assert "Connexion temporairement bloquée" in response.content.decode()
