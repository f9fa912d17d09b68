"""Time and memory of building the demo data set at several scales, on SQLite or PostgreSQL.

    .venv/bin/python benchmarks/bench_demo_data.py                    # SQLite, scales 1 and 10
    .venv/bin/python benchmarks/bench_demo_data.py --scales 1 100     # 1,156 then 115,600 points
    .venv/bin/python benchmarks/bench_demo_data.py --database postgres

Each scale runs in a fresh database (a temporary SQLite file, or a throw-away PostgreSQL database
on 127.0.0.1:5432) and in its own process, so that peak memory is that of the load alone.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"

LOAD_SCRIPT = """
import json, resource, sys, time
import django
django.setup()
from structures.demo.writer import load_demo_data
started = time.perf_counter()
report = load_demo_data(scale=int(sys.argv[1]))
elapsed = time.perf_counter() - started
print(json.dumps({
    "seconds": elapsed,
    "points": report.points,
    "opening_hours": report.opening_hours,
    "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def run(args, env):
    return subprocess.run(args, cwd=ROOT, env=env, check=True, capture_output=True, text=True).stdout


def measure(scale, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "spro_site.settings"}
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "load_reference_data"], env)
    return json.loads(run([PYTHON, "-c", LOAD_SCRIPT, str(scale)], env).splitlines()[-1])


def production_env(database_url, **extra):
    """Environment of a benchmark process: production settings (DEBUG off) on `database_url`."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DEBUG": "false",
        "SECRET_KEY": "benchmark-only",
        "ALLOWED_HOSTS": "testserver",
        # Plain HTTP through the test client, as behind a proxy that ends TLS.
        "SECURE_SSL_REDIRECT": "false",
        # The benchmarks time the computation of each answer, not the shared cache (load_test.py does).
        "PAGE_CACHE": "false",
        "DJANGO_SETTINGS_MODULE": "spro_site.settings",
        **extra,
    }


def load_scale(env, scale):
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "load_reference_data"], env)
    run([PYTHON, "manage.py", "load_demo_data", "--scale", str(scale)], env)


def with_database(kind, scale, callback):
    if kind == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            return callback(f"sqlite:///{folder}/bench.sqlite3")
    import psycopg

    name = f"spro_bench_{os.getpid()}_{scale}"
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        return callback(f"postgres://postgres@127.0.0.1:5432/{name}")
    finally:
        with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--scales", type=int, nargs="+", default=[1, 10])
    options = parser.parse_args()
    print(f"Jeu de démonstration sur {options.database}")
    print(f"{'échelle':>8} {'lieux':>9} {'créneaux':>10} {'durée (s)':>10} {'lieux/s':>9} {'mémoire max (Mio)':>18}")
    for scale in options.scales:
        result = with_database(options.database, scale, lambda url, scale=scale: measure(scale, url))
        rate = result["points"] / result["seconds"]
        print(
            f"{scale:>8} {result['points']:>9} {result['opening_hours']:>10} {result['seconds']:>10.1f} "
            f"{rate:>9.0f} {result['peak_rss_mib']:>18.0f}"
        )


if __name__ == "__main__":
    main()
