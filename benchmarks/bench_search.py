"""Server time of a typical search at scale 1 and scale 100 of the demo data, in the same run.

    .venv/bin/python benchmarks/bench_search.py                      # SQLite
    .venv/bin/python benchmarks/bench_search.py --database postgres  # PostgreSQL on 127.0.0.1:5432

A typical search: a commune, 20 km, two filters (public and walk-in). The cost of finding the 20
nearest must not grow with the density of the data: goal, median time at scale 100 at most 1.5 times
the median at scale 1. The map's data is measured by bench_map.py.
Requests go through Django's test client in the benchmark process (server time: view, SQL,
template), with DEBUG off, after a warm-up.
"""

import argparse
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_demo_data import PYTHON, load_scale, production_env, run, with_database

SEARCHES = {
    "Lyon, 20 km, jeunes + sans rendez-vous": "/recherche/?q=Lyon&rayon=20&public=jeunes-16-25&sans_rdv=1",
    "Saint-Étienne, 20 km, niveau 2 + accessible": "/recherche/?q=saint+etienne&rayon=20&niveau=2&accessible=1",
    "JSON : Grenoble, 20 km, réseau + sans rendez-vous": "/api/v1/lieux?q=grenoble&rayon=20&reseau=mission-locale&sans_rdv=1",
}

TIMING_SCRIPT = """
import gzip, json, statistics, sys, time
import django
django.setup()
from django.test import Client
from django.db import connection, reset_queries
from django.test.utils import CaptureQueriesContext
client = Client()
urls = json.loads(sys.argv[1])
repeat = int(sys.argv[2])
out = {}
for label, url in urls.items():
    for _ in range(5):
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    out[label] = {
        "median_ms": statistics.median(samples),
        "queries": len(queries),
        "bytes": len(response.content),
        "gzip_bytes": len(gzip.compress(response.content, 6)),
    }
print(json.dumps(out))
"""


def measure(scale, database_url, repeat, urls=SEARCHES):
    env = production_env(database_url, STATIC_NO_MANIFEST="true")
    load_scale(env, scale)
    return json.loads(run([PYTHON, "-c", TIMING_SCRIPT, json.dumps(urls), str(repeat)], env).splitlines()[-1])


def measure_both_scales(description, urls, timing=measure, repeat=100):
    """Read the command line (--database, --scales, --repeat), then time `urls` with
    `timing(scale, database_url, repeat, urls)` at each scale in a new database: (database, small
    scale, large scale, results by scale)."""
    parser = argparse.ArgumentParser(description=description, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scales", type=int, nargs=2, default=[1, 100])
    parser.add_argument("--repeat", type=int, default=repeat)
    options = parser.parse_args()
    small, large = options.scales
    results = {
        scale: with_database(options.database, scale, lambda url, scale=scale: timing(scale, url, options.repeat, urls))
        for scale in (small, large)
    }
    return options.database, small, large, results


def main():
    database, small, large, results = measure_both_scales(__doc__, SEARCHES)
    print(f"Recherche sur {database} : médiane du temps serveur, échelle {small} puis {large}")
    print(
        f"{'recherche':<62} {'éch. ' + str(small):>10} {'éch. ' + str(large):>10} {'rapport':>8} {'requêtes SQL':>13}"
    )
    worst = 0.0
    for label in SEARCHES:
        a, b = results[small][label], results[large][label]
        ratio = b["median_ms"] / a["median_ms"]
        worst = max(worst, ratio)
        print(
            f"{label:<62} {a['median_ms']:>8.1f}ms {b['median_ms']:>8.1f}ms {ratio:>8.2f} "
            f"{a['queries']:>6} / {b['queries']:<5}"
        )
    verdict = "atteint" if worst <= 1.5 else "NON atteint"
    print(f"Rapport le plus élevé : {worst:.2f} (objectif ≤ 1,5 : {verdict})")


if __name__ == "__main__":
    main()
