"""Load test of the production set-up: gunicorn + PostgreSQL + Redis, on 127.0.0.1 only.

    .venv/bin/python benchmarks/load_test.py                      # 50 clients, 60 s, the three runs
    .venv/bin/python benchmarks/load_test.py --runs cache --duration 20

The site is started by bin/serve-prod (as `make serve-prod` does) on a throw-away PostgreSQL
database with the demo data, Redis database 1 as the shared cache, on 127.0.0.1:8765. wrk (Debian
package `wrk`) then sends, from `--connections` concurrent clients for `--duration` seconds, a mix
of what a campaign brings: home page, searches by commune or postal code (with and without
filters) and their map data, place and structure pages, API calls (search, place, commune
suggestions); 2,000 distinct addresses, visited following a Zipf law. Three runs:

- `cache`: the shared page cache on (the default in production), starting empty;
- `sans-cache`: PAGE_CACHE=false, every page computed;
- `redemarrage`: as `cache`, PostgreSQL restarted a third of the way through the run
  (pg_ctlcluster … restart, which ends every open connection): the errors are the requests lost;
- `robots`: /robots.txt only, PAGE_CACHE=false: a bare Django view through the whole middleware
  stack, the ceiling of the set-up (issue 23 compares the cached mix with it);
- `cache-chaud`: as `cache`, every address of the mix visited once before the run (a campaign's
  steady state: the pages people ask for are in the cache).

Rate limits are raised for the run (one address sends everything). The figures are written to
benchmarks/results/load_test.json and printed as a table.
"""

import argparse
import csv
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlencode

import psycopg
import redis

ROOT = Path(__file__).resolve().parent.parent
POSTGRES_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
REDIS_URL = "redis://127.0.0.1:6379/1"
BIND = "127.0.0.1:8765"
BASE_URL = f"http://{BIND}"
RUNS = ["cache", "sans-cache", "redemarrage", "robots", "cache-chaud"]
FILTERS = [{}, {}, {"public": "jeunes-16-25"}, {"niveau": "2"}, {"sans_rdv": "1"}, {"ouvert": "1"}, {"cercle": "2"}]


def largest_communes(count=60):
    with open(ROOT / "fixtures" / "communes-ara.csv", encoding="utf-8") as source:
        rows = sorted(csv.DictReader(source), key=lambda row: -int(row["population"] or 0))
    return rows[:count]


def fetch_json(path, base_url=BASE_URL):
    with urllib.request.urlopen(base_url + path, timeout=30) as response:
        return json.load(response)


def catalogue(rng, points, size):
    """`size` distinct addresses: about 10 % home, 30 % searches (with their map data), 30 % place
    pages, 10 % structure pages, 20 % API, in a shuffled order that serves as popularity rank."""
    communes = largest_communes()
    addresses = {"/"}
    while len(addresses) < size:
        draw = rng.random()
        commune = rng.choice(communes)
        place = rng.choice([commune["name"], commune["postal_codes"].split(";")[0].split(" ")[0]])
        query = urlencode({"q": place, **rng.choice(FILTERS)})
        point = rng.choice(points)
        if draw < 0.30:
            addresses.add(f"/recherche/?{query}")
        elif draw < 0.40:
            addresses.add(f"/carte/lieux.geojson?{query}")
        elif draw < 0.70:
            addresses.add(f"/lieux/{point['id']}/")
        elif draw < 0.80:
            addresses.add(f"/structures/{point['structure_id']}/")
        elif draw < 0.90:
            addresses.add(f"/api/v1/lieux?{query}")
        elif draw < 0.95:
            addresses.add(f"/api/v1/lieux/{point['id']}")
        else:
            addresses.add("/api/v1/communes?" + urlencode({"q": commune["name"][:4]}))
    ranked = sorted(addresses - {"/"})
    rng.shuffle(ranked)
    return ["/", *ranked]


def build_paths(count, distinct, seed=2026):
    """`count` requests drawn from `distinct` addresses with a Zipf law (the n-th most visited page
    is visited n times less than the first), as during a campaign: the home page and the searches of
    the large towns come back often, the pages of small places rarely; about 10 % of the requests
    are for the home page."""
    rng = random.Random(seed)
    points = fetch_json("/api/v1/lieux?par_page=1000")["results"]
    addresses = catalogue(rng, points, distinct)
    weights = [1 / rank for rank in range(1, len(addresses) + 1)]
    return rng.choices(addresses, weights=weights, k=count)


def check_paths(paths):
    """Every address answers 200 before the run: an error during the run is then the server's."""
    for path in sorted(set(paths)):
        with urllib.request.urlopen(BASE_URL + path, timeout=60) as response:
            if response.status != 200:
                raise SystemExit(f"{path} a répondu {response.status}")


def start_server(database_url, page_cache, bind=BIND):
    """Start bin/serve-prod on `bind`; return (process, its log file) once it answers."""
    base_url = f"http://{bind}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "BIND": bind,
        "PAGE_CACHE": "true" if page_cache else "false",
        "SECRET_KEY": "load-test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "API_RATE_LIMIT": "10000000/m",
        "API_EXPORT_RATE_LIMIT": "10000000/m",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "ERROR",
    }
    log = open(tempfile.mktemp(prefix="spro-load-", suffix=".log"), "w")  # noqa: SIM115
    server = subprocess.Popen(
        [str(ROOT / "bin" / "serve-prod")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"Le serveur s'est arrêté au démarrage : voir {log.name}")
        try:
            with urllib.request.urlopen(base_url + "/", timeout=5) as response:
                if response.status == 200:
                    return server, log
        except OSError:
            time.sleep(1)
    raise SystemExit(f"Le serveur n'a pas démarré en 10 minutes : voir {log.name}")


def drop_database(name):
    with psycopg.connect(POSTGRES_ADMIN_URL, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


def restart_postgresql(after_seconds, report):
    time.sleep(after_seconds)
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
    )
    report["restart_seconds"] = round(time.monotonic() - started, 2)
    report["restart_at_seconds"] = after_seconds


def run_wrk(paths_file, connections, duration):
    result = subprocess.run(
        [
            "wrk",
            f"--threads={min(connections, 2)}",
            f"--connections={connections}",
            f"--duration={duration}s",
            "--timeout=30s",
            f"--script={ROOT / 'benchmarks' / 'load_test.lua'}",
            BASE_URL,
        ],
        env={**os.environ, "LOAD_TEST_PATHS": paths_file},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", nargs="+", choices=RUNS, default=RUNS)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--paths", type=int, default=20000, help="requests in the mix (default 20,000)")
    parser.add_argument("--distinct", type=int, default=2000, help="distinct addresses (default 2,000)")
    options = parser.parse_args()

    name = f"spro_load_{os.getpid()}"
    database_url = f"postgres://postgres@127.0.0.1:5432/{name}"
    results = {}
    paths = None
    paths_file = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)  # noqa: SIM115
    robots_file = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)  # noqa: SIM115
    robots_file.write("/robots.txt\n")
    robots_file.close()
    try:
        for run in options.runs:
            redis.Redis.from_url(REDIS_URL).flushdb()
            server, log = start_server(database_url, page_cache=run not in ("sans-cache", "robots"))
            try:
                if paths is None:
                    paths = build_paths(options.paths, options.distinct)
                    paths_file.write("\n".join(paths) + "\n")
                    paths_file.close()
                    check_paths(paths)
                    redis.Redis.from_url(REDIS_URL).flushdb()
                if run == "cache-chaud":
                    check_paths(paths)
                report = {}
                restart = None
                if run == "redemarrage":
                    restart = threading.Thread(target=restart_postgresql, args=(options.duration // 3, report))
                    restart.start()
                mix = robots_file.name if run == "robots" else paths_file.name
                report.update(run_wrk(mix, options.connections, options.duration))
                if restart:
                    restart.join()
                report["requests_per_second"] = round(report["requests"] / report["seconds"], 1)
                results[run] = report
                print(f"{run}: {json.dumps(report)}", flush=True)
            finally:
                stop_server(server)
                log.close()
    finally:
        os.unlink(paths_file.name)
        os.unlink(robots_file.name)
        drop_database(name)

    output = ROOT / "benchmarks" / "results" / "load_test.json"
    output.parent.mkdir(exist_ok=True)
    output.write_text(
        json.dumps({"connections": options.connections, "duration": options.duration, **results}, indent=2)
    )
    print()
    print(f"{options.connections} clients, {options.duration} s, {len(set(paths))} adresses différentes")
    print("| essai | requêtes | req/s | p50 | p95 | p99 | erreurs 5xx | autres erreurs |")
    print("|---|---|---|---|---|---|---|---|")
    for run, report in results.items():
        other = sum(report[key] for key in ("connect_errors", "read_errors", "write_errors", "timeouts", "status_4xx"))
        print(
            f"| {run} | {report['requests']} | {report['requests_per_second']} | {report['p50_ms']} ms "
            f"| {report['p95_ms']} ms | {report['p99_ms']} ms | {report['status_5xx']} | {other} |"
        )
    if "robots" in results and "cache-chaud" in results:
        ratio = results["cache-chaud"]["requests_per_second"] / results["robots"]["requests_per_second"]
        print(f"Mélange en cache (chaud) / vue nue (robots.txt) : {ratio:.0%} (objectif de l'issue 23 : au moins 50 %)")
    if "redemarrage" in results:
        restart = results["redemarrage"]
        print(f"PostgreSQL redémarré à {restart['restart_at_seconds']} s, en {restart['restart_seconds']} s.")


if __name__ == "__main__":
    sys.exit(main())
