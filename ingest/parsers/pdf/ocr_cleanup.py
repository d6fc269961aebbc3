"""Generic clean-up of OCR words, by the shape of each token (never a list of expected values).

Applied to OCR pages only (``ocr.py`` calls :func:`clean_page_words`):

* words that are only ruling or noise glyphs ("|", "[", "_", "—", ".") are dropped;
* ruling glyphs stuck to either end of a token are stripped ("|ELE-50048", "25|", "~FAS-1");
* a token that is mostly digits gets its letter look-alikes turned into digits when that makes a
  number parse ("1O0" -> "100", "4l.50" -> "41.50"), and a decimal point read as a colon is fixed
  ("233:20" -> "233.20", "1,439:40" -> "1,439.40");
* inside an upper-case alphanumeric code with hyphens ("FAS-10072-2P"), a digit in a segment of
  letters becomes the letter it looks like (2->Z, 5->S, 0->O, 1->I, 8->B) and a letter in a
  segment of digits becomes the digit ("FAS-1OO72" -> "FAS-10072"); a lower-case letter among
  upper-case ones is upper-cased ("FAs" -> "FAS");
* an inch mark read as a curly quote after a number, or as "*" or a degree sign after a fraction,
  becomes a plain double quote ("1/4”", "1/2*", "1/2°-13"); "90°" and "2*" keep their text, but
  not after an "x" (a size: "#8-32 x 1°", "x 2*");
* a degree sign or "*" stuck to the end of a part code is dropped ("JAN-40035°"), and a "§"
  among its digits is a 5 ("ELE-§0014", "§99.70");
* between two words of a line, a dash is text ("Plated - RoHS") and a "|" as tall as the
  capitals beside it is the letter I ("Type | Ratchet").

Description words ("Hi-Vis", "2XL", "18-8", '1/4"-20', "Plated") keep their text.

:func:`fix_identifier` is not applied to every word: the header reader uses it on the PO number
read from an OCR page, where a letter prefix before a run of digits is where O and 0 get mixed up
("POO00022", "PQ000021", "Po000010").
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.parsers.pdf.model import Word

RULING = "|[]{}_~`\u2018\u2019\u00a6"
_NOISE = re.compile(r"[|\[\]{}_~`\u2018\u2019\u00a6\u2014\u2013\-+=.,;:'\"*!/\\<>()]+")
_LEADING = re.compile(r"^[.,;:'`~/\\\-]+(?=[A-Za-z0-9#$])")
_TO_DIGIT = str.maketrans(
    {"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "\u00a7": "5", "B": "8"}
)
_TO_LETTER = str.maketrans({"2": "Z", "5": "S", "0": "O", "1": "I", "8": "B"})
_SEGMENT_TO_DIGIT = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"})
_NUMBER = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?")
_CODE = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)+")
# an inch mark read as a curly quote after any number, or as "*" or a degree sign after a
# fraction ("1/2*", "1/2\u00b0-13"); a whole number's "*" may be an asterisk, its "\u00b0" degrees
_CURLY_INCH = re.compile(r"(?<=\d)[\u201c\u201d]")
_SIZE_INCH = re.compile(r"(\d+(?:\.\d+)?)[*\u00b0]")  # after "x": "1°", "2*", "1.5°"
_CODE_SPECK = re.compile(r"([A-Z]{2,}(?:-[A-Z0-9]+)+)[*\u00b0]")
_SECTION_FIVE = re.compile(r"(?<=[-0-9])\u00a7(?=[0-9])")  # "ELE-§0014": a 5 read as "§"
_TIMES = frozenset({"x", "X", "\u00d7"})
_FRACTION_INCH = re.compile(r"(?<=\d/\d)[*\u00b0](?=$|-)|(?<=\d/\d\d)[*\u00b0](?=$|-)")


def is_noise(text: str) -> bool:
    """Only ruling glyphs and punctuation: nothing a reader could use."""
    return bool(_NOISE.fullmatch(text))


def strip_ruling(text: str) -> str:
    """``text`` without ruling glyphs at either end and stray punctuation before its first
    letter or digit ("|ELE-50048" -> "ELE-50048", "25|" -> "25", "~FAS-1" -> "FAS-1")."""
    text = text.strip(RULING)
    return _LEADING.sub("", text)


def fix_number(text: str) -> str:
    """A mostly-digit token made a number: colon decimal point and letter look-alikes."""
    if re.fullmatch(r"\d{1,3}(,\d{3})*[:;]\d{2,4}", text):
        return re.sub(r"[:;]", ".", text)
    digits = sum(c.isdigit() for c in text)
    if digits == 0 or digits * 2 < len(text.replace(",", "").replace(".", "")):
        return text
    if _NUMBER.fullmatch(text):
        return text
    if not re.fullmatch(r"[\dOoDlIS\u00a7|B.,]+", text) or ("\u00a7" in text and digits < 3):
        return text  # "§5" may be a section
    fixed = text.translate(_TO_DIGIT)
    return fixed if _NUMBER.fullmatch(fixed) else text


_IDENTIFIER = re.compile(r"([A-Za-z]+)([-/.]?)([A-Za-z0-9]*\d[A-Za-z0-9]*)")
_PREFIX_DIGIT = frozenset("OQDILSB")  # upper-case letters a digit is read as (0, 1, 5, 8)
_IDENT_TO_DIGIT = str.maketrans(
    {"O": "0", "o": "0", "Q": "0", "D": "0", "I": "1", "l": "1", "L": "1", "S": "5", "B": "8"}
)


def fix_identifier(text: str) -> str:
    """An identifier read by OCR as a letter prefix and a number, its O/0 (and I/1, S/5, B/8)
    confusions undone ("POO00022" -> "PO000022", "PQ000021" -> "PO000021", "Po000010" ->
    "PO000010", "PO0O0022" -> "PO000022").

    The prefix is its letters up to and including the first that looks like a digit (the "O" of
    "PO"); look-alike letters after that, up to the digits, belong to the number. In the number,
    mostly digits, look-alike letters are digits. A prefix that starts with a look-alike ("DO",
    "SO") or holds another letter after one ("ABC") keeps its letters; a lower-case word is left
    alone."""
    m = _IDENTIFIER.fullmatch(text)
    if m is None or not m[1][0].isupper():
        return text
    letters, sep, number = m[1].upper(), m[2], m[3]
    digits = sum(c.isdigit() for c in number)
    if digits < 3 or digits <= len(number) - digits:
        return text
    number = number.translate(_IDENT_TO_DIGIT)
    if not number.isdigit():
        return text
    plain = next((i for i, c in enumerate(letters) if c in _PREFIX_DIGIT), len(letters))
    if 0 < plain < len(letters) - 1 and not sep and set(letters[plain + 1 :]) <= _PREFIX_DIGIT:
        number = letters[plain + 1 :].translate(_IDENT_TO_DIGIT) + number
        letters = letters[: plain + 1]
    if 0 < plain == len(letters) - 1 and letters[plain] == "Q":
        letters = letters[:plain] + "O"  # "PQ": the prefix's O with a speck under it
    return f"{letters}{sep}{number}"


def fix_inches(text: str) -> str:
    """An inch mark misread after a number made a plain double quote ("1/4\u201d" -> '1/4"',
    "1/2*" -> '1/2"', "1/2\u00b0-13" -> '1/2"-13')."""
    return _FRACTION_INCH.sub('"', _CURLY_INCH.sub('"', text))


def _segment(segment: str) -> str:
    letters = sum(c.isalpha() for c in segment)
    digits = sum(c.isdigit() for c in segment)
    if letters and digits and len(segment) >= 2:
        if digits == 1 and letters >= 1 and not segment[-1].isdigit():
            return segment.translate(_TO_LETTER)  # "2P", "F5S"; "A1" may be a real suffix
        if digits > letters and letters == 1 and len(segment) >= 3:
            return segment.translate(_SEGMENT_TO_DIGIT)
    return segment


def fix_code(text: str) -> str:
    """An upper-case alphanumeric code with hyphens, its segments made all letters or all digits."""
    if not _CODE.fullmatch(text) or not any(c.isdigit() for c in text):
        return text
    segments = text.split("-")
    uppers = sum(c.isupper() for c in text)
    lowers = sum(c.islower() for c in text)
    if uppers < 2 or lowers > 1:
        return text  # a word ("Hi-Vis", "x-ray"), not a code
    if not any(s.isdigit() and len(s) >= 3 for s in segments) and not any(
        sum(c.isdigit() for c in s) > sum(c.isalpha() for c in s) and len(s) >= 3 for s in segments
    ):
        return text  # no number part: not a part-number shape
    if lowers:
        text = text.upper()
        segments = text.split("-")
    return "-".join(_segment(s) for s in segments)


def clean_token(text: str) -> str:
    """One OCR token cleaned by shape; "" when nothing usable is left."""
    text = text.strip()
    if not text or is_noise(text):
        return ""
    text = strip_ruling(text)
    if not text or is_noise(text):
        return ""
    text = fix_number(fix_inches(_SECTION_FIVE.sub("5", text)))
    if m := _CODE_SPECK.fullmatch(text):
        text = m[1]
    return fix_code(text)


def _after_times(word: Word, before: Word | None) -> bool:
    """``word`` follows an "x" on its line ("x 1°": a size)."""
    if before is None or before.text not in _TIMES:
        return False
    return abs(word.middle - before.middle) < (
        word.bottom - word.top
    ) / 2 and 0 <= word.x0 - before.x1 < 3 * (word.bottom - word.top)


_DASHES = frozenset({"-", "\u2013", "\u2014"})


def beside(a: Word, b: Word) -> bool:
    """``b`` is the next word after ``a`` on the same line, a word space or so away."""
    h = max(a.bottom - a.top, b.bottom - b.top)
    return abs(a.middle - b.middle) < h / 2 and -1.0 <= b.x0 - a.x1 < 1.5 * h


def dash_between(before: Word | None, word: Word, after: Word | None) -> bool:
    """``word`` is a dash set a word space from a word of its line ("Plated - RoHS", "Heavy Duty -"
    at the end of a line that wraps): text, not a ruling's trace."""
    if word.text not in _DASHES:
        return False
    left = before is not None and bool(re.search(r"[A-Za-z0-9]", before.text)) and beside(before, word)
    right = after is not None and bool(re.search(r"[A-Za-z0-9]", after.text)) and beside(word, after)
    return left or right


def letter_i(before: Word | None, word: Word, after: Word | None) -> bool:
    """``word`` is a "|" that is the letter I between two words of a line ("Type | Ratchet"): a word
    space from both, as tall as their capitals and standing on the same line, where what is left
    of a ruling runs over the text's height."""
    if word.text != "|" or before is None or after is None:
        return False
    if not (before.text[-1:].isalpha() and after.text[:1].isalpha()):
        return False
    if not (beside(before, word) and beside(word, after)):
        return False
    h = word.bottom - word.top
    caps = min(before.bottom - before.top, after.bottom - after.top)
    return (
        abs(word.top - after.top) <= 0.2 * caps
        and abs(word.top - before.top) <= 0.2 * caps
        and h <= 1.1 * caps
    )


def clean_page_words(words: list[Word]) -> list[Word]:
    """The words of an OCR page cleaned token by token; noise-only words are dropped, but a dash a
    word space from a word of its line is kept as "-", and a "|" that is the letter I as "I"."""
    out: list[Word] = []
    for k, word in enumerate(words):
        text = clean_token(word.text)
        after = words[k + 1] if k + 1 < len(words) else None
        if not text and dash_between(out[-1] if out else None, word, after):
            text = "-"
        if not text and letter_i(out[-1] if out else None, word, after):
            text = "I"
        if not text:
            continue
        if (m := _SIZE_INCH.fullmatch(text)) and _after_times(word, out[-1] if out else None):
            text = f'{m[1]}"'  # "x 1°": an inch mark
        out.append(word if text == word.text else replace(word, text=text))
    return out
