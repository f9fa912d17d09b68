"""The Nu HTML checker (the W3C's validator, vnu.jar) on every public page type, on the production
set-up (bin/serve-prod: gunicorn, PostgreSQL, Redis, demo data) served on 127.0.0.1 only.

    (cd benchmarks/lighthouse && npm ci)      # vnu-jar 26.9.27, pinned in package-lock.json
    .venv/bin/python benchmarks/html_check.py

Each page is fetched as a browser would, saved, and checked offline by vnu.jar (Java 17, Debian's
default-jre). Errors are printed with their page and line; the goal is none. Warnings are counted.
"""

import json
import os
import subprocess
import sys
import tempfile
import urllib.request
from pathlib import Path

from load_test import drop_database, fetch_json, start_server, stop_server

ROOT = Path(__file__).resolve().parent.parent
VNU = ROOT / "benchmarks" / "lighthouse" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
BIND = "127.0.0.1:8767"
BASE_URL = f"http://{BIND}"


def public_pages():
    """One address per public page type, on the demo data."""
    point = fetch_json("/api/v1/lieux?q=Montbrison", BASE_URL)["results"][0]
    return {
        "accueil": "/",
        "recherche vide": "/recherche/",
        "résultats d'une commune": "/recherche/?q=Lyon",
        "résultats filtrés": "/recherche/?q=Vienne&public=jeunes-16-25&sans_rdv=1",
        "résultats d'un département": "/recherche/?q=Cantal",
        "résultats d'un nom": "/recherche/?q=mission+locale+lyon",
        "commune inconnue": "/recherche/?q=Zzyzx",
        "lieu": f"/lieux/{point['id']}/",
        "structure": f"/structures/{point['structure_id']}/",
        "réseaux": "/reseaux/",
        "réseau": "/reseaux/mission-locale/",
        "commune": "/communes/42147/",
        "quelle structure, question": "/quelle-structure/",
        "quelle structure, résultat": (
            "/quelle-structure/?situation=salarie-prive&situation=handicap&age=26-49&besoin=emploi&etape=4&q=42000"
        ),
        "signaler une erreur": f"/lieux/{point['id']}/signaler/",
        "le SPRO": "/le-spro/",
        "accessibilité": "/accessibilite/",
        "mentions légales": "/mentions-legales/",
        "données personnelles": "/donnees-personnelles/",
        "mise à jour des données": "/mise-a-jour-des-donnees/",
        "données ouvertes": "/donnees/",
        "page introuvable": "/lieux/inconnu/",
    }


def fetch(path):
    request = urllib.request.Request(BASE_URL + path, headers={"Accept": "text/html"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.read()
    except urllib.error.HTTPError as error:  # the 404 page is a page too
        return error.read()


def check(files):
    """vnu.jar's messages for `files`, by file name."""
    completed = subprocess.run(
        ["java", "-jar", str(VNU), "--format", "json", "--exit-zero-always", *map(str, files)],
        capture_output=True,
        text=True,
        check=True,
    )
    messages = {}
    for message in json.loads(completed.stderr or completed.stdout)["messages"]:
        name = Path(message.get("url", "").removeprefix("file:")).name
        messages.setdefault(name, []).append(message)
    return messages


def main():
    if not VNU.exists():
        raise SystemExit("Le validateur n'est pas installé : (cd benchmarks/lighthouse && npm ci)")
    name = f"spro_html_check_{os.getpid()}"
    server, log = start_server(f"postgres://postgres@127.0.0.1:5432/{name}", page_cache=True, bind=BIND)
    try:
        with tempfile.TemporaryDirectory() as folder:
            pages = public_pages()
            files = {}
            for index, (page, path) in enumerate(pages.items()):
                files[page] = Path(folder) / f"page-{index:02d}.html"
                files[page].write_bytes(fetch(path))
            messages = check(files.values())
    finally:
        stop_server(server)
        log.close()
        drop_database(name)
    total_errors = 0
    print(f"{'page':<32} {'erreurs':>8} {'avertissements':>15}")
    for page, file in files.items():
        found = messages.get(file.name, [])
        errors = [message for message in found if message["type"] == "error"]
        warnings = [message for message in found if message["type"] != "error"]
        total_errors += len(errors)
        print(f"{page:<32} {len(errors):>8} {len(warnings):>15}  {pages[page]}")
        for message in errors:
            print(f"    ligne {message.get('lastLine')} : {message['message']}")
    print(f"\nErreurs en tout : {total_errors} (objectif : 0)")
    return 1 if total_errors else 0


if __name__ == "__main__":
    sys.exit(main())
