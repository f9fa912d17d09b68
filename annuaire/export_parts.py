"""The parts of a full export kept from one version of the data to the next (issue 23, docs/adr/0017).

A change touches a few points, yet the next full export read every point's stored line from the
database again (annuaire/export_rows.py). Beside each stored export (annuaire/exports.py) its lines
are now kept cut into parts: the points of a range of `SPAN` ids, compressed on their own, with a
digest of which points they hold and of the revision of each one's line (`ExportRow.revision`,
drawn again whenever a line is written). The next export reads the ids and revisions of its points,
in its own snapshot, and takes from the kept file each part whose digest has not changed; it reads
the others' lines from the database. A line that is not current in the snapshot has no revision:
its part is read, and never taken again.

The file: the parts' gzip members one after the other, then their table (JSON: the code that wrote
them, and for each part its key, digest, offset and length), then the table's offset (8 bytes).
Written beside and renamed, by one process at a time: it appears whole or not at all.
"""

import hashlib
import json
import os
from array import array
from contextlib import contextmanager
from itertools import chain, groupby

from isal import igzip

from annuaire.exports import COMPRESS_LEVEL, exclusive

# Ids per part: at demo scale 100 (115,000 points) about 120 parts of 0.5 to 2.5 MB of text.
SPAN = 1000
# The revision of a line that is not current.
NOT_CURRENT = -1
TABLE_OFFSET = 8


def parts(pairs):
    """(key, digest, count) of each part of `pairs` ((id, revision) in id order); no digest (None)
    for a part holding a line that is not current."""
    for key, group in groupby(pairs, key=lambda pair: pair[0] // SPAN):
        group = list(group)
        if any(revision == NOT_CURRENT for _, revision in group):
            yield key, None, len(group)
        else:
            numbers = array("q", chain.from_iterable(group)).tobytes()
            yield key, hashlib.blake2b(numbers, digest_size=16).hexdigest(), len(group)


def compress(lines):
    return igzip.compress(lines, COMPRESS_LEVEL)


def decompress(compressed):
    return igzip.decompress(compressed)


class Kept:
    """The parts kept at `path` by code of the same `form`, read in place; none if there is no such
    file or it cannot be read."""

    def __init__(self, path, form):
        self.table, self.handle = {}, None
        try:
            handle = open(path, "rb")  # noqa: SIM115 (closed by `close`)
        except OSError:
            return
        try:
            handle.seek(-TABLE_OFFSET, os.SEEK_END)
            end = handle.tell()
            start = int.from_bytes(handle.read(TABLE_OFFSET), "little")
            handle.seek(start)
            table = json.loads(handle.read(end - start))
            if table["form"] == form:
                self.table = {key: (digest, offset, length) for key, digest, offset, length in table["parts"]}
                self.handle = handle
        except (OSError, ValueError, KeyError, TypeError):
            pass
        if self.handle is None:
            handle.close()

    def has(self, part):
        """Whether `part` (key, digest, count) is kept as it is now."""
        key, digest, _ = part
        return digest is not None and self.table.get(key, (None,))[0] == digest

    def get(self, key):
        """The compressed lines of part `key`."""
        _, offset, length = self.table[key]
        self.handle.seek(offset)
        return self.handle.read(length)

    def close(self):
        if self.handle is not None:
            self.handle.close()


class Keeper:
    """The parts of the export being written, for the next one: `add` each, then `finish`."""

    def __init__(self, path, form):
        self.path, self.form = path, form
        self.temporary = path.parent / f"{path.name}.{os.getpid()}.tmp"
        self.output = open(self.temporary, "wb")  # noqa: SIM115 (closed by `finish` or `discard`)
        self.table = []

    def add(self, key, digest, compressed):
        if digest is not None:
            self.table.append((key, digest, self.output.tell(), len(compressed)))
        self.output.write(compressed)

    def finish(self):
        start = self.output.tell()
        self.output.write(json.dumps({"form": self.form, "parts": self.table}).encode())
        self.output.write(start.to_bytes(TABLE_OFFSET, "little"))
        self.output.close()
        os.replace(self.temporary, self.path)

    def discard(self):
        self.output.close()
        self.temporary.unlink(missing_ok=True)


@contextmanager
def keeping(path, form):
    """(kept, keeper): the parts kept at `path`, and what keeps this export's parts there once it is
    whole (None while another process writes them). An export left unfinished keeps nothing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    kept = Kept(path, form)
    try:
        with exclusive(path.with_name(f"{path.name}.lock")) as taken:
            keeper = Keeper(path, form) if taken else None
            try:
                yield kept, keeper
            except BaseException:
                if keeper is not None:
                    keeper.discard()
                raise
            if keeper is not None:
                keeper.finish()
    finally:
        kept.close()
