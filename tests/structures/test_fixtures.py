import hashlib
import re
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CHECKSUM_LINE = re.compile(r"^([0-9a-f]{64})  (\S+)$", re.MULTILINE)


def documented_checksums():
    return CHECKSUM_LINE.findall((FIXTURES / "README.md").read_text(encoding="utf-8"))


def test_every_data_file_is_documented():
    documented = {name for _, name in documented_checksums()}
    assert documented == {path.name for path in FIXTURES.glob("*.csv")}


@pytest.mark.parametrize(("checksum", "name"), documented_checksums())
def test_data_files_match_their_documented_source(checksum, name):
    assert hashlib.sha256((FIXTURES / name).read_bytes()).hexdigest() == checksum
