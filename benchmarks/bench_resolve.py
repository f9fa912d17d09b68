"""Understanding what people type: time to resolve a query, and the results page of a typo query
against the same page correctly spelled, at scale 1 and scale 100 of the demo data.

    .venv/bin/python benchmarks/bench_resolve.py                      # SQLite
    .venv/bin/python benchmarks/bench_resolve.py --database postgres  # PostgreSQL on 127.0.0.1:5432

Goals: resolution under 5 ms median (the gazetteer is built once per process and data version,
before the timed runs); the results page of a typo query within 1.2 times the page of the same
query correctly spelled. Server time through Django's test client, DEBUG off, page cache off,
after a warm-up.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_demo_data import PYTHON, load_scale, production_env, run, with_database

QUERIES = {
    "faute de frappe": "vilefranche sur saone",
    "ancienne commune": "Bâgé-la-Ville",
    "réseau + commune": "pole emploi annecy",
    "adresse": "5 avenue Jean Jaurès 26000 Valence",
    "CEDEX": "42007 Saint-Étienne Cedex 1",
    "phrase": "je cherche une mission locale vers Annonay",
}
PAGES = {
    "page, bien écrit": "/recherche/?q=grenoble&rayon=20",
    "page, faute de frappe": "/recherche/?q=grenobel&rayon=20",
}

TIMING_SCRIPT = """
import json, statistics, sys, time
import django
django.setup()
from django.test import Client
from annuaire.places import gazetteer, resolve
queries, pages, repeat = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3])
started = time.perf_counter()
gazetteer()
out = {"construction du répertoire": {"median_ms": (time.perf_counter() - started) * 1000}}
for label, query in queries.items():
    for _ in range(5):
        resolve(query)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        resolve(query)
        samples.append((time.perf_counter() - started) * 1000)
    out[label] = {"median_ms": statistics.median(samples)}
client = Client()
for label, url in pages.items():
    for _ in range(5):
        assert client.get(url).status_code == 200
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    out[label] = {"median_ms": statistics.median(samples)}
print(json.dumps(out))
"""


def measure(scale, database_url, repeat):
    env = production_env(database_url, STATIC_NO_MANIFEST="true", PAGE_CACHE="false")
    load_scale(env, scale)
    script = [PYTHON, "-c", TIMING_SCRIPT, json.dumps(QUERIES), json.dumps(PAGES), str(repeat)]
    return json.loads(run(script, env).splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 100])
    parser.add_argument("--repeat", type=int, default=100)
    options = parser.parse_args()
    results = {
        scale: with_database(options.database, scale, lambda url, scale=scale: measure(scale, url, options.repeat))
        for scale in options.scales
    }
    print(f"Compréhension des recherches sur {options.database} : médianes")
    print(f"{'mesure':<30}" + "".join(f"{'éch. ' + str(scale):>12}" for scale in options.scales))
    for label in ["construction du répertoire", *QUERIES, *PAGES]:
        print(f"{label:<30}" + "".join(f"{results[scale][label]['median_ms']:>10.2f}ms" for scale in options.scales))
    for scale in options.scales:
        ratio = results[scale]["page, faute de frappe"]["median_ms"] / results[scale]["page, bien écrit"]["median_ms"]
        slowest = max(results[scale][label]["median_ms"] for label in QUERIES)
        print(
            f"échelle {scale} : résolution la plus lente {slowest:.2f} ms (objectif < 5 ms), "
            f"page avec faute / sans faute {ratio:.2f} (objectif ≤ 1,2)"
        )


if __name__ == "__main__":
    main()
