"""sitemap.xml: every public page, and only public ones."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from structures.models import Network, ReceptionPoint, Structure


class PointSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8

    def items(self):
        return ReceptionPoint.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, point):
        return point.updated_at


class StructureSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.6

    def items(self):
        return Structure.objects.published().order_by("pk").only("slug", "updated_at")

    def lastmod(self, structure):
        return structure.updated_at


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
