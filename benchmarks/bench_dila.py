"""Time and memory of importing a file of the State's directory (DILA « base de données locales » JSON)
of 5,000 records, on SQLite or PostgreSQL.

    .venv/bin/python benchmarks/bench_dila.py                       # SQLite, 5,000 records
    .venv/bin/python benchmarks/bench_dila.py --database postgres --records 10000

In a fresh database with the demo data (scale 1), a file in the real record shape (the one of
tests/data/dila/) goes through the same code as the command and the admin (structures/imports/dila.py):
read and compared (dry run), applied (every record new: points, their structures, hours, first
versions), read again unchanged, then with one record in ten changed at the source (phone, hours).
"""

import argparse
import json
import os

from bench_demo_data import PYTHON, run, with_database

DILA_SCRIPT = """
import json, resource, sys, time
import django
django.setup()
from structures.demo.writer import load_demo_data
from structures.imports.dila import DILA_NETWORKS, apply_plan, plan_import, read_dila_file
from structures.models import Commune

count = int(sys.argv[1])
load_demo_data()
communes = list(Commune.objects.order_by("insee_code").values_list("insee_code", "postal_codes", "latitude", "longitude"))
types = sorted(DILA_NETWORKS)
DAYS = ["Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi"]


def service(n, phone_end=0):
    code, postal_codes, latitude, longitude = communes[n % len(communes)]
    return {
        "id": f"bench-{n:06d}",
        "nom": f"Service de mesure n° {n}",
        "pivot": [{"type_service_local": types[n % len(types)], "code_insee_commune": [code]}],
        "adresse": [{
            "type_adresse": "Adresse", "numero_voie": f"{n % 90 + 1} rue de la Mesure", "complement1": "",
            "complement2": "", "service_distribution": "", "code_postal": postal_codes.split()[0],
            "nom_commune": "", "latitude": str(round(latitude + 0.001, 6)), "longitude": str(round(longitude + 0.001, 6)),
            "accessibilite": "ACC" if n % 3 else "NAC", "note_accessibilite": "Entrée de plain-pied.",
        }],
        "telephone": [{"valeur": f"04 65 {n // 10000 % 100:02d} {n // 100 % 100:02d} {(n + phone_end) % 100:02d}"}],
        "adresse_courriel": [f"service-{n}@exemple.fr"],
        "site_internet": [{"valeur": f"https://exemple.fr/{n}"}],
        "plage_ouverture": [{
            "nom_jour_debut": "Lundi", "nom_jour_fin": DAYS[n % 5], "valeur_heure_debut_1": "09:00:00",
            "valeur_heure_fin_1": "12:00:00", "valeur_heure_debut_2": "13:30:00", "valeur_heure_fin_2": f"1{6 + phone_end % 2}:00:00",
            "commentaire": "",
        }],
        "code_insee_commune": code,
        "date_modification": "07/04/2025 17:12:36",
    }


def encode(services):
    return json.dumps({"service": services}, ensure_ascii=False).encode()


def timed(label, data, apply):
    started = time.perf_counter()
    plan = plan_import(read_dila_file(data))
    report = apply_plan(plan) if apply else None
    seconds = time.perf_counter() - started
    return {
        "label": label, "seconds": seconds, "new": len(plan.new), "changed": len(plan.changed),
        "unchanged": plan.unchanged, "created": report.created if report else 0,
        "updated": report.updated if report else 0,
    }


first = encode([service(n) for n in range(count)])
changed = encode([service(n, phone_end=1 if n % 10 == 0 else 0) for n in range(count)])
report = [
    timed("lecture à blanc", first, False),
    timed("application (tout nouveau)", first, True),
    timed("réimport inchangé", first, True),
    timed("un sur dix changé à la source", changed, True),
]
for step in report:
    step["records"] = count
print(json.dumps({"steps": report, "file_mb": len(first) / 1e6,
                  "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))
"""


def measure(records, database_url):
    env = {**os.environ, "DATABASE_URL": database_url, "DEBUG": "true", "DJANGO_SETTINGS_MODULE": "spro_site.settings"}
    run([PYTHON, "manage.py", "migrate", "-v0"], env)
    run([PYTHON, "manage.py", "load_reference_data"], env)
    return json.loads(run([PYTHON, "-c", DILA_SCRIPT, str(records)], env).splitlines()[-1])


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--records", type=int, default=5_000)
    options = parser.parse_args()
    result = with_database(options.database, options.records, lambda url: measure(options.records, url))
    print(
        f"Import de l'Annuaire de l'administration : {options.records} fiches sur {options.database}, "
        f"fichier de {result['file_mb']:.1f} Mo, mémoire max {result['max_rss_mb']:.0f} Mio"
    )
    print(f"{'étape':<32} {'durée (s)':>10} {'fiches/s':>9}  résultat")
    for step in result["steps"]:
        rate = step["records"] / step["seconds"]
        outcome = (
            f"{step['new']} nouvelles, {step['changed']} changées, {step['unchanged']} inchangées ; "
            f"{step['created']} créées, {step['updated']} mises à jour"
        )
        print(f"{step['label']:<32} {step['seconds']:>10.1f} {rate:>9.0f}  {outcome}")


if __name__ == "__main__":
    main()
