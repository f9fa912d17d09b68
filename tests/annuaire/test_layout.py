"""What every public page shares: the directory's name, the header's menu, icons from the site's own files."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from annuaire.templatetags.annuaire import ICONS, icon

pytestmark = pytest.mark.django_db

MENU = [
    ("Rechercher", "/recherche/"),
    ("Quelle structure pour moi ?", "/quelle-structure/"),
    ("Le SPRO", "/le-spro/"),
    ("Les réseaux", "/reseaux/"),
]


def menu(response):
    html = response.content.decode()
    nav = re.search(r'<nav class="site-nav" aria-label="Menu principal">(.*?)</nav>', html, re.S).group(1)
    return [
        (" ".join(re.sub(r"<[^>]+>|&nbsp;", " ", text).split()), href, "aria-current" in attributes)
        for href, attributes, text in re.findall(r'<a href="([^"]+)"([^>]*)>(.*?)</a>', nav, re.S)
    ]


@pytest.mark.parametrize(
    ("name", "current"),
    [("annuaire:home", None), ("annuaire:search", "Rechercher"), ("annuaire:helper", "Quelle structure pour moi ?"),
     ("annuaire:spro", "Le SPRO"), ("annuaire:networks", "Les réseaux")],
)  # fmt: skip
def test_every_page_has_the_menu_with_the_current_page_marked(client, name, current):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert [(text, href) for text, href, _ in menu(response)] == MENU
    assert [text for text, _, is_current in menu(response) if is_current] == ([current] if current else [])


def test_a_network_page_marks_the_networks_in_the_menu(client):
    response = client.get(reverse("annuaire:network", args=["mission-locale"]))
    assert [text for text, _, is_current in menu(response) if is_current] == ["Les réseaux"]


def test_an_unknown_address_keeps_the_menu(client):
    response = client.get("/page-inconnue/")
    assert response.status_code == 404
    assert [(text, href, is_current) for text, href, is_current in menu(response)] == [
        (text, href, False) for text, href in MENU
    ]


def test_the_wordmark_is_the_directory_s_own_name_not_an_institution_s_logo(client):
    html = client.get(reverse("annuaire:home")).content.decode()
    brand = re.search(r'<a class="brand"[^>]*>(.*?)</a>', html, re.S).group(1)
    words = " ".join(re.sub(r"<[^>]+>", " ", brand).split())
    assert words == "Annuaire de l'orientation Auvergne-Rhône-Alpes · gratuit, pour tous, à tout âge"
    assert 'aria-hidden="true"' in brand.split("</svg>")[0]


def test_every_icon_is_drawn_in_the_site_s_own_sprite():
    sprite = (Path(settings.BASE_DIR) / "static" / "img" / "icons.svg").read_text()
    assert set(re.findall(r'<symbol id="([a-z]+)"', sprite)) == ICONS
    assert re.fullmatch(
        r'<svg class="icon" aria-hidden="true" focusable="false"><use href="/static/img/icons(\.[0-9a-f]+)?\.svg#phone">'
        r"</use></svg>",
        icon("phone"),
    )
    with pytest.raises(ValueError, match="Unknown icon"):
        icon("rocket")
