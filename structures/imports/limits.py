"""Limits of the imports of the back office, so that no file can hold a worker, its memory or a
database transaction for long:

- a file larger than IMPORT_MAX_BYTES is refused before anything of it is read;
- CSV and XLSX are read row by row (XLSX in openpyxl's read-only mode, whatever dimensions the file
  claims), and refused past IMPORT_MAX_ROWS rows or IMPORT_MAX_COLUMNS columns;
- the import itself stops, and rolls back, after IMPORT_MAX_SECONDS;
- the file kept between the dry run and its confirmation lives in a folder of its own, under a
  random name; it is deleted after the confirmation, after a dry run that found errors, and in any
  case after IMPORT_FILE_MAX_AGE_SECONDS.
"""

import os
import re
import tempfile
import time
import uuid
from pathlib import Path

from django.conf import settings
from import_export.tmp_storages import BaseStorage

from structures.text import plural_fr

_NAME = re.compile(r"^[0-9a-f]{32}$")


class FileProblem(Exception):
    """A problem with the whole file (encoding, layout, columns, size): nothing of it is imported."""


def format_size(size):
    megabytes = size / 1_000_000
    return f"{megabytes:.1f} Mo".replace(".", ",") if megabytes < 10 else f"{megabytes:.0f} Mo"


def check_size(size):
    if size > settings.IMPORT_MAX_BYTES:
        raise FileProblem(
            f"Ce fichier est trop volumineux ({format_size(size)}) : "
            f"{format_size(settings.IMPORT_MAX_BYTES)} au plus. Découpez-le en plusieurs fichiers."
        )


def too_many_rows():
    limit = settings.IMPORT_MAX_ROWS
    return FileProblem(
        f"Ce fichier a plus de {limit:_} lignes : découpez-le en fichiers de {limit:_} lignes au plus.".replace(
            "_", "\u202f"
        )
    )


def check_width(width):
    if width > settings.IMPORT_MAX_COLUMNS:
        raise FileProblem(
            f"Ce fichier a plus de {settings.IMPORT_MAX_COLUMNS} colonnes : "
            "vérifiez qu'il s'agit bien d'un export de l'annuaire."
        )


class Deadline:
    """Raises FileProblem once IMPORT_MAX_SECONDS have passed since it was made."""

    def __init__(self):
        self.ends_at = time.monotonic() + settings.IMPORT_MAX_SECONDS

    @property
    def expired(self):
        return time.monotonic() > self.ends_at

    def check(self):
        if self.expired:
            seconds = settings.IMPORT_MAX_SECONDS
            raise FileProblem(
                f"L'importation a été arrêtée au bout de {seconds} {plural_fr(seconds, 'seconde', 'secondes')}, "
                "rien n'a été enregistré : découpez le fichier en fichiers plus petits."
            )


def import_folder():
    folder = Path(settings.IMPORT_TEMP_DIR or Path(tempfile.gettempdir()) / "spro-imports")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def purge_old_files(folder):
    limit = time.time() - settings.IMPORT_FILE_MAX_AGE_SECONDS
    for path in folder.iterdir():
        try:
            if path.stat().st_mtime < limit:
                path.unlink()
        except FileNotFoundError:  # removed meanwhile by another request
            continue


class ImportFileStorage(BaseStorage):
    """django-import-export's storage of the file between the dry run and the confirmation."""

    def _path(self):
        if not _NAME.match(self.name or ""):
            raise FileProblem("Ce fichier d'importation n'existe plus : recommencez l'importation.")
        return import_folder() / self.name

    def save(self, data):
        folder = import_folder()
        purge_old_files(folder)
        self.name = uuid.uuid4().hex
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
        with os.fdopen(os.open(folder / self.name, flags, 0o600), "wb") as file:
            file.write(data if isinstance(data, bytes) else data.encode(self.encoding or "utf-8"))

    def read(self):
        try:
            with open(self._path(), "rb") as file:
                data = file.read()
        except FileNotFoundError:
            raise FileProblem("Ce fichier d'importation n'existe plus : recommencez l'importation.") from None
        return data if "b" in self.read_mode else data.decode(self.encoding or "utf-8")

    def remove(self):
        self._path().unlink(missing_ok=True)
