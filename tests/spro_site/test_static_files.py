"""Static files as production publishes them: the project's own style sheets and scripts minified,
fingerprinted and compressed (spro_site/staticfiles.py, docs/adr/0016)."""

import gzip
import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

from spro_site.staticfiles import minifier

PRODUCTION_STORAGE = {"BACKEND": "spro_site.staticfiles.MinifiedStaticFilesStorage"}


def published_static(settings, folder):
    """Run collectstatic with the production storage into `folder`; return its manifest's paths."""
    settings.STATIC_ROOT = folder
    settings.STORAGES = {**settings.STORAGES, "staticfiles": PRODUCTION_STORAGE}
    call_command("collectstatic", interactive=False, verbosity=0)
    return json.loads((folder / "staticfiles.json").read_text())["paths"]


@pytest.mark.parametrize(
    ("name", "minified"),
    [
        ("css/site.css", True),
        ("js/search.js", True),
        ("js/basemap.js", True),
        ("leaflet/leaflet.js", False),
        ("vendor/topojson-client-3.1.0.min.js", False),
        ("img/icons.svg", False),
        ("basemap/ara-departements-ign2018.geojson", False),
    ],
)
def test_only_the_project_s_own_styles_and_scripts_are_minified(name, minified):
    assert (minifier(name) is not None) is minified


def test_published_files_are_minified_fingerprinted_and_compressed(settings, tmp_path):
    paths = published_static(settings, tmp_path)

    def source(name):
        with open(finders.find(name), "rb") as file:
            return file.read()

    for name in ("css/site.css", "js/search.js", "js/basemap.js"):
        published = (tmp_path / paths[name]).read_bytes()
        original = source(name)
        assert re.fullmatch(r"[a-z_/]+\.[0-9a-f]{12}\.(css|js)", paths[name])
        # Comments and spaces gone: at least a fifth lighter, compressed as sent.
        assert len(gzip.compress(published, 9)) < 0.8 * len(gzip.compress(original, 9)), name
        assert b"/*" not in published.replace(b"/*!", b"")
        assert gzip.decompress((tmp_path / f"{paths[name]}.gz").read_bytes()) == published
    # The vendored library is served as its authors published it (its source map's address aside,
    # which the manifest storage fingerprints).
    vendored = (tmp_path / paths["leaflet/leaflet.js"]).read_bytes().split(b"//# sourceMappingURL")[0]
    assert vendored == source("leaflet/leaflet.js").split(b"//# sourceMappingURL")[0]
    # The style sheet's own addresses still point to fingerprinted files.
    css = (tmp_path / paths["css/site.css"]).read_text()
    for address in re.findall(r"url\(([^)]+)\)", css):
        target = address.strip("'\"")
        if not target.startswith(("data:", "#")):
            assert re.search(r"\.[0-9a-f]{12}\.", target), target
