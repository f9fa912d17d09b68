"""Time of importing 10,000 rows (dry run, then applied), on SQLite or PostgreSQL.

    .venv/bin/python benchmarks/bench_import.py                      # SQLite, 10,000 rows
    .venv/bin/python benchmarks/bench_import.py --database postgres --rows 20000

In a fresh database with the demo data (scale 1), three files go through the same code as the
admin's import (structures/imports/): a CSV of new reception points, a CSV of opening hours
for them (ten slots a week per point), and the points file again (every row unchanged).
"""

import argparse
import json

from bench_demo_data import PYTHON, production_env, run, with_database

IMPORT_SCRIPT = """
import csv, io, json, sys, time
import django
django.setup()
from structures.demo.writer import load_demo_data
from structures.models import Commune, Structure
from structures.imports import OpeningHoursResource, ReceptionPointResource
from structures.imports.files import SpreadsheetCSV

rows = int(sys.argv[1])
load_demo_data()
structures = list(Structure.objects.values_list("slug", flat=True)[:50])
communes = list(Commune.objects.filter(kind="commune").order_by("insee_code")[:500])


def csv_file(headers, lines):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";").writerows([headers, *lines])
    return buffer.getvalue().encode("utf-8-sig")


points = csv_file(
    ["identifiant", "structure", "nom", "code_postal", "commune_insee", "telephone", "sans_rdv", "publics"],
    [
        [f"lieu-bench-{n}", structures[n % len(structures)], f"Lieu de mesure n° {n}",
         communes[n % len(communes)].postal_code_list[0], communes[n % len(communes)].insee_code,
         f"04 65 71 {n // 100 % 100:02d} {n % 100:02d}", "oui", "jeunes-16-25"]
        for n in range(rows)
    ],
)
week = [(day, opens, closes) for day in ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
        for opens, closes in [("09:00", "12:00"), ("14:00", "17:00")]]
hours = csv_file(
    ["lieu", "jour", "ouverture", "fermeture"],
    [[f"lieu-bench-{n // 10}", *week[n % 10]] for n in range(rows)],
)


def timed(label, resource_class, data, dry_run):
    started = time.perf_counter()
    result = resource_class().import_data(SpreadsheetCSV().create_dataset(data), dry_run=dry_run)
    seconds = time.perf_counter() - started
    assert not result.problems, result.problems[:3]
    return {"label": label, "rows": result.total_rows, "seconds": seconds, "totals": dict(result.totals)}


report = [
    timed("lieux, lecture à blanc", ReceptionPointResource, points, True),
    timed("lieux, application", ReceptionPointResource, points, False),
    timed("horaires, lecture à blanc", OpeningHoursResource, hours, True),
    timed("horaires, application", OpeningHoursResource, hours, False),
    timed("lieux, réimport inchangé", ReceptionPointResource, points, False),
]
print(json.dumps(report))
"""


def measure(rows, database_url):
    env = production_env(database_url)
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "load_reference_data"], env)
    return json.loads(run([PYTHON, "-c", IMPORT_SCRIPT, str(rows)], env).splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--rows", type=int, default=10_000)
    options = parser.parse_args()
    print(f"Import de {options.rows} lignes sur {options.database}")
    print(f"{'fichier':<28} {'lignes':>8} {'durée (s)':>10} {'lignes/s':>9}  résultat")
    for step in with_database(options.database, options.rows, lambda url: measure(options.rows, url)):
        totals = step["totals"]
        outcome = f"{totals['new']} créées, {totals['update']} modifiées, {totals['skip']} inchangées"
        rate = step["rows"] / step["seconds"]
        print(f"{step['label']:<28} {step['rows']:>8} {step['seconds']:>10.1f} {rate:>9.0f}  {outcome}")


if __name__ == "__main__":
    main()
