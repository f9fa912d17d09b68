"""The map's data at scale 1 and scale 100 of the demo data, and the weight of the basemap.

    .venv/bin/python benchmarks/bench_map.py                      # SQLite
    .venv/bin/python benchmarks/bench_map.py --database postgres  # PostgreSQL on 127.0.0.1:5432

Three searches, each asked as the results map asks it (static/js/search.js): its zoom level and the
box it shows, snapped outwards to a quarter of a map tile. Goal (issue 19): at scale 100 the answer
weighs at most 1.5 times, and takes at most 1.5 times the server time of, the answer at scale 1.
Two times per map, with the shared cache in Redis as in production (page cache off):
- « première carte »: the first request after a change of the data (mark_data_changed, which also
  counts the whole directory's cells ahead: annuaire.mapping.count_whole_directory); the time that
  change takes is reported too, as what a person who saves waits for;
- « déplacements »: the same search's map moved by half a tile in eight directions, after its
  first map (what a person does next; annuaire.mapping.counted_grid).
The basemap's files are weighed raw and gzip-compressed (as WhiteNoise serves them).
"""

import gzip
import json
import math
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_demo_data import PYTHON, load_scale, production_env, run
from bench_search import measure_both_scales

# A database of this Redis server of its own: the benchmark empties it.
REDIS_URL = "redis://127.0.0.1:6379/13"

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
    "static/vendor/topojson-client-3.1.0.min.js",
    "static/js/basemap.js",
    "static/css/basemap.css",
]
NAMES = "/carte/communes.json (noms des communes, compressé par GZipMiddleware)"

TIMING_SCRIPT = """
import gzip, json, os, re, statistics, sys, time
import django
django.setup()
from django.test import Client
from django.db import connection
client = Client()
maps = json.loads(sys.argv[1])
repeat = int(sys.argv[2])



from structures.signals import mark_data_changed
changes = []


def change_data():
    # A change of the data, committed (outside a transaction the stamp is written at once), with
    # what is computed for the new version; its time is what the person who saves waits for.
    started = time.perf_counter()
    mark_data_changed()
    changes.append((time.perf_counter() - started) * 1000)


def timed(url):
    started = time.perf_counter()
    response = client.get(url)
    elapsed = (time.perf_counter() - started) * 1000
    assert response.status_code == 200, (url, response.status_code)
    return elapsed, response


def moved(url):
    # Half a tile (two quarter-tile steps of search.js) in each of eight directions.
    zoom = int(re.search(r"zoom=(\\d+)", url).group(1))
    step = 360 / 2**zoom / 2
    head, box = url.split("bbox=")
    west, south, east, north = (float(part) for part in box.split(","))
    for dx in (-1, 0, 1):
        for dy in (-1, 0, 1):
            if dx or dy:
                shifted = (west + dx * step, south + dy * step, east + dx * step, north + dy * step)
                yield head + "bbox=" + ",".join(f"{value:.5f}" for value in shifted)


out = {}
for label, url in maps.items():
    for _ in range(3):
        timed(url)
    first = []
    for _ in range(repeat):
        change_data()
        elapsed, response = timed(url)
        first.append(elapsed)
    change_data()
    queries = []
    with connection.execute_wrapper(lambda execute, sql, *args: queries.append(sql) or execute(sql, *args)):
        client.get(url)
    moves = [timed(other)[0] for _ in range(max(1, repeat // 8)) for other in moved(url)] if "bbox=" in url else first
    out[label] = {
        "first_ms": statistics.median(first),
        "moves_ms": statistics.median(moves),
        "queries": len(queries),
        "bytes": len(response.content),
        "gzip_bytes": len(gzip.compress(response.content, 6)),
    }
out["change_ms"] = statistics.median(changes)
print(json.dumps(out))
"""


# The communes' outlines, one file per department: a map loads those of the departments it shows.
OUTLINES = "static/basemap/communes/ara-communes-*-ign2018.topojson"


def weigh_basemap():
    """Each static file raw and gzip -9 (WhiteNoise's compression); the communes' outlines as the
    largest of their files and as all of them."""
    rows = []
    for name in BASEMAP:
        data = (ROOT / name).read_bytes()
        rows.append((name, len(data), len(gzip.compress(data, 9))))
    outlines = [(len(data), len(gzip.compress(data, 9))) for data in map(Path.read_bytes, ROOT.glob(OUTLINES))]
    rows.append((f"{OUTLINES} (le plus lourd des {len(outlines)})", *max(outlines, key=lambda sizes: sizes[1])))
    rows.append((f"{OUTLINES} (tous)", sum(raw for raw, _ in outlines), sum(packed for _, packed in outlines)))
    return rows


def measure(scale, database_url, repeat, urls):
    env = production_env(database_url, STATIC_NO_MANIFEST="true", REDIS_URL=REDIS_URL)
    load_scale(env, scale)
    return json.loads(run([PYTHON, "-c", TIMING_SCRIPT, json.dumps(urls), str(repeat)], env).splitlines()[-1])


def main():
    urls = {**MAPS, NAMES: "/carte/communes.json"}
    database, small, large, results = measure_both_scales(__doc__, urls, timing=measure, repeat=40)
    print(f"Données de la carte sur {database} : échelle {small} puis {large} (temps médians)")
    print(
        f"{'carte':<50} {'première carte':>22} {'rapport':>7} {'déplacements':>20} {'rapport':>7} "
        f"{'taille (gzip)':>26} {'rapport':>7} {'SQL':>8}"
    )
    worst_first = worst_moves = 0.0
    for label in MAPS:
        a, b = results[small][label], results[large][label]
        first_ratio = b["first_ms"] / a["first_ms"]
        moves_ratio = b["moves_ms"] / a["moves_ms"]
        size_ratio = b["bytes"] / a["bytes"]
        worst_first = max(worst_first, first_ratio, size_ratio)
        worst_moves = max(worst_moves, moves_ratio, size_ratio)
        print(
            f"{label:<50} {a['first_ms']:>7.1f} / {b['first_ms']:>7.1f} ms {first_ratio:>7.2f} "
            f"{a['moves_ms']:>6.1f} / {b['moves_ms']:>6.1f} ms {moves_ratio:>7.2f} "
            f"{a['bytes'] / 1024:>6.1f} ({a['gzip_bytes'] / 1024:.1f}) / {b['bytes'] / 1024:>5.1f} "
            f"({b['gzip_bytes'] / 1024:.1f}) Ko {size_ratio:>7.2f} {a['queries']:>3} / {b['queries']:<3}"
        )
    print(
        f"Temps d'un changement des données (tampon de version et carreaux de tout l'annuaire comptés) : "
        f"{results[small]['change_ms']:.1f} / {results[large]['change_ms']:.1f} ms".replace(".", ",")
    )
    for name, worst in (("première carte", worst_first), ("déplacements", worst_moves)):
        verdict = "atteint" if worst <= 1.5 else "NON atteint"
        print(f"Rapport le plus élevé, {name} (temps ou taille) : {worst:.2f} (objectif ≤ 1,5 : {verdict})")
    print("\nFond de carte : taille brute et compressée")
    names = results[small][NAMES]
    for name, raw, packed in [*weigh_basemap(), (NAMES, names["bytes"], names["gzip_bytes"])]:
        print(f"{name:<64} {raw:>10,} o {packed:>9,} o".replace(",", " "))


if __name__ == "__main__":
    main()
