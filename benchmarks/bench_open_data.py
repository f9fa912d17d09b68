"""Full open-data exports at scale 1 and scale 100 of the demo data: size and server time.

    .venv/bin/python benchmarks/bench_open_data.py                      # SQLite
    .venv/bin/python benchmarks/bench_open_data.py --database postgres  # PostgreSQL on 127.0.0.1:5432

Each export is one streamed response holding every published point (or structure, or service):
the GeoJSON and CSV of all points, the data·inclusion services, and a page of the listing. Timed
through Django's test client in the benchmark process (server time until the last byte, the body
counted as it streams, never kept), DEBUG off. Two times per full export (annuaire/exports.py):
- « écriture »: the first request after a change of the data, which streams the export and
  writes its file (median of --repeat, each after a change of the data);
- « fichier »: the next ones, served from that file (median of --repeat).
The peak memory of the process is reported too.
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

TIMING_SCRIPT = """
import json, resource, statistics, sys, time
import django
django.setup()
from django.test import Client
from structures.signals import mark_data_changed
client = Client()
urls = json.loads(sys.argv[1])
repeat = int(sys.argv[2])
out = {}
def fetch(url):
    started = time.perf_counter()
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    size = sum(map(len, response.streaming_content)) if response.streaming else len(response.content)
    return (time.perf_counter() - started) * 1000, size
for label, url in urls.items():
    writes = []
    for _ in range(repeat):
        mark_data_changed()
        elapsed, size = fetch(url)
        writes.append(elapsed)
    stored = [fetch(url)[0] for _ in range(max(repeat, 5))]
    out[label] = {"write_ms": statistics.median(writes), "file_ms": statistics.median(stored), "bytes": size}
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
    for label in EXPORTS:
        figures = "   ".join(
            f"échelle {scale} : {results[scale][label]['write_ms'] / 1000:.2f} s puis "
            f"{results[scale][label]['file_ms'] / 1000:.3f} s, {results[scale][label]['bytes'] / 1_000_000:.1f} Mo".replace(
                ".", ","
            )
            for scale in options.scales
        )
        print(f"{label:<42} {figures}")
    memory = ", ".join(f"échelle {scale} : {results[scale]['peak_rss_mb']:.0f} Mo" for scale in options.scales)
    print(f"Mémoire maximale du processus : {memory}")


if __name__ == "__main__":
    main()
