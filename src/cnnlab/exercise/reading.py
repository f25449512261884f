"""Reading typed answers: the same rules as the page's script (``viz/assets/exercise_read.js``),
character for character, so that a box on the page and ``ex.check("...")`` agree.

Every text is first put in Unicode's compatibility form (NFKC: full-width digits such as
"６" become "6", a no-break space a space) and "−" becomes "-". Only ASCII digits and
ASCII white space count after that, in Python as in JavaScript.
"""

from __future__ import annotations

import math
import re
import unicodedata

WHITE = " \t\n\r\f\v"
_NUMBER = r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?"
_GROUPED = re.compile(r"[+-]?[0-9]{1,3}(?:([,_ ])[0-9]{3})(?:\1[0-9]{3})*(?:\.[0-9]+)?", re.ASCII)
_AND = re.compile(r"(?<![A-Za-z])and(?![A-Za-z])", re.I)  # "2, 5 and 8", "reflect and circular"
_SEPARATORS = re.compile(r"[ \t\n\r\f\v,;x×*]+", re.ASCII)


def normalize(text: str) -> str:
    """NFKC, "−" as "-", and no white space at either end."""
    return unicodedata.normalize("NFKC", text).replace("−", "-").strip(WHITE)


def show(v: float) -> str:
    """A number as messages print it, identically in Python and in the page's script:
    rounded to 3 decimals, without a trailing ``.0`` (``6``, ``0.111``, ``-0.5``)."""
    r = math.floor(float(v) * 1000 + 0.5) / 1000  # JavaScript's Math.round: halves go up
    return str(int(r)) if r == int(r) else repr(r)


def parse_number(text: str) -> float | None:
    """``"4"``, ``"-0.5"``, ``"1/9"``, ``"1e-3"``, and with thousands grouped by commas,
    spaces or underscores, ``"529,984"``, ``"16 448"``, as a float; None if not a number.
    The text must be normalized."""
    if _GROUPED.fullmatch(text):
        text = re.sub(r"[,_ ]", "", text)
    if re.fullmatch(_NUMBER, text, re.ASCII):
        return float(text)
    frac = re.fullmatch(rf"({_NUMBER})[{WHITE}]*/[{WHITE}]*({_NUMBER})", text, re.ASCII)
    if frac and float(frac.group(2)) != 0:
        return float(frac.group(1)) / float(frac.group(2))
    return None


def _pieces(text: str, grouped: bool) -> list[str]:
    """The numbers of a list, with brackets and the word "and" dropped; ``grouped``: a comma, underscore or
    single space between a digit and three digits groups thousands ("462,422,016, 115,605,504")."""
    t = _AND.sub(" ", re.sub(r"[()\[\]{}]", " ", text))
    if grouped:
        t = re.sub(r"(?<=[0-9])([,_ ])(?=[0-9]{3}(?![0-9]))", "", t)
    return [s for s in _SEPARATORS.split(t) if s]


def parse_numbers(text: str, length: int | None = None) -> list[float] | None:
    """``"(24, 24)"``, ``"24x24"``, ``"24 × 24"``, ``"[2, 3]"``, ``"2, 5 and 8"`` as a list of
    floats, ``"()"`` as an empty one; None if any piece is not a number. Thousands may be grouped ("462,422,016, 115,605,504"): of the
    two readings, with and without grouping, the one with ``length`` numbers wins, else the
    grouped one when the text separates its numbers by ", " and the other one when not."""
    if re.fullmatch(r"[()\[\]{} \t\n\r\f\v]+", text):
        return []  # "()": no numbers at all
    readings = []
    for grouped in (False, True):
        values = [parse_number(s) for s in _pieces(text, grouped)]
        readings.append(None if not values or any(v is None for v in values) else values)
    fits = [r for r in readings if r is not None and len(r) == length]
    if fits:
        return fits[0]
    return readings[1] if re.search(r",[ ]", text) else readings[0]


def parse_matrix(text: str) -> list[list[float]] | None:
    """Rows on separate lines, or separated by ``;`` or a spaced `` / ``, or written as
    ``[[1, 2], [3, 4]]``; numbers within a row separated by spaces or commas (``1/9`` without
    spaces is a fraction). None unless every row parses."""
    if text.startswith("[["):
        rows = re.split(r"\][ \t\n\r\f\v]*,?[ \t\n\r\f\v]*\[", re.sub(r"[\] \t\n\r\f\v]+$", "", text[2:]))
    else:
        rows = [r for r in re.split(r"\n|;|[ \t\r\f\v]+/[ \t\r\f\v]+", text) if r.strip(WHITE)]
    parsed = []
    for row in rows:
        values = [parse_number(s) for s in _pieces(row, False)]
        parsed.append(None if not values or any(v is None for v in values) else values)
    return None if not parsed or any(r is None for r in parsed) else parsed


def parse_names(text: str) -> list[str]:
    """``"edge, identity"``, ``"edge and identity"`` or ``{'edge', 'identity'}`` as lower-case names."""
    t = _AND.sub(",", re.sub(r"[{}\[\]()'\"]", " ", text))
    return [s.strip(WHITE).lower() for s in re.split(r"[,\n]", t) if s.strip(WHITE)]


def parse_letter(text: str) -> int | None:
    """``"b"``, ``"B"``, ``"(b)"``, ``"b)"`` or ``"b."`` as the index 1; None otherwise."""
    found = re.fullmatch(r"\(?([a-jA-J])[).]?", text)
    if not found or (text.startswith("(") and not text.endswith(")")):
        return None
    return "abcdefghij".index(found.group(1).lower())
