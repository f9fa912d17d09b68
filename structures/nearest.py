"""The nearest published points to a position, as a lazy sequence that Django's Paginator pages
(docs/adr/0001): reached from a QuerySet of points by `.nearest(latitude, longitude, radius_km)`."""

import math

from django.db.models import Q

# Counting stops here: beyond it the page says « plus de 200 lieux ». At the real scale of the SPRO
# (about 1,200 places) a 20 km search in Lyon finds about 140. The pages go on past it: the count
# is then taken a page beyond the one asked for (count_cap), so « page suivante » is always right.
COUNT_CAP = 200


class NearestResults:
    """Published points nearest to a position, as a lazy sequence for Django's Paginator.

    Finding the k nearest never computes the distance of every point within the radius: they are
    looked for in the circle expected to hold them, doubled only if it holds fewer. The count stops
    at COUNT_CAP (the page then says « plus de 200 lieux »), so it too examines a bounded number of
    rows: the cost stays about the same whether the region holds a thousand points or a hundred
    thousand.
    """

    # Margin on the radius expected to hold the k nearest (1.5² ≈ 2.25 times the points needed).
    MARGIN = 1.5

    def __init__(self, queryset, latitude, longitude, radius_km, rows=None, cap=COUNT_CAP, first=None):
        self.queryset = queryset
        # Points that come before the others whatever their distance within the radius (those of
        # the structures competent for the searched commune): they are few.
        self.first = first
        self.latitude, self.longitude, self.radius_km = latitude, longitude, radius_km
        # What each result fetches with it (the public page and the API need different things).
        self.rows = rows or (lambda queryset: queryset)
        self.cap = cap
        self._count = None

    def _capped_count(self, radius_km):
        within = self.queryset.within(self.latitude, self.longitude, radius_km)
        return within.order_by()[: self.cap + 1].count()

    def count(self):
        if self._count is None:
            self._count = self._capped_count(self.radius_km)
        return min(self._count, self.cap)

    @property
    def count_capped(self):
        return self.count() == self.cap and self._count > self.cap

    def __len__(self):
        return self.count()

    def _radius_for(self, needed):
        """A first radius for the `needed` nearest: from the exact count when there is one, else
        (at least COUNT_CAP points within the radius: a dense area) a small circle that is doubled
        until it holds them."""
        self.count()
        if self._count > self.cap:
            return self.radius_km * math.sqrt(needed / self.cap) / 2
        return min(self.radius_km, self.radius_km * math.sqrt(needed / max(self._count, 1)) * self.MARGIN)

    def _preferred(self, needed, radius):
        """Primary keys of the `needed` nearest points that come first (all of them within the
        radius when fewer): looked for in the small circle of the others, then, if it holds too
        few, in the whole circle. Where they are many, only a small circle is ranked."""
        preferred = self.queryset.filter(self.first)
        while True:
            found = list(
                preferred.within(self.latitude, self.longitude, radius)
                .by_distance(self.latitude, self.longitude)
                .values_list("pk", flat=True)[:needed]
            )
            if len(found) >= needed or radius >= self.radius_km:
                return found
            radius = self.radius_km  # too few nearby: they are rare, the whole circle is cheap to rank

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("NearestResults only supports slices.")
        start, stop = index.start or 0, min(index.stop, self.count())
        if stop <= start:
            return []
        radius = self._radius_for(stop)
        if self.first is not None:
            if self._count > self.cap:
                return self._dense_page(start, stop, radius)
            # At most COUNT_CAP points in the whole circle: rank them all, those that come first first.
            radius = self.radius_km
        while True:
            # Rank ids only (no join but those the filters need), then fetch the page's rows with
            # their structure, network and commune, in the same query and the same order.
            ranked = (
                self.queryset.within(self.latitude, self.longitude, radius)
                .by_distance(self.latitude, self.longitude, self.first)
                .values("pk")[start:stop]
            )
            nearest = list(
                self.rows(self.queryset.model.objects.filter(pk__in=ranked)).by_distance(
                    self.latitude, self.longitude, self.first
                )
            )
            if len(nearest) >= stop - start or radius >= self.radius_km:
                return nearest
            radius = min(self.radius_km, radius * 2)

    def _dense_page(self, start, stop, radius):
        """A page where the circle holds many points: the nearest of those that come first (found
        in a small circle), then the nearest of the others, ranked as without them."""
        preferred = self._preferred(stop, radius)
        first = preferred[start:stop]
        if len(first) == stop - start:
            rows = self.rows(self.queryset.model.objects.filter(pk__in=first))
            return sorted(rows, key=lambda row: first.index(row.pk))
        # All those that come first are known (fewer than a page): the others follow them.
        skip, needed = max(0, start - len(preferred)), stop - start - len(first)
        while True:
            others = (
                self.queryset.within(self.latitude, self.longitude, radius)
                .exclude(pk__in=preferred)
                .by_distance(self.latitude, self.longitude)
                .values("pk")[skip : skip + needed]
            )
            rows = list(
                self.rows(self.queryset.model.objects.filter(Q(pk__in=others) | Q(pk__in=first))).by_distance(
                    self.latitude, self.longitude, Q(pk__in=first) if first else None
                )
            )
            if len(rows) >= stop - start or radius >= self.radius_km:
                return rows
            radius = min(self.radius_km, radius * 2)
