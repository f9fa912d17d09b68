"""One client address for every rate limit and the login lockout: the X-Forwarded-For header is
believed only when the request comes from a configured proxy, and then only for what that proxy
appended, never for what the client wrote itself."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from annuaire.reports import REPORTS_PER_HOUR
from spro_site.client import client_ip, client_key
from structures.models import ErrorReport
from tests.annuaire.test_reports import signed
from tests.structures.factories import ReceptionPointFactory

PROXY = "10.0.0.5"
CLIENT = "198.51.100.4"
OTHER_CLIENT = "203.0.113.77"


@pytest.fixture
def behind_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY, "10.1.0.0/16"]


def request_from(rf, remote, forwarded=None):
    request = rf.get("/")
    request.META["REMOTE_ADDR"] = remote
    if forwarded is not None:
        request.META["HTTP_X_FORWARDED_FOR"] = forwarded
    return request


def test_without_a_trusted_proxy_the_header_is_never_read(rf, settings):
    settings.TRUSTED_PROXIES = []
    assert client_ip(request_from(rf, CLIENT, "192.0.2.1")) == CLIENT
    assert client_ip(request_from(rf, PROXY, CLIENT)) == PROXY


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        # The proxy appended the address it saw.
        (PROXY, CLIENT, CLIENT),
        # A forged header: the client wrote an address, the proxy appended the real one.
        (PROXY, f"192.0.2.1, {CLIENT}", CLIENT),
        (PROXY, f"unknown, 8.8.8.8 , {CLIENT}", CLIENT),
        # Two proxies of ours: both skipped from the right.
        (PROXY, f"192.0.2.1, {CLIENT}, 10.1.4.2", CLIENT),
        # The port and IPv6 forms a proxy may write.
        (PROXY, f"{CLIENT}:51234", CLIENT),
        (PROXY, "[2001:db8::7]:443", "2001:db8::7"),
        # Nothing readable in the header: the proxy itself.
        (PROXY, "", PROXY),
        (PROXY, "pas-une-adresse", PROXY),
        # A request that does not come from a proxy of ours: its header is a lie.
        (OTHER_CLIENT, "192.0.2.1", OTHER_CLIENT),
        ("10.2.0.1", CLIENT, "10.2.0.1"),
    ],
)
def test_behind_a_trusted_proxy_the_address_it_appended_counts(rf, behind_proxy, remote, forwarded, expected):
    assert client_ip(request_from(rf, remote, forwarded)) == expected


@pytest.mark.parametrize(
    ("meta", "expected"),
    [
        ({"REMOTE_ADDR": "203.0.113.9"}, "203.0.113.9"),
        ({"REMOTE_ADDR": "2001:db8:1:2:3:4:5:6"}, "2001:db8:1:2::"),
        ({}, "adresse-inconnue"),
        ({"REMOTE_ADDR": "pas une adresse"}, "adresse-inconnue"),
    ],
)
def test_counters_count_per_address_or_ipv6_network_and_never_fail_without_one(rf, meta, expected):
    request = rf.get("/")
    request.META.pop("REMOTE_ADDR", None)
    request.META.update(meta)
    assert client_key(request) == expected


@pytest.mark.django_db
def test_a_forged_header_does_not_escape_the_api_rate_limit(client, settings, behind_proxy, one_rate_window):
    settings.API_RATE_LIMIT = "3/m"
    url = reverse("annuaire:api-networks")
    statuses = [
        client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}, {CLIENT}").status_code for n in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    # Another person behind the same proxy has her own counter.
    assert client.get(url, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=OTHER_CLIENT).status_code == 200
    # Without the proxy, the header is not believed: the direct address counts.
    direct = [client.get(url, REMOTE_ADDR=OTHER_CLIENT, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}") for n in range(4)]
    assert [response.status_code for response in direct] == [200, 200, 429, 429]


@pytest.mark.django_db
def test_reports_are_counted_per_person_behind_the_proxy_and_a_forged_header_does_not_help(client, behind_proxy):
    point = ReceptionPointFactory()
    url = reverse("annuaire:report-error", args=[point.slug])

    def report(forwarded):
        data = {"message": "Le numéro ne répond plus depuis des semaines.", "jeton": signed(60)}
        return client.post(url, data, REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=forwarded).status_code

    statuses = [report(f"192.0.2.{n}, {CLIENT}") for n in range(REPORTS_PER_HOUR + 1)]
    assert statuses == [302] * REPORTS_PER_HOUR + [429]
    # Another person of the region, through the same proxy, can still report.
    assert report(OTHER_CLIENT) == 302
    assert ErrorReport.objects.count() == REPORTS_PER_HOUR + 1


@pytest.mark.django_db
def test_an_attacker_behind_the_same_proxy_cannot_lock_a_staff_member_out(client, behind_proxy):
    User.objects.create_user("agent", password="le-bon-mot-de-passe-5678", is_staff=True)
    url = reverse("admin:login")
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{CLIENT}, {OTHER_CLIENT}"}
    for _ in range(5):
        # The attacker writes the staff member's address in the header: in vain.
        client.post(url, {"username": "agent", "password": "mauvais"}, **attacker)
    assert client.post(url, {"username": "agent", "password": "mauvais"}, **attacker).status_code == 429
    staff_member = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": CLIENT}
    response = client.post(url, {"username": "agent", "password": "le-bon-mot-de-passe-5678"}, **staff_member)
    assert response.status_code == 302
