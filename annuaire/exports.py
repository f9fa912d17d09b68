"""Full exports written once per version of the data (issue 23, docs/adr/0017).

A full export (no filter: every published point as CSV or GeoJSON, the structures' CSV, the
data·inclusion files) is the same for everyone until the data changes. The first request after a
change streams it as before and, at the same time, writes it gzip-compressed to a file of this
machine (EXPORT_DIR), named after the version of the data it was read in; every later request is
served from that file (no SQL, no serialisation), compressed for clients that accept gzip. While
one worker writes the new file, the others serve the previous one if there is one. The points'
full exports also keep their lines in parts for the next version (annuaire/export_parts.py: `parts`,
`parts_of`).

Every export, stored or filtered, reads its rows in one snapshot of the database (`snapshot`):
a change committed while it streams is not half in it.

    @open_data(export=True)
    @stored_export(params={"separateur"})
    def points_csv(request): ...
"""

import fcntl
import hashlib
import json
import os
from contextlib import contextmanager
from datetime import UTC, datetime
from email.utils import format_datetime
from functools import wraps
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from isal import igzip, igzip_threaded

from annuaire.caching import accepts_gzip, data_version
from structures.models import DataVersion

# Part of every file's name: a change of what an export holds (its columns) makes new files.
EXPORT_FORMAT = "1"
CHUNK = 64 * 1024
COMPRESS_LEVEL = 1
KEPT_HEADERS = ("Content-Type", "Content-Disposition")


@contextmanager
def snapshot():
    """One consistent view of the database for a whole export; yields the version of the data it
    shows. On PostgreSQL a REPEATABLE READ transaction (its first statement fixes what it sees); on
    SQLite a read transaction, during which no write can be committed. Inside a transaction
    already begun (a test's), that transaction is the snapshot."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # An export reads to the end: planned for the whole result rather than its first rows.
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SET LOCAL cursor_tuple_fraction = 1")
        yield DataVersion.current()


def consistent(chunks):
    """The chunks of a streamed export, produced inside one snapshot."""
    with snapshot():
        yield from chunks


@contextmanager
def exclusive(path):
    """This machine's lock of `path`: yields whether it was taken (another process holds it
    otherwise). The system frees it if the process dies."""
    with open(path, "a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class Store:
    """The files of one export (a view and its parameters, on this host): one per version of the data."""

    def __init__(self, request, name, params):
        parts = [EXPORT_FORMAT, name, request.scheme, request.get_host(), *sorted(params.items())]
        self.stem = f"{name}-{hashlib.sha256(repr(parts).encode()).hexdigest()[:20]}"
        self.folder = Path(settings.EXPORT_DIR)

    def path(self, version):
        serial, changed_at = version
        today = timezone.localdate().strftime("%Y%m%d")
        return self.folder / f"{self.stem}-{serial}-{changed_at.timestamp():.6f}-{today}.gz"

    def versions(self):
        """The files of this export, newest version first."""
        return sorted(self.folder.glob(f"{self.stem}-*.gz"), key=version_of, reverse=True)

    def lock(self):
        """This machine's lock on writing this export (`exclusive`)."""
        self.folder.mkdir(parents=True, exist_ok=True)
        return exclusive(self.folder / f"{self.stem}.lock")

    def parts(self):
        """Where the parts of this export are kept for the next version (annuaire/export_parts.py)."""
        return self.folder / f"{self.stem}.parts"

    def being_written(self):
        with self.lock() as taken:
            return not taken

    def tee(self, chunks, headers):
        """Stream `chunks` (read in one snapshot) and write them to this export's file for the version
        they were read in, unless another worker is writing it. The file appears whole or not at all."""
        with self.lock() as taken, snapshot() as version:
            if not taken:
                yield from chunks
                return
            final = self.path(version)
            temporary = final.parent / f"{final.name}.{os.getpid()}.tmp"
            try:
                # Compressed and written by another thread (igzip_threaded: ISA-L works without the
                # interpreter's lock) while the next chunk is made, at its fastest level: with zlib,
                # even at its fastest level, compressing took longer than reading the stored lines.
                with igzip_threaded.open(temporary, "wb", compresslevel=COMPRESS_LEVEL, threads=1) as output:
                    for chunk in chunks:
                        output.write(chunk)
                        yield chunk
                final.with_suffix(".json").write_text(json.dumps(headers))
                os.replace(temporary, final)
            finally:
                temporary.unlink(missing_ok=True)
        for older in self.versions():
            if older != final:
                older.unlink(missing_ok=True)
                older.with_suffix(".json").unlink(missing_ok=True)


def version_of(path):
    """(serial, time) from a file's name: …-<serial>-<timestamp>-<yyyymmdd>.gz."""
    serial, timestamp, _ = path.stem.rsplit("-", 3)[-3:]
    return int(serial), float(timestamp)


def uncompressed(path):
    with igzip.open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            yield chunk


def file_response(request, path, previous=False):
    """The stored export, compressed for a client that accepts gzip, uncompressed otherwise. The
    current version gets the ETag and Last-Modified of every open-data answer (annuaire.opendata);
    a previous one, served while the new one is written, those of the version it holds."""
    headers = json.loads(path.with_suffix(".json").read_text())
    if accepts_gzip(request):
        response = FileResponse(open(path, "rb"))  # noqa: SIM115 (FileResponse closes it)
        response["Content-Encoding"] = "gzip"
    else:
        response = StreamingHttpResponse(uncompressed(path))
    response.headers.pop("Content-Disposition", None)
    for name, value in headers.items():
        response[name] = value
    patch_vary_headers(response, ["Accept-Encoding"])
    if previous:
        _, timestamp = version_of(path)
        response["ETag"] = f'"{path.stem}"'
        response["Last-Modified"] = format_datetime(datetime.fromtimestamp(timestamp, UTC), usegmt=True)
    return response


def stored_export(params=()):
    """A view of an export (a streaming response) whose full version, asked with at most `params`,
    is written once per version of the data and then served from its file."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if set(request.GET) - set(params) or args or kwargs:
                return streamed(view(request, *args, **kwargs))
            store = Store(request, view.__name__, {key: request.GET[key] for key in params if key in request.GET})
            current = store.path(data_version(request))
            if current.exists():
                return file_response(request, current)
            files = store.versions()
            if files and store.being_written():
                return file_response(request, files[0], previous=True)
            request.export_parts = store.parts()
            response = view(request, *args, **kwargs)
            if response.status_code != 200 or not response.streaming:
                return response
            headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
            response.streaming_content = store.tee(response.streaming_content, headers)
            return response

        return wrapper

    return decorator


def parts_of(request):
    """Where a full export being written keeps its parts (`stored_export`), None for a filtered one."""
    return getattr(request, "export_parts", None)


def streamed(response):
    """A filtered export: streamed in one snapshot."""
    if response.status_code == 200 and response.streaming:
        response.streaming_content = consistent(response.streaming_content)
    return response
