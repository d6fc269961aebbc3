from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ingest.domain.identifiers import gtin_check_digit, is_valid_gtin, normalize_code, normalize_gtin
from ingest.domain.uom import canonical_uom


@pytest.mark.parametrize(
    "value", ["036000291452", "0036000291452", "00036000291452", "4006381333931", "96385074"]
)
def test_valid_gtins(value: str) -> None:
    assert is_valid_gtin(value)


@pytest.mark.parametrize("value", ["036000291453", "12345", "abcdefghijkl", "717119.837242"])
def test_invalid_gtins(value: str) -> None:
    assert not is_valid_gtin(value)


def test_upc_and_ean_normalize_to_the_same_key() -> None:
    assert normalize_gtin("036000291452") == normalize_gtin("0036000291452") == "00036000291452"
    assert normalize_gtin("0360-0029-1452") == "00036000291452"
    assert normalize_gtin("036000291453") is None


@given(st.text(alphabet="0123456789", min_size=11, max_size=13))
def test_check_digit_makes_valid_gtin(body: str) -> None:
    assert is_valid_gtin(body + str(gtin_check_digit(body)))


def test_normalize_code() -> None:
    assert normalize_code(" fas-10024 zp ") == "FAS10024ZP"


@pytest.mark.parametrize(
    ("word", "code"),
    [
        ("each", "EA"),
        ("Cases", "CA"),
        ("cs", "CA"),
        ("box", "BX"),
        ("Dozen", "DZ"),
        ("pk", "PK"),
        ("EA", "EA"),
        ("Xy", "XY"),
    ],
)
def test_uom_words(word: str, code: str) -> None:
    assert canonical_uom(word) == code


def test_unknown_uom_word_is_an_error() -> None:
    with pytest.raises(ValueError, match="unknown unit"):
        canonical_uom("bushels of apples")
