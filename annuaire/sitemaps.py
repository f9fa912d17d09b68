"""sitemap.xml: every public page, and only public ones."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from structures.enums import CommuneKind
from structures.models import Commune, Network, ReceptionPoint, Structure


class PublishedSitemap(Sitemap):
    """The published records of a model, with the time of their last change."""

    changefreq = "weekly"
    model = None

    def items(self):
        return self.model.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, record):
        return record.updated_at


class PointSitemap(PublishedSitemap):
    model = ReceptionPoint
    priority = 0.8


class StructureSitemap(PublishedSitemap):
    model = Structure
    priority = 0.6


class NetworkSitemap(Sitemap):
    changefreq = "monthly"
    priority = 0.5

    def items(self):
        return Network.objects.order_by("pk")


class CommuneSitemap(Sitemap):
    """« Qui est compétent pour ma commune ? », one page per commune."""

    changefreq = "monthly"
    priority = 0.4

    def items(self):
        return Commune.objects.filter(kind=CommuneKind.COMMUNE).order_by("pk").only("insee_code")

    def location(self, commune):
        return reverse("annuaire:commune", args=[commune.insee_code])


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["annuaire:home", "annuaire:search"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap,
    "reseaux": NetworkSitemap,
    "structures": StructureSitemap,
    "lieux": PointSitemap,
    "communes": CommuneSitemap,
}
