"""The kinds of answer an exercise part checks, one class each, and the functions that build
them. The page's scripts (``viz/assets/exercise_<kind>.js``) mirror each class's ``judge``
message for message on typed answers.

Every part judges in the same order: the expected answer (and ``also``, its equivalent
forms) first, then the known wrong answers with their own hints, then what is wrong with the
form (a length, a shape), then the part's general hint. The builders refuse, with a message,
known wrong answers that could never be reached: one that equals the expected answer, two
that are the same answer with different hints, a name or option that is not offered.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any, ClassVar, Sequence

import numpy as np

from .reading import normalize, parse_letter, parse_matrix, parse_names, parse_number, parse_numbers, show

NONE_MESSAGE = "Write your answer in place of None, then run the cell again."
EMPTY_MESSAGE = "Type your answer first."
CHANNELS_FIRST = "PyTorch puts the channels first: (C, H, W) for one image, (N, C, H, W) for a batch."


def _close(a: float, b: float, tol: float) -> bool:
    return a == b or abs(a - b) <= tol * max(1.0, abs(b))


def _finite(values) -> bool:
    return all(math.isfinite(v) for v in np.ravel(values))


NOT_FINITE = "Your answer has a number that is not finite (infinity or NaN): write finite numbers."


@dataclass
class Part:
    """One checkable answer; build it with :func:`number`, :func:`numbers`, :func:`matrix`,
    :func:`names`, :func:`choice` or :func:`kernel`.

    ``expected``: the answer in plain Python form. ``tol``: relative tolerance (absolute
    below 1); 0 means exact. ``hint``: for any wrong answer; ``wrong``: ``[(answer, hint)]``
    for known wrong answers; ``also``: other answers that are right too.
    """

    kind: ClassVar[str] = ""
    what: ClassVar[str] = ""
    expected: Any = None
    tol: float = 0.0
    hint: str = ""
    wrong: list = field(default_factory=list)
    also: list = field(default_factory=list)
    placeholder: str = ""

    def spec(self) -> dict:
        """What the page's script needs, as JSON-ready data."""
        data = {k: v for k, v in self.__dict__.items() if v not in ("", [], {}, None) or k == "expected"}
        return {"kind": self.kind, **data}

    def verdict(self, answer: Any) -> tuple[bool, str]:
        """``(True, "Correct.")`` or ``(False, hint)`` for an answer in any accepted form."""
        if answer is None:
            return False, NONE_MESSAGE
        if isinstance(answer, str):
            text = normalize(answer)
            value, problem = (None, self.empty_message()) if not text else self.read_text(text)
        elif isinstance(answer, (bool, np.bool_)):
            value, problem = None, f"{answer} is a truth value; the answer is {self.what}."
        else:
            value, problem = self.read_value(answer)
        return (False, problem) if problem else self.judge(value)

    def empty_message(self) -> str:
        return EMPTY_MESSAGE

    def same(self, a, b) -> bool:
        raise NotImplementedError

    def right(self, value) -> bool:
        return any(self.same(value, e) for e in [self.expected, *self.also])

    def known(self, value) -> str | None:
        return next((h for w, h in self.wrong if self.same(value, w)), None)

    def not_yet(self, value, detail: str = "") -> tuple[bool, str]:
        hint = self.known(value) or self.hint
        return False, "Not yet." + (f" {detail}" if detail else "") + (f" {hint}" if hint else "")

    def check_wrong(self) -> None:
        """Refuse known wrong answers that no answer could reach."""
        for i, (w, h) in enumerate(self.wrong):
            if self.right(w):
                raise ValueError(f"{self.kind}(): the known wrong answer {w!r} (hint {h!r}) is judged right, "
                                 "so its hint can never appear. Remove it or tighten tol.")
            for w2, h2 in self.wrong[:i]:
                if self.same(w, w2):
                    raise ValueError(f"{self.kind}(): the known wrong answers {w2!r} and {w!r} are the same "
                                     f"answer with two hints ({h2!r} and {h!r}); only the first could appear. "
                                     "Merge them into one hint.")


@dataclass
class NumberPart(Part):
    kind, what = "number", "one number"
    units: dict = field(default_factory=dict)

    def read_text(self, typed):
        text, factor = typed, 1.0
        for unit in sorted(self.units, key=len, reverse=True):  # "95.1%", "12.8 MB"
            if text.lower().endswith(unit.lower()) and len(text) > len(unit):
                text, factor = text[: len(text) - len(unit)].rstrip(" \t\n\r\f\v"), self.units[unit]
                break
        v = parse_number(text)
        if v is None:
            sides = parse_numbers(text, 2)
            if sides is not None and len(sides) == 2 and sides[0] == sides[1]:
                v = sides[0]  # "6x6": the side of a square
            elif sides is not None and len(sides) == 2:
                return None, f'"{typed}" is two numbers; the answer is one number (for a square, its side).'
            elif sides is not None and len(sides) > 2:
                return None, f'"{typed}" is {len(sides)} numbers; the answer is one number.'
            else:
                return None, f'"{typed}" is not a number. Write digits, e.g. 12, -0.5 or 1/9.'
        if factor != 1.0:  # 12 significant digits: "0.786432 MB" is 786,432 bytes exactly
            v = float(f"{v * factor:.12g}")
        return (v, None) if math.isfinite(v) else (None, NOT_FINITE)

    def read_value(self, answer):
        try:
            arr = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return None, f"The answer is one number; you gave {answer!r}, which is not a number."
        if arr.shape == (2,) and arr[0] == arr[1]:
            arr = arr[0]  # (6, 6): the side of a square, as "6x6" is typed
        elif arr.size != 1:
            return None, f"The answer is one number; you gave an array of shape {arr.shape}."
        v = float(arr.reshape(()))
        return (v, None) if math.isfinite(v) else (None, NOT_FINITE)

    def same(self, a, b):
        return _close(a, b, self.tol)

    def judge(self, v):
        return (True, "Correct.") if self.right(v) else self.not_yet(v)


@dataclass
class NumbersPart(Part):
    kind, what = "numbers", "a tuple of numbers"
    unordered: bool = False
    channels: str = ""

    def read_text(self, text):
        v = parse_numbers(text, len(self.expected))
        if v is None:
            return None, f'"{text}" is not a list of numbers. Write e.g. (2, 3) or 2x3.'
        return (v, None) if _finite(v) else (None, NOT_FINITE)

    def read_value(self, answer):
        try:
            arr = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return None, f"The answer is a tuple of numbers; you gave {answer!r}, which is not numbers."
        if arr.ndim > 1:
            return None, f"The answer is a tuple of numbers; you gave an array of shape {arr.shape}."
        if not _finite(arr):
            return None, NOT_FINITE
        return arr.reshape(-1).tolist(), None

    def same(self, a, b):
        if len(a) != len(b):
            return False
        if self.unordered:
            a, b = sorted(a), sorted(b)
        return all(_close(x, y, self.tol) for x, y in zip(a, b))

    def channels_last(self, v) -> bool:
        """The answer is the expected shape with its channel axis moved to the end."""
        e = self.expected
        if self.channels == "CHW":
            return len(v) == 3 and self.same(v, [e[1], e[2], e[0]])
        if self.channels == "NCHW":
            return len(v) == 4 and self.same(v, [e[0], e[2], e[3], e[1]])
        return False

    def judge(self, v):
        if self.right(v):
            return True, "Correct."
        if self.known(v) is None and self.channels_last(v):
            return False, f"Not yet. {CHANNELS_FIRST}"
        lengths = {len(self.expected), *(len(a) for a in self.also)}
        detail = "" if len(v) in lengths or self.known(v) else f"You gave {len(v)} number{'s' * (len(v) != 1)}."
        return self.not_yet(v, detail)


class MatrixPart(Part):
    kind, what = "matrix", "a matrix (rows of numbers)"

    def read_text(self, text):
        v = parse_matrix(text)
        if v is None:
            return None, "Write the matrix one row per line, numbers separated by spaces or commas."
        if len({len(r) for r in v}) != 1:
            return None, f"Your rows have different lengths ({', '.join(str(len(r)) for r in v)}): every row needs as many numbers."
        return (v, None) if _finite(v) else (None, NOT_FINITE)

    def read_value(self, answer):
        try:
            arr = np.asarray(answer, dtype=float)
        except (TypeError, ValueError):
            return None, f"The answer is {self.what}; you gave {answer!r}, which is not rows of numbers of one length."
        if arr.ndim != 2:
            return None, f"The answer is {self.what}; you gave an array of shape {arr.shape}."
        if arr.size == 0:
            return None, f"Your matrix is empty (shape {arr.shape}); the answer has numbers in it."
        if not _finite(arr):
            return None, NOT_FINITE
        return arr.tolist(), None

    def same(self, a, b):
        return len(a) == len(b) and all(len(r) == len(s) and all(_close(x, y, self.tol) for x, y in zip(r, s))
                                        for r, s in zip(a, b))

    def judge(self, v):
        if self.right(v):
            return True, "Correct."
        rows, cols = len(self.expected), len(self.expected[0])
        if self.known(v) is None and (len(v), len(v[0])) != (rows, cols):
            return False, f"Your matrix is {len(v)}×{len(v[0])}; the answer is {rows}×{cols}."
        if (len(v), len(v[0])) != (rows, cols):
            return self.not_yet(v)
        bad = sum(not _close(a, b, self.tol) for ra, rb in zip(v, self.expected) for a, b in zip(ra, rb))
        return self.not_yet(v, f"{bad} of {rows * cols} entries wrong.")


@dataclass
class NamesPart(Part):
    kind, what = "names", "a set of names"
    options: list = field(default_factory=list)

    def empty_message(self) -> str:
        return "Choose the names first: tick every one that belongs."

    def read_text(self, text):
        return self.read_value(parse_names(text))

    def read_value(self, answer):
        if isinstance(answer, np.ndarray) and answer.ndim == 1:
            answer = answer.tolist()
        if not isinstance(answer, (set, frozenset, list, tuple)):
            return None, f"Give a set of names, e.g. {{'{self.options[0]}'}}; you gave a {type(answer).__name__}."
        given = [str(a).strip(" \t\n\r\f\v").lower() for a in answer]
        known = [o.lower() for o in self.options]
        for name in given:
            if name not in known:
                return None, f'"{name}" is not one of the names: {", ".join(self.options)}.'
        return sorted(set(given)), None

    def same(self, a, b):
        return set(a) == {x.lower() for x in b}

    def judge(self, v):
        if self.right(v):
            return True, "Correct."
        got, want = set(v), {e.lower() for e in self.expected}
        return self.not_yet(v, f"{len(got & want)} right, {len(got - want)} wrong, {len(want - got)} missing.")


def _squeeze(text: str) -> str:
    """An option as typed answers are matched against it: lower case, no white space."""
    return re.sub(r"[ \t\n\r\f\v]+", "", text).lower()


@dataclass
class ChoicePart(Part):
    kind, what = "choice", "one of the options"
    options: list = field(default_factory=list)

    def empty_message(self) -> str:
        return "Choose one of the options first."

    def read_text(self, text):
        squeezed = [_squeeze(o) for o in self.options]  # "linear(784,10)" is "Linear(784, 10)"
        if _squeeze(text) in squeezed:
            return self.options[squeezed.index(_squeeze(text))], None
        letter = parse_letter(text)
        if letter is not None and letter < len(self.options):
            return self.options[letter], None
        listed = ", ".join(self.options)
        return None, f'"{text}" is not one of the options: {listed}{"" if listed.endswith(".") else "."}'

    def read_value(self, answer):
        return self.read_text(normalize(str(answer)))

    def same(self, a, b):
        return a == b

    def judge(self, v):
        return (True, "Correct.") if self.right(v) else self.not_yet(v)


@dataclass
class KernelPart(MatrixPart):
    kind, what = "kernel", "a kernel (rows of numbers)"
    images: dict = field(default_factory=dict)
    conditions: list = field(default_factory=list)

    def scores(self, kernel: list[list[float]]) -> dict[str, float]:
        """The best (largest) value of the valid cross-correlation of ``kernel`` with each test
        image, summed in the page script's order, so that both give the same floats."""
        kh, kw = len(kernel), len(kernel[0])
        result = {}
        for name, img in self.images.items():
            best = -math.inf
            for i in range(len(img) - kh + 1):
                for j in range(len(img[0]) - kw + 1):
                    s = 0.0
                    for p in range(kh):
                        for q in range(kw):
                            s += img[i + p][j + q] * kernel[p][q]
                    best = max(best, s)
            result[name] = best
        return result

    def judge(self, v):
        rows, cols = self.expected
        if (len(v), len(v[0])) != (rows, cols):
            return False, f"Your kernel is {len(v)}×{len(v[0])}; it should be {rows}×{cols}."
        s = self.scores(v)
        if not all(abs(x) <= 1e12 for x in s.values()):
            return False, "Not yet: your weights are too large to score (a best score beyond 1e12). Use weights of a few units."
        board = "best scores: " + ", ".join(f"{k} {show(x)}" for k, x in s.items())
        for left, op, right, hint in self.conditions:
            a, b = s[left], s[right] if isinstance(right, str) else float(right)
            holds = {">": a > b + 1e-9, "<": a < b - 1e-9, "==": abs(a - b) <= 1e-9,
                     ">=": a >= b - 1e-9, "<=": a <= b + 1e-9}[op]
            if not holds:
                return False, f"Not yet ({board}). {hint}"
        return True, f"Correct ({board})."


# The kinds, in the order in which the page's scripts (``exercise_<kind>.js``) are loaded.
KINDS = [c.kind for c in (NumberPart, NumbersPart, MatrixPart, NamesPart, ChoicePart, KernelPart)]


# -- building parts ---------------------------------------------------------------------------


def _plain(a) -> Any:
    return np.asarray(a, dtype=float).tolist()


def _integers(a) -> bool:
    """Counts: Python or numpy integers (not floats that happen to be whole)."""
    arr = np.asarray(a)
    return arr.size > 0 and (np.issubdtype(arr.dtype, np.integer) or
                             (arr.dtype == object and all(isinstance(x, (int, np.integer)) for x in arr.ravel())))


def _tolerance(tol: float | None, expected) -> float:
    return (0.0 if _integers(expected) else 1e-6) if tol is None else float(tol)


def _pairs(wrong, builder: str) -> list:
    if isinstance(wrong, dict):
        raise TypeError(
            f"{builder}(): give wrong as a list of (answer, hint) pairs, not a dict: a dict silently keeps "
            "one of two equal answers, and a student then reads the other mistake's hint."
        )
    pairs = list(wrong or [])
    if any(not isinstance(p, tuple) or len(p) != 2 or not isinstance(p[1], str) for p in pairs):
        raise TypeError(f"{builder}(): wrong must be (answer, hint) pairs, e.g. [(10, 'Add 1.')]; got {pairs!r}.")
    return pairs


def _built(part: Part) -> Part:
    part.check_wrong()
    return part


def number(expected, *, tol: float | None = None, hint: str = "", wrong: Sequence = (), also: Sequence = (),
           units: dict | None = None, placeholder: str = "") -> Part:
    """One number. ``tol`` is relative (absolute for answers below 1); by default 0 (exact)
    for an integer ``expected`` (a count) and 1e-6 for a float. A typed "6x6" reads as 6.
    ``units`` maps a unit that may follow a typed number to its factor: ``{"%": 0.01}`` reads
    "95.1%" as 0.951, ``{"MB": 1, "bytes": 1e-6}`` reads "12,845,056 bytes" as 12.845056."""
    arr = np.asarray(expected)
    if arr.size != 1:
        raise ValueError(f"number(): the expected answer must be one number; got shape {arr.shape}.")
    tol = _tolerance(tol, expected)
    return _built(NumberPart(float(arr.reshape(())), tol, hint, [(float(w), h) for w, h in _pairs(wrong, "number")],
                             [float(a) for a in also], placeholder or "a number, e.g. 12",
                             {str(u): float(f) for u, f in (units or {}).items()}))


def numbers(expected: Sequence, *, tol: float | None = None, hint: str = "", wrong: Sequence = (),
            also: Sequence = (), unordered: bool = False, channels: str = "", placeholder: str = "") -> Part:
    """A tuple of numbers, such as a shape ``(OH, OW)``: exact for integers by default.
    ``unordered``: any order (a set of positions). ``channels="CHW"`` or ``"NCHW"``: the
    expected answer is a shape, and the same shape with the channels last gets the hint that
    PyTorch puts them first."""
    if channels not in ("", "CHW", "NCHW") or (channels and len(expected) != len(channels)):
        raise ValueError(f"numbers(): channels is 'CHW' or 'NCHW' and matches the expected shape; got {channels!r} for {expected!r}.")
    tol = _tolerance(tol, expected)
    return _built(NumbersPart(_plain(expected), tol, hint, [(_plain(w), h) for w, h in _pairs(wrong, "numbers")],
                              [_plain(a) for a in also], placeholder or "e.g. (2, 3)", unordered, channels))


def matrix(expected, *, tol: float | None = None, hint: str = "", wrong: Sequence = ()) -> Part:
    """A small matrix ``(R, C)``; ``wrong`` pairs known wrong matrices with their hints."""
    m = np.asarray(expected, dtype=float)
    if m.ndim != 2:
        raise ValueError(f"matrix(): the expected answer must be 2D (rows, columns); got shape {m.shape}.")
    return _built(MatrixPart(m.tolist(), _tolerance(tol, expected), hint,
                             [(_plain(w), h) for w, h in _pairs(wrong, "matrix")],
                             placeholder="one row per line, e.g.\n1 0\n0 1"))


def names(expected, options: Sequence[str], *, hint: str = "", wrong: Sequence = ()) -> Part:
    """A set of names chosen among ``options`` (any order, any case)."""
    options = list(options)
    for name in [*options, *expected]:
        if "," in name or re.search(r"(?<![A-Za-z])and(?![A-Za-z])", name, re.I):
            raise ValueError(f"names(): {name!r} contains a comma or the word 'and', which separate names in typed answers.")
    pairs = _pairs(wrong, "names")
    missing = [e for e in [*expected, *(n for w, _ in pairs for n in w)] if e not in options]
    if missing:
        raise ValueError(f"names(): names {missing} are not among the options {options}.")
    return _built(NamesPart(sorted(expected), 0.0, hint, [(sorted(w), h) for w, h in pairs], options=options))


def choice(expected: str, options: Sequence[str], *, hint: str = "", wrong: Sequence = ()) -> Part:
    """One option of a multiple choice; ``wrong`` pairs options with their hints."""
    options = list(options)
    pairs = _pairs(wrong, "choice")
    missing = [o for o in [expected, *(w for w, _ in pairs)] if o not in options]
    if missing:
        raise ValueError(f"choice(): {missing} are not among the options {options}.")
    return _built(ChoicePart(expected, 0.0, hint, pairs, options=options))


def kernel(shape: tuple[int, int], images: dict[str, np.ndarray], conditions: Sequence) -> Part:
    """A kernel of ``shape`` that the reader designs. Each test image ``(H, W)`` is scored by
    the best value of its valid cross-correlation with the kernel; ``conditions`` are
    ``(image, op, image_or_number, hint)`` with ``op`` one of ``> < == >= <=``, checked in order."""
    for left, op, right, _ in conditions:
        names_used = [left] + ([right] if isinstance(right, str) else [])
        if op not in (">", "<", "==", ">=", "<=") or any(n not in images for n in names_used):
            raise ValueError(f"kernel(): condition {(left, op, right)} needs an op of > < == >= <= and images among {list(images)}.")
    small = [k for k, v in images.items() if np.shape(v)[0] < shape[0] or np.shape(v)[1] < shape[1]]
    if small:
        raise ValueError(f"kernel(): test images {small} are smaller than the {shape[0]}×{shape[1]} kernel.")
    return KernelPart(list(shape), images={k: _plain(v) for k, v in images.items()},
                      conditions=[list(c) for c in conditions],
                      placeholder="one row per line, e.g.\n0 0 0\n0 1 0\n0 0 0")
