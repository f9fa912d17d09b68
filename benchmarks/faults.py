"""Faults on the production set-up (gunicorn + PostgreSQL + Redis), on 127.0.0.1 only.

    .venv/bin/python benchmarks/faults.py                    # the three runs
    .venv/bin/python benchmarks/faults.py --runs redis --duration 30

The site is started by bin/serve-prod on a throw-away PostgreSQL database with the demo data (as
benchmarks/load_test.py does), with its own Redis server on port 6391, so that only that one is
hung. Three runs:

- `redis-sain`: the same load with Redis healthy, for comparison;
- `redis`: the site's Redis is hung (SIGSTOP: connections are accepted, nothing answers) for the
  whole of a wrk run of `--duration` seconds with `--connections` clients on the load test's mix;
  then SIGCONT. Goal: median under 200 ms.
- `base`: PostgreSQL stopped (pg_ctlcluster stop) for `--duration` seconds under the same load,
  then started again; then a run of 10 s. Goal: fast 503s in French / JSON during the outage, no
  error after it.
- `imports`: a member of staff posts to the import page a 50 MB CSV and an XLSX of 170 KB whose
  sheet claims 16,384 columns. Goal: each refused or read within seconds, the workers' peak memory
  under 200 MB.

The figures are written to benchmarks/results/faults.json and printed as tables.
"""

import argparse
import http.client
import io
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import zipfile
from pathlib import Path

import openpyxl
import redis

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load_test

ROOT = load_test.ROOT
REDIS_PORT = 6391
REDIS_URL = f"redis://127.0.0.1:{REDIS_PORT}/0"
HOST, PORT = load_test.BIND.split(":")
RUNS = ["redis-sain", "redis", "base", "imports"]
PASSWORD = secrets.token_urlsafe(16)


def start_redis():
    return subprocess.Popen(
        ["redis-server", "--port", str(REDIS_PORT), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for_redis():
    for _ in range(50):
        try:
            redis.Redis.from_url(REDIS_URL).ping()
            return
        except redis.RedisError:
            time.sleep(0.1)
    raise SystemExit("Le serveur Redis de l'essai ne démarre pas.")


def postgresql(action):
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", action], check=True)


def status_of(path):
    try:
        with urllib.request.urlopen(load_test.BASE_URL + path, timeout=30) as response:
            return response.status, response.headers.get("Content-Type"), response.headers.get("Retry-After"), ""
    except urllib.error.HTTPError as error:
        body = error.read().decode("utf-8", "replace")
        return error.code, error.headers.get("Content-Type"), error.headers.get("Retry-After"), body


def run_redis(paths_file, options):
    process = subprocess.run(["pgrep", "-f", f"redis-server 127.0.0.1:{REDIS_PORT}"], capture_output=True, text=True)
    pid = int(process.stdout.split()[0])
    os.kill(pid, signal.SIGSTOP)
    try:
        report = load_test.run_wrk(paths_file, options.connections, options.duration)
    finally:
        os.kill(pid, signal.SIGCONT)
    report["requests_per_second"] = round(report["requests"] / report["seconds"], 1)
    return report


def run_healthy(paths_file, options):
    report = load_test.run_wrk(paths_file, options.connections, options.duration)
    report["requests_per_second"] = round(report["requests"] / report["seconds"], 1)
    return report


def run_database(paths_file, options):
    postgresql("stop")
    try:
        time.sleep(1)
        samples = {path: status_of(path) for path in ("/recherche/?q=Vienne&n=faults", "/api/v1/reseaux?n=faults")}
        during = load_test.run_wrk(paths_file, options.connections, options.duration)
    finally:
        postgresql("start")
    started = time.monotonic()
    # Until the site answers again (the server's start, then the breakers' next try).
    while status_of("/api/v1/reseaux?n=retour")[0] != 200:
        time.sleep(0.2)
    recovered_after = round(time.monotonic() - started, 1)
    after = load_test.run_wrk(paths_file, options.connections, 10)
    return {
        "recovered_after_seconds": recovered_after,
        "during": during,
        "after": after,
        "samples": {
            path: {"status": status, "type": kind, "retry_after": retry, "french": "indisponible" in body}
            for path, (status, kind, retry, body) in samples.items()
        },
    }


# --- Imports -----------------------------------------------------------------------------------


def create_staff(database_url):
    code = (
        "from django.contrib.auth.models import User\n"
        "User.objects.filter(username='essai-pannes').delete()\n"
        f"User.objects.create_superuser('essai-pannes', password='{PASSWORD}')\n"
    )
    env = {**os.environ, "DEBUG": "true", "DATABASE_URL": database_url}
    subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "shell", "-c", code], cwd=ROOT, env=env, check=True)


class Session:
    """A logged-in member of staff over plain HTTP (the rehearsal's Secure cookies sent by hand)."""

    def __init__(self):
        self.cookies = {}

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection(HOST, int(PORT), timeout=600)
        cookie = "; ".join(f"{key}={value}" for key, value in self.cookies.items())
        connection.request(method, path, body=body, headers={**(headers or {}), "Cookie": cookie})
        response = connection.getresponse()
        content = response.read()
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, content.decode("utf-8", "replace")

    def csrf(self, path):
        _, page = self.request("GET", path)
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)

    def login(self):
        token = self.csrf("/admin/login/")
        body = f"csrfmiddlewaretoken={token}&username=essai-pannes&password={PASSWORD}&next=/admin/"
        status, _ = self.request("POST", "/admin/login/", body, {"Content-Type": "application/x-www-form-urlencoded"})
        if status != 302:
            raise SystemExit(f"Connexion à l'administration impossible ({status}).")

    def upload(self, name, data, file_format):
        path = "/admin/structures/receptionpoint/import/"
        token = self.csrf(path)
        boundary = secrets.token_hex(16)
        parts = [
            f'--{boundary}\r\nContent-Disposition: form-data; name="csrfmiddlewaretoken"\r\n\r\n{token}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="format"\r\n\r\n{file_format}\r\n'.encode(),
            f'--{boundary}\r\nContent-Disposition: form-data; name="import_file"; filename="{name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n".encode(),
            data,
            f"\r\n--{boundary}--\r\n".encode(),
        ]
        started = time.monotonic()
        status, page = self.request(
            "POST", path, b"".join(parts), {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        )
        seconds = time.monotonic() - started
        message = re.search(r'<ul class="errorlist[^"]*"[^>]*><li>([^<]+)</li>', page)
        return status, round(seconds, 2), message.group(1) if message else ""


def big_csv(size):
    line = b"lieu-essai;structure-essai;Lieu d'essai;38200;38544;04 65 71 00 00\n"
    header = b"identifiant;structure;nom;code_postal;commune_insee;telephone\n"
    return header + line * (size // len(line) + 1)


def wide_xlsx(rows=4000):
    """An XLSX of ordinary rows whose sheet declares 16,384 columns (A1:XFD…)."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["identifiant", "structure", "nom", "code_postal", "commune_insee", "telephone"])
    for n in range(rows):
        sheet.append([f"lieu-{n}", "structure-inconnue", f"Lieu {n}", "38200", "38544", ""])
    buffer = io.BytesIO()
    book.save(buffer)
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = re.sub(rb'<dimension ref="[^"]*"/>', f'<dimension ref="A1:XFD{rows + 1}"/>'.encode(), data)
            target.writestr(item, data)
    return out.getvalue()


def workers_peak_memory(server):
    """Largest peak resident memory (VmHWM) of the gunicorn workers, in MB."""
    children = subprocess.run(["pgrep", "-P", str(server.pid)], capture_output=True, text=True).stdout.split()
    peaks = []
    for pid in children:
        status = Path(f"/proc/{pid}/status").read_text()
        peaks.append(int(re.search(r"VmHWM:\s+(\d+) kB", status).group(1)) / 1024)
    return round(max(peaks), 1)


def run_imports(server, database_url):
    create_staff(database_url)
    session = Session()
    session.login()
    before = workers_peak_memory(server)
    report = {"workers_peak_mb_before": before}
    csv_data = big_csv(50_000_000)
    xlsx_data = wide_xlsx()
    for name, data, file_format in (("grand.csv", csv_data, "0"), ("large.xlsx", xlsx_data, "1")):
        status, seconds, message = session.upload(name, data, file_format)
        report[name] = {"bytes": len(data), "status": status, "seconds": seconds, "message": message}
    report["workers_peak_mb_after"] = workers_peak_memory(server)
    return report


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", nargs="+", choices=RUNS, default=RUNS)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=30)
    options = parser.parse_args()

    name = f"spro_faults_{os.getpid()}"
    database_url = f"postgres://postgres@127.0.0.1:5432/{name}"
    load_test.REDIS_URL = REDIS_URL
    redis_server = start_redis()
    wait_for_redis()
    results = {}
    paths_file = tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False)  # noqa: SIM115
    server, log = load_test.start_server(database_url, page_cache=True)
    try:
        paths = load_test.build_paths(5000, 500)
        paths_file.write("\n".join(paths) + "\n")
        paths_file.close()
        load_test.check_paths(paths)
        for run in options.runs:
            if run == "redis-sain":
                results[run] = run_healthy(paths_file.name, options)
            elif run == "redis":
                results[run] = run_redis(paths_file.name, options)
            elif run == "base":
                results[run] = run_database(paths_file.name, options)
            else:
                results[run] = run_imports(server, database_url)
            print(f"{run}: {json.dumps(results[run], ensure_ascii=False)}", flush=True)
    finally:
        load_test.stop_server(server)
        log.close()
        redis_server.terminate()
        os.unlink(paths_file.name)
        load_test.drop_database(name)

    output = ROOT / "benchmarks" / "results" / "faults.json"
    output.parent.mkdir(exist_ok=True)
    output.write_text(json.dumps(results, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    sys.exit(main())
