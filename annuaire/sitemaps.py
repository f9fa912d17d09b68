"""sitemap.xml: every public page, and only public ones."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from structures.models import Network, ReceptionPoint, Structure


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


class PageSitemap(Sitemap):
    changefreq = "daily"
    priority = 1.0

    def items(self):
        return ["annuaire:home", "annuaire:search"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {"pages": PageSitemap, "reseaux": NetworkSitemap, "structures": StructureSitemap, "lieux": PointSitemap}
