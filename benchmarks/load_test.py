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
  steady state: the pages people ask for are in the cache);
- `deux-instances`: two app servers (127.0.0.1:8765 and :8766, the second started with
  RELEASE_STEPS=false) behind HAProxy (Debian package `haproxy`, deploy/haproxy.cfg) on
  127.0.0.1:8764, sharing PostgreSQL and Redis, cache on. A third of the way through, a place is
  renamed (as from the back office): both servers, asked directly, must then show the new name at
  once, and so must every answer of the balancer.

Rate limits are raised for the run (one address sends everything). The figures are written to
benchmarks/results/load_test.json and printed as a table.
"""

import argparse
import csv
import html
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
SECOND_BIND = "127.0.0.1:8766"
BALANCER_BIND = "127.0.0.1:8764"
BALANCER_STATS = "127.0.0.1:8769"
BASE_URL = f"http://{BIND}"
RUNS = ["cache", "sans-cache", "redemarrage", "robots", "cache-chaud", "deux-instances"]
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


def check_paths(paths, base_url=BASE_URL):
    """Every address answers 200 before the run: an error during the run is then the server's."""
    for path in sorted(set(paths)):
        with urllib.request.urlopen(base_url + path, timeout=60) as response:
            if response.status != 200:
                raise SystemExit(f"{path} a répondu {response.status}")


def start_server(database_url, page_cache, bind=BIND, release_steps=True):
    """Start bin/serve-prod on `bind`; return (process, its log file) once it answers."""
    env = {
        **server_env(database_url),
        "BIND": bind,
        "PAGE_CACHE": "true" if page_cache else "false",
        "RELEASE_STEPS": "true" if release_steps else "false",
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
    wait_for(f"http://{bind}/", server, log.name)
    return server, log


def wait_for(url, process, log_name):
    """Wait until `url` answers 200 (ten minutes at most: the first start loads the demo data)."""
    deadline = time.monotonic() + 600
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"Le serveur s'est arrêté au démarrage : voir {log_name}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(1)
    raise SystemExit(f"Le serveur n'a pas démarré en 10 minutes : voir {log_name}")


def server_env(database_url):
    """What every app server of a run shares: the database, Redis, the secret key."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        "SECRET_KEY": "load-test-only",
        "ALLOWED_HOSTS": "127.0.0.1",
        "TRUSTED_PROXIES": "127.0.0.1",
        "API_RATE_LIMIT": "10000000/m",
        "API_EXPORT_RATE_LIMIT": "10000000/m",
        "GUNICORN_ACCESS_LOG": "",
        "LOG_LEVEL": "ERROR",
    }


def start_balancer():
    """HAProxy with deploy/haproxy.cfg in front of the two app servers, once it sees both up."""
    env = {
        **os.environ,
        "SPRO_LB_BIND": BALANCER_BIND,
        "SPRO_APP1": BIND,
        "SPRO_APP2": SECOND_BIND,
        "SPRO_LB_STATS": BALANCER_STATS,
        "SPRO_HOST": "127.0.0.1",
    }
    log = open(tempfile.mktemp(prefix="spro-haproxy-", suffix=".log"), "w")  # noqa: SIM115
    balancer = subprocess.Popen(
        ["haproxy", "-db", "-f", str(ROOT / "deploy" / "haproxy.cfg")],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    wait_for(f"http://{BALANCER_BIND}/robots.txt", balancer, log.name)
    deadline = time.monotonic() + 30
    while balancer_counts()["up"] < 2:
        if time.monotonic() > deadline:
            raise SystemExit(f"HAProxy ne voit pas les deux serveurs : voir {log.name}")
        time.sleep(0.5)
    return balancer, log


def balancer_counts():
    """From HAProxy's statistics (CSV): requests sent to each app server so far, and how many are up."""
    with urllib.request.urlopen(f"http://{BALANCER_STATS}/;csv", timeout=5) as response:
        lines = response.read().decode().splitlines()
    rows = list(csv.DictReader([lines[0].lstrip("# "), *lines[1:]]))
    servers = [row for row in rows if row["pxname"] == "app_servers" and row["svname"] in ("app1", "app2")]
    return {"up": sum(row["status"] == "UP" for row in servers), **{row["svname"]: int(row["stot"]) for row in servers}}


def page_of(base_url, path):
    with urllib.request.urlopen(base_url + path, timeout=30) as response:
        return response.read().decode()


def rename_during_run(database_url, after_seconds, point, report):
    """After `after_seconds`, rename a place whose page both servers have in the cache, as from the
    back office; then read its page from each server directly and through the balancer."""
    path = f"/lieux/{point['id']}/"
    for bind in (BIND, SECOND_BIND):
        page_of(f"http://{bind}", path)
    time.sleep(after_seconds)
    new_name = f"{point['name']} (renommé pendant l'essai)"
    script = (
        "from structures.models import ReceptionPoint\n"
        f"point = ReceptionPoint.objects.get(slug={point['id']!r})\n"
        f"point.name = {new_name!r}\n"
        "point.save()\n"
    )
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", script],
        cwd=ROOT,
        env={**server_env(database_url), "DEBUG": "false"},
        check=True,
        capture_output=True,
    )
    written = html.escape(new_name)
    report["renamed_at_seconds"] = after_seconds
    report["new_name_seen_by"] = {
        name: written in page_of(f"http://{bind}", path) for name, bind in (("app1", BIND), ("app2", SECOND_BIND))
    }
    report["new_name_through_balancer"] = sum(written in page_of(f"http://{BALANCER_BIND}", path) for _ in range(20))


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


def run_wrk(paths_file, connections, duration, base_url=BASE_URL):
    result = subprocess.run(
        [
            "wrk",
            f"--threads={min(connections, 2)}",
            f"--connections={connections}",
            f"--duration={duration}s",
            "--timeout=30s",
            f"--script={ROOT / 'benchmarks' / 'load_test.lua'}",
            base_url,
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
                extra = []
                target = BASE_URL
                if run == "deux-instances":
                    extra.append(start_server(database_url, page_cache=True, bind=SECOND_BIND, release_steps=False))
                    extra.append(start_balancer())
                    target = f"http://{BALANCER_BIND}"
                    check_paths(paths, target)
                during = None
                if run == "redemarrage":
                    during = threading.Thread(target=restart_postgresql, args=(options.duration // 3, report))
                elif run == "deux-instances":
                    point = fetch_json("/api/v1/lieux?par_page=1")["results"][0]
                    during = threading.Thread(
                        target=rename_during_run, args=(database_url, options.duration // 3, point, report)
                    )
                if during:
                    during.start()
                mix = robots_file.name if run == "robots" else paths_file.name
                try:
                    report.update(run_wrk(mix, options.connections, options.duration, target))
                    if during:
                        during.join()
                    if run == "deux-instances":
                        counts = balancer_counts()
                        report["requests_per_server"] = {"app1": counts["app1"], "app2": counts["app2"]}
                finally:
                    for process, process_log in extra:
                        stop_server(process)
                        process_log.close()
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
    if "deux-instances" in results:
        both = results["deux-instances"]
        print(
            f"Deux instances derrière HAProxy : requêtes par serveur {both['requests_per_server']} ; lieu renommé à "
            f"{both['renamed_at_seconds']} s, nouveau nom vu aussitôt par {both['new_name_seen_by']}, "
            f"par le répartiteur {both['new_name_through_balancer']} fois sur 20."
        )
    if "redemarrage" in results:
        restart = results["redemarrage"]
        print(f"PostgreSQL redémarré à {restart['restart_at_seconds']} s, en {restart['restart_seconds']} s.")


if __name__ == "__main__":
    sys.exit(main())
