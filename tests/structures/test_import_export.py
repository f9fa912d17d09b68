"""Import and export of structures, points and hours (structures/imports/).

Each of the three big files below has 1,000 rows of which 100 are bad, in ten different ways; the
test knows, from how it built the file, which line is bad and why, and checks that the dry run
reports exactly those lines with that reason and changes nothing.
"""

import csv
import datetime
import io

import openpyxl
import pytest

from structures.demo.writer import load_demo_data
from structures.history import relations_of
from structures.imports import OpeningHoursResource, ReceptionPointResource, StructureResource
from structures.imports.files import SpreadsheetCSV, SpreadsheetXLSX
from structures.models import Commune, DataVersion, OpeningHours, Public, ReceptionPoint, Structure
from tests.structures.factories import ReceptionPointFactory, StructureFactory

pytestmark = pytest.mark.django_db

HISTORY_MODELS = [Structure, ReceptionPoint, OpeningHours]


def csv_file(headers, rows, delimiter=",", encoding="utf-8-sig"):
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows([headers, *rows])
    return buffer.getvalue().encode(encoding)


def xlsx_file(headers, rows):
    book = openpyxl.Workbook()
    sheet = book.active
    for row in [headers, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(resource_class, data, file_format=SpreadsheetCSV, dry_run=True):
    dataset = file_format().create_dataset(data)
    return resource_class().import_data(dataset, dry_run=dry_run)


def row_counts():
    """Rows of every imported table and of their history: a dry run must leave all of them."""
    counts = {}
    for model in HISTORY_MODELS:
        counts[model.__name__] = model.objects.count()
        counts[f"{model.__name__} (historique)"] = model.history.count()
    return counts


def problems_by_line(result):
    found = {}
    for problem in result.problems:
        found.setdefault(problem.line, []).append((problem.column, problem.message))
    return found


def assert_reported_exactly(result, expected):
    """`expected`: {line: (column, fragment of the French reason)}, one reason per bad line."""
    found = problems_by_line(result)
    assert sorted(found) == sorted(expected)
    for line, (column, fragment) in expected.items():
        assert any(col == column and fragment in message for col, message in found[line]), (line, found[line])
    assert len(result.problems) == len(expected), [found[line] for line in found if len(found[line]) > 1][:3]


def communes_for_files(count=40):
    """Communes of the region whose names Latin-1 can write, with their first postal code."""
    communes = []
    for commune in Commune.objects.filter(kind="commune").order_by("insee_code")[: count * 2]:
        try:
            commune.name.encode("latin-1")
        except UnicodeEncodeError:
            continue
        communes.append(commune)
    return communes[:count]


# --- The 1,000-row files ---------------------------------------------------------------------

POINT_HEADERS = [
    "identifiant",
    "structure",
    "nom",
    "type",
    "lieu_hote",
    "code_postal",
    "commune_insee",
    "commune",
    "latitude",
    "longitude",
    "telephone",
    "sans_rdv",
    "sur_rdv",
    "accessibilite",
    "publics",
    "commentaire",  # not a column of ours: ignored, and said so
]


def points_file():
    """1,000 points in Latin-1 with semicolons, as a French Excel saves CSV; 100 bad rows."""
    structures = [StructureFactory(slug=f"structure-import-{n}") for n in range(3)]
    communes = communes_for_files()
    rows, expected = [], {}
    for index in range(1000):
        commune = communes[index % len(communes)]
        row = {
            "identifiant": f"lieu-import-{index}",
            "structure": structures[index % 3].slug,
            "nom": f"Accueil d'orientation n° {index} à {commune.name} « bénévoles »",
            "type": "Site principal",
            "lieu_hote": "",
            "code_postal": commune.postal_code_list[0],
            "commune_insee": commune.insee_code,
            "commune": commune.name,
            "latitude": f"{commune.latitude:.6f}".replace(".", ","),
            "longitude": f"{commune.longitude:.6f}".replace(".", ","),
            "telephone": f"04 65 71 {index // 100:02d} {index % 100:02d}",
            "sans_rdv": "oui",
            "sur_rdv": "oui",
            "accessibilite": "Accessible en fauteuil roulant",
            "publics": "jeunes-16-25, demandeurs-emploi",
            "commentaire": "à revoir",
        }
        line = index + 2
        if index % 10 == 7:
            kind = (index // 10) % 10
            if kind == 0:
                row.update(commune_insee="", commune="")
                expected[line] = ("commune_insee", "La commune manque")
            elif kind == 1:
                row["code_postal"] = "69A01"
                expected[line] = ("code_postal", "exactement 5 chiffres")
            elif kind == 2:
                row["code_postal"] = "75001"
                expected[line] = ("code_postal", f"ne correspond pas à la commune {commune.name}")
            elif kind == 3:
                row["telephone"] = "04 65"
                expected[line] = ("telephone", "n'est pas un numéro français valide")
            elif kind == 4:
                row.update(latitude="48,8566", longitude="2,3522")
                expected[line] = ("latitude", "en dehors de la région")
            elif kind == 5:
                row["identifiant"] = "lieu-import-0"
                expected[line] = ("identifiant", "« lieu-import-0 » figure déjà ligne 2 du fichier")
            elif kind == 6:
                row["structure"] = "structure-inconnue"
                expected[line] = ("structure", "Structure inconnue : « structure-inconnue »")
            elif kind == 7:
                row["sans_rdv"] = "peut-être"
                expected[line] = ("sans_rdv", "« peut-être » : écrivez « oui » ou « non »")
            elif kind == 8:
                row["publics"] = "jeunes-16-25, retraites"
                expected[line] = ("publics", "Public inconnu : « retraites »")
            else:
                row["type"] = "Permanence"
                expected[line] = ("lieu_hote", "Indiquez où se tient la permanence")
        rows.append([row[name] for name in POINT_HEADERS])
    return csv_file(POINT_HEADERS, rows, delimiter=";", encoding="latin-1"), expected


STRUCTURE_HEADERS = [
    "identifiant",
    "nom",
    "reseau",
    "site_internet",
    "telephone",
    "courriel",
    "publics",
    "statut_label",
    "label_debut",
    "label_fin",
    "statut",
]


def structures_file():
    """1,000 structures in XLSX (typed cells: dates, numbers); 100 bad rows."""
    rows, expected = [], {}
    for index in range(1000):
        labelled = index % 2 == 1
        row = {
            "identifiant": f"structure-importee-{index}",
            "nom": f"Structure importée n° {index}",
            "reseau": "association" if labelled else "mission-locale",
            "site_internet": "https://orientation.demo.example/",
            "telephone": 465710000 + index,  # a number cell: its leading zero is lost
            "courriel": f"contact-{index}@demo.example",
            "publics": "tout-public",
            "statut_label": "Labellisée" if labelled else "",
            "label_debut": datetime.datetime(2026, 1, 1) if labelled else None,
            "label_fin": "31/12/2027" if labelled else None,
            "statut": "Publiée",
        }
        line = index + 2
        if index % 10 == 4:
            kind = (index // 10) % 10
            row.update(reseau="mission-locale", statut_label="", label_debut=None, label_fin=None)
            if kind == 0:
                row["reseau"] = "cap-emplois"
                expected[line] = ("reseau", "Réseau inconnu : « cap-emplois »")
            elif kind == 1:
                row["telephone"] = "12 34"
                expected[line] = ("telephone", "n'est pas un numéro français valide")
            elif kind == 2:
                row["courriel"] = "contact@"
                expected[line] = ("courriel", "Saisissez une adresse de courriel valide.")
            elif kind == 3:
                row["site_internet"] = "www.orientation"
                expected[line] = ("site_internet", "Saisissez une URL valide.")
            elif kind == 4:
                row.update(reseau="cidff", statut_label="Labellisée")
                expected[line] = (None, "doit avoir une date d'attribution et une date de fin de label")
            elif kind == 5:
                row.update(statut_label="Labellisée", label_debut="01/01/2026", label_fin="31/12/2027")
                expected[line] = ("statut_label", "Seules les structures du cercle 3 sont labellisées")
            elif kind == 6:
                row["identifiant"] = "structure-importee-0"
                expected[line] = ("identifiant", "figure déjà ligne 2 du fichier")
            elif kind == 7:
                row["publics"] = "tout-public, retraites"
                expected[line] = ("publics", "Public inconnu : « retraites »")
            elif kind == 8:
                row["label_fin"] = "31/02/2026"
                expected[line] = ("label_fin", "« 31/02/2026 » n'est pas une date")
            else:
                row.update(reseau="cidff", statut_label="Labellisée", label_debut="01/06/2026", label_fin="31/05/2026")
                expected[line] = ("label_fin", "La fin du label doit venir après la date de son attribution.")
        rows.append([row[name] for name in STRUCTURE_HEADERS])
    return xlsx_file(STRUCTURE_HEADERS, rows), expected


HOURS_HEADERS = ["lieu", "jour", "ouverture", "fermeture", "semaines", "precision"]
WEEK = [
    (day, opens, closes)
    for day in ["lundi", "mardi", "mercredi", "jeudi", "vendredi"]
    for opens, closes in [("09:00", "12:00"), ("14:00", "17:00")]
]


def hours_file():
    """1,000 slots (10 a week for 100 points), UTF-8 with commas; 100 bad rows."""
    points = [ReceptionPointFactory(slug=f"lieu-horaires-{n}") for n in range(100)]
    rows, expected = [], {}
    for number, point in enumerate(points):
        for position, (day, opens, closes) in enumerate(WEEK):
            index = number * 10 + position
            line = index + 2
            row = [point.slug, day, opens, closes, "Chaque semaine", ""]
            if position == 7:  # Thursday afternoon; the row above is Thursday 09:00–12:00
                kind = number % 10
                if kind == 0:
                    row[2:4] = ["17:00", "14:00"]
                    expected[line] = ("fermeture", "L'heure de fermeture doit être après l'heure d'ouverture.")
                elif kind == 1:
                    row[2:4] = ["11:00", "13:00"]
                    expected[line] = ("ouverture", f"chevauche celui de la ligne {line - 1} (09:00–12:00)")
                elif kind == 2:
                    row[0] = "lieu-inconnu"
                    expected[line] = ("lieu", "Lieu d'accueil inconnu : « lieu-inconnu »")
                elif kind == 3:
                    row[1] = "jeudy"
                    expected[line] = ("jour", "« jeudy » n'est pas une valeur possible")
                elif kind == 4:
                    row[2] = "25:00"
                    expected[line] = ("ouverture", "« 25:00 » n'est pas une heure")
                elif kind == 5:
                    row[4] = "toutes"
                    expected[line] = ("semaines", "« toutes » n'est pas une valeur possible")
                elif kind == 6:
                    row[2:4] = ["09:00", "12:00"]
                    expected[line] = ("lieu", f"figure déjà ligne {line - 1} du fichier")
                elif kind == 7:
                    row[3] = ""
                    expected[line] = ("fermeture", "L'heure manque")
                elif kind == 8:
                    row[3] = "deux heures"
                    expected[line] = ("fermeture", "« deux heures » n'est pas une heure")
                else:
                    row[2:4] = ["14:00", "14:00"]
                    expected[line] = ("fermeture", "L'heure de fermeture doit être après l'heure d'ouverture.")
            rows.append(row)
    return csv_file(HOURS_HEADERS, rows), expected


@pytest.mark.slow
@pytest.mark.parametrize(
    ("build", "resource_class", "file_format"),
    [
        (points_file, ReceptionPointResource, SpreadsheetCSV),
        (structures_file, StructureResource, SpreadsheetXLSX),
        (hours_file, OpeningHoursResource, SpreadsheetCSV),
    ],
    ids=["lieux-latin1-point-virgule", "structures-xlsx", "horaires-csv"],
)
def test_dry_run_of_1000_rows_reports_the_100_bad_ones_and_changes_nothing(build, resource_class, file_format):
    data, expected = build()
    assert len(expected) == 100
    before = row_counts()
    result = run_import(resource_class, data, file_format)
    assert row_counts() == before
    assert result.total_rows == 1000
    assert_reported_exactly(result, expected)


@pytest.mark.slow
def test_the_latin1_semicolon_file_is_read_with_its_accents_and_its_extra_column_ignored():
    data, _ = points_file()
    assert b";" in data.split(b"\r\n")[0]
    assert "é".encode("latin-1") in data
    dataset = SpreadsheetCSV().create_dataset(data)
    assert dataset.dict[0]["nom"].endswith("« bénévoles »")
    result = run_import(ReceptionPointResource, data)
    assert result.ignored_columns == ["commentaire"]


# --- Whole-file problems -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("resource_class", "headers", "missing"),
    [
        (ReceptionPointResource, ["identifiant", "structure", "nom", "commune_insee"], "« code_postal »"),
        (StructureResource, ["identifiant", "reseau"], "« nom »"),
        (OpeningHoursResource, ["lieu", "jour", "fermeture"], "« ouverture »"),
    ],
)
def test_a_file_missing_a_required_column_is_refused_whole(resource_class, headers, missing):
    before = row_counts()
    result = run_import(resource_class, csv_file(headers, [["x"] * len(headers)]))
    assert row_counts() == before
    assert [(problem.line, problem.column) for problem in result.problems] == [(None, None)]
    message = result.problems[0].message
    assert message.startswith("Colonne(s) obligatoire(s) absente(s) : ")
    assert missing in message


def test_a_points_file_needs_a_commune_column():
    headers = ["identifiant", "structure", "nom", "code_postal"]
    result = run_import(ReceptionPointResource, csv_file(headers, [["a", "b", "c", "42000"]]))
    assert [problem.message for problem in result.problems] == [
        "Colonne obligatoire absente : « commune_insee » (code INSEE) ou, à défaut, « commune » (nom)."
    ]


def test_headers_are_matched_whatever_their_case_and_accents():
    point = ReceptionPointFactory(slug="lieu-entetes", name="Ancien nom")
    headers = ["Identifiant", "Structure", "Nom", "Code postal", "Commune INSEE"]
    row = [point.slug, point.structure.slug, "Nouveau nom", point.postal_code, point.commune_id]
    result = run_import(ReceptionPointResource, csv_file(headers, [row]), dry_run=False)
    assert result.problems == []
    point.refresh_from_db()
    assert point.name == "Nouveau nom"


def test_repeated_headers_and_empty_files_are_explained():
    repeated = run_import(
        StructureResource, csv_file(["identifiant", "nom", "Nom", "reseau"], [["a", "b", "c", "cio"]])
    )
    assert [problem.message for problem in repeated.problems] == ["Colonnes en double : « nom »."]
    empty = run_import(StructureResource, b"")
    assert [problem.message for problem in empty.problems] == [
        "Le fichier est vide : la première ligne doit donner le nom des colonnes."
    ]


def test_a_row_longer_than_the_header_is_a_file_problem():
    data = b"identifiant;nom;reseau\r\na;b;cio;en trop\r\n"
    with pytest.raises(Exception, match="La ligne 2 a plus de cellules \\(4\\) que la ligne d'en-tête \\(3\\)"):
        SpreadsheetCSV().create_dataset(data)


# --- Applying a file ---------------------------------------------------------------------------


def test_a_confirmed_import_with_one_bad_row_changes_nothing():
    points = [ReceptionPointFactory(slug=f"lieu-confirme-{n}", name=f"Nom {n}") for n in range(5)]
    headers = ["identifiant", "structure", "nom", "code_postal", "commune_insee", "telephone"]
    rows = [
        [p.slug, p.structure.slug, f"Nom changé {n}", p.postal_code, p.commune_id, ""] for n, p in enumerate(points)
    ]
    rows.append(["lieu-nouveau", points[0].structure.slug, "Nouveau lieu", "42000", "42218", ""])
    rows[2][5] = "00 00"  # the one bad row
    before = row_counts()
    result = run_import(ReceptionPointResource, csv_file(headers, rows), dry_run=False)
    assert [(problem.line, problem.column) for problem in result.problems] == [(4, "telephone")]
    assert row_counts() == before
    assert sorted(ReceptionPoint.objects.values_list("name", flat=True)) == [f"Nom {n}" for n in range(5)]


def test_areas_of_competence_are_imported_and_unknown_codes_refused_in_french():
    headers = [
        "identifiant",
        "nom",
        "reseau",
        "intercommunalites_competence",
        "communes_competence",
        "communes_retirees",
    ]
    good = ["ml-rhodanienne", "ML Rhodanienne", "mission-locale", "200077014", "38087", "38157"]
    bad_epci = ["ml-fictive", "ML fictive", "mission-locale", "123456789", "", ""]
    bad_commune = ["ml-fictive-2", "ML fictive 2", "mission-locale", "", "75056", ""]
    before = row_counts()
    result = run_import(StructureResource, csv_file(headers, [good, bad_epci, bad_commune]), dry_run=False)
    assert_reported_exactly(
        result,
        {
            3: ("intercommunalites_competence", "Intercommunalité inconnue (numéro SIREN de l'EPCI) : « 123456789 »"),
            4: ("communes_competence", "Code INSEE inconnu dans la région : « 75056 »"),
        },
    )
    assert row_counts() == before  # nothing saved, not even the good row
    result = run_import(StructureResource, csv_file(headers, [good]), dry_run=False)
    assert not result.problems
    structure = Structure.objects.get(slug="ml-rhodanienne")
    assert list(structure.competence_epcis.values_list("code", flat=True)) == ["200077014"]
    assert list(structure.excluded_communes.values_list("insee_code", flat=True)) == ["38157"]
    assert "38157" not in set(structure.area_communes().values_list("pk", flat=True))
    exported = export_file(StructureResource, SpreadsheetCSV).decode("utf-8-sig")
    assert "intercommunalites_competence" in exported.splitlines()[0]
    assert "200077014" in exported


def test_applying_a_file_creates_and_updates_and_records_history():
    point = ReceptionPointFactory(slug="lieu-existant", name="Ancien nom")
    headers = ["identifiant", "structure", "nom", "code_postal", "commune_insee", "commune", "latitude", "longitude"]
    rows = [
        [point.slug, point.structure.slug, "Nouveau nom", point.postal_code, point.commune_id, "", "", ""],
        ["lieu-cree", point.structure.slug, "Lieu créé", "42000", "", "St-Etienne", "", ""],
    ]
    data = csv_file(headers, rows)
    result = run_import(ReceptionPointResource, data, dry_run=False)
    assert result.problems == []
    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    created = ReceptionPoint.objects.get(slug="lieu-cree")
    saint_etienne = Commune.objects.get(insee_code="42218")
    # Found by its name and postal code; without coordinates, placed at the commune and said so.
    assert (created.commune, created.latitude, created.longitude, created.geo_precision) == (
        saint_etienne,
        saint_etienne.latitude,
        saint_etienne.longitude,
        "commune",
    )
    point.refresh_from_db()
    assert point.name == "Nouveau nom"
    assert point.history.first().name == "Nouveau nom"


WRITES = ("INSERT", "UPDATE", "DELETE", "COPY")


def written_tables(queries):
    """The statements of `queries` that write, by their first word and table."""
    found = []
    for query in queries:
        words = query["sql"].split()
        if words and words[0].upper() in WRITES:
            table = words[2] if words[0].upper() in ("INSERT", "DELETE") else words[1]
            # A bulk copy (PostgreSQL) inserts.
            found.append(("INSERT" if words[0].upper() == "COPY" else words[0].upper(), table.strip('"')))
    return found


def new_points_file(structure, count, start=0, publics="jeunes-16-25, handicap"):
    headers = ["identifiant", "structure", "nom", "code_postal", "commune_insee", "publics"]
    rows = [
        [f"lieu-lot-{n}", structure.slug, f"Lieu du lot n° {n}", "38200", "38544", publics] for n in range(start, count)
    ]
    return csv_file(headers, rows)


def test_a_dry_run_writes_nothing_at_all(django_assert_max_num_queries):
    point = ReceptionPointFactory(slug="lieu-existant", name="Ancien nom", hours=[(2, "14:00", "17:00")])
    data = csv_file(
        ["identifiant", "structure", "nom", "code_postal", "commune_insee", "publics"],
        [
            [point.slug, point.structure.slug, "Nouveau nom", point.postal_code, point.commune_id, "handicap"],
            ["lieu-cree", point.structure.slug, "Lieu créé", "38200", "38544", "jeunes-16-25"],
        ],
    )
    hours = csv_file(HOURS_HEADERS, [[point.slug, "lundi", "09:00", "12:00", "", ""]])
    with django_assert_max_num_queries(100) as queries:
        result = run_import(ReceptionPointResource, data)
        dry_hours = run_import(OpeningHoursResource, hours)
    assert (result.totals["new"], result.totals["update"]) == (1, 1)
    assert dry_hours.removed_slots == [f"{point.name} : Mercredi 14:00–17:00"]
    assert written_tables(queries.captured_queries) == []


@pytest.mark.slow
def test_an_applied_file_is_written_in_batches_with_its_relations_and_versions(django_assert_max_num_queries):
    structure = StructureFactory(slug="structure-des-lots")
    with django_assert_max_num_queries(200) as queries:
        result = run_import(ReceptionPointResource, new_points_file(structure, 1200), dry_run=False)
    assert result.problems == []
    assert result.totals["new"] == 1200
    # Three batches (500, 500, 200), each written in one statement per table, whatever the rows.
    inserts = [table for verb, table in written_tables(queries.captured_queries) if verb == "INSERT"]
    assert inserts.count("structures_receptionpoint") == 3
    assert inserts.count("structures_historicalreceptionpoint") == 3
    # Their 2,400 publics, and those kept with the versions, by 500 or 1,000.
    assert inserts.count("structures_receptionpoint_publics") == 5
    assert inserts.count("structures_historicalreceptionpoint_publics") <= 5
    created = ReceptionPoint.objects.filter(slug__startswith="lieu-lot-")
    assert created.count() == 1200
    point = created.get(slug="lieu-lot-777")
    # What save() would have filled: the search text, the distance columns.
    assert point.search_text.startswith("lieu du lot n")
    assert "777" in point.search_text
    assert point.lat_band is not None
    assert point.unit_x is not None
    assert sorted(point.publics.values_list("slug", flat=True)) == ["handicap", "jeunes-16-25"]
    [version] = point.history.all()
    assert version.history_type == "+"
    assert version.history_change_reason.startswith("Créée par l'import de fichier du ")
    assert sorted(public.slug for public in Public.objects.filter(pk__in=relations_of(version)["publics"])) == [
        "handicap",
        "jeunes-16-25",
    ]


def test_a_batch_whose_rows_give_no_public_is_written():
    structure = StructureFactory(slug="structure-sans-publics")
    result = run_import(ReceptionPointResource, new_points_file(structure, 3, publics=""), dry_run=False)
    assert result.problems == []
    created = ReceptionPoint.objects.filter(slug__startswith="lieu-lot-")
    assert created.count() == 3
    assert not ReceptionPoint.publics.through.objects.filter(receptionpoint__in=created).exists()


def test_an_updated_record_gets_a_new_revision_time_search_text_and_version():
    point = ReceptionPointFactory(slug="lieu-existant", name="Ancien nom", publics=["cadres"])
    before = ReceptionPoint.objects.get(pk=point.pk)
    data = csv_file(
        ["identifiant", "structure", "nom", "code_postal", "commune_insee", "publics"],
        [[point.slug, point.structure.slug, "Nouveau nom", point.postal_code, point.commune_id, "handicap"]],
    )
    result = run_import(ReceptionPointResource, data, dry_run=False)
    assert result.totals["update"] == 1
    point.refresh_from_db()
    assert point.revision == before.revision + 1
    assert point.updated_at > before.updated_at
    assert "nouveau nom" in point.search_text
    assert list(point.publics.values_list("slug", flat=True)) == ["handicap"]
    latest = point.history.first()
    assert (latest.history_type, latest.name) == ("~", "Nouveau nom")
    assert [Public.objects.get(pk=pk).slug for pk in relations_of(latest)["publics"]] == ["handicap"]
    # The same file again: unchanged, skipped, no new version.
    versions = point.history.count()
    again = run_import(ReceptionPointResource, data, dry_run=False)
    assert again.totals["skip"] == 1
    assert point.history.count() == versions


def test_a_structure_renamed_by_a_file_has_its_points_found_by_its_new_name():
    point = ReceptionPointFactory(name="Accueil de Vienne", structure__name="Maison de l'emploi")
    structure = point.structure
    data = csv_file(["identifiant", "nom", "reseau"], [[structure.slug, "Cité des métiers", structure.network.slug]])
    dry = run_import(StructureResource, data, dry_run=True)
    assert dry.totals["update"] == 1
    assert ReceptionPoint.objects.get(pk=point.pk).search_text == "accueil de vienne maison de l emploi"
    result = run_import(StructureResource, data, dry_run=False)
    assert (result.problems, result.totals["update"]) == ([], 1)
    assert ReceptionPoint.objects.get(pk=point.pk).search_text == "accueil de vienne cite des metiers"


def test_a_file_is_checked_on_the_columns_it_gives_as_a_form_on_its_fields():
    """A record whose telephone no longer passes today's rule can still be updated by a file without
    that column; a file that gives it has it checked."""
    point = ReceptionPointFactory(slug="lieu-ancien", name="Ancien nom")
    ReceptionPoint.objects.filter(pk=point.pk).update(phone="12")
    headers = ["identifiant", "structure", "nom", "code_postal", "commune_insee"]
    row = [point.slug, point.structure.slug, "Nouveau nom", point.postal_code, point.commune_id]
    renamed = run_import(ReceptionPointResource, csv_file(headers, [row]), dry_run=False)
    assert renamed.problems == []
    point.refresh_from_db()
    assert (point.name, point.phone) == ("Nouveau nom", "12")
    refused = run_import(ReceptionPointResource, csv_file([*headers, "telephone"], [[*row, "34"]]))
    assert [(problem.line, problem.column) for problem in refused.problems] == [(2, "telephone")]


def test_an_applied_import_changes_the_data_version_and_a_dry_run_does_not(django_capture_on_commit_callbacks):
    structure = StructureFactory(slug="structure-des-lots")
    with django_capture_on_commit_callbacks(execute=True):
        pass  # what the factory wrote, committed
    before = DataVersion.current()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        run_import(ReceptionPointResource, new_points_file(structure, 3))
    assert (callbacks, DataVersion.current()) == ([], before)
    with django_capture_on_commit_callbacks(execute=True):
        run_import(ReceptionPointResource, new_points_file(structure, 3), dry_run=False)
    assert DataVersion.current().serial == before.serial + 1


def test_a_rule_only_the_database_checks_cancels_the_whole_file_in_french():
    structure = StructureFactory(slug="structure-des-lots")
    ReceptionPointFactory(slug="deja-la", dila_id="12345-abc")
    headers = ["identifiant", "structure", "nom", "code_postal", "commune_insee", "identifiant_annuaire"]
    rows = [
        ["lieu-a", structure.slug, "Lieu A", "38200", "38544", ""],
        ["lieu-b", structure.slug, "Lieu B", "38200", "38544", "12345-abc"],
    ]
    before = row_counts()
    result = run_import(ReceptionPointResource, csv_file(headers, rows), dry_run=False)
    assert [str(problem) for problem in result.problems][0].startswith("Fichier : enregistrement impossible (")
    assert "rien n'a été importé" in str(result.problems[0])
    assert "une valeur qui doit être unique est déjà prise" in str(result.problems[0])
    # Not the database's own English words (« UNIQUE constraint failed », « violates unique constraint »).
    assert "constraint" not in str(result.problems[0])
    assert row_counts() == before


def test_an_hours_file_gives_the_whole_schedule_of_the_points_it_names():
    point = ReceptionPointFactory(slug="lieu-horaire", hours=[(0, "09:00", "12:00"), (2, "14:00", "17:00")])
    other = ReceptionPointFactory(slug="autre-lieu", hours=[(4, "09:00", "12:00")])
    rows = [
        [point.slug, "lundi", "09:00", "12:30", "", ""],
        [point.slug, "mardi", "9h30", "12h", "1er et 3e du mois", "sur rendez-vous"],
    ]
    dry = run_import(OpeningHoursResource, csv_file(HOURS_HEADERS, rows))
    assert dry.removed_slots == [f"{point.name} : Mercredi 14:00–17:00"]
    assert point.opening_hours.count() == 2
    result = run_import(OpeningHoursResource, csv_file(HOURS_HEADERS, rows), dry_run=False)
    assert (result.totals["new"], result.totals["update"], result.totals["delete"]) == (1, 1, 1)
    slots = [(s.weekday, s.opens, s.closes, s.recurrence, s.note) for s in point.opening_hours.order_by("weekday")]
    assert slots == [
        (0, datetime.time(9), datetime.time(12, 30), "weekly", ""),
        (1, datetime.time(9, 30), datetime.time(12), "first_third", "sur rendez-vous"),
    ]
    assert other.opening_hours.count() == 1  # not named by the file: untouched


# --- Export, re-import, round trip -------------------------------------------------------------


def export_file(resource_class, file_format):
    resource = resource_class()
    return file_format().export_data(resource.export(queryset=resource_class._meta.model.objects.all()))


def snapshot():
    """Every imported record and hour, keyed by stable identifiers, with its many-to-many sets."""
    # What the last import of the State's directory said of a point is that import's memory, not the
    # registry's: a point without it has its next DILA changes shown for acceptance.
    # The revision counts a record's saves (optimistic locking), not part of what it says.
    skip = {
        "id",
        "created_at",
        "updated_at",
        "last_verified_by",
        "source_values",
        "source_changed_on",
        "source_change",
        "revision",
    }

    def rows(model, key, relations):
        names = [f.name for f in model._meta.concrete_fields if f.name not in skip and f.name not in relations]
        values = model.objects.values(*names, *relations.values())
        return sorted((tuple(row[k] for k in key), tuple(sorted(row.items()))) for row in values)

    def sets(model, key, relation, related_key):
        found = {}
        for owner, related in model.objects.values_list(key, f"{relation}__{related_key}"):
            found.setdefault(owner, set())
            if related is not None:
                found[owner].add(related)
        return found

    return {
        "structures": rows(Structure, ["slug"], {"network": "network__slug"}),
        "points": rows(
            ReceptionPoint,
            ["slug"],
            {"structure": "structure__slug", "host_structure": "host_structure__slug"},
        ),
        "hours": rows(OpeningHours, ["point__slug", "weekday", "recurrence", "opens"], {"point": "point__slug"}),
        "structure publics": sets(Structure, "slug", "publics", "slug"),
        "structure levels": sets(Structure, "slug", "levels", "slug"),
        "departments": sets(Structure, "slug", "competence_departments", "code"),
        "communes": sets(Structure, "slug", "competence_communes", "insee_code"),
        "intercommunalities": sets(Structure, "slug", "competence_epcis", "code"),
        "communes taken out": sets(Structure, "slug", "excluded_communes", "insee_code"),
        "point publics": sets(ReceptionPoint, "slug", "publics", "slug"),
        "point levels": sets(ReceptionPoint, "slug", "levels", "slug"),
    }


RESOURCES_IN_ORDER = [StructureResource, ReceptionPointResource, OpeningHoursResource]


@pytest.mark.slow
def test_export_then_import_into_an_empty_database_gives_identical_records():
    load_demo_data()
    structure = Structure.objects.filter(network__circle=3).first()
    structure.competence_communes.set(["42218", "69123"])
    structure.description = "=SOMME(A1:A2) ne doit pas devenir une formule"
    structure.save()
    before = snapshot()
    assert len(before["hours"]) > 1000
    files = [export_file(resource_class, SpreadsheetCSV) for resource_class in RESOURCES_IN_ORDER]
    Structure.objects.all().delete()
    assert ReceptionPoint.objects.count() == OpeningHours.objects.count() == 0
    for resource_class, data in zip(RESOURCES_IN_ORDER, files, strict=True):
        result = run_import(resource_class, data, SpreadsheetCSV, dry_run=False)
        assert result.problems == []
    assert snapshot() == before


def test_an_xlsx_export_reads_back_as_the_same_rows_as_the_csv_export():
    """The import reads the whole registry's XLSX export as exactly the rows of its CSV export, which
    the test above brings back to identical records: the XLSX round trip gives them too."""
    load_demo_data()
    structure = Structure.objects.filter(network__circle=3).first()
    structure.description = "=SOMME(A1:A2) ne doit pas devenir une formule"
    structure.save()

    def cells(dataset):
        # An empty cell is None in an XLSX file and "" in a CSV one; the import reads both as empty.
        return [["" if cell is None else cell for cell in row] for row in dataset]

    for resource_class in RESOURCES_IN_ORDER:
        from_csv = SpreadsheetCSV().create_dataset(export_file(resource_class, SpreadsheetCSV))
        from_xlsx = SpreadsheetXLSX().create_dataset(export_file(resource_class, SpreadsheetXLSX))
        assert from_xlsx.headers == from_csv.headers
        assert len(from_xlsx) == len(from_csv) > 100
        assert cells(from_xlsx) == cells(from_csv)


@pytest.mark.slow
def test_reimporting_an_export_changes_nothing():
    load_demo_data()
    files = [export_file(resource_class, SpreadsheetCSV) for resource_class in RESOURCES_IN_ORDER]
    before, stamps = row_counts(), sorted(ReceptionPoint.objects.values_list("slug", "updated_at"))
    for resource_class, data in zip(RESOURCES_IN_ORDER, files, strict=True):
        result = run_import(resource_class, data, dry_run=False)
        assert result.problems == []
        assert result.totals["skip"] == result.total_rows > 0
        assert result.totals["new"] == result.totals["update"] == result.totals["delete"] == 0
    assert row_counts() == before
    assert sorted(ReceptionPoint.objects.values_list("slug", "updated_at")) == stamps


def test_csv_export_opens_in_a_french_spreadsheet_and_neutralises_formulas():
    ReceptionPointFactory(slug="lieu-formule", name='=HYPERLINK("http://exemple")', phone="+33 4 65 71 00 01")
    data = export_file(ReceptionPointResource, SpreadsheetCSV)
    assert data.startswith("\ufeff".encode())
    text = data.decode("utf-8-sig")
    header = text.split("\r\n")[0]
    assert header.split(";")[:4] == ["identifiant", "structure", "nom", "type"]
    row = next(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert row["nom"] == ' =HYPERLINK("http://exemple")'
    assert row["telephone"] == " +33 4 65 71 00 01"


# --- Cells written the way spreadsheets write them ----------------------------------------------


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        ({"ouverture": "9h", "fermeture": "12h30"}, (datetime.time(9), datetime.time(12, 30))),
        ({"ouverture": "09:00:00", "fermeture": datetime.time(17, 45)}, (datetime.time(9), datetime.time(17, 45))),
        (
            {"ouverture": datetime.datetime(1899, 12, 30, 8, 15), "fermeture": "8 h 45"},
            (datetime.time(8, 15), datetime.time(8, 45)),
        ),
    ],
)
def test_times_are_read_in_the_usual_french_ways(cells, expected):
    point = ReceptionPointFactory(slug="lieu-heures")
    row = {"lieu": point.slug, "jour": "Lundi", **cells}
    result = run_import(
        OpeningHoursResource, xlsx_file(list(row), [list(row.values())]), SpreadsheetXLSX, dry_run=False
    )
    assert result.problems == []
    slot = point.opening_hours.get()
    assert (slot.opens, slot.closes) == expected


def test_numbers_typed_into_a_spreadsheet_are_read_back():
    structure = StructureFactory(slug="structure-nombres")
    headers = ["identifiant", "structure", "nom", "code_postal", "commune_insee", "telephone", "latitude", "longitude"]
    row = ["lieu-nombres", structure.slug, "Lieu", 1000, 1053, 474000000, 46.2, 5.22]  # Bourg-en-Bresse
    result = run_import(ReceptionPointResource, xlsx_file(headers, [row]), SpreadsheetXLSX, dry_run=False)
    assert result.problems == []
    point = ReceptionPoint.objects.get(slug="lieu-nombres")
    assert (point.postal_code, point.commune_id, point.phone, point.latitude) == ("01000", "01053", "0474000000", 46.2)


def test_imported_coordinates_are_the_places_own_unless_said_otherwise():
    structure = ReceptionPointFactory().structure
    headers = ["identifiant", "structure", "nom", "code_postal", "commune_insee", "adresse", "latitude", "longitude"]
    rows = [
        ["lieu-place", structure.slug, "Lieu placé", "42000", "42218", "2 rue de la Paix", "45,4397", "4,3872"],
        ["lieu-sans-position", structure.slug, "Lieu sans position", "42000", "42218", "3 rue de la Paix", "", ""],
    ]
    result = run_import(ReceptionPointResource, csv_file(headers, rows), dry_run=False)
    assert not result.problems
    placed = ReceptionPoint.objects.get(slug="lieu-place")
    assert (placed.latitude, placed.longitude, placed.geo_precision) == (45.4397, 4.3872, "exact")
    assert ReceptionPoint.objects.get(slug="lieu-sans-position").geo_precision == "commune"
    with_precision = [*headers, "precision_position"]
    rows = [[*rows[0][:5], "2 rue de la Paix", "45,4397", "4,3872", "commune"]]
    run_import(ReceptionPointResource, csv_file(with_precision, rows), dry_run=False)
    assert ReceptionPoint.objects.get(slug="lieu-place").geo_precision == "commune"
