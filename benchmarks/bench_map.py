"""The map's data at scale 1 and scale 100 of the demo data, and the weight of the basemap.

    .venv/bin/python benchmarks/bench_map.py                      # SQLite
    .venv/bin/python benchmarks/bench_map.py --database postgres  # PostgreSQL on 127.0.0.1:5432

Three searches, each asked as the results map asks it (static/js/search.js): its zoom level and the
box it shows, snapped outwards to a quarter of a map tile. Goal (issue 19): at scale 100 the answer
weighs at most 1.5 times, and takes at most 1.5 times the server time of, the answer at scale 1.
The basemap's files are weighed raw and gzip-compressed (as WhiteNoise serves them).
"""

import gzip
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_search import measure_both_scales

ROOT = Path(__file__).resolve().parent.parent
# A desktop map (about 500 × 512 pixels) around a 20 km circle is at zoom 10; the region fits at zoom 7.
CIRCLE_KM = 20


def snapped_box(latitude, longitude, zoom, km=CIRCLE_KM):
    """The box around a circle, snapped outwards as search.js does (quarter-tile steps)."""
    step = 360 / 2**zoom / 4
    half_lat = km / 111.2
    half_lon = half_lat / math.cos(math.radians(latitude))
    west, south = longitude - half_lon, latitude - half_lat
    east, north = longitude + half_lon, latitude + half_lat
    return ",".join(
        f"{value:.5f}"
        for value in (
            math.floor(west / step) * step,
            math.floor(south / step) * step,
            math.ceil(east / step) * step,
            math.ceil(north / step) * step,
        )
    )


MAPS = {
    "Toute la région (aucune recherche), zoom 7": f"/carte/lieux.geojson?zoom=7&bbox={snapped_box(45.5, 4.6, 7, 260)}",
    "Lyon, 20 km, jeunes + sans rendez-vous, zoom 10": (
        f"/carte/lieux.geojson?q=Lyon&rayon=20&public=jeunes-16-25&sans_rdv=1&zoom=10&bbox={snapped_box(45.758, 4.835, 10)}"
    ),
    "Grenoble, 20 km, Mission Locale, zoom 10": (
        f"/carte/lieux.geojson?q=grenoble&rayon=20&reseau=mission-locale&zoom=10&bbox={snapped_box(45.187, 5.726, 10)}"
    ),
}
BASEMAP = [
    "static/basemap/ara-region-ign2018.geojson",
    "static/basemap/ara-departements-ign2018.geojson",
    "static/basemap/ara-communes-ign2018.topojson",
    "static/vendor/topojson-client-3.1.0.min.js",
    "static/js/basemap.js",
    "static/css/basemap.css",
]
NAMES = "/carte/communes.json (noms des communes, compressé par GZipMiddleware)"


def weigh_basemap():
    """Each static file raw and gzip -9 (WhiteNoise's compression)."""
    rows = []
    for name in BASEMAP:
        data = (ROOT / name).read_bytes()
        rows.append((name, len(data), len(gzip.compress(data, 9))))
    return rows


def main():
    database, small, large, results = measure_both_scales(__doc__, {**MAPS, NAMES: "/carte/communes.json"})
    print(f"Données de la carte sur {database} : échelle {small} puis {large}")
    print(f"{'carte':<52} {'temps':>22} {'rapport':>8} {'taille (gzip)':>26} {'rapport':>8} {'SQL':>8}")
    worst = 0.0
    for label in MAPS:
        a, b = results[small][label], results[large][label]
        time_ratio = b["median_ms"] / a["median_ms"]
        size_ratio = b["bytes"] / a["bytes"]
        worst = max(worst, time_ratio, size_ratio)
        print(
            f"{label:<52} {a['median_ms']:>8.1f} / {b['median_ms']:>7.1f} ms {time_ratio:>8.2f} "
            f"{a['bytes'] / 1024:>6.1f} ({a['gzip_bytes'] / 1024:.1f}) / {b['bytes'] / 1024:>5.1f} "
            f"({b['gzip_bytes'] / 1024:.1f}) Ko {size_ratio:>8.2f} {a['queries']:>3} / {b['queries']:<3}"
        )
    verdict = "atteint" if worst <= 1.5 else "NON atteint"
    print(f"Rapport le plus élevé (temps ou taille) : {worst:.2f} (objectif ≤ 1,5 : {verdict})")
    print("\nFond de carte : taille brute et compressée")
    names = results[small][NAMES]
    for name, raw, packed in [*weigh_basemap(), (NAMES, names["bytes"], names["gzip_bytes"])]:
        print(f"{name:<64} {raw:>10,} o {packed:>9,} o".replace(",", " "))


if __name__ == "__main__":
    main()
