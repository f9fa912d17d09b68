"""Each point's lines of the full exports, stored, and written again only when what they say changes
(issue 23, docs/adr/0017).

An export spent most of its time writing each point's line: the same work for every export of
every version, though a change touches a few points. Each published point's line in the points'
CSV, in their GeoJSON and in the data·inclusion services is stored (annuaire.models.ExportRow),
written by the same shapes; an export reads them as one column of its own search (its filters and
its order), as fast as a plain read of the points.

A stored line is current while:
- no change of its point, its hours, its closures, its structure or its host structure has marked
  it (structures.signals.records_changed, in the transaction of the change: `mark_rows`);
- its generation is the current one: a change that may touch every point (a network, a
  vocabulary, a commune, a bulk import) raises it (`ExportGeneration`);
- it was written by this code (`FORM`, a digest of the modules that write lines);
- no closure it mentions has ended (`valid_until`).
The site's address is stored as a mark (`ROOT`) replaced by the request's own.

Before an export, `refresh()` writes the lines that are not current, 2,000 points per transaction.
A change committed while a chunk was read makes the chunk's write fail (a serialisation failure on
PostgreSQL, a busy snapshot on SQLite), and the export then finds those lines out of date in its
own snapshot: it writes them itself (`stream`), never a stale one.
"""

import hashlib
import logging
import secrets
from dataclasses import dataclass
from itertools import chain, groupby, islice, repeat
from pathlib import Path
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DatabaseError, connection
from django.db.models import BigIntegerField, Case, F, Q, TextField, Value, When
from django.utils import timezone
from psycopg import ClientCursor

from annuaire import data_inclusion, export_parts, opendata
from annuaire.exports import snapshot
from annuaire.models import ExportGeneration, ExportRow
from annuaire.shapes.directory import POINT, point_feature
from annuaire.shapes.fields import context
from annuaire.shapes.records import AREA, point_records
from structures.hours.osm import osm_valid_until
from structures.models import ReceptionPoint

logger = logging.getLogger(__name__)

# Stands for the site's address (scheme and host) in a stored line; `.invalid` is a name no
# address can have (RFC 2606).
ROOT = "https://racine-du-site.invalid"
CHUNK_SIZE = 2000
# Lines written per statement (a statement of 2,000 lines held some 16 MB of text several times).
WRITE_BATCH = 250
LINES_PER_CHUNK = 500
_HERE = Path(__file__).resolve().parent
# The modules whose code writes a line: a change of one of them writes every line again.
WRITERS = [
    _HERE / "export_rows.py",
    _HERE / "opendata.py",
    _HERE / "data_inclusion.py",
    *sorted((_HERE / "shapes").glob("*.py")),
    _HERE.parent / "structures" / "hours" / "osm.py",
    _HERE.parent / "structures" / "hours" / "formats.py",
]
FORM = hashlib.sha256(b"".join(path.read_bytes() for path in WRITERS)).hexdigest()[:16]


@dataclass(frozen=True)
class Line:
    """One kind of stored line: its column, what is written between two lines, and `writer()`, which
    makes a function that writes a point's line (one per export: a CSV writer keeps a buffer)."""

    column: str
    between: str
    writer: Any


def _feature_writer():
    return lambda point, shape_context: opendata.encode_json(point_feature(point, shape_context))


def _services_writer():
    def write(point, shape_context):
        return ",".join(map(opendata.encode_json, data_inclusion.point_services(point, shape_context)))

    return write


LINES = (
    Line("csv", "", lambda: opendata.csv_line(POINT)),
    Line("feature", ",", _feature_writer),
    Line("services", ",", _services_writer),
)
CSV, FEATURE, SERVICES = LINES


def stored_context(today):
    return context(absolute=ROOT.__add__, today=today)


def current_line(generation, today):
    """A point whose stored lines are current (false, or unknown, when it has none)."""
    return Q(export_row__generation=generation, export_row__form=FORM) & (
        Q(export_row__valid_until__isnull=True) | Q(export_row__valid_until__gt=today)
    )


def out_of_date(points, generation, today):
    """The points of `points` whose stored lines are missing or not current. Their line is joined
    by its key, then tested: with a subquery of the current lines (NOT IN, NOT EXISTS), PostgreSQL,
    misled by the statistics of a table being written, compared every point with every line."""
    return points.exclude(current_line(generation, today))


def written_rows(points, generation, today):
    """The rows of `points` (a queryset), written now, with a new revision."""
    shape_context = stored_context(today)
    writers = {line.column: line.writer() for line in LINES}
    revision = secrets.randbits(62) + 1
    for point in point_records(points, structure_relations=AREA):
        yield ExportRow(
            point_id=point.id,
            generation=generation,
            form=FORM,
            valid_until=osm_valid_until(point.closures.all(), today),
            revision=revision,
            **{column: write(point, shape_context) for column, write in writers.items()},
        )


def refresh(points):
    """Write the stored lines of `points` (a queryset) that are not current: found in one query,
    then written 2,000 points per transaction, each read and written in one snapshot."""
    today = timezone.localdate()
    ids = sorted(out_of_date(points, ExportGeneration.current(), today).order_by().values_list("pk", flat=True))
    for start in range(0, len(ids), CHUNK_SIZE):
        try:
            with snapshot():
                generation = ExportGeneration.current()
                chunk = ReceptionPoint.objects.filter(pk__in=ids[start : start + CHUNK_SIZE]).order_by("pk")
                ExportRow.objects.bulk_create(
                    written_rows(chunk, generation, today),
                    batch_size=WRITE_BATCH,
                    update_conflicts=True,
                    unique_fields=["point"],
                    update_fields=["generation", "form", "valid_until", "revision", *(line.column for line in LINES)],
                )
        except DatabaseError:
            # A change committed meanwhile: the export writes those lines itself (`stream`).
            logger.info("Lignes d'export non enregistrées : les données ont changé pendant leur écriture.")
            return


def stream(points, line, root, start="", end="", parts=None):
    """`start`, the lines of `points` (a queryset, in its order) with `line.between` between them,
    `end`, as bytes. Runs in the export's snapshot (annuaire.exports), after `refresh(points)`: a
    line that is not current in this snapshot (a change committed meanwhile) is written here, never
    read. A full export (`parts`: where its parts are kept, annuaire.export_parts) takes what has
    not changed since the last one from there."""
    today, generation = timezone.localdate(), ExportGeneration.current()
    current = current_line(generation, today)
    rows = points.prefetch_related(None).annotate(
        text=Case(When(current, then=F(f"export_row__{line.column}")), output_field=TextField()),
        stale=Case(When(current, then=None), default=F("pk"), output_field=BigIntegerField()),
        line_revision=Case(
            When(current, then=F("export_row__revision")),
            default=Value(export_parts.NOT_CURRENT),
            output_field=BigIntegerField(),
        ),
    )
    read = _copied_lines if connection.vendor == "postgresql" else _read_lines
    fresh = _fresh_lines(line, stored_context(today))
    if parts is not None and points.query.order_by == ("pk",):
        chunks = _kept_or_read(rows, line, fresh, read, parts)
    else:
        chunks = read(rows, line, fresh)
    marks = (ROOT.encode(), root.encode())
    if start:
        yield start.encode()
    # Each chunk's lines are each followed by `line.between`: but the last line, held back until
    # the end is known.
    last = None
    for lines in chunks:
        if last is not None:
            yield last
        last = lines.replace(*marks)
    if last is not None:
        yield last.removesuffix(line.between.encode())
    if end:
        yield end.encode()


def _fresh_lines(line, shape_context):
    """A function that writes the lines of the points of some ids, now: {id: line}."""
    write = line.writer()

    def lines(ids):
        points = ReceptionPoint.objects.filter(pk__in=ids)
        return {point.id: write(point, shape_context) for point in point_records(points, structure_relations=AREA)}

    return lines


def _kept_or_read(rows, line, fresh, read, path):
    """The lines of `rows` (in id order) part by part (annuaire.export_parts): each run of parts
    kept unchanged at `path` taken from there, each run of the others read in one query; all kept
    there for the next export."""
    pairs = rows.values_list("pk", "line_revision").iterator(chunk_size=CHUNK_SIZE)
    with export_parts.keeping(path, FORM) as (kept, keeper):
        for found, run in groupby(list(export_parts.parts(pairs)), key=kept.has):
            run = list(run)
            if found:
                for key, digest, _ in run:
                    compressed = kept.get(key)
                    if keeper is not None:
                        keeper.add(key, digest, compressed)
                    yield export_parts.decompress(compressed)
                continue
            span = rows.filter(pk__gte=run[0][0] * export_parts.SPAN, pk__lt=(run[-1][0] + 1) * export_parts.SPAN)
            for (key, digest, _), lines in zip(run, read(span, line, fresh, [count for *_, count in run]), strict=True):
                if keeper is not None:
                    keeper.add(key, digest, export_parts.compress(lines))
                yield lines


def _read_lines(rows, line, fresh, sizes=None):
    """The lines of `rows` (annotated with their stored `text` if current, else their `stale` id),
    `sizes` at a time (LINES_PER_CHUNK by default), each followed by `line.between`."""
    rows = rows.values_list("text", "stale").iterator(chunk_size=CHUNK_SIZE)
    for size in repeat(LINES_PER_CHUNK) if sizes is None else sizes:
        if not (chunk := list(islice(rows, size))):
            break
        if stale := [pk for text, pk in chunk if text is None]:
            written = fresh(stale)
            chunk = [(written[pk] if text is None else text, pk) for text, pk in chunk]
        yield "".join(text + line.between for text, _ in chunk).encode()


# PostgreSQL's COPY in text format: each row ends with a newline, NULL is \N, and a backslash, a
# newline, a carriage return, a tab (and \b, \f, \v) in a value are written as two characters
# (never in octal: COPY TO does not). So a newline in the stream always ends a row.
COPY_ESCAPES = [(b"\\n", b"\n"), (b"\\r", b"\r"), (b"\\t", b"\t"), (b"\\b", b"\b"), (b"\\f", b"\f"), (b"\\v", b"\v")]
STALE_ROW = b"\\N\n"  # no current line


def _copied_text(rows, between):
    """COPY's `rows` (text format, one column) as the lines they hold, each followed by `between`."""
    # An escaped backslash first set apart (PostgreSQL's text never holds a NUL): every backslash
    # left then begins an escape.
    if backslashes := b"\\\\" in rows:
        rows = rows.replace(b"\\\\", b"\0")
    # Lines of the CSV end with an escaped CR LF, then the row's end: both in one pass when every row
    # ends so (each one then shorter by the same length), else each row's end.
    joined = None
    if rows.endswith(b"\\r\\n\n"):
        ends, joined = rows.count(b"\n"), rows.replace(b"\\r\\n\n", b"\r\n" + between)
        if len(rows) - len(joined) != ends * (3 - len(between)):
            joined = None
    rows = rows.replace(b"\n", between) if joined is None else joined
    if b"\\" in rows:
        for escape, char in COPY_ESCAPES:
            rows = rows.replace(escape, char)
    return rows.replace(b"\0", b"\\") if backslashes else rows


def _copied_lines(rows, line, fresh, sizes=None):
    """On PostgreSQL the same lines, read by `COPY … TO STDOUT`: the database writes the next ones
    while these are sent (a cursor waits for each fetch), and they stay bytes. A stale line (a
    change committed after `refresh`) cannot be written while the copy runs: the copy is read to
    its end and the rest of the lines, from that row on, are read as on SQLite (same snapshot, same
    order)."""
    try:
        sql, params = rows.values_list("text").query.sql_with_params()
    except EmptyResultSet:  # a search that can match nothing
        return
    between = line.between.encode()
    sizes = iter(repeat(LINES_PER_CHUNK) if sizes is None else sizes)
    done, stale = 0, None
    with connection.cursor() as cursor:
        # Django's cursor runs (and, while queries are counted, logs) a COPY given as one statement.
        statement = ClientCursor(cursor.connection).mogrify(f"COPY ({sql}) TO STDOUT", params)
        with cursor.copy(statement) as copy:
            # PostgreSQL sends a message per row (always one, says its protocol).
            blocks = iter(copy)
            for size in sizes:
                if not (data := b"".join(islice(blocks, size))):
                    break
                if data.startswith(STALE_ROW) or b"\n" + STALE_ROW in data:
                    stale = size
                    break
                done += size
                yield _copied_text(data, between)
            # Read to its end (the rest of the rows after a stale one; else none): the connection
            # is free only then.
            for _ in blocks:
                pass
    if stale is not None:
        yield from _read_lines(rows[done:], line, fresh, chain([stale], sizes))


def site_root(request):
    """The scheme and host of the request: what `ROOT` stands for."""
    return request.build_absolute_uri("/").removesuffix("/")


def mark_rows(sender, points, structures, everything, **kwargs):
    """When records change (structures.signals.records_changed, inside the change's transaction):
    the lines of the points they touch are marked to be written again, those of deleted points
    deleted; a change that may touch every point raises the generation."""
    if everything:
        ExportGeneration.advance()
        return
    if not (points or structures):
        return
    touched = Q(pk__in=points) | Q(structure__in=structures) | Q(host_structure__in=structures)
    ids = set(ReceptionPoint.objects.filter(touched).values_list("pk", flat=True))
    if deleted := set(points) - ids:
        ExportRow.objects.filter(point__in=deleted).delete()
    ExportRow.objects.bulk_create(
        [ExportRow(point_id=pk, generation=0) for pk in sorted(ids)],
        update_conflicts=True,
        unique_fields=["point"],
        update_fields=["generation"],
    )
