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
  becomes a plain double quote ("1/4”", "1/2*", "1/2°-13"); "90°" and "2*" keep their text.

Description words ("Hi-Vis", "2XL", "18-8", '1/4"-20', "Plated") keep their text.
"""

from __future__ import annotations

import re
from dataclasses import replace

from ingest.parsers.pdf.model import Word

RULING = "|[]{}_~`\u2018\u2019\u00a6"
_NOISE = re.compile(r"[|\[\]{}_~`\u2018\u2019\u00a6\u2014\u2013\-+=.,;:'\"*!/\\<>()]+")
_LEADING = re.compile(r"^[.,;:'`~/\\\-]+(?=[A-Za-z0-9#$])")
_TO_DIGIT = str.maketrans({"O": "0", "o": "0", "D": "0", "l": "1", "I": "1", "|": "1", "S": "5", "B": "8"})
_TO_LETTER = str.maketrans({"2": "Z", "5": "S", "0": "O", "1": "I", "8": "B"})
_SEGMENT_TO_DIGIT = str.maketrans({"O": "0", "I": "1", "L": "1", "S": "5", "B": "8", "Z": "2"})
_NUMBER = re.compile(r"\d{1,3}(,\d{3})+(\.\d+)?|\d+(\.\d+)?")
_CODE = re.compile(r"[A-Za-z0-9]+(-[A-Za-z0-9]+)+")
# an inch mark read as a curly quote after any number, or as "*" or a degree sign after a
# fraction ("1/2*", "1/2\u00b0-13"); a whole number's "*" may be an asterisk, its "\u00b0" degrees
_CURLY_INCH = re.compile(r"(?<=\d)[\u201c\u201d]")
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
    if not re.fullmatch(r"[\dOoDlIS|B.,]+", text):
        return text
    fixed = text.translate(_TO_DIGIT)
    return fixed if _NUMBER.fullmatch(fixed) else text


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
    text = fix_number(fix_inches(text))
    return fix_code(text)


def clean_page_words(words: list[Word]) -> list[Word]:
    """The words of an OCR page cleaned token by token; noise-only words are dropped."""
    out: list[Word] = []
    for word in words:
        text = clean_token(word.text)
        if not text:
            continue
        out.append(word if text == word.text else replace(word, text=text))
    return out
