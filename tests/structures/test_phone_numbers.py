"""French phone numbers (structures/validators.py): a number written the usual way is read as
phonenumbers itself reads it, valid or not."""

import phonenumbers
from hypothesis import given
from hypothesis import strategies as st

from structures.validators import FRANCE_CALLING_CODE, format_french_phone, parse_french_phone

SEPARATORS = st.sampled_from(["", " ", ".", "-", "  ", "/"])


def read_by_phonenumbers(value):
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return None
    if number.country_code != FRANCE_CALLING_CODE or not phonenumbers.is_valid_number(number):
        return None
    return number


@given(
    first=st.integers(0, 9),
    pairs=st.lists(st.integers(0, 99), min_size=3, max_size=5),
    separators=st.lists(SEPARATORS, min_size=5, max_size=5),
)
def test_a_number_in_pairs_of_digits_is_read_as_phonenumbers_reads_it(first, pairs, separators):
    value = f"0{first}" + "".join(f"{separator}{pair:02d}" for separator, pair in zip(separators, pairs, strict=False))
    assert parse_french_phone(value) == read_by_phonenumbers(value)


def test_usual_numbers_and_others():
    assert parse_french_phone("04 72 00 00 00") == phonenumbers.PhoneNumber(country_code=33, national_number=472000000)
    assert parse_french_phone("04.72.00.00.00") == parse_french_phone("+33 4 72 00 00 00")
    assert parse_french_phone("0472000000").national_number == 472000000
    assert parse_french_phone("04 72 00 00") is None  # a pair missing
    assert parse_french_phone("00 72 00 00 00") is None
    assert parse_french_phone("+41 22 123 45 67") is None
    assert format_french_phone("04-72-00-00-00") == "04 72 00 00 00"
