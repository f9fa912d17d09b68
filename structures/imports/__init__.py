"""Import and export of the directory (django-import-export), in the back office.

Column names are stable and documented in the README (« Import et export »). A file is always
read first as a dry run that changes nothing and lists every rejected row with its line number
and the reason in French; applying it is all or nothing (one transaction, rolled back at the
first rejected row). Unchanged rows are skipped, so re-importing the same file changes nothing,
and an export re-imports to an identical database.

Order for a whole registry: structures, then points, then hours (each names the previous one).

    files.py    CSV and XLSX files, read within limits (limits.py)
    cells.py    what a cell may hold, read and written
    base.py     what every resource shares (French problems, all-or-nothing)
    records.py  structures and reception points
    hours.py    opening hours
"""

from structures.imports.files import FORMATS
from structures.imports.hours import OpeningHoursResource
from structures.imports.records import ReceptionPointResource, StructureResource

__all__ = ["FORMATS", "OpeningHoursResource", "ReceptionPointResource", "StructureResource"]
