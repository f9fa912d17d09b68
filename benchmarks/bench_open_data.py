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
}

JSON_EXPORTS = {"GeoJSON de tous les lieux", "data·inclusion : services"}

TIMING_SCRIPT = """
import csv, json, resource, statistics, sys, time
import django
django.setup()
from django.db import connection
from django.test import Client
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
def plain(as_json):
    rows = ReceptionPoint.objects.published().order_by("pk").values_list(*POINT_COLUMNS, *JOINED)
    started, size = time.perf_counter(), 0
    if connection.vendor == "postgresql":
        sql, params = rows.query.sql_with_params()
        statement = f"COPY (SELECT row_to_json(point) FROM ({sql}) point) TO STDOUT" if as_json else f"COPY ({sql}) TO STDOUT WITH CSV"
        with connection.cursor() as cursor, cursor.cursor.copy(statement, params) as copy:
            for data in copy:
                size += len(data)
    else:
        names = [*POINT_COLUMNS, *JOINED]
        write = (lambda row: json.dumps(dict(zip(names, row)), default=str)) if as_json else csv.writer(Echo()).writerow
        for row in rows.iterator(chunk_size=2000):
            size += len(write(row))
    return (time.perf_counter() - started) * 1000, size
# After every line was written again: what autovacuum does on a production server (the rows
# written again leave as many dead ones; the index of lines' states is read alone once vacuumed).
def vacuum():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE annuaire_exportrow")
for key, as_json in (("plain", False), ("plain_json", True)):
    plains = [plain(as_json) for _ in range(max(repeat, 3))]
    out[key] = {"ms": statistics.median(time for time, _ in plains), "bytes": plains[0][1]}
def fetch(url):
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    size = sum(map(len, response.streaming_content)) if response.streaming else len(response.content)
    return (time.perf_counter() - started) * 1000, size
def change_one_point():
    point = ReceptionPoint.objects.published().order_by("?").first()
    point.name = point.name.removesuffix(" *") if point.name.endswith(" *") else point.name + " *"
    point.save()
for label, url in urls.items():
    writes, rewrites = [], []
    mark_data_changed()  # once: at scale 100 every line written again takes about a minute
    elapsed, size = fetch(url)
    rewrites.append(elapsed)
    vacuum()
    for _ in range(repeat):
        change_one_point()
        elapsed, size = fetch(url)
        writes.append(elapsed)
    stored = [fetch(url)[0] for _ in range(max(repeat, 5))]
    out[label] = {
        "write_ms": statistics.median(writes),
        "rewrite_ms": statistics.median(rewrites),
        "file_ms": statistics.median(stored),
        "bytes": size,
    }
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
    memory = ", ".join(f"échelle {scale} : {results[scale]['peak_rss_mb']:.0f} Mo" for scale in options.scales)
    print(f"Mémoire maximale du processus : {memory}")


if __name__ == "__main__":
    main()
