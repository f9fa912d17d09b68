"""Full open-data exports at scale 1 and scale 100 of the demo data: size and server time.

    .venv/bin/python benchmarks/bench_open_data.py                      # SQLite
    .venv/bin/python benchmarks/bench_open_data.py --database postgres  # PostgreSQL on 127.0.0.1:5432

Each export is one streamed response holding every published point (or structure, or service):
the GeoJSON and CSV of all points, the data·inclusion services, and a page of the listing. Timed
through Django's test client in the benchmark process (server time until the last byte, the body
counted as it streams, never kept), DEBUG off. Three times per full export (annuaire/exports.py,
annuaire/export_rows.py):
- « écriture » after the change of one point (a real save: its stored lines written again, the
  others read; median of --repeat), then after a change that may touch anything
  (`mark_data_changed()`, as a network, a vocabulary or a reference table does: every point's
  lines written again; measured once); each streams the export and writes its file;
- « fichier »: the next ones, served from that file.
Filtered exports (the search page's filters) are never stored: each request streams them, and their
speed in points per second is compared with the full exports' and with a plain read of the same
points (the same search, read as the plain read above).
The peak memory of the process is reported too.

Beside them, in the same process, the same rows read simply (« lecture simple »): every published
point, its own columns and those of its structure, network, commune and host joined, one row per
point, in primary-key order; on SQLite a `.values_list()` stream written by Python's csv module,
on PostgreSQL the database's own `COPY (SELECT …) TO STDOUT WITH CSV`. Each export's writing
time is given as a ratio of that one (issue 23: CSV and GeoJSON within 1.5×, data·inclusion 2×).
The same rows are also read as JSON (« lecture simple en JSON »: PostgreSQL's own `row_to_json`
through `COPY`, on SQLite `json.dumps` of each row): the JSON exports' ratio to it is given too.
After every line was written again, on PostgreSQL the lines' table is vacuumed, as autovacuum
does on a production server (this machine's PostgreSQL runs without it).
"""

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_demo_data import PYTHON, load_scale, production_env, run, with_database

EXPORTS = {
    "GeoJSON de tous les lieux": "/api/v1/lieux.geojson",
    "CSV de tous les lieux": "/api/v1/lieux.csv",
    "data·inclusion : services": "/api/v1/data-inclusion/services.json",
    "Liste des lieux, 100 par page (page 1)": "/api/v1/lieux?par_page=100",
    # Filtered exports, with the filters of the search page: streamed at each request, never stored.
    "CSV filtré : un département (Rhône)": "/api/v1/lieux.csv?departement=69",
    "CSV filtré : jeunes, sans rendez-vous": "/api/v1/lieux.csv?public=jeunes-16-25&sans_rdv=1",
    "GeoJSON filtré : un département (Rhône)": "/api/v1/lieux.geojson?departement=69",
}

JSON_EXPORTS = {"GeoJSON de tous les lieux", "data·inclusion : services"}

TIMING_SCRIPT = """
import csv, json, resource, statistics, sys, time
import django
django.setup()
from django.db import connection
from django.http import QueryDict
from django.test import Client
from annuaire.search import run_search
from annuaire.shapes.records import POINT_COLUMNS
from structures.models import ReceptionPoint
from structures.signals import mark_data_changed
client = Client()
urls = json.loads(sys.argv[1])
repeat = int(sys.argv[2])
out = {}
JOINED = [
    "structure__slug", "structure__name", "structure__network__slug", "structure__network__name",
    "structure__network__short_name", "structure__network__circle", "commune__name", "commune__department_id",
    "host_structure__name",
]
class Echo:
    def write(self, value):
        return value
# The same points read simply, as CSV or as JSON: by the database's COPY on PostgreSQL, a
# `.values()` stream on SQLite. (milliseconds, bytes)
def plain(as_json, query=""):
    # With `query` (a filtered export's parameters), the points of the same search.
    points = run_search(QueryDict(query)).scope if query else ReceptionPoint.objects.published()
    rows = points.order_by("pk").values_list(*POINT_COLUMNS, *JOINED)
    started, size, lines = time.perf_counter(), 0, 0
    if connection.vendor == "postgresql":
        sql, params = rows.query.sql_with_params()
        statement = f"COPY (SELECT row_to_json(point) FROM ({sql}) point) TO STDOUT" if as_json else f"COPY ({sql}) TO STDOUT WITH CSV"
        with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
            for data in copy:
                size += len(data)
                lines += bytes(data).count(b"\\n")
    else:
        names = [*POINT_COLUMNS, *JOINED]
        write = (lambda row: json.dumps(dict(zip(names, row)), default=str)) if as_json else csv.writer(Echo()).writerow
        for row in rows.iterator(chunk_size=2000):
            size += len(write(row))
            lines += 1
    return (time.perf_counter() - started) * 1000, size, lines
# After every line was written again: what autovacuum does on a production server (the rows
# written again leave as many dead ones; the index of lines' states is read alone once vacuumed).
def vacuum():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE annuaire_exportrow")
for key, as_json in (("plain", False), ("plain_json", True)):
    plains = [plain(as_json) for _ in range(max(repeat, 3))]
    out[key] = {"ms": statistics.median(time for time, _, _ in plains), "bytes": plains[0][1], "rows": plains[0][2]}
# (milliseconds, bytes, points): a CSV counts its lines but the header, a GeoJSON its features.
def fetch(url):
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    size = rows = 0
    for chunk in response.streaming_content if response.streaming else [response.content]:
        size += len(chunk)
        rows += chunk.count(b'"type":"Feature"') if ".geojson" in url else chunk.count(b"\\n")
    return (time.perf_counter() - started) * 1000, size, rows - (".csv" in url)
def change_one_point():
    point = ReceptionPoint.objects.published().order_by("?").first()
    point.name = point.name.removesuffix(" *") if point.name.endswith(" *") else point.name + " *"
    point.save()
for label, url in urls.items():
    writes, rewrites = [], []
    mark_data_changed()  # once: at scale 100 every line written again takes about a minute
    elapsed, size, rows = fetch(url)
    rewrites.append(elapsed)
    vacuum()
    for _ in range(repeat):
        change_one_point()
        elapsed, size, rows = fetch(url)
        writes.append(elapsed)
    stored = [fetch(url)[0] for _ in range(max(repeat, 5))]
    out[label] = {
        "write_ms": statistics.median(writes),
        "rewrite_ms": statistics.median(rewrites),
        "file_ms": statistics.median(stored),
        "bytes": size,
        "rows": rows,
    }
    if "?" in url and rows:  # a filtered export: the same points read simply
        query = url.split("?", 1)[1]
        plains = [plain(False, query) for _ in range(max(repeat, 3))]
        out[label]["plain_ms"] = statistics.median(time for time, _, _ in plains)
        out[label]["plain_rows"] = plains[0][2]
out["peak_rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def measure(scale, database_url, repeat):
    env = production_env(
        database_url,
        API_RATE_LIMIT="1000000/m",
        API_EXPORT_RATE_LIMIT="1000000/m",
        EXPORT_DIR=tempfile.mkdtemp(prefix="spro-bench-exports-"),
    )
    load_scale(env, scale)
    return json.loads(run([PYTHON, "-c", TIMING_SCRIPT, json.dumps(EXPORTS), str(repeat)], env).splitlines()[-1])


def times(result, label, full):
    """After a change of one point, then after a change of anything (every line written again); as
    ratios of the plain read, and for the JSON exports of the plain read in JSON too."""
    figures = []
    for key in ("write_ms", "rewrite_ms"):
        ratio = ""
        if full:
            ratio = f" (× {result[label][key] / result['plain']['ms']:.1f}"
            if label in JSON_EXPORTS:
                ratio += f", × {result[label][key] / result['plain_json']['ms']:.1f} JSON"
            ratio += ")"
        figures.append(f"{result[label][key] / 1000:.2f} s{ratio}")
    return " / ".join(figures)


def french(number):
    """« 12 345 »: a whole number with the French thousands separator."""
    return f"{number:,.0f}".replace(",", "\u202f")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    results = {
        scale: with_database(options.database, scale, lambda url, scale=scale: measure(scale, url, options.repeat))
        for scale in options.scales
    }
    print(f"Exports complets sur {options.database} : médiane du temps serveur (écriture, puis fichier) et taille")
    for key, label in (("plain", "Lecture simple des mêmes lieux"), ("plain_json", "Lecture simple en JSON")):
        plain = "   ".join(
            f"échelle {scale} : {results[scale][key]['ms'] / 1000:.2f} s, {results[scale][key]['bytes'] / 1_000_000:.1f} Mo"
            for scale in options.scales
        )
        print(f"{label:<42} {plain}".replace(".", ","))
    for label in EXPORTS:
        figures = "   ".join(
            f"échelle {scale} : " + times(results[scale], label, "?" not in EXPORTS[label]) + " puis "
            f"{results[scale][label]['file_ms'] / 1000:.3f} s, {results[scale][label]['bytes'] / 1_000_000:.1f} Mo"
            for scale in options.scales
        )
        print(f"{label:<42} {figures}".replace(".", ","))
    print("Points par seconde, écriture après la modification d'un lieu (lecture simple : ses lignes)")
    for scale in options.scales:
        result = results[scale]
        speeds = [f"lecture simple {french(result['plain']['rows'] / result['plain']['ms'] * 1000)}"]
        speeds += [
            f"{label} {french(result[label]['rows'] / result[label]['write_ms'] * 1000)} "
            f"({french(result[label]['rows'])} points)"
            for label in EXPORTS
            if result[label]["rows"] > 0
        ]
        print(f"échelle {scale} : " + " ; ".join(speeds))
        for label in EXPORTS:
            if "plain_ms" in result[label]:
                print(
                    f"  {label} : × {result[label]['write_ms'] / result[label]['plain_ms']:.1f} de la lecture simple des "
                    f"mêmes {french(result[label]['plain_rows'])} lieux ({result[label]['plain_ms'] / 1000:.2f} s)".replace(
                        ".", ","
                    )
                )
    memory = ", ".join(f"échelle {scale} : {results[scale]['peak_rss_mb']:.0f} Mo" for scale in options.scales)
    print(f"Mémoire maximale du processus : {memory}")


if __name__ == "__main__":
    main()
